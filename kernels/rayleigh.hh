// Coherent (Rayleigh) scattering with atomic form factors.
//
// d(sigma)/d(mu) ~ (1 + mu^2)/2 * F^2(x), x = E sin(theta/2)/(h c) (1/Angstrom). Sampling as in
// PENELOPE-2018 (F. Salvat, NEA/MBDAV/R(2019)1, section 2.1): x^2 is drawn from the density
// F^2(x) restricted to x^2 <= x_max^2 = (E/hc)^2 by inverse transform of its cumulative (the
// medium's tabulated inverse cumulative, supplied as `inverse_cdf(u, x2_max)`), giving
// mu = 1 - 2 x^2 / x_max^2; the Thomson factor (1 + mu^2)/2 <= 1 is applied by rejection.
// Anomalous scattering factors are neglected (their effect on dose is negligible).
#pragma once

#include "kernels/constants.hh"
#include "kernels/portability.hh"

namespace gpudose {

template <class Rng, class InverseCdf>
GD_HOST_DEVICE GD_FORCEINLINE double sample_rayleigh_mu(double e_mev, Rng& rng,
                                                        const InverseCdf& inverse_cdf) {
  const double x_max = e_mev / kHcMeVAngstrom;
  const double x2_max = x_max * x_max;
  for (;;) {
    const double x2 = inverse_cdf(rng.uniform(), x2_max);
    double mu = 1.0 - 2.0 * x2 / x2_max;
    mu = mu < -1.0 ? -1.0 : mu;
    if (2.0 * rng.uniform() <= 1.0 + mu * mu) return mu;
  }
}

}  // namespace gpudose
