// Staged transport (kernels/transport_stages.hh, host/run/staged_transport.hh) on the CPU: the
// per-batch tallies equal the history-by-history path's bit for bit, for photon, electron and
// positron sources at 0.05, 0.5 and 2 MeV (AF liver, coupled transport, range rejection on and
// off), with queue capacities from ample down to one particle (many back-pressure rounds, and
// the depth-first way out when no stage can take a particle), on 1 and 2 threads. The reference
// never overflows its stacks (checked), so the two paths compute the same particles.
#include "host/run/staged_transport.hh"

#include <gtest/gtest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "host/run/photon_job.hh"
#include "kernels/launch.hh"
#include "tests/transport/test_data.hh"

namespace gpudose {
namespace {

using test::electrons;
using test::female;
using test::photons;

TEST(StagedTransport, TalliesEqualTheHistoryPathForAnyQueueCapacityAndThreads) {
  const std::vector<test::TransportCase> cases = {
      {0, 0.05, 1, 2000}, {0, 0.5, 1, 2000}, {0, 2.0, 1, 2000}, {0, 2.0, 0, 300},
      {1, 0.05, 1, 1000}, {1, 0.5, 0, 200},  {1, 2.0, 1, 600},  {2, 0.05, 1, 1000},
      {2, 0.5, 1, 600},   {2, 2.0, 0, 150},
  };
  // {photon slots, charged slots, item budgets}: ample; ample with the smallest budgets (a
  // photon sets itself aside after every Compton electron, an electron after every
  // bremsstrahlung photon, also while slowing down in place: each resumes later); a few stage
  // rounds' worth; room for one photon item at a time; room for charged items only (photons
  // all go the depth-first way out); one particle.
  const std::vector<StageCapacities> capacities = {{1u << 16, 1u << 16, StageBudgets{}},
                                                   {1u << 16, 1u << 16, kMinimumStageBudgets},
                                                   {64, 16, StageBudgets{}},
                                                   {23, 5, StageBudgets{}},
                                                   {12, 6, StageBudgets{}},
                                                   {5, 3, StageBudgets{}},
                                                   {1, 1, StageBudgets{}}};
  for (const test::TransportCase& k : cases) {
    const PhotonJob job(female(), photons(),
                        test::liver_transport_config(k.particle, k.energy, k.range_rejection),
                        &electrons());
    const PhotonHistoryFunctor h = job.history();
    const int nl = female().view().num_labels;
    const int bins = job.num_bins();
    // Four batches of a launch that starts at batch 3 of the run.
    const std::uint64_t batches = 4, batch = k.histories / batches, first_batch = 3;
    const std::uint64_t h0 = first_batch * batch;
    const std::vector<std::uint64_t> want = test::tallies_by_history(h, h0, batch, batches, bins);
    const std::string what = "particle " + std::to_string(k.particle) + " at " +
                             std::to_string(k.energy) + " MeV, range rejection " +
                             std::to_string(k.range_rejection);
    for (std::uint64_t b = 0; b < batches; ++b) {
      ASSERT_EQ(want[b * bins + overflow_bin(nl)], 0u) << what;
    }
    // The bins a history tallies (energy and path length); step counters, when compiled in,
    // count per particle here and per history there.
    const int compared = photon_tally_bins(nl);
    std::uint64_t items_default = 0;
    for (const StageCapacities& cap : capacities) {
      const bool least =
          cap.budgets.charged_stage_photons == kMinimumStageBudgets.charged_stage_photons;
      for (int threads : {1, 2}) {
        std::vector<std::uint64_t> got(batches * bins, 0);
        CpuStageDevice device{threads, {}};
        StagedTransport<PhotonHistoryFunctor, CpuStageDevice> staged(device, h, cap);
        staged.run(h0, batches * batch, StageTallies{batch, first_batch, bins, got.data()});
        int differing = 0;
        for (std::uint64_t b = 0; b < batches; ++b) {
          for (int i = 0; i < compared; ++i) {
            differing += got[b * bins + i] != want[b * bins + i];
          }
        }
        const StageCounts& n = staged.counts();
        const std::string where = what + ", capacities " + std::to_string(cap.photons) + "/" +
                                  std::to_string(cap.charged) + (least ? " least budgets" : "") +
                                  ", threads " + std::to_string(threads);
        EXPECT_EQ(differing, 0) << where;
        if (&cap == &capacities[0]) items_default = n.photons + n.charged;
        // The smallest budgets make particles set themselves aside and resume more often
        // (more stage items for the same particles) wherever they have secondaries.
        if (least && k.particle != 1) EXPECT_GT(n.photons + n.charged, items_default) << where;
        if (cap.photons >= 64) {
          // Room for the stages: they do the work, the depth-first way out is rare.
          EXPECT_GT(n.photons + n.charged, n.finished) << where;
        }
        if (cap.photons == 1) EXPECT_GT(n.finish_launches, 0u) << where;
        if (threads == 1) {
          std::printf(
              "%s: launches source %llu photon %llu charged %llu finish %llu; particles photon "
              "%llu charged %llu finished %llu; blocked %llu\n",
              where.c_str(), static_cast<unsigned long long>(n.source_launches),
              static_cast<unsigned long long>(n.photon_launches),
              static_cast<unsigned long long>(n.charged_launches),
              static_cast<unsigned long long>(n.finish_launches),
              static_cast<unsigned long long>(n.photons),
              static_cast<unsigned long long>(n.charged),
              static_cast<unsigned long long>(n.finished),
              static_cast<unsigned long long>(n.blocked));
        }
      }
    }
  }
}

}  // namespace
}  // namespace gpudose
