// Incoherent (Compton) scattering of a photon on atomic electrons.
//
// Free-electron kinematics with the Klein-Nishina cross section, corrected for electron binding
// by the incoherent scattering function S(x, Z) (Waller-Hartree approximation), the model of
// EGSnrc's "binding effects" option and Geant4's Livermore Compton: the Klein-Nishina ratio
// eps = E'/E is sampled by the composition-rejection method of J. C. Butcher and H. Messel,
// Nucl. Phys. 20 (1960) 15 (as described in the EGS4 manual, W. R. Nelson et al., SLAC-265
// (1985), section 2.9), and each candidate is accepted with probability S(x)/S_max, where x =
// E sin(theta/2) / (h c) is the momentum transfer variable in 1/Angstrom (ENDF/OpenMC units).
// Doppler broadening (impulse approximation: R. Ribberfors, Phys. Rev. B 12 (1975) 2067; the
// scheme of D. Brusa et al., NIM A 379 (1996) 167, as in PENELOPE and Geant4's Livermore model):
// once the angle is drawn as above, a shell is chosen by its electron count, the projection p_z
// of the struck electron's momentum on the scattering vector is drawn from the shell's Compton
// profile J(p_z) (photon_tables.hh), and E' follows from
//   p_z = (E E' (1 - cos theta) - m c^2 (E - E')) / (c |q|),  c|q| = sqrt(E^2 + E'^2 - 2 E E' cos),
// i.e. doppler_compton_energy(). A draw that leaves less than the shell's binding energy to the
// electron is redrawn (shell and p_z; up to kDopplerTries), then the free-electron E' is kept.
// The Compton electron gets E - E' - B and the binding energy B is deposited where the
// scattering happens (the vacancy's fluorescence, < 4 keV in tissue, is not followed: named
// simplification). Drawing the angle from Klein-Nishina x S(x) and then E' from J is the usual
// factorised approximation of the impulse-approximation DCS (the joint density is not
// sampled, as PENELOPE does).
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

// Redraws of (shell, p_z) before the free-electron energy is kept.
constexpr int kDopplerTries = 5;

// E' (MeV) of a photon of energy e_mev scattered by cos(theta) = mu on an electron whose
// momentum projection is pz (units of m_e c, signed); <= 0 when no E' matches (|pz| too large
// for this angle). Squaring the relation above gives, with a = E/mc^2, x = E'/mc^2,
// b = 1 + a (1 - mu):  (b^2 - pz^2) x^2 - 2 a (b - pz^2 mu) x + a^2 (1 - pz^2) = 0; the root
// kept is the one with sign(b x - a) = sign(pz) (the other belongs to -pz). pz = 0 gives the
// free-electron (Compton) energy.
GD_HOST_DEVICE inline double doppler_compton_energy(double e_mev, double mu, double pz) {
  const double a = e_mev / kElectronMassMeV;
  const double b = 1.0 + a * (1.0 - mu);
  const double p2 = pz * pz;
  const double qa = b * b - p2;
  const double qb = b - p2 * mu;
  const double disc = qb * qb - qa * (1.0 - p2);
  if (!(qa > 0) || disc < 0) return -1.0;
  const double r = sqrt(disc);
  const double x_hi = a * (qb + r) / qa, x_lo = a * (qb - r) / qa;
  const double x = (b * x_hi - a > 0) == (pz > 0) ? x_hi : x_lo;
  return x * kElectronMassMeV;
}

// Klein-Nishina differential cross section per electron, d(sigma)/d(mu), in units of pi r_e^2
// (for tests): (eps^2) (1/eps + eps - sin^2) with eps = 1 / (1 + k (1 - mu)).
GD_HOST_DEVICE inline double klein_nishina_dsigma_dmu(double e_mev, double mu) {
  const double k = e_mev / kElectronMassMeV;
  const double eps = 1.0 / (1.0 + k * (1.0 - mu));
  return eps * eps * (1.0 / eps + eps - (1.0 - mu * mu));
}

}  // namespace gpudose
