// CUDA photon runner (see cuda_photon_runner.hh). The history functor is the same code the CPU
// runs (kernels/photon_transport.hh); only the data it points at lives in device memory.
// Dose-image jobs run the batch loop of host/run/device_dose_batches.hh with the policy below.
#include <cuda_runtime.h>

#include <memory>
#include <string>
#include <vector>

#include "host/run/cuda_photon_runner.hh"
#include "host/run/device_dose_batches.hh"
#include "host/run/device_mirror.hh"
#include "host/run/staged_transport.hh"
#include "kernels/block_tally.hh"
#include "kernels/cuda_check.cuh"
#include "kernels/launch_cuda.cuh"

namespace gpudose {
namespace {

// DeviceMirror's policy on a CUDA device: cudaMalloc'd buffers (freed by the runner) and
// host-to-device copies.
struct CudaCopy {
  std::vector<void*>& allocations;
  void* allocate(std::size_t bytes) {
    void* p = nullptr;
    cuda_check(cudaMalloc(&p, bytes), "cudaMalloc(photon job data)");
    allocations.push_back(p);
    return p;
  }
  void copy(void* device, const void* host, std::size_t bytes) {
    cuda_check(cudaMemcpy(device, host, bytes, cudaMemcpyHostToDevice),
               "cudaMemcpy(photon job data)");
  }
};

// DeviceDoseBatches' policy on a CUDA device: the dose-image launch's arrays (freed by the
// runner), cudaMemset, the grid-stride kernel at the runner's launch configuration, and
// device-to-host copies (the first one after a launch reports a fault inside the kernel).
struct CudaDoseDevice {
  std::vector<void*>& allocations;
  CudaLaunch launch_config;
  void* allocate(std::size_t bytes) {
    void* p = nullptr;
    cuda_check(cudaMalloc(&p, bytes), "cudaMalloc(dose image arrays)");
    allocations.push_back(p);
    return p;
  }
  void zero(void* device, std::size_t bytes) {
    cuda_check(cudaMemset(device, 0, bytes), "cudaMemset(dose image arrays)");
  }
  void to_host(void* host, const void* device, std::size_t bytes) {
    cuda_check(cudaMemcpy(host, device, bytes, cudaMemcpyDeviceToHost),
               "photon_transport_dose kernel / dose image copy");
  }
  template <class F>
  void launch(std::uint64_t n, const F& f) {
    launch_cuda("photon_transport_dose", n, f, nullptr, launch_config.threads_per_block,
                launch_config.blocks_per_sm);
  }
};

// StagedTransport's policy on a CUDA device: the queues in device memory (freed by the runner),
// the stages as grid-stride kernels at the runner's launch configuration, and the queues' tail
// counters read and written with synchronous copies (the first read after a launch reports a
// fault inside it).
struct CudaStageDevice {
  std::vector<void*>& allocations;
  CudaLaunch launch_config;
  void* allocate(std::size_t bytes) {
    void* p = nullptr;
    cuda_check(cudaMalloc(&p, bytes), "cudaMalloc(staged transport queues)");
    allocations.push_back(p);
    return p;
  }
  template <class F>
  void launch(const char* name, std::uint64_t n, const F& f) {
    launch_cuda(name, n, f, nullptr, launch_config.threads_per_block, launch_config.blocks_per_sm);
  }
  std::uint64_t read(const std::uint64_t* p) {
    std::uint64_t v = 0;
    cuda_check(cudaMemcpy(&v, p, sizeof v, cudaMemcpyDeviceToHost), "staged transport stage");
    return v;
  }
  void write(std::uint64_t* p, std::uint64_t v) {
    cuda_check(cudaMemcpy(p, &v, sizeof v, cudaMemcpyHostToDevice), "staged transport queues");
  }
};

class CudaPhotonRunner : public BatchRunner {
 public:
  CudaPhotonRunner(const PhotonJob& job, int device, const CudaLaunch& launch,
                   std::uint64_t dose_batches)
      : device_(device), launch_(launch) {
    cuda_check(cudaSetDevice(device_), "cudaSetDevice");
    cudaDeviceProp prop{};
    cuda_check(cudaGetDeviceProperties(&prop, device_), "cudaGetDeviceProperties");
    name_ = "cuda " + std::to_string(device_) + " (" + prop.name + ")";
    if (!(launch_ == CudaLaunch{})) name_ += " launch " + to_string(launch_);
    if (dose_batches > 0) check_dose_memory(job, dose_batches);
    // Which arrays are copied and which pointers rewritten: device_mirror.hh (tested on the
    // host with a stand-in policy, tests/host/run/device_mirror_test.cc).
    CudaCopy policy{allocations_};
    DeviceMirror<CudaCopy> mirror(policy);
    history_ = mirror.mirror(job);
    if (dose_batches > 0) {
      dose_device_ = std::make_unique<CudaDoseDevice>(CudaDoseDevice{allocations_, launch_});
      // The mirrored functor's phantom view points at the device's labels: the voxel tally
      // reads the same copy.
      dose_ = std::make_unique<DeviceDoseBatches<CudaDoseDevice>>(
          *dose_device_, history_, history_.phantom, static_cast<std::size_t>(job.num_bins()),
          dose_batches);
    }
  }

  ~CudaPhotonRunner() override {
    cudaSetDevice(device_);
    for (void* p : allocations_) cudaFree(p);
    if (tallies_) cudaFree(tallies_);
  }

  std::string name() const override { return name_; }

  // About launch_.histories_per_launch histories per launch (whole batches, at least one); for
  // a dose image, the batches whose voxel arrays the device holds.
  std::uint64_t preferred_batches() const override {
    return dose_ ? dose_->batches_per_launch() : preferred_;
  }

  void run(const BatchPlan& plan, std::uint64_t first, std::uint64_t count,
           std::vector<BatchResult>& out) override {
    cuda_check(cudaSetDevice(device_), "cudaSetDevice");
    if (dose_) {
      dose_->run(plan, first, count, out);
      return;
    }
    preferred_ = std::max<std::uint64_t>(1, launch_.histories_per_launch / plan.batch_size);
    const std::size_t words = count * plan.num_bins;
    if (words > tally_words_) {
      if (tallies_) cudaFree(tallies_);
      cuda_check(cudaMalloc(&tallies_, words * sizeof(std::uint64_t)), "cudaMalloc(tallies)");
      tally_words_ = words;
    }
    cuda_check(cudaMemset(tallies_, 0, words * sizeof(std::uint64_t)), "cudaMemset(tallies)");
    const std::uint64_t h0 = plan.first_history(first);
    std::uint64_t n = 0;
    for (std::uint64_t b = first; b < first + count; ++b) n += plan.histories_in(b);
    if (launch_.staged) {
      if (!staged_) {
        stage_device_ = std::make_unique<CudaStageDevice>(CudaStageDevice{allocations_, launch_});
        staged_ = std::make_unique<StagedTransport<PhotonHistoryFunctor, CudaStageDevice>>(
            *stage_device_, history_, StageCapacities{});
      }
      staged_->run(h0, n,
                   StageTallies{plan.batch_size, first, static_cast<int>(plan.num_bins), tallies_});
    } else {
      run_by_history(plan, first, count, h0, n);
    }
    std::vector<std::uint64_t> host(words);
    cuda_check(
        cudaMemcpy(host.data(), tallies_, words * sizeof(std::uint64_t), cudaMemcpyDeviceToHost),
        "photon_transport kernel / tally copy");
    for (std::uint64_t k = 0; k < count; ++k) {
      BatchResult r{first + k, plan.histories_in(first + k),
                    std::vector<std::uint64_t>(host.begin() + k * plan.num_bins,
                                               host.begin() + (k + 1) * plan.num_bins)};
      out.push_back(std::move(r));
    }
  }

 private:
  // One thread per history: block-level tally aggregation, or per-thread atomics.
  void run_by_history(const BatchPlan& plan, std::uint64_t first, std::uint64_t count,
                      std::uint64_t h0, std::uint64_t n) {
    const BlockAggregatedHistories<PhotonHistoryFunctor> blocks{
        history_, h0, plan.batch_size, first, count, static_cast<int>(plan.num_bins), tallies_};
    // Shared memory per block without opting in: 48 KiB (AF: 2 batches x ~150 bins = 2.4 KiB;
    // a user phantom with thousands of labels falls back to per-thread atomics).
    if (launch_.block_tally && block_window_bytes(blocks) <= 48 * 1024) {
      launch_cuda_blocks("photon_transport", n, blocks, nullptr, launch_.threads_per_block,
                         launch_.blocks_per_sm);
    } else {
      launch_cuda("photon_transport", n,
                  BatchedHistories<PhotonHistoryFunctor>{history_, h0, plan.batch_size, first,
                                                         static_cast<int>(plan.num_bins), tallies_},
                  nullptr, launch_.threads_per_block, launch_.blocks_per_sm);
    }
  }

  // Before anything is copied: the whole dose-image job must fit in the device's free memory,
  // else one line saying how much it needs (device_dose_batches.hh).
  void check_dose_memory(const PhotonJob& job, std::uint64_t batches) const {
    std::size_t free = 0, total = 0;
    cuda_check(cudaMemGetInfo(&free, &total), "cudaMemGetInfo");
    check_device_dose_memory(name_, job.device_bytes(), static_cast<std::size_t>(job.num_bins()),
                             job.phantom().num_voxels(), batches, free, total);
  }

  int device_;
  CudaLaunch launch_;
  std::string name_;
  PhotonHistoryFunctor history_;
  std::vector<void*> allocations_;
  std::uint64_t* tallies_ = nullptr;
  std::size_t tally_words_ = 0;
  std::uint64_t preferred_ = 64;
  std::unique_ptr<CudaDoseDevice> dose_device_;
  std::unique_ptr<DeviceDoseBatches<CudaDoseDevice>> dose_;  // dose-image jobs only
  std::unique_ptr<CudaStageDevice> stage_device_;
  std::unique_ptr<StagedTransport<PhotonHistoryFunctor, CudaStageDevice>> staged_;  // :staged
};

}  // namespace

std::unique_ptr<BatchRunner> make_cuda_photon_runner(const PhotonJob& job, int device,
                                                     const CudaLaunch& launch,
                                                     std::uint64_t dose_batches_per_launch) {
  return std::make_unique<CudaPhotonRunner>(job, device, launch, dose_batches_per_launch);
}

}  // namespace gpudose
