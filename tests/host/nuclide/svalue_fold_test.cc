// host/nuclide/svalue_fold.hh on synthetic SAF tables with known analytic SAFs and hand-made
// emissions: analytic S values, both interpolation schemes, the E = 0 limit below the grid, the
// above-grid error, exact uncertainty propagation against brute-force resampling of the table,
// radiation weighting and the share columns. No data files.
#include "host/nuclide/svalue_fold.hh"

#include <gtest/gtest.h>

#include <cmath>
#include <functional>
#include <random>
#include <stdexcept>

#include "host/foundation/user_error.hh"
#include "tests/error_text.hh"

namespace gpudose {
namespace {

constexpr double J = kJoulePerMeV;

NuclideEmissions nuclide(const std::vector<DiscreteLine>& lines,
                         const std::vector<std::pair<double, double>>& spectrum = {}) {
  NuclideEmissions n;
  n.name = "Test-1";
  n.lines = lines;
  n.beta_spectrum = spectrum;
  return n;
}

// Source region (2 kg), a neighbour that does not contain it (0.5 kg), the whole body (70 kg).
std::vector<FoldTarget> targets() {
  return {{"source", 2.0, true}, {"neighbour", 0.5, false}, {"body", 70.0, true}};
}

using SafFunction = std::function<double(FoldParticle, std::size_t target, double e)>;

SafTable table(FoldParticle p, const std::vector<double>& grid, const SafFunction& saf,
               double relative_sigma = 0.01) {
  SafTable t;
  t.energies_mev = grid;
  for (double e : grid) {
    std::vector<double> row, var;
    for (std::size_t i = 0; i < targets().size(); ++i) {
      row.push_back(saf(p, i, e));
      var.push_back(std::pow(relative_sigma * row.back(), 2));
    }
    t.saf.push_back(row);
    t.variance.push_back(var);
  }
  return t;
}

FoldTables tables(const std::vector<double>& photon_grid, const std::vector<double>& electron_grid,
                  const SafFunction& saf, double relative_sigma = 0.01) {
  FoldTables t;
  t.targets = targets();
  if (!photon_grid.empty())
    t.photon = table(FoldParticle::photon, photon_grid, saf, relative_sigma);
  if (!electron_grid.empty()) {
    t.electron = table(FoldParticle::electron, electron_grid, saf, relative_sigma);
  }
  return t;
}

const std::vector<double> kGrid = {0.01, 0.015, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2};

// SAF linear in E, different per particle and target: linear interpolation is exact.
double linear_saf(FoldParticle p, std::size_t t, double e) {
  const double a[3] = {0.4, 0.01, 0.012}, b[3] = {0.05, 0.02, 0.001};
  return p == FoldParticle::photon ? a[t] + b[t] * e : 2 * a[t] + 3 * b[t] * e;
}

// Triangular beta spectrum dN/dE = 2 (E1 - E) / (E1 - E0)^2 on [E0, E1] (one beta per decay),
// on n nodes; and its analytic moments int E^m dN/dE dE.
constexpr double kE0 = 0.05, kE1 = 1.05;
std::vector<std::pair<double, double>> triangle(int n) {
  std::vector<std::pair<double, double>> s;
  for (int i = 0; i < n; ++i) {
    const double e = kE0 + (kE1 - kE0) * i / (n - 1);
    s.emplace_back(e, 2 * (kE1 - e) / ((kE1 - kE0) * (kE1 - kE0)));
  }
  return s;
}
double triangle_moment(int m) {
  const auto p = [](double e, int k) { return std::pow(e, k); };
  const double l2 = (kE1 - kE0) * (kE1 - kE0);
  return 2 / l2 *
         (kE1 * (p(kE1, m + 1) - p(kE0, m + 1)) / (m + 1) -
          (p(kE1, m + 2) - p(kE0, m + 2)) / (m + 2));
}

std::vector<DiscreteLine> mixed_lines() {
  using K = EmissionKind;
  return {{K::gamma, 0.3, 0.5},           {K::x_ray, 0.0305, 0.2},  {K::annihilation, 0.511, 0.4},
          {K::ic_electron, 0.15, 0.1},    {K::auger, 0.02, 0.3},    {K::alpha, 5.0, 0.9},
          {K::alpha_recoil, 0.1, 0.9},    {K::fission, 80.0, 1e-3}, {K::neutron, 2.0, 0.01},
          {K::beta_minus_mean, 0.3, 1.0}, {K::betaD_mean, 0.2, 0.5}};
}

// S by hand for mixed_lines() + triangle() with linear_saf.
double analytic_mixed(std::size_t t, double alpha_weight = 1) {
  const auto saf = [&](FoldParticle p, double e) { return linear_saf(p, t, e); };
  const auto ph = FoldParticle::photon, el = FoldParticle::electron;
  double s = 0.5 * 0.3 * saf(ph, 0.3) + 0.2 * 0.0305 * saf(ph, 0.0305) +
             0.4 * 0.511 * saf(ph, 0.511) + 0.1 * 0.15 * saf(el, 0.15) + 0.3 * 0.02 * saf(el, 0.02);
  // beta: int E N(E) (a + b E) dE with the electron SAF a + b E
  const double a = saf(el, 0), b = saf(el, 1) - saf(el, 0);
  s += a * triangle_moment(1) + b * triangle_moment(2);
  const FoldTarget tg = targets()[t];
  if (tg.contains_source) s += alpha_weight * (0.9 * 5.0 + 0.9 * 0.1 + 1e-3 * 80.0) / tg.mass_kg;
  return s * J;
}

using test::error_of;

TEST(SValueFold, LinearSafGivesAnalyticS) {
  const FoldTables tb = tables(kGrid, kGrid, linear_saf);
  const NuclideEmissions n = nuclide(mixed_lines(), triangle(4001));
  for (Interpolation scheme : {Interpolation::linear, Interpolation::pchip}) {
    const NuclideSValues r = fold_svalues(n, tb, {scheme, Weighting::none});
    ASSERT_EQ(r.targets.size(), 3u);
    for (std::size_t t = 0; t < 3; ++t) {
      const double want = analytic_mixed(t);
      // Trapezoid of the cubic E N(E) SAF(E) on 4001 nodes: relative error ~1e-7.
      EXPECT_NEAR(r.targets[t].s_gy_per_bq_s, want, 1e-6 * want) << t;
      EXPECT_DOUBLE_EQ(r.targets[t].s_mgy_per_mbq_s, r.targets[t].s_gy_per_bq_s * 1e9);
      // PCHIP reproduces straight-line data exactly (all secants equal).
      EXPECT_NEAR(r.targets[t].s_pchip, r.targets[t].s_linear, 1e-12 * want);
      EXPECT_LT(r.targets[t].interpolation_spread, 1e-12 * want);
    }
    // Bookkeeping: MeV per decay by group, neutrons excluded, mean-energy entries not folded.
    EXPECT_NEAR(r.emitted_mev[0], 0.5 * 0.3 + 0.2 * 0.0305 + 0.4 * 0.511, 1e-12);
    EXPECT_NEAR(r.emitted_mev[1], triangle_moment(1), 1e-7);
    EXPECT_NEAR(r.emitted_mev[2], 0.1 * 0.15 + 0.3 * 0.02, 1e-12);
    EXPECT_NEAR(r.emitted_mev[3], 0.9 * 5.0 + 0.9 * 0.1 + 1e-3 * 80, 1e-12);
    EXPECT_NEAR(r.excluded_neutron_mev, 0.02, 1e-15);
    EXPECT_NEAR(r.line_mev[static_cast<int>(EmissionKind::beta_minus_mean)], 0.3, 1e-15);
    EXPECT_NEAR(r.beta_spectrum_mev, triangle_moment(1), 1e-7);
    EXPECT_EQ(r.below_grid_fraction_photon, 0.0);
    EXPECT_EQ(r.below_grid_fraction_electron, 0.0);
  }
}

TEST(SValueFold, ConstantSafAndUnits) {
  // SAF = c_t at every energy: S = c_t x sum of yield x E x J.
  const double c[3] = {0.3, 0.02, 0.014};
  const FoldTables tb =
      tables(kGrid, kGrid, [&](FoldParticle, std::size_t t, double) { return c[t]; });
  const NuclideEmissions n =
      nuclide({{EmissionKind::gamma, 0.2, 0.5}, {EmissionKind::ic_electron, 0.1, 0.25}});
  const NuclideSValues r = fold_svalues(n, tb, {});
  for (std::size_t t = 0; t < 3; ++t) {
    const double want = c[t] * (0.2 * 0.5 + 0.1 * 0.25) * 1.602176634e-13;
    EXPECT_NEAR(r.targets[t].s_gy_per_bq_s, want, 1e-14 * want);
    EXPECT_NEAR(r.targets[t].s_mgy_per_mbq_s, want * 1e9, 1e-14 * want * 1e9);
    EXPECT_NEAR(r.targets[t].share[0], 0.1 / 0.125, 1e-12);
    EXPECT_NEAR(r.targets[t].share[2], 0.025 / 0.125, 1e-12);
  }
}

TEST(SValueFold, BelowGridInterpolatesToLocalAbsorption) {
  const std::vector<double> grid = {0.01, 0.1, 1};
  const FoldTables tb = tables(grid, grid, linear_saf);
  // 4 keV photon: u = 0.4 of the way from E = 0 (SAF 1/mass in targets containing the source,
  // 0 elsewhere) to the first table energy. 10 keV (on the node) is not below.
  const NuclideEmissions n =
      nuclide({{EmissionKind::x_ray, 0.004, 1.0}, {EmissionKind::gamma, 0.01, 0.3}});
  for (Interpolation scheme : {Interpolation::linear, Interpolation::pchip}) {
    const NuclideSValues r = fold_svalues(n, tb, {scheme, Weighting::none});
    for (std::size_t t = 0; t < 3; ++t) {
      const FoldTarget tg = targets()[t];
      const double saf0 = tg.contains_source ? 1 / tg.mass_kg : 0;
      const double s01 = linear_saf(FoldParticle::photon, t, 0.01);
      const double want = J * (0.004 * (0.6 * saf0 + 0.4 * s01) + 0.3 * 0.01 * s01);
      EXPECT_NEAR(r.targets[t].s_gy_per_bq_s, want, 1e-13 * want) << t;
    }
    EXPECT_NEAR(r.below_grid_fraction_photon, 0.004 / (0.004 + 0.003), 1e-14);
    EXPECT_EQ(r.below_grid_fraction_electron, 0.0);
  }
  // A beta spectrum starting at 0: its nodes below 10 keV are the electron below-grid part.
  const auto spectrum = triangle(3);  // nodes 0.05, 0.55, 1.05: none below
  std::vector<std::pair<double, double>> low = {{0.0, 1.0}, {0.005, 1.0}, {0.02, 0.0}};
  const NuclideSValues r = fold_svalues(nuclide({}, low), tb, {});
  const double w1 = 0.5 * 0.02 * 0.005;  // trapezoid weight x E x dN/dE of the 5 keV node
  EXPECT_NEAR(r.emitted_mev[1], w1, 1e-15);
  EXPECT_NEAR(r.below_grid_fraction_electron, 1.0, 1e-14);
  const double saf0 = 1 / 2.0, s01 = linear_saf(FoldParticle::electron, 0, 0.01);
  EXPECT_NEAR(r.targets[0].s_gy_per_bq_s, J * w1 * (0.5 * saf0 + 0.5 * s01), 1e-25);
  EXPECT_EQ(fold_svalues(nuclide({}, spectrum), tb, {}).below_grid_fraction_electron, 0.0);
}

TEST(SValueFold, AboveGridIsAUserError) {
  const std::vector<double> grid = {0.01, 0.1, 1};
  const FoldTables tb = tables(grid, grid, linear_saf);
  std::string e = error_of([&] {
    fold_svalues(nuclide({{EmissionKind::gamma, 1.5, 0.1}}), tb, {});
  });
  EXPECT_NE(e.find("cannot fold Test-1"), std::string::npos) << e;
  EXPECT_NE(e.find("gamma line at 1.5 MeV is above the photon table, which spans 0.01 to 1 MeV"),
            std::string::npos)
      << e;
  EXPECT_EQ(e.find('\n'), std::string::npos);
  e = error_of([&] { fold_svalues(nuclide({}, {{0.5, 1.0}, {1.2, 1.0}, {1.4, 0.0}}), tb, {}); });
  EXPECT_NE(e.find("beta spectrum (end point 1.4 MeV) node at 1.2 MeV is above the electron"),
            std::string::npos)
      << e;
  // The end point itself carries no energy (dN/dE = 0) and is not checked.
  EXPECT_NO_THROW(fold_svalues(nuclide({}, {{0.5, 1.0}, {1.0, 1.0}, {1.4, 0.0}}), tb, {}));
  // Zero-yield lines and local/neutron emissions need no table range.
  EXPECT_NO_THROW(fold_svalues(nuclide({{EmissionKind::gamma, 5.0, 0.0},
                                        {EmissionKind::alpha, 6.0, 1.0},
                                        {EmissionKind::neutron, 3.0, 1.0},
                                        {EmissionKind::beta_minus_mean, 9.0, 1.0}}),
                               tb, {}));
}

TEST(SValueFold, MissingTableAndNothingToFold) {
  const FoldTables photon_only = tables(kGrid, {}, linear_saf);
  std::string e = error_of([&] {
    fold_svalues(nuclide({{EmissionKind::auger, 0.05, 1.0}}), photon_only, {});
  });
  EXPECT_NE(e.find("it emits auger line and the table has no electron SAFs"), std::string::npos)
      << e;
  EXPECT_NO_THROW(fold_svalues(nuclide({{EmissionKind::gamma, 0.05, 1.0}}), photon_only, {}));
  e = error_of([&] {
    fold_svalues(nuclide({{EmissionKind::neutron, 2.0, 1.0}}), tables(kGrid, kGrid, linear_saf),
                 {});
  });
  EXPECT_NE(e.find("nothing to fold for Test-1"), std::string::npos) << e;
  EXPECT_NE(e.find("neutrons (2 MeV per decay) are left out"), std::string::npos) << e;
}

TEST(SValueFold, BadTablesAreUserErrors) {
  FoldTables tb = tables(kGrid, kGrid, linear_saf);
  const NuclideEmissions n = nuclide({{EmissionKind::gamma, 0.3, 1.0}});
  tb.photon.variance[2][1] = -1;
  EXPECT_NE(error_of([&] { fold_svalues(n, tb, {}); }).find("bad photon SAF table"),
            std::string::npos);
  tb = tables(kGrid, kGrid, linear_saf);
  tb.electron.saf[0].pop_back();
  EXPECT_NE(error_of([&] { fold_svalues(n, tb, {}); }).find("row 1 has 2 SAFs"), std::string::npos);
  tb = tables({0.1, 0.05, 1}, kGrid, linear_saf);
  EXPECT_NE(error_of([&] { fold_svalues(n, tb, {}); }).find("strictly ascending"),
            std::string::npos);
  tb = tables(kGrid, kGrid, linear_saf);
  tb.targets[1].mass_kg = 0;
  EXPECT_NE(error_of([&] { fold_svalues(n, tb, {}); }).find("bad target 'neighbour'"),
            std::string::npos);
  // A kernel made for other grids is a programming error, not the user's.
  tb = tables(kGrid, kGrid, linear_saf);
  EXPECT_THROW(apply_fold(prepare_fold(n, {0.1, 1}, kGrid, {}), prepare_tables(tb)),
               std::invalid_argument);
  EXPECT_EQ(parse_interpolation("pchip"), Interpolation::pchip);
  EXPECT_NE(error_of([] { parse_weighting("icrp60"); }).find("'none' or 'icrp103'"),
            std::string::npos);
}

// PCHIP worked by hand on x = 0, 1, 2, y = 0, 1, 4 (Fritsch-Butland interior slope, Moler's
// three-point ends): d = (0, 1.5, 4); P(0.5) = 0.5 - 0.125 x 1.5 = 0.3125; P(1.5) = 2.1875.
TEST(SValueFold, PchipByHand) {
  const PchipSlopes s = pchip_slopes({0, 1, 2}, {0, 1, 4});
  EXPECT_DOUBLE_EQ(s.d[0], 0.0);
  EXPECT_DOUBLE_EQ(s.d[1], 1.5);
  EXPECT_DOUBLE_EQ(s.d[2], 4.0);
  EXPECT_DOUBLE_EQ(pchip_value({0, 1, 2}, {0, 1, 4}, 0.5), 0.3125);
  EXPECT_DOUBLE_EQ(pchip_value({0, 1, 2}, {0, 1, 4}, 1.5), 2.1875);
  // Monotone data stay monotone and within their range (no overshoot): the point of PCHIP.
  const std::vector<double> x = {0.01, 0.02, 0.05, 0.1, 0.2, 0.5}, y = {0, 0, 1, 1, 1, 3};
  double previous = -1;
  for (double e = 0.01; e <= 0.5; e += 0.001) {
    const double v = pchip_value(x, y, e);
    EXPECT_GE(v, previous - 1e-15) << e;
    EXPECT_LE(v, 3 + 1e-15);
    previous = v;
  }
}

// The slopes' Jacobian (used for the PCHIP variance) against central differences.
TEST(SValueFold, PchipJacobianMatchesFiniteDifferences) {
  const std::vector<double> x = {0.01, 0.015, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2};
  for (int shape = 0; shape < 3; ++shape) {
    std::vector<double> y;
    for (double e : x) {
      y.push_back(shape == 0   ? 1 + 3 * e + 2 * e * e
                  : shape == 1 ? std::exp(-e) + 0.3 * std::sin(5 * e)
                               : 1 / (0.05 + e));
    }
    const PchipSlopes s = pchip_slopes(x, y);
    for (std::size_t k = 0; k < x.size(); ++k) {
      for (int m = 0; m < 3; ++m) {
        const std::size_t j = static_cast<std::size_t>(s.first[k] + m);
        if (j >= x.size()) continue;
        const double h = 1e-7 * std::max(1.0, std::abs(y[j]));
        auto up = y, down = y;
        up[j] += h;
        down[j] -= h;
        const double fd = (pchip_slopes(x, up).d[k] - pchip_slopes(x, down).d[k]) / (2 * h);
        EXPECT_NEAR(s.jacobian[k][static_cast<std::size_t>(m)], fd,
                    1e-5 * std::max(1.0, std::abs(fd)))
            << "shape " << shape << " slope " << k << " entry " << j;
      }
    }
  }
}

TEST(SValueFold, PchipBeatsLinearOnQuadratic) {
  const std::vector<double> grid = {0.1, 0.2, 0.4, 0.8, 1.6};
  const auto quad = [](FoldParticle, std::size_t t, double e) {
    return (1.0 + t) * (1 + 3 * e + 2 * e * e);
  };
  const FoldTables tb = tables(grid, grid, quad);
  const std::vector<double> energies = {0.13, 0.3, 0.55, 1.1, 1.5};
  std::vector<DiscreteLine> lines;
  double exact = 0;
  for (double e : energies) {
    lines.push_back({EmissionKind::gamma, e, 0.2});
    exact += 0.2 * e * quad(FoldParticle::photon, 1, e) * J;
  }
  const NuclideSValues lin = fold_svalues(nuclide(lines), tb, {Interpolation::linear, {}});
  const NuclideSValues pch = fold_svalues(nuclide(lines), tb, {Interpolation::pchip, {}});
  const double err_lin = std::abs(lin.targets[1].s_gy_per_bq_s - exact);
  const double err_pchip = std::abs(pch.targets[1].s_gy_per_bq_s - exact);
  std::printf("quadratic SAF: linear error %.3g %%, pchip error %.3g %%\n", 100 * err_lin / exact,
              100 * err_pchip / exact);
  EXPECT_GT(err_lin, 1e-3 * exact);  // linear over-estimates a convex function
  EXPECT_LT(err_pchip, 0.25 * err_lin);
  EXPECT_DOUBLE_EQ(lin.targets[1].s_pchip, pch.targets[1].s_gy_per_bq_s);
  EXPECT_DOUBLE_EQ(pch.targets[1].interpolation_spread,
                   std::abs(lin.targets[1].s_gy_per_bq_s - pch.targets[1].s_gy_per_bq_s));
}

// A table with independent entries of known variance: the propagated sigma is (a) for linear,
// exactly sum c_k^2 var_k with c_k = dS/dSAF_k found by perturbing one entry at a time, and
// (b) for both schemes, the spread of S over tables redrawn entry by entry from normals.
TEST(SValueFold, UncertaintyMatchesResampling) {
  const std::vector<double> grid = {0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2};
  const auto smooth = [](FoldParticle p, std::size_t t, double e) {
    return (p == FoldParticle::photon ? 1.0 : 1.7) * (0.2 + t) * std::exp(-0.7 * e) /
           (1 + 0.3 * std::sqrt(e));
  };
  const FoldTables tb = tables(grid, grid, smooth, 0.01);
  const NuclideEmissions n = nuclide(mixed_lines(), triangle(301));
  for (Interpolation scheme : {Interpolation::linear, Interpolation::pchip}) {
    const FoldOptions opt{scheme, Weighting::none};
    const FoldKernel kernel = prepare_fold(n, grid, grid, opt);
    const NuclideSValues base = apply_fold(kernel, tb);

    if (scheme == Interpolation::linear) {
      const LinearFold c = linear_coefficients(kernel);
      for (std::size_t t = 0; t < 3; ++t) {
        double var = 0;
        for (FoldParticle p : {FoldParticle::photon, FoldParticle::electron}) {
          for (std::size_t k = 0; k < grid.size(); ++k) {
            FoldTables moved = tb;
            SafTable& table = p == FoldParticle::photon ? moved.photon : moved.electron;
            table.saf[k][t] += 1.0;
            const double ck =
                apply_fold(kernel, moved).targets[t].s_gy_per_bq_s - base.targets[t].s_gy_per_bq_s;
            const double want = (p == FoldParticle::photon ? c.photon : c.electron)[k];
            EXPECT_NEAR(ck, want, 1e-9 * std::abs(want) + 1e-30);
            const double v = (p == FoldParticle::photon ? tb.photon : tb.electron).variance[k][t];
            var += ck * ck * v;
          }
        }
        EXPECT_NEAR(base.targets[t].sigma_gy_per_bq_s, std::sqrt(var),
                    1e-8 * base.targets[t].sigma_gy_per_bq_s);
      }
    }

    std::mt19937_64 rng(20261201);
    std::normal_distribution<double> normal(0.0, 1.0);
    const int draws = 20000;
    std::vector<double> sum(3, 0.0), sum2(3, 0.0);
    FoldTables drawn = tb;
    for (int i = 0; i < draws; ++i) {
      for (FoldParticle p : {FoldParticle::photon, FoldParticle::electron}) {
        const SafTable& from = p == FoldParticle::photon ? tb.photon : tb.electron;
        SafTable& to = p == FoldParticle::photon ? drawn.photon : drawn.electron;
        for (std::size_t k = 0; k < grid.size(); ++k) {
          for (std::size_t t = 0; t < 3; ++t) {
            to.saf[k][t] = from.saf[k][t] + std::sqrt(from.variance[k][t]) * normal(rng);
          }
        }
      }
      const NuclideSValues r = apply_fold(kernel, drawn);
      for (std::size_t t = 0; t < 3; ++t) {
        const double d = r.targets[t].s_gy_per_bq_s - base.targets[t].s_gy_per_bq_s;
        sum[t] += d;
        sum2[t] += d * d;
      }
    }
    for (std::size_t t = 0; t < 3; ++t) {
      const double mean = sum[t] / draws;
      const double sample_var = (sum2[t] - draws * mean * mean) / (draws - 1);
      const double propagated = std::pow(base.targets[t].sigma_gy_per_bq_s, 2);
      std::printf(
          "%s target %zu: propagated sigma %.4g, resampled %.4g (ratio of variances %.4f)\n",
          interpolation_name(scheme), t, std::sqrt(propagated), std::sqrt(sample_var),
          sample_var / propagated);
      // Sample variance of 20000 draws: relative standard error sqrt(2/N) = 1 %.
      EXPECT_NEAR(sample_var / propagated, 1.0, 0.04) << interpolation_name(scheme) << " " << t;
      EXPECT_GT(base.targets[t].relative_sigma, 0.0);
    }
  }
}

TEST(SValueFold, Icrp103WeightingMultipliesAlphasBy20) {
  const FoldTables tb = tables(kGrid, kGrid, linear_saf);
  const NuclideEmissions n = nuclide(mixed_lines(), triangle(2001));
  const NuclideSValues none = fold_svalues(n, tb, {Interpolation::linear, Weighting::none});
  const NuclideSValues w = fold_svalues(n, tb, {Interpolation::linear, Weighting::icrp103});
  EXPECT_EQ(w.options.weighting, Weighting::icrp103);
  for (std::size_t t = 0; t < 3; ++t) {
    const double alpha = none.targets[t].share[3] * none.targets[t].s_gy_per_bq_s;
    EXPECT_NEAR(w.targets[t].s_gy_per_bq_s, none.targets[t].s_gy_per_bq_s + 19 * alpha,
                1e-12 * w.targets[t].s_gy_per_bq_s);
    EXPECT_NEAR(w.targets[t].s_gy_per_bq_s, analytic_mixed(t, 20), 1e-6 * analytic_mixed(t, 20));
    // Photons and electrons unchanged.
    EXPECT_NEAR(w.targets[t].share[0] * w.targets[t].s_gy_per_bq_s,
                none.targets[t].share[0] * none.targets[t].s_gy_per_bq_s,
                1e-12 * none.targets[t].s_gy_per_bq_s);
    // Emitted energies are physical, not weighted.
    EXPECT_EQ(w.emitted_mev, none.emitted_mev);
  }
  EXPECT_EQ(none.targets[1].share[3], 0.0);  // no local deposit outside the source
}

TEST(SValueFold, SharesSumToOne) {
  const FoldTables tb = tables(kGrid, kGrid, linear_saf);
  const NuclideEmissions n = nuclide(mixed_lines(), triangle(501));
  for (Interpolation scheme : {Interpolation::linear, Interpolation::pchip}) {
    const NuclideSValues r = fold_svalues(n, tb, {scheme, Weighting::none});
    for (const auto& t : r.targets) {
      double sum = 0;
      for (double s : t.share) {
        EXPECT_GE(s, 0.0);
        sum += s;
      }
      EXPECT_NEAR(sum, 1.0, 1e-12);
      EXPECT_GT(t.share[0], 0.0);
      EXPECT_GT(t.share[1], 0.0);
      EXPECT_GT(t.share[2], 0.0);
    }
  }
}

}  // namespace
}  // namespace gpudose
