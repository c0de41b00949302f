// Emission kinematics of photoelectrons and pair electrons/positrons (kernels/charged_emission.hh)
// against their analytic laws: chi-square of sampled histograms and means against numerical or
// closed-form integrals. Each test also shows that a nearby wrong law is rejected by far, so the
// checks can fail.
#include "kernels/charged_emission.hh"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "kernels/constants.hh"
#include "kernels/philox.hh"
#include "tests/transport/chi_square.hh"

namespace gpudose {
namespace {

constexpr std::size_t kBins = 40;
constexpr int kSamples = 400000;

std::size_t bin_of(double x, double a, double b, std::size_t bins) {
  const double f = (x - a) / (b - a);
  std::size_t i = f <= 0 ? 0 : static_cast<std::size_t>(f * bins);
  return i >= bins ? bins - 1 : i;
}

// Simpson integral of f on [a, b] (n even panels).
template <class F>
double simpson(const F& f, double a, double b, int n = 20000) {
  const double h = (b - a) / n;
  double s = f(a) + f(b);
  for (int i = 1; i < n; ++i) s += (i % 2 ? 4 : 2) * f(a + i * h);
  return s * h / 3;
}

// Sauter (1931) K-shell photoelectron law written out here from the textbook form
// dsigma/dOmega ~ sin^2 / (1 - beta cos)^4 [1 + gamma (gamma-1)(gamma-2)(1 - beta cos)/2],
// independently of the kernel's nu-form.
double sauter_reference(double t, double c) {
  const double g = 1.0 + t / kElectronMassMeV;
  const double beta = std::sqrt(1.0 - 1.0 / (g * g));
  const double d = 1.0 - beta * c;
  return (1.0 - c * c) / std::pow(d, 4) * (1.0 + 0.5 * g * (g - 1.0) * (g - 2.0) * d);
}

TEST(Sauter, CosineHistogramAndMeanMatchTheAnalyticLaw) {
  for (double t : {0.01, 0.1, 1.0}) {
    RngStream rng(21, 0, static_cast<std::uint64_t>(t * 1e4));
    std::vector<double> counts(kBins, 0);
    double sum = 0, sum2 = 0;
    for (int i = 0; i < kSamples; ++i) {
      const double c = sample_sauter_cos(t, rng);
      ASSERT_GE(c, -1.0);
      ASSERT_LE(c, 1.0);
      counts[bin_of(c, -1.0, 1.0, kBins)] += 1;
      sum += c;
      sum2 += c * c;
    }
    const auto law = [t](double c) { return sauter_reference(t, c); };
    const auto probs = test::bin_probabilities(law, -1.0, 1.0, kBins);
    const double chi2 = test::chi_square(counts, probs);
    EXPECT_LT(chi2, test::chi_square_bound(kBins)) << t << " MeV";
    // The kernel's unnormalised density is the same law.
    for (double c : {-0.9, -0.3, 0.2, 0.7, 0.95}) {
      EXPECT_NEAR(sauter_density(t, c) / sauter_density(t, 0.5),
                  sauter_reference(t, c) / sauter_reference(t, 0.5), 1e-9);
    }
    // Mean cosine vs the numerical integral, within 4 standard errors.
    const double mean = sum / kSamples;
    const double sigma = std::sqrt((sum2 / kSamples - mean * mean) / kSamples);
    const double expected =
        simpson([&](double c) { return c * law(c); }, -1.0, 1.0) / simpson(law, -1.0, 1.0);
    EXPECT_NEAR(mean, expected, 4 * sigma) << t << " MeV";
    std::printf(
        "Sauter T = %.3g MeV: <cos> sampled %.5f +- %.5f, integral %.5f, chi2 %.1f (%zu bins)\n", t,
        mean, sigma, expected, chi2, kBins);
    // A wrong law, the same shape at twice the energy (or plain dipole sin^2 at 10 keV), is
    // rejected by far.
    const auto wrong = test::bin_probabilities(
        [t](double c) { return t < 0.05 ? 1.0 - c * c : sauter_reference(2 * t, c); }, -1.0, 1.0,
        kBins);
    const double chi2_wrong = test::chi_square(counts, wrong);
    std::printf("  chi2 against the wrong law: %.0f (bound %.1f)\n", chi2_wrong,
                test::chi_square_bound(kBins));
    EXPECT_GT(chi2_wrong, 10 * test::chi_square_bound(kBins)) << t;
  }
}

TEST(Sauter, ForwardPeakingGrowsWithEnergy) {
  // <cos theta> rises toward 1 with energy (Sauter's aberration of the dipole law).
  double last = -1;
  for (double t : {0.001, 0.01, 0.1, 1.0, 10.0}) {
    const auto law = [t](double c) { return sauter_reference(t, c); };
    const double m = simpson([&](double c) { return c * law(c); }, -1.0, 1.0, 200000) /
                     simpson(law, -1.0, 1.0, 200000);
    EXPECT_GT(m, last) << t;
    last = m;
    RngStream rng(22, 0, static_cast<std::uint64_t>(t * 1e4));
    double sum = 0;
    for (int i = 0; i < 100000; ++i) sum += sample_sauter_cos(t, rng);
    EXPECT_NEAR(sum / 100000, m, 0.01) << t;
  }
}

// --- pair production -------------------------------------------------------------------------

// The sharing law written out here from PENELOPE-2018 Eqs. (Sec. 2.4.1), with the Coulomb
// correction f_C from its defining series a^2 sum 1/(n (n^2 + a^2)) (not the kernel's fit) and
// Schiff's functions in their textbook form.
double pair_reference(double e, double eps, double zeq) {
  const double kappa = e / kElectronMassMeV;
  if (eps < 1 / kappa || eps > 1 - 1 / kappa) return 0;
  const double a = zeq / 137.035999084;
  double fc = 0;
  for (int n = 1; n < 100000; ++n) fc += 1.0 / (n * (double(n) * n + a * a));
  fc *= a * a;
  const double t = std::sqrt(2 / kappa);
  const double f0 = (-1.774 - 12.10 * a + 11.18 * a * a) * t +
                    (8.523 + 73.26 * a - 44.41 * a * a) * t * t -
                    (13.52 + 121.1 * a - 96.41 * a * a) * t * t * t +
                    (8.946 + 62.05 * a - 63.41 * a * a) * t * t * t * t;
  const double r = pair_screening_radius(static_cast<int>(zeq + 0.25));
  const double g0 = 4 * std::log(r) - 4 * fc + f0;
  const double b = r / (2 * kappa * eps * (1 - eps));
  const double at = std::atan(1 / b);
  const double c = 4 - 4 * b * at - 3 * std::log(1 + 1 / (b * b));
  const double g1 = 7.0 / 3 - 2 * std::log(1 + b * b) - 6 * b * at - b * b * c;
  const double g2 = 11.0 / 6 - 2 * std::log(1 + b * b) - 3 * b * at + b * b * c / 2;
  return 2 * (0.5 - eps) * (0.5 - eps) * std::max(g1 + g0, 0.0) + std::max(g2 + g0, 0.0);
}

TEST(PairProduction, ScreeningFunctionsHaveTheirLimits) {
  double g1, g2;
  pair_screening_functions(1e-6, &g1, &g2);  // complete screening
  EXPECT_NEAR(g1, 7.0 / 3.0, 1e-4);
  EXPECT_NEAR(g2, 11.0 / 6.0, 1e-4);
  pair_screening_functions(300.0, &g1, &g2);  // no screening: -2 - 2 ln b^2 + O(1/b^2)
  EXPECT_NEAR(g1, -2.0 - 2.0 * std::log(300.0 * 300.0), 1e-3);
  EXPECT_NEAR(g2, -2.0 - 2.0 * std::log(300.0 * 300.0), 1e-3);
  // f_C: the kernel's fit against the defining series, Z = 8 and 82.
  for (double z : {8.0, 82.0}) {
    const double a = z / 137.035999084;
    double fc = 0;
    for (int n = 1; n < 100000; ++n) fc += 1.0 / (n * (double(n) * n + a * a));
    EXPECT_NEAR(pair_coulomb_correction(z), a * a * fc, 2e-4 * a * a * fc + 1e-7) << z;
  }
}

TEST(PairProduction, WaterEffectiveZFromTheLibraryComposition) {
  // Water in the library's layout: atoms per gram x 1e-24 of H and O.
  const double a_h = 1.00794, a_o = 15.9994;
  const double n[2] = {0.111894 * kAvogadro * 1e-24 / a_h, 0.888106 * kAvogadro * 1e-24 / a_o};
  const int offset[2] = {0, 2}, element[2] = {0, 1}, z[2] = {1, 8};
  PhotonTablesView t;
  t.num_media = 1;
  t.medium_element_offset = offset;
  t.medium_element = element;
  t.medium_atoms = n;
  t.num_elements = 2;
  t.element_z = z;
  const double zeq = pair_effective_z(t, 0);
  EXPECT_NEAR(zeq, 0.111894 + 8 * 0.888106, 1e-9);
  const PairMedium m = make_pair_medium(zeq);
  EXPECT_DOUBLE_EQ(m.r, pair_screening_radius(7));  // int(7.217 + 0.25) = 7
  EXPECT_NEAR(m.r, 57.524, 1e-9);
}

TEST(PairProduction, SharingHistogramMatchesScreenedBetheHeitler) {
  const PairMedium water = make_pair_medium(kWaterPairZeq);
  for (double e : {2.0, 10.0}) {
    const double lo = kElectronMassMeV / e, hi = 1 - lo;
    RngStream rng(23, 0, static_cast<std::uint64_t>(e * 100));
    std::vector<double> counts(kBins, 0);
    double sum = 0, below = 0;
    for (int i = 0; i < kSamples; ++i) {
      const double eps = sample_pair_sharing(e, water, rng);
      ASSERT_GE(eps, lo);
      ASSERT_LE(eps, hi);
      counts[bin_of(eps, lo, hi, kBins)] += 1;
      sum += eps;
      below += eps < 0.5;
    }
    const auto law = [e](double x) { return pair_reference(e, x, kWaterPairZeq); };
    const auto probs = test::bin_probabilities(law, lo, hi, kBins);
    const double chi2 = test::chi_square(counts, probs);
    EXPECT_LT(chi2, test::chi_square_bound(kBins)) << e << " MeV";
    for (double x : {lo + 1e-3, 0.2, 0.37, 0.5}) {
      EXPECT_NEAR(pair_sharing_density(e, x, water) / pair_sharing_density(e, 0.5, water),
                  law(x) / law(0.5), 1e-4)
          << e << " " << x;
    }
    // The law is symmetric in eps <-> 1 - eps (electron and positron alike): mean 1/2 and half
    // the pairs below 1/2, within 4 standard errors (binomial / uniform-like spread).
    const double mean = sum / kSamples;
    EXPECT_NEAR(mean, 0.5, 4 * (hi - lo) / std::sqrt(12.0 * kSamples)) << e;
    EXPECT_NEAR(below / kSamples, 0.5, 4 * 0.5 / std::sqrt(double(kSamples))) << e;
    std::printf("pair sharing E = %.1f MeV (Zeq %.3f): <eps> %.5f, chi2 %.1f (%zu bins)\n", e,
                kWaterPairZeq, mean, chi2, kBins);
    // The old uniform sharing is rejected by far at these energies.
    const auto uniform = test::bin_probabilities([](double) { return 1.0; }, lo, hi, kBins);
    const double chi2_uniform = test::chi_square(counts, uniform);
    std::printf("  chi2 against uniform sharing: %.0f (bound %.1f)\n", chi2_uniform,
                test::chi_square_bound(kBins));
    EXPECT_GT(chi2_uniform, 10 * test::chi_square_bound(kBins)) << e;
  }
}

TEST(PairProduction, SharingIsUniformBelowPenelopesThreshold) {
  const PairMedium water = make_pair_medium(kWaterPairZeq);
  const double e = 1.05, lo = kElectronMassMeV / e, hi = 1 - lo;
  RngStream rng(24, 0, 0);
  std::vector<double> counts(kBins, 0);
  for (int i = 0; i < 100000; ++i)
    counts[bin_of(sample_pair_sharing(e, water, rng), lo, hi, kBins)] += 1;
  const auto uniform = test::bin_probabilities([](double) { return 1.0; }, lo, hi, kBins);
  EXPECT_LT(test::chi_square(counts, uniform), test::chi_square_bound(kBins));
}

TEST(PairProduction, SharingStaysInRangeForEveryElementAndEnergy) {
  // phi1(1/2), phi2(1/2) > 0 for Z = 1-99 from 1.1 to 10 MeV (the rejection then terminates).
  RngStream rng(26, 0, 0);
  for (int z = 1; z <= 99; ++z) {
    const PairMedium m = make_pair_medium(z);
    for (double e : {1.1, 1.2, 1.5, 3.0, 10.0}) {
      const double kappa = e / kElectronMassMeV;
      double g1, g2;
      pair_screening_functions(2 * m.r / kappa, &g1, &g2);
      const double g0 = m.g0_high + pair_low_energy_correction(kappa, z);
      EXPECT_GT(g1 + g0, 0) << z << " " << e;
      EXPECT_GT(g2 + g0, 0) << z << " " << e;
      for (int i = 0; i < 200; ++i) {
        const double eps = sample_pair_sharing(e, m, rng);
        ASSERT_GE(eps, 1 / kappa);
        ASSERT_LE(eps, 1 - 1 / kappa);
      }
    }
  }
}

TEST(PairProduction, AngleHistogramAndMeanMatchLeadingSauterGlucksternHull) {
  for (double t : {0.3, 1.0, 5.0}) {
    const double beta = std::sqrt(t * (t + 2 * kElectronMassMeV)) / (t + kElectronMassMeV);
    RngStream rng(25, 0, static_cast<std::uint64_t>(t * 100));
    std::vector<double> counts(kBins, 0);
    double sum = 0, sum2 = 0;
    for (int i = 0; i < kSamples; ++i) {
      const double c = sample_pair_angle(t, rng);
      ASSERT_GE(c, -1.0);
      ASSERT_LE(c, 1.0);
      counts[bin_of(c, -1.0, 1.0, kBins)] += 1;
      sum += c;
      sum2 += c * c;
    }
    const auto law = [beta](double c) { return 1.0 / ((1 - beta * c) * (1 - beta * c)); };
    const auto probs = test::bin_probabilities(law, -1.0, 1.0, kBins);
    const double chi2 = test::chi_square(counts, probs);
    EXPECT_LT(chi2, test::chi_square_bound(kBins)) << t << " MeV";
    // <cos> = 1/beta - (1 - beta^2) ln((1 + beta)/(1 - beta)) / (2 beta^2) in closed form.
    const double expected =
        1 / beta - (1 - beta * beta) * std::log((1 + beta) / (1 - beta)) / (2 * beta * beta);
    const double mean = sum / kSamples;
    const double sigma = std::sqrt((sum2 / kSamples - mean * mean) / kSamples);
    EXPECT_NEAR(mean, expected, 4 * sigma) << t << " MeV";
    std::printf(
        "pair angle T = %.2f MeV: <cos> sampled %.5f +- %.5f, closed form %.5f, chi2 %.1f\n", t,
        mean, sigma, expected, chi2);
    // Emission along the photon (the old simplification) or isotropic emission fail by far.
    const auto iso = test::bin_probabilities([](double) { return 1.0; }, -1.0, 1.0, kBins);
    const double chi2_iso = test::chi_square(counts, iso);
    std::printf("  chi2 against isotropic emission: %.0f (bound %.1f)\n", chi2_iso,
                test::chi_square_bound(kBins));
    EXPECT_GT(chi2_iso, 10 * test::chi_square_bound(kBins)) << t;
    EXPECT_LT(mean, 0.999) << t;
  }
}

}  // namespace
}  // namespace gpudose
