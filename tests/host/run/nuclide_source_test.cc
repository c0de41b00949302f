// kernels/emission_spectrum.hh and host/run/nuclide_source.hh: the sampled channels and beta
// energies follow the nuclide's emissions (chi-square against the exact laws), and the per-decay
// bookkeeping matches ICRP 107 (ICRP-07.NDX energies per transformation).
#include "host/run/nuclide_source.hh"

#include <gtest/gtest.h>

#include <cmath>
#include <filesystem>
#include <vector>

#include "host/foundation/user_error.hh"
#include "kernels/constants.hh"
#include "kernels/philox.hh"
#include "tests/transport/chi_square.hh"

namespace gpudose {
namespace {

std::string decay_dir() { return std::string(GPUDOSE_TEST_DATA_DIR) + "/decay-data/icrp107"; }

#define SKIP_WITHOUT_DECAY_DATA()                                                         \
  if (!std::filesystem::exists(decay_dir() + "/ICRP-07.NDX")) {                           \
    GTEST_SKIP() << "no ICRP 107 decay data in " << decay_dir() << " (set GPUDOSE_DATA)"; \
  }

// A synthetic nuclide: two lines and a triangular beta spectrum f(E) = E on [0, 1] MeV plus a
// decreasing segment: every law is known exactly.
NuclideEmissions synthetic() {
  NuclideEmissions n;
  n.name = "Xx-1";
  n.lines = {{EmissionKind::gamma, 0.5, 0.6},
             {EmissionKind::auger, 0.02, 0.3},
             {EmissionKind::alpha, 5.0, 0.1},
             {EmissionKind::neutron, 1.0, 0.05},
             {EmissionKind::beta_minus_mean, 0.6, 0.9}};
  n.beta_spectrum = {{0.0, 0.0}, {1.0, 1.0}, {1.5, 0.2}, {2.0, 0.0}};
  return n;
}

TEST(NuclideSource, ChannelsAndBetaEnergiesFollowTheEmissions) {
  const NuclideSource src(synthetic(), 20.0);
  const EmissionSpectrumView v = src.view();
  ASSERT_EQ(v.n_channels, 3u);  // gamma, Auger, beta (alpha local, neutron excluded)
  ASSERT_EQ(v.n_lines, 2u);
  // Beta count: 0.5 + 0.3 + 0.05 = 0.85 per decay; channels by yield.
  const double beta_count = 0.5 * 1.0 + 0.5 * 0.5 * 1.2 + 0.5 * 0.5 * 0.2;
  EXPECT_NEAR(src.particles_per_decay(), 0.6 + 0.3 + beta_count, 1e-12);
  EXPECT_NEAR(src.local_mev_per_decay(), 0.5, 1e-12);
  EXPECT_NEAR(src.excluded_neutron_mev_per_decay(), 0.05, 1e-12);
  // Energy: lines 0.3 + 0.006 + alpha 0.5 + beta first moment of the piecewise-linear law.
  const double beta_mev = 1.0 / 3 +
                          0.5 * (1.0 * 1.0 / 3 + 1.0 * 0.2 / 6 + 1.5 * 1.0 / 6 + 1.5 * 0.2 / 3) +
                          0.5 * (1.5 * 0.2 / 3 + 1.5 * 0.0 / 6 + 2.0 * 0.2 / 6);
  EXPECT_NEAR(src.emitted_mev_per_decay(), 0.3 + 0.006 + 0.5 + beta_mev, 1e-12);

  const int n = 400000;
  RngStream rng(7, 1, 0);
  std::vector<double> channel(3, 0), beta_bins(40, 0);
  for (int i = 0; i < n; ++i) {
    double e = 0;
    const double u1 = rng.uniform(), u2 = rng.uniform();
    const int particle = v.sample(u1, u2, &e);
    if (e == 0.5 && particle == 0) {
      channel[0] += 1;
    } else if (e == 0.02 && particle == 1) {
      channel[1] += 1;
    } else {
      ASSERT_EQ(particle, 1);
      ASSERT_TRUE(e >= 0 && e <= 2.0) << e;
      channel[2] += 1;
      beta_bins[std::min<std::size_t>(39, static_cast<std::size_t>(e / 0.05))] += 1;
    }
  }
  const double y = src.particles_per_decay();
  const std::vector<double> p_channel = {0.6 / y, 0.3 / y, beta_count / y};
  EXPECT_LT(test::chi_square(channel, p_channel), test::chi_square_bound(3));
  const auto density = [](double e) {
    if (e <= 1.0) return e;
    if (e <= 1.5) return 1.0 - 1.6 * (e - 1.0);
    return 0.2 - 0.4 * (e - 1.5);
  };
  const std::vector<double> p_beta = test::bin_probabilities(density, 0.0, 2.0, 40);
  const double chi2 = test::chi_square(beta_bins, p_beta);
  EXPECT_LT(chi2, test::chi_square_bound(40)) << "beta energies off their spectrum";
}

TEST(NuclideSource, PerDecayEnergyMatchesIcrp107Index) {
  SKIP_WITHOUT_DECAY_DATA();
  const NdxTable ndx = read_ndx(decay_dir());
  // Lu-177 (beta-), I-131, Tc-99m (IC/Auger + gamma), F-18 (pure beta+), Cu-64 (beta- and
  // beta+), Ra-223 (alpha chain member).
  for (const char* name : {"Lu-177", "I-131", "Tc-99m", "F-18", "Cu-64", "Ra-223", "Y-90"}) {
    const NuclideEmissions n = read_nuclide(decay_dir(), name, ndx);
    const NuclideSource src(n, 20.0);
    const double index = n.ndx.alpha_mev + n.ndx.electron_mev + n.ndx.photon_mev;
    // Energy emitted per decay = ICRP-07.NDX's alpha + electron + photon energy (the fission
    // fragments excepted, none here), to the spectrum's integration accuracy.
    EXPECT_NEAR(src.emitted_mev_per_decay() / index, 1.0, 0.005) << name;
  }
  const NuclideSource f18(read_nuclide(decay_dir(), "F-18", ndx), 20.0);
  EXPECT_EQ(f18.view().beta_particle, 2) << "F-18 is a pure beta+ emitter";
  for (std::uint32_t i = 0; i < f18.view().n_lines; ++i) {
    EXPECT_NE(f18.line_energy()[i], 0.511) << "annihilation lines are made by the transport";
  }
  const NuclideSource cu64(read_nuclide(decay_dir(), "Cu-64", ndx), 20.0);
  EXPECT_EQ(cu64.view().beta_particle, 1) << "Cu-64 has both branches: electrons";
  bool annihilation = false;
  for (double e : cu64.line_energy()) annihilation |= std::fabs(e - 0.511) < 1e-3;
  EXPECT_TRUE(annihilation) << "Cu-64 keeps its annihilation lines";
  const NuclideSource ra(read_nuclide(decay_dir(), "Ra-223", ndx), 20.0);
  EXPECT_GT(ra.local_mev_per_decay(), 5.0) << "Ra-223's alpha and recoil are local";
  // Above the tables: refused, naming the emission.
  try {
    const NuclideSource low(read_nuclide(decay_dir(), "Y-90", ndx), 1.0);
    FAIL() << "Y-90 above a 1 MeV table accepted";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("above the physics tables"), std::string::npos)
        << e.what();
  }
}

}  // namespace
}  // namespace gpudose
