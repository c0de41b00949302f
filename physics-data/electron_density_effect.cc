#include "physics-data/electron_density_effect.hh"

#include <cmath>
#include <stdexcept>

namespace gpudose {
namespace {

// h_bar c (eV cm), classical electron radius (cm), Avogadro (1/mol): CODATA 2018.
constexpr double kHbarC = 1.973269804e-5;
constexpr double kElectronRadius = 2.8179403262e-13;
constexpr double kAvogadro = 6.02214076e23;
constexpr double kPi = 3.14159265358979323846;

}  // namespace

SternheimerDensityEffect::SternheimerDensityEffect(std::vector<DensityEffectOscillator> oscillators,
                                                   double i_value_ev, double density_g_cm3,
                                                   double z_over_a)
    : osc_(std::move(oscillators)) {
  if (osc_.empty() || !(i_value_ev > 0) || !(density_g_cm3 > 0) || !(z_over_a > 0)) {
    throw std::invalid_argument("SternheimerDensityEffect: empty oscillators or bad I/density");
  }
  const double n_e = density_g_cm3 * kAvogadro * z_over_a;
  plasma_ev_ = kHbarC * std::sqrt(4 * kPi * n_e * kElectronRadius);
  const double ln_i_over_p = std::log(i_value_ev / plasma_ev_);
  // g(rho_s) = sum f ln sqrt(nu^2 + 2/3 f) - ln(I/hwp) increases with rho_s: bisection in ln rho_s.
  auto mismatch = [&](double rho) {
    double sum = 0;
    for (const auto& o : osc_) {
      double l2 = 0;
      if (o.conduction) {
        l2 = o.strength;
      } else {
        const double nu = rho * o.energy_ev / plasma_ev_;
        l2 = nu * nu + (2.0 / 3.0) * o.strength;
      }
      if (o.strength > 0) sum += o.strength * 0.5 * std::log(l2);
    }
    return sum - ln_i_over_p;
  };
  double lo = -30;
  double hi = 30;
  if (mismatch(std::exp(hi)) < 0) {
    throw std::invalid_argument("SternheimerDensityEffect: no frequency scale reproduces I");
  }
  // An I below the model's floor (sum f ln sqrt(2/3 f) at rho_s -> 0; happens only for
  // unphysical inputs such as hydrogen at 1 g/cm3) keeps the smallest frequencies: delta is
  // then the high-frequency limit of the model rather than an exception.
  if (mismatch(std::exp(lo)) > 0) hi = lo;
  for (int it = 0; it < 200; ++it) {
    const double mid = 0.5 * (lo + hi);
    if (mismatch(std::exp(mid)) > 0) {
      hi = mid;
    } else {
      lo = mid;
    }
  }
  rho_s_ = std::exp(0.5 * (lo + hi));
  for (const auto& o : osc_) {
    if (o.conduction) {
      nu2_.push_back(0);
      l2_.push_back(o.strength);
    } else {
      const double nu = rho_s_ * o.energy_ev / plasma_ev_;
      nu2_.push_back(nu * nu);
      l2_.push_back(nu * nu + (2.0 / 3.0) * o.strength);
    }
  }
}

double SternheimerDensityEffect::delta(double eta) const {
  if (!(eta > 0)) return 0;
  const double target = 1.0 / (eta * eta);
  // F(L^2) = sum f / (nu^2 + L^2) decreases with L^2; delta = 0 if F(0) <= target (insulator
  // below threshold). Conduction terms make F(0) infinite, so conductors always have L > 0.
  auto f_of = [&](double big_l2) {
    double s = 0;
    for (std::size_t i = 0; i < osc_.size(); ++i) {
      const double d = nu2_[i] + big_l2;
      if (d <= 0) return 1e300;
      s += osc_[i].strength / d;
    }
    return s;
  };
  if (f_of(0) <= target) return 0;
  double lo = 0;
  double hi = 1;
  while (f_of(hi) > target) hi *= 2;
  for (int it = 0; it < 200 && hi - lo > 1e-15 * hi; ++it) {
    const double mid = 0.5 * (lo + hi);
    if (f_of(mid) > target) {
      lo = mid;
    } else {
      hi = mid;
    }
  }
  const double big_l2 = 0.5 * (lo + hi);
  const double beta2 = eta * eta / (1 + eta * eta);
  double d = 0;
  for (std::size_t i = 0; i < osc_.size(); ++i) {
    if (osc_[i].strength > 0) d += osc_[i].strength * std::log(1 + big_l2 / l2_[i]);
  }
  d -= big_l2 * (1 - beta2);
  return d > 0 ? d : 0;
}

}  // namespace gpudose
