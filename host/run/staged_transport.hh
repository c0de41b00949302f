// Staged transport's host loop: which stage runs next, on how many particles
// (kernels/transport_stages.hh holds the stages, kernels/stage_queues.hh the queues). Written
// once for both back ends over a Device policy:
//   void* allocate(std::size_t bytes);           // the queues and their tail counters
//   template <class F> void launch(const char* name, std::uint64_t n, const F& f);
//   std::uint64_t read(const std::uint64_t* p);  // a counter, after the launches before it
//   void write(std::uint64_t* p, std::uint64_t v);
// (CpuStageDevice below; the CUDA runner's in host/run/cuda_photon_runner.cu.)
//
// The loop, until every history has been started and both queues are empty:
//  1. histories left and few particles pending: the source stage starts histories, up to what
//     the photon stage can take at once;
//  2. charged particles pending: the charged stage takes as many as the free slots of both
//     queues can take the worst-case output of (back-pressure: a stage never starts a particle
//     whose secondaries might not fit, so nothing is ever dropped or deposited for lack of room);
//  3. else photons pending: the photon stage, likewise;
//  4. else (the queues too full for any stage: only with capacities of a few particles) one
//     queue is finished depth first (FinishStage), charged particles first.
// Which particles run when never changes a tally: each draws from its own stream.
#pragma once

#include <algorithm>
#include <cstdint>
#include <memory>
#include <vector>

#include "kernels/launch.hh"
#include "kernels/stage_queues.hh"
#include "kernels/transport_stages.hh"

namespace gpudose {

struct StageCapacities {
  std::uint64_t photons = 1ull << 20;
  std::uint64_t charged = 1ull << 20;
  StageBudgets budgets;  // raised to kMinimumStageBudgets where below
};

// What the loop did (tests and benchmarks read it).
struct StageCounts {
  std::uint64_t source_launches = 0, photon_launches = 0, charged_launches = 0;
  std::uint64_t finish_launches = 0;                     // step 4: queues too full for any stage
  std::uint64_t photons = 0, charged = 0, finished = 0;  // particles each took
  std::uint64_t blocked = 0;  // times a queue had particles its stage could not take
};

template <class History, class Device>
class StagedTransport {
 public:
  StagedTransport(Device& device, const History& history, StageCapacities caps)
      : device_(device), history_(history), caps_(caps) {
    caps_.photons = std::max<std::uint64_t>(1, caps_.photons);
    caps_.charged = std::max<std::uint64_t>(1, caps_.charged);
    StageBudgets& b = caps_.budgets;
    const StageBudgets& least = kMinimumStageBudgets;
    b.photon_stage_photons = std::max(b.photon_stage_photons, least.photon_stage_photons);
    b.photon_stage_charged = std::max(b.photon_stage_charged, least.photon_stage_charged);
    b.charged_stage_photons = std::max(b.charged_stage_photons, least.charged_stage_photons);
    b.charged_stage_charged = std::max(b.charged_stage_charged, least.charged_stage_charged);
    auto* tails = static_cast<std::uint64_t*>(device_.allocate(2 * sizeof(std::uint64_t)));
    photons_ = bind_queue<PhotonQueueView>(
        device_.allocate(caps_.photons * PhotonQueueView::kSlotBytes), caps_.photons, tails);
    charged_ = bind_queue<ChargedQueueView>(
        device_.allocate(caps_.charged * ChargedQueueView::kSlotBytes), caps_.charged, tails + 1);
  }

  // Runs histories [first_history, first_history + n) into `out` (device memory), to the end.
  void run(std::uint64_t first_history, std::uint64_t n, const StageTallies& out) {
    std::uint64_t p_head = 0, p_tail = 0, c_head = 0, c_tail = 0, next = 0;
    device_.write(photons_.tail, 0);
    device_.write(charged_.tail, 0);
    const auto fit = [](std::uint64_t free, int per_item) {
      return free / static_cast<std::uint64_t>(per_item);
    };
    // After a stage: where its pushes left the queues' tails.
    const auto read_tails = [&] {
      p_tail = device_.read(photons_.tail);
      c_tail = device_.read(charged_.tail);
    };
    // Photons the photon stage can take at once from an otherwise empty queue.
    const StageBudgets& b = caps_.budgets;
    const std::uint64_t room =
        std::max<std::uint64_t>(1, caps_.photons / (b.photon_stage_photons + 1));
    for (;;) {
      const std::uint64_t np = p_tail - p_head, nc = c_tail - c_head;
      const std::uint64_t free_p = caps_.photons - np, free_c = caps_.charged - nc;
      if (next < n && 4 * np < room && 4 * nc < caps_.charged) {
        // Few particles pending: top the photon queue up with new histories (each source may
        // be a photon) to what the photon stage can take at once.
        const std::uint64_t k = std::min({n - next, room - np, free_p, free_c});
        if (k > 0) {
          device_.launch("source_stage", k,
                         SourceStage<History>{history_, photons_, charged_, first_history + next});
          next += k;
          ++counts_.source_launches;
          read_tails();
          continue;
        }
      }
      if (nc > 0) {
        const std::uint64_t k = std::min(
            {nc, fit(free_p, b.charged_stage_photons), fit(free_c, b.charged_stage_charged)});
        if (k > 0) {
          device_.launch("charged_stage", k,
                         ChargedStage<History>{history_, photons_, charged_, c_head, out,
                                               b.charged_stage_photons, b.charged_stage_charged});
          c_head += k;
          ++counts_.charged_launches;
          counts_.charged += k;
          read_tails();
          continue;
        }
        ++counts_.blocked;
      }
      if (np > 0) {
        const std::uint64_t k = std::min(
            {np, fit(free_p, b.photon_stage_photons), fit(free_c, b.photon_stage_charged)});
        if (k > 0) {
          device_.launch("photon_stage", k,
                         PhotonStage<History>{history_, photons_, charged_, p_head, out,
                                              b.photon_stage_photons, b.photon_stage_charged});
          p_head += k;
          ++counts_.photon_launches;
          counts_.photons += k;
          read_tails();
          continue;
        }
        ++counts_.blocked;
      }
      // Both queues empty: every history has been started (the top-up above takes at least
      // one whenever the queues are empty and histories are left).
      if (np == 0 && nc == 0) break;
      // Step 4: no stage can take a particle. Finish a whole queue depth first.
      const int from_charged = nc > 0 ? 1 : 0;
      const std::uint64_t k = from_charged ? nc : np;
      std::uint64_t& head = from_charged ? c_head : p_head;
      device_.launch("finish_stage", k,
                     FinishStage<History>{history_, photons_, charged_, from_charged, head, out});
      head += k;
      ++counts_.finish_launches;
      counts_.finished += k;
    }
  }

  const StageCounts& counts() const { return counts_; }

 private:
  Device& device_;
  History history_;
  StageCapacities caps_;
  PhotonQueueView photons_;
  ChargedQueueView charged_;
  StageCounts counts_;
};

// The CPU back end of the loop: host memory and launch_cpu (OpenMP) over `threads` threads.
struct CpuStageDevice {
  int threads = 0;
  std::vector<std::unique_ptr<std::uint64_t[]>> blocks;
  void* allocate(std::size_t bytes) {
    blocks.emplace_back(new std::uint64_t[(bytes + 7) / 8]());
    return blocks.back().get();
  }
  template <class F>
  void launch(const char*, std::uint64_t n, const F& f) {
    launch_cpu(n, f, threads);
  }
  std::uint64_t read(const std::uint64_t* p) { return *p; }
  void write(std::uint64_t* p, std::uint64_t v) { *p = v; }
};

}  // namespace gpudose
