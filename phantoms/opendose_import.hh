// Importer for OpenDose's ICRP 110 volumes: <M>_UINT16_<nx>_<ny>_<nz>.{mhd,raw} (MetaImage,
// uint16 little-endian organ IDs, x fastest), read through ITK's MetaImageIO.
// Source: OpenDose production inputs (opendose_gate_ICRP110/data, CC-BY 4.0), see
// ../shared/phantoms/README.md.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "phantoms/phantom_model.hh"

namespace gpudose {

// <data dir>/phantoms/opendose_gate_ICRP110/data
std::string opendose_data_dir(const std::string& data_dir);
// The .mhd header of a model in that folder, e.g. AF_UINT16_299_137_348.mhd.
std::string opendose_mhd_path(const std::string& data_dir, const PhantomModelSpec& spec);

// Reads the organ-ID grid. Throws UserError when the file is missing, its data file is missing
// or truncated, its pixel type is not uint16, or its size or spacing differs from the model's
// (ICRP 110 Table 3).
std::vector<std::uint16_t> read_opendose_grid(const std::string& mhd_path,
                                              const PhantomModelSpec& spec);

}  // namespace gpudose
