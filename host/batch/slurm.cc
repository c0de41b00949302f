#include "host/batch/slurm.hh"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <sstream>

#include "host/batch/plan.hh"
#include "host/foundation/durable_file.hh"
#include "host/foundation/user_error.hh"

namespace fs = std::filesystem;

namespace gpudose {
namespace {

// Single-quoted for sh: safe for any path.
std::string q(const std::string& s) {
  std::string out = "'";
  for (char c : s) out += (c == '\'') ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string absolute(const std::string& p) { return fs::absolute(p).lexically_normal().string(); }

// #SBATCH lines are read by sbatch, not by a shell, and end at the newline: a value that
// carried a newline (or a quote, a space, a '$') would become a line of its own, or a command.
// Values there are checked against a plain alphabet instead of quoted.
void check_directive(const std::string& option, const std::string& value,
                     const std::string& alphabet, const std::string& example) {
  if (value.empty() || value.find_first_not_of(alphabet) != std::string::npos) {
    throw UserError("bad " + option + " value for the SLURM scripts",
                    "it may hold only " + example + " (no spaces, quotes, '$' or newlines)",
                    "give a plain value");
  }
}

const std::string kWordChars = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_.-";

void write_script(const std::string& path, const std::string& text) {
  write_file_durably(path, text);
  ::chmod(path.c_str(), 0755);
}

}  // namespace

std::string this_program() {
  std::error_code ec;
  const auto p = fs::read_symlink("/proc/self/exe", ec);
  return ec ? std::string("gpudose") : p.string();
}

SlurmScripts write_slurm_scripts(const SlurmOptions& o) {
  if (o.array < 1) {
    throw UserError("--array must be at least 1", "got " + std::to_string(o.array),
                    "give the number of array tasks (shards), e.g. --array 16");
  }
  if (o.gpus_per_task < 0 || o.cpus_per_task < 0) {
    throw UserError("--gpus-per-task and --cpus-per-task must not be negative",
                    "got a negative count", "leave them out for the cluster's defaults");
  }
  if (!o.partition.empty()) {
    check_directive("--partition", o.partition, kWordChars + ",",
                    "letters, digits and _ . - , (e.g. gpu or gpu,cpu)");
  }
  if (!o.time_limit.empty()) {
    check_directive("--time", o.time_limit, "0123456789:-",
                    "digits, ':' and '-' (e.g. 1-12:00:00)");
  }
  for (const std::string* path :
       {&o.output, &o.plan_path, &o.script_dir, &o.data_dir, &o.cache_dir, &o.program}) {
    if (path->find_first_of("\n\r") != std::string::npos) {
      throw UserError("a path for the SLURM scripts holds a line break",
                      "it would split a line of the generated scripts",
                      "rename the file or folder without line breaks");
    }
  }
  const Plan plan = read_plan(o.plan_path);  // refuses edited plans before anything is queued
  std::string ext = fs::path(o.output).extension().string();
  if (ext != ".h5" && ext != ".hdf5") {
    throw UserError("the table '" + o.output + "' must be an HDF5 file", "its extension is not .h5",
                    "use -o TABLE.h5");
  }
  SlurmScripts s;
  const std::string table = absolute(o.output);
  s.dir = absolute(o.script_dir.empty() ? o.output + ".slurm" : o.script_dir);
  std::error_code ec;
  fs::create_directories(s.dir, ec);
  if (ec || ::access(s.dir.c_str(), W_OK) != 0) {
    throw UserError("cannot write the scripts into '" + s.dir + "'",
                    ec ? ec.message() : "the folder is not writable",
                    "choose a writable --script-dir or -o");
  }
  // The log paths stand in #SBATCH --output lines: a plain alphabet there too.
  check_directive("script folder", s.dir,
                  kWordChars + "/+@%,=", "letters, digits and _ . - / + @ % , = in its path");
  const std::string base = (fs::path(table).parent_path() / fs::path(table).stem()).string();
  const std::string n = std::to_string(o.array);
  for (int i = 1; i <= o.array; ++i) {
    s.shard_tables.push_back(base + ".shard-" + std::to_string(i) + "-of-" + n + ".h5");
  }
  std::ostringstream common;
  common << q(o.program.empty() ? this_program() : o.program);
  if (!o.data_dir.empty()) common << " --data-dir " << q(absolute(o.data_dir));
  if (!o.cache_dir.empty()) common << " --cache-dir " << q(absolute(o.cache_dir));
  const std::string name = "gpudose-" + plan.hash.substr(0, 8);

  std::ostringstream a;
  a << "#!/bin/bash\n";
  a << "# gpudose batch campaign, plan " << plan.hash << " (" << plan.jobs.size() << " jobs)\n";
  a << "# Array task i runs shard i+1 of " << n << " (gpudose batch run --shard).\n";
  a << "#SBATCH --job-name=" << name << "\n";
  a << "#SBATCH --array=0-" << o.array - 1 << "\n";
  a << "#SBATCH --ntasks=1\n";
  a << "#SBATCH --output=" << s.dir << "/shard-%a.log\n";
  if (!o.partition.empty()) a << "#SBATCH --partition=" << o.partition << "\n";
  if (o.gpus_per_task > 0) a << "#SBATCH --gpus-per-task=" << o.gpus_per_task << "\n";
  if (o.cpus_per_task > 0) a << "#SBATCH --cpus-per-task=" << o.cpus_per_task << "\n";
  if (!o.time_limit.empty()) a << "#SBATCH --time=" << o.time_limit << "\n";
  a << "set -euo pipefail\n";
  a << "shard=$((SLURM_ARRAY_TASK_ID + 1))\n";
  a << "# A requeued or resubmitted task resumes from the job records next to its shard table.\n";
  a << "exec " << common.str() << " batch run " << q(absolute(o.plan_path)) << " --shard \"$shard/"
    << n << "\" -o " << q(base) << "\".shard-$shard-of-" << n << ".h5\"";
  if (o.gpus_per_task > 0) a << " --backend cuda";
  if (o.cpus_per_task > 0) a << " --threads \"${SLURM_CPUS_PER_TASK:-" << o.cpus_per_task << "}\"";
  a << "\n";
  s.array_script = s.dir + "/array.sbatch";
  write_script(s.array_script, a.str());

  std::ostringstream m;
  m << "#!/bin/bash\n";
  m << "# Merges the " << n << " shards of plan " << plan.hash << " (runs after the array).\n";
  m << "#SBATCH --job-name=" << name << "-merge\n";
  m << "#SBATCH --ntasks=1\n";
  m << "#SBATCH --output=" << s.dir << "/merge.log\n";
  if (!o.partition.empty()) m << "#SBATCH --partition=" << o.partition << "\n";
  m << "set -euo pipefail\n";
  m << "exec " << common.str() << " batch merge";
  for (const auto& t : s.shard_tables) m << " \\\n  " << q(t);
  m << " \\\n  -o " << q(table) << "\n";
  s.merge_script = s.dir + "/merge.sbatch";
  write_script(s.merge_script, m.str());

  std::ostringstream u;
  u << "#!/bin/bash\n";
  u << "# Submits the shard array, then the merge with --dependency=afterok on the array.\n";
  u << "set -euo pipefail\n";
  u << "array=$(sbatch --parsable " << q(s.array_script) << ")\n";
  u << "array=${array%%;*}\n";
  u << "merge=$(sbatch --parsable --dependency=afterok:\"$array\" " << q(s.merge_script) << ")\n";
  u << "merge=${merge%%;*}\n";
  u << "echo \"gpudose: submitted array job $array (" << n << " shards) and merge job $merge -> \""
    << q(table) << "\n";
  s.submit_script = s.dir + "/submit.sh";
  write_script(s.submit_script, u.str());
  return s;
}

}  // namespace gpudose
