// Unit tests of the electron-transport building blocks that need no data: the multiple-
// scattering deflection reproduces the Goudsmit-Saunderson moments it is built from, the soft
// energy-loss straggling keeps the mean and the variance of the loss, and annihilation in flight
// conserves energy and momentum and follows Heitler's spectrum.
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/electron_transport.hh"
#include "kernels/philox.hh"

namespace gpudose {
namespace {

// <mu> = exp(-s/lambda_1) and <P2(mu)> = exp(-s/lambda_2) (the two moments the artificial
// distribution must match), within 4 standard errors, from small steps to near-isotropic ones.
TEST(ElectronKernels, MultipleScatteringMatchesTransportMoments) {
  struct Case {
    double s, l1, l2;
  };
  for (const Case c : {Case{0.01, 1.0, 0.35}, Case{0.2, 1.0, 0.36}, Case{1.0, 1.0, 0.4},
                       Case{3.0, 1.0, 0.5}, Case{0.5, 1.0, 1.0}}) {
    RngStream rng(3, 0, 0);
    const int n = 400000;
    double m1 = 0, m2 = 0, v1 = 0, v2 = 0;
    for (int i = 0; i < n; ++i) {
      const double mu = msc_deflection(c.s, c.l1, c.l2, rng);
      ASSERT_GE(mu, -1.0);
      ASSERT_LE(mu, 1.0);
      const double p2 = 0.5 * (3 * mu * mu - 1);
      m1 += mu;
      m2 += p2;
      v1 += mu * mu;
      v2 += p2 * p2;
    }
    m1 /= n;
    m2 /= n;
    const double se1 = std::sqrt((v1 / n - m1 * m1) / n) + 1e-12;
    const double se2 = std::sqrt((v2 / n - m2 * m2) / n) + 1e-12;
    EXPECT_NEAR(m1, std::exp(-c.s / c.l1), 4 * se1 + 1e-9) << "s " << c.s;
    EXPECT_NEAR(m2, std::exp(-c.s / c.l2), 4 * se2 + 1e-9) << "s " << c.s;
  }
}

}  // namespace
}  // namespace gpudose

namespace gpudose {
namespace {

struct VectorTally {
  std::vector<std::uint64_t>* bins;
  void deposit(int bin, std::uint64_t units) const { (*bins)[bin] += units; }
};

// Soft energy-loss straggling (sample_soft_energy_loss, PENELOPE-2018 Sec. 4.2.2) in each of its
// three regimes (truncated Gaussian, uniform, no-loss + uniform mixture): the sample mean and
// variance equal the requested ones within 4 standard errors (the standard error of the
// variance from the sample fourth moment), no loss is negative, and the Gaussian branch stays
// within mean +- 3 sigma.
TEST(ElectronKernels, SoftEnergyLossKeepsMeanAndVariance) {
  struct Case {
    double mean, var;
  };
  // mean^2 / var = 25, 16 (Gaussian), 9, 4 (uniform), 3, 1, 0.01 (mixture).
  for (const Case c : {Case{5.0, 1.0}, Case{0.4, 0.01}, Case{3.0, 1.0}, Case{2.0, 1.0},
                       Case{std::sqrt(3.0), 1.0}, Case{1.0, 1.0}, Case{0.1, 1.0}}) {
    RngStream rng(11, 0, 0);
    const int n = 400000;
    double s1 = 0, s2 = 0, s4 = 0, lo = 1e300, hi = -1e300;
    for (int i = 0; i < n; ++i) {
      const double w = sample_soft_energy_loss(c.mean, c.var, rng);
      const double d = w - c.mean;
      s1 += w;
      s2 += d * d;
      s4 += d * d * d * d;
      lo = std::min(lo, w);
      hi = std::max(hi, w);
    }
    const double mean = s1 / n, var = s2 / n - (mean - c.mean) * (mean - c.mean);
    const double sem_mean = std::sqrt(var / n);
    const double sem_var = std::sqrt((s4 / n - var * var) / n);
    EXPECT_NEAR(mean, c.mean, 4 * sem_mean) << c.mean << " " << c.var;
    EXPECT_NEAR(var, c.var, 4 * sem_var) << c.mean << " " << c.var;
    EXPECT_GE(lo, 0.0);
    if (c.mean * c.mean > 9 * c.var) {
      EXPECT_GE(lo, c.mean - 3 * std::sqrt(c.var) - 1e-12);
      EXPECT_LE(hi, c.mean + 3 * std::sqrt(c.var) + 1e-12);
    }
  }
}

// Annihilation in flight: the two photons carry exactly the positron's units plus 2 u_m, conserve
// momentum, and the softer photon's energy fraction zeta follows Heitler's DCS: its mean over
// 2e5 samples against the mean by quadrature of the DCS (within 4 standard errors).
TEST(ElectronKernels, AnnihilationInFlightKinematicsAndSpectrum) {
  std::uint8_t labels[1] = {0}, label_medium[1] = {0};
  float label_density[1] = {1.0f};
  std::uint16_t label_organ[1] = {1};
  ElectronTransport et;
  et.phantom = VoxelPhantomView{
      1, 1, 1, 10.0, 10.0, 10.0, labels, label_medium, label_density, label_organ, 1};
  for (double t : {0.1, 1.0, 8.0}) {
    const double mc2 = kElectronMassMeV;
    const double gamma = 1 + t / mc2, root = std::sqrt(gamma * gamma - 1);
    const double zmin = 1 / (gamma + 1 + root);
    // Mean of zeta by quadrature of S(z) + S(1 - z) on [zmin, 1/2] (log-spaced midpoint rule).
    double w = 0, wz = 0;
    const int m = 200000;
    for (int j = 0; j < m; ++j) {
      const double z = zmin * std::exp((j + 0.5) / m * std::log(0.5 / zmin));
      const double dz = z * std::log(0.5 / zmin) / m;
      auto s = [&](double x) {
        return -(gamma + 1) * (gamma + 1) + (gamma * gamma + 4 * gamma + 1) / x - 1 / (x * x);
      };
      const double f = (s(z) + s(1 - z)) * dz;
      w += f;
      wz += f * z;
    }
    const double mean_ref = wz / w;
    RngStream rng(9, 0, 0);
    std::vector<std::uint64_t> bins(photon_tally_bins(1), 0);
    VectorTally tally{&bins};
    const int n = 200000;
    double sum = 0, sum2 = 0;
    for (int i = 0; i < n; ++i) {
      SecondaryStacks st;
      const ChargedState c = charged_at(5, 5, 5, Vec3{0, 0, 1}, t, to_fixed(t), 1);
      et.annihilate_in_flight(c, 0, rng, tally, st);
      ASSERT_EQ(st.n_photons, 2);
      const PhotonState& a = st.photons[0];
      const PhotonState& b = st.photons[1];
      ASSERT_EQ(a.units + b.units, to_fixed(t) + 2 * to_fixed(mc2));
      const double p = root * mc2;
      EXPECT_NEAR(a.e * a.d.x + b.e * b.d.x, 0.0, 1e-9);
      EXPECT_NEAR(a.e * a.d.z + b.e * b.d.z, p, 1e-9);
      EXPECT_NEAR(a.e + b.e, t + 2 * mc2, 1e-12);
      const double z = a.e / (t + 2 * mc2);
      sum += z;
      sum2 += z * z;
    }
    const double mean = sum / n, sem = std::sqrt((sum2 / n - mean * mean) / n);
    EXPECT_NEAR(mean, mean_ref, 4 * sem) << t << " MeV";
  }
}

}  // namespace
}  // namespace gpudose
