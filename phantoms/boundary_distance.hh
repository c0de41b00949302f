// Distance from every voxel to the nearest label boundary: the input of the electron
// range-rejection fast path (kernels/electron_transport.hh). An electron whose residual CSDA
// range is shorter than this distance cannot leave its label region, so everything it deposits
// goes to that region's tally.
//
// The distance of voxel p is the exact minimum, over every point of p's box, of the Euclidean
// distance to the nearest face shared by two voxels of different labels or lying on the
// phantom box (leaving the box ends the track). To leave its label region a particle must cross
// such a face, so this is a lower bound of the path to any other label, valid from anywhere in
// the voxel. Computed per face orientation a: a voxel on either side of an a-face with a label
// change is a "face voxel"; the box-to-face distance is separable, |di| d_a along a (the face
// lies on the face voxel's boundary) and the box gap max(0, |dj| - 1) d_b along the two other
// axes. Each is a 1-D min-plus transform: the squared distance transform of Felzenszwalb and
// Huttenlocher ("Distance transforms of sampled functions", Theory of Computing 8 (2012) 415),
// after a 3-voxel min-dilation for the gap axes (min over t in {-1,0,1} of (di - t)^2 equals
// max(0, |di| - 1)^2 for integer di).
//
// Stored as one byte per voxel: floor(distance / unit_cm), capped at 255 (so a stored value is
// never above the true distance). With the default unit of 0.02 cm the cap, 5.1 cm, is the CSDA
// range of a 10 MeV electron in water.
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/voxel_phantom.hh"

namespace gpudose {

constexpr double kBoundaryDistanceUnitCm = 0.02;

// One byte per voxel (x fastest, the phantom's order), see the file comment. `threads` <= 0:
// all hardware threads.
std::vector<std::uint8_t> boundary_distance_map(const VoxelPhantomView& phantom,
                                                double unit_cm = kBoundaryDistanceUnitCm,
                                                int threads = 0);

}  // namespace gpudose
