// Coarse majorant grid for Woodcock (delta) tracking.
//
// Woodcock tracking (E. R. Woodcock et al., ANL-7050 (1965) 557; L. L. Carter, E. D. Cashwell,
// W. M. Taylor, Nucl. Sci. Eng. 48 (1972) 403) samples flights with a majorant mu_maj >= mu and
// accepts a tentative collision as real with probability mu/mu_maj. One global majorant would be
// set by the densest medium (teeth, 2.75 g/cm3) and waste most steps in soft tissue, so the
// majorant is piecewise constant: per block of block^3 voxels and per coarse energy bin (uniform
// in ln E), it bounds mu of every voxel in the block at every energy in the bin. A flight that
// reaches the block boundary is stopped there and resampled with the next block's majorant,
// which is exact by the memorylessness of the exponential law (the same construction as in
// MC-GPU's and other voxel codes' "super-voxel" majorants).
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/portability.hh"

namespace gpudose {

constexpr int kMixedBlock = 255;  // uniform_label of a block holding several labels

struct MajorantGridView {
  int block = 8;  // voxels per block edge (all axes)
  int nbx = 0, nby = 0, nbz = 0;
  int num_ebins = 0;    // coarse energy bins, uniform in ln E
  double log_e0 = 0;    // ln of the lower edge of bin 0 (MeV)
  double inv_dlog = 0;  // bins per unit of ln E
  // Block edges (cm) and the reciprocals of the block and voxel edges, from the phantom's voxel
  // size when the grid is built: the flight loop multiplies by them and reads them from here
  // where it needs them (kept in locals for a whole track, they held registers of every
  // photon-stage thread).
  double block_dx = 0, block_dy = 0, block_dz = 0;
  double inv_block_dx = 0, inv_block_dy = 0, inv_block_dz = 0;
  double inv_voxel_dx = 0, inv_voxel_dy = 0, inv_voxel_dz = 0;
  // [bin * blocks + block index], cm^-1. Energy-major: a photon keeps its energy during a
  // flight and walks through neighbouring blocks, so for one bin the values it reads sit
  // together (block-major order made this lookup the top cache-miss of the tracking loop).
  const float* mu = nullptr;
  // [same layout]: 1 / mu, double (0 where mu is 0), so that the flight loop never divides.
  const double* inv_mu = nullptr;
  // [block index]: the one label every voxel of the block has, or kMixedBlock.
  const std::uint8_t* uniform_label = nullptr;

  GD_HOST_DEVICE GD_FORCEINLINE int energy_bin(double e_mev) const {
    return energy_bin_of_log(log(e_mev));
  }
  GD_HOST_DEVICE GD_FORCEINLINE int energy_bin_of_log(double log_e) const {
    int k = static_cast<int>((log_e - log_e0) * inv_dlog);
    return k < 0 ? 0 : (k >= num_ebins ? num_ebins - 1 : k);
  }
  GD_HOST_DEVICE GD_FORCEINLINE int block_index(int bx, int by, int bz) const {
    return (bz * nby + by) * nbx + bx;
  }
  GD_HOST_DEVICE GD_FORCEINLINE double value(int block_index, int ebin) const {
    return mu[static_cast<long long>(ebin) * nbx * nby * nbz + block_index];
  }
  GD_HOST_DEVICE GD_FORCEINLINE double inverse(int block_index, int ebin) const {
    return inv_mu[static_cast<long long>(ebin) * nbx * nby * nbz + block_index];
  }
};

}  // namespace gpudose
