// The engine's electron/positron physics library: per-medium tables on a log-energy grid,
// written once to HDF5 at set-up (build_electron_library) and loaded by every run
// (load_electron_library, a few ms). Physics, sources and approximations:
// electron_medium_physics.hh (models), electron_density_effect.hh (delta),
// electron_data_sources.hh (input files); README "Electron physics tables".
//
// Interface for other code (the `gpudose physics` CLI, transport):
//   ElectronLibrary lib = load_electron_library(path);
//   const ElectronTablesView& v = lib.view();     // POD, kernels/electron_tables.hh
//   electron_lookup(v, ElectronQuantity::kStoppingTotal, particle /*0 e-, 1 e+*/, medium, T);
//   describe_electron(lib, medium, T, positron)  -> rows (name, value, unit) for `physics show`
//   electron_table_rows(lib, medium, positron)   -> header + rows for `physics table` CSV
// Medium indices are the positions in the `media` vector given to the builder (the media
// catalog order); lib.medium_names() holds their names.
//
// Tables (particle = e-, e+; every medium; kinetic energy T from 1 keV to 20 MeV, uniform in
// ln T with >= 100 points per decade; linear quantities at the medium's density):
//   S_col, S_rad, S_tot (MeV/cm); CSDA range (cm); S_col restricted to W < Wcc and S_rad
//   restricted to W < Wcr (MeV/cm); hard Moller/Bhabha (W > Wcc) and hard bremsstrahlung
//   (W > Wcr) macroscopic cross sections (cm^-1); total elastic cross section (cm^-1); first and
//   second transport mean free paths lambda_1, lambda_2 (cm); Sternheimer delta; the soft range
//   int dT/(S_col,restricted + S_rad,restricted) (cm) for electron_energy_after_soft_path(); the
//   soft-collision straggling Omega^2 (MeV^2/cm); the positron annihilation-in-flight cross
//   section (cm^-1, Heitler; zero rows for electrons); and per medium and grid energy the
//   cumulative distribution of the hard-bremsstrahlung photon energy on
//   n_kappa nodes uniform in ln(W/T) from ln(Wcr/T) to 0 (sample_hard_brems_energy()).
// CSDA range: R(T) = R(T_0) + int_{T_0}^{T} dT'/S_tot(T'), with 4-point Gauss-Legendre
// quadrature in ln T per grid interval on the direct formulas (not the tables), and below
// T_0 = 1 keV the power-law extrapolation S ~ T^-p (p from S at T_0 and 1.05 T_0):
// R(T_0) = T_0 / ((1 + p) S_tot(T_0)). ESTAR integrates from 0 as well; the extrapolated part
// is 2 % of the range at 10 keV.
// Cut-offs: Wcc = 50 keV, Wcr = 10 keV by default. Rationale for ~2 mm voxels: a 50 keV
// electron has a CSDA range of 0.04 mm in water, so delta rays below Wcc deposit within a voxel
// (their energy goes with the soft loss, its straggling kept exactly); a 10 keV photon has a
// 2 mm mean free path in soft tissue and is produced as a real photon above Wcr. Wcc was 10 keV
// up to library format 5: 50 keV runs electrons 1.6x (2 MeV) to 2.4x (10 MeV) faster with the
// AF liver self-absorption unchanged (+0.05 % +- 0.05 at 2 MeV, -0.15 % +- 0.3 at 10 MeV; EGSnrc
// dosimetry practice puts its delta-ray threshold at 189 keV kinetic). Positron hard-bremsstrahlung
// spectra use the electron shape (Kim et al. scaling changes the magnitude, not the shape:
// PENELOPE's assumption).
#pragma once

#include <string>
#include <tuple>
#include <vector>

#include "kernels/electron_tables.hh"
#include "phantoms/icrp110_tables.hh"
#include "physics-data/electron_data_sources.hh"

namespace gpudose {

struct ElectronLibraryOptions {
  double wcc_mev = 0.05;  // collision (Moller/Bhabha) cut-off
  double wcr_mev = 0.01;  // radiative (bremsstrahlung) cut-off
  double emin_mev = 1e-3;
  double emax_mev = 20.0;
  int points_per_decade = 100;  // the grid has ceil(decades * this) + 1 points
  int n_kappa = 64;             // nodes of each hard-bremsstrahlung CDF
  // Mean excitation energy per medium (eV), same order as the media; missing entries or 0
  // select the ICRU 37 Bragg rule (electron_medium_physics.hh). Water: 75 eV (ICRU 37).
  std::vector<double> mean_excitation_ev;
};

class ElectronLibrary {
 public:
  const ElectronTablesView& view() const { return view_; }
  int n_media() const { return view_.n_media; }
  const std::vector<std::string>& medium_names() const { return names_; }
  const std::vector<double>& densities() const { return density_; }
  const std::vector<double>& mean_excitation_ev() const { return i_value_; }
  const std::vector<double>& energies() const { return energy_; }
  const std::vector<SourceFileRecord>& sources() const { return sources_; }
  double wcc_mev() const { return view_.wcc_mev; }
  double wcr_mev() const { return view_.wcr_mev; }
  // Host convenience: electron_lookup on the view; particle 0 = e-, 1 = e+.
  double value(ElectronQuantity q, int particle, int medium, double t_mev) const;

  ElectronLibrary() = default;
  ElectronLibrary(const ElectronLibrary& o) { *this = o; }
  ElectronLibrary& operator=(const ElectronLibrary& o);
  ElectronLibrary(ElectronLibrary&&) = default;
  ElectronLibrary& operator=(ElectronLibrary&&) = default;

 private:
  friend ElectronLibrary compute_electron_library(const std::vector<Medium>&, const std::string&,
                                                  const ElectronLibraryOptions&);
  friend ElectronLibrary load_electron_library(const std::string&);
  friend ElectronLibrary build_electron_library(const std::vector<Medium>&, const std::string&,
                                                const std::string&, const ElectronLibraryOptions&);
  friend ElectronLibrary extend_electron_library(const ElectronLibrary&, const std::vector<Medium>&,
                                                 const std::string&, const std::string&,
                                                 const ElectronLibraryOptions&);
  void bind_view();  // points view_ at the vectors below
  // Writes the library to `out_path` (HDF5, via a temporary file and rename).
  void write(const std::string& out_path) const;

  ElectronTablesView view_;
  std::vector<std::string> names_;
  std::vector<double> density_, i_value_, energy_;
  std::vector<double> tables_[static_cast<int>(ElectronQuantity::kCount)];
  std::vector<double> brems_cdf_;
  std::vector<SourceFileRecord> sources_;
};

// Computes the tables in memory (reads the data sources below `data_dir`).
ElectronLibrary compute_electron_library(const std::vector<Medium>& media,
                                         const std::string& data_dir,
                                         const ElectronLibraryOptions& options = {});

// Computes and writes the library to `out_path` (HDF5; written to a temporary file, then
// renamed). Records the source files with size and SHA-256 (the elemental files and the ICRP 110
// media and organ tables under data_dir, which define the catalog's compositions and densities)
// and content_sha256, the digest of the file's own content. Returns the library.
ElectronLibrary build_electron_library(const std::vector<Medium>& media,
                                       const std::string& data_dir, const std::string& out_path,
                                       const ElectronLibraryOptions& options = {});

// `base` (the standard library of the media catalog) with `extra` media appended: their tables
// are computed here (`options` as the base was built: same grid and cut-offs, checked) and the
// base's are copied, so a standard medium's tables are the standard library's bit for bit and a
// user table costs only its own media (~0.1 s each), not a rebuild of the catalog's (~8 s).
// Each medium's tables depend on that medium alone, so an extra medium equal to a catalog one
// gets the same tables. Sources: the base's, then the files only the extra media need. Written
// to `out_path` like build_electron_library; returns the library.
ElectronLibrary extend_electron_library(const ElectronLibrary& base,
                                        const std::vector<Medium>& extra,
                                        const std::string& data_dir, const std::string& out_path,
                                        const ElectronLibraryOptions& options = {});

// Loads a library written by build_electron_library. Throws UserError naming the file when it
// is missing, not HDF5, of another format version, inconsistent, or when its content differs
// from the recorded content_sha256 (a damaged or edited file: callers that can rebuild do).
ElectronLibrary load_electron_library(const std::string& path);

// Whether `lib` holds these media (names, in this order) and was built from source files that
// are unchanged under data_dir (size and SHA-256): if not, it must be rebuilt. Throws UserError
// when a recorded source file cannot be read.
bool electron_library_is_current(const ElectronLibrary& lib,
                                 const std::vector<std::string>& medium_names,
                                 const std::string& data_dir);

// Every tabulated quantity of `medium` at kinetic energy `energy_mev` as (name, value, unit),
// for `gpudose physics show --particle electron|positron`. Throws UserError for a medium index
// out of range or an energy outside the grid.
std::vector<std::tuple<std::string, double, std::string>> describe_electron(
    const ElectronLibrary& lib, int medium_index, double energy_mev, bool positron);

// The grid rows of `medium` for `gpudose physics table --particle electron|positron`: one
// header (column names with units) and one row per grid energy.
struct ElectronTableRows {
  std::vector<std::string> header;
  std::vector<std::vector<double>> rows;
};
ElectronTableRows electron_table_rows(const ElectronLibrary& lib, int medium_index, bool positron);

}  // namespace gpudose
