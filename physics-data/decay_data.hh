// Reader of the ICRP Publication 107 nuclear decay data (ICRP, 2008. Nuclear Decay Data for
// Dosimetric Calculations. Ann. ICRP 38(3)): emissions (energy, yield per nuclear
// transformation) and beta spectra of the 1252 radionuclides, for radionuclide S values and
// nuclide sources. The data is third-party and is read at run time from
// <data_dir>/decay-data/icrp107/ (see its README.md); nothing of it is compiled in.
//
// Files read:
//  - json/<Nuclide>.json (OpenGATE/icrp107-database): a JSON *string* holding the JSON object
//    (double-encoded), keys name, half_life, time_unit, emissions{kind: [[E MeV, yield], ...]}.
//    `b-spectra` is the ICRP-07.BET spectrum, beta- and beta+ summed.
//  - ICRP-07.NDX (ICRP 107 electronic annex, DECDATA): fixed-width index whose Fortran format
//    string is on its first line: half-life, decay modes, daughters and branching fractions,
//    energy per transformation by radiation kind.
#pragma once

#include <string>
#include <utility>
#include <vector>

namespace gpudose {

// Emission kinds of the ICRP 107 JSON files. The three *_mean kinds are [mean energy, yield]
// per beta branch: informative only, the beta particles themselves are the spectrum.
enum class EmissionKind {
  gamma,
  x_ray,         // "X"
  annihilation,  // 0.511 MeV, yield = 2 x positrons per transformation
  ic_electron,   // "IE": internal-conversion electrons
  auger,
  alpha,
  alpha_recoil,  // "alpha recoil": recoiling daughter nucleus
  fission,       // fission fragments
  neutron,
  beta_minus_mean,  // "beta-"
  beta_plus_mean,   // "beta+"
  betaD_mean,       // "betaD": delayed betas (of fission products); also in the spectrum
};
constexpr int kEmissionKindCount = 12;

// The key of the kind in the JSON files ("gamma", "X", "IE", "alpha recoil", ...).
const char* emission_kind_key(EmissionKind kind);
// All kinds, in enum order.
const std::vector<EmissionKind>& all_emission_kinds();

struct DiscreteLine {
  EmissionKind kind;
  double energy_mev;  // for *_mean kinds: the branch's mean energy
  double yield;       // per nuclear transformation
};

struct NdxDaughter {
  std::string name;      // "Hf-177"; "SF" for the spontaneous-fission branch
  int ndx_record = 0;    // line of the daughter in ICRP-07.NDX (header = 1); 0: stable or SF
  double branching = 0;  // fraction of decays of the parent that give this daughter
  // The file lists spontaneous fission as a pseudo-daughter "SF" with index 9999: fission
  // products are many nuclides, none of which has an entry.
  bool spontaneous_fission = false;
};

// One line of ICRP-07.NDX.
struct NdxEntry {
  std::string name;            // "Lu-177"
  int record = 0;              // line number in the file, header = 1 (daughters point at it)
  std::string half_life_text;  // "6.647 d", as printed
  double half_life_s = 0;
  std::string decay_modes;  // "B-", "ECB+B-", "A B-", ... as printed
  std::vector<NdxDaughter> daughters;
  // Energy per nuclear transformation (MeV), as ICRP 107 tabulates it. alpha includes the
  // recoil (not fission fragments); electrons = beta (mean energies) + IC + Auger; photons =
  // gamma + X + annihilation. NDX prints them truncated to 4 (alpha) or 5 (others) decimals.
  double alpha_mev = 0;
  double electron_mev = 0;
  double photon_mev = 0;
  double atomic_mass_u = 0;
};

struct NdxTable {
  std::string path;
  std::string sha256;
  std::vector<NdxEntry> entries;  // in file order: entries[i].record == i + 2
  // nullptr when absent; exact (canonical) name.
  const NdxEntry* find(const std::string& name) const;
  // The entry a daughter points at; nullptr for a stable daughter or SF.
  const NdxEntry* daughter_entry(const NdxDaughter& d) const;
};

struct NuclideEmissions {
  std::string name;  // canonical ICRP 107 name, "Lu-177", "Tc-99m"
  double half_life_s = 0;
  std::string half_life_text;       // "6.647 d"
  std::vector<DiscreteLine> lines;  // every kind, in file order within a kind
  // ICRP-07.BET spectrum: (E MeV, dN/dE per MeV per transformation), beta- and beta+ summed,
  // strictly increasing in E, piecewise linear between nodes. Empty without betas.
  std::vector<std::pair<double, double>> beta_spectrum;
  NdxEntry ndx;
  std::string json_path;
  std::string json_sha256;  // of the file as read (provenance)
};

// <data_dir>/decay-data/icrp107; throws UserError when the folder is missing.
std::string decay_data_dir(const std::string& data_dir);

// Canonical names of all nuclides with a JSON file (1252 for ICRP 107), sorted.
std::vector<std::string> list_nuclides(const std::string& decay_dir);

// Canonical name for a spelling: "Lu-177", "lu177", "Lu177", "LU-177", "177Lu", "Tc-99m",
// "tc99m", "99mTc". Throws UserError naming the closest names when no nuclide matches.
std::string canonical_nuclide_name(const std::string& spelling,
                                   const std::vector<std::string>& known_names);

// ICRP-07.NDX, parsed with the format string of its first line. Corrupt -> UserError.
NdxTable read_ndx(const std::string& decay_dir);

// One nuclide (any accepted spelling). Unknown -> UserError with the closest names; corrupt
// file (bad JSON, missing key, negative/NaN energy or yield, spectrum not increasing) ->
// UserError naming the file and what is wrong. The first form reads ICRP-07.NDX itself; pass
// the table when reading many nuclides.
NuclideEmissions read_nuclide(const std::string& decay_dir, const std::string& name);
NuclideEmissions read_nuclide(const std::string& decay_dir, const std::string& name,
                              const NdxTable& ndx);

// --- energy bookkeeping (MeV per nuclear transformation) ---
// Sum of yield x E over the discrete lines of one kind.
double line_energy_per_decay(const NuclideEmissions& n, EmissionKind kind);
// Sum of yields of one kind (particles per transformation).
double line_yield_per_decay(const NuclideEmissions& n, EmissionKind kind);
// Beta yield of the branches: yields of the beta- and beta+ mean entries (not betaD).
double beta_branch_yield(const NuclideEmissions& n);
// Trapezoid weights of the spectrum's own nodes: sum_i w_i f(E_i) is the trapezoid rule.
std::vector<double> trapezoid_weights(const std::vector<std::pair<double, double>>& spectrum);
// Trapezoid of dN/dE over the spectrum's nodes: beta particles per transformation.
double beta_spectrum_count_per_decay(const NuclideEmissions& n);
// Trapezoid of E x dN/dE over the spectrum's nodes: beta energy per transformation.
double beta_spectrum_energy_per_decay(const NuclideEmissions& n);

}  // namespace gpudose
