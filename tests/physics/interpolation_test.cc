// kernels/interpolation.hh and physics-data/energy_grid.hh: search, O(1) lookup, interpolation.
#include "kernels/interpolation.hh"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

#include "physics-data/energy_grid.hh"

namespace gpudose {
namespace {

TEST(Interpolation, LogLogIsExactForPowerLaws) {
  // sigma ~ E^-3 (photoelectric-like) between two points: log-log reproduces it exactly.
  auto f = [](double e) { return 7.0 * std::pow(e, -3.0); };
  for (double e : {1.1, 1.5, 1.99}) {
    EXPECT_NEAR(interp_loglog(1.0, 2.0, f(1.0), f(2.0), e) / f(e), 1.0, 1e-13);
  }
  // ... whereas lin-lin does not (so the test can tell them apart).
  EXPECT_GT(std::fabs(interp_lin(1.0, 2.0, f(1.0), f(2.0), 1.5) / f(1.5) - 1), 0.1);
}

TEST(Interpolation, LogLogFallsBackToLinearNextToZero) {
  EXPECT_DOUBLE_EQ(interp_loglog(1.0, 2.0, 0.0, 4.0, 1.5), 2.0);
  EXPECT_DOUBLE_EQ(interp_lin(1.0, 3.0, 1.0, 5.0, 2.0), 3.0);
}

TEST(Interpolation, SearchIntervalContract) {
  const double x[] = {1, 2, 2, 3, 5};  // 2 repeats (an edge)
  EXPECT_EQ(search_interval(x, 5, 0.5), 0);
  EXPECT_EQ(search_interval(x, 5, 1.0), 0);
  EXPECT_EQ(search_interval(x, 5, 1.99), 0);
  EXPECT_EQ(search_interval(x, 5, 2.0), 2);  // at the edge: the interval above
  EXPECT_EQ(search_interval(x, 5, 4.0), 3);
  EXPECT_EQ(search_interval(x, 5, 5.0), 3);
  EXPECT_EQ(search_interval(x, 5, 9.0), 3);
}

TEST(EnergyGrid, EdgesTwiceAndDensity) {
  const EnergyGrid g = make_energy_grid(1e-3, 20.0, 200, {0.033169, 0.0040381, 50.0, 1e-4});
  // 4.30 decades at 200/decade: 862 base points, plus 2 edges twice (out-of-range ones dropped).
  EXPECT_EQ(g.energy.size(), 862u + 4u);
  EXPECT_DOUBLE_EQ(g.energy.front(), 1e-3);
  EXPECT_DOUBLE_EQ(g.energy.back(), 20.0);
  int edges = 0;
  for (std::size_t i = 0; i + 1 < g.energy.size(); ++i) {
    EXPECT_LE(g.energy[i], g.energy[i + 1]);
    if (g.below[i]) {
      ++edges;
      EXPECT_EQ(g.energy[i], g.energy[i + 1]);
      EXPECT_EQ(g.below[i + 1], 0);
    }
  }
  EXPECT_EQ(edges, 2);
}

TEST(EnergyGrid, ConstantTimeIndexAgreesWithBinarySearch) {
  const EnergyGrid g =
      make_energy_grid(1e-3, 20.0, 200, {0.033169, 0.0040381, 0.0010721, 0.0071120, 0.00518});
  const LogGridIndex idx = g.index();
  const int n = static_cast<int>(g.energy.size());
  std::mt19937_64 rng(12345);
  std::uniform_real_distribution<double> u(std::log(5e-4), std::log(30.0));
  for (int k = 0; k < 200000; ++k) {
    const double e = std::exp(u(rng));
    ASSERT_EQ(idx.find(e), search_interval(g.energy.data(), n, e)) << e;
  }
  // Every grid point itself, including both copies of each edge.
  for (double e : g.energy) ASSERT_EQ(idx.find(e), search_interval(g.energy.data(), n, e)) << e;
}

TEST(EnergyGrid, InterpolationAccuracyOnSmoothCurve) {
  // A Klein-Nishina-like smooth curve: the 200/decade log grid with log-log interpolation
  // must reproduce it to 1e-4 everywhere (the tables' interpolation error budget).
  auto f = [](double e) {
    const double k = e / 0.511;
    return ((1 + k) / (k * k) * (2 * (1 + k) / (1 + 2 * k) - std::log(1 + 2 * k) / k) +
            std::log(1 + 2 * k) / (2 * k) - (1 + 3 * k) / ((1 + 2 * k) * (1 + 2 * k)));
  };
  const EnergyGrid g = make_energy_grid(1e-3, 20.0, 200, {});
  const LogGridIndex idx = g.index();
  double worst = 0;
  for (std::size_t i = 0; i + 1 < g.energy.size(); ++i) {
    const double e = std::sqrt(g.energy[i] * g.energy[i + 1]);
    const int j = idx.find(e);
    const double y =
        interp_loglog(g.energy[j], g.energy[j + 1], f(g.energy[j]), f(g.energy[j + 1]), e);
    worst = std::max(worst, std::fabs(y / f(e) - 1));
  }
  EXPECT_LT(worst, 1e-4);
  EXPECT_GT(worst, 0.0);
}

}  // namespace
}  // namespace gpudose
