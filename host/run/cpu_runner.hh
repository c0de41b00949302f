// CPU back end: a BatchRunner that runs one history functor serially on its own thread with a
// private tally (the scheduler runs one such runner per worker thread, so there is no
// contention and no atomics; fixed-point sums make the result independent of which thread ran
// which batch).
#pragma once

#include <string>
#include <vector>

#include "host/run/scheduler.hh"
#include "kernels/photon_transport.hh"

namespace gpudose {

template <class HistoryFunctor>
class CpuRunner : public BatchRunner {
 public:
  CpuRunner(std::string name, HistoryFunctor functor)
      : name_(std::move(name)), functor_(std::move(functor)) {}
  std::string name() const override { return name_; }
  void run(const BatchPlan& plan, std::uint64_t first, std::uint64_t count,
           std::vector<BatchResult>& out) override {
    for (std::uint64_t b = first; b < first + count; ++b) {
      BatchResult r{b, plan.histories_in(b), std::vector<std::uint64_t>(plan.num_bins, 0)};
      PlainTally tally{r.bins.data()};
      const std::uint64_t h0 = plan.first_history(b);
      for (std::uint64_t h = 0; h < r.histories; ++h) functor_(h0 + h, tally);
      out.push_back(std::move(r));
    }
  }

 private:
  std::string name_;
  HistoryFunctor functor_;
};

}  // namespace gpudose
