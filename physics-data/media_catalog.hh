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

// AF 1..53, AM 1..53 (from <data_dir>/phantoms/...), then water, air and soft tissue: 109 media.
MediaCatalog load_media_catalog(const std::string& data_dir);

}  // namespace gpudose
