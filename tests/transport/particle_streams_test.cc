// Per-particle random streams (kernels/philox.hh): the order in which a history's pending
// particles are processed cannot change a single tally bit. The same histories run with the
// production order (newest charged particle first), first-in-first-out (oldest charged
// particle first, then the oldest photon), and a seeded shuffle of both stacks (either class,
// any entry); tallies must agree bit for bit for photon, electron and
// positron sources at 0.05, 0.5 and 2 MeV, range rejection on and off. The test orders also
// check the stream bookkeeping itself: every new particle has its own non-zero id, and a
// particle that resumes continues its stream past where it stopped (a missing child_of() or
// set_aside() would replay numbers already drawn).
#include <gtest/gtest.h>

#include <cstdint>
#include <map>
#include <set>
#include <vector>

#include "host/run/photon_job.hh"
#include "tests/transport/test_data.hh"

namespace gpudose {
namespace {

using test::electrons;
using test::female;
using test::photons;

// Checks each particle taken off a stack: a new one (word 0) has a fresh non-zero id, a resumed
// one has drawn more than when it was last taken.
struct StreamLedger {
  std::set<std::uint64_t> ids;
  std::map<std::uint64_t, std::uint32_t> last_word;
  int errors = 0;
  void taken(std::uint64_t id, std::uint32_t word, bool source) {
    auto it = last_word.find(id);
    if (it == last_word.end()) {
      if (!source && (id == 0 || word != 0)) ++errors;  // a child must start a fresh stream
    } else if (word <= it->second) {
      ++errors;  // resumed without moving on: numbers replayed
    }
    last_word[id] = word;
    ids.insert(id);
  }
};

template <class Pick>
struct RecordingOrder {
  Pick pick;
  StreamLedger* ledger;
  bool first = true;
  GD_HOST_DEVICE bool next(const SecondaryStacks& st, int& charged, int& index) {
    if (!pick.next(st, charged, index)) return false;
    const std::uint64_t id = charged ? st.charged[index].id : st.photons[index].id;
    const std::uint32_t word = charged ? st.charged[index].word : st.photons[index].word;
    ledger->taken(id, word, first);
    first = false;
    return true;
  }
};

// Oldest first, charged particles before photons. (Photons first without the shuffle's
// randomness piles the electrons of a whole photon tree onto the 10-entry charged stack, which
// overflows for 2 MeV photons and positrons: a capacity matter for the staged transport's
// queues, not one of the streams.)
struct Fifo {
  bool next(const SecondaryStacks& st, int& charged, int& index) const {
    if (st.n_photons == 0 && st.n_charged == 0) return false;
    charged = st.n_charged > 0 ? 1 : 0;
    index = 0;
    return true;
  }
};

// A seeded shuffle: either stack (when not empty) and any entry of it.
struct Shuffled {
  std::uint64_t state;
  std::uint64_t draw() {  // SplitMix64 (Steele, Lea, Flood, OOPSLA 2014): test-only choices
    std::uint64_t z = (state += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  bool next(const SecondaryStacks& st, int& charged, int& index) {
    if (st.n_photons == 0 && st.n_charged == 0) return false;
    if (st.n_photons == 0) {
      charged = 1;
    } else if (st.n_charged == 0) {
      charged = 0;
    } else {
      charged = static_cast<int>(draw() & 1);
    }
    const int n = charged ? st.n_charged : st.n_photons;
    index = static_cast<int>(draw() % static_cast<std::uint64_t>(n));
    return true;
  }
};

TEST(ParticleStreams, TalliesDoNotDependOnProcessingOrder) {
  const std::vector<test::TransportCase> cases = {
      {0, 0.05, 1, 3000}, {0, 0.5, 1, 3000}, {0, 2.0, 1, 3000}, {0, 2.0, 0, 400},
      {1, 0.05, 0, 2000}, {1, 0.5, 0, 300},  {1, 2.0, 1, 1000}, {1, 2.0, 0, 200},
      {2, 0.05, 1, 2000}, {2, 0.5, 1, 1000}, {2, 2.0, 0, 200},
  };
  for (const test::TransportCase& k : cases) {
    const PhotonJob job(female(), photons(),
                        test::liver_transport_config(k.particle, k.energy, k.range_rejection),
                        &electrons());
    const PhotonHistoryFunctor h = job.history();
    const int nl = female().view().num_labels;
    const int bins = job.num_bins();
    std::vector<std::uint64_t> lifo(bins, 0), fifo(bins, 0), shuffled(bins, 0);
    PlainTally t_lifo{lifo.data()}, t_fifo{fifo.data()}, t_shuffled{shuffled.data()};
    int bad_streams = 0;
    std::size_t particles = 0;
    for (std::uint64_t i = 0; i < k.histories; ++i) {
      StreamLedger l_lifo, l_fifo, l_shuffled;
      h.run(i, t_lifo, RecordingOrder<DepthFirstOrder>{DepthFirstOrder{}, &l_lifo});
      h.run(i, t_fifo, RecordingOrder<Fifo>{Fifo{}, &l_fifo});
      h.run(i, t_shuffled, RecordingOrder<Shuffled>{Shuffled{i * 7919 + 1}, &l_shuffled});
      bad_streams += l_lifo.errors + l_fifo.errors + l_shuffled.errors;
      EXPECT_EQ(l_lifo.ids, l_fifo.ids) << "history " << i;
      EXPECT_EQ(l_lifo.ids, l_shuffled.ids) << "history " << i;
      particles += l_lifo.ids.size();
    }
    const std::string what = "particle " + std::to_string(k.particle) + " at " +
                             std::to_string(k.energy) + " MeV, range rejection " +
                             std::to_string(k.range_rejection);
    EXPECT_EQ(bad_streams, 0) << what;
    EXPECT_EQ(lifo[overflow_bin(nl)], 0u) << what;
    EXPECT_EQ(fifo[overflow_bin(nl)], 0u) << what;
    EXPECT_EQ(shuffled[overflow_bin(nl)], 0u) << what;
    int differing = 0;
    for (int b = 0; b < bins; ++b) {
      differing += lifo[b] != fifo[b];
      differing += lifo[b] != shuffled[b];
    }
    EXPECT_EQ(differing, 0) << what;
    // The case must have secondaries to reorder, or it tests nothing; but a 50 keV electron
    // (below twice the 50 keV hard-collision cut-off, rarely radiating) is one particle.
    if (k.particle != 1 || k.energy > 0.1) EXPECT_GT(particles, k.histories * 11 / 10) << what;
    std::printf("%s: %.2f particles per history, %d differing bins\n", what.c_str(),
                static_cast<double>(particles) / k.histories, differing);
  }
}

}  // namespace
}  // namespace gpudose
