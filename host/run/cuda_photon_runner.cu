// CUDA photon runner (see cuda_photon_runner.hh). The history functor is the same code the CPU
// runs (kernels/photon_transport.hh); only the data it points at lives in device memory.
#include <cuda_runtime.h>

#include <string>
#include <vector>

#include "host/run/cuda_photon_runner.hh"
#include "host/run/device_mirror.hh"
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

class CudaPhotonRunner : public BatchRunner {
 public:
  CudaPhotonRunner(const PhotonJob& job, int device, const CudaLaunch& launch)
      : device_(device), launch_(launch) {
    cuda_check(cudaSetDevice(device_), "cudaSetDevice");
    cudaDeviceProp prop{};
    cuda_check(cudaGetDeviceProperties(&prop, device_), "cudaGetDeviceProperties");
    name_ = "cuda " + std::to_string(device_) + " (" + prop.name + ")";
    if (!(launch_ == CudaLaunch{})) name_ += " launch " + to_string(launch_);
    // Which arrays are copied and which pointers rewritten: device_mirror.hh (tested on the
    // host with a stand-in policy, tests/host/run/device_mirror_test.cc).
    CudaCopy policy{allocations_};
    DeviceMirror<CudaCopy> mirror(policy);
    history_ = mirror.mirror(job);
  }

  ~CudaPhotonRunner() override {
    cudaSetDevice(device_);
    for (void* p : allocations_) cudaFree(p);
    if (tallies_) cudaFree(tallies_);
  }

  std::string name() const override { return name_; }

  // About launch_.histories_per_launch histories per launch (whole batches, at least one).
  std::uint64_t preferred_batches() const override { return preferred_; }

  void run(const BatchPlan& plan, std::uint64_t first, std::uint64_t count,
           std::vector<BatchResult>& out) override {
    cuda_check(cudaSetDevice(device_), "cudaSetDevice");
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
  int device_;
  CudaLaunch launch_;
  std::string name_;
  PhotonHistoryFunctor history_;
  std::vector<void*> allocations_;
  std::uint64_t* tallies_ = nullptr;
  std::size_t tally_words_ = 0;
  std::uint64_t preferred_ = 64;
};

}  // namespace

std::unique_ptr<BatchRunner> make_cuda_photon_runner(const PhotonJob& job, int device,
                                                     const CudaLaunch& launch) {
  return std::make_unique<CudaPhotonRunner>(job, device, launch);
}

}  // namespace gpudose
