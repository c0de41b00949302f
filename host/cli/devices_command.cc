// `gpudose devices [--backend auto|cpu|cuda] [--devices LIST]`: which back ends this build has,
// which CUDA devices are visible, and what a run with these options would use.
#include <omp.h>

#include <iostream>

#include "host/cli/cli.hh"
#include "host/foundation/build_info.hh"
#include "host/run/backend.hh"

namespace gpudose {

void add_devices_command(CLI::App& app, GlobalOptions&) {
  auto* cmd = app.add_subcommand("devices", "List back ends and CUDA devices, and show the choice");
  auto backend = std::make_shared<std::string>("auto");
  auto devices = std::make_shared<std::string>("all");
  cmd->add_option("--backend", *backend, "auto|cpu|cuda")->capture_default_str();
  cmd->add_option("--devices", *devices, "CUDA device indices, e.g. 0,1, or all")
      ->capture_default_str();
  cmd->callback([backend, devices]() {
    const CudaAvailability cuda = query_cuda_devices();
    std::cout << "cpu: OpenMP, " << omp_get_max_threads() << " thread(s)\n";
    if (!cuda.compiled) {
      std::cout << "cuda: not compiled in this build\n";
    } else if (cuda.devices.empty()) {
      std::cout << "cuda: compiled (sm " << build_info().cuda_architectures
                << "), no device: " << cuda.why_none << "\n";
    } else {
      for (const auto& d : cuda.devices) {
        std::cout << "cuda " << d.index << ": " << d.name << ", sm_" << d.sm_major << d.sm_minor
                  << ", " << d.multiprocessors << " SMs, " << (d.memory_bytes >> 20) << " MiB\n";
      }
    }
    std::cout << "selected: " << select_backend(*backend, *devices, cuda).reason << "\n";
  });
}

}  // namespace gpudose
