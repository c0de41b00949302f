// Photon transport through the voxel phantom: one history = one source photon and all photons
// it sets in motion (fluorescence, annihilation), written once for both back ends.
//
// - Source: a voxel drawn from the region's alias table (volume- or mass-uniform weights built
//   on the host), a point uniform inside it, an isotropic direction; or a pencil beam (tests).
// - Tracking: Woodcock (delta) tracking with the block/energy-bin majorant of majorant_grid.hh.
//   A photon leaving the phantom box is tallied as escaped.
// - Interactions (physics supplies cross sections and sampling data, see PhotonPhysics below):
//   Rayleigh (rayleigh.hh), Compton (compton.hh), photoelectric absorption with fluorescence
//   photons from the atomic relaxation data, pair production with the positron annihilating at
//   rest into two back-to-back 511 keV photons. Photons below the cut-off deposit locally.
// - Electrons set in motion: with ElectronMode::kLocal ("electron_transport: local", kerma
//   approximation) every electron deposits its kinetic energy at the interaction point, and a
//   pair positron annihilates there. With ElectronMode::kTransport (electron_transport.hh) the
//   Compton electron (E - E' - binding, direction from the momentum transfer), the photoelectron
//   (E minus the binding energy of the ionised shell, polar angle from Sauter's K-shell
//   distribution for every shell) and the pair electron and positron (E - 2 m c^2 shared by the
//   screened, Coulomb-corrected Bethe-Heitler law; polar angles from the leading
//   Sauter-Gluckstern-Hull term; all as in PENELOPE-2018, see charged_emission.hh) are
//   transported; Auger electrons and the binding energy stay local. Electrons at or below the
//   tracking cut-off are local.
// - Charged sources (source.particle 1 = electron, 2 = positron) start the same way as photons
//   (uniform in the region, isotropic). A source positron's history emits T + 2 m c^2: its
//   annihilation photons are part of it.
// Energy bookkeeping is exact: every photon carries its energy in fixed-point units, and an
// interaction deposits exactly its units minus the units of the photons it emits, so deposited
// plus escaped equals emitted to the last unit (tests/transport/photon_transport_test.cc).
//
// Tally bins (a Tally has deposit(bin, units)): see tally_bins.hh.
//
// PhotonPhysics concept (all GD_HOST_DEVICE const; `medium` is the phantom's medium index, `i`
// the energy-grid interval of e from energy_index(e, ln e), computed once per flight):
//   int energy_index(double e, double log_e) const;  // log_e = ln e (one log per flight)
//   double mass_mu_total(int medium, int i, double e) const;                     // cm^2/g
//   void mass_coefficients(int medium, int i, double e, double out[4]) const;   // cm^2/g:
//                                     // coherent, incoherent, photoelectric, pair (both fields)
//   double scattering_function(int medium, double x) const;  double scattering_function_max(int)
//   double rayleigh_x2(int medium, double u, double x2_max) const;  // inverse cumulative of F^2
//   template <class Rng> double compton_energy(int medium, double e, double mu, double eps_free,
//                                              Rng& rng, double* binding) const;
//                                   // scattered photon energy (Doppler), struck shell's binding
//   template <class Rng> int photoelectric(int medium, int i, double e, Rng& rng, double* fluo,
//                                          int max_fluo, double* photoelectron) const;
//                                   // fluorescence energies; *photoelectron = E - binding
#pragma once

#include <cstdint>

#include "kernels/alias_table.hh"
#include "kernels/atomics.hh"
#include "kernels/charged_emission.hh"
#include "kernels/compton.hh"
#include "kernels/constants.hh"
#include "kernels/direction.hh"
#include "kernels/electron_transport.hh"
#include "kernels/emission_spectrum.hh"
#include "kernels/fixed_energy.hh"
#include "kernels/majorant_grid.hh"
#include "kernels/particle_states.hh"
#include "kernels/philox.hh"
#include "kernels/portability.hh"
#include "kernels/rayleigh.hh"
#include "kernels/spatial_deposit.hh"
#include "kernels/step_counters.hh"
#include "kernels/tally_bins.hh"
#include "kernels/voxel_phantom.hh"

namespace gpudose {

enum class SourceKind : int { kRegionVoxels = 0, kPencilBeam = 1 };

struct PhotonSourceView {
  SourceKind kind = SourceKind::kRegionVoxels;
  double energy_mev = 0;                  // photon energy, or kinetic energy of a charged source
  int particle = 0;                       // 0 photon, 1 electron, 2 positron
  AliasTableView alias;                   // kRegionVoxels: alias outcome -> entry of `voxels`
  const std::uint32_t* voxels = nullptr;  // kRegionVoxels: linear voxel indices
  Vec3 position{0, 0, 0};                 // kPencilBeam: start (cm, phantom frame)
  Vec3 direction{0, 0, 1};                // kPencilBeam: unit direction
  // A radionuclide source (n_channels > 0): each history's particle and energy are drawn from
  // the nuclide's emissions instead of `particle` and `energy_mev` (emission_spectrum.hh).
  EmissionSpectrumView spectrum;
};

struct PhotonTransportParams {
  std::uint64_t seed = 0;
  std::uint32_t job = 0;
  double cutoff_mev = 1e-3;  // photons below deposit locally
};

// The production order: the newest charged particle first, else the newest photon (depth
// first, LIFO). next() names the stack (charged 1 or 0) and the entry to take; false when both
// are empty. Tests supply other orders with the same interface.
struct DepthFirstOrder {
  GD_HOST_DEVICE GD_FORCEINLINE bool next(const SecondaryStacks& st, int& charged,
                                          int& index) const {
    charged = st.n_charged > 0 ? 1 : 0;
    index = charged ? st.n_charged - 1 : st.n_photons - 1;
    return index >= 0;
  }
};

// Removes entry `index` of a stack of n, keeping the order of the rest (the top: no move).
template <class State>
GD_HOST_DEVICE GD_FORCEINLINE State take(State* stack, int& n, int index) {
  const State s = stack[index];
  for (int k = index + 1; k < n; ++k) stack[k - 1] = stack[k];
  --n;
  return s;
}

template <class Physics>
struct PhotonHistory {
  VoxelPhantomView phantom;
  MajorantGridView majorant;
  Physics physics;
  PhotonSourceView source;
  PhotonTransportParams params;
  ElectronTransport electrons;  // params.mode kLocal: the tables are not used

  // Charged particles are popped first: they end within a few steps and keep the stacks short.
  template <class Tally>
  GD_HOST_DEVICE void operator()(std::uint64_t history, Tally& tally) const {
    run(history, tally, DepthFirstOrder{});
  }

  // The history with the pending particles taken in the order `order` picks (Order::next, see
  // DepthFirstOrder). Every particle draws from its own stream (kernels/philox.hh), so any
  // order gives the same tallies, bit for bit, as long as no stack overflows
  // (tests/transport/particle_streams_test.cc runs LIFO, FIFO and shuffled orders).
  template <class Tally, class Order>
  GD_HOST_DEVICE void run(std::uint64_t history, Tally& tally, Order order) const {
    SecondaryStacks st;
    emit(history, st);
    finish(history, st, tally, order);
  }

  // Puts the history's source particle into `out` (a sink, particle_states.hh; one slot).
  template <class Out>
  GD_HOST_DEVICE void emit(std::uint64_t history, Out& out) const {
    RngStream source_rng(params.seed, params.job, history);  // the source particle's, id 0
    if (source.spectrum.n_channels > 0) {
      // Both uniforms are drawn for every channel, so a history's stream does not depend on
      // which channel it drew.
      const double u_channel = source_rng.uniform(), u_energy = source_rng.uniform();
      double e = 0;
      const int particle = source.spectrum.sample(u_channel, u_energy, &e);
      if (particle == 0) {
        out.push_photon(set_aside(emit_source_at(source_rng, e), source_rng));
      } else {
        const PhotonState p = emit_source_at(source_rng, e);
        out.push_charged(
            set_aside(charged_at(p.x, p.y, p.z, p.d, p.e, p.units, particle == 2 ? 1 : 0, kPrimary),
                      source_rng));
      }
    } else if (source.particle == 0) {
      out.push_photon(set_aside(emit_source(source_rng), source_rng));
    } else {
      out.push_charged(set_aside(emit_charged_source(source_rng), source_rng));
    }
  }

  // Runs everything pending on `st` (and all it sets in motion) of history `history`, in the
  // order `order` picks.
  template <class Tally, class Order>
  GD_HOST_DEVICE void finish(std::uint64_t history, SecondaryStacks& st, Tally& tally,
                             Order order) const {
    for (;;) {
      int charged = 0, index = 0;
      if (!order.next(st, charged, index)) break;
      if (charged) {
        const ChargedState c = take(st.charged, st.n_charged, index);
        RngStream rng(params.seed, params.job, history, stream_of(c));
        electrons.track(c, rng, tally, st);
      } else {
        PhotonState p = take(st.photons, st.n_photons, index);
        RngStream rng(params.seed, params.job, history, stream_of(p));
        track(p, rng, tally, st);
      }
    }
  }

  template <class Rng>
  GD_HOST_DEVICE ChargedState emit_charged_source(Rng& rng) const {
    const PhotonState p = emit_source(rng);
    return charged_at(p.x, p.y, p.z, p.d, p.e, p.units, source.particle == 2 ? 1 : 0, kPrimary);
  }

  template <class Rng>
  GD_HOST_DEVICE PhotonState emit_source(Rng& rng) const {
    return emit_source_at(rng, source.energy_mev);
  }

  // A source particle of energy e: position and direction as emit_source.
  template <class Rng>
  GD_HOST_DEVICE PhotonState emit_source_at(Rng& rng, double e) const {
    PhotonState p;
    p.e = e;
    p.units = to_fixed(p.e);
    p.collided = false;
    if (source.kind == SourceKind::kPencilBeam) {
      p.x = static_cast<PhotonReal>(source.position.x);
      p.y = static_cast<PhotonReal>(source.position.y);
      p.z = static_cast<PhotonReal>(source.position.z);
      p.d = source.direction;
      return p;
    }
    const std::uint32_t v = source.voxels[source.alias.sample(rng.uniform())];
    int ix, iy, iz;
    phantom.voxel_coords(v, ix, iy, iz);
    p.x = static_cast<PhotonReal>((ix + rng.uniform()) * phantom.dx);
    p.y = static_cast<PhotonReal>((iy + rng.uniform()) * phantom.dy);
    p.z = static_cast<PhotonReal>((iz + rng.uniform()) * phantom.dz);
    p.d = sample_isotropic(rng);
    return p;
  }

  // Distance along one axis to the block face the photon is heading for (1e30 cm, never the
  // nearest, when parallel); inv_dir = 1 / dir, computed once per flight.
  GD_HOST_DEVICE static PhotonReal face_distance(PhotonReal pos, PhotonReal dir, PhotonReal inv_dir,
                                                 PhotonReal lo, PhotonReal hi) {
    if (dir > 0) return (hi - pos) * inv_dir;
    if (dir < 0) return (lo - pos) * inv_dir;
    return static_cast<PhotonReal>(1e30);
  }

  // Tracks photon p until it is absorbed or escapes, or sets itself aside (on `st`, a sink:
  // particle_states.hh) under its Compton electron (a history's stacks) or because the next
  // interaction's secondaries might not fit (a stage's queue budget).
  template <class Rng, class Tally, class Out>
  GD_HOST_DEVICE void track(PhotonState& p, Rng& rng, Tally& tally, Out& st) const {
    const bool transport = electrons.params.mode == ElectronMode::kTransport;
    const double e_abs = electrons.params.absorption_mev;
    const int esc = escaped_bin(phantom.num_labels);
    // Geometry in the photon real type (kernels/photon_real.hh): block edges and reciprocals
    // from the majorant grid's view, read where used (majorant_grid.hh).
    using R = PhotonReal;
    const MajorantGridView& g = majorant;
    for (;;) {
      // Here, at the start of a flight, going on and resuming later are the same computation:
      // a sink without room for the worst next interaction takes the photon back.
      if (!st.room_for_photon_interaction()) {
        st.push_photon(set_aside(p, rng));
        return;
      }
      // Block of the current position (positions are kept inside the box).
      int bx = static_cast<int>(p.x * static_cast<R>(g.inv_block_dx)),
          by = static_cast<int>(p.y * static_cast<R>(g.inv_block_dy)),
          bz = static_cast<int>(p.z * static_cast<R>(g.inv_block_dz));
      bx = bx >= majorant.nbx ? majorant.nbx - 1 : bx;
      by = by >= majorant.nby ? majorant.nby - 1 : by;
      bz = bz >= majorant.nbz ? majorant.nbz - 1 : bz;
      if (p.e < params.cutoff_mev) {
        deposit_at(tally, phantom.label_at(p.x, p.y, p.z), p.units, p.x, p.y, p.z);
        return;
      }
      // One logarithm of the energy per flight, for both grids; the direction's reciprocals
      // once per flight too, so that no division is left in the block-crossing loop.
      const double log_e = log(p.e);
      const int ebin = majorant.energy_bin_of_log(log_e);
      const int ie = physics.energy_index(p.e, log_e);
      const R ux = static_cast<R>(p.d.x), uy = static_cast<R>(p.d.y), uz = static_cast<R>(p.d.z);
      const R inv_dx = static_cast<R>(1.0 / p.d.x), inv_dy = static_cast<R>(1.0 / p.d.y),
              inv_dz = static_cast<R>(1.0 / p.d.z);
      // --- Woodcock flight to the next real interaction, block by block.
      int label = 0;
      // mu/rho of the last medium seen: the energy is fixed during a flight and consecutive
      // tentative collisions are mostly in the same medium, so this skips most interpolations.
      int cached_medium = -1;
      double cached_mu_rho = 0;
      // Optical depth (in majorant units) still to travel before the next tentative collision.
      // Crossing into another block carries the remainder over instead of drawing anew: the
      // same exponential law by memorylessness, one logarithm fewer per block crossing.
      R tau = static_cast<R>(-log(rng.uniform()));
      for (;;) {
        const int block = majorant.block_index(bx, by, bz);
        const R mu_maj = static_cast<R>(majorant.value(block, ebin));
        const R bsx = static_cast<R>(g.block_dx), bsy = static_cast<R>(g.block_dy),
                bsz = static_cast<R>(g.block_dz);
        const R x_lo = bx * bsx, y_lo = by * bsy, z_lo = bz * bsz;
        const R x_hi = min_r(x_lo + bsx, static_cast<R>(phantom.nx * phantom.dx));
        const R y_hi = min_r(y_lo + bsy, static_cast<R>(phantom.ny * phantom.dy));
        const R z_hi = min_r(z_lo + bsz, static_cast<R>(phantom.nz * phantom.dz));
        const R tx = face_distance(p.x, ux, inv_dx, x_lo, x_hi);
        const R ty = face_distance(p.y, uy, inv_dy, y_lo, y_hi);
        const R tz = face_distance(p.z, uz, inv_dz, z_lo, z_hi);
        const R t = min_r(tx, min_r(ty, tz));
        // Compared in optical depth, so that a crossing costs no division (a zero majorant,
        // a block of vacuum, always crosses).
        const R tau_face = t * mu_maj;
        if (tau >= tau_face) {
          // Cross into the next block; snap the crossing coordinate onto the face.
          count_step(tally, kBlockCrossings);
          tau -= tau_face;
          p.x += t * ux;
          p.y += t * uy;
          p.z += t * uz;
          if (t == tx) {
            bx += ux > 0 ? 1 : -1;
            p.x = ux > 0 ? x_hi : x_lo;
          } else if (t == ty) {
            by += uy > 0 ? 1 : -1;
            p.y = uy > 0 ? y_hi : y_lo;
          } else {
            bz += uz > 0 ? 1 : -1;
            p.z = uz > 0 ? z_hi : z_lo;
          }
          if (bx < 0 || by < 0 || bz < 0 || bx >= majorant.nbx || by >= majorant.nby ||
              bz >= majorant.nbz) {
            tally.deposit(esc, p.units);
            if (!p.collided) tally.deposit(escaped_uncollided_bin(phantom.num_labels), p.units);
            return;
          }
          continue;
        }
        // To the tentative collision (mu_maj > 0 here): by the majorant's reciprocal, tabulated
        // once per job, so that the flight loop divides nowhere.
        const R s = tau * static_cast<R>(majorant.inverse(block, ebin));
        p.x += s * ux;
        p.y += s * uy;
        p.z += s * uz;
        count_step(tally, kTentativeCollisions);
        // The voxel of the tentative collision, kept inside the current block so that the
        // block's majorant bounds it even when rounding puts the point on a face. A block of
        // one label (most of the body's interior) needs no voxel lookup at all.
        label = majorant.uniform_label[block];
        if (label == kMixedBlock) {
          const int ix =
              clampi(static_cast<int>(p.x * static_cast<R>(g.inv_voxel_dx)), bx * majorant.block,
                     min_i((bx + 1) * majorant.block, phantom.nx) - 1);
          const int iy =
              clampi(static_cast<int>(p.y * static_cast<R>(g.inv_voxel_dy)), by * majorant.block,
                     min_i((by + 1) * majorant.block, phantom.ny) - 1);
          const int iz =
              clampi(static_cast<int>(p.z * static_cast<R>(g.inv_voxel_dz)), bz * majorant.block,
                     min_i((bz + 1) * majorant.block, phantom.nz) - 1);
          label = phantom.labels[phantom.voxel_index(ix, iy, iz)];
        }
        const int medium_here = phantom.label_medium[label];
        if (medium_here != cached_medium) {
          cached_medium = medium_here;
          cached_mu_rho = physics.mass_mu_total(medium_here, ie, p.e);
        }
        const double mu = phantom.label_density[label] * cached_mu_rho;
        if (rng.uniform() * mu_maj < mu) break;
        tau = static_cast<R>(-log(rng.uniform()));  // a virtual collision: a new free flight
      }
      // --- Real interaction in a voxel of `label`.
      count_step(tally, kRealCollisions);
      p.collided = true;
      const int medium = phantom.label_medium[label];
      double coef[4];
      physics.mass_coefficients(medium, ie, p.e, coef);
      const double pick = rng.uniform() * (coef[0] + coef[1] + coef[2] + coef[3]);
      if (pick < coef[0]) {  // Rayleigh
        const double mu = sample_rayleigh_mu(p.e, rng, RayleighCdf{&physics, medium});
        p.d = rotate(p.d, mu, 2.0 * kPi * rng.uniform());
      } else if (pick < coef[0] + coef[1]) {  // Compton
        const ComptonSample c = sample_compton(p.e, rng, ScatteringFunction{&physics, medium},
                                               physics.scattering_function_max(medium));
        double binding = 0;
        const double e_out = physics.compton_energy(medium, p.e, c.mu, c.eps, rng, &binding);
        std::uint64_t out_units = to_fixed(e_out);
        out_units = out_units > p.units ? p.units : out_units;
        // The struck shell's binding energy stays here; the electron gets E - E' - B.
        std::uint64_t b_units = to_fixed(binding);
        b_units = b_units > p.units - out_units ? p.units - out_units : b_units;
        if (b_units > 0) deposit_at(tally, label, b_units, p.x, p.y, p.z);
        const Vec3 d_in = p.d;
        const double e_in = p.e;
        const std::uint64_t e_units = p.units - out_units - b_units;
        const double t_e = e_in - e_out - binding;
        p.e = e_out;
        p.units = out_units;
        p.d = rotate(p.d, c.mu, 2.0 * kPi * rng.uniform());
        // The recoil electron takes the momentum E d - E' d' (the ion's recoil neglected).
        if (transport && t_e > e_abs && st.charged_room(1)) {
          const double mx = e_in * d_in.x - e_out * p.d.x, my = e_in * d_in.y - e_out * p.d.y,
                       mz = e_in * d_in.z - e_out * p.d.z;
          const double inv = 1.0 / sqrt(mx * mx + my * my + mz * mz);
          st.push_charged(child_of(
              charged_at(p.x, p.y, p.z, Vec3{mx * inv, my * inv, mz * inv}, t_e, e_units, 0), rng));
          // In a history, the photon waits on its stack under the electron (depth first: a
          // photon's Compton electrons never pile up); its next flight starts afresh
          // (memoryless), exactly as going on would. A stage's photon goes on.
          if (Out::kDepthFirst && st.photon_room(1)) {
            st.push_photon(set_aside(p, rng));
            return;
          }
        } else {
          if (transport && t_e > e_abs) tally.deposit(overflow_bin(phantom.num_labels), 1);
          deposit_at(tally, label, e_units, p.x, p.y, p.z);
        }
      } else if (pick < coef[0] + coef[1] + coef[2]) {  // photoelectric
        double fluo[kMaxFluorescence];
        double photoelectron = 0;
        const int n =
            physics.photoelectric(medium, ie, p.e, rng, fluo, kMaxFluorescence, &photoelectron);
        std::uint64_t left = p.units;
        for (int i = 0; i < n; ++i) {
          const std::uint64_t u = to_fixed(fluo[i]);
          if (u == 0 || u > left || fluo[i] < params.cutoff_mev || !st.photon_room(1)) {
            if (!st.photon_room(1)) tally.deposit(overflow_bin(phantom.num_labels), 1);
            continue;  // deposited locally with the rest
          }
          left -= u;
          st.push_photon(
              child_of(PhotonState{p.x, p.y, p.z, sample_isotropic(rng), fluo[i], u, true}, rng));
        }
        if (transport && photoelectron > e_abs && st.charged_room(1)) {
          std::uint64_t u = to_fixed(photoelectron);
          u = u > left ? left : u;
          left -= u;
          // Sauter polar angle about the photon direction, uniform azimuth (charged_emission.hh).
          const double mu = sample_sauter_cos(photoelectron, rng);
          const Vec3 d = rotate(p.d, mu, 2.0 * kPi * rng.uniform());
          st.push_charged(child_of(charged_at(p.x, p.y, p.z, d, photoelectron, u, 0), rng));
        }
        deposit_at(tally, label, left, p.x, p.y, p.z);
        return;
      } else {  // pair production
        const std::uint64_t u = to_fixed(kElectronMassMeV);
        if (transport && 2 * u <= p.units && st.charged_room(2)) {
          // E - 2 m c^2 shared by the screened, Coulomb-corrected Bethe-Heitler law of the
          // medium's Zeq; polar angles from the leading Sauter-Gluckstern-Hull term, azimuths
          // independent (charged_emission.hh; triplet production shares the same way, a named
          // simplification). The positron owns the 2 u it annihilates into.
          const double k = p.e - 2 * kElectronMassMeV > 0 ? p.e - 2 * kElectronMassMeV : 0.0;
          const std::uint64_t k_units = p.units - 2 * u;
          const double eps = sample_pair_sharing(p.e, pair_medium_of(physics, medium), rng);
          const double t_ele = fmin(fmax(eps * p.e - kElectronMassMeV, 0.0), k);
          const double t_pos = k - t_ele;
          std::uint64_t pos_units = to_fixed(t_pos);
          pos_units = pos_units > k_units ? k_units : pos_units;
          const std::uint64_t ele_units = k_units - pos_units;
          if (t_ele > e_abs) {
            const Vec3 d = rotate(p.d, sample_pair_angle(t_ele, rng), 2.0 * kPi * rng.uniform());
            st.push_charged(child_of(charged_at(p.x, p.y, p.z, d, t_ele, ele_units, 0), rng));
          } else {
            deposit_at(tally, label, ele_units, p.x, p.y, p.z);
          }
          if (t_pos > e_abs) {
            const Vec3 d = rotate(p.d, sample_pair_angle(t_pos, rng), 2.0 * kPi * rng.uniform());
            st.push_charged(child_of(charged_at(p.x, p.y, p.z, d, t_pos, pos_units, 1), rng));
          } else {
            const ChargedState positron = charged_at(p.x, p.y, p.z, p.d, t_pos, pos_units, 1);
            deposit_at(tally, label, pos_units, p.x, p.y, p.z);
            electrons.annihilate_at_rest(positron, label, rng, tally, st);
          }
          return;
        }
        // Local electrons: the positron annihilates at rest here.
        if (2 * u > p.units || !st.photon_room(1)) {
          if (!st.photon_room(1)) tally.deposit(overflow_bin(phantom.num_labels), 1);
          deposit_at(tally, label, p.units, p.x, p.y, p.z);
          return;
        }
        deposit_at(tally, label, p.units - 2 * u, p.x, p.y, p.z);
        const Vec3 d = sample_isotropic(rng);
        st.push_photon(child_of(
            PhotonState{p.x, p.y, p.z, Vec3{-d.x, -d.y, -d.z}, kElectronMassMeV, u, true}, rng));
        p.d = d;
        p.e = kElectronMassMeV;
        p.units = u;
      }
    }
  }

 private:
  struct RayleighCdf {
    const Physics* physics;
    int medium;
    GD_HOST_DEVICE double operator()(double u, double x2_max) const {
      return physics->rayleigh_x2(medium, u, x2_max);
    }
  };
  struct ScatteringFunction {
    const Physics* physics;
    int medium;
    GD_HOST_DEVICE double operator()(double x) const {
      return physics->scattering_function(medium, x);
    }
  };
  GD_HOST_DEVICE static int clampi(int v, int lo, int hi) {
    return v < lo ? lo : (v > hi ? hi : v);
  }
  GD_HOST_DEVICE static int min_i(int a, int b) { return a < b ? a : b; }
  GD_HOST_DEVICE static PhotonReal min_r(PhotonReal a, PhotonReal b) { return a < b ? a : b; }
};

// CPU tally: plain adds into a private array (one per worker thread, no contention).
struct PlainTally {
  std::uint64_t* bins;
  GD_HOST_DEVICE GD_FORCEINLINE void deposit(int bin, std::uint64_t units) const {
    bins[bin] += units;
  }
};

// GPU tally: atomic 64-bit adds (integer sums do not depend on the order of the adds).
struct AtomicTally {
  std::uint64_t* bins;
  GD_HOST_DEVICE GD_FORCEINLINE void deposit(int bin, std::uint64_t units) const {
    atomic_add(&bins[bin], units);
  }
};

// Sums consecutive deposits to the same bin in registers and hands each run to the underlying
// tally once (flush() at the end of the history). An electron track deposits its energy in a
// few tens of segments, nearly all in the region it started in; on the GPU every one of them
// was a global atomic on the source organ's bin of the batch, the hot spot the GUIDE warns of.
// Integer sums: the tally is bit for bit the same.
template <class Tally>
struct CoalescingTally {
  Tally out;
  mutable int bin = -1;
  mutable std::uint64_t units = 0;
  GD_HOST_DEVICE GD_FORCEINLINE void deposit(int b, std::uint64_t u) const {
    if (b != bin) {
      flush();
      bin = b;
    }
    units += u;
  }
  GD_HOST_DEVICE GD_FORCEINLINE void flush() const {
    if (units != 0) out.deposit(bin, units);
    units = 0;
  }
};

// Runs histories of consecutive batches as one launch: item i is history first_history + i,
// tallied into the bins of its own batch, so one launch serves many batches. Deposits go through
// CoalescingTally to cut the number of atomics.
template <class History>
struct BatchedHistories {
  History history;
  std::uint64_t first_history;
  std::uint64_t batch_size;
  std::uint64_t first_batch;
  int bins;
  std::uint64_t* tallies;  // [batches][bins]

  GD_HOST_DEVICE void operator()(std::uint64_t i) const {
    const std::uint64_t h = first_history + i;
    const CoalescingTally<AtomicTally> tally{
        AtomicTally{tallies + (h / batch_size - first_batch) * bins}};
    run_history(history, h, tally, bins);
  }
};

}  // namespace gpudose
