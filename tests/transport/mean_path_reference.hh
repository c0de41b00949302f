// Deterministic mean path length of an electron or positron slowing down in an unbounded medium
// under the transport model of kernels/electron_transport.hh, the oracle the mean-path test
// compares the Monte Carlo with.
//
// Let L(T) be the mean path a particle of kinetic energy T still travels before it reaches the
// cut-off T_c (L = 0 below it). Along a path ds the soft losses move T continuously down the
// soft range R_s (the same log-log interpolated table the kernel inverts); hard events (Moller
// or Bhabha collisions with W > Wcc, bremsstrahlung with W > Wcr) happen at rate Sigma_h(T) per
// cm and leave the primary with T - W; a positron's annihilation in flight (rate Sigma_a) ends
// its path. The backward (Kolmogorov) equation of that process, with rho = R_s(T) as variable
// (d rho = ds along the continuous loss):
//   dL/drho = 1 - Sigma_h(T) (L(T) - <L(T - W)>_h) - Sigma_a(T) L(T) + (Omega^2(T)/2) L''(T)
// (the last term: Gaussian soft straggling of variance Omega^2 per cm, to second order, as in
// the Fokker-Planck limit; without it the equation is exact for the model). <.>_h averages over
// the kernel's own energy-transfer laws: the Moller/Bhabha DCS F(eps)/W^2 (HardCollisionDcs)
// that sample_hard_collision_energy() samples and the bremsstrahlung CDF rows
// sample_hard_brems_energy() inverts, each evaluated by quadrature over the sampler's inputs.
// Without hard events the equation reduces to dL/drho = 1 with rho = the CSDA range: L(T) =
// R(T) - R(T_c), the continuous-slowing-down model.
//
// It is integrated upward in ln T (trapezoid rule in rho) on a grid fine enough that every hard
// loss (W >= min(Wcc, Wcr)) lands below the previous grid point, so <L(T - W)> uses values
// already known; the straggling term is added to first order (evaluated on the solution without
// it).
#pragma once

#include <algorithm>
#include <cmath>
#include <vector>

#include "kernels/electron_tables.hh"
#include "physics-data/electron_library.hh"

namespace gpudose::test {

struct MeanPathModel {
  bool hard_events = true;
  bool straggling = false;
  bool annihilation = true;  // positrons: annihilation in flight ends the path
};

class MeanPathReference {
 public:
  // particle: 0 e-, 1 e+.
  MeanPathReference(const ElectronLibrary& lib, int particle, int medium, double t_cut,
                    double t_max, MeanPathModel model)
      : lib_(lib), v_(lib.view()), particle_(particle), medium_(medium), model_(model) {
    const double w_min = std::min(v_.wcc_mev, v_.wcr_mev);
    // d ln T <= W_min / (2 T_max): T - W_min lies at least 2 grid intervals below T (halving
    // the spacing or quadrupling the quadrature changes the results by < 0.01 % of R).
    const double dln = std::min(2e-3, w_min / (2 * t_max));
    const int n = static_cast<int>(std::ceil(std::log(t_max / t_cut) / dln)) + 1;
    log_t0_ = std::log(t_cut);
    dln_ = std::log(t_max / t_cut) / (n - 1);
    t_.resize(n);
    rho_.resize(n);
    for (int i = 0; i < n; ++i) {
      t_[i] = std::exp(log_t0_ + i * dln_);
      rho_[i] = value(
          model_.hard_events ? ElectronQuantity::kSoftRange : ElectronQuantity::kCsdaRange, t_[i]);
    }
    std::vector<double> second(n, 0.0);
    solve(second);
    if (model_.straggling) {
      // First-order perturbation in the straggling: the term is evaluated on the solution
      // without it. (Iterating to self-consistency would march a diffusion equation upward,
      // which is unstable on a fine grid; the second-order remainder is ~(Omega^2/(S T))^2,
      // below 1e-3 of the correction in water.)
      for (int i = 1; i + 1 < n; ++i) {
        // d2L/dT2 on the ln T grid: (L_uu - L_u) / T^2 with u = ln T.
        const double lu = (l_[i + 1] - l_[i - 1]) / (2 * dln_);
        const double luu = (l_[i + 1] - 2 * l_[i] + l_[i - 1]) / (dln_ * dln_);
        second[i] = (luu - lu) / (t_[i] * t_[i]);
      }
      solve(second);
    }
  }

  // Mean path (cm) from kinetic energy t (linear interpolation in ln T; 0 at or below the cut).
  double mean_path(double t) const {
    if (t <= t_.front()) return 0.0;
    const double u = (std::log(t) - log_t0_) / dln_;
    int i = static_cast<int>(u);
    if (i >= static_cast<int>(t_.size()) - 1) return l_.back();
    const double f = u - i;
    return l_[i] + f * (l_[i + 1] - l_[i]);
  }

 private:
  double value(ElectronQuantity q, double t) const { return lib_.value(q, particle_, medium_, t); }

  // <l_prev - L(T - W)> over the Moller (e-) or Bhabha (e+) DCS F(eps)/W^2 on
  // [Wcc, eps_max T], eps = W/T: in ln eps the weight is F(eps)/eps, integrated by the midpoint
  // rule (the integrand, ~ W L'(T) / eps, is smooth there). Averaging the difference to the
  // previous grid value rather than L itself avoids the cancellation in Sigma (L - <L>).
  double collision_difference(double t, double l_prev) const {
    const HardCollisionDcs dcs(t, particle_ != 0);
    const double ec = v_.wcc_mev / t;
    if (ec >= dcs.eps_max()) return 0.0;
    const int k = kQuadrature;
    const double l0 = std::log(ec), l1 = std::log(dcs.eps_max());
    double num = 0, den = 0;
    for (int j = 0; j < k; ++j) {
      const double eps = std::exp(l0 + (l1 - l0) * (j + 0.5) / k);
      const double f = dcs.shape(eps) / eps;
      num += f * (l_prev - mean_path_solved(t * (1 - eps)));
      den += f;
    }
    return num / den;
  }

  // <l_prev - L(T - W)> over the bremsstrahlung sampler: both grid rows it may pick, with their
  // ln T interpolation weights, and the midpoints of its uniform input (the sampler is uniform
  // within a bin in ln W, where the spectrum is smooth).
  double brems_difference(double t, double l_prev) const {
    const ElectronGridPos p = electron_grid_pos(v_, t);
    const int k = kQuadrature;
    double upper = 0, lower = 0;
    for (int j = 0; j < k; ++j) {
      const double u = (j + 0.5) / k;
      upper += l_prev - mean_path_solved(t - sample_hard_brems_energy(v_, medium_, t, 0.0, u));
      lower += l_prev - mean_path_solved(t - sample_hard_brems_energy(v_, medium_, t, 1.0, u));
    }
    // u_grid = 0 picks the upper row whenever frac > 0, u_grid = 1 the lower one.
    return (p.frac * upper + (1 - p.frac) * lower) / k;
  }

  // L at an energy below the grid point being solved (already known).
  double mean_path_solved(double t) const {
    if (t <= t_.front()) return 0.0;
    const double u = (std::log(t) - log_t0_) / dln_;
    const int i = static_cast<int>(u);
    const double f = u - i;
    return l_[i] + f * (l_[i + 1] - l_[i]);
  }

  // With d = L_i - L_{i-1} and D = <L_{i-1} - L(T_i - W)> (known: T_i - W lies below T_{i-1}),
  // L_i - <L(T_i - W)> = d + D, and the trapezoid rule in rho gives d in closed form.
  void solve(const std::vector<double>& second) {
    const int n = static_cast<int>(t_.size());
    l_.assign(n, 0.0);
    double g_prev = 1.0;  // dL/drho at the cut-off (L = 0 there)
    for (int i = 1; i < n; ++i) {
      const double t = t_[i];
      double sigma = 0, loss = 0;  // sum of Sigma_k D_k over the hard channels
      if (model_.hard_events) {
        const double s_col = value(ElectronQuantity::kHardInelasticXs, t);
        const double s_rad = value(ElectronQuantity::kHardBremsXs, t);
        if (s_col > 0) loss += s_col * collision_difference(t, l_[i - 1]);
        if (s_rad > 0) loss += s_rad * brems_difference(t, l_[i - 1]);
        sigma = s_col + s_rad;
        if (particle_ && model_.annihilation) {
          const double s_ann = value(ElectronQuantity::kAnnihilationXs, t);
          loss += s_ann * l_[i - 1];  // annihilation: L(after) = 0
          sigma += s_ann;
        }
      }
      double source = 1.0 - loss;
      if (model_.straggling) {
        source += 0.5 * value(ElectronQuantity::kSoftStraggling, t) * second[i];
      }
      // d = h (g_prev + source - sigma d), h = drho / 2.
      const double h = 0.5 * (rho_[i] - rho_[i - 1]);
      const double d = h * (g_prev + source) / (1 + h * sigma);
      l_[i] = l_[i - 1] + d;
      g_prev = source - sigma * d;
    }
  }

  static constexpr int kQuadrature = 200;
  const ElectronLibrary& lib_;
  ElectronTablesView v_;
  int particle_, medium_;
  MeanPathModel model_;
  double log_t0_ = 0, dln_ = 0;
  std::vector<double> t_, rho_, l_;
};

}  // namespace gpudose::test
