// The one place that knows whether code is compiled for the host or the device.
//
// Physics and transport functions are written once and marked GD_HOST_DEVICE: under nvcc they
// compile for both host and device, under plain g++ they are ordinary inline functions. Apart
// from kernels/atomics.hh, no other file may test __CUDA_ARCH__ (a review hook checks this).
#pragma once

#if defined(__CUDACC__)
#define GD_HOST_DEVICE __host__ __device__
#define GD_DEVICE __device__
#define GD_FORCEINLINE __forceinline__
#else
#define GD_HOST_DEVICE
#define GD_DEVICE
#define GD_FORCEINLINE inline __attribute__((always_inline))
#endif

// True while compiling device code (the device pass of nvcc), false on the host pass and in g++.
#if defined(__CUDA_ARCH__)
#define GD_IS_DEVICE_CODE 1
#else
#define GD_IS_DEVICE_CODE 0
#endif

// Debug-only assertion usable in per-track code on both back ends (no exceptions there).
#if !defined(NDEBUG)
#if GD_IS_DEVICE_CODE
#define GD_EXPECT(cond) \
  do {                  \
    if (!(cond)) {      \
      __trap();         \
    }                   \
  } while (0)
#else
#include <cassert>
#define GD_EXPECT(cond) assert(cond)
#endif
#else
#define GD_EXPECT(cond) ((void)0)
#endif
