// Launch abstraction, CPU side: run a per-item functor over [0, n) in an OpenMP loop.
//
// The same functor type (a POD struct with a GD_HOST_DEVICE operator()(std::uint64_t)) is
// launched on the GPU by launch_cuda() in kernels/launch_cuda.cuh. Items must not depend on
// which thread runs them: results are keyed by the item index only (determinism contract).
#pragma once

#include <cstdint>

namespace gpudose {

// threads <= 0: OpenMP's default (OMP_NUM_THREADS or all cores).
template <class F>
void launch_cpu(std::uint64_t n, const F& f, int threads = 0) {
  const auto count = static_cast<std::int64_t>(n);
  if (threads <= 0) {
#pragma omp parallel for schedule(dynamic, 64)
    for (std::int64_t i = 0; i < count; ++i) f(static_cast<std::uint64_t>(i));
  } else {
#pragma omp parallel for schedule(dynamic, 64) num_threads(threads)
    for (std::int64_t i = 0; i < count; ++i) f(static_cast<std::uint64_t>(i));
  }
}

}  // namespace gpudose
