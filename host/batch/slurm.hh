// `gpudose batch slurm`: SLURM scripts for a plan. Task i of an sbatch job array runs shard
// i+1/N into <TABLE base>.shard-<i+1>-of-<N>.h5; a merge job, submitted with
// --dependency=afterok on the whole array, merges them into TABLE. submit.sh submits both.
// Paths (program, plan, data and cache folders, outputs) are written absolute, so the scripts
// run from any working directory on nodes that share the file system.
#pragma once

#include <string>
#include <vector>

namespace gpudose {

struct SlurmOptions {
  std::string plan_path;
  std::string output;  // the merged TABLE.h5
  int array = 1;       // tasks = shards
  int gpus_per_task = 0;
  int cpus_per_task = 0;  // 0: the cluster's default
  std::string partition;
  std::string time_limit;  // sbatch --time, e.g. 2-00:00:00
  std::string script_dir;  // default <TABLE>.slurm
  std::string program;     // gpudose (absolute path of this program by default)
  std::string data_dir, cache_dir;
};

struct SlurmScripts {
  std::string dir, array_script, merge_script, submit_script;
  std::vector<std::string> shard_tables;
};

// Writes array.sbatch, merge.sbatch and submit.sh into the script folder.
SlurmScripts write_slurm_scripts(const SlurmOptions& options);

// Absolute path of the running program (/proc/self/exe).
std::string this_program();

}  // namespace gpudose
