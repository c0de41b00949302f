// host/run/job_dump.hh: a job dump, loaded into fresh memory at another address and relocated,
// runs the GPU's launch functor on the host to the dump's own CPU reference tallies bit for bit
// (what the device kit's standalone benchmark does on a GPU); a truncated or foreign file is
// refused.
#include "host/run/job_dump.hh"

#include <gtest/gtest.h>

#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <memory>

#include "host/foundation/user_error.hh"
#include "host/run/job_runner.hh"
#include "kernels/launch.hh"
#include "phantoms/phantom_cache.hh"
#include "tests/test_tmp.hh"

namespace gpudose {
namespace {

struct FreeDeleter {
  void operator()(void* p) const { std::free(p); }
};

TEST(JobDump, RelocatedDumpReproducesItsReferenceBitForBit) {
  const Phantom phantom = load_phantom("female", GPUDOSE_TEST_DATA_DIR, GPUDOSE_TEST_CACHE_DIR);
  const PhotonLibrary photons =
      ensure_photon_library(GPUDOSE_TEST_DATA_DIR, GPUDOSE_TEST_CACHE_DIR);
  const ElectronLibrary electrons =
      ensure_electron_library(GPUDOSE_TEST_DATA_DIR, GPUDOSE_TEST_CACHE_DIR);
  const std::string dir = test::scratch_dir() + "job_dump";
  std::filesystem::create_directories(dir);
  for (const char* particle : {"photon", "electron"}) {
    SCOPED_TRACE(particle);
    JobRequest rq;
    rq.source = "liver";
    rq.particle = particle;
    rq.energy_mev = 0.5;
    rq.seed = 5;
    const PhotonJob job(phantom, photons, photon_job_config(rq), &electrons);
    const std::string path = dir + "/" + particle + ".gdd";
    write_job_dump(job, particle, 4000, 400, 0.5, path);

    JobDump d = read_job_dump(path);
    ASSERT_GT(d.header.relocations, 20u);
    // The blob at a fresh 256-byte aligned address; the file's bytes themselves are released.
    std::unique_ptr<void, FreeDeleter> memory(
        std::aligned_alloc(256, (d.blob.size() + 255) / 256 * 256));
    std::memcpy(memory.get(), d.blob.data(), d.blob.size());
    std::vector<unsigned char>().swap(d.blob);
    const std::uint64_t base = reinterpret_cast<std::uintptr_t>(memory.get());
    ASSERT_EQ(relocate_functor(d.functor, d.header.blob_bytes, base), d.header.relocations);
    PhotonHistoryFunctor history;
    std::memcpy(static_cast<void*>(&history), d.functor.data(), sizeof history);

    std::vector<std::uint64_t> tallies(d.reference.size(), 0);
    launch_cpu(
        d.header.histories,
        BatchedHistories<PhotonHistoryFunctor>{history, 0, d.header.batch_size, 0,
                                               static_cast<int>(d.header.bins), tallies.data()},
        2);
    EXPECT_EQ(tallies, d.reference);
    std::uint64_t total = 0;
    for (std::uint64_t v : d.reference) total += v;
    EXPECT_GT(total, 0u);
  }

  // A truncated dump and a foreign file: one-line errors.
  const std::string good = dir + "/photon.gdd";
  {
    std::ifstream in(good, std::ios::binary);
    std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    std::ofstream(dir + "/cut.gdd", std::ios::binary) << bytes.substr(0, bytes.size() - 8);
    bytes[0] = 'X';
    std::ofstream(dir + "/foreign.gdd", std::ios::binary) << bytes;
  }
  for (const char* name : {"/cut.gdd", "/foreign.gdd", "/missing.gdd"}) {
    try {
      read_job_dump(dir + name);
      ADD_FAILURE() << name << " accepted";
    } catch (const UserError& e) {
      EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos);
    }
  }
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace gpudose
