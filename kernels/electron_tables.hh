// Read-only electron/positron tables as the transport sees them: a POD view over flat arrays,
// usable on the host and on the device (GD_HOST_DEVICE accessors, no std containers).
//
// The arrays are built on the host by physics-data/electron_library.{hh,cc} (which documents the
// physics and the sources) and either used in place (CPU back end) or copied to the device with
// the same layout (pointers replaced by device pointers).
//
// Layout (all double, linear quantities at the medium's nominal density):
//   energy grid: n_energy points uniform in ln T from T_0 = exp(log_e0) (kinetic energy, MeV);
//   per-quantity table q[(particle * n_media + medium) * n_energy + i], particle 0 = electron,
//   1 = positron (index with electron_table_index());
//   brems_cdf[(medium * n_energy + i) * n_kappa + k]: cumulative distribution of the hard
//   bremsstrahlung photon energy k (0 at k = 0, 1 at k = n_kappa - 1) on nodes uniform in
//   ln(W/T) between ln(Wcr/T_i) and 0, same for electrons and positrons (see electron_library.hh).
// Interpolation: linear in ln T between grid points, log-log for the ranges (the grid has >= 100
// points per decade; tests/physics/electron_tables_test.cc measures the interpolation error
// against direct evaluation at mid-points).
// Locating an energy: the grid is exactly uniform in ln T (no inserted edge points), so
// electron_grid_pos() computes the interval directly, one log and a multiply; the general
// LogGridIndex of kernels/interpolation.hh would add a bin-table read and a scan on the hottest
// lookup for no gain. Searches in tabulated values that are not uniform (the soft-range
// inversion, the bremsstrahlung CDF) use the shared binary search search_interval().
#pragma once

#include <cmath>

#include "kernels/constants.hh"
#include "kernels/interpolation.hh"
#include "kernels/portability.hh"

namespace gpudose {

enum class ElectronQuantity : int {
  kStoppingCollision = 0,        // S_col, MeV/cm (Bethe, ICRU 37, Sternheimer delta)
  kStoppingRadiative,            // S_rad, MeV/cm (Seltzer-Berger)
  kStoppingTotal,                // S_col + S_rad, MeV/cm
  kCsdaRange,                    // integral of dT/S_tot from 0, cm
  kStoppingCollisionRestricted,  // soft collision losses W < Wcc, MeV/cm
  kStoppingRadiativeRestricted,  // soft radiative losses W < Wcr, MeV/cm
  kHardInelasticXs,              // Moller (e-) / Bhabha (e+) with W > Wcc, cm^-1
  kHardBremsXs,                  // bremsstrahlung with photon energy W > Wcr, cm^-1
  kElasticXs,                    // total elastic (ELSEPA via PENELOPE pdeel), cm^-1
  kTransportMfp1,                // lambda_1: elastic + soft inelastic (W < Wcc) deflections, cm
  kTransportMfp2,                // lambda_2: the same for the second moment, cm
  kDensityEffect,                // Sternheimer delta (dimensionless; same for e- and e+)
  kSoftRange,                    // integral of dT / (S_col,restricted + S_rad,restricted), cm
  kSoftStraggling,               // Omega^2: variance of the soft collision loss per path, MeV^2/cm
  kAnnihilationXs,               // positron two-photon annihilation in flight, cm^-1 (0 for e-)
  kCount
};

struct ElectronTablesView {
  int n_media = 0;
  int n_energy = 0;
  int n_kappa = 0;
  double log_e0 = 0;                // ln(first grid energy / MeV)
  double inv_dlog = 0;              // 1 / (ln spacing)
  double wcc_mev = 0;               // collision cut-off energy (hard Moller/Bhabha above)
  double wcr_mev = 0;               // radiative cut-off energy (hard bremsstrahlung above)
  const double* energy = nullptr;   // [n_energy], MeV
  const double* density = nullptr;  // [n_media], g/cm3
  const double* table[static_cast<int>(ElectronQuantity::kCount)] = {};  // see layout above
  const double* brems_cdf = nullptr;  // [n_media][n_energy][n_kappa]

  GD_HOST_DEVICE double emin() const { return energy[0]; }
  GD_HOST_DEVICE double emax() const { return energy[n_energy - 1]; }
};

GD_HOST_DEVICE GD_FORCEINLINE int electron_table_index(const ElectronTablesView& v, int particle,
                                                       int medium, int i) {
  return (particle * v.n_media + medium) * v.n_energy + i;
}

// Grid interval and fraction for kinetic energy t (clamped to the grid ends).
struct ElectronGridPos {
  int i = 0;        // lower grid point
  double frac = 0;  // position in [i, i+1] in ln T, 0..1
};

GD_HOST_DEVICE GD_FORCEINLINE ElectronGridPos electron_grid_pos(const ElectronTablesView& v,
                                                                double t_mev) {
  ElectronGridPos p;
  double u = (log(t_mev) - v.log_e0) * v.inv_dlog;
  if (!(u > 0)) u = 0;  // also catches NaN
  const double last = static_cast<double>(v.n_energy - 1);
  if (u >= last) u = last - 1e-12;
  p.i = static_cast<int>(u);
  if (p.i > v.n_energy - 2) p.i = v.n_energy - 2;
  p.frac = u - p.i;
  return p;
}

// Ranges grow like a power of T (R ~ T^1.7 at low energy): they are interpolated log-log, which
// is exact for a power law and keeps dR/dT continuous to ~0.1 % (linear in ln T would make the
// local slope the secant of the bin, up to 2 % off). Every other quantity: linear in ln T.
GD_HOST_DEVICE GD_FORCEINLINE bool electron_quantity_is_range(ElectronQuantity q) {
  return q == ElectronQuantity::kCsdaRange || q == ElectronQuantity::kSoftRange;
}

// Quantity q of `medium` for particle (0 e-, 1 e+) at kinetic energy t_mev.
GD_HOST_DEVICE GD_FORCEINLINE double electron_lookup(const ElectronTablesView& v,
                                                     ElectronQuantity q, int particle, int medium,
                                                     double t_mev) {
  const ElectronGridPos p = electron_grid_pos(v, t_mev);
  const double* tab = v.table[static_cast<int>(q)];
  const int base = electron_table_index(v, particle, medium, p.i);
  if (electron_quantity_is_range(q)) {
    return tab[base] * exp(p.frac * log(tab[base + 1] / tab[base]));
  }
  return tab[base] + p.frac * (tab[base + 1] - tab[base]);
}

// Kinetic energy after a path of s_cm with continuous soft losses only (class II: the
// restricted stopping powers below Wcc and Wcr), T' = R_s^-1(R_s(T) - s), by inverting the
// kSoftRange table with the same log-log interpolation law as electron_lookup (so the round trip
// is exact to rounding). Below the first grid energy R_s is taken proportional to T. Returns 0
// when s reaches the residual soft range.
GD_HOST_DEVICE inline double electron_energy_after_soft_path(const ElectronTablesView& v,
                                                             int particle, int medium, double t_mev,
                                                             double s_cm) {
  const double* r = v.table[static_cast<int>(ElectronQuantity::kSoftRange)] +
                    electron_table_index(v, particle, medium, 0);
  const double left =
      electron_lookup(v, ElectronQuantity::kSoftRange, particle, medium, t_mev) - s_cm;
  if (!(left > 0)) return 0.0;
  if (left <= r[0]) return v.energy[0] * left / r[0];
  const int top = v.n_energy - 1;
  if (left >= r[top]) return v.energy[top];
  const int lo = search_interval(r, v.n_energy, left);             // r[lo] <= left < r[lo + 1]
  const double frac = log(left / r[lo]) / log(r[lo + 1] / r[lo]);  // log-log, as the lookup
  return exp(v.log_e0 + (lo + frac) / v.inv_dlog);
}

// Samples the photon energy of a hard bremsstrahlung event (W > Wcr) of a particle of kinetic
// energy t_mev > Wcr in `medium`. u_grid picks the lower or upper grid energy with the ln T
// interpolation weight (so the spectrum shape is interpolated stochastically), u_cdf inverts
// that grid energy's cumulative distribution (uniform within a bin in ln W); both in (0, 1). The
// sampled position along the grid is mapped onto [ln(Wcr/t), 0], so W lies in [Wcr, t] exactly.
// Returns W in MeV.
GD_HOST_DEVICE inline double sample_hard_brems_energy(const ElectronTablesView& v, int medium,
                                                      double t_mev, double u_grid, double u_cdf) {
  const ElectronGridPos p = electron_grid_pos(v, t_mev);
  int i = (u_grid < p.frac) ? p.i + 1 : p.i;
  // The row of a grid energy at or below Wcr is empty: fall back to the upper neighbour.
  if (v.energy[i] <= v.wcr_mev && i + 1 < v.n_energy) i = i + 1;
  const double* cdf = v.brems_cdf + (static_cast<long>(medium) * v.n_energy + i) * v.n_kappa;
  const int lo = search_interval(cdf, v.n_kappa, u_cdf);  // largest lo with cdf[lo] <= u_cdf
  const double width = cdf[lo + 1] - cdf[lo];
  const double f = width > 0 ? (u_cdf - cdf[lo]) / width : 0.0;
  double s = (lo + f) / static_cast<double>(v.n_kappa - 1);  // 0 at the cut, 1 at W = T
  if (s > 1) s = 1;
  if (s < 0) s = 0;
  const double kappa_cut = v.wcr_mev / t_mev;
  return t_mev * exp((1.0 - s) * log(kappa_cut));
}

// Shape F(eps) of the Moller (e-) or Bhabha (e+) DCS in the fractional energy transfer
// eps = W/T, dsigma/dW ~ F(eps)/W^2, for a particle of kinetic energy t_mev on a free electron
// at rest (PENELOPE-2018 manual, Sec. 3.2; the DCS the tables integrate,
// physics-data/electron_medium_physics.hh):
//   Moller  F = 1 + (eps/(1-eps))^2 - (1-a) eps/(1-eps) + a eps^2, a = ((gamma-1)/gamma)^2,
//   Bhabha  F = 1 - b1 eps + b2 eps^2 - b3 eps^3 + b4 eps^4.
// eps_max = 1/2 for Moller (the secondary is the slower electron), 1 for Bhabha.
struct HardCollisionDcs {
  bool positron = false;
  double a = 0, b1 = 0, b2 = 0, b3 = 0, b4 = 0;

  GD_HOST_DEVICE HardCollisionDcs(double t_mev, bool is_positron) : positron(is_positron) {
    const double tau = t_mev / kElectronMassMeV;
    const double gamma = tau + 1;
    a = (tau / gamma) * (tau / gamma);
    if (positron) {
      const double gp1 = gamma + 1;
      b1 = a * (2 * gp1 * gp1 - 1) / (gamma * gamma - 1);
      b2 = a * (3 * gp1 * gp1 + 1) / (gp1 * gp1);
      b3 = a * 2 * gamma * (gamma - 1) / (gp1 * gp1);
      b4 = a * (gamma - 1) * (gamma - 1) / (gp1 * gp1);
    }
  }
  GD_HOST_DEVICE double eps_max() const { return positron ? 1.0 : 0.5; }
  GD_HOST_DEVICE double shape(double eps) const {
    if (positron) return 1 - eps * (b1 - eps * (b2 - eps * (b3 - eps * b4)));
    const double r = eps / (1 - eps);
    return 1 + r * r - (1 - a) * r + a * eps * eps;
  }
  // Bound of shape() on [0, eps_max]: 1 + 5a/4 for Moller (F <= 1 + a(eps/(1-eps)) + a eps^2
  // on eps <= 1/2) and 1 for Bhabha (checked numerically in tests/physics/electron_tables_test.cc).
  GD_HOST_DEVICE double shape_max() const { return positron ? 1.0 : 1.0 + 1.25 * a; }
};

// Energy transfer W (MeV) of a hard inelastic collision (W > wcc_mev) of an electron (Moller,
// W <= T/2) or positron (Bhabha, W <= T) of kinetic energy t_mev with a free electron at rest,
// from HardCollisionDcs: eps from 1/eps^2 on [eps_c, eps_max] by inversion, accepted with
// F / F_max.
// Precondition: wcc_mev < T/2 (e-) or < T (e+), i.e. the hard cross section is non-zero.
// Rng: any type with GD_HOST_DEVICE double uniform() in (0, 1) (e.g. RngStream).
template <class Rng>
GD_HOST_DEVICE inline double sample_hard_collision_energy(double t_mev, double wcc_mev,
                                                          bool positron, Rng& rng) {
  const HardCollisionDcs dcs(t_mev, positron);
  const double ec = wcc_mev / t_mev;
  const double emax = dcs.eps_max();
  const double fmax = dcs.shape_max();
  for (;;) {
    const double eps = ec / (1.0 - rng.uniform() * (1.0 - ec / emax));
    if (rng.uniform() * fmax <= dcs.shape(eps)) return eps * t_mev;
  }
}

}  // namespace gpudose
