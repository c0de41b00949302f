// Step counters (kernels/step_counters.hh): the hooks compile to nothing for ordinary tallies,
// counting does not change a single tally bit, and the counts are what the geometry says: a
// pencil beam through a water column whose photons never interact crosses a known number of
// majorant blocks and has no real collision, exactly when it escapes uncollided; electron
// sources start a track per history, and every range-rejected track is a track.
#include "kernels/step_counters.hh"

#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "host/run/photon_job.hh"
#include "tests/transport/test_data.hh"

namespace gpudose {
namespace {

using test::electrons;
using test::female;
using test::photons;

static_assert(!CountsSteps<PlainTally>::value, "plain tallies count nothing (zero cost)");
static_assert(!CountsSteps<CoalescingTally<AtomicTally>>::value, "GPU tally counts nothing");
static_assert(CountsSteps<CountingTally<PlainTally>>::value, "the counting tally counts");

// Runs history h twice, with and without counting; checks the energy bins agree bit for bit and
// returns the counts of that history.
template <class History>
std::vector<std::uint64_t> counted_history(const History& history, std::uint64_t h, int bins) {
  std::vector<std::uint64_t> plain(bins, 0), counted(bins + kNumStepCounters, 0);
  PlainTally p{plain.data()};
  history(h, p);
  CountingTally<PlainTally> c{PlainTally{counted.data()}, bins};
  history(h, c);
  c.flush();
  for (int b = 0; b < bins; ++b) EXPECT_EQ(plain[b], counted[b]) << "history " << h << " bin " << b;
  return std::vector<std::uint64_t>(counted.begin() + bins, counted.end());
}

TEST(StepCounters, PencilBeamCountsMatchTheGeometry) {
  // A 4 x 4 x 50 column of 0.4 cm water voxels (20 cm), majorant blocks of 8 voxels (3.2 cm):
  // a photon along +z that never interacts crosses 6 block faces inside and the exit face.
  const test::WaterColumn column(4, 4, 50, 0.4, 8);
  const PhotonHistoryFunctor h = column.pencil_beam(0.5, 0.8, 0.8, 11);
  const int bins = photon_tally_bins(1);
  const std::uint64_t n = 20000;
  std::uint64_t uncollided = 0, no_real = 0, real = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    std::vector<std::uint64_t> single(bins, 0);
    PlainTally s{single.data()};
    h(i, s);
    const bool escaped_uncollided = single[escaped_uncollided_bin(1)] != 0;
    const std::vector<std::uint64_t> k = counted_history(h, i, bins);
    EXPECT_GE(k[kTentativeCollisions], k[kRealCollisions]);
    EXPECT_GE(k[kTallyDeposits], k[kTallyAtomics]);
    EXPECT_EQ(k[kChargedTracks], 0u);  // local electrons: no track
    EXPECT_EQ(k[kChargedSteps], 0u);
    if (escaped_uncollided) {
      ++uncollided;
      EXPECT_EQ(k[kRealCollisions], 0u) << i;
      EXPECT_EQ(k[kBlockCrossings], 7u) << i;
      // The escape: one deposit into each escape bin, one atomic each.
      EXPECT_EQ(k[kTallyDeposits], 2u) << i;
      EXPECT_EQ(k[kTallyAtomics], 2u) << i;
    }
    if (k[kRealCollisions] == 0) ++no_real;
    real += k[kRealCollisions];
  }
  EXPECT_EQ(no_real, uncollided);
  // The uncollided fraction is exp(-mu L) (narrow-beam attenuation with the engine's own mu).
  const double p = std::exp(-column.mu(0.5) * 20.0);
  EXPECT_NEAR(static_cast<double>(uncollided) / n, p, 4 * std::sqrt(p * (1 - p) / n));
  EXPECT_GT(real, n);  // about mu L = 1.9 interactions per history before escape or absorption
}

TEST(StepCounters, ElectronSourceCountsTracksStepsAndRejections) {
  for (const char* rr : {"on", "off"}) {
    PhotonJobConfig c;
    c.source = "liver";
    c.energy_mev = 0.5;
    c.particle = 1;
    c.electrons = ElectronMode::kTransport;
    c.electron.range_rejection = std::string(rr) == "on" ? 1 : 0;
    const PhotonJob job(female(), photons(), c, &electrons());
    const PhotonHistoryFunctor history = job.history();
    const int bins = photon_tally_bins(female().view().num_labels);
    std::uint64_t tracks = 0, rejected = 0, steps = 0;
    const std::uint64_t n = 300;
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::vector<std::uint64_t> k = counted_history(history, i, bins);
      EXPECT_GE(k[kChargedTracks], 1u) << i;  // the source electron
      EXPECT_LE(k[kRangeRejectedTracks], k[kChargedTracks]) << i;
      EXPECT_GE(k[kChargedSteps], 1u) << i;
      EXPECT_GE(k[kTallyDeposits], k[kTallyAtomics]) << i;
      tracks += k[kChargedTracks];
      rejected += k[kRangeRejectedTracks];
      steps += k[kChargedSteps];
    }
    if (std::string(rr) == "on") {
      // A 0.5 MeV electron (CSDA range 0.18 cm) in the liver is nearly always rejected at once.
      EXPECT_GT(rejected, n * 8 / 10) << rr;
    } else {
      EXPECT_EQ(rejected, 0u);
      EXPECT_GT(steps, 10 * n);  // tracked to the cut-off: many condensed-history steps
    }
    std::printf("range rejection %s: %.3g tracks, %.3g rejected, %.3g steps per history\n", rr,
                static_cast<double>(tracks) / n, static_cast<double>(rejected) / n,
                static_cast<double>(steps) / n);
  }
}

}  // namespace
}  // namespace gpudose
