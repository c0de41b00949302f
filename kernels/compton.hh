// Incoherent (Compton) scattering of a photon on atomic electrons.
//
// Free-electron kinematics with the Klein-Nishina cross section, corrected for electron binding
// by the incoherent scattering function S(x, Z) (Waller-Hartree approximation), the model of
// EGSnrc's "binding effects" option and Geant4's Livermore Compton: the Klein-Nishina ratio
// eps = E'/E is sampled by the composition-rejection method of J. C. Butcher and H. Messel,
// Nucl. Phys. 20 (1960) 15 (as described in the EGS4 manual, W. R. Nelson et al., SLAC-265
// (1985), section 2.9), and each candidate is accepted with probability S(x)/S_max, where x =
// E sin(theta/2) / (h c) is the momentum transfer variable in 1/Angstrom (ENDF/OpenMC units).
// Not modelled (named simplification): Doppler broadening from shell Compton profiles; the
// Compton electron gets E - E' (binding energy is not split off).
#pragma once

#include <cmath>

#include "kernels/constants.hh"
#include "kernels/portability.hh"

namespace gpudose {

struct ComptonSample {
  double eps;  // E'/E
  double mu;   // cos(theta) of the scattered photon
};

// Momentum transfer x (1/Angstrom) for a photon of energy E (MeV) scattered by cos(theta) = mu.
GD_HOST_DEVICE GD_FORCEINLINE double momentum_transfer_x(double e_mev, double mu) {
  return e_mev / kHcMeVAngstrom * sqrt(fmax(0.0, 0.5 * (1.0 - mu)));
}

// Samples the scattered photon. `sf(x)` returns S(x) for the medium and `sf_max` bounds it
// (use sf = [](double){return 1;} with sf_max = 1 for pure Klein-Nishina).
template <class Rng, class ScatteringFunction>
GD_HOST_DEVICE GD_FORCEINLINE ComptonSample sample_compton(double e_mev, Rng& rng,
                                                           const ScatteringFunction& sf,
                                                           double sf_max) {
  const double k = e_mev / kElectronMassMeV;
  const double eps0 = 1.0 / (1.0 + 2.0 * k);
  const double eps0_sq = eps0 * eps0;
  const double alpha1 = -log(eps0);
  const double alpha2 = alpha1 + 0.5 * (1.0 - eps0_sq);
  for (;;) {
    double eps, eps_sq;
    // Composition: f(eps) ~ 1/eps (weight alpha1) or ~ eps (weight 0.5 (1 - eps0^2)).
    if (alpha1 > alpha2 * rng.uniform()) {
      eps = exp(-alpha1 * rng.uniform());
      eps_sq = eps * eps;
    } else {
      eps_sq = eps0_sq + (1.0 - eps0_sq) * rng.uniform();
      eps = sqrt(eps_sq);
    }
    const double one_minus_mu = (1.0 - eps) / (eps * k);
    const double sin2 = one_minus_mu * (2.0 - one_minus_mu);
    // Rejection: g = 1 - eps sin^2 / (1 + eps^2) completes the Klein-Nishina density.
    if (1.0 - eps * sin2 / (1.0 + eps_sq) < rng.uniform()) continue;
    const double mu = 1.0 - one_minus_mu;
    if (sf(momentum_transfer_x(e_mev, mu)) < sf_max * rng.uniform()) continue;
    return ComptonSample{eps, mu};
  }
}

// Klein-Nishina differential cross section per electron, d(sigma)/d(mu), in units of pi r_e^2
// (for tests): (eps^2) (1/eps + eps - sin^2) with eps = 1 / (1 + k (1 - mu)).
GD_HOST_DEVICE inline double klein_nishina_dsigma_dmu(double e_mev, double mu) {
  const double k = e_mev / kElectronMassMeV;
  const double eps = 1.0 / (1.0 + k * (1.0 - mu));
  return eps * eps * (1.0 / eps + eps - (1.0 - mu * mu));
}

}  // namespace gpudose
