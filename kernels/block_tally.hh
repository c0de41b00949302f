// Block-level tally aggregation: the histories of one GPU thread block (or one CPU chunk) add
// their deposits into a block-private copy of the tally (shared memory on the GPU), and the
// block then adds each non-zero bin to the global tally once. Per-thread global atomics on the
// few bins every history touches (the source organ, the escape bin) are the hot spot the GUIDE
// warns of; this turns them into one atomic per bin per block. Integer sums: the tallies are
// bit for bit those of BatchedHistories (kernels/photon_transport.hh), whatever the block or
// chunk size (tests/transport/block_tally_test.cc runs chunks of 1 to all items on the CPU).
//
// The private copy covers a window of kWindowBatches consecutive batches starting at the batch
// of the block's first item; a block's items are consecutive histories, so with batches at
// least as large as a block every item falls in the window. Items beyond it (small batches)
// add to the global tally directly: still exact, only slower.
//
// Back ends: launch_cpu_blocks() below (OpenMP over chunks, the emulation); launch_cuda_blocks()
// in kernels/launch_cuda.cuh (shared memory, grid-stride over block-sized ranges).
#pragma once

#include <cstdint>
#include <vector>

#include "kernels/atomics.hh"
#include "kernels/photon_transport.hh"
#include "kernels/portability.hh"
#include "kernels/step_counters.hh"

namespace gpudose {

constexpr int kWindowBatches = 2;

// The tally of one item: its batch's bins in the block's window, else the global bins.
struct WindowTally {
  std::uint64_t* window_bins;  // the block's copy of the batch's bins, or nullptr
  std::uint64_t* global_bins;  // the batch's global bins
  GD_HOST_DEVICE GD_FORCEINLINE void deposit(int bin, std::uint64_t units) const {
    atomic_add(window_bins != nullptr ? &window_bins[bin] : &global_bins[bin], units);
  }
};

template <class History>
struct BlockAggregatedHistories {
  History history;
  std::uint64_t first_history;
  std::uint64_t batch_size;
  std::uint64_t first_batch;
  std::uint64_t num_batches;  // batches of this launch: tallies holds num_batches * bins
  int bins;
  std::uint64_t* tallies;  // [batches][bins], global

  // Words of the block-private copy.
  GD_HOST_DEVICE int window_words() const { return kWindowBatches * bins; }

  // Batch of item i, counted from the launch's first batch.
  GD_HOST_DEVICE std::uint64_t batch_of(std::uint64_t i) const {
    return (first_history + i) / batch_size - first_batch;
  }

  // Item i of a block whose window starts at batch `window_first`.
  GD_HOST_DEVICE void item(std::uint64_t i, std::uint64_t window_first,
                           std::uint64_t* window) const {
    const std::uint64_t b = batch_of(i);
    const std::uint64_t w = b - window_first;  // wraps to a huge value below the window
    WindowTally out{w < kWindowBatches ? window + w * bins : nullptr, tallies + b * bins};
    run_history(history, first_history + i, CoalescingTally<WindowTally>{out}, bins);
  }

  // Adds words k, k + stride, ... of the window to the global tally and zeroes them (a GPU
  // block's threads share the words; a CPU chunk does all of them).
  GD_HOST_DEVICE void flush(std::uint64_t window_first, std::uint64_t* window, int k,
                            int stride) const {
    for (; k < window_words(); k += stride) {
      const std::uint64_t v = window[k];
      if (v == 0) continue;
      window[k] = 0;
      const std::uint64_t b = window_first + static_cast<std::uint64_t>(k / bins);
      atomic_add(&tallies[b * bins + k % bins], v);
    }
  }
};

// CPU emulation: chunks of `chunk` consecutive items, each run by one thread into a private
// window, then flushed. Any chunk size gives the same tallies.
template <class F>
void launch_cpu_blocks(std::uint64_t n, std::uint64_t chunk, const F& f, int threads = 0) {
  if (n == 0) return;
  if (chunk == 0) chunk = 1;
  const auto chunks = static_cast<std::int64_t>((n + chunk - 1) / chunk);
  const auto body = [&] {
    std::vector<std::uint64_t> window(static_cast<std::size_t>(f.window_words()), 0);
#pragma omp for schedule(dynamic, 1)
    for (std::int64_t c = 0; c < chunks; ++c) {
      const std::uint64_t begin = static_cast<std::uint64_t>(c) * chunk;
      const std::uint64_t end = begin + chunk < n ? begin + chunk : n;
      const std::uint64_t window_first = f.batch_of(begin);
      for (std::uint64_t i = begin; i < end; ++i) f.item(i, window_first, window.data());
      f.flush(window_first, window.data(), 0, 1);
    }
  };
  if (threads > 0) {
#pragma omp parallel num_threads(threads)
    body();
  } else {
#pragma omp parallel
    body();
  }
}

}  // namespace gpudose
