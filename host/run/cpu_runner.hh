// CPU back end: a BatchRunner that runs one history functor serially on its own thread with a
// private tally (the scheduler runs one such runner per worker thread, so there is no
// contention and no atomics; fixed-point sums make the result independent of which thread ran
// which batch).
#pragma once

#include <string>
#include <vector>

#include "host/run/scheduler.hh"
#include "host/run/voxel_tally.hh"
#include "kernels/photon_transport.hh"
#include "kernels/step_counters.hh"

namespace gpudose {

template <class HistoryFunctor>
class CpuRunner : public BatchRunner {
 public:
  CpuRunner(std::string name, HistoryFunctor functor)
      : name_(std::move(name)), functor_(std::move(functor)) {}
  // Dose-image jobs: every batch also reports its voxel deposits (host/run/voxel_tally.hh).
  CpuRunner(std::string name, HistoryFunctor functor, const VoxelPhantomView& dose_grid)
      : name_(std::move(name)), functor_(std::move(functor)), dose_grid_(dose_grid), dose_(true) {}
  std::string name() const override { return name_; }
  void run(const BatchPlan& plan, std::uint64_t first, std::uint64_t count,
           std::vector<BatchResult>& out) override {
    for (std::uint64_t b = first; b < first + count; ++b) {
      BatchResult r{b, plan.histories_in(b), std::vector<std::uint64_t>(plan.num_bins, 0)};
      PlainTally tally{r.bins.data()};
      const std::uint64_t h0 = plan.first_history(b);
      if (dose_) {
        run_histories(VoxelTally{r.bins.data(), dose_grid_, &r.voxels}, r, h0);
        reduce_voxel_deposits(r.voxels);
      } else {
        run_histories(tally, r, h0);
      }
      out.push_back(std::move(r));
    }
  }

 private:
  // The batch's histories into `tally` (with step counters compiled in, their counts in the
  // last bins: run_history, kernels/step_counters.hh).
  template <class Tally>
  void run_histories(const Tally& tally, const BatchResult& r, std::uint64_t h0) {
    const int bins = static_cast<int>(r.bins.size());
    for (std::uint64_t h = 0; h < r.histories; ++h) run_history(functor_, h0 + h, tally, bins);
  }

  std::string name_;
  HistoryFunctor functor_;
  VoxelPhantomView dose_grid_;
  bool dose_ = false;
};

}  // namespace gpudose
