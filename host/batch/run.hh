// `gpudose batch run`: runs the jobs of one shard of a plan, most expensive first, each with
// every worker (CPU threads or CUDA devices pull its batches), and records each finished job
// durably before starting the next.
//
// Crash safety: <TABLE>.jobs/ holds plan.json and one job-<id>.json per finished job (written
// to a temporary file, fsync'ed and renamed: see host/foundation/durable_file.hh). A run killed at
// any moment (kill -9, power loss) loses at most the job in progress; a restart with the same plan
// and output verifies the records (checksum, plan hash, job identity, build and data digests) and
// runs only the missing jobs. When the shard is complete the table <TABLE> is assembled from
// the records (deterministically, see batch_table.hh) with <TABLE>.provenance.json beside it.
// An flock on <TABLE>.jobs/lock stops two runs from writing one output at once.
#pragma once

#include <string>

#include "host/batch/plan.hh"

namespace gpudose {

struct BatchRunOptions {
  std::string plan_path;
  std::string output;  // TABLE.h5
  std::string shard = "1/1";
  std::string backend = "auto";
  std::string devices = "all";
  int threads = 0;
  bool quiet = false;
  int stop_after_jobs = 0;  // testing aid: exit after this many new jobs (0: off)
};

// The sidecar folder of a table: <TABLE>.jobs
std::string job_record_dir(const std::string& table_path);

void run_batch(const BatchRunOptions& options, const std::string& data_dir,
               const std::string& cache_dir, const std::string& command_line);

}  // namespace gpudose
