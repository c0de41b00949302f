// Elemental inputs of the electron/positron tables, read from the shared data directory
// (<data>/physics-data-sources, never copied into the project):
//   - openmc-misc/density_effect.h5: per element the ICRU 37 mean excitation energy I (attribute
//     `I`, eV) and the shell occupancies and ionisation energies (eV) used by the Sternheimer
//     (1982) density-effect method; a negative occupancy marks conduction electrons.
//   - openmc-misc/BREMX.DAT.gz: Seltzer-Berger "BREMSPEC-2" scaled bremsstrahlung spectra
//     chi(Z,T,kappa) = (beta^2/Z^2) k dsigma/dk in mb, electron-nucleus plus electron-electron
//     bremsstrahlung, 57 kinetic energies T (1 keV-10 GeV) x 30 kappa = k/T (S. M. Seltzer and
//     M. J. Berger, At. Data Nucl. Data Tables 35 (1986) 345).
//   - penelope2018/pdfiles/pdeelZZ.p08.gz: PENELOPE-2018 elastic cross sections (ELSEPA
//     partial-wave, F. Salvat et al., Comput. Phys. Commun. 165 (2005) 157) for e- and e+: total
//     sigma, first and second transport cross sections sigma_1 = 2 pi int (1 - cos) dsigma/dOmega
//     and sigma_2 = 2 pi int (3/2)(1 - cos^2) dsigma/dOmega, cm^2, 111 energies 50 eV-1 GeV.
// Every reader throws UserError naming the file when it is missing or malformed.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <vector>

namespace gpudose {

// Standard atomic weight (g/mol) of element z. Values: NIST "Atomic Weights and Isotopic
// Compositions" (the ones ESTAR and XCOM use, e.g. H 1.00794, O 15.9994). Covers Z = 1-30 and the
// heavier elements the photon data covers (I, Ba, Gd, W, Au, Pb, Bi); throws UserError otherwise.
double atomic_weight(int z);

struct DensityEffectShells {
  double i_value_ev = 0;           // ICRU 37 elemental I (eV)
  std::vector<double> occupancy;   // electrons per shell; < 0 marks conduction electrons
  std::vector<double> binding_ev;  // shell ionisation energy, eV
};

struct SeltzerBergerSpectrum {
  std::vector<double> t_mev;   // electron kinetic energies (57)
  std::vector<double> kappa;   // photon energy / kinetic energy (30, 0..1)
  std::vector<double> chi_mb;  // [t][kappa], (beta^2/Z^2) k dsigma/dk in mb
};

struct ElasticCrossSections {
  std::vector<double> e_mev;      // kinetic energy grid
  std::vector<double> sigma[2];   // [particle: 0 e-, 1 e+] total elastic, cm^2 per atom
  std::vector<double> sigma1[2];  // first transport cross section, cm^2
  std::vector<double> sigma2[2];  // second transport cross section, cm^2
};

struct ElementElectronData {
  int z = 0;
  double atomic_weight = 0;
  DensityEffectShells shells;
  SeltzerBergerSpectrum brems;
  ElasticCrossSections elastic;
};

// A source file used, for provenance: path relative to the data directory, byte size and the
// SHA-256 of its bytes (64 lower-case hex digits, as every other source record of the project).
struct SourceFileRecord {
  std::string path;
  std::uint64_t size = 0;
  std::string sha256;
};

struct ElectronDataSources {
  std::map<int, ElementElectronData> elements;
  std::vector<SourceFileRecord> files;
};

// Reads the inputs above for the elements `zs` (duplicates ignored).
ElectronDataSources load_electron_data_sources(const std::string& data_dir,
                                               const std::vector<int>& zs);

// <data>/physics-data-sources
std::string physics_data_sources_dir(const std::string& data_dir);

// Pieces, exposed for tests and for readers of single files.
DensityEffectShells read_density_effect_shells(const std::string& h5_path, int z);
// All 100 elements of BREMX.DAT(.gz); index z-1.
std::vector<SeltzerBergerSpectrum> read_seltzer_berger(const std::string& path);
ElasticCrossSections read_penelope_elastic(const std::string& path, int z);
SourceFileRecord checksum_file(const std::string& path, const std::string& display_path);

}  // namespace gpudose
