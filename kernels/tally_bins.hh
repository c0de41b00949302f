// Layout of a history tally (a Tally has deposit(bin, units)) for a phantom of `num_labels`
// labels: 0 .. num_labels-1 energy deposited in voxels of each label (fixed-point units), then
//   escaped_bin:            all energy leaving the phantom box,
//   escaped_uncollided_bin: the part of it carried by photons that never interacted,
//   overflow_bin:           number of secondaries deposited locally because a stack was full
//                           (a count, not energy; expected 0),
//   path_bin:               total path length of source electrons/positrons in units of
//                           2^-32 cm (a diagnostic for the CSDA-range test; 0 for photons).
#pragma once

#include "kernels/portability.hh"

namespace gpudose {

GD_HOST_DEVICE constexpr int photon_tally_bins(int num_labels) { return num_labels + 4; }
GD_HOST_DEVICE constexpr int escaped_bin(int num_labels) { return num_labels; }
GD_HOST_DEVICE constexpr int escaped_uncollided_bin(int num_labels) { return num_labels + 1; }
GD_HOST_DEVICE constexpr int overflow_bin(int num_labels) { return num_labels + 2; }
GD_HOST_DEVICE constexpr int path_bin(int num_labels) { return num_labels + 3; }

}  // namespace gpudose
