// Interpolation and grid search on tabulated data, for host and device (no std containers).
//
// - search_interval: binary search, O(log n), for any ascending grid.
// - LogGridIndex: O(1) lookup on a grid that is uniform in ln(x) except for a few inserted
//   points (absorption edges, stored twice: the value just below, then just above). A bin table
//   on the uniform log grid points at the last grid index at or below each bin's lower bound;
//   a short forward scan then passes the inserted points of that bin.
// - interp_lin / interp_loglog: the two interpolation laws the tables use. Log-log is exact for
//   power laws, the shape of cross sections between edges; it falls back to lin-lin where a
//   value is zero (below a threshold), where a logarithm is not defined.
#pragma once

#include <cmath>

#include "kernels/portability.hh"

namespace gpudose {

// Index i in [0, n-2] with x[i] <= v < x[i+1] (the last such i when x repeats), clamped to the
// first/last interval outside the grid. Requires n >= 2 and ascending (non-decreasing) x.
GD_HOST_DEVICE GD_FORCEINLINE int search_interval(const double* x, int n, double v) {
  int lo = 0;
  int hi = n - 1;  // invariant: x[lo] <= v < x[hi] once v is inside
  if (!(v >= x[0])) return 0;
  if (v >= x[n - 1]) {
    // Last non-degenerate interval at the top end.
    int i = n - 2;
    while (i > 0 && x[i] == x[i + 1]) --i;
    return i;
  }
  while (hi - lo > 1) {
    const int mid = (lo + hi) / 2;
    if (x[mid] <= v) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  return lo;
}

GD_HOST_DEVICE GD_FORCEINLINE double interp_lin(double x0, double x1, double y0, double y1,
                                                double x) {
  if (x1 == x0) return y1;
  return y0 + (y1 - y0) * (x - x0) / (x1 - x0);
}

// Log-log interpolation; lin-lin when y0 or y1 is not positive (thresholds) or x <= 0.
GD_HOST_DEVICE GD_FORCEINLINE double interp_loglog(double x0, double x1, double y0, double y1,
                                                   double x) {
  if (!(y0 > 0 && y1 > 0 && x0 > 0 && x > 0) || x1 == x0) return interp_lin(x0, x1, y0, y1, x);
  const double t = std::log(x / x0) / std::log(x1 / x0);
  return y0 * std::exp(t * std::log(y1 / y0));
}

// O(1) interval lookup on an almost log-uniform grid (see the file comment). Built on the host
// by physics-data/energy_grid.hh (make_log_grid_bins); a POD view, valid on host and device.
struct LogGridIndex {
  const double* x = nullptr;       // the grid, ascending, points may repeat (edges)
  int n = 0;                       // number of grid points (>= 2)
  const int* bin_first = nullptr;  // [num_bins]: last index i with x[i] <= bin lower bound
  int num_bins = 0;
  double log_x0 = 0;    // ln of the lower bound of bin 0 (= ln x[0])
  double inv_dlog = 0;  // bins per unit of ln x

  // Same contract as search_interval(x, n, v).
  GD_HOST_DEVICE GD_FORCEINLINE int find(double v) const { return find(v, std::log(v)); }

  // The same with ln(v) given (a caller that needs ln(v) anyway computes it once).
  GD_HOST_DEVICE GD_FORCEINLINE int find(double v, double log_v) const {
    if (!(v > x[0])) return 0;
    if (v >= x[n - 1]) return search_interval(x, n, v);
    int b = static_cast<int>((log_v - log_x0) * inv_dlog);
    b = b < 0 ? 0 : (b >= num_bins ? num_bins - 1 : b);
    int i = bin_first[b];
    // Rounding of the bin number can overshoot by one bin: step back if needed.
    while (i > 0 && x[i] > v) --i;
    while (i + 1 < n - 1 && x[i + 1] <= v) ++i;
    return i;
  }
};

}  // namespace gpudose
