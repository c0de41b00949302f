// A job dump: everything a device needs to run one photon/electron job, in one file, for the
// device kit's standalone CUDA benchmark (tools/device-kit/job_bench.cu), which needs only the
// CUDA runtime and kernels/ (no ITK, HDF5, CLI11 on a lent GPU machine).
//
// Made with DeviceMirror (device_mirror.hh), the one list of what a job copies to a device, and a
// recording policy: every buffer goes into one blob at a 256-byte aligned offset and its "device
// address" is kDumpBase + offset. The mirrored history functor is stored as raw bytes; a loader
// copies the blob anywhere (host or device memory) and relocates the functor by replacing every
// 8-byte word in [kDumpBase, kDumpBase + blob size) with base + offset. Host pointers cannot be
// left in the functor (the DeviceMirror test scans for them), and no non-pointer field of it
// holds a value in that range (the loader counts the relocated words and checks them against the
// count recorded at dump time).
//
// File format: kernels/job_dump_format.hh (readable with kernels/ and the CUDA runtime only).
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "host/run/photon_job.hh"
#include "kernels/job_dump_format.hh"

namespace gpudose {

struct JobDump {
  DumpHeader header{};
  std::vector<unsigned char> functor;    // header.functor_bytes
  std::vector<unsigned char> blob;       // header.blob_bytes
  std::vector<std::uint64_t> reference;  // [histories / batch_size][bins]
};

// Mirrors `job`, runs `histories` on the CPU (2 threads) in batches of `batch_size` for the
// reference tallies, and writes `path`. Throws UserError when it cannot be written.
void write_job_dump(const PhotonJob& job, const std::string& name, std::uint64_t histories,
                    std::uint64_t batch_size, double emitted_mev, const std::string& path);

// Reads a dump; throws UserError when the file is missing, truncated or of another format.
JobDump read_job_dump(const std::string& path);

// Rewrites the functor's pointer words for a blob copied to `base`; returns how many words it
// relocated (must equal header.relocations).
std::uint64_t relocate_functor(std::vector<unsigned char>& functor, std::uint64_t blob_bytes,
                               std::uint64_t base);

}  // namespace gpudose
