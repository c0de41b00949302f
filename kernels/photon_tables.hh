// Photon interaction tables as the transport sees them: a POD view of flat arrays (built and
// owned on the host by physics-data/photon_library.hh; a device mirror holds the same arrays
// in device memory). Every accessor works on host and device.
//
// Contents, per catalog medium m (index = physics-data/media_catalog.hh order):
//  - mass attenuation coefficients mu/rho [cm2/g] per process (coherent, incoherent,
//    photoelectric, pair in the nuclear field, pair in the electron field) and total, on one
//    energy grid (MeV) shared by all media; absorption edges appear twice (below, above);
//  - mass energy-transfer and energy-absorption coefficients mu_tr/rho, mu_en/rho [cm2/g];
//  - Rayleigh: the cumulative Phi_m(x^2) = integral_0^{x^2} F_m^2 d(x'^2) of the mixture
//    squared form factor on a grid of momentum transfer x [1/angstrom], x = sin(theta/2)/lambda;
//    sampling x^2 in [0, x_max^2] by inversion, then accepting with (1 + cos^2 theta)/2;
//  - Compton: s_m(x) = S_m(x)/Z_m, the mixture incoherent scattering function per electron
//    (0 at x = 0, -> 1), and its maximum, for rejection after Klein-Nishina sampling;
//  - photoelectric: elements with atoms per gram (x 1e-24, so n * sigma[b] is cm2/g), per
//    element and subshell the subshell cross sections [barn] on the energy grid, binding
//    energies, and EADL relaxation transitions (radiative: a photon; non-radiative: an Auger
//    electron) with cumulative probabilities per vacancy shell.
// x_max = E / hc with kHcMeVAngstrom from kernels/constants.hh.
// Interpolation: log-log in energy (lin-lin next to zeros), lin in x for s(x), lin in x^2 for
// Phi. The energy lookup is O(1) (LogGridIndex); edges are exact grid points.
#pragma once

#include <cmath>

#include "kernels/constants.hh"
#include "kernels/interpolation.hh"
#include "kernels/portability.hh"

namespace gpudose {

enum PhotonProcess : int {
  kPhotonCoherent = 0,
  kPhotonIncoherent = 1,
  kPhotonPhotoelectric = 2,
  kPhotonPairNuclear = 3,
  kPhotonPairElectron = 4,
  kNumPhotonProcesses = 5
};

struct PhotonTablesView {
  // --- energy grid ---
  LogGridIndex grid;  // grid.x = energy [MeV], grid.n points
  // --- media ---
  int num_media = 0;
  const double* density = nullptr;        // [num_media] g/cm3 (0 for a medium no organ uses)
  const double* mass_mu = nullptr;        // [num_media][kNumPhotonProcesses][n] cm2/g
  const double* mass_mu_total = nullptr;  // [num_media][n] cm2/g
  const double* mass_mu_tr = nullptr;     // [num_media][n] cm2/g
  const double* mass_mu_en = nullptr;     // [num_media][n] cm2/g
  // --- Rayleigh and Compton sampling data on the momentum-transfer grid ---
  int num_x = 0;
  const double* x = nullptr;              // [num_x] 1/angstrom, x[0] = 0, ascending
  const double* x2 = nullptr;             // [num_x] x^2
  const double* rayleigh_cdf = nullptr;   // [num_media][num_x] Phi(x^2), arbitrary unit
  const double* compton_s = nullptr;      // [num_media][num_x] S(x)/Z, dimensionless
  const double* compton_s_max = nullptr;  // [num_media]
  // --- composition for photoelectric element selection ---
  const int* medium_element_offset = nullptr;  // [num_media + 1] into the two arrays below
  const int* medium_element = nullptr;         // element index
  const double* medium_atoms = nullptr;        // atoms per gram x 1e-24 (n * sigma[b] = cm2/g)
  // --- elements and their subshells ---
  int num_elements = 0;
  const int* element_z = nullptr;                // [num_elements]
  const int* element_shell_offset = nullptr;     // [num_elements + 1] into the shell arrays
  const double* element_photo_xs = nullptr;      // [num_elements][n] barn (sum of subshells)
  const int* shell_designator = nullptr;         // ENDF: 1 = K, 2 = L1, 3 = L2, 4 = L3, 5 = M1...
  const double* shell_binding = nullptr;         // MeV
  const double* shell_xs = nullptr;              // [num_shells][n] barn
  const int* shell_transition_offset = nullptr;  // [num_shells + 1] into the transitions
  // --- relaxation transitions (EADL via ENDF/B-VIII.0) ---
  const int* transition_secondary = nullptr;  // global shell index filling the vacancy (-1: none)
  const int* transition_tertiary = nullptr;   // global shell index of the Auger electron; -1 =
                                              // radiative (a fluorescence photon)
  const double* transition_energy = nullptr;  // MeV of the photon or Auger electron
  const double* transition_cum = nullptr;     // cumulative probability within the shell, last 1
  // --- Compton shells (Doppler broadening, compton.hh) ---
  int num_profile_points = 0;                 // kComptonProfilePoints
  const int* medium_cshell_offset = nullptr;  // [num_media + 1] into the two arrays below
  const int* medium_cshell = nullptr;         // global Compton shell index
  const double* medium_cshell_cum = nullptr;  // cumulative selection probability, last 1
  const double* cshell_binding = nullptr;     // [num_cshells] MeV
  const double* cshell_pz = nullptr;          // [num_cshells][num_profile_points] |p_z| [m_e c]
  // --- Woodcock majorant over all media with density > 0 ---
  // majorant[i] bounds the linear total mu [1/cm] of every such medium on [E_i, E_i+1]:
  // log-log interpolation is monotone inside an interval, so the larger endpoint bounds it.
  const double* majorant = nullptr;  // [n]

  // Grid interval of energy e [MeV] (see LogGridIndex::find).
  GD_HOST_DEVICE GD_FORCEINLINE int find(double e) const { return grid.find(e); }
  GD_HOST_DEVICE GD_FORCEINLINE int find(double e, double log_e) const {
    return grid.find(e, log_e);
  }

  // Log-log interpolation of a row of the energy grid at interval i.
  GD_HOST_DEVICE GD_FORCEINLINE double interp(const double* row, int i, double e) const {
    return interp_loglog(grid.x[i], grid.x[i + 1], row[i], row[i + 1], e);
  }

  GD_HOST_DEVICE GD_FORCEINLINE double mass_mu_process(int m, int process, int i, double e) const {
    return interp(mass_mu + (static_cast<long>(m) * kNumPhotonProcesses + process) * grid.n, i, e);
  }
  GD_HOST_DEVICE GD_FORCEINLINE double mass_mu_tot(int m, int i, double e) const {
    return interp(mass_mu_total + static_cast<long>(m) * grid.n, i, e);
  }
  // Linear attenuation coefficient [1/cm] of medium m at its catalog density.
  GD_HOST_DEVICE GD_FORCEINLINE double linear_mu_total(int m, int i, double e) const {
    return density[m] * mass_mu_tot(m, i, e);
  }
  GD_HOST_DEVICE GD_FORCEINLINE double majorant_at(int i) const { return majorant[i]; }

  // Compton shell of medium m hit by an incoherent scattering, chosen by its electron count
  // (u uniform in [0, 1)): the impulse approximation's weight of a shell is its occupation.
  GD_HOST_DEVICE int sample_compton_shell(int m, double u) const {
    int lo = medium_cshell_offset[m], hi = medium_cshell_offset[m + 1] - 1;
    while (lo < hi) {  // first k with u < cum[k]
      const int mid = (lo + hi) / 2;
      if (u < medium_cshell_cum[mid]) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return medium_cshell[lo];
  }
  // |p_z| [m_e c] of an electron of Compton shell `shell`, from its profile (u in [0, 1)). The
  // table holds the inverse cumulative at u_k = 1 - (1 - k/(points-1))^3 (tail resolved).
  GD_HOST_DEVICE double sample_compton_pz(int shell, double u) const {
    const double* row = cshell_pz + static_cast<long>(shell) * num_profile_points;
    const double t = (1.0 - cbrt(1.0 - u)) * (num_profile_points - 1);
    int i = static_cast<int>(t);
    if (i > num_profile_points - 2) i = num_profile_points - 2;
    return row[i] + (t - i) * (row[i + 1] - row[i]);
  }

  // Rayleigh: samples x^2 in [0, x2_max] with density F^2 (u uniform in [0, 1)). The caller
  // sets x2_max = (E / hc)^2 and applies the (1 + cos^2)/2 rejection.
  GD_HOST_DEVICE double sample_rayleigh_x2(int m, double x2_max, double u) const {
    const double* cdf = rayleigh_cdf + static_cast<long>(m) * num_x;
    int j = search_interval(x2, num_x, x2_max);
    const double cmax = interp_lin(x2[j], x2[j + 1], cdf[j], cdf[j + 1], x2_max);
    const double target = u * cmax;
    j = search_interval(cdf, num_x, target);
    const double v = interp_lin(cdf[j], cdf[j + 1], x2[j], x2[j + 1], target);
    return v < x2_max ? v : x2_max;
  }

  // Compton: S(x)/Z of medium m (lin-lin in x; constant beyond the grid).
  GD_HOST_DEVICE double compton_s_of_x(int m, double xv) const {
    const double* s = compton_s + static_cast<long>(m) * num_x;
    if (xv >= x[num_x - 1]) return s[num_x - 1];
    const int j = search_interval(x, num_x, xv);
    return interp_lin(x[j], x[j + 1], s[j], s[j + 1], xv);
  }

  // Photoelectric: the element (index) absorbing the photon, by partial cross sections.
  GD_HOST_DEVICE int sample_photo_element(int m, int i, double e, double u) const {
    const int first = medium_element_offset[m];
    const int last = medium_element_offset[m + 1];
    double total = 0;
    for (int k = first; k < last; ++k) {
      total += medium_atoms[k] *
               interp(element_photo_xs + static_cast<long>(medium_element[k]) * grid.n, i, e);
    }
    double target = u * total;
    for (int k = first; k < last - 1; ++k) {
      target -= medium_atoms[k] *
                interp(element_photo_xs + static_cast<long>(medium_element[k]) * grid.n, i, e);
      if (target < 0) return medium_element[k];
    }
    return medium_element[last - 1];
  }

  // Photoelectric: the subshell (global shell index) of element el, by subshell cross sections.
  GD_HOST_DEVICE int sample_photo_shell(int el, int i, double e, double u) const {
    const int first = element_shell_offset[el];
    const int last = element_shell_offset[el + 1];
    double total = 0;
    for (int s = first; s < last; ++s)
      total += interp(shell_xs + static_cast<long>(s) * grid.n, i, e);
    double target = u * total;
    int chosen = last - 1;
    for (int s = first; s < last; ++s) {
      const double xs = interp(shell_xs + static_cast<long>(s) * grid.n, i, e);
      if (xs <= 0) continue;
      chosen = s;
      target -= xs;
      if (target < 0) break;
    }
    return chosen;
  }

  // Relaxation: a transition (global index) filling a vacancy in `shell`, or -1 when EADL
  // gives none for that shell (then the binding energy is deposited locally).
  GD_HOST_DEVICE int sample_transition(int shell, double u) const {
    const int first = shell_transition_offset[shell];
    const int last = shell_transition_offset[shell + 1];
    for (int t = first; t < last; ++t) {
      if (u < transition_cum[t]) return t;
    }
    return last > first ? last - 1 : -1;
  }
};

}  // namespace gpudose
