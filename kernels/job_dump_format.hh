// The job dump file format (host/run/job_dump.hh writes it), in a header that needs nothing but
// the C++ library, so that the device kit's standalone benchmark (benchmarks/job_bench.cu)
// reads it with only kernels/ and the CUDA runtime.
//
// File: DumpHeader, the history functor's bytes (PhotonHistory<PhotonTablesPhysics>, with every
// pointer as kDumpBase + offset into the blob), the blob, then the CPU reference tallies
// [histories / batch_size][bins] (uint64).
#pragma once

#include <cstdint>
#include <cstring>

namespace gpudose {

constexpr std::uint64_t kDumpBase = 0x5ee0000000000000ull;
constexpr char kDumpMagic[8] = {'G', 'D', 'D', 'U', 'M', 'P', '1', '\0'};

struct DumpHeader {
  char magic[8];
  std::uint64_t functor_bytes;  // sizeof(PhotonHistoryFunctor) of the writer
  std::uint64_t blob_bytes;
  std::uint64_t relocations;  // pointer words in the functor that point into the blob
  std::uint64_t histories;    // histories of the reference (0 .. histories-1)
  std::uint64_t batch_size;
  std::uint64_t bins;
  std::uint64_t energy_bins;  // leading bins that hold energy (the phantom's labels)
  double emitted_mev;         // per history, for the reader's summary
  char name[64];              // the case, e.g. "af-liver-photon-0.5-transport"
};

// Rewrites the functor's pointer words for a blob copied to `base`; returns how many words it
// relocated (equal to DumpHeader::relocations for an intact dump).
inline std::uint64_t relocate_dump_functor(unsigned char* functor, std::uint64_t functor_bytes,
                                           std::uint64_t blob_bytes, std::uint64_t base) {
  std::uint64_t n = 0;
  const std::uint64_t end = kDumpBase + (blob_bytes > 0 ? blob_bytes : 1);
  for (std::uint64_t off = 0; off + 8 <= functor_bytes; off += 8) {
    std::uint64_t v;
    std::memcpy(&v, functor + off, 8);
    if (v >= kDumpBase && v < end) {
      v = base + (v - kDumpBase);
      std::memcpy(functor + off, &v, 8);
      ++n;
    }
  }
  return n;
}

}  // namespace gpudose
