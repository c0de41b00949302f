// The photon transport's physics (the PhotonPhysics concept of photon_transport.hh) on the
// engine's photon library tables (photon_tables.hh), for host and device.
//
// Photoelectric absorption follows the EADL vacancy cascade: the photoelectron (E - binding) is
// returned to the transport (transported or deposited locally, see photon_transport.hh); each
// vacancy is filled by a transition sampled from the EADL probabilities (ENDF/B-VIII.0 relaxation
// sublibrary): a radiative one emits a fluorescence photon (returned to the caller for transport)
// and moves the vacancy to the filling shell, a non-radiative one emits an Auger electron
// (deposited locally) and leaves two vacancies. Vacancies in shells bound by less than the photon
// cut-off are not followed: their fluorescence would be deposited at once anyway. All energy not
// carried off by fluorescence photons is deposited at the interaction point by the transport (exact
// bookkeeping there).
#pragma once

#include "kernels/compton.hh"
#include "kernels/photon_tables.hh"
#include "kernels/portability.hh"

namespace gpudose {

struct PhotonTablesPhysics {
  PhotonTablesView t;
  const int* catalog_medium = nullptr;  // phantom medium index -> library (catalog) medium
  double cutoff_mev = 1e-3;

  GD_HOST_DEVICE GD_FORCEINLINE int energy_index(double e, double log_e) const {
    return t.find(e, log_e);
  }

  GD_HOST_DEVICE GD_FORCEINLINE double mass_mu_total(int medium, int i, double e) const {
    return t.mass_mu_tot(catalog_medium[medium], i, e);
  }

  GD_HOST_DEVICE GD_FORCEINLINE void mass_coefficients(int medium, int i, double e,
                                                       double out[4]) const {
    const int m = catalog_medium[medium];
    out[0] = t.mass_mu_process(m, kPhotonCoherent, i, e);
    out[1] = t.mass_mu_process(m, kPhotonIncoherent, i, e);
    out[2] = t.mass_mu_process(m, kPhotonPhotoelectric, i, e);
    out[3] = t.mass_mu_process(m, kPhotonPairNuclear, i, e) +
             t.mass_mu_process(m, kPhotonPairElectron, i, e);
  }

  GD_HOST_DEVICE GD_FORCEINLINE double scattering_function(int medium, double x) const {
    return t.compton_s_of_x(catalog_medium[medium], x);
  }
  GD_HOST_DEVICE GD_FORCEINLINE double scattering_function_max(int medium) const {
    return t.compton_s_max[catalog_medium[medium]];
  }
  // Scattered photon energy of an incoherent scattering by cos(theta) = mu, Doppler broadened
  // (compton.hh); *binding gets the binding energy of the struck shell (0 when the
  // free-electron energy eps_free * e is kept after kDopplerTries draws).
  template <class Rng>
  GD_HOST_DEVICE double compton_energy(int medium, double e, double mu, double eps_free, Rng& rng,
                                       double* binding) const {
    const int m = catalog_medium[medium];
    for (int k = 0; k < kDopplerTries; ++k) {
      const int shell = t.sample_compton_shell(m, rng.uniform());
      double pz = t.sample_compton_pz(shell, rng.uniform());
      if (rng.uniform() < 0.5) pz = -pz;
      const double e_out = doppler_compton_energy(e, mu, pz);
      const double b = t.cshell_binding[shell];
      if (e_out > 0 && e - e_out > b) {
        *binding = b;
        return e_out;
      }
    }
    *binding = 0;
    return eps_free * e;
  }

  GD_HOST_DEVICE GD_FORCEINLINE double rayleigh_x2(int medium, double u, double x2_max) const {
    return t.sample_rayleigh_x2(catalog_medium[medium], x2_max, u);
  }

  template <class Rng>
  GD_HOST_DEVICE int photoelectric(int medium, int i, double e, Rng& rng, double* fluo,
                                   int max_fluo, double* photoelectron) const {
    const int m = catalog_medium[medium];
    const int el = t.sample_photo_element(m, i, e, rng.uniform());
    const int shell = t.sample_photo_shell(el, i, e, rng.uniform());
    const double ke = e - t.shell_binding[shell];
    *photoelectron = ke > 0 ? ke : 0.0;
    int vacancies[24];
    int nv = 0, nf = 0;
    if (t.shell_binding[shell] >= cutoff_mev) vacancies[nv++] = shell;
    while (nv > 0) {
      const int s = vacancies[--nv];
      const int tr = t.sample_transition(s, rng.uniform());
      if (tr < 0) continue;  // no data: binding energy deposited locally
      const int secondary = t.transition_secondary[tr];
      const int tertiary = t.transition_tertiary[tr];
      if (tertiary < 0 && nf < max_fluo) fluo[nf++] = t.transition_energy[tr];
      if (secondary >= 0 && nv < 24 && t.shell_binding[secondary] >= cutoff_mev) {
        vacancies[nv++] = secondary;
      }
      if (tertiary >= 0 && nv < 24 && t.shell_binding[tertiary] >= cutoff_mev) {
        vacancies[nv++] = tertiary;
      }
    }
    return nf;
  }
};

}  // namespace gpudose
