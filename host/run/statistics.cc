#include "host/run/statistics.hh"

#include <algorithm>
#include <cmath>
#include <limits>
#include <stdexcept>

namespace gpudose {

namespace {
// The batch-means relative 1-sigma of the header: S = sum E_b, Q = sum E_b^2 / n_b (MeV).
double batch_rel_unc(double s, double q, std::uint64_t histories, std::uint64_t batches) {
  if (batches < 2 || s <= 0) return std::numeric_limits<double>::infinity();
  const double n = static_cast<double>(histories);
  const double var_mean = std::max(0.0, q - s * s / n) / (static_cast<double>(batches - 1) * n);
  return std::sqrt(var_mean) / (s / n);
}
}  // namespace

TargetStatistics::TargetStatistics(std::vector<std::vector<int>> target_bins, std::size_t num_bins)
    : target_bins_(std::move(target_bins)),
      num_bins_(num_bins),
      sums_(target_bins_.size()),
      sum_sq_over_n_(target_bins_.size(), 0.0) {
  for (const auto& bins : target_bins_) {
    for (int b : bins) {
      if (b < 0 || static_cast<std::size_t>(b) >= num_bins_) {
        throw std::logic_error("target refers to tally bin " + std::to_string(b) + " of " +
                               std::to_string(num_bins_));
      }
    }
  }
}

void TargetStatistics::add(const BatchResult& batch) {
  if (batch.index != batches_) {
    throw std::logic_error("batch " + std::to_string(batch.index) +
                           " added out of order (next is " + std::to_string(batches_) + ")");
  }
  if (batch.bins.size() != num_bins_) throw std::logic_error("batch has the wrong number of bins");
  if (batch.histories == 0) throw std::logic_error("empty batch");
  for (std::size_t t = 0; t < target_bins_.size(); ++t) {
    EnergySum128 e;
    for (int b : target_bins_[t]) e.add(batch.bins[b]);
    sums_[t].add(e);
    const double mev = e.mev();
    sum_sq_over_n_[t] += mev * mev / static_cast<double>(batch.histories);
  }
  for (VoxelStatistics* v : voxels_) v->add(batch.voxels, batch.histories);
  histories_ += batch.histories;
  ++batches_;
}

void VoxelStatistics::add(const std::vector<VoxelDeposit>& deposits, std::uint64_t histories) {
  const double n = static_cast<double>(histories);
  if (group_.empty()) {
    for (const VoxelDeposit& d : deposits) fold(d.voxel, d.units, n);
  } else {
    // Deposits are positive: a group is new to the batch while its scratch sum is 0. Each
    // touched group gets one term per batch, whatever the order.
    for (const VoxelDeposit& d : deposits) {
      const std::uint32_t g = group_[d.voxel];
      if (scratch_[g] == 0) touched_.push_back(g);
      scratch_[g] += d.units;
    }
    for (std::uint32_t g : touched_) {
      fold(g, scratch_[g], n);
      scratch_[g] = 0;
    }
    touched_.clear();
  }
  histories_ += histories;
  ++batches_;
}

void VoxelStatistics::fold(std::size_t bin, std::uint64_t units, double histories) {
  sums_[bin].add(units);
  const double mev = fixed_to_mev(units);
  sum_sq_over_n_[bin] += mev * mev / histories;
}

double VoxelStatistics::mean_mev(std::size_t v) const {
  return histories_ == 0 ? 0.0 : sums_[v].mev() / static_cast<double>(histories_);
}

double VoxelStatistics::rel_unc(std::size_t v) const {
  return batch_rel_unc(sums_[v].mev(), sum_sq_over_n_[v], histories_, batches_);
}

double TargetStatistics::mean_mev(std::size_t t) const {
  return histories_ == 0 ? 0.0 : sums_[t].mev() / static_cast<double>(histories_);
}

double TargetStatistics::rel_unc(std::size_t t) const {
  return batch_rel_unc(sums_[t].mev(), sum_sq_over_n_[t], histories_, batches_);
}

}  // namespace gpudose
