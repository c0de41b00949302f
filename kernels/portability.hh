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

// A constant table that host and device code index at run time, e.g.
//   GD_CONSTANT_TABLE(double, kRadii, 3, 1.0, 2.0, 3.0)   ...   GD_TABLE(kRadii)[i]
// A table written as a local array (`const double r[99] = {...}` inside a function) is built
// on every device thread's stack each call: 8 bytes of stack frame per entry and as many
// stores. Here nvcc gets a __constant__ copy for device code (one per translation unit, which
// needs no relocatable device code) and a constexpr copy for host code; g++ only the latter.
#if defined(__CUDACC__)
#define GD_CONSTANT_TABLE(type, name, n, ...)                \
  static __constant__ type name##_device[n] = {__VA_ARGS__}; \
  inline constexpr type name##_host[n] = {__VA_ARGS__};
#else
#define GD_CONSTANT_TABLE(type, name, n, ...) inline constexpr type name##_host[n] = {__VA_ARGS__};
#endif
#if GD_IS_DEVICE_CODE
#define GD_TABLE(name) name##_device
#else
#define GD_TABLE(name) name##_host
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
