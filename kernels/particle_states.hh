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

namespace gpudose {

struct PhotonState {
  double x, y, z;
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
  int primary;          // 1 for the source particle itself (path-length diagnostic)
  // The particle's random stream (kernels/philox.hh): set by child_of() or set_aside(); the
  // word sits in what was padding before `path`.
  std::uint32_t word;
  double path;  // path length travelled so far (cm; the diagnostic of the primary)
  std::uint64_t id;
};

// A new particle created by the one drawing from `parent`: its own stream, from its first word.
// Every secondary goes through this (a state built without it would replay stream 0).
template <class State, class Rng>
GD_HOST_DEVICE GD_FORCEINLINE State child_of(State s, Rng& parent) {
  s.id = parent.spawn();
  s.word = 0;
  return s;
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
constexpr int kMaxChargedStack = 10;

struct SecondaryStacks {
  PhotonState photons[kMaxPhotonStack];
  ChargedState charged[kMaxChargedStack];
  int n_photons = 0;
  int n_charged = 0;
};

}  // namespace gpudose
