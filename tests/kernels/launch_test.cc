// The CPU launch abstraction visits each index exactly once, whatever the thread count, and a
// functor's results depend only on the index (here: RngFill).
#include "kernels/launch.hh"

#include <gtest/gtest.h>

#include <vector>

#include "kernels/rng_fill.hh"

namespace gpudose {
namespace {

struct CountVisits {
  std::uint32_t* visits;
  void operator()(std::uint64_t i) const { __atomic_fetch_add(&visits[i], 1u, __ATOMIC_RELAXED); }
};

TEST(LaunchCpu, VisitsEveryIndexOnce) {
  for (int threads : {0, 1, 2, 5}) {
    std::vector<std::uint32_t> visits(10007, 0);
    launch_cpu(visits.size(), CountVisits{visits.data()}, threads);
    for (std::size_t i = 0; i < visits.size(); ++i) ASSERT_EQ(visits[i], 1u) << i;
  }
}

TEST(LaunchCpu, EmptyRangeDoesNothing) {
  std::vector<std::uint32_t> visits(1, 0);
  launch_cpu(0, CountVisits{visits.data()}, 2);
  EXPECT_EQ(visits[0], 0u);
}

TEST(LaunchCpu, RngFillIndependentOfThreadsAndOffsets) {
  const std::uint32_t draws = 6;
  std::vector<std::uint32_t> one(1000 * draws), many(1000 * draws), tail(500 * draws);
  launch_cpu(1000, RngFill{99, 3, 0, draws, one.data()}, 1);
  launch_cpu(1000, RngFill{99, 3, 0, draws, many.data()}, 4);
  EXPECT_EQ(one, many);
  // Items 500..999 launched as a separate batch starting at history 500 give the same words.
  launch_cpu(500, RngFill{99, 3, 500, draws, tail.data()}, 3);
  EXPECT_TRUE(std::equal(tail.begin(), tail.end(), one.begin() + 500 * draws));
}

}  // namespace
}  // namespace gpudose
