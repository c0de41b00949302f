// The batch scheduler: every back end (a CPU worker thread, a CUDA device) pulls the next
// batches when it is free, so a slow device never holds up the run; results are folded into the
// statistics strictly in batch order, and stop rules are evaluated on completed prefixes of
// batches, so what is reported does not depend on timing, thread or device count.
#pragma once

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "host/run/statistics.hh"

namespace gpudose {

// How the histories of a job are cut into batches. History h belongs to batch h / batch_size;
// the batch size is fixed by the job, never by the back end, so batch contents are the same on
// any device.
struct BatchPlan {
  std::uint64_t batch_size = 10000;
  std::uint64_t max_histories = 0;  // the job ends after this many histories at the latest
  std::size_t num_bins = 0;         // tally bins per batch

  std::uint64_t num_batches() const { return (max_histories + batch_size - 1) / batch_size; }
  std::uint64_t first_history(std::uint64_t batch) const { return batch * batch_size; }
  std::uint64_t histories_in(std::uint64_t batch) const {
    const std::uint64_t first = first_history(batch);
    return first >= max_histories ? 0 : std::min(batch_size, max_histories - first);
  }
};

// A worker: runs consecutive batches on one back end.
class BatchRunner {
 public:
  virtual ~BatchRunner() = default;
  virtual std::string name() const = 0;
  // How many consecutive batches to hand this runner at a time (a GPU wants many).
  virtual std::uint64_t preferred_batches() const { return 1; }
  // Runs batches [first, first + count) of `plan`; appends one BatchResult per batch to `out`.
  virtual void run(const BatchPlan& plan, std::uint64_t first, std::uint64_t count,
                   std::vector<BatchResult>& out) = 0;
};

struct StopRule {
  double target_rel_unc = 0;  // stop when rel_unc(uncertainty_target) <= this (0: off)
  std::size_t uncertainty_target = 0;
  double time_limit_s = 0;         // stop issuing batches after this wall time (0: off)
  std::uint64_t min_batches = 20;  // the uncertainty rule needs a meaningful estimate first
};

struct ScheduleReport {
  std::uint64_t histories = 0;
  std::uint64_t batches = 0;
  double wall_s = 0;
  // CPU time of the whole process (all threads) over the same span: with wall_s, what the
  // benchmark turns into histories per CPU-second, a rate that time slicing on a shared
  // machine does not distort.
  double cpu_s = 0;
  std::string stop_reason;  // "histories", "uncertainty", "time limit"
  std::vector<std::pair<std::string, std::uint64_t>> batches_per_runner;
};

struct Progress {
  std::uint64_t histories_done;  // in the completed prefix
  std::uint64_t histories_max;
  double elapsed_s;
  double current_rel_unc;  // of the uncertainty target (inf when not yet known)
};

// Runs the job to its stop rule and fills `stats` with exactly the completed prefix of batches
// that the rule selects. `progress` (may be empty) is called about every `progress_every_s`.
ScheduleReport run_schedule(const std::vector<BatchRunner*>& runners, const BatchPlan& plan,
                            const StopRule& rule, TargetStatistics& stats,
                            const std::function<void(const Progress&)>& progress = {},
                            double progress_every_s = 2.0);

// One line for stderr: "1.2e6/1.0e7 histories (12 %), 3.4e5 histories/s, ETA 26 s".
std::string format_progress(const Progress& p, double target_rel_unc);

}  // namespace gpudose
