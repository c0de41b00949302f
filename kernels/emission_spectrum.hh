// The emissions of a radionuclide source as a sampling table, for `gpudose run --nuclide`: one
// history is one emitted particle, drawn with probability proportional to its yield per decay
// (unbiased, no weights, so the fixed-point tallies stay exact integers); the host multiplies
// the mean per history by the particles emitted per decay to report per decay.
//
// Channels: the discrete lines (gamma, X, annihilation as photons; internal-conversion and
// Auger electrons as electrons) and, when the nuclide has one, the beta spectrum as one more
// channel whose energy is drawn from the ICRP-07.BET spectrum by inverting the cumulative
// distribution of its piecewise-linear density (exact for that density: in each segment the
// CDF is quadratic in E). The channel is picked by Walker's alias method (alias_table.hh).
#pragma once

#include <cmath>
#include <cstdint>

#include "kernels/alias_table.hh"
#include "kernels/portability.hh"

namespace gpudose {

struct EmissionSpectrumView {
  std::uint32_t n_channels = 0;  // 0: no spectrum (monoenergetic source)
  AliasTableView alias;          // over n_channels: n_lines lines, then the beta channel if any
  std::uint32_t n_lines = 0;
  const double* line_energy = nullptr;  // MeV, [n_lines]
  const int* line_particle = nullptr;   // 0 photon, 1 electron, 2 positron, [n_lines]
  // Beta channel: nodes E_i (MeV), density f_i (any normalisation) and the cumulative C_i of
  // the piecewise-linear density at the nodes (C_0 = 0, C_{n-1} = total), [n_beta].
  std::uint32_t n_beta = 0;
  const double* beta_energy = nullptr;
  const double* beta_density = nullptr;
  const double* beta_cumulative = nullptr;
  int beta_particle = 1;  // 1 electron (beta-, or mixed beta-/beta+), 2 positron (pure beta+)

  // Energy of the beta channel for a uniform u in [0, 1).
  GD_HOST_DEVICE double sample_beta(double u) const {
    const double target = u * beta_cumulative[n_beta - 1];
    // Last node whose cumulative is <= target (binary search; spectra have ~10^2-10^3 nodes).
    std::uint32_t lo = 0, hi = n_beta - 1;
    while (hi - lo > 1) {
      const std::uint32_t mid = (lo + hi) / 2;
      if (beta_cumulative[mid] <= target) {
        lo = mid;
      } else {
        hi = mid;
      }
    }
    const double h = beta_energy[hi] - beta_energy[lo];
    const double f0 = beta_density[lo], f1 = beta_density[hi];
    const double c = target - beta_cumulative[lo];  // area to cover inside the segment
    // Solve f0 x + (f1 - f0) x^2 / (2 h) = c for x in [0, h]; the form below avoids the
    // cancellation of the textbook root when f1 ~ f0.
    const double slope = (f1 - f0) / h;
    double x;
    if (slope == 0) {
      x = f0 > 0 ? c / f0 : 0.5 * h;
    } else {
      const double disc = f0 * f0 + 2 * slope * c;
      x = 2 * c / (f0 + sqrt(disc > 0 ? disc : 0));
    }
    x = x < 0 ? 0 : (x > h ? h : x);
    return beta_energy[lo] + x;
  }

  // Picks a channel with u_channel and returns its particle; *energy receives its energy (the
  // beta channel draws u_energy; a line ignores it).
  GD_HOST_DEVICE int sample(double u_channel, double u_energy, double* energy) const {
    const std::uint32_t c = alias.sample(u_channel);
    if (c < n_lines) {
      *energy = line_energy[c];
      return line_particle[c];
    }
    *energy = sample_beta(u_energy);
    return beta_particle;
  }
};

}  // namespace gpudose
