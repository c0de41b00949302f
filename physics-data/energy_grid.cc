#include "physics-data/energy_grid.hh"

#include <algorithm>
#include <cmath>
#include <stdexcept>

namespace gpudose {

std::vector<int> make_log_grid_bins(const std::vector<double>& x, double bins_per_unit_log) {
  const double log_x0 = std::log(x.front());
  const int num_bins =
      std::max(1, static_cast<int>(std::ceil((std::log(x.back()) - log_x0) * bins_per_unit_log)));
  std::vector<int> bins(static_cast<std::size_t>(num_bins));
  std::size_t i = 0;
  for (int b = 0; b < num_bins; ++b) {
    const double lower = std::exp(log_x0 + b / bins_per_unit_log);
    while (i + 1 < x.size() - 1 && x[i + 1] <= lower) ++i;
    bins[static_cast<std::size_t>(b)] = static_cast<int>(i);
  }
  return bins;
}

EnergyGrid make_energy_grid(double e_min, double e_max, int points_per_decade,
                            std::vector<double> edges) {
  if (!(e_min > 0 && e_min < e_max) || points_per_decade < 1) {
    throw std::invalid_argument("make_energy_grid: bad range or density");
  }
  const double decades = std::log10(e_max / e_min);
  const int n_base = static_cast<int>(std::ceil(decades * points_per_decade - 1e-9)) + 1;
  std::vector<double> base(static_cast<std::size_t>(n_base));
  for (int k = 0; k < n_base; ++k) {
    base[static_cast<std::size_t>(k)] =
        k == n_base - 1 ? e_max
                        : e_min * std::pow(10.0, static_cast<double>(k) / points_per_decade);
  }
  std::sort(edges.begin(), edges.end());
  edges.erase(std::unique(edges.begin(), edges.end()), edges.end());
  edges.erase(std::remove_if(edges.begin(), edges.end(),
                             [&](double e) { return !(e > e_min && e < e_max); }),
              edges.end());
  EnergyGrid g;
  g.points_per_decade = points_per_decade;
  std::size_t j = 0;
  for (double e : base) {
    while (j < edges.size() && edges[j] <= e) {
      g.energy.push_back(edges[j]);
      g.below.push_back(1);
      g.energy.push_back(edges[j]);
      g.below.push_back(0);
      ++j;
    }
    // A base point within 1e-9 relative of an edge would make a near-empty interval: skip it.
    if (!g.energy.empty() && std::fabs(e / g.energy.back() - 1) < 1e-9) continue;
    g.energy.push_back(e);
    g.below.push_back(0);
  }
  g.log_e0 = std::log(e_min);
  g.inv_dlog = points_per_decade / std::log(10.0);
  g.bin_first = make_log_grid_bins(g.energy, g.inv_dlog);
  return g;
}

}  // namespace gpudose
