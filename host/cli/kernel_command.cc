// `gpudose kernel`: a voxel S-value kernel (MIRD Pamphlet 17) for any nuclide, particle, voxel
// size and medium; the work is in host/run/voxel_kernel.cc.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>

#include "host/cli/cli.hh"
#include "host/cli/data_dir.hh"
#include "host/foundation/text_format.hh"
#include "host/foundation/user_error.hh"
#include "host/run/voxel_kernel.hh"
#include "physics-data/decay_data.hh"

namespace gpudose {
namespace {

struct KernelOptions {
  KernelRequest request;
  std::string voxel;  // "3" or "4.42x4.42x4.42" (mm)
  std::vector<std::string> outputs;
  bool quiet = false;
};

// "3" -> 3 x 3 x 3 mm; "4.42x4.42x2" -> as given; in cm.
void parse_voxel(const std::string& text, double out[3]) {
  std::vector<double> v;
  std::stringstream s(text);
  for (std::string part; std::getline(s, part, 'x');) {
    std::size_t used = 0;
    double mm = 0;
    try {
      mm = std::stod(part, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used == 0 || used != part.size()) {
      throw UserError("--voxel '" + text + "' is not a voxel size",
                      "expected millimetres: D or DXxDYxDZ", "e.g. --voxel 3 or --voxel 4.42");
    }
    v.push_back(mm / 10.0);
  }
  if (v.size() == 1) v = {v[0], v[0], v[0]};
  if (v.size() != 3) {
    throw UserError("--voxel '" + text + "' is not a voxel size",
                    "expected one edge or three (DXxDYxDZ, mm)", "e.g. --voxel 3");
  }
  for (int i = 0; i < 3; ++i) out[i] = v[i];
}

void kernel(KernelOptions o, const GlobalOptions& global) {
  KernelRequest& q = o.request;
  parse_voxel(o.voxel, q.voxel_cm);
  for (const auto& path : o.outputs) check_kernel_output_path(path);
  q.data_dir = resolve_data_dir(global.data_dir);
  q.cache_dir = resolve_cache_dir(global.cache_dir);
  if (!q.nuclide.empty()) q.decay_dir = decay_data_dir(q.data_dir);
  std::function<void(const std::string&)> log;
  if (!o.quiet) log = [](const std::string& line) { std::cerr << "gpudose: " << line << "\n"; };
  VoxelKernel k = make_voxel_kernel(q, log);
  k.provenance.insert(k.provenance.begin(), {"command", global.command_line});
  for (const auto& path : o.outputs) write_voxel_kernel(k, path);

  std::cout << "gpudose kernel: " << k.source << ", voxel " << format_g(q.voxel_cm[0] * 10) << " x "
            << format_g(q.voxel_cm[1] * 10) << " x " << format_g(q.voxel_cm[2] * 10) << " mm, "
            << k.n << "^3 block of " << k.medium_name << " (" << k.medium_key << ", "
            << format_g(k.density_g_cm3) << " g/cm3), " << k.histories << " histories\n";
  std::cout << "energy per " << k.per << ": emitted " << format_g(k.emitted_mev)
            << " MeV = absorbed in the block " << format_g(k.absorbed_mev) << " MeV + escaped "
            << format_g(k.escaped_mev) << " MeV (difference "
            << format_g(k.emitted_mev - k.absorbed_mev - k.escaped_mev)
            << " MeV: the sampled emissions' statistical spread for a nuclide, rounding for one "
               "energy)\n";
  std::cout << "  i  j  k   S mGy/(MBq s)     S Gy/(Bq s)   rel. unc.\n";
  int shown = 0;
  for (const KernelRow& r : k.octant) {
    if (r.i + r.j + r.k > 2 || shown >= 10) continue;
    char line[128];
    std::snprintf(line, sizeof line, "%3d%3d%3d %16.5e %15.5e %10.2e\n", r.i, r.j, r.k,
                  r.s_gy_per_bq_s * 1e9, r.s_gy_per_bq_s, r.rel_unc);
    std::cout << line;
    ++shown;
  }
  if (k.per != "decay") std::cout << "(per emitted particle: S in Gy per particle)\n";
  for (const std::string& w : k.warnings) std::cerr << "gpudose: warning: " << w << "\n";
}

}  // namespace

void add_kernel_command(CLI::App& app, GlobalOptions& global) {
  auto o = std::make_shared<KernelOptions>();
  KernelRequest& q = o->request;
  auto* cmd = app.add_subcommand(
      "kernel",
      "Voxel S-value kernel (MIRD 17): source uniform in the central voxel of a homogeneous block");
  auto* nuclide =
      cmd->add_option("--nuclide", q.nuclide, "ICRP 107 nuclide (Y-90, Lu-177, ...): S per decay");
  auto* energy = cmd->add_option("--energy", q.energy_mev,
                                 "Instead of --nuclide: kinetic energy of --particle, MeV");
  nuclide->excludes(energy);
  energy->excludes(nuclide);
  cmd->add_option("--particle", q.particle, "With --energy: electron, positron or photon")
      ->capture_default_str();
  cmd->add_option("--voxel", o->voxel, "Voxel edge in mm (3) or DXxDYxDZ (4.42x4.42x4.42)")
      ->required();
  cmd->add_option("--medium", q.medium,
                  "Medium of the block: soft-tissue (ICRU four-component), water, air, or an "
                  "ICRP 110 medium by name or number (muscle-tissue, AF:29, ...)")
      ->capture_default_str();
  cmd->add_option("--size", q.size, "Voxels per edge of the block (odd)")->capture_default_str();
  cmd->add_option("--histories", q.histories,
                  "Histories (default 1e6; with --uncertainty: the cap, default 1e10)")
      ->transform(positive_count());
  cmd->add_option("--uncertainty", q.uncertainty,
                  "Stop at this relative 1-sigma of the central voxel (e.g. 0.01)")
      ->transform(relative_uncertainty());
  cmd->add_option("--seed", q.seed, "Run seed")->capture_default_str()->transform(seed_value());
  cmd->add_option("--threads", q.threads, "CPU worker threads (default: all cores)")
      ->transform(thread_count());
  cmd->add_option("-o,--output", o->outputs,
                  "Output file(s): .csv (octant table), .h5 (everything), .mha/.nii.gz/.nrrd "
                  "(3-D S image, uncertainty beside it)");
  cmd->add_flag("--quiet", o->quiet, "No progress on stderr");
  cmd->callback([o, &global, nuclide, energy]() {
    if (nuclide->count() == 0 && energy->count() == 0) {
      throw UserError("no source emission given", "kernel needs --nuclide or --energy",
                      "e.g. --nuclide Lu-177, or --particle electron --energy 1");
    }
    kernel(*o, global);
  });
}

}  // namespace gpudose
