// Radial dose profiles of the dose-image tests: the voxels of an n x n x n block grouped into
// shells of equal rounded distance (in voxels) from the central voxel (JobRequest::voxel_groups),
// and the chi-square between two runs' shell means.
#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <vector>

#include "host/run/statistics.hh"

namespace gpudose::test {

struct RadialShells {
  std::vector<std::uint32_t> of_voxel;  // shell of each voxel (x fastest)
  std::size_t count = 0;
};

// Shells around voxel (n/2, n/2, n/2) of an n^3 block (n odd).
inline RadialShells radial_shells(int n) {
  const int c = n / 2;
  RadialShells r;
  r.of_voxel.resize(static_cast<std::size_t>(n) * n * n);
  for (int z = 0; z < n; ++z) {
    for (int y = 0; y < n; ++y) {
      for (int x = 0; x < n; ++x) {
        const double d =
            std::sqrt(double((x - c) * (x - c) + (y - c) * (y - c) + (z - c) * (z - c)));
        const auto s = static_cast<std::uint32_t>(std::lround(d));
        r.of_voxel[x + n * (y + n * z)] = s;
        r.count = std::max<std::size_t>(r.count, s + 1);
      }
    }
  }
  return r;
}

struct ShellComparison {
  double chi2 = 0;
  int dof = 0;          // shells compared: energy in both, relative 1-sigma <= max_rel_unc
  bool differ = false;  // some compared shell's exact sums differ
};

// Chi-square of the shell means of two runs (their voxel-group statistics).
inline ShellComparison compare_shells(const VoxelStatistics& a, const VoxelStatistics& b,
                                      std::size_t shells, double max_rel_unc) {
  ShellComparison c;
  for (std::size_t s = 0; s < shells; ++s) {
    const double ea = a.mean_mev(s), eb = b.mean_mev(s);
    if (!(ea > 0 && eb > 0)) continue;
    const double ua = a.rel_unc(s) * ea, ub = b.rel_unc(s) * eb;
    if (!(ua > 0 && ub > 0) || ua > max_rel_unc * ea || ub > max_rel_unc * eb) continue;
    c.chi2 += (ea - eb) * (ea - eb) / (ua * ua + ub * ub);
    ++c.dof;
    c.differ = c.differ || a.energy_sum(s) != b.energy_sum(s);
  }
  return c;
}

}  // namespace gpudose::test
