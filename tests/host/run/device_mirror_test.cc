// The CUDA runner's marshalling (host/run/device_mirror.hh) checked without a GPU: the job is
// mirrored through a host stand-in for the device (fresh buffers from malloc), every original
// the job was built from is poisoned (0xFF bytes), and the device path's launch functor
// (BatchedHistories, as cuda_photon_runner.cu launches it) runs on the host from the copies.
// It must reproduce the CPU runner's tallies bit for bit. A pointer the mirror forgets still
// points at an original: the functor then reads poison, and the tallies differ (or the process
// crashes), which is what the first GPU run would have done.
//
// Which memory is "original" is not taken from the mirror's own list (that would hide the very
// omission looked for): this binary replaces the global operator new and records every block
// allocated while the phantom, the libraries and the jobs are built. The mirrored functor is
// also scanned for any word pointing into those blocks, which names the offending offset.
// After the run the originals are restored and freed normally (their destructors need them).
#include "host/run/device_mirror.hh"

#include <gtest/gtest.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <map>
#include <memory>
#include <mutex>
#include <new>
#include <string>
#include <vector>

#include "host/run/job_runner.hh"
#include "host/run/nuclide_source.hh"
#include "host/run/photon_job.hh"
#include "kernels/launch.hh"
#include "phantoms/phantom_cache.hh"
#include "physics-data/decay_data.hh"
#include "physics-data/photon_library.hh"

namespace {

// --- every operator new block allocated while tracking is on ---
std::mutex g_mutex;
std::map<std::uintptr_t, std::size_t>* g_live = nullptr;  // address -> size
bool g_tracking = false;
thread_local bool t_inside = false;  // the tracker's own allocations are not tracked

void track(void* p, std::size_t n) {
  if (!g_tracking || t_inside || p == nullptr) return;
  std::lock_guard<std::mutex> lock(g_mutex);
  t_inside = true;
  if (g_live == nullptr) g_live = new std::map<std::uintptr_t, std::size_t>;
  (*g_live)[reinterpret_cast<std::uintptr_t>(p)] = n;
  t_inside = false;
}

void untrack(void* p) {
  // Always (not only while tracking): a freed block may be reused for a copy, which must not be
  // poisoned.
  if (t_inside || p == nullptr) return;
  std::lock_guard<std::mutex> lock(g_mutex);
  if (g_live == nullptr) return;
  t_inside = true;
  g_live->erase(reinterpret_cast<std::uintptr_t>(p));
  t_inside = false;
}

void* allocate(std::size_t n) {
  void* p = std::malloc(n ? n : 1);
  if (p == nullptr) throw std::bad_alloc();
  track(p, n);
  return p;
}

}  // namespace

void* operator new(std::size_t n) { return allocate(n); }
void* operator new[](std::size_t n) { return allocate(n); }
void operator delete(void* p) noexcept {
  untrack(p);
  std::free(p);
}
void operator delete[](void* p) noexcept {
  untrack(p);
  std::free(p);
}
void operator delete(void* p, std::size_t) noexcept {
  untrack(p);
  std::free(p);
}
void operator delete[](void* p, std::size_t) noexcept {
  untrack(p);
  std::free(p);
}

namespace gpudose {
namespace {

// The stand-in device: fresh malloc'd buffers (never operator new, so never tracked).
struct HostCopy {
  std::vector<void*> blocks;
  void* allocate(std::size_t bytes) {
    void* p = std::malloc(bytes);
    if (p == nullptr) throw std::bad_alloc();
    t_inside = true;  // the list itself is bookkeeping, not an original
    blocks.push_back(p);
    t_inside = false;
    return p;
  }
  void copy(void* device, const void* host, std::size_t bytes) { std::memcpy(device, host, bytes); }
  ~HostCopy() {
    for (void* p : blocks) std::free(p);
  }
};

// Poisons every tracked block (0xFF) for its lifetime and restores them afterwards.
class Poison {
 public:
  Poison() {
    std::lock_guard<std::mutex> lock(g_mutex);
    t_inside = true;
    for (const auto& [address, size] : *g_live) {
      void* p = reinterpret_cast<void*>(address);
      void* saved = std::malloc(size ? size : 1);
      std::memcpy(saved, p, size);
      std::memset(p, 0xFF, size);
      saved_.push_back({p, saved, size});
    }
    t_inside = false;
  }
  ~Poison() {
    for (const Saved& s : saved_) {
      std::memcpy(s.original, s.copy, s.size);
      std::free(s.copy);
    }
  }
  std::size_t bytes() const {
    std::size_t n = 0;
    for (const Saved& s : saved_) n += s.size;
    return n;
  }

 private:
  struct Saved {
    void* original;
    void* copy;
    std::size_t size;
  };
  std::vector<Saved> saved_;
};

// Byte offsets within `h` of words that point into a tracked (original) block.
std::vector<std::size_t> host_pointers_left(const PhotonHistoryFunctor& h) {
  std::vector<std::size_t> offsets;
  std::lock_guard<std::mutex> lock(g_mutex);
  t_inside = true;  // `offsets` may reallocate: its frees must not take the lock again
  for (std::size_t off = 0; off + sizeof(std::uintptr_t) <= sizeof h;
       off += alignof(std::uintptr_t)) {
    std::uintptr_t word = 0;
    std::memcpy(&word, reinterpret_cast<const char*>(&h) + off, sizeof word);
    auto it = g_live->upper_bound(word);
    if (it == g_live->begin()) continue;
    --it;
    if (word < it->first + std::max<std::size_t>(it->second, 1)) offsets.push_back(off);
  }
  t_inside = false;
  return offsets;
}

struct World {
  Phantom phantom;
  PhotonLibrary photons;
  ElectronLibrary electrons;
};

struct Case {
  const char* what;
  int particle;
  double energy_mev;
  ElectronMode electrons;
  std::uint64_t histories;
  const char* nuclide = nullptr;  // a radionuclide source instead of particle and energy
};

TEST(DeviceMirror, HostStandInReproducesTheCpuRunnersTalliesBitForBit) {
  const std::vector<Case> cases = {
      {"photon 0.5 MeV, --electrons local", 0, 0.5, ElectronMode::kLocal, 20000},
      {"photon 2 MeV, electrons transported", 0, 2.0, ElectronMode::kTransport, 6000},
      {"electron 0.5 MeV", 1, 0.5, ElectronMode::kTransport, 20000},
      {"positron 1 MeV", 2, 1.0, ElectronMode::kTransport, 4000},
      // Lines and a beta spectrum (I-131), and a pure beta+ emitter (F-18: positrons).
      {"nuclide I-131", 0, 0, ElectronMode::kTransport, 20000, "I-131"},
      {"nuclide F-18", 0, 0, ElectronMode::kTransport, 6000, "F-18"},
  };
  const std::string decay_dir = std::string(GPUDOSE_TEST_DATA_DIR) + "/decay-data/icrp107";
  // Everything the jobs point at is allocated while tracking is on.
  g_tracking = true;
  auto world = std::make_unique<World>(
      World{load_phantom("female", GPUDOSE_TEST_DATA_DIR, GPUDOSE_TEST_CACHE_DIR),
            ensure_photon_library(GPUDOSE_TEST_DATA_DIR, GPUDOSE_TEST_CACHE_DIR),
            ensure_electron_library(GPUDOSE_TEST_DATA_DIR, GPUDOSE_TEST_CACHE_DIR)});
  std::vector<std::unique_ptr<PhotonJob>> jobs;
  std::vector<std::unique_ptr<NuclideSource>> nuclides;
  for (const Case& c : cases) {
    PhotonJobConfig config;
    if (c.nuclide) {
      nuclides.push_back(std::make_unique<NuclideSource>(read_nuclide(decay_dir, c.nuclide),
                                                         world->photons.grid.energy.back()));
      config.nuclide = nuclides.back().get();
    }
    config.source = "liver";
    config.particle = c.particle;
    config.energy_mev = c.energy_mev;
    config.electrons = c.electrons;
    config.seed = 13;
    jobs.push_back(
        std::make_unique<PhotonJob>(world->phantom, world->photons, config, &world->electrons));
  }
  g_tracking = false;

  for (std::size_t k = 0; k < cases.size(); ++k) {
    SCOPED_TRACE(cases[k].what);
    const PhotonJob& job = *jobs[k];
    const int bins = job.num_bins();
    const std::uint64_t n = cases[k].histories, batch = n / 4, first_batch = 3;
    const std::uint64_t h0 = first_batch * batch;

    // The CPU runner's loop (cpu_runner.hh) on the originals.
    std::vector<std::uint64_t> cpu((n / batch) * bins, 0), mirrored(cpu.size(), 0);
    const PhotonHistoryFunctor history = job.history();
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::uint64_t h = h0 + i;
      PlainTally t{cpu.data() + (h / batch - first_batch) * bins};
      history(h, t);
    }

    HostCopy device;
    DeviceMirror<HostCopy> mirror(device);
    const PhotonHistoryFunctor copied = mirror.mirror(job);
    const std::size_t device_bytes = job.device_bytes();  // (the job is poisoned below)
    EXPECT_EQ(mirror.bytes(), device_bytes) << "the mirror and device_bytes() disagree";
    for (std::size_t off : host_pointers_left(copied)) {
      ADD_FAILURE() << "the mirrored functor still points at host data at byte offset " << off
                    << " of PhotonHistoryFunctor (a pointer DeviceMirror does not rewrite)";
    }
    {
      const Poison poison;
      ASSERT_GE(poison.bytes(), device_bytes) << "allocation tracking missed the data";
      // The launch functor of cuda_photon_runner.cu, on the host (two threads, host atomics).
      launch_cpu(n,
                 BatchedHistories<PhotonHistoryFunctor>{copied, h0, batch, first_batch, bins,
                                                        mirrored.data()},
                 2);
    }
    EXPECT_EQ(mirrored, cpu);
    std::uint64_t total = 0;
    for (std::uint64_t v : cpu) total += v;
    EXPECT_GT(total, 0u);
  }
  // Free the originals (after the poisoned run they were restored for their destructors).
  jobs.clear();
  nuclides.clear();
  world.reset();
}

}  // namespace
}  // namespace gpudose
