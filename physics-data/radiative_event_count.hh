// Cumulative expected number of hard radiative events along the continuous slowing-down of an
// electron or positron: the table behind the range-rejection fast path of
// kernels/electron_transport.hh, which slows a particle that cannot leave its region down in
// place and simulates only the events that can carry energy out of it (hard bremsstrahlung
// photons, and for positrons two-photon annihilation in flight).
//
//   N_p,m(T_i) = integral from T_0 to T_i of sigma_p,m(T) / S_tot,p,m(T) dT,
//   sigma = sigma_brems,hard (+ sigma_annihilation for positrons),
//
// i.e. the mean number of such events on the CSDA path between two energies is
// N(T_a) - N(T_b) (both sigma and S_tot scale with density, so N does not depend on it).
// Integrated with the trapezoid rule in ln T on the library's grid (>= 100 points per decade;
// the integrand varies smoothly). Layout: [(particle * n_media + medium) * n_energy + i], as
// the electron tables (kernels/electron_tables.hh), read with linear interpolation in ln T.
#pragma once

#include <vector>

#include "kernels/electron_tables.hh"

namespace gpudose {

std::vector<double> radiative_event_count(const ElectronTablesView& tables);

}  // namespace gpudose
