// Atomic 64-bit integer addition on both back ends, for fixed-point energy tallies.
//
// Integer addition is associative, so the final tally is the same whatever order the threads,
// blocks or devices add in: this is what makes tallies bit-reproducible (see fixed_energy.hh).
#pragma once

#include <cstdint>

#include "kernels/portability.hh"

namespace gpudose {

GD_HOST_DEVICE GD_FORCEINLINE void atomic_add(std::uint64_t* address, std::uint64_t value) {
#if defined(__CUDA_ARCH__)
  static_assert(sizeof(unsigned long long) == sizeof(std::uint64_t), "64-bit atomics");
  atomicAdd(reinterpret_cast<unsigned long long*>(address), static_cast<unsigned long long>(value));
#else
  __atomic_fetch_add(address, value, __ATOMIC_RELAXED);
#endif
}

// Atomic 64-bit fetch-and-add: returns the value before the addition (a queue's next slot).
GD_HOST_DEVICE GD_FORCEINLINE std::uint64_t atomic_fetch_add(std::uint64_t* address,
                                                             std::uint64_t value) {
#if defined(__CUDA_ARCH__)
  return static_cast<std::uint64_t>(atomicAdd(reinterpret_cast<unsigned long long*>(address),
                                              static_cast<unsigned long long>(value)));
#else
  return __atomic_fetch_add(address, value, __ATOMIC_RELAXED);
#endif
}

}  // namespace gpudose
