#include "host/run/scheduler.hh"

#include <time.h>

#include <chrono>
#include <cmath>
#include <condition_variable>
#include <cstdio>
#include <exception>
#include <limits>
#include <map>
#include <mutex>
#include <thread>

namespace gpudose {

namespace {
using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}
// CPU seconds used so far by every thread of the process.
double process_cpu_s() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}
}  // namespace

ScheduleReport run_schedule(const std::vector<BatchRunner*>& runners, const BatchPlan& plan,
                            const StopRule& rule, TargetStatistics& stats,
                            const std::function<void(const Progress&)>& progress,
                            double progress_every_s) {
  const auto t0 = Clock::now();
  const double cpu0 = process_cpu_s();
  std::mutex mutex;
  std::condition_variable changed;
  std::uint64_t next_batch = 0;
  bool stop = false;
  std::string stop_reason;
  std::exception_ptr failure;
  std::map<std::uint64_t, BatchResult> pending;  // finished batches beyond the prefix
  std::vector<std::uint64_t> batches_done(runners.size(), 0);
  const std::uint64_t total_batches = plan.num_batches();

  // Folds every finished batch that extends the prefix; evaluates the stop rule after each one.
  auto fold_prefix = [&]() {
    for (auto it = pending.find(stats.batches()); it != pending.end() && !stop;
         it = pending.find(stats.batches())) {
      stats.add(it->second);
      pending.erase(it);
      if (stats.batches() == total_batches) {
        stop = true;
        stop_reason = "histories";
      } else if (rule.target_rel_unc > 0 && stats.batches() >= rule.min_batches &&
                 stats.rel_unc(rule.uncertainty_target) <= rule.target_rel_unc) {
        stop = true;
        stop_reason = "uncertainty";
      }
    }
  };

  auto worker = [&](std::size_t r) {
    BatchRunner& runner = *runners[r];
    std::vector<BatchResult> results;
    for (;;) {
      std::uint64_t first = 0, count = 0;
      {
        std::lock_guard<std::mutex> lock(mutex);
        if (!stop && rule.time_limit_s > 0 && seconds_since(t0) >= rule.time_limit_s) {
          stop = true;
          stop_reason = "time limit";
        }
        if (stop || next_batch >= total_batches) return;
        first = next_batch;
        count = std::min(runner.preferred_batches(), total_batches - next_batch);
        next_batch += count;
      }
      results.clear();
      try {
        runner.run(plan, first, count, results);
      } catch (...) {
        std::lock_guard<std::mutex> lock(mutex);
        if (!failure) failure = std::current_exception();
        stop = true;
        changed.notify_all();
        return;
      }
      std::lock_guard<std::mutex> lock(mutex);
      batches_done[r] += results.size();
      for (auto& b : results) pending.emplace(b.index, std::move(b));
      fold_prefix();
      changed.notify_all();
    }
  };

  std::vector<std::thread> threads;
  threads.reserve(runners.size());
  for (std::size_t r = 0; r < runners.size(); ++r) threads.emplace_back(worker, r);

  if (progress) {
    std::unique_lock<std::mutex> lock(mutex);
    const auto period = std::chrono::duration_cast<Clock::duration>(
        std::chrono::duration<double>(progress_every_s));
    auto next_report = t0 + period;
    while (!stop && !(next_batch >= total_batches && stats.batches() == total_batches)) {
      // Wake on completion (to notice the end) but report only once per period.
      changed.wait_until(lock, next_report);
      if (stop) break;
      if (Clock::now() < next_report) continue;
      next_report += period;
      const double unc = rule.target_rel_unc > 0 && stats.batches() > 0
                             ? stats.rel_unc(rule.uncertainty_target)
                             : std::numeric_limits<double>::infinity();
      progress(Progress{stats.histories(), plan.max_histories, seconds_since(t0), unc});
    }
  }
  for (auto& t : threads) t.join();
  if (failure) std::rethrow_exception(failure);
  // Batches still pending beyond the prefix when a rule stopped the run are discarded: the
  // reported result is exactly the prefix the rule selected.
  if (stop_reason.empty()) stop_reason = "histories";

  ScheduleReport report;
  report.histories = stats.histories();
  report.batches = stats.batches();
  report.wall_s = seconds_since(t0);
  report.cpu_s = process_cpu_s() - cpu0;
  report.stop_reason = stop_reason;
  for (std::size_t r = 0; r < runners.size(); ++r) {
    report.batches_per_runner.emplace_back(runners[r]->name(), batches_done[r]);
  }
  return report;
}

std::string format_progress(const Progress& p, double target_rel_unc) {
  const double rate = p.elapsed_s > 0 ? p.histories_done / p.elapsed_s : 0;
  double remaining = p.histories_max > p.histories_done ? p.histories_max - p.histories_done : 0;
  if (target_rel_unc > 0 && std::isfinite(p.current_rel_unc) && p.current_rel_unc > 0) {
    // 1/sqrt(N) scaling: histories still needed to reach the target uncertainty.
    const double needed =
        p.histories_done * std::pow(p.current_rel_unc / target_rel_unc, 2) - p.histories_done;
    remaining = std::min(remaining, std::max(0.0, needed));
  }
  char line[256];
  std::snprintf(line, sizeof line, "%.3g/%.3g histories (%.0f %%), %.3g histories/s, ETA %.0f s",
                static_cast<double>(p.histories_done), static_cast<double>(p.histories_max),
                p.histories_max ? 100.0 * p.histories_done / p.histories_max : 0.0, rate,
                rate > 0 ? remaining / rate : 0.0);
  std::string s = line;
  if (target_rel_unc > 0 && std::isfinite(p.current_rel_unc)) {
    std::snprintf(line, sizeof line, ", rel. unc. %.2g %% (target %.2g %%)",
                  100 * p.current_rel_unc, 100 * target_rel_unc);
    s += line;
  }
  return s;
}

}  // namespace gpudose
