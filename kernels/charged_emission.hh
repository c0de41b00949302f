// Emission kinematics of the charged particles photons set in motion: the photoelectron's polar
// angle and the energy sharing and polar angles of a pair electron and positron. Portable
// (GD_HOST_DEVICE), no tables beyond two small per-element constants.
//
// Photoelectron (sample_sauter_cos): Sauter's (1931) K-shell distribution, in the form and with
// the sampling algorithm of PENELOPE-2018 (F. Salvat, NEA/MBDAV/R(2019)1, Sec. 2.2, also used by
// EGSnrc): with beta, gamma of the photoelectron and nu = 1 - cos(theta), A = 1/beta - 1,
//   p(nu) ~ (2 - nu) nu / (A + nu)^3 * [1/(A + nu) + B],   B = beta gamma (gamma-1)(gamma-2)/2,
// which is dsigma/dOmega ~ sin^2 / (1 - beta cos)^4 [1 + gamma(gamma-1)(gamma-2)(1 - beta cos)/2].
// nu is drawn from nu/(A + nu)^3 by inversion and accepted with g(nu) = (2 - nu)(1/(A+nu) + B)
// over g(0) (g decreases on [0, 2] for every gamma >= 1). Used for every shell, as PENELOPE does:
// a named approximation (the distribution of L and outer shells is not Sauter's, but their
// photoelectrons are slow, with ranges far below a voxel).
//
// Pair production (sample_pair_sharing): PENELOPE-2018 Sec. 2.4.1 (Baro et al., Radiat. Phys.
// Chem. 44 (1994) 531): Bethe-Heitler cross section for an exponentially screened field with the
// Davies-Bethe-Maximon Coulomb correction f_C and the empirical low-energy correction F0(kappa,Z):
//   dsigma/deps ~ 2 (1/2 - eps)^2 phi1(eps) + phi2(eps),  eps = (E_- + m c^2) / E in
//   [1/kappa, 1 - 1/kappa], kappa = E / m c^2,
//   phi1 = g1(b) + g0, phi2 = g2(b) + g0, g0 = 4 ln(R m c / hbar) - 4 f_C(Z) + F0(kappa, Z),
//   b = (R m c / hbar) / (2 kappa eps (1 - eps)),
// with Schiff's screening functions g1, g2 of the exponential screening model, R the screening
// radius of Hubbell, Gimm and Overbo (J. Phys. Chem. Ref. Data 9 (1980) 1023) as tabulated in
// PENELOPE (array RSCR), negative phi clipped to 0, and eps uniform below E = 1.1 MeV (where F0 is
// not reliable), all as PENELOPE does. For a compound, Z is PENELOPE's effective atomic number
// Zeq = sum_i w_i Z_i (w_i mass fractions; subroutine GPPa0) and R that of the element
// int(Zeq + 0.25). Triplet production (pair in an atomic electron's field) uses the same sharing
// and angles and leaves the recoil electron's energy with the pair: a named simplification (the
// triplet is < 10 % of pair production in tissue at 10 MeV, and its recoil electron is slow).
//
// Pair angles (sample_pair_angle): the leading term of the high-energy Sauter-Gluckstern-Hull
// distribution, p(cos) ~ (1 - beta cos)^-2 with beta of the particle (PENELOPE-2018 Sec. 2.4.1),
// sampled exactly as the aberration of an isotropic direction, cos = (z + beta) / (1 + beta z)
// with z uniform in [-1, 1]; electron and positron independently, azimuths independent.
#pragma once

#include <cmath>

#include "kernels/atomic_weights.hh"
#include "kernels/constants.hh"
#include "kernels/photon_physics.hh"
#include "kernels/photon_tables.hh"
#include "kernels/portability.hh"

namespace gpudose {

// Below this photon energy PENELOPE shares E - 2 m c^2 uniformly (F0 is fitted above it).
constexpr double kPairUniformBelowMeV = 1.1;

// beta = v/c of a particle of kinetic energy t (MeV) and rest energy m c^2 = kElectronMassMeV.
GD_HOST_DEVICE GD_FORCEINLINE double electron_beta(double t_mev) {
  return sqrt(t_mev * (t_mev + 2.0 * kElectronMassMeV)) / (t_mev + kElectronMassMeV);
}

// ---------------------------------------------------------------------------- photoelectron --

// Sauter's distribution in cos(theta) (unnormalised; the sampler's target, for tests).
GD_HOST_DEVICE inline double sauter_density(double t_mev, double cos_theta) {
  const double gamma = 1.0 + t_mev / kElectronMassMeV;
  const double beta = electron_beta(t_mev);
  const double d = 1.0 - beta * cos_theta;
  return (1.0 - cos_theta * cos_theta) / (d * d * d * d) *
         (1.0 + 0.5 * gamma * (gamma - 1.0) * (gamma - 2.0) * d);
}

// Polar cosine of a photoelectron of kinetic energy t_mev relative to the photon direction.
template <class Rng>
GD_HOST_DEVICE double sample_sauter_cos(double t_mev, Rng& rng) {
  const double gamma = 1.0 + t_mev / kElectronMassMeV;
  // beta >= 1e-4 (T >= 2.6 meV) keeps A finite; the law is then sin^2 to 1e-4 anyway.
  const double beta = fmax(electron_beta(t_mev), 1e-4);
  const double a = 1.0 / beta - 1.0;
  const double b = 0.5 * beta * gamma * (gamma - 1.0) * (gamma - 2.0);
  const double g_max = 2.0 * (1.0 / a + b);
  for (;;) {
    // Inverse of the cumulative nu^2 / (2 A (A + nu)^2) of nu / (A + nu)^3 on [0, 2].
    const double s = sqrt(rng.uniform());
    const double nu = 2.0 * a * s / (a + 2.0 - 2.0 * s);
    const double g = (2.0 - nu) * (1.0 / (a + nu) + b);
    if (rng.uniform() * g_max <= g) return 1.0 - nu;
  }
}

// ------------------------------------------------------------------------- pair production --

// Screening radius R in units of hbar / (m c) for element z (1..99): Hubbell, Gimm and Overbo
// (1980) as tabulated in PENELOPE-2018 (RSCR).
GD_CONSTANT_TABLE(double, kPairScreeningRadius, 99, 122.81, 73.167, 69.228, 67.301, 64.696, 61.228,
                  57.524, 54.033, 50.787, 47.851, 46.373, 45.401, 44.503, 43.815, 43.074, 42.321,
                  41.586, 40.953, 40.524, 40.256, 39.756, 39.144, 38.462, 37.778, 37.174, 36.663,
                  35.986, 35.317, 34.688, 34.197, 33.786, 33.422, 33.068, 32.74, 32.438, 32.143,
                  31.884, 31.622, 31.438, 31.142, 30.95, 30.758, 30.561, 30.285, 30.097, 29.832,
                  29.581, 29.411, 29.247, 29.085, 28.93, 28.721, 28.58, 28.442, 28.312, 28.139,
                  27.973, 27.819, 27.675, 27.496, 27.285, 27.093, 26.911, 26.705, 26.516, 26.304,
                  26.108, 25.929, 25.73, 25.577, 25.403, 25.245, 25.1, 24.941, 24.79, 24.655,
                  24.506, 24.391, 24.262, 24.145, 24.039, 23.922, 23.813, 23.712, 23.621, 23.523,
                  23.43, 23.331, 23.238, 23.139, 23.048, 22.967, 22.833, 22.694, 22.624, 22.545,
                  22.446, 22.358, 22.264)

// R for element z; outside 1..99 the nearest end.
GD_HOST_DEVICE inline double pair_screening_radius(int z) {
  const int i = z < 1 ? 0 : (z > 99 ? 98 : z - 1);
  return GD_TABLE(kPairScreeningRadius)[i];
}

// Davies-Bethe-Maximon Coulomb correction f_C(Z), a = alpha Z (PENELOPE-2018 Sec. 2.4.1):
// the series a^2 sum_n 1/(n (n^2 + a^2)) in its usual four-term approximation.
GD_HOST_DEVICE inline double pair_coulomb_correction(double z) {
  const double a2 = (kFineStructure * z) * (kFineStructure * z);
  return a2 * (1.0 / (1.0 + a2) + 0.20206 - 0.0369 * a2 + 0.0083 * a2 * a2 - 0.002 * a2 * a2 * a2);
}

// Empirical low-energy correction F0(kappa, Z) of Baro et al. (1994), a polynomial in
// sqrt(2/kappa) with coefficients quadratic in a = alpha Z, as evaluated by PENELOPE-2018's
// pair sampler (GPPa).
GD_HOST_DEVICE inline double pair_low_energy_correction(double kappa, double z) {
  const double a = kFineStructure * z;
  const double t = sqrt(2.0 / kappa);
  const double t2 = t * t;
  return (-1.774 - 12.10 * a + 11.18 * a * a) * t + (8.523 + 73.26 * a - 44.41 * a * a) * t2 -
         (13.52 + 121.1 * a - 96.41 * a * a) * t2 * t +
         (8.946 + 62.05 * a - 63.41 * a * a) * t2 * t2;
}

// Schiff's screening functions of the exponentially screened field: g1(b), g2(b), with the
// limits 7/3, 11/6 at b -> 0 (complete screening) and -2 - 2 ln(b^2) at b -> inf (none).
GD_HOST_DEVICE inline void pair_screening_functions(double b, double* g1, double* g2) {
  const double b2 = b * b;
  const double atn = b * atan(1.0 / b);  // b arctan(1/b)
  const double l = log(1.0 + b2);
  const double c = 4.0 - 4.0 * atn - 3.0 * log(1.0 + 1.0 / b2);
  *g1 = 7.0 / 3.0 - 2.0 * l - 6.0 * atn - b2 * c;
  *g2 = 11.0 / 6.0 - 2.0 * l - 3.0 * atn + 0.5 * b2 * c;
}

// Zeq of liquid water (H 0.111894, O 0.888106 by mass).
constexpr double kWaterPairZeq = 0.111894 * 1 + 0.888106 * 8;

// The medium constants of the sharing law (PENELOPE's GPPa0): Zeq, R and 4 ln R - 4 f_C(Zeq).
struct PairMedium {
  double zeq;      // effective atomic number
  double r;        // screening radius R m c / hbar of element int(Zeq + 0.25)
  double g0_high;  // 4 ln R - 4 f_C(Zeq): g0 without the low-energy correction F0
};

GD_HOST_DEVICE inline PairMedium make_pair_medium(double zeq) {
  PairMedium m;
  m.zeq = zeq;
  m.r = pair_screening_radius(static_cast<int>(zeq + 0.25));
  m.g0_high = 4.0 * log(m.r) - 4.0 * pair_coulomb_correction(zeq);
  return m;
}

// The density of eps that sample_pair_sharing draws (unnormalised), for tests: uniform below
// 1.1 MeV, else 2 (1/2 - eps)^2 max(phi1, 0) + max(phi2, 0).
GD_HOST_DEVICE inline double pair_sharing_density(double e_mev, double eps, const PairMedium& m) {
  const double eki = kElectronMassMeV / e_mev;
  if (eps < eki || eps > 1.0 - eki) return 0.0;
  if (e_mev < kPairUniformBelowMeV) return 1.0;
  const double g0 = m.g0_high + pair_low_energy_correction(1.0 / eki, m.zeq);
  double g1, g2;
  pair_screening_functions(0.5 * m.r * eki / (eps * (1.0 - eps)), &g1, &g2);
  const double x = 0.5 - eps;
  return 2.0 * x * x * fmax(g1 + g0, 0.0) + fmax(g2 + g0, 0.0);
}

// Reduced energy eps = (E_- + m c^2) / E of the pair electron for a photon of e_mev (> 2 m c^2);
// the positron gets (1 - eps) E. Composition: p = 2 (1/2 - eps)^2 phi1 + phi2 is the mixture of
// (1/2 - eps)^2 (drawn by inversion) weighted by (2/3) phi1(1/2) x^2 and the uniform law
// weighted by phi2(1/2), x = 1/2 - 1/kappa; each branch is accepted with phi_i(eps)/phi_i(1/2)
// (phi_i is largest at eps = 1/2, where b is smallest). PENELOPE-2018 Sec. 2.4.1.
template <class Rng>
GD_HOST_DEVICE double sample_pair_sharing(double e_mev, const PairMedium& m, Rng& rng) {
  const double eki = kElectronMassMeV / e_mev;
  const double x = 0.5 - eki;
  if (e_mev < kPairUniformBelowMeV) return eki + 2.0 * x * rng.uniform();
  const double g0 = m.g0_high + pair_low_energy_correction(1.0 / eki, m.zeq);
  const double half_r_eki = 0.5 * m.r * eki;
  double g1, g2;
  pair_screening_functions(4.0 * half_r_eki, &g1, &g2);  // b at eps = 1/2
  const double phi1_max = g1 + g0, phi2_max = g2 + g0;
  // Both are positive above 1.1 MeV for every Z (F0 sees to it near threshold); the guard only
  // keeps a degenerate input from looping forever.
  if (!(phi1_max > 0 && phi2_max > 0)) return eki + 2.0 * x * rng.uniform();
  const double w1 = 2.0 / 3.0 * phi1_max * x * x;
  const double p1 = w1 / (w1 + phi2_max);
  for (;;) {
    if (rng.uniform() <= p1) {
      const double u = 2.0 * rng.uniform() - 1.0;
      const double eps = u < 0 ? 0.5 - x * cbrt(-u) : 0.5 + x * cbrt(u);
      pair_screening_functions(half_r_eki / (eps * (1.0 - eps)), &g1, &g2);
      if (rng.uniform() * phi1_max <= fmax(g1 + g0, 0.0)) return eps;
    } else {
      const double eps = eki + 2.0 * x * rng.uniform();
      pair_screening_functions(half_r_eki / (eps * (1.0 - eps)), &g1, &g2);
      if (rng.uniform() * phi2_max <= fmax(g2 + g0, 0.0)) return eps;
    }
  }
}

// Polar cosine of a pair electron or positron of kinetic energy t_mev relative to the photon.
template <class Rng>
GD_HOST_DEVICE double sample_pair_angle(double t_mev, Rng& rng) {
  const double beta = electron_beta(t_mev);
  const double z = 2.0 * rng.uniform() - 1.0;
  return (z + beta) / (1.0 + beta * z);
}

// --------------------------------------------------------------- medium effective Z (Zeq) --

// PENELOPE's Zeq = sum_i w_i Z_i of catalog medium m from the library's composition (atoms per
// gram n_i, so w_i ~ n_i A_i).
GD_HOST_DEVICE inline double pair_effective_z(const PhotonTablesView& t, int m) {
  double mass = 0, mass_z = 0;
  for (int k = t.medium_element_offset[m]; k < t.medium_element_offset[m + 1]; ++k) {
    const int z = t.element_z[t.medium_element[k]];
    const double a = standard_atomic_weight(z);
    // No library holds other elements; A/Z ~ 2.5 for heavy ones.
    const double w = t.medium_atoms[k] * (a > 0 ? a : 2.5 * z);
    mass += w;
    mass_z += w * z;
  }
  return mass > 0 ? mass_z / mass : kWaterPairZeq;
}

// The pair medium of phantom medium `medium` for the transport's physics: the library's
// composition for PhotonTablesPhysics; physics models without composition (the tests' toy
// physics) share as in water.
GD_HOST_DEVICE inline PairMedium pair_medium_of(const PhotonTablesPhysics& p, int medium) {
  return make_pair_medium(pair_effective_z(p.t, p.catalog_medium[medium]));
}
template <class Physics>
GD_HOST_DEVICE PairMedium pair_medium_of(const Physics&, int) {
  return make_pair_medium(kWaterPairZeq);
}

}  // namespace gpudose
