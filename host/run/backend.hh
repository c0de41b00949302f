// Choice of back end for a run: `--backend auto|cpu|cuda` and `--devices LIST`.
#pragma once

#include <string>
#include <vector>

#include "host/run/cuda_devices.hh"

namespace gpudose {

enum class Backend { Cpu, Cuda };

struct BackendSelection {
  Backend backend = Backend::Cpu;
  std::vector<int> devices;  // CUDA device indices (empty for the CPU)
  std::string reason;        // one line saying what was chosen and why
};

const char* backend_name(Backend b);

// request: "auto" (CUDA when a device is present, else CPU), "cpu" or "cuda".
// devices: comma-separated CUDA device indices or "all" (default). Throws UserError when the
// request cannot be met (unknown name, CUDA asked for but unavailable, unknown device index).
BackendSelection select_backend(const std::string& request, const std::string& devices,
                                const CudaAvailability& cuda);

}  // namespace gpudose
