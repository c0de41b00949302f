// Block-level tally aggregation (kernels/block_tally.hh), emulated on the CPU: the per-batch
// tallies of a launch equal the CPU runner's bit for bit for any chunk (block) size, any batch
// size (batches smaller than a chunk send items past the window straight to the global bins)
// and any thread count.
#include "kernels/block_tally.hh"

#include <gtest/gtest.h>

#include <vector>

#include "host/run/photon_job.hh"
#include "tests/transport/test_data.hh"

namespace gpudose {
namespace {

using test::electrons;
using test::female;
using test::photons;

TEST(BlockTally, ChunkedWindowsEqualSerialTalliesBitForBit) {
  for (int particle : {0, 1}) {
    PhotonJobConfig c;
    c.energy_mev = 0.5;
    c.particle = particle;
    c.seed = 5;
    c.electrons = ElectronMode::kTransport;
    const PhotonJob job(female(), photons(), c, &electrons());
    const PhotonHistoryFunctor h = job.history();
    const int bins = job.num_bins();
    for (std::uint64_t batch : {std::uint64_t{7}, std::uint64_t{100}, std::uint64_t{1000}}) {
      const std::uint64_t batches = 3000 / batch;
      // A launch that starts at batch 4 of the run (first_history = 4 * batch).
      const std::uint64_t first_batch = 4, h0 = first_batch * batch;
      const std::vector<std::uint64_t> want = test::tallies_by_history(h, h0, batch, batches, bins);
      std::uint64_t nonzero = 0;
      for (std::uint64_t v : want) nonzero += v != 0;
      ASSERT_GT(nonzero, batches);  // the source organ and more: something to aggregate
      for (std::uint64_t chunk : {std::uint64_t{1}, std::uint64_t{13}, std::uint64_t{64},
                                  std::uint64_t{256}, std::uint64_t{1000}, batch * batches}) {
        for (int threads : {1, 2}) {
          std::vector<std::uint64_t> got(batches * bins, 0);
          const BlockAggregatedHistories<PhotonHistoryFunctor> f{
              h, h0, batch, first_batch, batches, bins, got.data()};
          launch_cpu_blocks(batch * batches, chunk, f, threads);
          int differing = 0;
          for (std::size_t k = 0; k < got.size(); ++k) differing += got[k] != want[k];
          EXPECT_EQ(differing, 0) << "particle " << particle << ", batch " << batch << ", chunk "
                                  << chunk << ", threads " << threads;
        }
      }
    }
  }
}

}  // namespace
}  // namespace gpudose
