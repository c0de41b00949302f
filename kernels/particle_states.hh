// Per-track states of the coupled photon-electron transport and the fixed-size secondary stacks
// one history keeps (no heap, no std containers: the same code runs in a CUDA thread).
//
// Energy bookkeeping: every particle carries its energy in fixed-point units (fixed_energy.hh).
// A charged particle's `units` are its kinetic energy; a positron additionally owns the
// 2 m c^2 it releases when it annihilates (its creator reserved those units), so an escaping
// positron takes units + 2 to_fixed(m c^2) with it.
#pragma once

#include <cstdint>

#include "kernels/direction.hh"
#include "kernels/philox.hh"
#include "kernels/photon_real.hh"

namespace gpudose {

struct PhotonState {
  PhotonReal x, y,
      z;  // cm (kernels/photon_real.hh: double, or float in a GPUDOSE_PHOTON_FLOAT build)
  Vec3 d;
  double e;
  std::uint64_t units;
  bool collided;
  // The particle's random stream (kernels/philox.hh): set by child_of() or set_aside().
  std::uint32_t word;
  std::uint64_t id;
};

struct ChargedState {
  double x, y, z;
  Vec3 d;
  double e;             // kinetic energy, MeV
  std::uint64_t units;  // kinetic energy, fixed point
  int positron;         // 0 electron, 1 positron (electron-table particle index)
  int primary;          // kPrimary: the source particle itself (path-length diagnostic);
                        // kSlowingDown: set aside while range rejection slows it down in place
  // The particle's random stream (kernels/philox.hh): set by child_of() or set_aside(); the
  // word sits in what was padding before `path`.
  std::uint32_t word;
  // The voxel it was in when set aside (linear index), kNoVoxel for a new particle: a track
  // resumed from here continues exactly as the one that was interrupted would have (the voxel
  // its walk had reached, not one recomputed from a position that may lie on a face).
  std::uint32_t voxel;
  double path;  // path length travelled so far (cm; the diagnostic of the primary)
  std::uint64_t id;
};

// ChargedState::primary bits and the "no voxel yet" mark.
constexpr int kPrimary = 1;
constexpr int kSlowingDown = 2;
constexpr std::uint32_t kNoVoxel = 0xFFFFFFFFu;

// A new particle created by the one drawing from `parent`: its own stream, from its first word.
// Every secondary goes through this (a state built without it would replay stream 0).
template <class State, class Rng>
GD_HOST_DEVICE GD_FORCEINLINE State child_of(State s, Rng& parent) {
  s.id = parent.spawn();
  s.word = 0;
  return s;
}

// A new photon at a point (the position in the photon real type), going d with energy e.
GD_HOST_DEVICE GD_FORCEINLINE PhotonState photon_at(double x, double y, double z, Vec3 d, double e,
                                                    std::uint64_t units, bool collided) {
  return PhotonState{static_cast<PhotonReal>(x),
                     static_cast<PhotonReal>(y),
                     static_cast<PhotonReal>(z),
                     d,
                     e,
                     units,
                     collided,
                     0,
                     0};
}

// A new charged particle at a point, going d with kinetic energy e (units in fixed point).
GD_HOST_DEVICE GD_FORCEINLINE ChargedState charged_at(double x, double y, double z, Vec3 d,
                                                      double e, std::uint64_t units, int positron,
                                                      int primary = 0) {
  return ChargedState{x, y, z, d, e, units, positron, primary, 0, kNoVoxel, 0.0, 0};
}

// A particle put aside to resume later (under its secondary, or by a full queue): it resumes
// where its stream stands now.
template <class State, class Rng>
GD_HOST_DEVICE GD_FORCEINLINE State set_aside(State s, const Rng& own) {
  const StreamPosition at = own.position();
  s.id = at.id;
  s.word = at.word;
  return s;
}

template <class State>
GD_HOST_DEVICE GD_FORCEINLINE StreamPosition stream_of(const State& s) {
  return StreamPosition{s.id, s.word};
}

// Stack depths. A history's pending secondaries stay far below these: photons come from
// fluorescence, hard bremsstrahlung and annihilation, electrons from hard collisions and photon
// interactions. The transport pops charged particles first, and a particle that sets a delta
// electron in motion is put back on the stack under it (depth-first: a 10 MeV electron's
// deltas never pile up), so the stacks hold a few entries. Measured (AF liver, production
// order, 2026-12-02): at most 8 photons and 5 charged particles pending in 2e4 histories of
// 10 MeV positrons / electrons (range rejection off), 4 and 3 for 2 MeV photons; each further
// entry about 5-100 times rarer. The charged stack holds 10 (it is on every GPU thread's stack
// frame: 88 bytes an entry). An overflow deposits the particle locally and is counted in
// overflow_bin() (tests check that it stays 0).
constexpr int kMaxPhotonStack = 16;
constexpr int kMaxFluorescence = 8;  // fluorescence photons from one photoabsorption
constexpr int kMaxChargedStack = 10;

// Where a track puts the particles it sets in motion (the "sink" concept; the other sink is a
// stage's queue budget, kernels/staged_transport.hh):
//   bool photon_room(int n), charged_room(int n): n more fit;
//   void push_photon(const PhotonState&), push_charged(const ChargedState&);
//   void push_under_top(const ChargedState&): a particle put back under the delta electron it
//     has just pushed (depth first here; a queue just appends);
//   bool room_for_photon_interaction(), room_for_charged_event(): whether the worst case of the
//     next interaction (a photon's: kMaxFluorescence photons and 2 charged; an electron's hard
//     event: 2 photons, or a delta and the particle itself) still fits. A history's stacks say
//     yes (an overflow deposits locally and is counted); a queue budget says no when it would
//     not, and the track then sets itself aside and returns, at a point where resuming
//     continues exactly as going on would have;
//   kDepthFirst: a photon waits under its Compton electron (true) or goes on (false).
// The history's stacks: one history's pending particles, fixed size (a GPU thread's stack).
struct SecondaryStacks {
  PhotonState photons[kMaxPhotonStack];
  ChargedState charged[kMaxChargedStack];
  int n_photons = 0;
  int n_charged = 0;

  static constexpr bool kDepthFirst = true;
  GD_HOST_DEVICE GD_FORCEINLINE bool photon_room(int n) const {
    return n_photons + n <= kMaxPhotonStack;
  }
  GD_HOST_DEVICE GD_FORCEINLINE bool charged_room(int n) const {
    return n_charged + n <= kMaxChargedStack;
  }
  GD_HOST_DEVICE GD_FORCEINLINE void push_photon(const PhotonState& p) { photons[n_photons++] = p; }
  GD_HOST_DEVICE GD_FORCEINLINE void push_charged(const ChargedState& c) {
    charged[n_charged++] = c;
  }
  // Under the top entry (the delta just pushed), so that the delta is taken first.
  GD_HOST_DEVICE GD_FORCEINLINE void push_under_top(const ChargedState& c) {
    charged[n_charged] = charged[n_charged - 1];
    charged[n_charged - 1] = c;
    ++n_charged;
  }
  GD_HOST_DEVICE GD_FORCEINLINE bool room_for_photon_interaction() const { return true; }
  GD_HOST_DEVICE GD_FORCEINLINE bool room_for_charged_event() const { return true; }
};

}  // namespace gpudose
