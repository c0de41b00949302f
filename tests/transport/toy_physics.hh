// A toy photon physics for transport tests: energy-independent mass coefficients per medium,
// S(x) = 1 (free electrons), F^2 constant (x^2 uniform), and a fixed fluorescence line after
// every photoabsorption. Its answers are known in closed form (e.g. narrow-beam transmission
// exp(-sum rho_i mu_i L_i)), which isolates tracking and bookkeeping from the cross sections.
#pragma once

#include "kernels/portability.hh"

namespace gpudose::test {

struct ToyPhysics {
  double coef[2][4];        // [medium][coherent, incoherent, photo, pair] cm^2/g
  double fluorescence_mev;  // emitted after each photoabsorption when below the photon energy

  GD_HOST_DEVICE int energy_index(double, double) const { return 0; }
  GD_HOST_DEVICE double mass_mu_total(int m, int, double e) const {
    double c[4];
    mass_coefficients(m, 0, e, c);
    return c[0] + c[1] + c[2] + c[3];
  }
  GD_HOST_DEVICE void mass_coefficients(int m, int, double e, double out[4]) const {
    for (int k = 0; k < 4; ++k) out[k] = coef[m][k];
    if (e < 1.022) out[3] = 0;  // pair threshold 2 m c^2
  }
  GD_HOST_DEVICE double scattering_function(int, double) const { return 1.0; }
  GD_HOST_DEVICE double scattering_function_max(int) const { return 1.0; }
  GD_HOST_DEVICE double rayleigh_x2(int, double u, double x2_max) const { return u * x2_max; }
  template <class Rng>
  GD_HOST_DEVICE double compton_energy(int, double e, double, double eps_free, Rng&,
                                       double* binding) const {
    *binding = 0;  // toy: free electrons at rest, no Doppler broadening
    return eps_free * e;
  }
  template <class Rng>
  GD_HOST_DEVICE int photoelectric(int, int, double e, Rng&, double* fluo, int max_fluo,
                                   double* photoelectron) const {
    *photoelectron = 0;  // toy: all absorbed energy stays local (no electron transport here)
    if (fluorescence_mev <= 0 || fluorescence_mev >= e || max_fluo < 1) return 0;
    fluo[0] = fluorescence_mev;
    return 1;
  }
};

}  // namespace gpudose::test
