// Batch campaigns: the plan, a JSON file with one entry per job (model, source, particle,
// energy, stop rule, batch size) and the campaign seed, sealed by a plan hash.
//
// Random streams: every job of a campaign runs with the campaign seed as its Philox key and its
// plan index as job_id, so history h of job j uses counter (block, j, h) (kernels/philox.hh).
// Job ids are unique 32-bit integers within a plan, hence no two jobs can ever share a stream
// (no birthday problem, unlike per-job random seeds), and a job's result depends on the plan
// entry only, never on the shard, device or thread that runs it.
//
// Plan hash: SHA-256 of plan_canonical_text(): the seed, the engine physics settings (source
// sampling, photon cut-off, electron transport model) and one line per job with every field
// that decides its result. Editing any of those by hand breaks the hash and the plan is
// refused; fields that only decide speed (threads, devices) are not part of a plan.
// Electron settings are campaign-wide: `electron_transport` "transport" (coupled transport of
// every electron and positron, the default of `gpudose run`) or "local" (photon plans only:
// secondary electrons deposit where they are set in motion), and the electron cut-off.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "phantoms/phantom.hh"

namespace gpudose {

struct PlanJob {
  std::uint32_t job_id = 0;  // index in the plan; the job's random streams under the seed
  std::string model;         // "AF" / "AM"
  std::string source;        // region name as resolve_region() returns it
  int source_number = -1;    // OpenDose source number 0..172, -1 for other regions
  std::string particle;      // "photon", "electron", "positron"
  double energy_mev = 0;
  std::uint64_t histories = 0;  // fixed count, or the cap with an uncertainty rule
  double uncertainty = 0;       // stop at this relative 1-sigma of the source (0: off)
  std::uint64_t batch_size = 0;

  // What the job runner resolves: the OpenDose number when there is one (unambiguous), else
  // the region name.
  std::string source_query() const;
};

struct Plan {
  std::uint64_t seed = 1;
  std::string sampling = "volume-uniform";
  double cutoff_mev = 1e-3;
  std::string electron_transport = "transport";
  double electron_cutoff_mev = 0.01;
  std::string range_rejection = "on";  // electron range rejection (kernels/electron_transport.hh)
  std::vector<PlanJob> jobs;           // ascending job_id
  std::string hash;                    // plan_hash(*this) once sealed
};

// Energy presets, MeV, ascending: "log91" (91 log-spaced, 5 keV-10 MeV) and "icrp133" (the 27
// energies of the ICRP 133 SAF tables, 1 keV-10 MeV).
std::vector<double> energy_preset(const std::string& name);
// A preset name, a comma-separated list (0.05,0.5,2) or a file with one energy (MeV) per line
// (# comments); a repeated energy is refused. Throws UserError.
std::vector<double> parse_energies(const std::string& preset_or_file);

struct PlanRequest {
  std::vector<std::string> models;     // female|AF, male|AM, all
  std::vector<std::string> sources;    // "all", region names/IDs, or @FILE (one per line)
  std::vector<std::string> particles;  // photon, electron, positron
  std::string energies = "log91";      // preset, comma-separated list or file
  std::uint64_t histories = 0;         // per job (with uncertainty: the cap)
  double uncertainty = 0;
  std::uint64_t batch_size = 0;  // 0: the job runner's default rule, written out explicitly
  std::uint64_t seed = 1;
  std::string sampling = "volume-uniform";
  double cutoff_mev = 1e-3;
  std::string electrons = "transport";  // or "local" (photon plans only)
  double electron_cutoff_mev = 0.01;
  std::string range_rejection = "on";  // or "off"
};

// Builds and seals a plan. Jobs are ordered model, particle, source, energy (as requested);
// job_id = index. `phantom_of` loads a phantom by model name (to resolve and check sources).
Plan make_plan(const PlanRequest& request,
               const std::function<const Phantom&(const std::string&)>& phantom_of);

std::string plan_canonical_text(const Plan& plan);
std::string plan_hash(const Plan& plan);

// The plan as JSON text (deterministic: same plan, same bytes).
std::string plan_json(const Plan& plan);
// Parses and checks a plan: format, field types, unique job ids, unique job keys, hash.
// `origin` names the file in errors. Throws UserError.
Plan parse_plan(const std::string& text, const std::string& origin);
Plan read_plan(const std::string& path);
void write_plan(const Plan& plan, const std::string& path);

// A shard "K/N" (1 <= K <= N).
struct ShardSpec {
  int index = 1;
  int count = 1;
  std::string text() const { return std::to_string(index) + "/" + std::to_string(count); }
};
ShardSpec parse_shard(const std::string& text);

// Estimated cost of a job: histories x the measured CPU time per photon history at its energy
// (microseconds). Decides the running order and the shard balance only, never results.
double job_cost(const PlanJob& job, const std::string& electron_transport = "transport",
                const std::string& range_rejection = "on");

// Indices into plan.jobs of shard K/N, most expensive first. Assignment: jobs sorted by
// (cost descending, job_id ascending) go one by one to the shard with the least assigned cost
// so far (lowest shard number on ties): deterministic, every job in exactly one shard.
std::vector<std::size_t> shard_jobs(const Plan& plan, const ShardSpec& shard);

}  // namespace gpudose
