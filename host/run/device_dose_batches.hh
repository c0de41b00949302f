// Dose images on a device back end: the batch loop of the CUDA runner for dose-image jobs,
// host-compilable and parameterised by a device policy (as device_mirror.hh is), so that the one
// loop serves the CUDA runner (cuda_photon_runner.cu: cudaMemset, the kernel, cudaMemcpy) and a
// test with host memory, launch_cpu and host atomics (tests/host/run/cuda_dose_image_test.cc),
// which must reproduce the CPU runner's per-batch voxel sums and VoxelStatistics bit for bit.
// A step left out here (the zeroing of a reused voxel array, say) fails that test without a GPU.
//
// Per launch, up to `batches_per_launch` consecutive batches: their label bins and their dense
// voxel arrays (kernels/voxel_dose_tally.hh) are zeroed, the batches' histories launched, the
// bins copied back, then each batch's voxel array copied back and turned into the sparse,
// ascending list the CPU runner reports (BatchResult::voxels), which VoxelStatistics folds in
// batch order exactly as on the CPU.
//
// Policy, a class with
//   void* allocate(std::size_t bytes);                      // device memory, owned by the policy
//   void zero(void* device, std::size_t bytes);
//   void to_host(void* host, const void* device, std::size_t bytes);
//   template <class F> void launch(std::uint64_t n, const F& f);  // f(i) for i in [0, n)
#pragma once

#include <algorithm>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "host/foundation/text_format.hh"
#include "host/foundation/user_error.hh"
#include "host/run/photon_job.hh"
#include "host/run/scheduler.hh"
#include "host/run/voxel_tally.hh"
#include "kernels/voxel_dose_tally.hh"

namespace gpudose {

// The device memory given to voxel arrays: as many batches per launch as fit in it (at least
// one), but no more than the launch's histories ask for. 1 GiB is 9 batches of AF's 14.3 M
// voxels: enough histories per launch to fill a GPU at any batch size the run picks, and small
// next to any data-centre GPU's memory.
constexpr std::size_t kDeviceDoseArrayBudget = std::size_t{1} << 30;

// Batches per launch of a dose-image job: histories_per_launch / batch_size, capped by
// kDeviceDoseArrayBudget / (8 bytes x voxels), at least 1.
inline std::uint64_t device_dose_batches_per_launch(std::uint64_t histories_per_launch,
                                                    std::uint64_t batch_size,
                                                    std::size_t num_voxels) {
  const std::uint64_t by_histories = histories_per_launch / std::max<std::uint64_t>(1, batch_size);
  const std::uint64_t by_memory =
      kDeviceDoseArrayBudget / (sizeof(std::uint64_t) * std::max<std::size_t>(1, num_voxels));
  return std::max<std::uint64_t>(1, std::min(by_histories, by_memory));
}

// Device bytes of a dose-image job: the job's data (phantom, tables, majorant, source:
// PhotonJob::device_bytes) plus, per batch of a launch, its label bins and one 64-bit word per
// voxel.
inline std::size_t device_dose_bytes(std::size_t job_bytes, std::size_t num_bins,
                                     std::size_t num_voxels, std::uint64_t batches_per_launch) {
  return job_bytes + static_cast<std::size_t>(batches_per_launch) * (num_bins + num_voxels) *
                         sizeof(std::uint64_t);
}

// Throws the one-line UserError of a dose-image job that does not fit in `free_bytes` of the
// device called `device` (the CUDA runner passes cudaMemGetInfo's figures, before it copies
// anything).
inline void check_device_dose_memory(const std::string& device, std::size_t job_bytes,
                                     std::size_t num_bins, std::size_t num_voxels,
                                     std::uint64_t batches_per_launch, std::size_t free_bytes,
                                     std::size_t total_bytes) {
  const std::size_t need = device_dose_bytes(job_bytes, num_bins, num_voxels, batches_per_launch);
  if (need <= free_bytes) return;
  const auto mib = [](std::size_t b) { return format_g(static_cast<double>(b) / 1048576.0); };
  throw UserError("a dose image does not fit on " + device,
                  "it needs " + mib(need) + " MiB (" + std::to_string(num_voxels) +
                      " voxels x 8 bytes x " + std::to_string(batches_per_launch) +
                      " batches per launch + " + mib(job_bytes) + " MiB of job data), " +
                      mib(free_bytes) + " MiB of " + mib(total_bytes) + " MiB are free",
                  "run with --backend cpu, or with fewer histories per launch (--launch "
                  "256x32xBATCH_SIZE runs one batch per launch)");
}

template <class Device>
class DeviceDoseBatches {
 public:
  // `history` and `grid` point at memory the policy's launches read (device memory for CUDA).
  DeviceDoseBatches(Device& device, const PhotonHistoryFunctor& history,
                    const VoxelPhantomView& grid, std::size_t num_bins,
                    std::uint64_t batches_per_launch)
      : device_(device),
        history_(history),
        grid_(grid),
        num_bins_(num_bins),
        num_voxels_(grid.num_voxels()),
        batches_(std::max<std::uint64_t>(1, batches_per_launch)) {
    tallies_ =
        static_cast<std::uint64_t*>(device_.allocate(batches_ * num_bins_ * sizeof(std::uint64_t)));
    voxels_ = static_cast<std::uint64_t*>(
        device_.allocate(batches_ * num_voxels_ * sizeof(std::uint64_t)));
  }

  std::uint64_t batches_per_launch() const { return batches_; }

  // Runs batches [first, first + count) of `plan` in launches of up to batches_per_launch();
  // appends one BatchResult per batch, with its voxel deposits, to `out`.
  void run(const BatchPlan& plan, std::uint64_t first, std::uint64_t count,
           std::vector<BatchResult>& out) {
    if (plan.num_bins != num_bins_) throw std::logic_error("dose batches of another tally size");
    const std::size_t bin_bytes = num_bins_ * sizeof(std::uint64_t);
    const std::size_t voxel_bytes = num_voxels_ * sizeof(std::uint64_t);
    staging_.resize(num_voxels_);
    for (std::uint64_t b = first; b < first + count; b += batches_) {
      const std::uint64_t k = std::min(batches_, first + count - b);
      // The arrays are reused launch after launch: each batch must start from zero.
      device_.zero(tallies_, k * bin_bytes);
      device_.zero(voxels_, k * voxel_bytes);
      std::uint64_t n = 0;
      for (std::uint64_t j = 0; j < k; ++j) n += plan.histories_in(b + j);
      device_.launch(n, BatchedDoseHistories<PhotonHistoryFunctor>{
                            history_, plan.first_history(b), plan.batch_size, b,
                            static_cast<int>(num_bins_), tallies_, voxels_, grid_});
      std::vector<std::uint64_t> bins(k * num_bins_);
      device_.to_host(bins.data(), tallies_, k * bin_bytes);
      for (std::uint64_t j = 0; j < k; ++j) {
        BatchResult r{b + j, plan.histories_in(b + j),
                      std::vector<std::uint64_t>(bins.begin() + j * num_bins_,
                                                 bins.begin() + (j + 1) * num_bins_)};
        device_.to_host(staging_.data(), voxels_ + j * num_voxels_, voxel_bytes);
        dense_voxel_deposits(staging_.data(), num_voxels_, r.voxels);
        out.push_back(std::move(r));
      }
    }
  }

 private:
  Device& device_;
  PhotonHistoryFunctor history_;
  VoxelPhantomView grid_;
  std::size_t num_bins_;
  std::size_t num_voxels_;
  std::uint64_t batches_;
  std::uint64_t* tallies_ = nullptr;    // [batches_][num_bins_], device
  std::uint64_t* voxels_ = nullptr;     // [batches_][num_voxels_], device
  std::vector<std::uint64_t> staging_;  // one batch's voxel array, host
};

}  // namespace gpudose
