// One element's photo-atomic and atomic-relaxation data, read from the OpenMC HDF5 photon
// format v3.0 (ENDF/B-VIII.0: EPDL97-derived photo-atomic sublibrary and EADL relaxation
// sublibrary, as converted by OpenMC): `openmc-endfb80-photon/<Sym>.h5`.
// Units as stored there: energies in eV, cross sections in barn/atom, x in inverse angstrom
// (x = sin(theta/2) / lambda).
#pragma once

#include <string>
#include <vector>

namespace gpudose {

struct RelaxationTransition {
  int secondary = 0;  // ENDF subshell designator of the shell that fills the vacancy (1=K,2=L1..)
  int tertiary = 0;   // designator of the shell that emits an Auger electron; 0 = radiative
  double energy_ev = 0;  // energy of the emitted photon or electron
  double probability = 0;
};

struct Subshell {
  std::string name;    // "K", "L1", ...
  int designator = 0;  // 1 = K, 2 = L1, 3 = L2, 4 = L3, 5 = M1 ... (OpenMC's _SUBSHELLS order)
  double binding_ev = 0;
  double num_electrons = 0;
  std::size_t threshold_idx = 0;                  // xs[k] belongs to energy[threshold_idx + k]
  std::vector<double> xs;                         // barn
  std::vector<RelaxationTransition> transitions;  // empty when EADL gives none
};

// One shell's Compton profile (impulse approximation, Hartree-Fock J(p_z) as tabulated by
// ENDF/B-VIII.0 / OpenMC, after Biggs, Mendelsohn and Mann, At. Data Nucl. Data Tables 16
// (1975) 201): J is even in p_z and given for p_z >= 0.
struct ComptonShell {
  double binding_ev = 0;
  double num_electrons = 0;
  std::vector<double> j;  // J(p_z) on PhotonElementData::compton_pz, 1/(atomic unit of momentum)
};

struct PhotonElementData {
  int z = 0;
  std::string symbol;
  std::string path;
  std::vector<double> energy;  // eV, ascending
  std::vector<double> coherent, incoherent, photoelectric, pair_nuclear, pair_electron;  // barn
  std::vector<double> form_factor_x, form_factor;         // F(x): x [1/A], F [electrons]
  std::vector<double> scattering_x, scattering_function;  // S(x): x [1/A], S [electrons]
  std::vector<Subshell> subshells;
  std::vector<double> compton_pz;  // p_z grid, atomic units of momentum (m_e c alpha), from 0
  std::vector<ComptonShell> compton_shells;

  // Cross sections at energy e_ev (log-log between the stored points, lin-lin next to zeros).
  // `below` = true gives the limit from below at a subshell threshold (that shell excluded).
  double coherent_xs(double e_ev) const;
  double incoherent_xs(double e_ev) const;
  double pair_nuclear_xs(double e_ev) const;
  double pair_electron_xs(double e_ev) const;
  double subshell_xs(std::size_t shell, double e_ev, bool below = false) const;
  // Photoelectric total as the sum of the subshells (equal to the stored total to 4e-6 for
  // O and I, 1 keV - 20 MeV), so edges are placed exactly at the subshell thresholds.
  double photoelectric_xs(double e_ev, bool below = false) const;
  double form_factor_at(double x) const;          // lin-lin (ENDF interpolation law 2)
  double scattering_function_at(double x) const;  // lin-lin (ENDF interpolation law 2)
  double threshold_ev(std::size_t shell) const { return energy[subshells[shell].threshold_idx]; }
};

// Element symbol for the file name comes from physics-data/elements.hh. Throws UserError naming
// the file and the missing or malformed dataset/attribute.
PhotonElementData read_photon_element(const std::string& h5_dir, int z);

// <data dir>/physics-data-sources/openmc-endfb80-photon
std::string photon_element_dir(const std::string& data_dir);

}  // namespace gpudose
