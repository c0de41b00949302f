// The SAF table of a batch campaign (HDF5), written from job records and read back.
//
// Layout (README "Batch campaigns" documents it for users):
//   /                      attributes: format "gpudose-batch-table", format_version 1,
//                          plan_hash, seed, shard ("1/1" for a complete table, "K/N" for a
//                          shard), jobs_in_plan, jobs_in_shard, jobs_in_table, engine,
//                          git_commit, physics_digest, backend (all jobs' back ends, e.g.
//                          "cpu" or "cpu+cuda"), sampling, photon_cutoff_mev,
//                          electron_transport, electron_cutoff_mev, units
//   /plan                  the plan JSON (as `batch plan` writes it), one string
//   /job_ids               uint32 [jobs_in_table], ascending
//   /<model>               attribute phantom_digest
//   /<model>/<particle>/<source>   attributes source, source_ids, source_number; datasets
//       energy_mev [E], job_id [E], histories [E], batches [E], batch_size [E],
//       stop_reason [E], backend [E], escaped_fraction [E], job_sha256 [E],
//       target_name [T], target_ids [T], target_mass_kg [T],
//       af [E x T], saf_per_kg [E x T], rel_unc [E x T]     (E ascending energies)
// A '/' in a source name is written as "%2F" in its group name (the attribute keeps it).
//
// Byte reproducibility: no time stamps (object time tracking off), fixed-length strings,
// contiguous layouts, groups and datasets created in one deterministic order (models,
// particles, sources by name; energies ascending). Wall times, dates, devices and command
// lines are not in the table but in <TABLE>.provenance.json. Same records -> same bytes.
#pragma once

#include <string>
#include <vector>

#include "host/batch/plan.hh"
#include "host/batch/record.hh"

namespace gpudose {

// Writes the table (temporary file + rename). `records` may come in any order.
void write_table(const std::string& path, const Plan& plan, const ShardSpec& shard,
                 std::size_t jobs_in_shard, std::vector<JobRecord> records);

struct TableContents {
  Plan plan;
  std::string shard;
  std::size_t jobs_in_shard = 0;
  std::vector<JobRecord> records;  // ascending job_id, checksums verified
};

// Reads and verifies a table: format, plan hash, every job's checksum. Throws UserError.
TableContents read_table(const std::string& path);

// <TABLE without .h5>.provenance.json
std::string provenance_path(const std::string& table_path);
// Writes the per-job provenance of `records` (ascending job id) as JSON.
void write_provenance(const std::string& table_path, const Plan& plan,
                      std::vector<JobRecord> records, const std::string& command_line);

}  // namespace gpudose
