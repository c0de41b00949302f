// Launch abstraction, CUDA side: run the same per-item functor as launch_cpu() as a grid-stride
// CUDA kernel. Include only from .cu files.
#pragma once

#include <cuda_runtime.h>

#include <cstdint>
#include <string>

#include "kernels/cuda_check.cuh"

namespace gpudose {

// The functor is a __grid_constant__ parameter (CUDA 11.7, sm_70 and later): its members are
// read from the parameter space even where the transport takes its address (a member function
// that is not inlined gets `this`), instead of from a per-thread copy in local memory. A plain
// by-value parameter put the whole functor (1-1.4 KB for the transport) on every thread's stack.
template <class F>
__global__ void for_each_item_kernel(std::uint64_t n, const __grid_constant__ F f) {
  const std::uint64_t stride = static_cast<std::uint64_t>(gridDim.x) * blockDim.x;
  for (std::uint64_t i = static_cast<std::uint64_t>(blockIdx.x) * blockDim.x + threadIdx.x; i < n;
       i += stride) {
    f(i);
  }
}

// Blocks of a grid-stride launch over n items: enough to cover n, at most blocks_per_sm per
// multiprocessor of the current device.
inline unsigned launch_grid(const char* name, std::uint64_t n, int block_size, int blocks_per_sm) {
  int device = 0, sms = 0;
  cuda_check(cudaGetDevice(&device), name);
  cuda_check(cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, device), name);
  const std::uint64_t wanted = (n + block_size - 1) / block_size;
  const std::uint64_t cap = static_cast<std::uint64_t>(sms) * blocks_per_sm;
  return static_cast<unsigned>(wanted < cap ? wanted : cap);
}

// Throws CudaError naming the launch when it was refused.
inline void check_launch(const char* name) {
  const cudaError_t status = cudaGetLastError();
  if (status != cudaSuccess) {
    throw CudaError(std::string("launch of ") + name + " failed (" + cudaGetErrorName(status) +
                    ": " + cudaGetErrorString(status) + ")");
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
  const unsigned grid = launch_grid(name, n, block_size, blocks_per_sm);
  for_each_item_kernel<<<grid, block_size, 0, stream>>>(n, f);
  check_launch(name);
}

// Block-level tally aggregation (kernels/block_tally.hh): each block runs block-sized ranges of
// consecutive items (grid-stride), its threads adding into a shared-memory window of the tally;
// after each range the block adds the window's non-zero words to the global tally, one atomic
// per bin. F is a BlockAggregatedHistories. The range loop's bounds are the same for every
// thread of a block, so the barriers are reached by all.
template <class F>
__global__ void block_aggregated_kernel(std::uint64_t n, const __grid_constant__ F f) {
  extern __shared__ unsigned long long block_window[];
  std::uint64_t* window = reinterpret_cast<std::uint64_t*>(block_window);
  for (int k = threadIdx.x; k < f.window_words(); k += blockDim.x) window[k] = 0;
  __syncthreads();
  const std::uint64_t stride = static_cast<std::uint64_t>(gridDim.x) * blockDim.x;
  for (std::uint64_t base = static_cast<std::uint64_t>(blockIdx.x) * blockDim.x; base < n;
       base += stride) {
    const std::uint64_t window_first = f.batch_of(base);
    const std::uint64_t i = base + threadIdx.x;
    if (i < n) f.item(i, window_first, window);
    __syncthreads();
    f.flush(window_first, window, static_cast<int>(threadIdx.x), static_cast<int>(blockDim.x));
    __syncthreads();
  }
}

// Shared memory a block of block_aggregated_kernel<F> needs, in bytes.
template <class F>
std::size_t block_window_bytes(const F& f) {
  return static_cast<std::size_t>(f.window_words()) * sizeof(std::uint64_t);
}

// As launch_cuda(), with block_aggregated_kernel. The caller checks block_window_bytes()
// against the device's shared memory per block (48 KiB without opting in).
template <class F>
void launch_cuda_blocks(const char* name, std::uint64_t n, const F& f,
                        cudaStream_t stream = nullptr, int block_size = 256,
                        int blocks_per_sm = 32) {
  if (n == 0) return;
  const unsigned grid = launch_grid(name, n, block_size, blocks_per_sm);
  block_aggregated_kernel<<<grid, block_size, block_window_bytes(f), stream>>>(n, f);
  check_launch(name);
}

}  // namespace gpudose
