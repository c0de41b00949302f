// CUDA launch of RngFill (the functor itself lives in rng_fill.hh, shared with the CPU).
#include "kernels/launch_cuda.cuh"
#include "kernels/rng_fill.hh"

namespace gpudose {

void rng_fill_cuda(std::uint64_t seed, std::uint32_t job, std::uint64_t first_history,
                   std::uint32_t draws, std::uint64_t n, std::uint32_t* host_out) {
  const std::size_t bytes = n * draws * sizeof(std::uint32_t);
  std::uint32_t* device_out = nullptr;
  cuda_check(cudaMalloc(&device_out, bytes), "cudaMalloc(rng_fill output)");
  try {
    launch_cuda("rng_fill", n, RngFill{seed, job, first_history, draws, device_out});
    cuda_check(cudaDeviceSynchronize(), "rng_fill kernel");
    cuda_check(cudaMemcpy(host_out, device_out, bytes, cudaMemcpyDeviceToHost),
               "cudaMemcpy(rng_fill output)");
  } catch (...) {
    cudaFree(device_out);
    throw;
  }
  cuda_check(cudaFree(device_out), "cudaFree(rng_fill output)");
}

}  // namespace gpudose
