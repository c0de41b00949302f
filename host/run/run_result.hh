// The result of one `gpudose run` job and its writers (JSON, CSV, HDF5).
//
// Units, as written next to every number: energy MeV, mass kg, AF dimensionless, SAF 1/kg,
// S Gy per emitted particle (= E[J] x SAF), wall time s, rel_unc relative 1-sigma.
// Files are written to a temporary name in the destination folder and renamed when complete,
// so a failed or interrupted run never leaves a half-written result.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <utility>
#include <vector>

namespace gpudose {

struct TargetResult {
  std::string name;
  std::vector<int> ids;  // ICRP 110 organ IDs
  double mass_kg = 0;
  double energy_mev = 0;  // mean energy deposited per history
  double af = 0;          // absorbed fraction
  double saf_per_kg = 0;  // specific absorbed fraction
  double s_gy = 0;        // absorbed dose per emitted particle
  double rel_unc = 0;     // relative 1-sigma of all of the above
};

struct DoseImage;  // host/run/dose_image.hh

struct RunResult {
  std::string model;   // "AF" / "AM"
  std::string source;  // region name
  std::vector<int> source_ids;
  std::string source_sampling;  // "volume-uniform" or "mass-uniform"
  std::string particle;         // "photon"
  double energy_mev = 0;
  std::uint64_t histories = 0;
  std::uint64_t batches = 0;
  std::uint64_t batch_size = 0;
  std::uint64_t seed = 0;
  std::string stop_reason;
  std::string backend;               // "cpu" / "cuda"
  std::vector<std::string> devices;  // what ran batches, with batch counts
  double wall_s = 0;
  double histories_per_s = 0;
  double cpu_s = 0;  // process CPU time of the transport (all threads); not written to files
  std::string electron_transport;  // "local" until condensed history lands
  double photon_cutoff_mev = 0;
  double escaped_fraction = 0;  // energy leaving the phantom / emitted
  // A radionuclide source (`run --nuclide`): every per-history quantity is then per decay
  // (energy_mev: MeV emitted per decay, neutrons excluded; TargetResult::s_gy: Gy per decay =
  // Gy/(Bq s)); empty for a particle source.
  std::string nuclide;
  double particles_per_decay = 0;  // transported particles per decay (histories per decay)
  double local_mev_per_decay = 0;  // alpha, recoil, fission energy absorbed where emitted
  // Step counters per history (kernels/step_counters.hh), name -> mean count; empty unless
  // the build has GPUDOSE_STEP_COUNTERS on. Not written to result files (a speed diagnostic:
  // `gpudose benchmark` reports them).
  std::vector<std::pair<std::string, double>> steps_per_history;
  // The dose image of a job that asked for one (JobRequest::dose_image), else null. Written by
  // write_dose_image (host/run/dose_image.hh), not by write_run_result.
  std::shared_ptr<const DoseImage> dose;
  // Provenance.
  std::vector<std::pair<std::string, std::string>> provenance;  // key -> value (strings)
  std::vector<TargetResult> targets;
};

// Writes by extension: .json, .csv, .h5/.hdf5. Throws UserError for an unknown extension or an
// unwritable destination.
void write_run_result(const RunResult& r, const std::string& path);

// Checks before a run that `path` has a known extension and its folder is writable, so a long
// run does not end in an error. Throws UserError.
void check_output_path(const std::string& path);

std::string run_result_json(const RunResult& r);
std::string run_result_csv(const RunResult& r);

// Summary table for stdout: the `top` targets by SAF (source first), with units.
std::string run_result_summary(const RunResult& r, std::size_t top);

}  // namespace gpudose
