// Class II (mixed) condensed-history transport of electrons and positrons through the voxel
// phantom, written once for the CPU and the CUDA back end (POD views, no exceptions, fixed-size
// stacks). The scheme follows PENELOPE (F. Salvat, PENELOPE-2018, NEA/MBDAV/R(2019)1, ch. 4,
// "mixed simulation of electron and positron transport") with these choices:
//
// - Hard events, simulated one by one: inelastic collisions with energy loss W > Wcc (Moller
//   for e-, Bhabha for e+, sampled by sample_hard_collision_energy) and bremsstrahlung with
//   W > Wcr (Seltzer-Berger spectrum, sample_hard_brems_energy). Their distance is sampled with
//   a majorant over the step (delta events: accepted with sigma(T)/sigma_max at the event point,
//   as in PENELOPE's "hinge + delta interaction" step, manual Sec. 4.2.4); the remaining
//   optical depth is carried across steps and media.
// - Soft events: continuous energy loss through the soft range R_s (restricted stopping
//   powers below the cuts, electron_tables.hh), T' = R_s^-1(R_s(T) - s), with energy-loss
//   straggling of variance Omega^2 s drawn from PENELOPE's artificial distributions that keep
//   the mean and the variance of the soft loss exactly whatever the step length
//   (sample_soft_energy_loss()).
// - Elastic scattering: all of it as multiple scattering (no hard elastic events: named
//   simplification). Over a step s the deflection is drawn from PENELOPE's "artificial"
//   distribution idea: any distribution with the exact first two moments of the
//   Goudsmit-Saunderson distribution, <mu> = exp(-s/lambda_1), <P2(mu)> = exp(-s/lambda_2)
//   (Salvat, manual Sec. 4.1; the tables' lambdas hold the elastic and the soft inelastic
//   deflections). Ours, in u = (1 - mu)/2: a point mass at u0 (weight 1 - a) plus
//   a uniform density on [u0, 1] (weight a); u0 and a solve the two moment equations (see
//   msc_deflection()). The deflection is applied at a random hinge: the particle moves
//   xi * s, is deflected, and moves the rest (xi uniform; PENELOPE's random-hinge method,
//   manual Sec. 4.2.3).
// - Step control: s <= min(C1 lambda_1, the path over which the soft loss reaches a fraction f
//   of T, the distance to the next hard event). Defaults C1 = 0.2, f = 0.2 (parameters below;
//   tests/transport/electron_transport_test.cc measures their effect).
// - Boundaries: a segment stops where it enters a voxel of another medium or density (exact for
//   the random hinge: the next step starts there with that medium's tables); voxels of the same
//   medium and density are crossed without stopping. Energy lost on a segment is deposited at a
//   uniformly random point of that segment (the soft loss is spread uniformly along the path).
// - Tracking cut-off: below absorption_mev (default 10 keV, below Wcc = 50 keV: a 10 keV
//   electron has a CSDA range of 2.5 um in water) the residual kinetic energy is deposited
//   where the particle stops. A positron then annihilates at rest into two back-to-back 511 keV
//   photons. Positrons also annihilate in flight (two photons, Heitler cross section from the
//   tables, annihilate_in_flight()) as a third hard-event channel.
// - Density: the tables hold linear quantities at the medium's nominal density; a voxel of
//   density rho scales cross sections and stopping powers by rho / rho_nominal and lengths by
//   the inverse (the steps are computed in nominal-density centimetres).
// - Range rejection (on by default for phantom jobs, --range-rejection off to disable): at the
//   start of every step, if the particle's residual CSDA range is shorter than the distance from
//   its voxel to the nearest label boundary (phantoms/boundary_distance.hh, a lower bound valid
//   anywhere in the voxel), nothing it or its charged descendants deposit can leave the region's
//   tally. It is then slowed down in place (slow_down_in_place()): no more spatial transport,
//   its kinetic energy goes to the region, and only the events that can carry energy out are
//   simulated: hard bremsstrahlung photons (and, for positrons, annihilation in flight and at
//   rest), emitted from where the particle was rejected, their number along the CSDA path from
//   the cumulative count N(T) of physics-data/radiative_event_count.hh. This keeps the
//   bremsstrahlung escape that plain range rejection (e.g. EGSnrc's, which deposits everything)
//   loses; the bias left (photon origins up to one residual range off; deltas' own
//   bremsstrahlung neglected; straggled paths longer than the CSDA range) is measured in
//   tests/transport/electron_run_test.cc and stated in the README.
// Energy bookkeeping is exact in fixed point: an event deposits exactly the units it does not
// pass on to a secondary (particle_states.hh).
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/constants.hh"
#include "kernels/direction.hh"
#include "kernels/electron_tables.hh"
#include "kernels/fixed_energy.hh"
#include "kernels/interpolation.hh"
#include "kernels/particle_states.hh"
#include "kernels/portability.hh"
#include "kernels/spatial_deposit.hh"
#include "kernels/step_counters.hh"
#include "kernels/tally_bins.hh"
#include "kernels/voxel_phantom.hh"

namespace gpudose {

enum class ElectronMode : int {
  kLocal = 0,      // electrons set in motion deposit their energy where they are created (kerma)
  kTransport = 1,  // coupled transport (this file)
};

struct ElectronTransportParams {
  ElectronMode mode = ElectronMode::kLocal;
  double absorption_mev = 0.01;     // tracking cut-off E_abs (kinetic energy)
  double c1 = 0.2;                  // step <= c1 * lambda_1
  double max_loss_fraction = 0.2;   // soft energy loss per step <= this fraction of T
  int hard_events = 1;              // 0 (tests): no hard events, continuous loss with S_tot
  int straggling = 1;               // 0: mean soft loss only
  double photon_cutoff_mev = 1e-3;  // bremsstrahlung/annihilation photons below deposit locally
  int max_steps = 100000;           // per track; a safety net (counted in overflow_bin)
  int range_rejection = 1;          // 1: slow down in place when the region cannot be left
};

// Polar cosine of the multiple-scattering deflection over a path of s (nominal-density cm)
// with transport mean free paths lambda_1, lambda_2 (see the file comment). With
// a_k = 1 - exp(-s/lambda_k), the moments of u = (1 - mu)/2 are m1 = a_1 / 2 and
// m2 = (3 a_1 - a_2) / 6. For the mixture "point mass at u0 (weight 1 - a) + uniform on
// [u0, 1] (weight a)" the two moment equations give
//   u0^2 + 2 e1 u0 - (a_2 - a_1)/2 = 0, e1 = 1 - a_1  ->  u0 = sqrt(e1^2 + D) - e1, D = (a2-a1)/2
//   a = 2 (m1 - u0) / (1 - u0).
// D >= 0 whenever lambda_2 <= lambda_1 (forward-peaked scattering, always the case for
// electrons in the tables' range); otherwise u0 = 0 keeps the first moment.
template <class Rng>
GD_HOST_DEVICE inline double msc_deflection(double s, double lambda1, double lambda2, Rng& rng) {
  const double a1 = -expm1(-s / lambda1);
  const double a2 = -expm1(-s / lambda2);
  const double e1 = 1.0 - a1;
  const double d = 0.5 * (a2 - a1);
  const double u0 = d > 0 ? d / (sqrt(e1 * e1 + d) + e1) : 0.0;
  const double m1 = 0.5 * a1;
  double a = 2.0 * (m1 - u0) / (1.0 - u0);
  a = a < 0 ? 0 : (a > 1 ? 1 : a);
  double u = u0;
  if (rng.uniform() < a) u = u0 + (1.0 - u0) * rng.uniform();
  return 1.0 - 2.0 * u;
}

// Standard normal deviate (Box-Muller; one of the pair is used).
template <class Rng>
GD_HOST_DEVICE GD_FORCEINLINE double standard_normal(Rng& rng) {
  const double r = sqrt(-2.0 * log(rng.uniform()));
  return r * cos(2.0 * kPi * rng.uniform());
}

// Soft energy loss w over a step, with mean `mean` and variance `var` (> 0) both kept exactly,
// for any ratio of the two (F. Salvat, PENELOPE-2018, NEA/MBDAV/R(2019)1, Sec. 4.2.2). With
// sigma^2 = var:
//  - mean^2 > 9 var: a Gaussian of width 1.015387 sigma truncated to mean +- 3 sigma (the
//    widening makes the truncated variance sigma^2);
//  - 3 var < mean^2 <= 9 var: uniform on mean +- sqrt(3) sigma;
//  - mean^2 <= 3 var: a mixture of no loss (weight a) and a uniform loss on (0, w2), with
//    w2 = 3 (var + mean^2) / (2 mean) and a = (3 var - mean^2) / (3 (var + mean^2)).
// Every branch gives w >= 0. A Gaussian truncated symmetrically to (0, 2 mean), the earlier
// choice, keeps the mean but loses variance as steps shrink (mean/sigma ~ sqrt(s)), which made
// the straggling depend on the step length. The caller caps w at the kinetic energy (w2 stays
// far below T in practice: w2 ~ 1.5 Omega^2 / S_soft, 8 % of T at 1 keV in water).
template <class Rng>
GD_HOST_DEVICE inline double sample_soft_energy_loss(double mean, double var, Rng& rng) {
  const double m2 = mean * mean;
  if (m2 > 9.0 * var) {
    const double sigma = sqrt(var);
    for (int k = 0; k < 16; ++k) {
      const double z = 1.015387 * standard_normal(rng);
      if (z >= -3.0 && z <= 3.0) return mean + sigma * z;
    }
    return mean;  // probability 0.3 % ^ 16
  }
  if (m2 > 3.0 * var) return mean + sqrt(3.0 * var) * (2.0 * rng.uniform() - 1.0);
  const double w2 = 1.5 * (var + m2) / mean;
  const double a = (3.0 * var - m2) / (3.0 * (var + m2));
  if (rng.uniform() < a) return 0.0;
  return w2 * rng.uniform();
}

struct ElectronTransport {
  VoxelPhantomView phantom;
  ElectronTablesView tables;
  const int* library_medium = nullptr;  // phantom medium index -> electron-library medium
  ElectronTransportParams params;
  // Range rejection (file comment); either null: off. Per voxel, the distance to the nearest
  // label boundary in units of boundary_unit_cm (phantoms/boundary_distance.hh), and the
  // cumulative radiative event count in the electron tables' layout
  // (physics-data/radiative_event_count.hh).
  const std::uint8_t* boundary_distance = nullptr;
  double boundary_unit_cm = 0;
  const double* radiative_count = nullptr;

  enum : int { kStepDone = 0, kStepBoundary = 1, kStepEscaped = 2 };
  // What hard_event() did besides changing the particle.
  enum : int { kNoSecondary = 0, kDeltaPushed = 1, kAnnihilated = 2 };

  // Tracks one electron/positron and everything it deposits; pushes the photons and electrons
  // it sets in motion onto `st` (a sink, particle_states.hh). It sets itself aside (and
  // returns) under a delta electron, and when `st` might not hold the next hard event's
  // secondaries; a particle set aside resumes here exactly where it stopped: in the voxel its
  // walk had reached, slowing down in place if it was (the same numbers as going on).
  template <class Rng, class Tally, class Out>
  GD_HOST_DEVICE void track(ChargedState c, Rng& rng, Tally& tally, Out& st) const {
    const int nl = phantom.num_labels;
    const ElectronTablesView& t = tables;
    const int q_range = static_cast<int>(params.hard_events ? ElectronQuantity::kSoftRange
                                                            : ElectronQuantity::kCsdaRange);
    // A particle put back under its delta electron resumes with the path it had (> 0): count
    // each track once, when it starts.
    if (c.path == 0 && !(c.primary & kSlowingDown)) count_step(tally, kChargedTracks);
    if (!phantom.inside(c.x, c.y, c.z)) {
      escape(c, tally);
      return;
    }
    int ix, iy, iz;
    if (c.voxel != kNoVoxel) {
      phantom.voxel_coords(c.voxel, ix, iy, iz);
    } else {
      phantom.voxel_of(c.x, c.y, c.z, ix, iy, iz);
    }
    int label = phantom.labels[phantom.voxel_index(ix, iy, iz)];
    if (c.primary & kSlowingDown) {
      // Resumed while slowing down in place: on with it, as slow_down_in_place() left it.
      c.primary &= ~kSlowingDown;
      const int m = library_medium[phantom.label_medium[label]];
      const int base = electron_table_index(t, c.positron, m, 0);
      slow_down_in_place(c, c.path, label, m, base, slowing_down_u(c.e), rng, tally, st);
      return;
    }
    double tau = params.hard_events ? -log(rng.uniform()) : 0.0;
    double path = c.path;
    const double log_keep = log(1.0 - params.max_loss_fraction) * t.inv_dlog;
    const double u_abs = (log(params.absorption_mev) - t.log_e0) * t.inv_dlog;
    // Stop test with a relative margin: a step aimed exactly at the cut-off may land a rounding
    // error above it.
    const double e_stop = params.absorption_mev * (1.0 + 1e-9);
    int steps = 0;
    for (;;) {
      if (c.e <= e_stop) break;
      count_step(tally, kChargedSteps);
      if (++steps > params.max_steps) {
        tally.deposit(overflow_bin(nl), 1);
        break;
      }
      const int m = library_medium[phantom.label_medium[label]];
      const double r = phantom.label_density[label] / t.density[m];
      const double* range = t.table[q_range] + electron_table_index(t, c.positron, m, 0);
      const double u_t = (log(c.e) - t.log_e0) * t.inv_dlog;
      const int base = electron_table_index(t, c.positron, m, 0);
      if (params.range_rejection && boundary_distance != nullptr && radiative_count != nullptr &&
          !can_leave<Tally>(
              c, ix, iy, iz, label,
              range_of(t.table[static_cast<int>(ElectronQuantity::kCsdaRange)] + base, u_t) / r)) {
        count_step(tally, kRangeRejectedTracks);
        c.voxel = phantom.voxel_index(ix, iy, iz);
        slow_down_in_place(c, path, label, m, base, u_t, rng, tally, st);
        return;
      }
      int i;
      double f;
      grid_at(u_t, i, f);
      const double range_t = range_of(range, u_t);
      // Step limits in nominal-density cm: soft loss <= f T, and a step never aims below the
      // cut-off (the last step ends there in the mean, so the track's path length is not
      // lengthened by overshooting it).
      int i_f;
      double f_f;
      grid_at(u_t + log_keep, i_f, f_f);
      // range_of() is monotone: the larger of the two end ranges is the range at the larger u.
      double s_nom = range_t - range_of(range, u_t + log_keep > u_abs ? u_t + log_keep : u_abs);
      const double lambda1 = lin(ElectronQuantity::kTransportMfp1, base, i, f);
      if (params.c1 * lambda1 < s_nom) s_nom = params.c1 * lambda1;
      double sig_max = 0;
      bool hard = false;
      if (params.hard_events) {
        double sig0 = lin(ElectronQuantity::kHardInelasticXs, base, i, f) +
                      lin(ElectronQuantity::kHardBremsXs, base, i, f);
        double sig1 = lin(ElectronQuantity::kHardInelasticXs, base, i_f, f_f) +
                      lin(ElectronQuantity::kHardBremsXs, base, i_f, f_f);
        if (c.positron) {
          sig0 += lin(ElectronQuantity::kAnnihilationXs, base, i, f);
          sig1 += lin(ElectronQuantity::kAnnihilationXs, base, i_f, f_f);
        }
        // 5 % headroom: the hard cross sections vary slowly over a step of <= 20 % loss.
        sig_max = 1.05 * (sig0 > sig1 ? sig0 : sig1);
        if (tau < sig_max * s_nom) {
          s_nom = tau / sig_max;
          hard = true;
        }
      }
      const double inv_r = 1.0 / r;
      const double s = s_nom * inv_r;
      const double s1 = s * rng.uniform();
      // Segment 1: to the hinge.
      int status;
      double moved = segment(c, ix, iy, iz, label, s1, r, range, base, status, rng, tally);
      path += moved;
      tau -= sig_max * moved * r;
      if (status == kStepEscaped) {
        finish_path(c, path, tally);
        escape(c, tally);
        return;
      }
      if (status == kStepBoundary) {
        hard = false;
        continue;
      }
      if (c.e <= e_stop) break;
      // Hinge: multiple-scattering deflection for the whole step, with the transport mean free
      // paths at the step's mean mid-point energy (midpoint rule for the integral of ds/lambda
      // along the slowing-down path). At the start energy, the lambdas of a step that loses
      // 20 % are up to ~35 % too long, which gave too little deflection: the mean projected
      // range came out 7.7 % above Lewis' value at 1 MeV with C1 = f = 0.2 (2 % at 0.05);
      // tests/transport/electron_transport_test.cc checks it against Lewis (1950).
      int i_m;
      double f_m;
      grid_at(u_after(range, u_t, range_t, 0.5 * s_nom), i_m, f_m);
      const double lambda1_m = lin(ElectronQuantity::kTransportMfp1, base, i_m, f_m);
      const double lambda2_m = lin(ElectronQuantity::kTransportMfp2, base, i_m, f_m);
      c.d =
          rotate(c.d, msc_deflection(s_nom, lambda1_m, lambda2_m, rng), 2.0 * kPi * rng.uniform());
      moved = segment(c, ix, iy, iz, label, s - s1, r, range, base, status, rng, tally);
      path += moved;
      tau -= sig_max * moved * r;
      if (status == kStepEscaped) {
        finish_path(c, path, tally);
        escape(c, tally);
        return;
      }
      if (status == kStepBoundary || !hard) continue;
      if (c.e <= e_stop) break;
      const int event = hard_event(c, m, label, sig_max, rng, tally, st);
      if (event == kAnnihilated) {
        finish_path(c, path, tally);  // annihilated in flight
        return;
      }
      if (event == kDeltaPushed || !st.room_for_charged_event()) {
        // Depth first: this particle goes under its new delta electron and resumes after it
        // (the hard-event distance is memoryless, so it restarts with a fresh one, as going on
        // does). Always, whatever the stack holds (hard_event() kept a slot for it): a
        // particle's path must not depend on which other particles are pending. A sink without
        // room for the next event's secondaries takes it back here too.
        c.path = path;
        c.voxel = phantom.voxel_index(ix, iy, iz);
        if (event == kDeltaPushed) {
          st.push_under_top(set_aside(c, rng));
        } else {
          st.push_charged(set_aside(c, rng));
        }
        return;
      }
      tau = -log(rng.uniform());
    }
    finish_path(c, path, tally);
    // Stopped: residual kinetic energy here; a positron annihilates at rest.
    deposit_at(tally, label, c.units, c.x, c.y, c.z);
    if (c.positron) annihilate_at_rest(c, label, rng, tally, st);
  }

  template <class Rng, class Tally, class Out>
  GD_HOST_DEVICE void annihilate_at_rest(const ChargedState& c, int label, Rng& rng, Tally& tally,
                                         Out& st) const {
    const std::uint64_t u = to_fixed(kElectronMassMeV);
    if (kElectronMassMeV < params.photon_cutoff_mev || !st.photon_room(2)) {
      deposit_at(tally, label, 2 * u, c.x, c.y, c.z);
      if (kElectronMassMeV >= params.photon_cutoff_mev)
        tally.deposit(overflow_bin(phantom.num_labels), 1);
      return;
    }
    const Vec3 d = sample_isotropic(rng);
    st.push_photon(child_of(photon_at(c.x, c.y, c.z, d, kElectronMassMeV, u, true), rng));
    st.push_photon(
        child_of(photon_at(c.x, c.y, c.z, Vec3{-d.x, -d.y, -d.z}, kElectronMassMeV, u, true), rng));
  }

 private:
  GD_HOST_DEVICE GD_FORCEINLINE void grid_at(double u, int& i, double& f) const {
    if (!(u > 0)) u = 0;
    const double last = static_cast<double>(tables.n_energy - 1);
    if (u >= last) u = last - 1e-12;
    i = static_cast<int>(u);
    if (i > tables.n_energy - 2) i = tables.n_energy - 2;
    f = u - i;
  }
  // Range tables are log-log interpolated, as electron_lookup() does.
  GD_HOST_DEVICE GD_FORCEINLINE static double range_at(const double* r, int i, double f) {
    return r[i] * exp(f * log(r[i + 1] / r[i]));
  }
  // Grid coordinate u' of the mean energy after a nominal path s_nom from grid coordinate u:
  // R(u') = R(u) - s_nom, inverting range_of() exactly (log-log in the table, R ~ T below it).
  // Precondition: s_nom < R(u).
  GD_HOST_DEVICE double u_after(const double* r, double u, double s_nom) const {
    return u_after(r, u, range_of(r, u), s_nom);
  }
  // Same with R(u) already known.
  GD_HOST_DEVICE double u_after(const double* r, double u, double r_u, double s_nom) const {
    const double left = r_u - s_nom;
    if (!(left > 0)) return -1e300;
    if (left <= r[0]) return log(left / r[0]) * tables.inv_dlog;
    int j;
    double f;
    grid_at(u, j, f);
    while (j > 0 && r[j] > left) --j;
    return j + log(left / r[j]) / log(r[j + 1] / r[j]);
  }
  // Range at grid coordinate u (unclamped below the grid: R proportional to T there, the law
  // electron_energy_after_soft_path() and energy_after() use, so steps never vanish).
  GD_HOST_DEVICE GD_FORCEINLINE double range_of(const double* r, double u) const {
    if (u <= 0) return r[0] * exp(u / tables.inv_dlog);
    int i;
    double f;
    grid_at(u, i, f);
    return range_at(r, i, f);
  }
  GD_HOST_DEVICE GD_FORCEINLINE double lin(ElectronQuantity q, int base, int i, double f) const {
    const double* tab = tables.table[static_cast<int>(q)] + base;
    return tab[i] + f * (tab[i + 1] - tab[i]);
  }

  // Path length diagnostic of the source particle.
  template <class Tally>
  GD_HOST_DEVICE void finish_path(const ChargedState& c, double path, Tally& tally) const {
    if (c.primary & kPrimary) tally.deposit(path_bin(phantom.num_labels), to_fixed(path));
  }

  template <class Tally>
  GD_HOST_DEVICE void escape(const ChargedState& c, Tally& tally) const {
    const std::uint64_t rest = c.positron ? 2 * to_fixed(kElectronMassMeV) : 0;
    tally.deposit(escaped_bin(phantom.num_labels), c.units + rest);
  }

  // Moves the particle by up to `len` cm and applies the soft energy loss of the distance moved
  // (nominal-density path moved * r), deposited at a uniformly random point of the segment.
  template <class Rng, class Tally>
  GD_HOST_DEVICE double segment(ChargedState& c, int& ix, int& iy, int& iz, int& label, double len,
                                double r, const double* range, int base, int& status, Rng& rng,
                                Tally& tally) const {
    const double x0 = c.x, y0 = c.y, z0 = c.z;
    const Vec3 d0 = c.d;
    const int label0 = label;
    const double moved = walk(c, ix, iy, iz, label, len, status);
    if (!(moved > 0)) return 0.0;
    const double e_new = energy_after(c.e, moved * r, range, base, c.positron, rng);
    std::uint64_t units = to_fixed(e_new);
    if (units > c.units) units = c.units;
    const std::uint64_t lost = c.units - units;
    c.e = e_new;
    c.units = units;
    if (lost > 0) {
      // The point is drawn only when it matters: several labels, or a dose image.
      int dep = label0;
      double px = x0, py = y0, pz = z0;
      if (phantom.num_labels > 1 || IsSpatialTally<Tally>::value) {
        const double v = moved * rng.uniform();
        px = x0 + v * d0.x;
        py = y0 + v * d0.y;
        pz = z0 + v * d0.z;
        int jx, jy, jz;
        phantom.voxel_of(px, py, pz, jx, jy, jz);
        dep = phantom.labels[phantom.voxel_index(jx, jy, jz)];
      }
      deposit_at(tally, dep, lost, px, py, pz);
    }
    return moved;
  }

  // Kinetic energy after a nominal-density path s_nom: mean from the range table (soft range,
  // or the CSDA range when hard events are off), straggled (see the file comment).
  template <class Rng>
  GD_HOST_DEVICE double energy_after(double e, double s_nom, const double* range, int base,
                                     int particle, Rng& rng) const {
    const ElectronTablesView& t = tables;
    const double u = (log(e) - t.log_e0) * t.inv_dlog;
    int i;
    double f;
    grid_at(u, i, f);
    double e_mean = 0;
    // u_after() is -1e300 once the path exhausts the range: exp() gives 0 then.
    e_mean = exp(t.log_e0 + u_after(range, u, s_nom) / t.inv_dlog);
    if (e_mean > e) e_mean = e;
    const double mean = e - e_mean;
    double loss = mean;
    // A segment whose mean loss reaches the cut-off (the last step aims there) loses the mean:
    // with straggling the no-loss branch of the mixture would repeat the same short step about
    // 3 Omega^2 / (4 S <w>) times as <w> -> 0, so the step count would diverge near the cut-off.
    if (params.straggling && mean > 0 && e_mean > params.absorption_mev * (1.0 + 1e-9)) {
      const double var = lin(ElectronQuantity::kSoftStraggling, base, i, f) * s_nom;
      if (var > 0) loss = sample_soft_energy_loss(mean, var, rng);
      if (loss > e) loss = e;
    }
    (void)particle;
    const double out = e - loss;
    return out > 0 ? out : 0.0;
  }

  // Straight move through voxels (x fastest index); see `segment`.
  GD_HOST_DEVICE double walk(ChargedState& c, int& ix, int& iy, int& iz, int& label, double len,
                             int& status) const {
    const VoxelPhantomView& p = phantom;
    constexpr double kInf = 1e300;
    double tx = kInf, ty = kInf, tz = kInf, dtx = kInf, dty = kInf, dtz = kInf;
    const int sx = c.d.x > 0 ? 1 : -1, sy = c.d.y > 0 ? 1 : -1, sz = c.d.z > 0 ? 1 : -1;
    if (c.d.x != 0) {
      dtx = p.dx / fabs(c.d.x);
      tx = ((c.d.x > 0 ? (ix + 1) * p.dx : ix * p.dx) - c.x) / c.d.x;
      if (tx < 0) tx = 0;
    }
    if (c.d.y != 0) {
      dty = p.dy / fabs(c.d.y);
      ty = ((c.d.y > 0 ? (iy + 1) * p.dy : iy * p.dy) - c.y) / c.d.y;
      if (ty < 0) ty = 0;
    }
    if (c.d.z != 0) {
      dtz = p.dz / fabs(c.d.z);
      tz = ((c.d.z > 0 ? (iz + 1) * p.dz : iz * p.dz) - c.z) / c.d.z;
      if (tz < 0) tz = 0;
    }
    const int medium = p.label_medium[label];
    const float rho = p.label_density[label];
    double moved = len;
    status = kStepDone;
    for (;;) {
      double tmin;
      if (tx <= ty && tx <= tz) {
        tmin = tx;
        if (tmin >= len) break;
        ix += sx;
        tx += dtx;
      } else if (ty <= tz) {
        tmin = ty;
        if (tmin >= len) break;
        iy += sy;
        ty += dty;
      } else {
        tmin = tz;
        if (tmin >= len) break;
        iz += sz;
        tz += dtz;
      }
      if (ix < 0 || iy < 0 || iz < 0 || ix >= p.nx || iy >= p.ny || iz >= p.nz) {
        status = kStepEscaped;
        moved = tmin;
        break;
      }
      const int next = p.labels[p.voxel_index(ix, iy, iz)];
      if (p.label_medium[next] != medium || p.label_density[next] != rho) {
        label = next;
        status = kStepBoundary;
        moved = tmin;
        break;
      }
      label = next;
    }
    c.x += moved * c.d.x;
    c.y += moved * c.d.y;
    c.z += moved * c.d.z;
    return moved;
  }

  // Hard bremsstrahlung at the particle's energy; the photon direction from the dipole
  // distribution boosted to the electron's velocity, p(cos) ~ (1 - beta^2) / (1 - beta cos)^2
  // (isotropic emission in the rest frame; PENELOPE uses a fitted form of this shape, manual
  // Sec. 3.3.4). The electron keeps its direction.
  template <class Rng, class Tally, class Out>
  GD_HOST_DEVICE void emit_hard_brems(ChargedState& c, int m, int label, Rng& rng, Tally& tally,
                                      Out& st) const {
    const double e = c.e;
    const double w = sample_hard_brems_energy(tables, m, e, rng.uniform(), rng.uniform());
    const double gamma = 1.0 + e / kElectronMassMeV;
    const double beta = sqrt(1.0 - 1.0 / (gamma * gamma));
    const double c0 = 2.0 * rng.uniform() - 1.0;
    const double mu = (c0 + beta) / (1.0 + beta * c0);
    const Vec3 dp = rotate(c.d, mu, 2.0 * kPi * rng.uniform());
    std::uint64_t pu = to_fixed(w);
    if (pu > c.units) pu = c.units;
    c.e = e - w > 0 ? e - w : 0.0;
    c.units -= pu;
    if (w >= params.photon_cutoff_mev && st.photon_room(1)) {
      st.push_photon(child_of(photon_at(c.x, c.y, c.z, dp, w, pu, true), rng));
    } else {
      if (w >= params.photon_cutoff_mev) tally.deposit(overflow_bin(phantom.num_labels), 1);
      deposit_at(tally, label, pu, c.x, c.y, c.z);
    }
  }

  // Whether a particle at c with residual CSDA range `reach` (cm) might deposit energy where its
  // tally tells it apart from where it is: outside its label region for organ tallies
  // (can_leave_region), outside its voxel for a dose image (a spatial tally,
  // kernels/spatial_deposit.hh), so that slowing down in place puts the energy in the right
  // voxel too.
  template <class Tally>
  GD_HOST_DEVICE bool can_leave(const ChargedState& c, int ix, int iy, int iz, int label,
                                double reach) const {
    if constexpr (IsSpatialTally<Tally>::value) {
      const VoxelPhantomView& p = phantom;
      const double gap = fmin(fmin(fmin(c.x - ix * p.dx, (ix + 1) * p.dx - c.x),
                                   fmin(c.y - iy * p.dy, (iy + 1) * p.dy - c.y)),
                              fmin(c.z - iz * p.dz, (iz + 1) * p.dz - c.z));
      return !(reach < gap);
    } else {
      return can_leave_region(c, ix, iy, iz, label, reach);
    }
  }

  // Whether a particle at c (voxel ix, iy, iz of `label`) with residual CSDA range `reach` (cm)
  // might end a path outside its label region. No when the voxel's boundary distance exceeds
  // it; for a voxel next to a boundary (distance 0) and a reach below the smallest voxel edge,
  // from the particle's own position: the 26 neighbours of another label (or outside the grid)
  // are the only region within reach (every other voxel is at least a voxel edge away), so no
  // when each of them lies farther than `reach` from the point.
  GD_HOST_DEVICE bool can_leave_region(const ChargedState& c, int ix, int iy, int iz, int label,
                                       double reach) const {
    const VoxelPhantomView& p = phantom;
    if (boundary_distance[p.voxel_index(ix, iy, iz)] * boundary_unit_cm > reach) return false;
    double edge = p.dx < p.dy ? p.dx : p.dy;
    edge = edge < p.dz ? edge : p.dz;
    if (!(reach < edge)) return true;
    // Gaps from the point to the lower and upper neighbour slabs along each axis.
    const double lo[3] = {c.x - ix * p.dx, c.y - iy * p.dy, c.z - iz * p.dz};
    const double hi[3] = {(ix + 1) * p.dx - c.x, (iy + 1) * p.dy - c.y, (iz + 1) * p.dz - c.z};
    const double reach2 = reach * reach;
    for (int oz = -1; oz <= 1; ++oz) {
      const double gz = oz < 0 ? lo[2] : (oz > 0 ? hi[2] : 0.0);
      for (int oy = -1; oy <= 1; ++oy) {
        const double gy = oy < 0 ? lo[1] : (oy > 0 ? hi[1] : 0.0);
        for (int ox = -1; ox <= 1; ++ox) {
          const double gx = ox < 0 ? lo[0] : (ox > 0 ? hi[0] : 0.0);
          if (gx * gx + gy * gy + gz * gz >= reach2) continue;  // out of reach
          if ((ox | oy | oz) == 0) continue;
          const int jx = ix + ox, jy = iy + oy, jz = iz + oz;
          if (jx < 0 || jy < 0 || jz < 0 || jx >= p.nx || jy >= p.ny || jz >= p.nz) return true;
          if (p.labels[p.voxel_index(jx, jy, jz)] != label) return true;
        }
      }
    }
    return false;
  }

  // Grid coordinate of energy e between slow-down events: one expression for going on and for
  // resuming after a set-aside (track()), so that both compute the same numbers.
  GD_HOST_DEVICE GD_FORCEINLINE double slowing_down_u(double e) const {
    return (log(e > 1e-300 ? e : 1e-300) - tables.log_e0) * tables.inv_dlog;
  }

  // Cumulative radiative event count at grid coordinate u (linear in u; 0 below the grid).
  GD_HOST_DEVICE GD_FORCEINLINE double count_at(const double* n, double u) const {
    if (!(u > 0)) return n[0];
    int i;
    double f;
    grid_at(u, i, f);
    return n[i] + f * (n[i + 1] - n[i]);
  }

  // Range rejection (file comment): the particle, at grid coordinate u in library medium m
  // (table offset base) of region `label`, cannot leave the region. Its CSDA slowing-down is
  // followed in energy only: the next radiative event lies where the count N has dropped by an
  // exponential deviate, N(T_ev) = N(T) - tau (inverting the piecewise-linear N exactly); the
  // kinetic energy lost on the way goes to the region. At an event the direction is first
  // decorrelated over the CSDA path since the last one (the multiple-scattering deflection of
  // one step of that length, lambdas at the mid-point energy), then a bremsstrahlung photon is
  // emitted, or a positron annihilates in flight (probability sigma_an / (sigma_br + sigma_an)).
  // Below the cut-off what is left is deposited, and a positron annihilates at rest.
  // c.voxel is the voxel it is in (kept for a set-aside).
  template <class Rng, class Tally, class Out>
  GD_HOST_DEVICE void slow_down_in_place(ChargedState& c, double path, int label, int m, int base,
                                         double u, Rng& rng, Tally& tally, Out& st) const {
    const ElectronTablesView& t = tables;
    const double* csda = t.table[static_cast<int>(ElectronQuantity::kCsdaRange)] + base;
    const double* n = radiative_count + base;
    const double u_abs = (log(params.absorption_mev) - t.log_e0) * t.inv_dlog;
    const double n_abs = count_at(n, u_abs);
    for (;;) {
      const double target = count_at(n, u) + log(rng.uniform());
      if (!(target > n_abs)) break;
      // The grid interval of the event: n[lo] <= target < n[lo + 1], at or below u's interval
      // (N is non-decreasing; target < N(u) <= n[i_u + 1]).
      int i_u;
      double f_u;
      grid_at(u, i_u, f_u);
      const int lo = search_interval(n, i_u + 2, target);
      const double dn = n[lo + 1] - n[lo];
      const double u_ev = lo + (dn > 0 ? (target - n[lo]) / dn : 0.0);
      const double s_nom = range_of(csda, u) - range_of(csda, u_ev);
      path += s_nom / (phantom.label_density[label] / t.density[m]);
      const double e_ev = exp(t.log_e0 + u_ev / t.inv_dlog);
      std::uint64_t units = to_fixed(e_ev);
      if (units > c.units) units = c.units;
      deposit_at(tally, label, c.units - units, c.x, c.y, c.z);
      c.units = units;
      c.e = e_ev;
      int i_m;
      double f_m;
      grid_at(0.5 * (u + u_ev), i_m, f_m);
      c.d = rotate(c.d,
                   msc_deflection(s_nom, lin(ElectronQuantity::kTransportMfp1, base, i_m, f_m),
                                  lin(ElectronQuantity::kTransportMfp2, base, i_m, f_m), rng),
                   2.0 * kPi * rng.uniform());
      int i_e;
      double f_e;
      grid_at(u_ev, i_e, f_e);
      const double sig_br =
          e_ev > t.wcr_mev ? lin(ElectronQuantity::kHardBremsXs, base, i_e, f_e) : 0.0;
      if (c.positron) {
        const double sig_an = lin(ElectronQuantity::kAnnihilationXs, base, i_e, f_e);
        if (rng.uniform() * (sig_br + sig_an) < sig_an) {
          finish_path(c, path, tally);
          annihilate_in_flight(c, label, rng, tally, st);
          return;
        }
      }
      // sig_br is 0 only where N is flat, which an event cannot hit but for rounding.
      if (sig_br > 0) emit_hard_brems(c, m, label, rng, tally, st);
      if (!st.room_for_charged_event()) {
        // A sink without room for the next event: set aside, to resume right here (track()).
        c.path = path;
        c.primary |= kSlowingDown;
        st.push_charged(set_aside(c, rng));
        return;
      }
      u = slowing_down_u(c.e);
    }
    // No event left above the cut-off: the rest of the CSDA path in place.
    if (u > u_abs) {
      path += (range_of(csda, u) - range_of(csda, u_abs)) /
              (phantom.label_density[label] / t.density[m]);
    }
    finish_path(c, path, tally);
    deposit_at(tally, label, c.units, c.x, c.y, c.z);
    if (c.positron) annihilate_at_rest(c, label, rng, tally, st);
  }

  // A hard event candidate at the end of a step in library medium m (delta event with
  // probability 1 - sigma(T)/sigma_max). Returns kAnnihilated when a positron annihilated in
  // flight (the particle is gone), kDeltaPushed when a delta electron went onto `st`.
  template <class Rng, class Tally, class Out>
  GD_HOST_DEVICE int hard_event(ChargedState& c, int m, int label, double sig_max, Rng& rng,
                                Tally& tally, Out& st) const {
    const ElectronTablesView& t = tables;
    const double e = c.e;
    int i;
    double f;
    grid_at((log(e) - t.log_e0) * t.inv_dlog, i, f);
    const int base = electron_table_index(t, c.positron, m, 0);
    const bool inel_open = c.positron ? e > t.wcc_mev : e > 2.0 * t.wcc_mev;
    const double sig_in = inel_open ? lin(ElectronQuantity::kHardInelasticXs, base, i, f) : 0.0;
    const double sig_br = e > t.wcr_mev ? lin(ElectronQuantity::kHardBremsXs, base, i, f) : 0.0;
    const double sig_an = c.positron ? lin(ElectronQuantity::kAnnihilationXs, base, i, f) : 0.0;
    const double pick = rng.uniform() * sig_max;
    const int nl = phantom.num_labels;
    if (pick < sig_in) {
      // Moller / Bhabha on a free electron at rest: the secondary takes W, the primary T - W;
      // polar angles from two-body kinematics (PENELOPE-2018 manual, Eqs. 3.134, 3.166).
      const double w = sample_hard_collision_energy(e, t.wcc_mev, c.positron != 0, rng);
      const double mc2 = kElectronMassMeV;
      const double ep = e - w;
      double cos_p = sqrt(ep * (e + 2 * mc2) / (e * (ep + 2 * mc2)));
      double cos_s = sqrt(w * (e + 2 * mc2) / (e * (w + 2 * mc2)));
      cos_p = cos_p > 1 ? 1 : cos_p;
      cos_s = cos_s > 1 ? 1 : cos_s;
      const double phi = 2.0 * kPi * rng.uniform();
      std::uint64_t su = to_fixed(w);
      if (su > c.units) su = c.units;
      const Vec3 ds = rotate(c.d, cos_s, phi + kPi);
      c.d = rotate(c.d, cos_p, phi);
      c.e = ep;
      c.units -= su;
      // Two slots: the delta, and this particle set aside under it (track()).
      if (w > params.absorption_mev && st.charged_room(2)) {
        st.push_charged(child_of(charged_at(c.x, c.y, c.z, ds, w, su, 0), rng));
        return kDeltaPushed;
      } else {
        if (w > params.absorption_mev) tally.deposit(overflow_bin(nl), 1);
        deposit_at(tally, label, su, c.x, c.y, c.z);
      }
    } else if (pick < sig_in + sig_br) {
      emit_hard_brems(c, m, label, rng, tally, st);
    } else if (pick < sig_in + sig_br + sig_an) {
      annihilate_in_flight(c, label, rng, tally, st);
      return kAnnihilated;
    }
    return kNoSecondary;
  }

 public:
  // Two-photon annihilation in flight with an electron at rest (Heitler's cross section, as in
  // PENELOPE-2018, manual Sec. 3.4): zeta = k_1 / (T + 2 m c^2), the fraction taken by the
  // softer photon, in [zeta_min, 1/2], zeta_min = 1 / (gamma + 1 + sqrt(gamma^2 - 1)), with
  //   dsigma/dzeta ~ S(zeta) + S(1 - zeta), S(z) = -(gamma+1)^2 + (gamma^2+4 gamma+1)/z - 1/z^2.
  // Sampling: zeta from 1/zeta on [zeta_min, 1/2] by inversion, accepted with
  // zeta (S(zeta) + S(1 - zeta)) / (2 (gamma^2 + 4 gamma + 1)), a bound since z S(z) and
  // z S(1 - z) are each below gamma^2 + 4 gamma + 1 there. Directions from two-body kinematics:
  // cos(theta_1) = (gamma + 1 - 1/zeta) / sqrt(gamma^2 - 1); the second photon takes the rest of
  // the momentum. The photons share T + 2 m c^2, i.e. the positron's units and its 2 u_m.
  template <class Rng, class Tally, class Out>
  GD_HOST_DEVICE void annihilate_in_flight(const ChargedState& c, int label, Rng& rng, Tally& tally,
                                           Out& st) const {
    const double mc2 = kElectronMassMeV;
    const double gamma = 1.0 + c.e / mc2;
    const double root = sqrt(gamma * gamma - 1.0);
    const double zmin = 1.0 / (gamma + 1.0 + root);
    const double a = gamma * gamma + 4.0 * gamma + 1.0;
    const double g1 = (gamma + 1.0) * (gamma + 1.0);
    double z = 0.5;
    for (int k = 0; k < 1000; ++k) {
      z = zmin * exp(rng.uniform() * log(0.5 / zmin));
      const double y = 1.0 - z;
      const double h = z * (-2.0 * g1 + a / z - 1.0 / (z * z) + a / y - 1.0 / (y * y));
      if (rng.uniform() * 2.0 * a <= h) break;
    }
    const double e_tot = c.e + 2.0 * mc2;
    const double k1 = z * e_tot, k2 = e_tot - k1;
    const double p = root * mc2;  // positron momentum, MeV/c
    double cos1 = (gamma + 1.0 - 1.0 / z) / root;
    cos1 = cos1 > 1 ? 1 : (cos1 < -1 ? -1 : cos1);
    const Vec3 d1 = rotate(c.d, cos1, 2.0 * kPi * rng.uniform());
    Vec3 d2{(p * c.d.x - k1 * d1.x) / k2, (p * c.d.y - k1 * d1.y) / k2,
            (p * c.d.z - k1 * d1.z) / k2};
    const double norm = sqrt(d2.x * d2.x + d2.y * d2.y + d2.z * d2.z);
    d2 = Vec3{d2.x / norm, d2.y / norm, d2.z / norm};
    const std::uint64_t total = c.units + 2 * to_fixed(mc2);
    std::uint64_t u1 = to_fixed(k1);
    u1 = u1 > total ? total : u1;
    const std::uint64_t u2 = total - u1;
    const PhotonState ph[2] = {photon_at(c.x, c.y, c.z, d1, k1, u1, true),
                               photon_at(c.x, c.y, c.z, d2, k2, u2, true)};
    for (const PhotonState& q : ph) {
      if (q.e >= params.photon_cutoff_mev && st.photon_room(1)) {
        st.push_photon(child_of(q, rng));
      } else {
        if (q.e >= params.photon_cutoff_mev) tally.deposit(overflow_bin(phantom.num_labels), 1);
        deposit_at(tally, label, q.units, c.x, c.y, c.z);
      }
    }
  }
};

}  // namespace gpudose
