// The benchmark matrix's contract and the arithmetic of --compare (host/run/benchmark.hh),
// on synthetic reports: no transport runs here.
#include "host/run/benchmark.hh"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <set>
#include <string>

#include "host/foundation/user_error.hh"
#include "tests/test_tmp.hh"

namespace gpudose {
namespace {

// A result whose repeats ran `histories` in each of `walls` seconds.
BenchmarkResult result(const std::string& name, std::vector<double> walls,
                       std::uint64_t histories = 1000) {
  BenchmarkResult r;
  r.case_name = name;
  r.backend = "cpu-1t";
  r.backend_kind = "cpu";
  r.threads = 1;
  r.histories = histories;
  for (double w : walls) {
    BenchmarkSample s;
    s.wall_s = w;
    s.cpu_s = w;
    s.fom_self = 1.0 / w;
    s.tally_digest = "abc";
    r.samples.push_back(s);
  }
  return r;
}

BenchmarkReport report(std::vector<BenchmarkResult> results) {
  BenchmarkReport rep;
  rep.repeat = static_cast<int>(results.front().samples.size());
  rep.machine.engine = "gpudose test";
  rep.results = std::move(results);
  return rep;
}

TEST(BenchmarkMatrix, NamesAreUniqueAndTheIssuesCasesArePresent) {
  std::set<std::string> names;
  int quick = 0;
  std::set<std::string> kinds;
  for (const BenchmarkCase& c : benchmark_matrix()) {
    EXPECT_TRUE(names.insert(c.name).second) << "duplicate case " << c.name;
    EXPECT_GT(c.histories / kQuickDivisor, 0u) << c.name;
    quick += c.quick ? 1 : 0;
    kinds.insert(c.model + "/" + c.source + "/" + c.particle + "/" + c.electrons);
  }
  EXPECT_GE(quick, 1);
  // The issue's matrix: AF liver photons with electrons transported and local, electrons, a
  // positron case, AM, a small source and a whole-body source.
  for (const char* k : {"female/liver/photon/transport", "female/liver/photon/local",
                        "female/liver/electron/transport", "female/liver/positron/transport",
                        "male/liver/photon/transport", "female/thyroid/photon/transport",
                        "female/whole body/photon/transport"}) {
    EXPECT_EQ(kinds.count(k), 1u) << k;
  }
}

TEST(BenchmarkStatistics, MedianAndNoiseOfTheRepeats) {
  const BenchmarkResult r = result("a", {1.0, 2.0, 0.5});  // rates 1000, 500, 2000
  EXPECT_DOUBLE_EQ(r.rate_wall(), 1000);
  EXPECT_DOUBLE_EQ(r.noise(), 1.5);  // (2000 - 500) / 1000
  EXPECT_DOUBLE_EQ(result("b", {1.0}).noise(), 0);
  BenchmarkResult d = result("c", {1.0, 1.0});
  EXPECT_TRUE(d.deterministic());
  d.samples[1].tally_digest = "abd";
  EXPECT_FALSE(d.deterministic());
}

TEST(BenchmarkCompare, FlagsOnlyChangesBeyondTheMeasuredNoise) {
  // Old: rates 1000 +- 2 % spread. New: within the noise, 10 % slower, 10 % faster.
  const BenchmarkReport old_rep =
      report({result("same", {1.0, 0.99, 1.01}), result("slower", {1.0, 0.99, 1.01}),
              result("faster", {1.0, 0.99, 1.01})});
  const BenchmarkReport new_rep =
      report({result("same", {1.005, 0.995, 1.0}), result("slower", {1.11, 1.1, 1.12}),
              result("faster", {0.91, 0.9, 0.92})});
  const auto rows = compare_benchmarks(old_rep, new_rep);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[0].verdict, "same");
  EXPECT_EQ(rows[1].verdict, "regression");
  EXPECT_NEAR(rows[1].ratio, 1.0 / 1.11, 1e-12);
  EXPECT_EQ(rows[2].verdict, "faster");
  // The same 10 % drop is not flagged when the repeats themselves spread by 30 %.
  const auto noisy = compare_benchmarks(report({result("slower", {1.0, 0.85, 1.15})}),
                                        report({result("slower", {1.11, 1.0, 1.25})}));
  ASSERT_EQ(noisy.size(), 1u);
  EXPECT_EQ(noisy[0].verdict, "same");
  // One repeat: no noise estimate, no verdict either way.
  const auto single =
      compare_benchmarks(report({result("x", {1.0})}), report({result("x", {2.0})}));
  ASSERT_EQ(single.size(), 1u);
  EXPECT_EQ(single[0].verdict, "noise unknown");
  // Cases and back ends pair by name only.
  BenchmarkResult other = result("same", {1.0, 1.0});
  other.backend = "cpu-all";
  EXPECT_TRUE(compare_benchmarks(old_rep, report({other})).empty());
}

TEST(BenchmarkJson, RoundTripKeepsWhatCompareNeeds) {
  BenchmarkReport rep = report({result("a", {1.0, 1.2}), result("b", {2.0, 2.5}, 5000)});
  rep.machine = describe_machine("gpudose benchmark --test");
  rep.results[1].backend = "cpu-all";
  rep.results[1].device_bytes = 123456789;
  const std::string path = test::scratch_dir() + "benchmark_roundtrip.json";
  {
    std::ofstream f(path);
    f << benchmark_json(rep);
  }
  const BenchmarkReport back = read_benchmark_json(path);
  EXPECT_EQ(back.matrix_version, kBenchmarkMatrixVersion);
  EXPECT_EQ(back.machine.cpu_model, rep.machine.cpu_model);
  EXPECT_EQ(back.machine.commit, rep.machine.commit);
  ASSERT_EQ(back.results.size(), 2u);
  EXPECT_EQ(back.results[1].backend, "cpu-all");
  EXPECT_EQ(back.results[1].device_bytes, 123456789u);
  EXPECT_DOUBLE_EQ(back.results[1].rate_wall(), rep.results[1].rate_wall());
  EXPECT_DOUBLE_EQ(back.results[0].noise(), rep.results[0].noise());
  for (const auto& c : compare_benchmarks(rep, back)) EXPECT_DOUBLE_EQ(c.ratio, 1.0);
  std::remove(path.c_str());
}

TEST(BenchmarkJson, RefusesAFileThatIsNotAReport) {
  const std::string path = test::scratch_dir() + "not_a_benchmark.json";
  {
    std::ofstream f(path);
    f << "{\"format\": \"gpudose-batch-table\"}";
  }
  EXPECT_THROW(read_benchmark_json(path), UserError);
  EXPECT_THROW(read_benchmark_json(path + ".missing"), UserError);
  std::remove(path.c_str());
}

}  // namespace
}  // namespace gpudose
