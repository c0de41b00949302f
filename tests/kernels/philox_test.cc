// Philox-4x32-10 against the Random123 known-answer vectors, and the stream-layout contract.
#include "kernels/philox.hh"

#include <gtest/gtest.h>

#include <set>
#include <vector>

namespace gpudose {
namespace {

struct Kat {
  PhiloxCounter ctr;
  PhiloxKey key;
  PhiloxCounter expected;
};

// Random123 1.09, file examples/kat_vectors, the three "philox4x32 10" lines
// (columns: counter[4] key[2] -> output[4]).
const Kat kKats[] = {
    {{{0x00000000, 0x00000000, 0x00000000, 0x00000000}},
     {{0x00000000, 0x00000000}},
     {{0x6627e8d5, 0xe169c58d, 0xbc57ac4c, 0x9b00dbd8}}},
    {{{0xffffffff, 0xffffffff, 0xffffffff, 0xffffffff}},
     {{0xffffffff, 0xffffffff}},
     {{0x408f276d, 0x41c83b0e, 0xa20bc7c6, 0x6d5451fd}}},
    {{{0x243f6a88, 0x85a308d3, 0x13198a2e, 0x03707344}},
     {{0xa4093822, 0x299f31d0}},
     {{0xd16cfe09, 0x94fdcceb, 0x5001e420, 0x24126ea1}}},
};

TEST(Philox, Random123KnownAnswers) {
  for (const Kat& k : kKats) {
    const PhiloxCounter out = philox4x32_10(k.ctr, k.key);
    for (int w = 0; w < 4; ++w) EXPECT_EQ(out.v[w], k.expected.v[w]) << "word " << w;
  }
}

TEST(Philox, StreamIsCounterLayoutOfSeedJobHistory) {
  const std::uint64_t seed = 0x0123456789abcdefull;
  const std::uint32_t job = 7;
  const std::uint64_t history = 0x0000000500000003ull;
  RngStream rng(seed, job, history);
  const PhiloxKey key{{0x89abcdefu, 0x01234567u}};
  for (std::uint32_t block = 0; block < 3; ++block) {
    const PhiloxCounter expect = philox4x32_10(PhiloxCounter{{block, job, 3u, 5u}}, key);
    for (int w = 0; w < 4; ++w) EXPECT_EQ(rng.next_u32(), expect.v[w]);
  }
  EXPECT_EQ(rng.blocks_used(), 3u);
}

TEST(Philox, DistinctHistoriesAndJobsGiveDistinctStreams) {
  std::set<std::uint32_t> firsts;
  for (std::uint32_t job = 0; job < 4; ++job) {
    for (std::uint64_t h = 0; h < 256; ++h) firsts.insert(RngStream(1, job, h).next_u32());
  }
  // 1024 distinct counters give 1024 outputs of a bijection; 32-bit collisions among 1024
  // random words have probability ~1e-4, so demand at least 1023 distinct values.
  EXPECT_GE(firsts.size(), 1023u);
}

TEST(Philox, ParticleStreamResumesExactlyWhereItStopped) {
  // A particle set aside after any number of words (inside a block or on its edge) continues
  // with the very words it would have drawn next.
  for (std::uint32_t drawn = 0; drawn < 13; ++drawn) {
    RngStream whole(77, 3, 1234, StreamPosition{0xfeedfacecafebeefull, 0});
    for (std::uint32_t k = 0; k < drawn; ++k) whole.next_u32();
    const StreamPosition at = whole.position();
    EXPECT_EQ(at.word, drawn);
    EXPECT_EQ(at.id, 0xfeedfacecafebeefull);
    RngStream resumed(77, 3, 1234, at);
    for (int k = 0; k < 9; ++k) EXPECT_EQ(resumed.next_u32(), whole.next_u32()) << drawn;
  }
}

TEST(Philox, SourceParticleStreamIsTheHistoryStream) {
  RngStream history(5, 2, 99);
  RngStream source(5, 2, 99, StreamPosition{0, 0});
  for (int k = 0; k < 10; ++k) EXPECT_EQ(history.next_u32(), source.next_u32());
}

TEST(Philox, ChildStreamsAreDistinctFromParentAndSiblings) {
  // The key is seed XOR id: children drawn from one parent get distinct ids and first words.
  RngStream parent(11, 0, 42);
  std::set<std::uint64_t> ids;
  std::set<std::uint32_t> firsts{RngStream(11, 0, 42).next_u32()};
  for (int k = 0; k < 1000; ++k) {
    const std::uint64_t id = parent.spawn();
    EXPECT_NE(id, 0u);
    ids.insert(id);
    firsts.insert(RngStream(11, 0, 42, StreamPosition{id, 0}).next_u32());
  }
  EXPECT_EQ(ids.size(), 1000u);
  EXPECT_GE(firsts.size(), 1000u);  // 1001 words; a 32-bit coincidence has probability 1e-4
}

TEST(Philox, UniformIsStrictlyInsideUnitIntervalWithCorrectMoments) {
  RngStream rng(42, 0, 0);
  const int n = 1000000;
  double sum = 0, sum2 = 0;
  for (int i = 0; i < n; ++i) {
    const double u = rng.uniform();
    ASSERT_GT(u, 0.0);
    ASSERT_LT(u, 1.0);
    sum += u;
    sum2 += u * u;
  }
  const double mean = sum / n, var = sum2 / n - mean * mean;
  // Mean 1/2 with standard error sqrt(1/12/n) = 2.9e-4: 5 sigma = 1.5e-3.
  EXPECT_NEAR(mean, 0.5, 1.5e-3);
  EXPECT_NEAR(var, 1.0 / 12.0, 1e-3);
}

TEST(Philox, UniformExtremesMapInsideInterval) {
  // All-zero and all-one bit patterns must still be strictly inside (0, 1).
  EXPECT_GT(open_unit_double(0), 0.0);
  EXPECT_LT(open_unit_double(~std::uint64_t{0}), 1.0);
  EXPECT_EQ(open_unit_double(~std::uint64_t{0}), 1.0 - 0x1.0p-53);
}

}  // namespace
}  // namespace gpudose
