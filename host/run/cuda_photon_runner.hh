// CUDA back end of the photon transport: one BatchRunner per device. It mirrors the job's
// read-only data (phantom labels, photon tables, majorant grid, source alias table) into device
// memory once and runs many consecutive batches per launch, with per-batch atomic tallies.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <string>

#include "host/foundation/user_error.hh"
#include "host/run/photon_job.hh"
#include "host/run/scheduler.hh"

namespace gpudose {

// How the runner spreads histories over a GPU. The tallies do not depend on it (each history is
// keyed by its index, tallies are integer sums), only the speed does: a parameter so that the
// device kit can sweep it, with the defaults that were the constants before.
struct CudaLaunch {
  int threads_per_block = 256;
  int blocks_per_sm = 32;                           // grid cap; the kernel is grid-stride
  std::uint64_t histories_per_launch = 1ull << 24;  // keeps the GPU busy without long tails
  // Block-level tally aggregation in shared memory (kernels/block_tally.hh); false: every
  // thread adds its deposits to the global tally (the ":atomics" suffix), for comparison.
  bool block_tally = true;
  // Staged transport (the ":staged" suffix; kernels/transport_stages.hh): photon, charged and
  // source stages over particle queues instead of one thread per history. Organ tallies only
  // (a dose-image job runs by history); the tallies are the same bit for bit.
  bool staged = false;
  bool operator==(const CudaLaunch& o) const {
    return threads_per_block == o.threads_per_block && blocks_per_sm == o.blocks_per_sm &&
           histories_per_launch == o.histories_per_launch && block_tally == o.block_tally &&
           staged == o.staged;
  }
};

// "THREADSxBLOCKS" or "THREADSxBLOCKSxHISTORIES", e.g. 256x32 or 128x8x1000000 (the form
// to_string() writes), optionally followed by ":atomics" (no block-level tally aggregation) or
// ":staged" (staged transport).
// Threads per block: a multiple of 32 up to 1024; blocks per SM 1 to 1024; histories per
// launch at least 1. Throws UserError otherwise.
inline CudaLaunch parse_cuda_launch(const std::string& full) {
  const auto ends_with = [&full](const std::string& suffix) {
    return full.size() > suffix.size() &&
           full.compare(full.size() - suffix.size(), suffix.size(), suffix) == 0;
  };
  const bool atomics = ends_with(":atomics"), staged = ends_with(":staged");
  const std::string text = atomics || staged ? full.substr(0, full.rfind(':')) : full;
  const auto bad = [&full](const std::string& why) {
    return UserError("bad --launch '" + full + "'", why,
                     "write THREADSxBLOCKS_PER_SM[xHISTORIES_PER_LAUNCH][:atomics|:staged], e.g. "
                     "256x32 or 128x8x1000000");
  };
  std::uint64_t v[3] = {0, 0, CudaLaunch{}.histories_per_launch};
  std::size_t pos = 0;
  int n = 0;
  for (; n < 3 && pos <= text.size(); ++n) {
    const std::size_t end = std::min(text.find('x', pos), text.size());
    const std::string part = text.substr(pos, end - pos);
    if (part.empty() || part.size() > 18 || part.find_first_not_of("0123456789") != part.npos) {
      throw bad("expected positive whole numbers separated by x");
    }
    v[n] = std::stoull(part);
    pos = end + 1;
  }
  if (n < 2 || pos <= text.size()) throw bad("expected two or three numbers");
  if (v[0] < 32 || v[0] > 1024 || v[0] % 32 != 0) {
    throw bad("threads per block must be a multiple of 32 from 32 to 1024");
  }
  if (v[1] < 1 || v[1] > 1024) throw bad("blocks per SM must be 1 to 1024");
  if (v[2] < 1) throw bad("histories per launch must be at least 1");
  return CudaLaunch{static_cast<int>(v[0]), static_cast<int>(v[1]), v[2], !atomics, staged};
}

inline std::string to_string(const CudaLaunch& l) {
  return std::to_string(l.threads_per_block) + "x" + std::to_string(l.blocks_per_sm) + "x" +
         std::to_string(l.histories_per_launch) + (l.block_tally ? "" : ":atomics") +
         (l.staged ? ":staged" : "");
}

// Throws std::logic_error in builds without the CUDA back end (the back-end selection never
// picks CUDA there). dose_batches_per_launch > 0: a dose-image job, whose batches also report
// their voxel deposits, run that many batches per launch (host/run/device_dose_batches.hh:
// device_dose_batches_per_launch); the device's free memory is checked first (UserError when
// device_dose_bytes does not fit).
std::unique_ptr<BatchRunner> make_cuda_photon_runner(const PhotonJob& job, int device,
                                                     const CudaLaunch& launch = CudaLaunch{},
                                                     std::uint64_t dose_batches_per_launch = 0);

}  // namespace gpudose
