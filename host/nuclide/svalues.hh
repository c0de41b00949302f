// `gpudose svalues`: radionuclide S values from a batch SAF table (host/batch/table.hh) and the
// ICRP 107 decay data, through the fold of svalue_fold.hh, written as CSV (long or matrix
// layout), JSON or HDF5 with full provenance.
//
// The table's entries are independent jobs, so every S value's variance is propagated exactly
// from the variances of the entries it uses (svalue_fold.hh). Masses are the table's voxel
// masses (as OpenDose; ICRP 133 divides by blood-inclusive masses). A source is folded from its
// own rows of the table: a compound source (e.g. Kidneys) needs its own rows there, made with
// the plan's sampling (volume- or mass-uniform), which the output names.
#pragma once

#include <functional>
#include <ostream>
#include <string>
#include <vector>

#include "physics-data/decay_data.hh"

namespace gpudose {

struct SValuesRequest {
  std::string table_path;
  std::vector<std::string> nuclides = {};  // any accepted spelling, or "all"
  std::string model = "all";               // female|AF, male|AM, all (those in the table)
  std::vector<std::string> sources = {"all"};
  std::string interpolation = "linear";  // or pchip
  std::string weighting = "none";        // or icrp103
  std::string progeny = "none";          // or equilibrium
  std::string layout = "long";           // or matrix (CSV only)
  std::vector<std::string> outputs;      // .csv, .json or .h5
  std::string decay_dir;                 // <data>/decay-data/icrp107
  std::string command_line;
};

// Folds, prints a summary to `out` and writes every output (each complete or not at all).
// `log` receives progress and notes (skipped nuclides with `--nuclide all`). Throws UserError.
void run_svalues(const SValuesRequest& request, std::ostream& out,
                 const std::function<void(const std::string&)>& log);

// The nuclides of `nuclide` in secular equilibrium with it, with their activity per decay of
// the parent (the product of branching fractions along each path of ICRP-07.NDX; the parent
// itself has 1). Stable daughters and spontaneous fission end a path. Exposed for tests.
struct ChainMember {
  std::string name;
  double activity_per_parent_decay = 0;
};
// `parent` is a canonical name (canonical_nuclide_name); `ndx` is read once by the caller.
std::vector<ChainMember> equilibrium_chain(const NdxTable& ndx, const std::string& parent);

}  // namespace gpudose
