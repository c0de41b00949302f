// Stand-in for the GPU tests in builds without the CUDA back end: keeps the `gpu` label present
// and says plainly why nothing ran.
#include <gtest/gtest.h>

TEST(Gpu, Skipped) { GTEST_SKIP() << "this build has no CUDA back end; GPU tests not compiled"; }
