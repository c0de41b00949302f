// Photon interaction samplers against their analytic distributions (chi-square), kinematics,
// direction rotation, and the alias sampler.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "host/run/alias_table.hh"
#include "kernels/compton.hh"
#include "kernels/direction.hh"
#include "kernels/philox.hh"
#include "kernels/rayleigh.hh"
#include "tests/transport/chi_square.hh"

namespace gpudose {
namespace {

constexpr std::size_t kBins = 50;

std::size_t mu_bin(double mu) {
  std::size_t b = static_cast<std::size_t>((mu + 1.0) / 2.0 * kBins);
  return b >= kBins ? kBins - 1 : b;
}

TEST(Compton, KleinNishinaAngularDistribution) {
  for (double e : {0.01, 0.1, 0.5, 2.0, 10.0}) {
    RngStream rng(11, 0, static_cast<std::uint64_t>(e * 1000));
    std::vector<double> counts(kBins, 0);
    const auto one = [](double) { return 1.0; };
    for (int i = 0; i < 400000; ++i) {
      const ComptonSample s = sample_compton(e, rng, one, 1.0);
      // Compton formula: E'/E = 1 / (1 + k (1 - mu)) exactly (energy-momentum conservation).
      ASSERT_NEAR(s.eps, 1.0 / (1.0 + e / kElectronMassMeV * (1.0 - s.mu)), 1e-12);
      ASSERT_GE(s.mu, -1.0);
      ASSERT_LE(s.mu, 1.0);
      counts[mu_bin(s.mu)] += 1;
    }
    const auto probs = test::bin_probabilities(
        [e](double mu) { return klein_nishina_dsigma_dmu(e, mu); }, -1.0, 1.0, kBins);
    EXPECT_LT(test::chi_square(counts, probs), test::chi_square_bound(kBins)) << e << " MeV";
  }
}

TEST(Compton, ScatteringFunctionRejectionGivesKleinNishinaTimesS) {
  // A smooth test S(x) that suppresses forward scattering like bound electrons do.
  const double e = 0.05;
  const auto sf = [](double x) { return 1.0 - std::exp(-x / 0.5); };
  RngStream rng(12, 0, 0);
  std::vector<double> counts(kBins, 0);
  for (int i = 0; i < 400000; ++i) counts[mu_bin(sample_compton(e, rng, sf, 1.0).mu)] += 1;
  const auto probs = test::bin_probabilities(
      [&](double mu) { return klein_nishina_dsigma_dmu(e, mu) * sf(momentum_transfer_x(e, mu)); },
      -1.0, 1.0, kBins);
  EXPECT_LT(test::chi_square(counts, probs), test::chi_square_bound(kBins));
  // And plain Klein-Nishina is clearly rejected for this sample (the test can fail).
  const auto kn = test::bin_probabilities(
      [&](double mu) { return klein_nishina_dsigma_dmu(e, mu); }, -1.0, 1.0, kBins);
  EXPECT_GT(test::chi_square(counts, kn), 10 * test::chi_square_bound(kBins));
}

// doppler_compton_energy inverts the impulse-approximation relation p_z(E') of compton.hh:
// pz = 0 gives the Compton formula, and for random E (1 keV - 10 MeV), angles and |p_z| < 0.5
// m_e c every returned E' gives back the p_z it was asked for (1e-9) and grows with p_z (the
// root for the sign of p_z, not its mirror image). E' > E - B can come out (forward angles, an
// electron moving towards the photon); the caller (PhotonTablesPhysics::compton_energy) redraws.
TEST(Compton, DopplerEnergyInvertsTheImpulseRelation) {
  RngStream rng(5, 0, 0);
  int solved = 0;
  for (int i = 0; i < 100000; ++i) {
    const double e = 1e-3 * std::pow(1e4, rng.uniform());
    const double mu = 2 * rng.uniform() - 1;
    const double a = e / kElectronMassMeV;
    EXPECT_NEAR(doppler_compton_energy(e, mu, 0.0), e / (1 + a * (1 - mu)), 1e-12 * e);
    const double pz = rng.uniform() - 0.5;
    const double ep = doppler_compton_energy(e, mu, pz);
    if (ep <= 0) continue;  // no E' for this (angle, p_z)
    ++solved;
    const double x = ep / kElectronMassMeV;
    const double back = (x * (1 + a * (1 - mu)) - a) / std::sqrt(a * a + x * x - 2 * a * x * mu);
    ASSERT_NEAR(back, pz, 1e-9) << e << " " << mu;
    EXPECT_GT(doppler_compton_energy(e, mu, pz + 1e-3), ep) << e << " " << mu << " " << pz;
  }
  EXPECT_GT(solved, 90000);
}

TEST(Rayleigh, ThomsonShapeWithConstantFormFactor) {
  // F^2 constant: x^2 uniform in [0, x2_max], hence mu uniform before the Thomson factor.
  const auto inverse = [](double u, double x2_max) { return u * x2_max; };
  RngStream rng(13, 0, 0);
  std::vector<double> counts(kBins, 0);
  for (int i = 0; i < 400000; ++i) counts[mu_bin(sample_rayleigh_mu(0.03, rng, inverse))] += 1;
  const auto probs =
      test::bin_probabilities([](double mu) { return 1.0 + mu * mu; }, -1.0, 1.0, kBins);
  EXPECT_LT(test::chi_square(counts, probs), test::chi_square_bound(kBins));
}

TEST(Direction, RotationKeepsAngleAndNorm) {
  RngStream rng(14, 0, 0);
  for (int i = 0; i < 100000; ++i) {
    Vec3 d = sample_isotropic(rng);
    if (i % 1000 == 0) d = Vec3{0, 0, i % 2000 ? 1.0 : -1.0};  // the polar special case
    const double mu = 2 * rng.uniform() - 1;
    const Vec3 r = rotate(d, mu, 2 * kPi * rng.uniform());
    ASSERT_NEAR(r.x * r.x + r.y * r.y + r.z * r.z, 1.0, 1e-12);
    ASSERT_NEAR(d.x * r.x + d.y * r.y + d.z * r.z, mu, 1e-9);
  }
}

TEST(Direction, IsotropicMoments) {
  RngStream rng(15, 0, 0);
  double sx = 0, sz2 = 0, sxy = 0;
  const int n = 500000;
  for (int i = 0; i < n; ++i) {
    const Vec3 d = sample_isotropic(rng);
    sx += d.x;
    sz2 += d.z * d.z;
    sxy += d.x * d.y;
  }
  // <x> = 0, <z^2> = 1/3, <xy> = 0; standard errors ~ 1/sqrt(3n) ~ 8e-4.
  EXPECT_NEAR(sx / n, 0.0, 4e-3);
  EXPECT_NEAR(sz2 / n, 1.0 / 3.0, 2e-3);
  EXPECT_NEAR(sxy / n, 0.0, 2e-3);
}

TEST(AliasTable, FrequenciesFollowWeights) {
  const std::vector<double> w = {5, 0, 1, 3, 0.5, 0, 10, 2};
  AliasTable table(w);
  const AliasTableView v = table.view();
  std::vector<double> counts(w.size(), 0);
  RngStream rng(16, 0, 0);
  for (int i = 0; i < 1000000; ++i) counts[v.sample(rng.uniform())] += 1;
  EXPECT_EQ(counts[1], 0);
  EXPECT_EQ(counts[5], 0);
  double total = 0;
  for (double x : w) total += x;
  std::vector<double> p;
  for (double x : w) p.push_back(x / total);
  EXPECT_LT(test::chi_square(counts, p), test::chi_square_bound(6));
}

TEST(AliasTable, RejectsBadWeights) {
  EXPECT_THROW(AliasTable({}), std::invalid_argument);
  EXPECT_THROW(AliasTable({0, 0}), std::invalid_argument);
  EXPECT_THROW(AliasTable({1, -1}), std::invalid_argument);
}

}  // namespace
}  // namespace gpudose
