// The record of one finished batch job: its result (what the table holds) and its provenance
// (wall time, back end, devices, date: what may differ between two runs of the same job).
//
// Sidecar file (one per job, <TABLE>.jobs/job-<id>.json, written with write_file_durably):
//   {"format": "gpudose-batch-job", "result": {...}, "result_sha256": "...", "provenance": {...}}
// result_sha256 is the SHA-256 of record_canonical_json() (the "result" object as compact
// JSON with sorted keys); a file whose result does not hash to it is refused as corrupt. The
// table stores the same checksum per job, and `batch merge` recomputes it from the table.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "host/batch/plan.hh"
#include "host/run/run_result.hh"

namespace gpudose {

struct JobRecord {
  // Result: everything below is bit-identical when the same job runs again on the same kind
  // of back end with the same build and data.
  std::string plan_hash;
  std::uint32_t job_id = 0;
  std::string model, source, particle;
  std::vector<int> source_ids;
  double energy_mev = 0;
  std::uint64_t histories = 0, batches = 0, batch_size = 0;
  std::string stop_reason;
  std::string backend;  // "cpu" / "cuda": CPU and GPU agree statistically, not bitwise
  double escaped_fraction = 0;
  std::string engine, git_commit;  // the build that computed it
  std::string phantom_digest;      // SHA-256 of the phantom's source-file checksum list
  std::string physics_digest;      // SHA-256 of the physics library's source-file checksums
  std::vector<std::string> target_names, target_ids;  // ids: "89 90 91"
  std::vector<double> target_mass_kg, af, saf_per_kg, rel_unc;
  // Provenance (not checksummed): key -> value.
  std::vector<std::pair<std::string, std::string>> provenance;
};

// SHA-256 of a list of (file, checksum) pairs, as recorded by phantoms and physics libraries.
std::string checksum_list_digest(const std::vector<std::pair<std::string, std::string>>& list);

JobRecord make_job_record(const Plan& plan, const PlanJob& job, const RunResult& r,
                          const std::string& phantom_digest, const std::string& physics_digest);

std::string record_canonical_json(const JobRecord& r);
std::string record_checksum(const JobRecord& r);

std::string record_file_text(const JobRecord& r);
// Parses and verifies a sidecar file; throws UserError naming `path` when it is corrupt.
JobRecord parse_record_file(const std::string& text, const std::string& path);

// Checks that a record is the result of plan job `job` of `plan`; throws UserError otherwise.
void check_record_matches(const JobRecord& r, const Plan& plan, const PlanJob& job,
                          const std::string& origin);

}  // namespace gpudose
