// Voxel S-value kernels (MIRD Pamphlet 17; `gpudose kernel`): a source uniform in the central
// voxel of a homogeneous block, S(i, j, k) = mean absorbed dose in the voxel at offset (i, j, k)
// from the centre per decay (Gy/(Bq s); also mGy/(MBq s)), or per emitted particle for a
// particle source, with its relative 1-sigma.
//
// The block is `box:MEDIUM:NxNxN:VXxVYxVZmm` (phantoms/box_phantom.hh; N odd), the source the
// box's "centre" region, run as a dose-image job (host/run/dose_image.hh: range rejection within a voxel,
// per-voxel batch statistics). Voxels equivalent by the block's symmetry (reflections in the
// three planes through the centre, and permutations of axes of equal voxel size) are one group:
// their energy per batch is summed and the group's mean and uncertainty come from those batch
// sums (VoxelStatistics groups), so the averaged S and its uncertainty are consistent. The full
// 3-D image holds every voxel's own value; the octant table (i, j, k = 0..N/2) the averages.
//
// Energy balance: sum over voxels of S x voxel mass = energy absorbed in the block per decay;
// with the escaped energy it equals the emitted energy (printed and stored).
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace gpudose {

class Phantom;

struct KernelRequest {
  std::string nuclide;  // ICRP 107 name, or empty for a particle source
  std::string particle = "electron";
  double energy_mev = 0;
  std::string medium = "water";  // media-catalog query (as --phantom box: takes it)
  double voxel_cm[3] = {0, 0, 0};
  int size = 11;                // voxels per edge (odd)
  std::uint64_t histories = 0;  // 0: 1e6 (with an uncertainty rule: the cap)
  double uncertainty = 0;       // stop at this relative 1-sigma of the central voxel
  std::uint64_t seed = 1;
  int threads = 0;
  std::string data_dir, cache_dir, decay_dir;
};

struct KernelRow {
  int i, j, k;           // offsets from the central voxel (0..N/2)
  double s_gy_per_bq_s;  // mean over the symmetric voxels; Gy per decay (or per particle)
  double rel_unc;        // relative 1-sigma of that mean
  int voxels;            // symmetric voxels averaged
};

struct VoxelKernel {
  KernelRequest request;
  std::string source;  // "Y-90" or "electron 1 MeV"
  std::string per;     // "decay" or "emitted particle"
  std::string medium_name, medium_key;
  double density_g_cm3 = 0;
  double voxel_mass_kg = 0;
  int n = 0;
  std::vector<double> s;        // every voxel (x fastest), Gy per decay (per particle)
  std::vector<double> rel_unc;  // every voxel's own relative 1-sigma (1 where no energy)
  std::vector<KernelRow> octant;
  std::uint64_t histories = 0;
  double emitted_mev = 0, absorbed_mev = 0, escaped_mev = 0;  // per decay (per particle)
  double max_electron_mev = 0, max_electron_range_cm = 0;     // CSDA range of the most energetic
  std::vector<std::string> warnings;
  std::vector<std::pair<std::string, std::string>> provenance;
  std::shared_ptr<const Phantom> block;  // the box: the frame of the 3-D image
};

// Runs the job. Throws UserError for bad input (even or too small size, unknown medium or
// nuclide, bad voxel size). `log` receives progress lines.
VoxelKernel make_voxel_kernel(const KernelRequest& request,
                              const std::function<void(const std::string&)>& log = {});

// Group index of every voxel of an n^3 block of voxel size v (the symmetry classes above), and
// the number of groups.
std::pair<std::vector<std::uint32_t>, std::size_t> kernel_symmetry_groups(int n, const double v[3]);

// Writers by extension: .csv (header lines, then `i j k S` rows of the octant in mGy/(MBq s)
// and Gy/(Bq s) with the relative uncertainty), .mha/.nii.gz/.nrrd (the 3-D S image in
// Gy/(Bq s), its uncertainty beside it as <stem>_uncertainty), .h5 (everything). Throws
// UserError for another extension or an unwritable path.
void write_voxel_kernel(const VoxelKernel& kernel, const std::string& path);
void check_kernel_output_path(const std::string& path);
std::string voxel_kernel_csv(const VoxelKernel& kernel);

}  // namespace gpudose
