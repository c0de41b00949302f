// Fixed-point tallies: exact, order-independent and thread-count-independent sums.
#include "kernels/fixed_energy.hh"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

#include "kernels/atomics.hh"
#include "kernels/launch.hh"
#include "kernels/philox.hh"

namespace gpudose {
namespace {

// Deposits in a wide dynamic range (1 eV .. 10 MeV), as transport produces them.
std::vector<double> make_deposits(std::size_t n) {
  std::vector<double> d(n);
  RngStream rng(2024, 0, 0);
  for (auto& e : d) e = 1e-6 * std::pow(1e7, rng.uniform());
  return d;
}

// Per-item functor: deposit i adds to region (i % regions) with an atomic add.
struct DepositFunctor {
  const double* deposits;
  std::uint64_t* tally;
  std::uint32_t regions;
  void operator()(std::uint64_t i) const { atomic_add(&tally[i % regions], to_fixed(deposits[i])); }
};

TEST(FixedEnergy, ResolutionAndCapacityAreAsDocumented) {
  EXPECT_DOUBLE_EQ(kFixedResolutionMeV, 1.0 / 4294967296.0);
  EXPECT_EQ(kMaxBatchHistoriesAt10MeV, 429496729ull);
  EXPECT_EQ(to_fixed(1.0), 1ull << 32);
  EXPECT_DOUBLE_EQ(fixed_to_mev(to_fixed(0.5)), 0.5);
  // Rounding error of one deposit is at most half a unit.
  const double e = 0.123456789012345;
  EXPECT_LE(std::abs(fixed_to_mev(to_fixed(e)) - e), 0.5 * kFixedResolutionMeV);
  // The capacity helper agrees: that many 10 MeV histories fit in one 64-bit tally.
  const std::uint64_t n = max_batch_histories(10.0);
  EXPECT_LE(static_cast<long double>(n) * to_fixed(10.0), static_cast<long double>(kFixedMax));
}

TEST(FixedEnergy, SumIsIdenticalInAnyOrder) {
  std::vector<double> d = make_deposits(200000);
  auto sum = [](const std::vector<double>& v) {
    EnergySum128 s;
    for (double e : v) s.add(to_fixed(e));
    return s;
  };
  const EnergySum128 forward = sum(d);
  std::reverse(d.begin(), d.end());
  EXPECT_EQ(sum(d), forward);
  std::mt19937_64 shuffle_rng(7);
  std::shuffle(d.begin(), d.end(), shuffle_rng);
  EXPECT_EQ(sum(d), forward);
  // In contrast, summing doubles in another order generally changes the last bits; the
  // fixed-point sum must still equal the double sum to within n/2 units.
  double plain = 0;
  for (double e : d) plain += e;
  EXPECT_NEAR(forward.mev(), plain, d.size() * kFixedResolutionMeV);
}

TEST(FixedEnergy, AtomicTalliesIdenticalForAnyThreadCount) {
  const std::vector<double> d = make_deposits(300000);
  const std::uint32_t regions = 17;
  std::vector<std::uint64_t> reference;
  for (int threads : {1, 2, 3, 8}) {
    std::vector<std::uint64_t> tally(regions, 0);
    launch_cpu(d.size(), DepositFunctor{d.data(), tally.data(), regions}, threads);
    if (reference.empty()) {
      reference = tally;
    } else {
      EXPECT_EQ(tally, reference) << threads << " threads";
    }
  }
  // And equal to a plain serial sum.
  std::vector<std::uint64_t> serial(regions, 0);
  for (std::size_t i = 0; i < d.size(); ++i) serial[i % regions] += to_fixed(d[i]);
  EXPECT_EQ(serial, reference);
}

TEST(FixedEnergy, Sum128CarriesAcrossTheLowWord) {
  EnergySum128 s;
  s.add(kFixedMax);
  s.add(std::uint64_t{2});
  EXPECT_EQ(s.hi, 1u);
  EXPECT_EQ(s.lo, 1u);
  // 1e12 histories of 10 MeV: 4.3e22 units, beyond 64 bits, exact in 128.
  EnergySum128 big;
  const std::uint64_t per_batch = to_fixed(10.0) * 1000000ull;  // a batch of 1e6 histories
  for (int b = 0; b < 1000000; ++b) big.add(per_batch);         // 1e6 batches
  EXPECT_GT(big.hi, 0u);
  EXPECT_DOUBLE_EQ(big.mev(), 1e13);
  // Merging partial sums in any grouping gives the same result.
  EnergySum128 a, b;
  for (int i = 0; i < 500000; ++i) a.add(per_batch);
  for (int i = 0; i < 500000; ++i) b.add(per_batch);
  b.add(a);
  EXPECT_EQ(b, big);
}

}  // namespace
}  // namespace gpudose
