// Dose images: the absorbed dose per voxel of a run (`gpudose run --dose-image FILE`), with its
// relative 1-sigma uncertainty from the same batch statistics as the organ tallies
// (host/run/statistics.hh, VoxelStatistics) and optionally the energy per voxel.
//
// Units: Gy per emitted particle (per decay for a nuclide source, i.e. Gy/(Bq s)); energy in
// MeV per emitted particle (per decay). A voxel's mass is its label's density x the voxel
// volume. Uncertainty: relative 1-sigma; 1 (100 %) in voxels that received no energy.
// Frame: the phantom's (phantoms/phantom_export.hh), so the images overlay `phantom export`.
//
// Range rejection in dose-image jobs works within a voxel (kernels/electron_transport.hh
// can_leave): an electron is slowed down in place only when its residual CSDA range cannot take
// it out of its voxel, so its energy lands in the right voxel; the organ criterion (out of its
// label region) would put it up to a residual range away.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "host/run/statistics.hh"
#include "phantoms/phantom.hh"

namespace gpudose {

struct DoseImage {
  std::string unit;               // "Gy per emitted particle" or "Gy per decay"
  std::vector<float> dose_gy;     // per voxel
  std::vector<float> rel_unc;     // relative 1-sigma (1 where no energy)
  std::vector<float> energy_mev;  // mean energy per voxel per emitted particle (per decay)
  std::shared_ptr<const VoxelStatistics> stats;  // the exact sums behind them (transport only)
  // Statistics of JobRequest::voxel_groups (null without groups); transport only, per history.
  std::shared_ptr<const VoxelStatistics> groups;
};

// Energy absorbed where it is emitted (a nuclide's alpha and recoil energy), spread over the
// source voxels by their sampling weights: `mev` per decay in all.
struct LocalEnergy {
  double mev = 0;
  const std::vector<std::uint32_t>* voxels = nullptr;
  const std::vector<double>* weights = nullptr;
  double total_weight = 0;
};

// The images of a finished run: `per_unit` histories per decay (1 for a particle source).
DoseImage make_dose_image(const Phantom& phantom, std::shared_ptr<const VoxelStatistics> stats,
                          double per_unit, const LocalEnergy& local, const std::string& unit);

// The files a dose image is written to: `path` (dose), <stem>_uncertainty<ext> and, with
// `energy`, <stem>_energy<ext> (ext: .nii.gz, .nii, .mha, .nrrd).
std::vector<std::string> dose_image_paths(const std::string& path, bool energy);

// Throws UserError for an unsupported extension or an unwritable folder (before a run).
void check_dose_image_path(const std::string& path);

// Host memory a dose-image job needs besides the organ job (statistics and output images).
std::size_t dose_image_bytes(std::size_t num_voxels);
// Throws UserError when `bytes` (default dose_image_bytes(num_voxels)) are not available on
// this machine now.
void check_dose_image_memory(std::size_t num_voxels, std::size_t bytes = 0);

// Writes every file of dose_image_paths (each to a temporary name, renamed when complete).
void write_dose_image(const Phantom& phantom, const DoseImage& image, const std::string& path,
                      bool energy);

}  // namespace gpudose
