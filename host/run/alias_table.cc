#include "host/run/alias_table.hh"

#include <stdexcept>

namespace gpudose {

// Vose's construction: cells with scaled probability below 1 ("small") are topped up by one
// cell above 1 ("large"), which then loses that much; every cell ends with at most two outcomes.
AliasTable::AliasTable(const std::vector<double>& weights) {
  const std::size_t n = weights.size();
  if (n == 0 || n > 0xffffffffu) throw std::invalid_argument("alias table: bad number of weights");
  double total = 0;
  for (double w : weights) {
    if (!(w >= 0)) throw std::invalid_argument("alias table: negative or NaN weight");
    total += w;
  }
  if (!(total > 0)) throw std::invalid_argument("alias table: all weights are zero");
  accept_.assign(n, 1.0);
  alias_.resize(n);
  std::vector<double> scaled(n);
  std::vector<std::uint32_t> small, large;
  for (std::size_t i = 0; i < n; ++i) {
    alias_[i] = static_cast<std::uint32_t>(i);
    scaled[i] = weights[i] * static_cast<double>(n) / total;
    (scaled[i] < 1.0 ? small : large).push_back(static_cast<std::uint32_t>(i));
  }
  while (!small.empty() && !large.empty()) {
    const std::uint32_t s = small.back();
    small.pop_back();
    const std::uint32_t l = large.back();
    accept_[s] = scaled[s];
    alias_[s] = l;
    scaled[l] -= 1.0 - scaled[s];
    if (scaled[l] < 1.0) {
      large.pop_back();
      small.push_back(l);
    }
  }
  // Leftovers are 1 up to rounding: they keep themselves.
  for (std::uint32_t i : small) accept_[i] = 1.0;
  for (std::uint32_t i : large) accept_[i] = 1.0;
}

}  // namespace gpudose
