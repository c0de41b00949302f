// The CPU tally of dose-image jobs: the label bins of PlainTally plus, for every deposit the
// transport makes with its point (kernels/spatial_deposit.hh), the voxel it lands in. A batch's
// voxel deposits are collected in a list (consecutive deposits to one voxel merged: an electron
// deposits tens of times per voxel it crosses) and reduced to one entry per voxel at the end of
// the batch, so a worker needs memory for what a batch touches, not for the whole grid.
//
// Every energy deposit of label L goes to a voxel of label L: the point's voxel, or, when
// rounding puts a point on a face shared with a voxel of another label, the first neighbour
// (of the 26) that has label L (voxel_of_label, kernels/voxel_dose_tally.hh, shared with the
// CUDA runner's tally). Summing a dose image over an organ's voxels therefore gives the
// organ's tally exactly (tests/host/run/dose_image_test.cc).
#pragma once

#include <algorithm>
#include <cstdint>
#include <vector>

#include "host/run/statistics.hh"
#include "kernels/voxel_dose_tally.hh"
#include "kernels/voxel_phantom.hh"

namespace gpudose {

struct VoxelTally {
  std::uint64_t* bins;
  VoxelPhantomView phantom;
  std::vector<VoxelDeposit>* deposits;

  void deposit(int bin, std::uint64_t units) const { bins[bin] += units; }
  void deposit_at(int label, std::uint64_t units, double x, double y, double z) const {
    bins[label] += units;
    if (units == 0) return;
    const std::uint32_t v = voxel_of_label(label, x, y, z);
    if (!deposits->empty() && deposits->back().voxel == v) {
      deposits->back().units += units;
    } else {
      deposits->push_back(VoxelDeposit{v, units});
    }
  }

  // The voxel holding (x, y, z), or the neighbour of label `label` next to it: the rule the
  // device tally uses too (kernels/voxel_dose_tally.hh).
  std::uint32_t voxel_of_label(int label, double x, double y, double z) const {
    return gpudose::voxel_of_label(phantom, label, x, y, z);
  }
};

// Sorts a batch's voxel deposits by voxel and merges those of one voxel (integer sums: the
// result does not depend on the order they were made in).
inline void reduce_voxel_deposits(std::vector<VoxelDeposit>& d) {
  std::sort(d.begin(), d.end(),
            [](const VoxelDeposit& a, const VoxelDeposit& b) { return a.voxel < b.voxel; });
  std::size_t out = 0;
  for (std::size_t i = 0; i < d.size(); ++i) {
    if (out > 0 && d[out - 1].voxel == d[i].voxel) {
      d[out - 1].units += d[i].units;
    } else {
      d[out++] = d[i];
    }
  }
  d.resize(out);
}

// A batch's dense voxel array (one fixed-point word per voxel, as the CUDA runner copies it
// back) as the CPU runner reports it: one entry per voxel that received energy, ascending.
inline void dense_voxel_deposits(const std::uint64_t* dense, std::size_t num_voxels,
                                 std::vector<VoxelDeposit>& out) {
  out.clear();
  for (std::size_t v = 0; v < num_voxels; ++v) {
    if (dense[v] != 0) out.push_back(VoxelDeposit{static_cast<std::uint32_t>(v), dense[v]});
  }
}

}  // namespace gpudose
