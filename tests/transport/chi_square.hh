// Pearson chi-square of a histogram against expected bin probabilities, and a conservative
// acceptance bound: for k degrees of freedom chi2 has mean k and variance 2k; we accept
// chi2 < k + 6 sqrt(2k) (a false alarm rate below ~1e-5 for the k used here), which still
// detects any real distortion of the sampled law at the sample sizes the tests use.
#pragma once

#include <cmath>
#include <vector>

namespace gpudose::test {

inline double chi_square(const std::vector<double>& counts, const std::vector<double>& probs) {
  double n = 0;
  for (double c : counts) n += c;
  double chi2 = 0;
  for (std::size_t i = 0; i < counts.size(); ++i) {
    const double expected = n * probs[i];
    if (expected > 0) chi2 += (counts[i] - expected) * (counts[i] - expected) / expected;
  }
  return chi2;
}

inline double chi_square_bound(std::size_t bins) {
  const double k = static_cast<double>(bins - 1);
  return k + 6.0 * std::sqrt(2.0 * k);
}

// Bin probabilities of density f on [a, b] split into `bins` equal bins (Simpson, 64 panels per
// bin), normalised to 1.
template <class F>
std::vector<double> bin_probabilities(const F& f, double a, double b, std::size_t bins) {
  std::vector<double> p(bins);
  double total = 0;
  const double w = (b - a) / bins;
  for (std::size_t i = 0; i < bins; ++i) {
    const int m = 64;
    const double h = w / m;
    double s = f(a + i * w) + f(a + (i + 1) * w);
    for (int j = 1; j < m; ++j) s += (j % 2 ? 4 : 2) * f(a + i * w + j * h);
    p[i] = s * h / 3;
    total += p[i];
  }
  for (double& x : p) x /= total;
  return p;
}

}  // namespace gpudose::test
