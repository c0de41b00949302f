// The photon library's energy grid: log-uniform from e_min to e_max with `points_per_decade`
// points per decade, plus every absorption edge inside (e_min, e_max) stored twice, so that an
// edge is resolved exactly: the first copy holds the limit of each quantity from below, the
// second the value at and above the edge. Also builds the O(1) bin table of LogGridIndex.
#pragma once

#include <vector>

#include "kernels/interpolation.hh"

namespace gpudose {

struct EnergyGrid {
  std::vector<double> energy;  // MeV, non-decreasing; each edge twice
  std::vector<char> below;     // 1 for the first copy of an edge (limit from below), else 0
  double points_per_decade = 0;
  std::vector<int> bin_first;  // LogGridIndex bins, one per base-grid interval
  double log_e0 = 0;
  double inv_dlog = 0;

  LogGridIndex index() const {
    return {energy.data(),    static_cast<int>(energy.size()),
            bin_first.data(), static_cast<int>(bin_first.size()),
            log_e0,           inv_dlog};
  }
};

// Edges outside (e_min, e_max) are ignored; an edge that coincides with a base point replaces
// it. Requires e_min < e_max and points_per_decade >= 1.
EnergyGrid make_energy_grid(double e_min, double e_max, int points_per_decade,
                            std::vector<double> edges);

// Bin table for LogGridIndex over grid x (x[0] > 0): `bins_per_unit_log` bins per unit ln x.
std::vector<int> make_log_grid_bins(const std::vector<double>& x, double bins_per_unit_log);

}  // namespace gpudose
