// `gpudose run`: one job to its stop rule, progress on stderr, a summary table on stdout and
// result files (-o FILE.json|.csv|.h5) with full provenance. The work is in job_runner.cc.
#include <cmath>
#include <cstdio>
#include <iostream>
#include <memory>

#include "host/cli/cli.hh"
#include "host/cli/data_dir.hh"
#include "host/foundation/user_error.hh"
#include "host/run/dose_image.hh"
#include "host/run/job_runner.hh"
#include "host/run/run_result.hh"
#include "host/run/user_phantom_loader.hh"
#include "phantoms/activity_image.hh"
#include "phantoms/phantom_cache.hh"
#include "physics-data/decay_data.hh"

namespace gpudose {
namespace {

struct RunOptions {
  JobRequest job;
  std::string model = "female";
  std::string phantom;  // a user phantom instead of --model (host/run/user_phantom_loader.hh)
  std::string media;
  std::vector<std::string> outputs;
  std::string dose_image;    // --dose-image FILE
  bool dose_energy = false;  // --dose-energy: the energy image too
  std::size_t top = 12;
  bool quiet = false;
};

// "3 organs (IDs 89,90,95)", the IDs only when they are few.
std::string ids_list(const std::vector<int>& ids) {
  std::string s = std::to_string(ids.size()) + (ids.size() == 1 ? " organ" : " organs");
  if (ids.size() > 10) return s;
  for (std::size_t k = 0; k < ids.size(); ++k) {
    s += (k == 0 ? " (IDs " : ",") + std::to_string(ids[k]);
  }
  return s + ")";
}

void run(RunOptions o, const GlobalOptions& global) {
  if (!o.job.nuclide.empty()) o.job.decay_dir = decay_data_dir(resolve_data_dir(global.data_dir));
  validate_job_request(o.job);
  for (const auto& path : o.outputs) check_output_path(path);
  if (!o.job.activity.empty()) check_activity_image_path(o.job.activity);
  o.job.dose_image = !o.dose_image.empty();
  if (o.job.dose_image) check_dose_image_path(o.dose_image);
  std::function<void(const std::string&)> log;
  if (!o.quiet) log = [](const std::string& line) { std::cerr << "gpudose: " << line << "\n"; };
  const std::string data_dir = resolve_data_dir(global.data_dir);
  const std::string cache_dir = resolve_cache_dir(global.cache_dir);
  std::vector<CatalogMedium> user_media;  // compositions of the media table, if any
  const Phantom phantom =
      load_run_phantom(o.model, o.phantom, o.media, data_dir, cache_dir, &user_media);
  const PhotonLibrary library = ensure_photon_library(data_dir, cache_dir, log, user_media);

  RunResult r = run_job(o.job, phantom, library, log);
  r.provenance.insert(r.provenance.begin() + 3, {"command", global.command_line});
  for (const auto& path : o.outputs) write_run_result(r, path);
  if (r.dose) {
    write_dose_image(phantom, *r.dose, o.dose_image, o.dose_energy);
    if (log) {
      for (const auto& path : dose_image_paths(o.dose_image, o.dose_energy)) {
        log("wrote " + path);
      }
    }
  }

  std::cout << "gpudose run: " << r.model << ", source " << r.source << " (" << r.source_sampling
            << "), "
            << (r.nuclide.empty() ? r.particle + " " : "nuclide " + r.nuclide + ", emitting ")
            << r.energy_mev << (r.nuclide.empty() ? " MeV" : " MeV per decay") << ", seed "
            << r.seed << ", " << r.histories << " histories in " << r.batches
            << " batches (stop: " << r.stop_reason << "), " << r.backend << ", " << r.wall_s
            << " s, " << r.histories_per_s << " histories/s\n";
  std::cout << "electron transport: ";
  if (r.electron_transport == "local") {
    std::cout << "local (kerma approximation)";
  } else {
    std::cout << "transport (class II condensed history, cut-off " << o.job.electron_cutoff_mev
              << " MeV, range rejection " << o.job.range_rejection << ")";
  }
  std::cout << "; photon cut-off " << r.photon_cutoff_mev
            << " MeV; energy escaping the phantom: " << 100 * r.escaped_fraction
            << " % of emitted\n";
  if (r.particle == "positron") {
    std::cout << "positron source: AF, SAF and S are per emitted energy T + 2 m c^2 = "
              << r.energy_mev + 1.02199779 << " MeV (the annihilation photons included)\n";
  }
  if (!r.nuclide.empty()) {
    std::cout << "nuclide source: results per decay (" << r.particles_per_decay
              << " particles transported per decay, " << r.local_mev_per_decay
              << " MeV per decay absorbed where emitted); S in Gy per decay = Gy/(Bq s), x 1e9 "
                 "for mGy/(MBq s)\n";
  }
  if (!o.job.activity.empty()) {
    std::cout << "activity source: " << o.job.activity
              << " (decays drawn in proportion to voxel activity, in " << ids_list(r.source_ids)
              << "); results per unit of total activity (per emitted particle or per decay)\n";
  }
  std::cout << run_result_summary(r, o.top);
}

}  // namespace

void add_run_command(CLI::App& app, GlobalOptions& global) {
  auto o = std::make_shared<RunOptions>();
  JobRequest& j = o->job;
  auto* cmd =
      app.add_subcommand("run", "Absorbed fractions for one source region, particle and energy");
  auto* model = cmd->add_option("--model", o->model, "female|AF or male|AM")->capture_default_str();
  auto* user_phantom = cmd->add_option(
      "--phantom", o->phantom,
      "A user phantom instead of --model: box:MEDIUM:NXxNYxNZ:DX[xDYxDZ]mm (a homogeneous block, "
      "regions box and centre) or a label image .nii.gz|.mha|.nrrd with --media");
  model->excludes(user_phantom);
  cmd->add_option("--media", o->media,
                  "Media table of a --phantom label image: label<TAB>medium<TAB>density_g_cm3"
                  "[<TAB>name] per line; medium = a catalog medium or a composition "
                  "SYMBOL:MASS_FRACTION,...[;I=VALUEeV]");
  cmd->add_option("--source", j.source,
                  "Source region: ICRP name, organ ID or alias (liver, kidneys, lungs...); with "
                  "--phantom a label name or number, or box/centre");
  cmd->add_option("--activity", j.activity,
                  "Activity image instead of --source: FILE.nii.gz|.nii|.mha|.nrrd on the "
                  "phantom's grid (as `phantom export` writes it), values >= 0; decays drawn in "
                  "proportion to voxel activity, results per unit of total activity");
  auto* energy = cmd->add_option("--energy", j.energy_mev, "Initial energy, MeV");
  auto* nuclide = cmd->add_option(
      "--nuclide", j.nuclide,
      "Radionuclide source instead of --particle/--energy: ICRP 107 name (Lu-177, F-18, I-131, "
      "...); results per decay");
  energy->excludes(nuclide);
  nuclide->excludes(energy);
  cmd->add_option("--particle", j.particle, "photon, electron or positron")->capture_default_str();
  cmd->add_option("--electrons", j.electrons,
                  "Electrons set in motion by photons: transport (coupled transport) or local "
                  "(kerma approximation, faster)")
      ->capture_default_str();
  cmd->add_option("--electron-cutoff", j.electron_cutoff_mev,
                  "Electron/positron tracking cut-off (kinetic energy), MeV")
      ->capture_default_str();
  cmd->add_option("--range-rejection", j.range_rejection,
                  "on: an electron that cannot leave its region is slowed down in place (its "
                  "bremsstrahlung and annihilation photons still emitted; faster), off: tracked "
                  "to the cut-off")
      ->capture_default_str();
  cmd->add_option("--histories", j.histories,
                  "Histories to run (default 1e6; with --uncertainty: the cap, default 1e10)")
      ->transform(positive_count());
  cmd->add_option("--uncertainty", j.uncertainty,
                  "Stop at this relative 1-sigma uncertainty of the source self-absorption "
                  "(e.g. 0.01)")
      ->transform(relative_uncertainty());
  cmd->add_option("--uncertainty-target", j.uncertainty_target,
                  "Target region the --uncertainty rule applies to (default: the source; "
                  "required with --activity)");
  cmd->add_option("--time-limit", j.time_limit_s,
                  "Stop issuing batches after this many seconds (result: the completed batches; "
                  "batches are then at most 20000 histories, so the limit holds to about a "
                  "second)")
      ->transform(positive_seconds());
  cmd->add_option("--seed", j.seed, "Run seed, 0 to 2^64 - 1")
      ->capture_default_str()
      ->transform(seed_value());
  cmd->add_option("--backend", j.backend, "auto|cpu|cuda")->capture_default_str();
  cmd->add_option("--devices", j.devices, "CUDA devices, e.g. 0,1, or all")
      ->capture_default_str()
      ->transform(device_list());
  cmd->add_option("--threads", j.threads, "CPU worker threads (default: all cores)")
      ->transform(thread_count());
  cmd->add_option("--batch-size", j.batch_size,
                  "Histories per batch (default: histories/100, or 20000 with --uncertainty)")
      ->transform(positive_count());
  cmd->add_option("--launch", j.launch,
                  "CUDA launch: THREADSxBLOCKS_PER_SM[xHISTORIES_PER_LAUNCH][:atomics|:staged] "
                  "(default 256x32x16777216; speed only, the tallies do not depend on it)");
  auto* sampling =
      cmd->add_option("--sampling", j.sampling,
                      "Source sampling of --source: volume-uniform (OpenDose) or mass-uniform "
                      "(ICRP 133)")
          ->capture_default_str();
  cmd->add_option("--cutoff", j.cutoff_mev, "Photon cut-off energy, MeV (0.001 to 1)")
      ->capture_default_str()
      ->transform(photon_cutoff());
  cmd->add_option("--majorant-block", j.majorant_block,
                  "Voxels per edge of a Woodcock majorant block (speed only; 4 to 256: smaller "
                  "blocks cost minutes and gigabytes to build, 1 voxel 70 s and 7.7 GB for AF)")
      ->capture_default_str()
      ->check(CLI::Range(4, 256));
  cmd->add_option("-o,--output", o->outputs, "Result file(s): .json, .csv or .h5");
  cmd->add_option("--dose-image", o->dose_image,
                  "Absorbed dose per voxel, FILE.nii.gz|.nii|.mha|.nrrd (Gy per emitted particle, "
                  "per decay for --nuclide), and its relative 1-sigma as FILE_uncertainty; CPU "
                  "or CUDA back end; range rejection then works within a voxel");
  auto* dose_energy = cmd->add_flag("--dose-energy", o->dose_energy,
                                    "With --dose-image: the energy per voxel too (FILE_energy, "
                                    "MeV per emitted particle or per decay)");
  cmd->add_option("--top", o->top, "Rows in the summary table")->capture_default_str();
  cmd->add_flag("--quiet", o->quiet, "No progress on stderr");
  cmd->callback([o, &global, energy, nuclide, dose_energy, sampling]() {
    if (!o->job.activity.empty() && sampling->count() > 0) {
      throw UserError("--sampling does not apply to --activity",
                      "the activity image gives every voxel its weight",
                      "leave --sampling out with --activity");
    }
    if (dose_energy->count() > 0 && o->dose_image.empty()) {
      throw UserError("--dose-energy needs --dose-image", "it adds an image beside the dose image",
                      "add --dose-image FILE.nii.gz");
    }
    if (energy->count() == 0 && nuclide->count() == 0) {
      throw UserError("no source emission given",
                      "run needs --energy (with --particle) or --nuclide",
                      "e.g. --energy 0.5, or --nuclide Lu-177");
    }
    run(*o, global);
  });
}

}  // namespace gpudose
