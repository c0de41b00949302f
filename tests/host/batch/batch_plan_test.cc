// Plans: energy presets, canonical JSON and plan hash, refusal of edited plans, shard
// assignment (a partition, longest first, balanced).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "host/batch/plan.hh"
#include "host/foundation/user_error.hh"

namespace gpudose {
namespace {

Plan sample_plan(std::size_t n) {
  Plan p;
  p.seed = 42;
  const std::vector<double> e = energy_preset("log91");
  for (std::size_t i = 0; i < n; ++i) {
    PlanJob j;
    j.job_id = static_cast<std::uint32_t>(i);
    j.model = i % 2 ? "AM" : "AF";
    j.source = "Source " + std::to_string(i / 91);
    j.source_number = static_cast<int>(i / 91);
    j.particle = "photon";
    j.energy_mev = e[i % 91];
    j.histories = 1000 + 10 * (i % 7);
    j.batch_size = 100;
    p.jobs.push_back(j);
  }
  p.hash = plan_hash(p);
  return p;
}

std::string what_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "";
}

TEST(BatchPlan, Log91PresetIs91LogSpacedEnergiesFrom5keVTo10MeV) {
  const auto e = energy_preset("log91");
  ASSERT_EQ(e.size(), 91u);
  EXPECT_EQ(e.front(), 0.005);
  EXPECT_EQ(e.back(), 10.0);
  const double ratio = std::pow(2000.0, 1.0 / 90);
  for (std::size_t i = 1; i < e.size(); ++i) EXPECT_NEAR(e[i] / e[i - 1], ratio, 1e-12);
  // The old name is refused with the new one, since it was not OpenDose's own list.
  EXPECT_NE(what_of([] { energy_preset("opendose"); }).find("now called 'log91'"),
            std::string::npos);
}

// The 27 energies of the ICRP 133 SAF tables (issue 15): a table planned with this preset can be
// folded into S values like ICRP 133's own.
TEST(BatchPlan, Icrp133PresetIsTheIcrp133Grid) {
  const auto e = energy_preset("icrp133");
  const std::vector<double> expected = {0.001, 0.005, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.06,
                                        0.08,  0.1,   0.15, 0.2,   0.3,  0.4,  0.5,  0.6,  0.8,
                                        1,     1.5,   2,    3,     4,    5,    6,    8,    10};
  EXPECT_EQ(e, expected);
  EXPECT_NE(what_of([] { energy_preset("nist"); }).find("unknown energy preset"),
            std::string::npos);
}

TEST(BatchPlan, JsonRoundTripKeepsBytesAndHash) {
  const Plan p = sample_plan(200);
  const std::string text = plan_json(p);
  const Plan q = parse_plan(text, "test");
  EXPECT_EQ(q.hash, p.hash);
  EXPECT_EQ(plan_json(q), text);
  EXPECT_EQ(plan_canonical_text(q), plan_canonical_text(p));
}

TEST(BatchPlan, HashCoversSeedJobsAndPhysicsSettings) {
  const Plan p = sample_plan(10);
  Plan q = p;
  q.seed = 43;
  EXPECT_NE(plan_hash(q), p.hash);
  q = p;
  q.jobs[3].histories += 1;
  EXPECT_NE(plan_hash(q), p.hash);
  q = p;
  q.cutoff_mev = 2e-3;
  EXPECT_NE(plan_hash(q), p.hash);
  q = p;
  q.sampling = "mass-uniform";
  EXPECT_NE(plan_hash(q), p.hash);
  q = p;
  q.electron_transport = "local";
  EXPECT_NE(plan_hash(q), p.hash);
  q = p;
  q.electron_cutoff_mev = 0.02;
  EXPECT_NE(plan_hash(q), p.hash);
  q = p;
  q.range_rejection = "off";
  EXPECT_NE(plan_hash(q), p.hash);
}

TEST(BatchPlan, EditedPlanIsRefused) {
  std::string text = plan_json(sample_plan(5));
  const auto at = text.find("\"histories\": 1000");
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 17, "\"histories\": 2000");
  EXPECT_NE(what_of([&] { parse_plan(text, "x.json"); }).find("does not match its plan_hash"),
            std::string::npos);
}

TEST(BatchPlan, DuplicateJobIdsAreRefusedEvenWithAMatchingHash) {
  Plan p = sample_plan(5);
  p.jobs[4].job_id = 2;  // two jobs on one random stream
  p.hash = plan_hash(p);
  const std::string msg = what_of([&] { parse_plan(plan_json(p), "dup.json"); });
  EXPECT_NE(msg.find("has job_id 2 twice"), std::string::npos) << msg;
  Plan r = sample_plan(5);
  r.jobs[4].energy_mev = r.jobs[3].energy_mev;
  r.jobs[4].source = r.jobs[3].source;
  r.jobs[4].model = r.jobs[3].model;
  r.hash = plan_hash(r);
  EXPECT_NE(what_of([&] { parse_plan(plan_json(r), "key.json"); }).find("twice"),
            std::string::npos);
}

TEST(BatchPlan, NotAPlanIsRefused) {
  EXPECT_NE(
      what_of([] { parse_plan("{\"format\": 1", "a.json"); }).find("not a valid gpudose plan"),
      std::string::npos);
  EXPECT_NE(what_of([] { parse_plan("[]", "b.json"); }).find("not a valid gpudose plan"),
            std::string::npos);
}

TEST(BatchPlan, ShardSpecs) {
  EXPECT_EQ(parse_shard("2/8").index, 2);
  EXPECT_EQ(parse_shard("2/8").count, 8);
  for (const char* bad : {"0/3", "4/3", "1/0", "a/b", "1/3x", "3"}) {
    EXPECT_NE(what_of([&] { parse_shard(bad); }).find("bad shard"), std::string::npos) << bad;
  }
}

TEST(BatchPlan, ShardsPartitionThePlanLongestFirstAndBalanced) {
  const Plan p = sample_plan(91 * 4);
  for (int n : {1, 2, 3, 7}) {
    std::multiset<std::uint32_t> seen;
    std::vector<double> load;
    for (int k = 1; k <= n; ++k) {
      const auto mine = shard_jobs(p, ShardSpec{k, n});
      EXPECT_EQ(mine, shard_jobs(p, ShardSpec{k, n}));  // deterministic
      double sum = 0;
      for (std::size_t i = 0; i < mine.size(); ++i) {
        seen.insert(p.jobs[mine[i]].job_id);
        sum += job_cost(p.jobs[mine[i]]);
        if (i) EXPECT_GE(job_cost(p.jobs[mine[i - 1]]), job_cost(p.jobs[mine[i]]));
      }
      load.push_back(sum);
    }
    EXPECT_EQ(seen.size(), p.jobs.size());
    EXPECT_EQ(std::set<std::uint32_t>(seen.begin(), seen.end()).size(), p.jobs.size());
    const auto [lo, hi] = std::minmax_element(load.begin(), load.end());
    EXPECT_LT(*hi / *lo, 1.05) << n << " shards";
  }
}

TEST(BatchPlan, CostFollowsHistoriesAndTheMeasuredEnergyShape) {
  PlanJob a;
  a.particle = "photon";
  a.histories = 1000;
  a.energy_mev = 0.01;
  PlanJob b = a;
  b.energy_mev = 0.15;
  PlanJob c = a;
  c.histories = 2000;
  PlanJob d = a;
  d.energy_mev = 10;
  PlanJob e = a;
  e.energy_mev = 50;  // beyond the table: clamped
  // Local electrons: dearest in the Compton region, cheap at both ends.
  EXPECT_LT(job_cost(a, "local"), job_cost(b, "local"));
  EXPECT_LT(job_cost(d, "local"), job_cost(b, "local"));
  EXPECT_DOUBLE_EQ(job_cost(c, "local"), 2 * job_cost(a, "local"));
  EXPECT_DOUBLE_EQ(job_cost(e, "local"), job_cost(d, "local"));
  PlanJob at = a;
  at.energy_mev = 0.1;
  EXPECT_NEAR(job_cost(at, "local") / at.histories, 6.18, 1e-12);  // a table point exactly
  // Electron transport: cost grows with energy; a 10 MeV electron is dearer than a photon.
  EXPECT_LT(job_cost(b), job_cost(d));
  PlanJob el = d;
  el.particle = "electron";
  EXPECT_GT(job_cost(el), job_cost(d));
  // Range rejection (the default) makes transported electrons far cheaper.
  EXPECT_GT(job_cost(el, "transport", "off"), 3 * job_cost(el));
  EXPECT_GT(job_cost(b, "transport", "off"), job_cost(b));
}

}  // namespace
}  // namespace gpudose

namespace gpudose {
namespace {

TEST(BatchPlan, EnergiesAsCommaSeparatedListAndDuplicatesRefused) {
  EXPECT_EQ(parse_energies("0.05,0.5,2"), (std::vector<double>{0.05, 0.5, 2}));
  EXPECT_EQ(parse_energies("0.5"), (std::vector<double>{0.5}));
  EXPECT_NE(what_of([] { parse_energies("0.05,0.5,0.05"); }).find("listed twice"),
            std::string::npos);
  EXPECT_NE(what_of([] { parse_energies("0.05,,2"); }).find("bad energy ''"), std::string::npos);
  EXPECT_NE(what_of([] { parse_energies("0.05,-1"); }).find("bad energy '-1'"), std::string::npos);
  EXPECT_NE(what_of([] { parse_energies("0.05,30"); }).find("up to 20"), std::string::npos);
}

}  // namespace
}  // namespace gpudose
