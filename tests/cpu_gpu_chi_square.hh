// Statistical agreement of two runs of one job (CPU and GPU, independent seeds): chi-square of
// the target AFs over the targets with rel_unc < 20 % in both (fewer counts are not Gaussian).
#pragma once

#include <cmath>

#include "host/run_result.hh"

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

}  // namespace gpudose::test
