// Launch abstraction, CUDA side: run the same per-item functor as launch_cpu() as a grid-stride
// CUDA kernel. Include only from .cu files.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <string>

#include "kernels/cuda_check.cuh"

namespace gpudose {

template <class F>
__global__ void for_each_item_kernel(std::uint64_t n, F f) {
  const std::uint64_t stride = static_cast<std::uint64_t>(gridDim.x) * blockDim.x;
  for (std::uint64_t i = static_cast<std::uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += stride) {
    f(i);
  }
}

// Launches f over [0, n) on `stream` of the current device: blocks of `block_size` threads, at
// most `blocks_per_sm` blocks per multiprocessor (the loop is grid-stride, so any grid covers n;
// the cap only bounds the launch's size). Both are parameters so that a caller can sweep them;
// results never depend on them (items are keyed by index). `name` appears in any error, e.g.
// "launch of photon_transport failed (cudaErrorInvalidConfiguration: ...)". Asynchronous: a
// fault inside the kernel is reported by the next checked synchronisation.
template <class F>
void launch_cuda(const char* name, std::uint64_t n, const F& f, cudaStream_t stream = nullptr,
                 int block_size = 256, int blocks_per_sm = 32) {
  if (n == 0) return;
  int device = 0, sms = 0;
  cuda_check(cudaGetDevice(&device), name);
  cuda_check(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device), name);
  const std::uint64_t wanted = (n + block_size - 1) / block_size;
  const std::uint64_t cap = static_cast<std::uint64_t>(sms) * blocks_per_sm;
  const unsigned grid = static_cast<unsigned>(wanted < cap ? wanted : cap);
  for_each_item_kernel<<<grid, block_size, 0, stream>>>(n, f);
  const cudaError_t status = cudaGetLastError();
  if (status != cudaSuccess) {
    throw CudaError(std::string("launch of ") + name + " failed (" + cudaGetErrorName(status) +
                    ": " + cudaGetErrorString(status) + ")");
  }
}

}  // namespace gpudose
