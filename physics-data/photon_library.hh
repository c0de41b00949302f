// The engine's photon library: per-medium photon tables for every catalog medium, built from
// ENDF/B-VIII.0 photo-atomic/relaxation data (physics-data/photon_element_data.hh) and written
// to one HDF5 file (default <cache>/physics/photon.h5) with the SHA-256 of every source file.
// load_photon_library() reads it back; view() gives the POD tables of kernels/photon_tables.hh.
//
// Method (what is exact and what is approximate):
//  - Mixture rule by mass fractions: mu/rho = sum_i w_i (N_A/A_i) sigma_i. Atomic weights from
//    physics-data/elements.cc.
//  - Energy grid 1 keV - 20 MeV, 200 points per decade (log-log interpolation error below
//    0.05 % between edges: tests/physics/photon_library_test.cc) plus every subshell edge of
//    every element in the catalog, twice (below/above). Photoelectric = sum of subshells, so
//    the below/above values are the exact limits of the evaluated data.
//  - mu_tr/rho = sum over processes of mu_p/rho times the mean fraction of the photon energy
//    given to charged particles: photoelectric 1 - sum_s P_s Y_s/E, Y_s = mean fluorescence
//    energy of the full EADL vacancy cascade from shell s (all fluorescence escapes);
//    incoherent: <T>/E from Klein-Nishina weighted by S(x) (numerical integration; the
//    fluorescence after Compton vacancies is neglected: < 0.1 % for tissue); pair (both
//    fields): 1 - 2 m c^2 / E.
//  - mu_en/rho = mu_tr/rho (1 - g), with the radiative yield Y(T) of an electron approximated
//    by the Koch & Motz (1959) formula Y(T) = 6e-4 Z T / (1 + 6e-4 Z T) [T in MeV] (as quoted
//    by F. H. Attix, Introduction to Radiological Physics and Radiation Dosimetry, 1986), Z the
//    electron-weighted mean Z of the medium, and g the energy-weighted mean of Y over the
//    electrons of each process (photoelectron T = E; Klein-Nishina Compton spectrum; uniform
//    pair sharing). Positron annihilation in flight is not included. Water against NIST
//    (Hubbell & Seltzer): within 0.2 % up to 1 MeV, +1.5 % at 10 MeV (test prints it).
//  - Compton profiles J(p_z) per shell (ENDF/B-VIII.0, Biggs et al. 1975 Hartree-Fock), for the
//    Doppler broadening of the scattered photon (kernels/compton.hh): the cumulative of J on
//    p_z >= 0 (J is even) with J linear between the tabulated points, inverted at
//    probabilities that crowd towards 1 (linear in between when sampled).
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "kernels/photon_tables.hh"
#include "physics-data/energy_grid.hh"
#include "physics-data/media_catalog.hh"
#include "physics-data/photon_element_data.hh"

namespace gpudose {

struct PhotonLibraryOptions {
  double e_min_mev = 1e-3;
  double e_max_mev = 20.0;
  int points_per_decade = 200;
  int x_points_per_decade = 100;  // momentum-transfer grid for Rayleigh and Compton
};

struct PhotonLibrary {
  std::string path;
  int format_version = 0;
  std::vector<std::pair<std::string, std::string>> sources;  // (path relative to data dir, sha256)
  EnergyGrid grid;
  // media (catalog order)
  std::vector<std::string> media_keys, media_names;
  std::vector<double> density;
  std::vector<int> medium_element_offset, medium_element;
  std::vector<double> medium_atoms, medium_mass_fraction;
  std::vector<double> mass_mu, mass_mu_total, mass_mu_tr, mass_mu_en;
  std::vector<double> x, x2, rayleigh_cdf, compton_s, compton_s_max;
  std::vector<double> majorant;
  // elements and shells
  std::vector<int> element_z, element_shell_offset;
  std::vector<double> element_photo_xs;
  std::vector<std::string> shell_names;
  std::vector<int> shell_designator, shell_element, shell_transition_offset;
  std::vector<double> shell_binding, shell_num_electrons, shell_fluorescence_energy, shell_xs;
  std::vector<int> transition_secondary, transition_tertiary;
  std::vector<double> transition_energy, transition_probability, transition_cum;
  // Compton shells (impulse approximation): per element the shells of its Compton profiles;
  // per shell the binding energy [MeV], the electron count, and the inverse cumulative of |p_z|
  // [m_e c] at kComptonProfilePoints probabilities (compton_pz_inverse_cdf); per medium the shells
  // of its elements with the cumulative selection probability (atoms x electrons).
  std::vector<int> element_cshell_offset, medium_cshell_offset, medium_cshell;
  std::vector<double> cshell_binding, cshell_electrons, cshell_pz, medium_cshell_cum;

  std::size_t num_energies() const { return grid.energy.size(); }
  std::size_t medium_index(const std::string& key) const;  // throws UserError
  std::size_t element_index(int z) const;                  // throws UserError
  PhotonTablesView view() const;
};

// Probabilities at which each shell's inverse cumulative of |p_z| is tabulated.
inline constexpr int kComptonProfilePoints = 257;

// 2: Compton profiles (Doppler broadening) added; 3: root attribute content_sha256, the digest
// of the library's own content (host/foundation/content_digest.hh), checked at every load.
inline constexpr int kPhotonLibraryFormat = 3;

// Reads the catalog and the elemental files under data_dir, writes `out_path` (via a temporary
// file and rename). Returns the built library (path set to out_path).
PhotonLibrary build_photon_library(const std::string& data_dir, const std::string& out_path,
                                   const PhotonLibraryOptions& options = {});
// The same for the media of `catalog` (the standard catalog with user compositions appended,
// MediaCatalog::with_user_media): the energy grid gains the edges of any element only a user
// medium holds. Building the whole library takes well under a second; the media keep their
// catalog indices, so a standard medium's tables are those of the standard library whenever
// the user media add no element.
PhotonLibrary build_photon_library(const MediaCatalog& catalog, const std::string& data_dir,
                                   const std::string& out_path,
                                   const PhotonLibraryOptions& options = {});

// True when `path` exists, has this format version, every recorded source file under data_dir
// still has the recorded checksum (and the set of needed files is the same), and its content
// still has the recorded digest (a damaged file: false, and one line on stderr saying so).
bool photon_library_is_current(const std::string& path, const std::string& data_dir);
// The same against the media of `catalog` (keys in order, the element files they need).
bool photon_library_is_current(const std::string& path, const std::string& data_dir,
                               const MediaCatalog& catalog);

// Loads a library written by build_photon_library. Throws UserError naming the file and the
// missing dataset when it is absent, corrupt, of another format version, or when its content
// differs from the digest recorded when it was written.
PhotonLibrary load_photon_library(const std::string& path);

// <cache>/physics/photon.h5
std::string default_photon_library_path(const std::string& cache_dir);

// Majorant [1/cm] over a set of media (catalog indices) with given densities (g/cm3; empty =
// catalog densities): on each interval [E_i, E_i+1] the largest endpoint value, so it bounds
// the interpolated linear mu of every medium in the set. Size = number of grid points.
std::vector<double> photon_majorant(const PhotonLibrary& lib, const std::vector<int>& media,
                                    const std::vector<double>& densities = {});

// Inverse cumulative of |p_z| [m_e c] of one Compton shell at u_k = 1 - (1 - k/(points-1))^3,
// k = 0..points-1: probabilities crowd towards 1, where the profile's tail (J ~ p_z^-6) makes
// the inverse steep (J linear between its tabulated points; see the file comment).
std::vector<double> compton_pz_inverse_cdf(const std::vector<double>& pz_au,
                                           const std::vector<double>& j, int points);

// Expected total fluorescence energy [eV] released by the EADL cascade that follows a vacancy
// in each subshell of `data` (index = subshell index in data.subshells).
std::vector<double> cascade_fluorescence_energy(const PhotonElementData& data);

}  // namespace gpudose
