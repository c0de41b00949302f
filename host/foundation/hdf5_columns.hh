// Writing the simple HDF5 objects of result files: scalar string and double attributes, 1-D
// double columns with a `unit` attribute, 1-D variable-length string columns. Shared by the run
// result writer (host/run/run_result.cc) and the S-value writer (host/nuclide/svalues.cc).
// Each throws std::runtime_error("HDF5 write failed: <name>") when HDF5 refuses; the caller
// turns that into a one-line UserError naming its file.
#pragma once

#include <string>
#include <vector>

#include "host/foundation/hdf5_handle.hh"

namespace gpudose {

void write_string_attribute(hid_t loc, const std::string& name, const std::string& value);
void write_double_attribute(hid_t loc, const std::string& name, double value);
void write_double_column(hid_t loc, const std::string& name, const std::vector<double>& values,
                         const std::string& unit);
void write_string_column(hid_t loc, const std::string& name,
                         const std::vector<std::string>& values);

}  // namespace gpudose
