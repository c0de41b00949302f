// Dose images on a device: the tally type and the launch functor of dose-image jobs on the CUDA
// back end, written once and run either as the CUDA kernel (host/run/cuda_photon_runner.cu) or
// through launch_cpu with host atomics (tests/host/run/cuda_dose_image_test.cc, the proof
// without a GPU that the device path's dose image equals the CPU runner's bit for bit).
//
// The CPU runner keeps a sparse list of deposits per worker (host/run/voxel_tally.hh); a GPU
// runs tens of thousands of histories at once into shared memory, so here every batch in flight
// owns a dense array of one 64-bit fixed-point word per voxel and deposits are 64-bit atomic
// adds: integer sums, so the array is the same whatever order the threads add in, and equals the
// CPU runner's reduced list voxel for voxel. Which voxel a deposit lands in is decided by
// voxel_of_label below, the one rule both back ends use.
//
// The organ-only launch (BatchedHistories, kernels/photon_transport.hh) is untouched: dose-image
// jobs are another instantiation of the kernel, so organ-only jobs keep their registers and
// stack (tools/kernel-resources reports both kernels).
#pragma once

#include <cstdint>

#include "kernels/atomics.hh"
#include "kernels/portability.hh"
#include "kernels/step_counters.hh"
#include "kernels/voxel_phantom.hh"

namespace gpudose {

// The voxel a deposit of label `label` at (x, y, z) (cm) is tallied to: the point's voxel, or,
// when rounding puts the point on a face shared with a voxel of another label, the first of
// its 26 neighbours (z, then y, then x outermost to innermost, -1 to +1) that has label `label`.
// So every deposit of a label lands in a voxel of that label, and summing a dose image over an
// organ gives the organ's tally exactly.
GD_HOST_DEVICE inline std::uint32_t voxel_of_label(const VoxelPhantomView& phantom, int label,
                                                   double x, double y, double z) {
  int ix, iy, iz;
  phantom.voxel_of(x, y, z, ix, iy, iz);
  const std::uint32_t v = phantom.voxel_index(ix, iy, iz);
  if (phantom.labels[v] == label) return v;
  for (int oz = -1; oz <= 1; ++oz) {
    for (int oy = -1; oy <= 1; ++oy) {
      for (int ox = -1; ox <= 1; ++ox) {
        const int jx = ix + ox, jy = iy + oy, jz = iz + oz;
        if (jx < 0 || jy < 0 || jz < 0 || jx >= phantom.nx || jy >= phantom.ny ||
            jz >= phantom.nz) {
          continue;
        }
        const std::uint32_t w = phantom.voxel_index(jx, jy, jz);
        if (phantom.labels[w] == label) return w;
      }
    }
  }
  return v;  // not reached by the transport (a label is only deposited where it is)
}

// The device tally of a dose-image history: the label bins of its batch and the batch's dense
// voxel array, both by 64-bit atomic adds. Like CoalescingTally, consecutive deposits to one bin
// and to one voxel are summed in registers and added once per run (an electron deposits tens of
// times per voxel it crosses); flush() at the end of the history. Spatial (it has deposit_at,
// kernels/spatial_deposit.hh), so range rejection works within a voxel exactly as with the
// CPU's VoxelTally.
struct AtomicVoxelTally {
  std::uint64_t* bins;    // the batch's label bins
  std::uint64_t* voxels;  // the batch's voxel array, grid.num_voxels() words
  VoxelPhantomView grid;  // labels in the memory the launch runs in
  mutable int bin = -1;
  mutable std::uint64_t bin_units = 0;
  mutable std::uint32_t voxel = 0;
  mutable std::uint64_t voxel_units = 0;

  GD_HOST_DEVICE GD_FORCEINLINE void deposit(int b, std::uint64_t u) const {
    if (b != bin) {
      flush_bin();
      bin = b;
    }
    bin_units += u;
  }
  GD_HOST_DEVICE void deposit_at(int label, std::uint64_t u, double x, double y, double z) const {
    deposit(label, u);
    if (u == 0) return;
    const std::uint32_t v = voxel_of_label(grid, label, x, y, z);
    if (voxel_units != 0 && v != voxel) flush_voxel();
    voxel = v;
    voxel_units += u;
  }
  GD_HOST_DEVICE GD_FORCEINLINE void flush() const {
    flush_bin();
    flush_voxel();
  }

 private:
  GD_HOST_DEVICE GD_FORCEINLINE void flush_bin() const {
    if (bin_units != 0) atomic_add(&bins[bin], bin_units);
    bin_units = 0;
  }
  GD_HOST_DEVICE GD_FORCEINLINE void flush_voxel() const {
    if (voxel_units != 0) atomic_add(&voxels[voxel], voxel_units);
    voxel_units = 0;
  }
};

// BatchedHistories (kernels/photon_transport.hh) for dose-image jobs: item i is history
// first_history + i, tallied into the bins and the voxel array of its own batch, so one launch
// serves several batches. The caller zeroes both arrays of every batch before the launch.
template <class History>
struct BatchedDoseHistories {
  History history;
  std::uint64_t first_history;
  std::uint64_t batch_size;
  std::uint64_t first_batch;
  int bins;
  std::uint64_t* tallies;  // [batches][bins]
  std::uint64_t* voxels;   // [batches][grid.num_voxels()]
  VoxelPhantomView grid;

  GD_HOST_DEVICE void operator()(std::uint64_t i) const {
    const std::uint64_t h = first_history + i;
    const std::uint64_t k = h / batch_size - first_batch;
    const AtomicVoxelTally tally{tallies + k * static_cast<std::uint64_t>(bins),
                                 voxels + k * static_cast<std::uint64_t>(grid.num_voxels()), grid};
    run_history(history, h, tally, bins);
  }
};

}  // namespace gpudose
