// The CUDA launch configuration (`--launch`): its text form and its refusals. Compiled in every
// build, since the option is parsed before any back end is chosen.
#include <gtest/gtest.h>

#include "host/foundation/user_error.hh"
#include "host/run/cuda_photon_runner.hh"

namespace gpudose {
namespace {

TEST(CudaLaunch, DefaultsAreTheFormerConstants) {
  const CudaLaunch d;
  EXPECT_EQ(d.threads_per_block, 256);
  EXPECT_EQ(d.blocks_per_sm, 32);
  EXPECT_EQ(d.histories_per_launch, 1ull << 24);
  EXPECT_EQ(to_string(d), "256x32x16777216");
}

TEST(CudaLaunch, ParsesTwoOrThreeNumbersAndRoundTrips) {
  const CudaLaunch a = parse_cuda_launch("128x8");
  EXPECT_EQ(a.threads_per_block, 128);
  EXPECT_EQ(a.blocks_per_sm, 8);
  EXPECT_EQ(a.histories_per_launch, CudaLaunch{}.histories_per_launch);
  const CudaLaunch b = parse_cuda_launch("1024x1x1000");
  EXPECT_EQ(b.threads_per_block, 1024);
  EXPECT_EQ(b.blocks_per_sm, 1);
  EXPECT_EQ(b.histories_per_launch, 1000u);
  EXPECT_TRUE(parse_cuda_launch(to_string(b)) == b);
  EXPECT_TRUE(b.block_tally);  // block-level tally aggregation by default
  const CudaLaunch c = parse_cuda_launch("256x32:atomics");
  EXPECT_FALSE(c.block_tally);
  EXPECT_EQ(c.threads_per_block, 256);
  EXPECT_EQ(to_string(c), "256x32x16777216:atomics");
  EXPECT_TRUE(parse_cuda_launch(to_string(c)) == c);
  EXPECT_FALSE(c.staged);
  const CudaLaunch d = parse_cuda_launch("128x8x5000:staged");
  EXPECT_TRUE(d.staged);
  EXPECT_EQ(d.threads_per_block, 128);
  EXPECT_EQ(d.histories_per_launch, 5000u);
  EXPECT_EQ(to_string(d), "128x8x5000:staged");
  EXPECT_TRUE(parse_cuda_launch(to_string(d)) == d);
  EXPECT_FALSE(d == b);
}

TEST(CudaLaunch, RefusesWhatCannotLaunch) {
  for (const char* bad : {"",
                          "256",
                          "256x",
                          "x32",
                          "256x32x",
                          "256x32x0",
                          "256x32x1x1",
                          "100x4",
                          "0x4",
                          "2048x4",
                          "256x0",
                          "256x2000",
                          "-256x4",
                          "256 x 4",
                          "256X4",
                          "99999999999999999999x4",
                          ":atomics",
                          "256x32:atomic",
                          "256x32:atomics:atomics",
                          "256x32:stage",
                          "256x32:staged:atomics",
                          "256x32:atomics:staged",
                          ":staged"}) {
    EXPECT_THROW(parse_cuda_launch(bad), UserError) << "'" << bad << "'";
  }
}

}  // namespace
}  // namespace gpudose
