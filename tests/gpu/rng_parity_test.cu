// GPU parity: our Philox on the device equals cuRAND's Philox4_32_10 for the same key and
// counter, equals our Philox on the host bit for bit, and device atomics give the same
// fixed-point tallies as the host. Skipped (not failed) when no CUDA device is visible.
#include <curand_kernel.h>
#include <gtest/gtest.h>

#include <vector>

#include "host/run/cuda_devices.hh"
#include "kernels/atomics.hh"
#include "kernels/cuda_check.cuh"
#include "kernels/fixed_energy.hh"
#include "kernels/launch.hh"
#include "kernels/launch_cuda.cuh"
#include "kernels/rng_fill.hh"

namespace gpudose {
namespace {

#define REQUIRE_GPU()                                                              \
  do {                                                                             \
    const CudaAvailability cuda = query_cuda_devices();                            \
    if (cuda.devices.empty()) GTEST_SKIP() << "no CUDA device: " << cuda.why_none; \
  } while (0)

// cuRAND's own Philox4_32_10 with our stream layout: key = seed, subsequence = history,
// offset = 4 * (job << 32) words (see kernels/philox.hh).
__global__ void curand_words(unsigned long long seed, unsigned job, unsigned long long first,
                             unsigned draws, unsigned long long n, std::uint32_t* out) {
  const unsigned long long i = blockIdx.x * 1ull * blockDim.x + threadIdx.x;
  if (i >= n) return;
  curandStatePhilox4_32_10_t state;
  curand_init(seed, first + i, 4ull * (static_cast<unsigned long long>(job) << 32), &state);
  for (unsigned d = 0; d < draws; ++d) out[i * draws + d] = curand(&state);
}

TEST(GpuRng, MatchesCurandPhilox) {
  REQUIRE_GPU();
  const std::uint64_t n = 4096, seed = 0xfeedfacecafebeefull, first = (5ull << 32) + 11;
  const std::uint32_t job = 3, draws = 9;
  std::vector<std::uint32_t> ours(n * draws), theirs(n * draws);
  rng_fill_cuda(seed, job, first, draws, n, ours.data());
  std::uint32_t* dev = nullptr;
  cuda_check(cudaMalloc(&dev, theirs.size() * 4), "cudaMalloc");
  curand_words<<<(n + 127) / 128, 128>>>(seed, job, first, draws, n, dev);
  cuda_check(cudaGetLastError(), "curand_words launch");
  cuda_check(cudaMemcpy(theirs.data(), dev, theirs.size() * 4, cudaMemcpyDeviceToHost), "copy");
  cudaFree(dev);
  EXPECT_EQ(ours, theirs);
}

TEST(GpuRng, DeviceEqualsHost) {
  REQUIRE_GPU();
  const std::uint64_t n = 10000;
  const std::uint32_t draws = 5;
  std::vector<std::uint32_t> gpu(n * draws), cpu(n * draws);
  rng_fill_cuda(77, 1, 1000, draws, n, gpu.data());
  launch_cpu(n, RngFill{77, 1, 1000, draws, cpu.data()}, 2);
  EXPECT_EQ(gpu, cpu);
}

struct DeviceDeposit {
  std::uint64_t* tally;
  std::uint32_t regions;
  GD_HOST_DEVICE void operator()(std::uint64_t i) const {
    RngStream rng(5, 0, i);
    const double e = 1e-6 * pow(1e7, rng.uniform());
    atomic_add(&tally[i % regions], to_fixed(e));
  }
};

TEST(GpuTally, AtomicsGiveHostIntegers) {
  REQUIRE_GPU();
  const std::uint64_t n = 1 << 20;
  const std::uint32_t regions = 31;
  std::vector<std::uint64_t> cpu(regions, 0), gpu(regions, 0);
  launch_cpu(n, DeviceDeposit{cpu.data(), regions}, 2);
  std::uint64_t* dev = nullptr;
  cuda_check(cudaMalloc(&dev, regions * 8), "cudaMalloc");
  cuda_check(cudaMemset(dev, 0, regions * 8), "cudaMemset");
  launch_cuda("device_deposit", n, DeviceDeposit{dev, regions});
  cuda_check(cudaMemcpy(gpu.data(), dev, regions * 8, cudaMemcpyDeviceToHost), "copy");
  cudaFree(dev);
  // pow() in CUDA's libm may differ from glibc's in the last bit, so compare the totals to
  // rounding (not bitwise); GPU-vs-GPU bitwise equality is the determinism contract.
  for (std::uint32_t r = 0; r < regions; ++r) {
    EXPECT_NEAR(fixed_to_mev(gpu[r]), fixed_to_mev(cpu[r]), 1e-9 * fixed_to_mev(cpu[r]));
  }
}

TEST(GpuLaunch, BadLaunchNamesTheKernel) {
  REQUIRE_GPU();
  try {
    launch_cuda("deliberately_bad", 10, DeviceDeposit{nullptr, 1}, nullptr, 4096);
    FAIL() << "expected CudaError";
  } catch (const CudaError& e) {
    EXPECT_NE(std::string(e.what()).find("deliberately_bad"), std::string::npos);
  }
}

}  // namespace
}  // namespace gpudose
