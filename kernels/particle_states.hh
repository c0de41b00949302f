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

namespace gpudose {

struct PhotonState {
  double x, y, z;
  Vec3 d;
  double e;
  std::uint64_t units;
  bool collided;
};

struct ChargedState {
  double x, y, z;
  Vec3 d;
  double e;             // kinetic energy, MeV
  std::uint64_t units;  // kinetic energy, fixed point
  int positron;         // 0 electron, 1 positron (electron-table particle index)
  int primary;          // 1 for the source particle itself (path-length diagnostic)
  double path;          // path length travelled so far (cm; the diagnostic of the primary)
};

// Stack depths. A history's pending secondaries stay far below these: photons come from
// fluorescence, hard bremsstrahlung and annihilation, electrons from hard collisions and photon
// interactions. The transport pops charged particles first, and a particle that sets a delta
// electron in motion is put back on the stack under it (depth-first: a 10 MeV electron's ~50
// deltas never pile up), so the stacks hold a few entries. An overflow deposits the particle
// locally and is counted in overflow_bin() (tests check that it stays 0).
constexpr int kMaxPhotonStack = 16;
constexpr int kMaxChargedStack = 16;

struct SecondaryStacks {
  PhotonState photons[kMaxPhotonStack];
  ChargedState charged[kMaxChargedStack];
  int n_photons = 0;
  int n_charged = 0;
};

}  // namespace gpudose
