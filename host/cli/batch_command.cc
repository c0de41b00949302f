// `gpudose batch plan|run|merge|status|slurm`: OpenDose-style SAF campaigns (see batch_plan.hh
// for plans and random streams, batch_run.hh for crash safety, batch_table.hh for the table).
#include <cmath>
#include <cstdio>
#include <iostream>
#include <map>
#include <memory>

#include "host/batch/merge.hh"
#include "host/batch/plan.hh"
#include "host/batch/run.hh"
#include "host/batch/slurm.hh"
#include "host/cli/cli.hh"
#include "host/cli/data_dir.hh"
#include "host/foundation/user_error.hh"
#include "phantoms/phantom_cache.hh"

namespace gpudose {
namespace {

struct PlanOptions {
  PlanRequest request;
  std::string output;
};

struct StatusOptions {
  std::vector<std::string> files;
};

struct MergeOptions {
  std::vector<std::string> shards;
  std::string output;
};

void add_plan(CLI::App& batch, GlobalOptions& global) {
  auto o = std::make_shared<PlanOptions>();
  PlanRequest& r = o->request;
  r.models = {"all"};
  r.sources = {"all"};
  r.particles = {"photon"};
  auto* cmd = batch.add_subcommand("plan", "Write a campaign plan (JSON): one entry per job");
  cmd->add_option("--models", r.models, "female|AF, male|AM or all")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--sources", r.sources,
                  "all (OpenDose's sources 1-172 present in the model), region names/IDs, or "
                  "@FILE with one per line")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--particles", r.particles, "photon, electron, positron")
      ->delimiter(',')
      ->capture_default_str();
  cmd->add_option("--energies", r.energies,
                  "log91 (91 log-spaced 5 keV-10 MeV), icrp133 (the 27 ICRP 133 energies, 1 keV-10 "
                  "MeV), a comma-separated list of MeV values, or a file with one per line")
      ->capture_default_str();
  cmd->add_option("--histories", r.histories,
                  "Histories per job (default 1e6; with --uncertainty: the cap, default 1e10)")
      ->transform(positive_count());
  cmd->add_option("--uncertainty", r.uncertainty,
                  "Stop each job at this relative 1-sigma of the source self-absorption")
      ->transform(relative_uncertainty());
  cmd->add_option("--batch-size", r.batch_size,
                  "Histories per batch (default: histories/100, or 20000 with --uncertainty)")
      ->transform(positive_count());
  cmd->add_option("--seed", r.seed, "Campaign seed (every job's Philox key), 0 to 2^64 - 1")
      ->capture_default_str()
      ->transform(seed_value());
  cmd->add_option("--sampling", r.sampling, "volume-uniform (OpenDose) or mass-uniform (ICRP 133)")
      ->capture_default_str();
  cmd->add_option("--cutoff", r.cutoff_mev, "Photon cut-off energy, MeV (0.001 to 1)")
      ->capture_default_str()
      ->transform(photon_cutoff());
  cmd->add_option("--electrons", r.electrons,
                  "Electrons set in motion by photons: transport (coupled) or local (kerma; "
                  "photon plans only)")
      ->capture_default_str();
  cmd->add_option("--electron-cutoff", r.electron_cutoff_mev,
                  "Electron/positron tracking cut-off (kinetic energy), MeV")
      ->capture_default_str();
  cmd->add_option("--range-rejection", r.range_rejection,
                  "Electron range rejection: on (slow down in place when the region cannot be "
                  "left; photons still emitted) or off")
      ->capture_default_str();
  cmd->add_option("-o,--output", o->output, "Plan file (.json)")->required();
  cmd->callback([o, &global]() {
    const std::string data_dir = resolve_data_dir(global.data_dir);
    const std::string cache_dir = resolve_cache_dir(global.cache_dir);
    std::map<std::string, std::unique_ptr<Phantom>> phantoms;
    auto phantom_of = [&](const std::string& model) -> const Phantom& {
      auto& p = phantoms[model];
      if (!p) p = std::make_unique<Phantom>(load_phantom(model, data_dir, cache_dir));
      return *p;
    };
    const Plan plan = make_plan(o->request, phantom_of);
    write_plan(plan, o->output);
    std::size_t photon = 0;
    for (const auto& j : plan.jobs) photon += j.particle == "photon";
    std::cout << "gpudose batch plan: " << o->output << ": " << plan.jobs.size() << " jobs ("
              << photon << " photon), seed " << plan.seed << ", electrons "
              << plan.electron_transport << ", plan hash " << plan.hash << "\n";
  });
}

void add_run(CLI::App& batch, GlobalOptions& global) {
  auto o = std::make_shared<BatchRunOptions>();
  auto* cmd = batch.add_subcommand(
      "run", "Run a plan (or one shard of it); resumes where a previous run stopped");
  cmd->add_option("plan", o->plan_path, "Plan file from `gpudose batch plan`")->required();
  cmd->add_option("-o,--output", o->output, "Table (.h5); job records go to TABLE.h5.jobs/")
      ->required();
  cmd->add_option("--shard", o->shard, "Run shard K of N (K/N), balanced by estimated cost")
      ->capture_default_str();
  cmd->add_option("--backend", o->backend, "auto|cpu|cuda")->capture_default_str();
  cmd->add_option("--devices", o->devices, "CUDA devices, e.g. 0,1, or all")
      ->capture_default_str()
      ->transform(device_list());
  cmd->add_option("--threads", o->threads, "CPU worker threads (default: all cores)")
      ->transform(thread_count());
  cmd->add_option("--stop-after", o->stop_after_jobs,
                  "Stop after this many newly finished jobs, at least 1 (the rest: on the next "
                  "run)")
      ->check(CLI::Range(1, 1 << 30));
  cmd->add_flag("--quiet", o->quiet, "No progress on stderr");
  cmd->callback([o, &global]() {
    run_batch(*o, resolve_data_dir(global.data_dir), resolve_cache_dir(global.cache_dir),
              global.command_line);
  });
}

void add_merge(CLI::App& batch, GlobalOptions& global) {
  auto o = std::make_shared<MergeOptions>();
  auto* cmd = batch.add_subcommand("merge", "Merge the shard tables of one plan into one table");
  cmd->add_option("shards", o->shards, "Shard tables (.h5), in any order")->required();
  cmd->add_option("-o,--output", o->output, "Merged table (.h5)")->required();
  cmd->callback([o, &global]() {
    merge_tables(o->shards, o->output, global.command_line);
    std::cout << "gpudose batch merge: " << o->output << " (" << o->shards.size() << " shards)\n";
  });
}

void add_status(CLI::App& batch) {
  auto o = std::make_shared<StatusOptions>();
  auto* cmd = batch.add_subcommand("status", "Done and missing jobs of a plan or table(s)");
  cmd->add_option("files", o->files, "PLAN.json and/or TABLE.h5 (or a running TABLE.h5)")
      ->required();
  cmd->callback([o]() {
    bool complete = false;
    std::cout << batch_status(o->files, complete);
  });
}

void add_slurm(CLI::App& batch, GlobalOptions& global) {
  auto o = std::make_shared<SlurmOptions>();
  auto submit = std::make_shared<bool>(false);
  auto* cmd = batch.add_subcommand(
      "slurm", "Write SLURM scripts: a job array (one shard per task) and a dependent merge");
  cmd->add_option("plan", o->plan_path, "Plan file")->required();
  cmd->add_option("-o,--output", o->output, "The merged table (.h5)")->required();
  cmd->add_option("--array", o->array, "Array tasks = shards")->required();
  cmd->add_option("--gpus-per-task", o->gpus_per_task, "GPUs per task (runs --backend cuda)");
  cmd->add_option("--cpus-per-task", o->cpus_per_task, "CPUs per task (CPU worker threads)");
  cmd->add_option("--partition", o->partition, "SLURM partition");
  cmd->add_option("--time", o->time_limit, "sbatch --time of each task, e.g. 1-00:00:00");
  cmd->add_option("--script-dir", o->script_dir, "Where the scripts go (default TABLE.h5.slurm)");
  cmd->add_flag("--submit", *submit, "Run the generated submit.sh (sbatch) right away");
  cmd->callback([o, submit, &global]() {
    o->data_dir = resolve_data_dir(global.data_dir);
    o->cache_dir = resolve_cache_dir(global.cache_dir);
    const SlurmScripts s = write_slurm_scripts(*o);
    std::cout << "gpudose batch slurm: " << s.array_script << " (" << o->array << " shards), "
              << s.merge_script << "; submit with: " << s.submit_script << "\n";
    if (*submit) {
      std::cout.flush();
      const int rc = std::system(("'" + s.submit_script + "'").c_str());
      if (rc != 0) {
        throw UserError("submitting to SLURM failed",
                        "sbatch exited with status " + std::to_string(rc),
                        "check `sinfo` and the scripts in " + s.dir);
      }
    }
  });
}

}  // namespace

void add_batch_command(CLI::App& app, GlobalOptions& global) {
  auto* batch = app.add_subcommand(
      "batch", "SAF table campaigns: plan, run (resumable, sharded), merge, status, slurm");
  batch->require_subcommand(1);
  add_plan(*batch, global);
  add_run(*batch, global);
  add_merge(*batch, global);
  add_status(*batch);
  add_slurm(*batch, global);
}

}  // namespace gpudose
