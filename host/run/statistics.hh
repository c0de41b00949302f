// Batch statistics of tallied energy per target region.
//
// Histories are grouped into numbered batches. A batch reports, per tally bin (a compact organ
// label, or a special bin such as "escaped"), the energy deposited as fixed-point integers. A
// target is a set of bins (an organ, or a compound region such as both kidneys); its energy in
// a batch is the exact integer sum of its bins. Over B batches of n_b histories each (N in all),
// with E_b the target energy of batch b and x_b = E_b / n_b:
//   mean energy per history   m = sum E_b / N                       (exact 128-bit sum)
//   variance of m             var = sum n_b (x_b - m)^2 / ((B - 1) N)
//                                 = (Q - S^2 / N) / ((B - 1) N),  Q = sum E_b^2 / n_b, S = sum E_b
// i.e. the usual batch-means estimator (OpenMC, MCNP) weighted by batch size. Batches must be
// added in batch order; Q is a double accumulated in that order, so results are bit-identical
// whatever order the batches were computed in.
#pragma once

#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "kernels/fixed_energy.hh"

namespace gpudose {

// Energy a batch deposited in one voxel (dose images).
struct VoxelDeposit {
  std::uint32_t voxel;  // linear voxel index, x fastest
  std::uint64_t units;  // fixed-point energy
};

struct BatchResult {
  std::uint64_t index = 0;          // batch number
  std::uint64_t histories = 0;      // histories in this batch
  std::vector<std::uint64_t> bins;  // fixed-point energy per tally bin
  // Dose image jobs only: one entry per voxel that received energy, ascending voxel index.
  std::vector<VoxelDeposit> voxels;
};

// Batch statistics per voxel, the same estimator as TargetStatistics applied to every voxel of
// the grid (a dose image): exact 128-bit energy sums, Q = sum E_b^2 / n_b as doubles added in
// batch order (bit-identical whatever order the batches were computed in). A voxel a batch did
// not touch contributes 0 to both. 24 bytes per voxel: 343 MB for AF's 14.3 M voxels.
// Or per group of voxels (a voxel S-value kernel's symmetric voxels): each batch's energy per
// group is summed first, so the group's uncertainty is that of its own batch sums.
class VoxelStatistics {
 public:
  explicit VoxelStatistics(std::size_t num_voxels)
      : sums_(num_voxels), sum_sq_over_n_(num_voxels) {}
  // group[v] < num_groups: the group of voxel v.
  VoxelStatistics(std::vector<std::uint32_t> group, std::size_t num_groups)
      : sums_(num_groups), sum_sq_over_n_(num_groups), group_(std::move(group)),
        scratch_(num_groups, 0) {}
  // Adds the deposits of the next batch (called by TargetStatistics::add, in batch order).
  void add(const std::vector<VoxelDeposit>& deposits, std::uint64_t histories);
  // Voxels, or groups.
  std::size_t num_voxels() const { return sums_.size(); }
  std::uint64_t histories() const { return histories_; }
  std::uint64_t batches() const { return batches_; }
  const EnergySum128& energy_sum(std::size_t voxel) const { return sums_[voxel]; }
  double mean_mev(std::size_t voxel) const;
  // Relative 1-sigma of the mean; +inf with fewer than 2 batches or no energy.
  double rel_unc(std::size_t voxel) const;

 private:
  void fold(std::size_t bin, std::uint64_t units, double histories);

  std::vector<EnergySum128> sums_;
  std::vector<double> sum_sq_over_n_;
  std::vector<std::uint32_t> group_;    // empty: one bin per voxel
  std::vector<std::uint64_t> scratch_;  // a batch's energy per group
  std::vector<std::uint32_t> touched_;  // groups with energy in this batch
  std::uint64_t histories_ = 0;
  std::uint64_t batches_ = 0;
};

class TargetStatistics {
 public:
  // target_bins[t] lists the tally bins that make up target t.
  TargetStatistics(std::vector<std::vector<int>> target_bins, std::size_t num_bins);

  // Adds the next batch (index must equal batches()). Throws std::logic_error otherwise.
  // With voxel statistics attached, the batch's voxel deposits go to them too.
  void add(const BatchResult& batch);
  // Dose images: fold every batch's voxel deposits into `voxels` too (not owned; may be null).
  void attach_voxels(VoxelStatistics* voxels) {
    if (voxels) voxels_.push_back(voxels);
  }

  std::uint64_t histories() const { return histories_; }
  std::uint64_t batches() const { return batches_; }
  std::size_t num_targets() const { return sums_.size(); }

  const EnergySum128& energy_sum(std::size_t target) const { return sums_[target]; }
  // Mean energy deposited per history (MeV).
  double mean_mev(std::size_t target) const;
  // Relative 1-sigma standard error of the mean; +inf with fewer than 2 batches or no energy.
  double rel_unc(std::size_t target) const;

 private:
  std::vector<std::vector<int>> target_bins_;
  std::size_t num_bins_;
  std::vector<EnergySum128> sums_;
  std::vector<double> sum_sq_over_n_;  // Q per target, in MeV^2
  std::uint64_t histories_ = 0;
  std::uint64_t batches_ = 0;
  std::vector<VoxelStatistics*> voxels_;
};

}  // namespace gpudose
