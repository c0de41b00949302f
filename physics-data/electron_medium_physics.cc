#include "physics-data/electron_medium_physics.hh"

#include <algorithm>
#include <cmath>

#include "host/foundation/user_error.hh"
#include "kernels/electron_tables.hh"

namespace gpudose {
namespace {

constexpr double kMillibarn = 1e-27;  // cm^2
constexpr double kLn2 = 0.69314718055994531;

// Natural cubic spline second derivatives (x ascending); standard tridiagonal solve.
std::vector<double> spline_second_derivatives(const std::vector<double>& x,
                                              const std::vector<double>& y) {
  const std::size_t n = x.size();
  std::vector<double> d2(n, 0.0);
  std::vector<double> u(n, 0.0);
  for (std::size_t i = 1; i + 1 < n; ++i) {
    const double sig = (x[i] - x[i - 1]) / (x[i + 1] - x[i - 1]);
    const double p = sig * d2[i - 1] + 2.0;
    d2[i] = (sig - 1.0) / p;
    const double dy = (y[i + 1] - y[i]) / (x[i + 1] - x[i]) - (y[i] - y[i - 1]) / (x[i] - x[i - 1]);
    u[i] = (6.0 * dy / (x[i + 1] - x[i - 1]) - sig * u[i - 1]) / p;
  }
  d2[n - 1] = 0.0;
  for (std::size_t k = n - 1; k-- > 0;) d2[k] = d2[k] * d2[k + 1] + u[k];
  return d2;
}

double spline_eval(const std::vector<double>& x, const std::vector<double>& y,
                   const std::vector<double>& d2, double xv) {
  if (xv <= x.front()) return y.front();
  if (xv >= x.back()) return y.back();
  const std::size_t hi =
      static_cast<std::size_t>(std::upper_bound(x.begin(), x.end(), xv) - x.begin());
  const std::size_t lo = hi - 1;
  const double h = x[hi] - x[lo];
  const double a = (x[hi] - xv) / h;
  const double b = (xv - x[lo]) / h;
  return a * y[lo] + b * y[hi] + ((a * a * a - a) * d2[lo] + (b * b * b - b) * d2[hi]) * h * h / 6;
}

struct Kinematics {
  double tau, gamma, beta2, eta;
};

Kinematics kinematics(double t_mev) {
  Kinematics k;
  k.tau = t_mev / kElectronMassMeV;
  k.gamma = k.tau + 1;
  k.beta2 = k.tau * (k.tau + 2) / (k.gamma * k.gamma);
  k.eta = std::sqrt(k.tau * (k.tau + 2));
  return k;
}

}  // namespace

double icru37_condensed_i_value(int z, double elemental_i_ev) {
  switch (z) {
    case 1:
      return 19.2;
    case 6:
      return 81.0;
    case 7:
      return 82.0;
    case 8:
      return 106.0;
    case 9:
      return 112.0;
    case 17:
      return 180.0;
    default:
      return 1.13 * elemental_i_ev;
  }
}

double icru37_mean_excitation_energy(const Medium& medium, const ElectronDataSources& data) {
  double num = 0;
  double den = 0;
  for (const auto& e : medium.elements) {
    auto it = data.elements.find(e.z);
    if (it == data.elements.end()) {
      throw UserError(
          "no electron data for Z = " + std::to_string(e.z) + " in medium '" + medium.name + "'",
          "the element was not loaded", "load the data sources for every element");
    }
    const double elemental = it->second.shells.i_value_ev;
    double i_j = elemental;
    if (medium.elements.size() > 1 && medium.density_g_cm3 >= 0.01) {
      i_j = icru37_condensed_i_value(e.z, elemental);
    }
    const double w = e.mass_fraction * e.z / it->second.atomic_weight;
    num += w * std::log(i_j);
    den += w;
  }
  return std::exp(num / den);
}

double positron_brems_ratio(int z, double t_mev) {
  const double t = std::log(1 + 1e6 * t_mev / (kElectronMassMeV * z * z));
  const double c[7] = {-1.2359e-1, 6.1274e-2, -3.1516e-2, 7.7446e-3,
                       -1.0595e-3, 7.0568e-5, -1.8080e-6};
  double poly = 0;
  double tp = 1;
  for (double ci : c) {
    tp *= t;
    poly += ci * tp;
  }
  return 1 - std::exp(poly);
}

double collision_dcs(double t_mev, double w_mev, bool positron) {
  const HardCollisionDcs dcs(t_mev, positron);
  if (!(w_mev > 0) || w_mev > dcs.eps_max() * t_mev) return 0;
  return dcs.shape(w_mev / t_mev) / (w_mev * w_mev);
}

double hard_collision_energy_loss_integral(double t_mev, double w_cut_mev, bool positron) {
  const double ec = w_cut_mev / t_mev;
  const HardCollisionDcs d(t_mev, positron);
  if (ec >= d.eps_max()) return 0;
  if (positron) {
    return std::log(1 / ec) - d.b1 * (1 - ec) + d.b2 * (1 - ec * ec) / 2 -
           d.b3 * (1 - ec * ec * ec) / 3 + d.b4 * (1 - ec * ec * ec * ec) / 4;
  }
  const double ln_half = -kLn2;
  return std::log(1 / (2 * ec)) + (2 + ln_half - 1 / (1 - ec) - std::log(1 - ec)) +
         (1 - d.a) * (ln_half - std::log(1 - ec)) + 0.5 * d.a * (0.25 - ec * ec);
}

double hard_collision_number_integral(double t_mev, double w_cut_mev, bool positron) {
  const double ec = w_cut_mev / t_mev;
  const HardCollisionDcs d(t_mev, positron);
  if (ec >= d.eps_max()) return 0;
  if (positron) {
    return ((1 / ec - 1) - d.b1 * std::log(1 / ec) + d.b2 * (1 - ec) - d.b3 * (1 - ec * ec) / 2 +
            d.b4 * (1 - ec * ec * ec) / 3) /
           t_mev;
  }
  return (1 / ec - 1 / (1 - ec) - (1 - d.a) * std::log((1 - ec) / ec) + d.a * (0.5 - ec)) / t_mev;
}

ElectronMediumPhysics::ElectronMediumPhysics(const Medium& medium, const ElectronDataSources& data,
                                             double i_value_ev)
    : density_(medium.density_g_cm3) {
  if (!(density_ > 0) || medium.elements.empty()) {
    throw UserError("medium '" + medium.name + "' has no density or no elements",
                    "electron tables need a composition and a density > 0",
                    "give the medium a density (g/cm3) and a composition");
  }
  i_ev_ = i_value_ev > 0 ? i_value_ev : icru37_mean_excitation_energy(medium, data);
  std::vector<DensityEffectOscillator> osc;
  const bool pure = medium.elements.size() == 1;
  for (const auto& e : medium.elements) {
    auto it = data.elements.find(e.z);
    if (it == data.elements.end()) {
      throw UserError(
          "no electron data for Z = " + std::to_string(e.z) + " in medium '" + medium.name + "'",
          "the element was not loaded", "load the data sources for every element");
    }
    const ElementElectronData& el = it->second;
    const double moles = e.mass_fraction / el.atomic_weight;  // mol of atoms per g
    z_over_a_ += moles * e.z;
    ElementPart p;
    p.z = e.z;
    p.atoms_per_cm3 = density_ * kAvogadro * moles;
    for (double t : el.brems.t_mev) p.ln_t.push_back(std::log(t));
    p.kappa = el.brems.kappa;
    const std::size_t nt = el.brems.t_mev.size();
    const std::size_t nk = el.brems.kappa.size();
    p.chi.assign(nk, std::vector<double>(nt));
    p.chi_d2.resize(nk);
    for (std::size_t k = 0; k < nk; ++k) {
      for (std::size_t i = 0; i < nt; ++i) p.chi[k][i] = el.brems.chi_mb[i * nk + k];
      p.chi_d2[k] = spline_second_derivatives(p.ln_t, p.chi[k]);
    }
    p.elastic = el.elastic;
    parts_.push_back(std::move(p));
    // Oscillators carry electron fractions; normalised after the loop.
    for (std::size_t s = 0; s < el.shells.occupancy.size(); ++s) {
      const double n = el.shells.occupancy[s];
      DensityEffectOscillator o;
      o.strength = moles * std::abs(n);
      o.energy_ev = el.shells.binding_ev[s];
      o.conduction = pure && n < 0;
      osc.push_back(o);
    }
  }
  for (auto& o : osc) o.strength /= z_over_a_;
  n_e_ = density_ * kAvogadro * z_over_a_;
  delta_.emplace(std::move(osc), i_ev_, density_, z_over_a_);
}

double ElectronMediumPhysics::density_effect(double t_mev) const {
  return delta_->delta(kinematics(t_mev).eta);
}

double ElectronMediumPhysics::s_col(double t_mev, bool positron) const {
  const Kinematics k = kinematics(t_mev);
  const double i_rel = i_ev_ * 1e-6 / kElectronMassMeV;
  double f = 0;
  if (positron) {
    const double y = 1 / (k.tau + 2);
    f = 2 * kLn2 - k.beta2 / 12 * (23 + 14 * y + 10 * y * y + 4 * y * y * y);
  } else {
    f = 1 - k.beta2 + (k.tau * k.tau / 8 - (2 * k.tau + 1) * kLn2) / (k.gamma * k.gamma);
  }
  const double bracket =
      std::log(k.tau * k.tau * (k.tau + 2) / (2 * i_rel * i_rel)) + f - delta_->delta(k.eta);
  const double s = kBetheConstant * z_over_a_ / k.beta2 * bracket * density_;
  return std::max(s, 0.0);
}

double ElectronMediumPhysics::s_col_restricted(double t_mev, double wcc_mev, bool positron) const {
  const Kinematics k = kinematics(t_mev);
  const double kk = kBetheConstant * z_over_a_ * density_ / k.beta2;  // K, MeV/cm
  const double s =
      s_col(t_mev, positron) - kk * hard_collision_energy_loss_integral(t_mev, wcc_mev, positron);
  return std::max(s, 0.0);
}

double ElectronMediumPhysics::soft_straggling(double t_mev, double wcc_mev, bool positron) const {
  const Kinematics k = kinematics(t_mev);
  const double kk = kBetheConstant * z_over_a_ * density_ / k.beta2;
  const double wmax = std::min(wcc_mev, positron ? t_mev : 0.5 * t_mev);
  // W^2 dsigma/dW = K F(W/T) is smooth and bounded on [0, wmax]: Simpson, 200 intervals (the
  // integrand is evaluated from W = wmax/400 so that collision_dcs never sees W = 0).
  const int n = 200;
  double sum = 0;
  for (int i = 0; i <= n; ++i) {
    const double w = wmax * std::max(static_cast<double>(i) / n, 1.0 / (2 * n));
    const double wgt = (i == 0 || i == n) ? 1 : (i % 2 ? 4 : 2);
    sum += wgt * collision_dcs(t_mev, w, positron) * w * w;
  }
  return kk * sum * wmax / (3 * n);
}

double ElectronMediumPhysics::soft_inelastic_transport_xs(double t_mev, double wcc_mev,
                                                          bool positron, int order) const {
  const Kinematics k = kinematics(t_mev);
  const double kk = kBetheConstant * z_over_a_ * density_ / k.beta2;
  const double lo = i_ev_ * 1e-6;
  const double hi = std::min(wcc_mev, positron ? t_mev : 0.5 * t_mev);
  if (!(hi > lo)) return 0.0;
  // (1 - mu) dsigma/dW ~ 1/W for small W: Simpson in ln W, 200 intervals.
  const double m2 = 2 * kElectronMassMeV;
  const int n = 200;
  const double a = std::log(lo), h = (std::log(hi) - a) / n;
  double sum = 0;
  for (int i = 0; i <= n; ++i) {
    const double w = std::exp(a + i * h);
    // 1 - mu^2 = 2 m c^2 W / (T (T - W + 2 m c^2)) exactly (no cancellation at small W), and
    // 1 - mu = (1 - mu^2) / (1 + mu).
    const double one_minus_mu2 = m2 * w / (t_mev * (t_mev - w + m2));
    const double mu = std::sqrt(std::max(1 - one_minus_mu2, 0.0));
    const double weight = order == 1 ? one_minus_mu2 / (1 + mu) : 1.5 * one_minus_mu2;
    const double wgt = (i == 0 || i == n) ? 1 : (i % 2 ? 4 : 2);
    sum += wgt * collision_dcs(t_mev, w, positron) * weight * w;  // dW = W d(ln W)
  }
  return kk * sum * h / 3;
}

double ElectronMediumPhysics::hard_inelastic_xs(double t_mev, double wcc_mev, bool positron) const {
  const Kinematics k = kinematics(t_mev);
  const double kk = kBetheConstant * z_over_a_ * density_ / k.beta2;
  return kk * hard_collision_number_integral(t_mev, wcc_mev, positron);
}

void ElectronMediumPhysics::chi_at(const ElementPart& p, double t_mev,
                                   std::vector<double>& out) const {
  const double lt = std::log(t_mev);
  out.resize(p.kappa.size());
  for (std::size_t k = 0; k < p.kappa.size(); ++k) {
    out[k] = std::max(0.0, spline_eval(p.ln_t, p.chi[k], p.chi_d2[k], lt));
  }
}

double ElectronMediumPhysics::brems_integral(const ElementPart& p, double t_mev, double kappa_c,
                                             bool above) const {
  std::vector<double> chi;
  chi_at(p, t_mev, chi);
  const auto& kap = p.kappa;
  double sum = 0;
  for (std::size_t k = 0; k + 1 < kap.size(); ++k) {
    double k1 = kap[k];
    double k2 = kap[k + 1];
    const double slope = (chi[k + 1] - chi[k]) / (k2 - k1);
    if (above) {
      k1 = std::max(k1, kappa_c);
      if (k2 <= k1) continue;
      const double c0 = chi[k] - slope * kap[k];  // chi = c0 + slope kappa on this segment
      sum += c0 * std::log(k2 / k1) + slope * (k2 - k1);
    } else {
      k2 = std::min(k2, kappa_c);
      if (k2 <= k1) continue;
      const double c1 = chi[k] + slope * (k1 - kap[k]);
      const double c2 = chi[k] + slope * (k2 - kap[k]);
      sum += 0.5 * (c1 + c2) * (k2 - k1);
    }
  }
  return sum;
}

double ElectronMediumPhysics::s_rad_restricted(double t_mev, double wcr_mev, bool positron) const {
  const Kinematics k = kinematics(t_mev);
  const double kappa_c = std::min(1.0, wcr_mev / t_mev);
  double s = 0;
  for (const auto& p : parts_) {
    double part = p.atoms_per_cm3 * p.z * p.z * brems_integral(p, t_mev, kappa_c, false);
    if (positron) part *= positron_brems_ratio(p.z, t_mev);
    s += part;
  }
  return s * kMillibarn * t_mev / k.beta2;
}

double ElectronMediumPhysics::s_rad(double t_mev, bool positron) const {
  return s_rad_restricted(t_mev, t_mev, positron);
}

double ElectronMediumPhysics::hard_brems_xs(double t_mev, double wcr_mev, bool positron) const {
  if (wcr_mev >= t_mev) return 0;
  const Kinematics k = kinematics(t_mev);
  double s = 0;
  for (const auto& p : parts_) {
    double part = p.atoms_per_cm3 * p.z * p.z * brems_integral(p, t_mev, wcr_mev / t_mev, true);
    if (positron) part *= positron_brems_ratio(p.z, t_mev);
    s += part;
  }
  return s * kMillibarn / k.beta2;
}

double ElectronMediumPhysics::brems_spectrum(double t_mev, double kappa) const {
  double s = 0;
  std::vector<double> chi;
  for (const auto& p : parts_) {
    chi_at(p, t_mev, chi);
    const auto& kap = p.kappa;
    const std::size_t hi = std::min<std::size_t>(
        kap.size() - 1,
        std::max<std::size_t>(1, std::upper_bound(kap.begin(), kap.end(), kappa) - kap.begin()));
    const std::size_t lo = hi - 1;
    const double f = (kappa - kap[lo]) / (kap[hi] - kap[lo]);
    s += p.atoms_per_cm3 * p.z * p.z * (chi[lo] + f * (chi[hi] - chi[lo]));
  }
  return s;
}

void ElectronMediumPhysics::brems_spectrum_nodes(double t_mev, std::vector<double>& kappa,
                                                 std::vector<double>& spectrum) const {
  kappa = parts_.front().kappa;
  spectrum.assign(kappa.size(), 0.0);
  std::vector<double> chi;
  for (const auto& p : parts_) {
    if (p.kappa != kappa) {
      throw UserError("Seltzer-Berger kappa grids differ between elements",
                      "BREMX.DAT must use one kappa grid", "check the BREMX.DAT file");
    }
    chi_at(p, t_mev, chi);
    for (std::size_t k = 0; k < kappa.size(); ++k) {
      spectrum[k] += p.atoms_per_cm3 * p.z * p.z * chi[k];
    }
  }
}

double ElectronMediumPhysics::elastic_interp(const ElementPart& p, const std::vector<double>& s,
                                             double t_mev) const {
  const auto& e = p.elastic.e_mev;
  if (t_mev <= e.front()) return s.front();
  if (t_mev >= e.back()) return s.back();
  const std::size_t hi =
      static_cast<std::size_t>(std::upper_bound(e.begin(), e.end(), t_mev) - e.begin());
  const std::size_t lo = hi - 1;
  const double f = std::log(t_mev / e[lo]) / std::log(e[hi] / e[lo]);
  return std::exp(std::log(s[lo]) + f * std::log(s[hi] / s[lo]));
}

double ElectronMediumPhysics::elastic_xs(double t_mev, bool positron) const {
  double s = 0;
  for (const auto& p : parts_) {
    s += p.atoms_per_cm3 * elastic_interp(p, p.elastic.sigma[positron ? 1 : 0], t_mev);
  }
  return s;
}

double ElectronMediumPhysics::annihilation_xs(double t_mev) const {
  constexpr double kRe = kClassicalElectronRadiusCm;
  const double g = 1 + t_mev / kElectronMassMeV;
  const double root = std::sqrt(g * g - 1);
  return n_e_ * kPi * kRe * kRe / (g + 1) *
         ((g * g + 4 * g + 1) / (g * g - 1) * std::log(g + root) - (g + 3) / root);
}

double ElectronMediumPhysics::transport_mfp1(double t_mev, bool positron) const {
  double s = 0;
  for (const auto& p : parts_) {
    s += p.atoms_per_cm3 * elastic_interp(p, p.elastic.sigma1[positron ? 1 : 0], t_mev);
  }
  return 1 / s;
}

double ElectronMediumPhysics::transport_mfp2(double t_mev, bool positron) const {
  double s = 0;
  for (const auto& p : parts_) {
    s += p.atoms_per_cm3 * elastic_interp(p, p.elastic.sigma2[positron ? 1 : 0], t_mev);
  }
  return 1 / s;
}

}  // namespace gpudose
