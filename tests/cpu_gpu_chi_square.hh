// Statistical agreement of two runs of one job (CPU and GPU, independent seeds): chi-square of
// the target AFs over the targets with rel_unc < 20 % in both (fewer counts are not Gaussian),
// and the check the GPU parity tests share.
#pragma once

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <set>
#include <string>

#include "host/run/job_runner.hh"
#include "host/run/run_result.hh"

namespace gpudose::test {

struct ChiSquare {
  double chi2 = 0;
  int dof = 0;
};

inline ChiSquare af_chi_square(const RunResult& a, const RunResult& b) {
  ChiSquare c;
  for (std::size_t t = 0; t < a.targets.size() && t < b.targets.size(); ++t) {
    const TargetResult& x = a.targets[t];
    const TargetResult& y = b.targets[t];
    if (!(x.rel_unc < 0.2 && y.rel_unc < 0.2)) continue;
    const double vx = std::pow(x.rel_unc * x.af, 2), vy = std::pow(y.rel_unc * y.af, 2);
    c.chi2 += (x.af - y.af) * (x.af - y.af) / (vx + vy);
    ++c.dof;
  }
  return c;
}

// Runs `req` on the CPU back end and on CUDA with seed 2 (independent streams: the comparison
// is statistical, not bitwise, since libm differs), and expects chi-square over the targets
// below dof + 6 sqrt(2 dof) + `slack`, at least `min_dof` targets, and the GPU's fixed-point
// bookkeeping exact (absorbed in the single-organ targets + escaped = emitted).
inline void expect_cpu_gpu_agree(JobRequest req, const Phantom& phantom,
                                 const PhotonLibrary& library, const std::string& what, int min_dof,
                                 double slack) {
  req.backend = "cpu";
  const RunResult cpu = run_job(req, phantom, library);
  req.backend = "cuda";
  req.seed = 2;
  const RunResult gpu = run_job(req, phantom, library);
  ASSERT_EQ(cpu.targets.size(), gpu.targets.size()) << what;
  const ChiSquare c = af_chi_square(cpu, gpu);
  ASSERT_GE(c.dof, min_dof) << what;
  std::printf("CPU vs GPU, %s: chi2 = %.1f for %d targets; GPU %.3g histories/s\n", what.c_str(),
              c.chi2, c.dof, gpu.histories_per_s);
  EXPECT_LT(c.chi2, c.dof + 6 * std::sqrt(2.0 * c.dof) + slack) << what;
  double absorbed = 0;
  std::set<int> counted;
  for (const auto& t : gpu.targets) {
    if (t.ids.size() == 1 && counted.insert(t.ids[0]).second) absorbed += t.af;
  }
  EXPECT_NEAR(absorbed + gpu.escaped_fraction, 1.0, 1e-9) << what;
}

}  // namespace gpudose::test
