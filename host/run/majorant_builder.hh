// Builds the coarse Woodcock majorant grid of kernels/majorant_grid.hh for a phantom.
#pragma once

#include <functional>
#include <vector>

#include "kernels/majorant_grid.hh"
#include "kernels/voxel_phantom.hh"

namespace gpudose {

class MajorantGrid {
 public:
  // `label_bound(label, e_lo, e_hi)` must return an upper bound of the linear attenuation
  // coefficient (1/cm) of voxels with that label for every energy in [e_lo, e_hi] (MeV).
  // Energy bins: `num_ebins` uniform in ln E over [e_min, e_max]; blocks of block^3 voxels.
  MajorantGrid(const VoxelPhantomView& phantom, int block, int num_ebins, double e_min,
               double e_max, const std::function<double(int, double, double)>& label_bound);

  MajorantGridView view() const;
  std::size_t bytes() const {
    return mu_.size() * sizeof(float) + inv_mu_.size() * sizeof(double) + uniform_label_.size();
  }
  const std::vector<double>& inverse() const { return inv_mu_; }
  const std::vector<std::uint8_t>& uniform_label() const { return uniform_label_; }

 private:
  MajorantGridView shape_;
  std::vector<float> mu_;
  std::vector<double> inv_mu_;  // 1 / mu_ (0 where mu_ is 0)
  std::vector<std::uint8_t> uniform_label_;
};

}  // namespace gpudose
