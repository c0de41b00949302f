// A minimal per-item functor: item i writes the first `draws` 32-bit words of history
// (first_history + i). Used by the RNG benchmark and the CPU/GPU/cuRAND parity tests; it is
// also the smallest example of a functor launched by both back ends.
#pragma once

#include <cstdint>

#include "kernels/philox.hh"
#include "kernels/portability.hh"

namespace gpudose {

struct RngFill {
  std::uint64_t seed;
  std::uint32_t job;
  std::uint64_t first_history;
  std::uint32_t draws;
  std::uint32_t* out;  // n * draws words, item-major

  GD_HOST_DEVICE void operator()(std::uint64_t i) const {
    RngStream rng(seed, job, first_history + i);
    for (std::uint32_t d = 0; d < draws; ++d) out[i * draws + d] = rng.next_u32();
  }
};

#if GPUDOSE_HAVE_CUDA
// Runs RngFill for n items on the current CUDA device; `host_out` receives n * draws words.
void rng_fill_cuda(std::uint64_t seed, std::uint32_t job, std::uint64_t first_history,
                   std::uint32_t draws, std::uint64_t n, std::uint32_t* host_out);
#endif

}  // namespace gpudose
