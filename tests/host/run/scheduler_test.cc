// Scheduler and batch statistics: results depend on the job only, not on how many runners
// (emulated devices) there are, how batches are grouped, or the order they finish in.
#include "host/run/scheduler.hh"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <map>
#include <random>
#include <stdexcept>
#include <thread>

#include "kernels/fixed_energy.hh"
#include "kernels/philox.hh"

namespace gpudose {
namespace {

constexpr std::size_t kBins = 5;

// A synthetic "transport": history h deposits a random energy (uniform in 0..1 MeV) in a random
// bin, drawn from the history's own Philox stream. Deterministic per history by construction.
void synthetic_history(std::uint64_t h, std::vector<std::uint64_t>& bins) {
  RngStream rng(123, 9, h);
  const std::uint32_t bin = rng.next_u32() % kBins;
  bins[bin] += to_fixed(rng.uniform());
}

class SyntheticRunner : public BatchRunner {
 public:
  SyntheticRunner(std::string name, std::uint64_t chunk) : name_(std::move(name)), chunk_(chunk) {}
  std::string name() const override { return name_; }
  std::uint64_t preferred_batches() const override { return chunk_; }
  void run(const BatchPlan& plan, std::uint64_t first, std::uint64_t count,
           std::vector<BatchResult>& out) override {
    for (std::uint64_t b = first; b < first + count; ++b) {
      BatchResult r{b, plan.histories_in(b), std::vector<std::uint64_t>(plan.num_bins, 0)};
      for (std::uint64_t h = 0; h < r.histories; ++h)
        synthetic_history(plan.first_history(b) + h, r.bins);
      out.push_back(std::move(r));
    }
  }

 private:
  std::string name_;
  std::uint64_t chunk_;
};

std::vector<std::vector<int>> targets() {
  return {{0}, {1}, {2}, {3}, {4}, {1, 3}, {0, 1, 2, 3, 4}};
}

struct Outcome {
  std::vector<EnergySum128> sums;
  std::vector<double> unc;
  ScheduleReport report;
};

Outcome run_with(std::vector<std::uint64_t> chunks, std::uint64_t batch_size, std::uint64_t n,
                 StopRule rule = {}) {
  std::vector<std::unique_ptr<SyntheticRunner>> owned;
  std::vector<BatchRunner*> runners;
  for (std::size_t i = 0; i < chunks.size(); ++i) {
    owned.push_back(std::make_unique<SyntheticRunner>("cpu" + std::to_string(i), chunks[i]));
    runners.push_back(owned.back().get());
  }
  BatchPlan plan{batch_size, n, kBins};
  TargetStatistics stats(targets(), kBins);
  Outcome o;
  o.report = run_schedule(runners, plan, rule, stats);
  for (std::size_t t = 0; t < stats.num_targets(); ++t) {
    o.sums.push_back(stats.energy_sum(t));
    o.unc.push_back(stats.rel_unc(t));
  }
  return o;
}

TEST(Scheduler, SameResultsForAnyNumberOfRunnersAndChunking) {
  const Outcome one = run_with({1}, 1000, 200000);
  EXPECT_EQ(one.report.histories, 200000u);
  EXPECT_EQ(one.report.batches, 200u);
  for (auto chunks :
       std::vector<std::vector<std::uint64_t>>{{1, 1}, {1, 7, 3}, {50}, {2, 2, 2, 2}}) {
    const Outcome other = run_with(chunks, 1000, 200000);
    EXPECT_EQ(other.sums, one.sums);
    EXPECT_EQ(other.unc, one.unc);  // bit-identical: batches are folded in order
  }
}

TEST(Scheduler, TotalsIndependentOfBatchSize) {
  const Outcome a = run_with({1, 1}, 1000, 120000);
  const Outcome b = run_with({1, 1}, 777, 120000);  // last batch partial
  const Outcome c = run_with({3}, 120000, 120000);  // a single batch
  EXPECT_EQ(b.sums, a.sums);
  EXPECT_EQ(c.sums, a.sums);
  EXPECT_EQ(b.report.batches, 155u);
  EXPECT_TRUE(std::isinf(c.unc[0]));  // one batch: no uncertainty estimate
}

TEST(Scheduler, BatchesFoldedInOrderWhateverOrderTheyFinish) {
  const BatchPlan plan{500, 50000, kBins};
  SyntheticRunner r("x", 1);
  std::vector<BatchResult> all;
  r.run(plan, 0, plan.num_batches(), all);
  TargetStatistics in_order(targets(), kBins);
  for (const auto& b : all) in_order.add(b);
  std::mt19937 g(5);
  std::shuffle(all.begin(), all.end(), g);
  std::map<std::uint64_t, BatchResult> pending;
  for (auto& b : all) pending.emplace(b.index, b);
  TargetStatistics shuffled(targets(), kBins);
  for (auto& [i, b] : pending) shuffled.add(b);
  for (std::size_t t = 0; t < targets().size(); ++t) {
    EXPECT_EQ(shuffled.energy_sum(t), in_order.energy_sum(t));
    EXPECT_EQ(shuffled.rel_unc(t), in_order.rel_unc(t));
  }
  EXPECT_THROW(shuffled.add(all[0]), std::logic_error);  // out of order is refused
}

TEST(Scheduler, UncertaintyStopIsDeterministic) {
  StopRule rule;
  rule.target_rel_unc = 0.01;
  rule.uncertainty_target = 0;
  rule.min_batches = 10;
  const Outcome a = run_with({1}, 500, 10000000, rule);
  const Outcome b = run_with({1, 3, 2}, 500, 10000000, rule);
  EXPECT_EQ(a.report.stop_reason, "uncertainty");
  EXPECT_EQ(b.report.batches, a.report.batches);
  EXPECT_EQ(b.sums, a.sums);
  EXPECT_LE(a.unc[0], 0.01);
  // The prefix one batch shorter had not reached the target (it is the first such prefix).
  BatchPlan plan{500, 10000000, kBins};
  TargetStatistics shorter(targets(), kBins);
  SyntheticRunner r("x", 1);
  std::vector<BatchResult> res;
  r.run(plan, 0, a.report.batches - 1, res);
  for (const auto& x : res) shorter.add(x);
  EXPECT_GT(shorter.rel_unc(0), 0.01);
}

TEST(Statistics, RelativeUncertaintyMatchesBinomialTheory) {
  // Each history deposits 1 MeV with probability p: mean p, per-history variance p(1 - p).
  const double p = 0.3;
  const std::uint64_t batches = 400, size = 1000, n = batches * size;
  TargetStatistics stats({{0}}, 1);
  for (std::uint64_t b = 0; b < batches; ++b) {
    BatchResult r{b, size, {0}};
    for (std::uint64_t h = 0; h < size; ++h) {
      RngStream rng(1, 0, b * size + h);
      if (rng.uniform() < p) r.bins[0] += to_fixed(1.0);
    }
    stats.add(r);
  }
  const double expected = std::sqrt(p * (1 - p) / n) / p;
  EXPECT_NEAR(stats.mean_mev(0), p, 4 * std::sqrt(p * (1 - p) / n));
  // The batch-means variance estimate has a relative spread of sqrt(2/(B-1)) = 7 % (B = 400),
  // so the standard error (its square root) is within ~3.5 %; allow 4 sigma.
  EXPECT_NEAR(stats.rel_unc(0) / expected, 1.0, 0.14);
}

class FailingRunner : public BatchRunner {
 public:
  std::string name() const override { return "bad"; }
  void run(const BatchPlan&, std::uint64_t, std::uint64_t, std::vector<BatchResult>&) override {
    throw std::runtime_error("device lost");
  }
};

// A runner slow enough that the failing runner is sure to be handed a batch before the good
// one could finish the whole job alone.
class SlowRunner : public SyntheticRunner {
 public:
  SlowRunner() : SyntheticRunner("slow", 1) {}
  void run(const BatchPlan& plan, std::uint64_t first, std::uint64_t count,
           std::vector<BatchResult>& out) override {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
    SyntheticRunner::run(plan, first, count, out);
  }
};

TEST(Scheduler, RunnerFailureIsRethrown) {
  FailingRunner bad;
  TargetStatistics alone(targets(), kBins);
  EXPECT_THROW(run_schedule({&bad}, BatchPlan{100, 100000, kBins}, StopRule{}, alone),
               std::runtime_error);
  SlowRunner good;
  TargetStatistics mixed(targets(), kBins);
  EXPECT_THROW(run_schedule({&good, &bad}, BatchPlan{100, 100000, kBins}, StopRule{}, mixed),
               std::runtime_error);
}

TEST(Scheduler, ProgressLineHasRateAndEta) {
  const std::string line = format_progress(Progress{1000, 10000, 2.0, 0.05}, 0.01);
  EXPECT_NE(line.find("histories/s"), std::string::npos);
  EXPECT_NE(line.find("ETA"), std::string::npos);
  EXPECT_NE(line.find("target 1 %"), std::string::npos);
}

}  // namespace
}  // namespace gpudose
