// Importer for the ICRP 110 organ-ID arrays as Geant4's ICRP110_HumanPhantoms example ships
// them: ICRPdata.tar.gz holds ICRPdata/ICRP110_g4dat/<M>/<M>_slice<k>.g4dat, one ASCII file per
// slice k = 1..nz (toes -> vertex): a header "nx ny nz", then nx*ny organ IDs, row by row,
// column fastest (the order of the ICRP CD's AF.dat/AM.dat, ICRP 110 CD README.txt).
// The slices are parsed straight from the archive (nothing is unpacked), or from a folder
// holding the unpacked <M>_slice<k>.g4dat files.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "phantoms/phantom_model.hh"

namespace gpudose {

// <data dir>/phantoms/geant4_ICRP110_ICRPdata/ICRPdata.tar.gz
std::string icrp_slices_archive(const std::string& data_dir);

// `source`: the .tar.gz, or a folder with <M>_slice<k>.g4dat files. Throws UserError when it is
// missing or truncated, a slice is missing, duplicated or malformed, or its header or number of
// IDs differs from the model's grid (ICRP 110 Table 3).
std::vector<std::uint16_t> read_icrp_slices(const std::string& source,
                                            const PhantomModelSpec& spec);

}  // namespace gpudose
