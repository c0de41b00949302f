// The media the engine knows: the 53 media of each ICRP 110 adult phantom (AF and AM, read from
// the ICRP side files in the data directory), liquid water, dry air and ICRU soft tissue. Physics
// tables are built for every catalog medium, in catalog order; the catalog index is the medium
// index the physics libraries (photon and electron) use.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "phantoms/icrp110_tables.hh"

namespace gpudose {

struct CatalogMedium {
  std::string key;    // unique: "AF:30", "AM:30", "water", "air", "soft-tissue"
  std::string model;  // "AF", "AM", or "" for the reference media water and air
  Medium medium;      // ICRP number (0 for water/air), name, density (g/cm3), mass fractions
  // Mean excitation energy given by a reference for this medium (eV); 0 when none is given and
  // it must be derived from the elements (ICRU 37 rule; the electron tables do that).
  double mean_excitation_ev = 0;
  std::string source;  // where the composition comes from
};

class MediaCatalog {
 public:
  MediaCatalog() = default;
  MediaCatalog(std::vector<CatalogMedium> media, std::vector<std::vector<OrganRecord>> organs);

  const std::vector<CatalogMedium>& media() const { return media_; }
  std::size_t size() const { return media_.size(); }
  const CatalogMedium& operator[](std::size_t i) const { return media_[i]; }

  // Catalog index of a medium. `model`: "AF"/"female"/"f", "AM"/"male"/"m" (case-insensitive),
  // empty = AF. `query` (case-insensitive): "water", "air", "soft-tissue" (the reference media), a
  // key "AF:30", an ICRP medium number "30", an ICRP medium name "liver", or an organ name whose
  // medium is meant ("left lung" style names of the organ table). The ICRP medium 53 "Air"
  // (N 80 %, O 20 %) is reached by number or key. Throws UserError naming the closest matches.
  std::size_t find(const std::string& model, const std::string& query) const;

  // Index of a key ("AF:30", "water"); throws UserError when absent.
  std::size_t index_of_key(const std::string& key) const;

  // This catalog with `extra` (user compositions, parse_composition_medium) appended after its
  // own media, in the order given, each key once: the catalog of a run whose phantom defines
  // media by composition. Physics libraries built for it hold the standard media first, so the
  // standard media keep their indices.
  MediaCatalog with_user_media(const std::vector<CatalogMedium>& extra) const;

 private:
  std::vector<CatalogMedium> media_;
  std::vector<std::vector<OrganRecord>> organs_;  // [0] = AF, [1] = AM
};

// Normalises a phantom model name ("female", "f", "af" -> "AF"; "male", "m", "am" -> "AM";
// empty -> "AF"). Throws UserError for anything else.
std::string normalize_model(const std::string& model);

// Liquid water (H 0.111894, O 0.888106 by mass, 1.0 g/cm3, I = 75 eV: ICRU Report 37 / NIST
// ESTAR "WATER, LIQUID") and dry air near sea level (NIST ESTAR/XCOM "AIR, DRY (NEAR SEA
// LEVEL)": C 0.000124, N 0.755268, O 0.231781, Ar 0.012827, 1.20479e-3 g/cm3, I = 85.7 eV).
CatalogMedium reference_water();
CatalogMedium reference_air();

// ICRU four-component soft tissue (H 0.101172, C 0.111, N 0.026, O 0.761828 by mass,
// 1.0 g/cm3, I = 74.9 eV: ICRU Report 37 / NIST ESTAR "TISSUE, SOFT (ICRU FOUR-COMPONENT)"), the
// medium of published voxel S-value kernels.
CatalogMedium reference_soft_tissue();

// User media: a media-table medium given as elements with mass fractions instead of a catalog
// name (issue #17), e.g. "H:0.111894,O:0.888106" or "H:0.111894,O:0.888106;I=75eV":
//   SYMBOL:FRACTION[,SYMBOL:FRACTION...][;I=VALUEeV]
// Symbols are chemical symbols (any case), fractions are mass fractions > 0, each element once;
// the fractions must sum to 1 within 1e-3 and are divided by their sum (a sum that is 1 in
// double arithmetic leaves them bit for bit as written, so water written as elements equals the
// catalog's water). I is the mean excitation energy in eV; without it the electron tables derive
// it by the ICRU 37 rule, as for the ICRP 110 media. Elements must be ones the physics data
// cover (Z = 1-30, 53, 56, 64, 74, 79, 82, 83).
//
// A text is a composition when it holds a ':' and is not an ICRP 110 catalog key ("AF:30",
// "AM:30"; americium alone would be "Am:1.0").
bool is_composition_text(const std::string& text);

// The user medium of a composition at a density (g/cm3, > 0). The density is part of its
// identity: the electron tables (density effect) are computed at it, so each label's tables are
// exact, not scaled from another density. Result: key "user:" + the first 12 hex digits of the
// SHA-256 of "<canonical composition>;rho=<density>", model "user", medium.name "<canonical
// composition> at <density> g/cm3", elements in ascending Z, mean_excitation_ev as given or 0.
// The canonical composition writes each element as SYMBOL:FRACTION with the normalised fraction
// to the last bit, ascending Z, then ";I=VALUEeV" when given. Throws a one-line UserError for an
// unknown symbol, an element without physics data, a fraction that is not a positive number, an
// element given twice, fractions that do not sum to 1 within 1e-3, or a malformed I.
CatalogMedium parse_composition_medium(const std::string& text, double density_g_cm3);

// Digest (16 hex digits of a SHA-256) of everything that defines a list of user media (keys,
// names, densities, mean excitation energies, mass fractions to the last bit): the name of the
// cache folder of their physics libraries.
std::string user_media_digest(const std::vector<CatalogMedium>& media);

// AF 1..53, AM 1..53 (from <data_dir>/phantoms/...), then water, air and soft tissue: 109 media.
MediaCatalog load_media_catalog(const std::string& data_dir);

}  // namespace gpudose
