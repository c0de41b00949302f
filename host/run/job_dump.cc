#include "host/run/job_dump.hh"

#include <algorithm>
#include <cstring>
#include <fstream>
#include <iterator>

#include "host/foundation/durable_file.hh"
#include "host/foundation/user_error.hh"
#include "host/run/device_mirror.hh"
#include "kernels/launch.hh"

namespace gpudose {
namespace {

// DeviceMirror's policy for a dump: buffers appended to one blob, 256-byte aligned (as
// cudaMalloc's), addressed from kDumpBase.
struct RecordingPolicy {
  std::vector<unsigned char> blob;
  void* allocate(std::size_t bytes) {
    const std::size_t offset = (blob.size() + 255) / 256 * 256;
    blob.resize(offset + bytes);
    return reinterpret_cast<void*>(static_cast<std::uintptr_t>(kDumpBase + offset));
  }
  void copy(void* device, const void* host, std::size_t bytes) {
    const std::size_t offset = reinterpret_cast<std::uintptr_t>(device) - kDumpBase;
    std::memcpy(blob.data() + offset, host, bytes);
  }
};

std::uint64_t count_in_blob(const std::vector<unsigned char>& functor, std::uint64_t blob_bytes) {
  std::uint64_t n = 0;
  for (std::size_t off = 0; off + 8 <= functor.size(); off += 8) {
    std::uint64_t v;
    std::memcpy(&v, functor.data() + off, 8);
    if (v >= kDumpBase && v < kDumpBase + std::max<std::uint64_t>(blob_bytes, 1)) ++n;
  }
  return n;
}

}  // namespace

std::uint64_t relocate_functor(std::vector<unsigned char>& functor, std::uint64_t blob_bytes,
                               std::uint64_t base) {
  return relocate_dump_functor(functor.data(), functor.size(), blob_bytes, base);
}

void write_job_dump(const PhotonJob& job, const std::string& name, std::uint64_t histories,
                    std::uint64_t batch_size, double emitted_mev, const std::string& path) {
  if (batch_size == 0 || histories % batch_size != 0) {
    throw UserError("cannot dump job '" + name + "'", "histories must be whole batches",
                    "give histories that are a multiple of the batch size");
  }
  RecordingPolicy policy;
  DeviceMirror<RecordingPolicy> mirror(policy);
  const PhotonHistoryFunctor copied = mirror.mirror(job);

  DumpHeader h{};
  std::memcpy(h.magic, kDumpMagic, sizeof h.magic);
  h.functor_bytes = sizeof(PhotonHistoryFunctor);
  h.blob_bytes = policy.blob.size();
  h.histories = histories;
  h.batch_size = batch_size;
  h.bins = static_cast<std::uint64_t>(job.num_bins());
  h.energy_bins = static_cast<std::uint64_t>(job.phantom().view().num_labels);
  h.emitted_mev = emitted_mev;
  std::strncpy(h.name, name.c_str(), sizeof h.name - 1);
  std::vector<unsigned char> functor(sizeof copied);
  std::memcpy(functor.data(), &copied, sizeof copied);
  h.relocations = count_in_blob(functor, h.blob_bytes);

  // The CPU reference: the job's own functor on host memory, the GPU's launch functor.
  const std::uint64_t batches = histories / batch_size;
  std::vector<std::uint64_t> reference(batches * h.bins, 0);
  launch_cpu(histories,
             BatchedHistories<PhotonHistoryFunctor>{job.history(), 0, batch_size, 0,
                                                    static_cast<int>(h.bins), reference.data()},
             2);

  std::string bytes(reinterpret_cast<const char*>(&h), sizeof h);
  bytes.append(reinterpret_cast<const char*>(functor.data()), functor.size());
  bytes.append(reinterpret_cast<const char*>(policy.blob.data()), policy.blob.size());
  bytes.append(reinterpret_cast<const char*>(reference.data()),
               reference.size() * sizeof(std::uint64_t));
  write_file_durably(path, bytes);
}

JobDump read_job_dump(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    throw UserError("cannot read job dump '" + path + "'", "missing or unreadable",
                    "make one with `gpudose benchmark --dump DIR`");
  }
  const std::vector<unsigned char> all((std::istreambuf_iterator<char>(in)),
                                       std::istreambuf_iterator<char>());
  const auto bad = [&](const std::string& why) {
    return UserError("job dump '" + path + "' is unusable", why,
                     "make it again with `gpudose benchmark --dump DIR` from the same build");
  };
  JobDump d;
  if (all.size() < sizeof d.header) throw bad("shorter than its header");
  std::memcpy(&d.header, all.data(), sizeof d.header);
  if (std::memcmp(d.header.magic, kDumpMagic, sizeof kDumpMagic) != 0) {
    throw bad("not a gpudose job dump (magic)");
  }
  if (d.header.functor_bytes != sizeof(PhotonHistoryFunctor)) {
    throw bad("made by a build whose history functor has another size");
  }
  if (d.header.batch_size == 0 || d.header.histories % d.header.batch_size != 0) {
    throw bad("inconsistent batch figures");
  }
  const std::uint64_t ref_words = d.header.histories / d.header.batch_size * d.header.bins;
  const std::uint64_t need =
      sizeof d.header + d.header.functor_bytes + d.header.blob_bytes + ref_words * 8;
  if (all.size() != need) throw bad("truncated or padded");
  std::size_t off = sizeof d.header;
  d.functor.assign(all.begin() + off, all.begin() + off + d.header.functor_bytes);
  off += d.header.functor_bytes;
  d.blob.assign(all.begin() + off, all.begin() + off + d.header.blob_bytes);
  off += d.header.blob_bytes;
  d.reference.resize(ref_words);
  std::memcpy(d.reference.data(), all.data() + off, ref_words * 8);
  if (count_in_blob(d.functor, d.header.blob_bytes) != d.header.relocations) {
    throw bad("its pointer words do not match the recorded count");
  }
  return d;
}

}  // namespace gpudose
