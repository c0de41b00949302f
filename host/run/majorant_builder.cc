#include "host/run/majorant_builder.hh"

#include <bitset>
#include <cmath>
#include <stdexcept>

namespace gpudose {

MajorantGrid::MajorantGrid(const VoxelPhantomView& ph, int block, int num_ebins, double e_min,
                           double e_max,
                           const std::function<double(int, double, double)>& label_bound) {
  if (block < 1 || num_ebins < 1 || !(e_min > 0 && e_max > e_min) || ph.num_labels >= kMixedBlock) {
    throw std::invalid_argument("majorant grid: bad block size, energy bins or label count");
  }
  shape_.block = block;
  shape_.nbx = (ph.nx + block - 1) / block;
  shape_.nby = (ph.ny + block - 1) / block;
  shape_.nbz = (ph.nz + block - 1) / block;
  shape_.num_ebins = num_ebins;
  shape_.block_dx = block * ph.dx;
  shape_.block_dy = block * ph.dy;
  shape_.block_dz = block * ph.dz;
  shape_.inv_block_dx = 1.0 / (block * ph.dx);
  shape_.inv_block_dy = 1.0 / (block * ph.dy);
  shape_.inv_block_dz = 1.0 / (block * ph.dz);
  shape_.inv_voxel_dx = 1.0 / ph.dx;
  shape_.inv_voxel_dy = 1.0 / ph.dy;
  shape_.inv_voxel_dz = 1.0 / ph.dz;
  shape_.log_e0 = std::log(e_min);
  shape_.inv_dlog = num_ebins / (std::log(e_max) - std::log(e_min));

  // Upper bound per label and energy bin, rounded up when narrowed to float.
  std::vector<float> label_mu(static_cast<std::size_t>(ph.num_labels) * num_ebins);
  for (int l = 0; l < ph.num_labels; ++l) {
    for (int k = 0; k < num_ebins; ++k) {
      const double lo = std::exp(shape_.log_e0 + k / shape_.inv_dlog);
      const double hi = std::exp(shape_.log_e0 + (k + 1) / shape_.inv_dlog);
      // The first and last bins also serve energies outside [e_min, e_max] (clamped bins).
      const double bound = label_bound(l, k == 0 ? lo * 0.5 : lo, k == num_ebins - 1 ? hi * 2 : hi);
      float f = static_cast<float>(bound);
      if (static_cast<double>(f) < bound) f = std::nextafter(f, INFINITY);
      label_mu[static_cast<std::size_t>(l) * num_ebins + k] = f;
    }
  }
  // Labels present in each block, then the block majorant = max over them.
  const std::size_t blocks = static_cast<std::size_t>(shape_.nbx) * shape_.nby * shape_.nbz;
  std::vector<std::bitset<256>> present(blocks);
  for (int iz = 0; iz < ph.nz; ++iz) {
    for (int iy = 0; iy < ph.ny; ++iy) {
      const std::uint8_t* row = ph.labels + ph.voxel_index(0, iy, iz);
      const std::size_t bbase =
          (static_cast<std::size_t>(iz / block) * shape_.nby + iy / block) * shape_.nbx;
      for (int ix = 0; ix < ph.nx; ++ix) present[bbase + ix / block].set(row[ix]);
    }
  }
  uniform_label_.assign(blocks, kMixedBlock);
  for (std::size_t b = 0; b < blocks; ++b) {
    if (present[b].count() == 1) {
      for (int l = 0; l < ph.num_labels; ++l) {
        if (present[b].test(l)) uniform_label_[b] = static_cast<std::uint8_t>(l);
      }
    }
  }
  mu_.assign(blocks * num_ebins, 0.0f);
  for (std::size_t b = 0; b < blocks; ++b) {
    for (int l = 0; l < ph.num_labels; ++l) {
      if (!present[b].test(l)) continue;
      const float* in = &label_mu[static_cast<std::size_t>(l) * num_ebins];
      for (int k = 0; k < num_ebins; ++k) {
        float& out = mu_[static_cast<std::size_t>(k) * blocks + b];
        out = std::max(out, in[k]);
      }
    }
  }
  // Reciprocals, once per job: the flight loop multiplies by them (a zero majorant, a block of
  // vacuum, is always crossed, so its reciprocal is never used; 0 marks it).
  inv_mu_.resize(mu_.size());
  for (std::size_t i = 0; i < mu_.size(); ++i) {
    inv_mu_[i] = mu_[i] > 0 ? 1.0 / static_cast<double>(mu_[i]) : 0.0;
  }
}

MajorantGridView MajorantGrid::view() const {
  MajorantGridView v = shape_;
  v.mu = mu_.data();
  v.inv_mu = inv_mu_.data();
  v.uniform_label = uniform_label_.data();
  return v;
}

}  // namespace gpudose
