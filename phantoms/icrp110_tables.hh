// Parsers for the ICRP Publication 110 CD side files of one model (AF or AM):
//   <M>_media.dat  — 53 media: elemental mass fractions (% by mass) of H C N O Na Mg P S Cl K Ca
//                    Fe I; the header's first line lists the atomic numbers of the columns;
//   <M>_organs.dat — 140 organs: ID, name, medium number, density (g/cm3).
// Source: ICRP Publication 110 (2009), "Adult Reference Computational Phantoms", Annex A/B
// files as shipped with Geant4's ICRP110_HumanPhantoms example (CRLF text).
#pragma once

#include <string>
#include <vector>

namespace gpudose {

struct ElementFraction {
  int z = 0;
  double mass_fraction = 0;  // normalised so that a medium's fractions sum to 1
};

struct Medium {
  int id = 0;  // ICRP medium number (1..53)
  std::string name;
  double density_g_cm3 = 0;  // from the organ table (each medium has one density); 0 if unused
  std::vector<ElementFraction> elements;  // only non-zero fractions, ascending Z
};

struct OrganRecord {
  int id = 0;  // ICRP organ ID (1..140)
  std::string name;
  int medium = 0;
  double density_g_cm3 = 0;
};

// The printed percentages are rounded to 0.1 % and sum to 100 +- 0.3; they are renormalised to
// exactly 1 (the choice Geant4's ICRP110 example makes too). Throws UserError on a missing file
// or malformed line, naming the file and line.
std::vector<Medium> read_icrp110_media(const std::string& path);
std::vector<OrganRecord> read_icrp110_organs(const std::string& path);

// Media of a model with densities filled in from its organ table. Throws UserError if two
// organs give one medium different densities. `p110_dir` is the folder holding AF/ and AM/
// (…/ICRP110_g4dat/P110_data_V1.2), `model` is "AF" or "AM".
std::vector<Medium> load_icrp110_media(const std::string& p110_dir, const std::string& model);

// <data dir>/phantoms/geant4_ICRP110_ICRPdata/ICRPdata/ICRP110_g4dat/P110_data_V1.2
std::string icrp110_side_file_dir(const std::string& data_dir);

}  // namespace gpudose
