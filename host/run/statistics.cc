#include "host/run/statistics.hh"

#include <cmath>
#include <stdexcept>

namespace gpudose {

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
  histories_ += batch.histories;
  ++batches_;
}

double TargetStatistics::mean_mev(std::size_t t) const {
  return histories_ == 0 ? 0.0 : sums_[t].mev() / static_cast<double>(histories_);
}

double TargetStatistics::rel_unc(std::size_t t) const {
  const double s = sums_[t].mev();
  if (batches_ < 2 || s <= 0) return std::numeric_limits<double>::infinity();
  const double n = static_cast<double>(histories_);
  const double var_mean =
      std::max(0.0, sum_sq_over_n_[t] - s * s / n) / (static_cast<double>(batches_ - 1) * n);
  return std::sqrt(var_mean) / (s / n);
}

}  // namespace gpudose
