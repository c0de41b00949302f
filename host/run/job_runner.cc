#include "host/run/job_runner.hh"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <memory>
#include <thread>

#include "host/foundation/build_info.hh"
#include "host/foundation/sha256.hh"
#include "host/foundation/text_format.hh"
#include "host/foundation/user_error.hh"
#include "host/run/backend.hh"
#include "host/run/cpu_runner.hh"
#include "host/run/cuda_photon_runner.hh"
#include "host/run/device_dose_batches.hh"
#include "host/run/dose_image.hh"
#include "host/run/nuclide_source.hh"
#include "host/run/photon_job.hh"
#include "host/run/scheduler.hh"
#include "kernels/constants.hh"
#include "kernels/photon_real.hh"
#include "kernels/step_counters.hh"
#include "phantoms/activity_image.hh"
#include "phantoms/regions.hh"
#include "physics-data/decay_data.hh"
#include "physics-data/media_catalog.hh"

namespace gpudose {
namespace {

constexpr std::uint64_t kDefaultHistories = 1000000;
constexpr std::uint64_t kDefaultUncertaintyCap = 10000000000ull;  // 1e10
constexpr std::uint64_t kDefaultBatchesForFixedN = 100;
constexpr std::uint64_t kDefaultBatchForUncertainty = 20000;

std::string join_checksums(const std::vector<std::pair<std::string, std::string>>& list) {
  std::string s;
  for (const auto& [file, sum] : list) s += (s.empty() ? "" : "; ") + file + " " + sum;
  return s;
}

}  // namespace

int particle_code(const std::string& particle) {
  return particle == "electron" ? 1 : (particle == "positron" ? 2 : 0);
}

// Energy one history emits: a source positron's history includes its 2 m c^2 of annihilation.
double emitted_mev(const JobRequest& o) {
  return o.energy_mev + (o.particle == "positron" ? 2 * kElectronMassMeV : 0.0);
}

// The most energy one history emits: it bounds the batch size of the fixed-point tally.
double history_max_mev(const JobRequest& o, const NuclideSource* nuclide) {
  return nuclide ? nuclide->max_history_mev() : emitted_mev(o);
}

void validate_job_request(const JobRequest& o) {
  if (!o.activity.empty() && !o.source.empty()) {
    throw UserError("give --source or --activity",
                    "a source region and an activity image are two sources",
                    "leave one of them out");
  }
  if (o.activity.empty() && o.source.empty()) {
    throw UserError("no source given", "run needs a source region or an activity image",
                    "give --source REGION (e.g. liver) or --activity FILE.nii.gz");
  }
  if (!o.activity.empty() && o.uncertainty > 0 && o.uncertainty_target.empty()) {
    throw UserError("--uncertainty with --activity needs --uncertainty-target",
                    "an activity image is no target region whose uncertainty could stop the run",
                    "add --uncertainty-target REGION (e.g. liver)");
  }
  if (!o.nuclide.empty()) {
    if (o.particle != "photon" || o.energy_mev != 0) {
      throw UserError("--nuclide replaces --particle and --energy",
                      "a nuclide source emits its own particles and energies",
                      "give either --nuclide or --particle/--energy");
    }
    if (o.electrons != "transport") {
      throw UserError("--electrons local does not apply to a nuclide source",
                      "its beta, conversion and Auger electrons are always transported",
                      "leave --electrons out with --nuclide");
    }
    if (o.decay_dir.empty()) {
      throw UserError("no decay data folder for --nuclide", "the request names none",
                      "give --data-dir with decay-data/icrp107");
    }
    JobRequest particle = o;  // the remaining checks, with a placeholder energy
    particle.nuclide.clear();
    particle.energy_mev = 1;
    validate_job_request(particle);
    return;
  }
  if (o.particle != "photon" && o.particle != "electron" && o.particle != "positron") {
    throw UserError("unknown particle '" + o.particle + "'",
                    "expected photon, electron or positron", "use --particle photon");
  }
  if (o.electrons != "transport" && o.electrons != "local") {
    throw UserError("unknown --electrons mode '" + o.electrons + "'", "expected transport or local",
                    "use --electrons transport (default) or --electrons local");
  }
  if (o.particle != "photon" && o.electrons == "local") {
    throw UserError("--electrons local applies to photon sources",
                    "a " + o.particle + " source is always transported",
                    "leave --electrons out for --particle " + o.particle);
  }
  if (o.range_rejection != "on" && o.range_rejection != "off") {
    throw UserError("unknown --range-rejection mode '" + o.range_rejection + "'",
                    "expected on or off", "use --range-rejection on (default) or off");
  }
  if (!(o.electron_cutoff_mev >= 1e-3 && o.electron_cutoff_mev <= 1.0)) {
    throw UserError("--electron-cutoff must be between 0.001 and 1 MeV",
                    "got " + format_g(o.electron_cutoff_mev),
                    "the default is 0.01 MeV (the tables start at 1 keV)");
  }
  if (!(o.energy_mev > 0) || !std::isfinite(o.energy_mev)) {
    throw UserError("--energy must be a positive number of MeV", "got " + format_g(o.energy_mev),
                    "e.g. --energy 0.5");
  }
  if (!(o.uncertainty >= 0 && o.uncertainty < 1)) {
    throw UserError("--uncertainty must be a relative uncertainty in (0, 1)",
                    "got " + format_g(o.uncertainty), "e.g. --uncertainty 0.01 for 1 %");
  }
  if (!(o.time_limit_s >= 0)) {
    throw UserError("--time-limit must be positive", "got " + format_g(o.time_limit_s),
                    "give seconds, e.g. --time-limit 600");
  }
  if (!(o.cutoff_mev > 0)) {
    throw UserError("--cutoff must be positive", "got " + format_g(o.cutoff_mev),
                    "the default is 0.001 MeV");
  }
  if (!o.uncertainty_target.empty() && !(o.uncertainty > 0)) {
    throw UserError("--uncertainty-target needs --uncertainty",
                    "it names the region of the uncertainty stop rule, which is not set",
                    "add --uncertainty U (e.g. 0.01), or leave --uncertainty-target out");
  }
  if (!o.launch.empty()) parse_cuda_launch(o.launch);  // throws a one-line error
  if (!o.voxel_groups.empty()) {
    if (!o.dose_image) throw std::logic_error("voxel groups without a dose image");
    for (std::uint32_t g : o.voxel_groups) {
      if (g >= o.num_voxel_groups) throw std::logic_error("voxel group out of range");
    }
  }
  if (o.threads < 0) {
    throw UserError("--threads must be positive", "got " + std::to_string(o.threads),
                    "leave it out to use all cores");
  }
}

bool job_needs_electrons(const JobRequest& o) {
  return !o.nuclide.empty() || o.particle != "photon" || o.electrons == "transport";
}

namespace {

std::string electron_library_path_next_to(const std::string& photon_library_path) {
  return (std::filesystem::path(photon_library_path).parent_path() / "electron.h5").string();
}

}  // namespace

std::string user_media_library_dir(const std::string& cache_dir,
                                   const std::vector<CatalogMedium>& user_media) {
  return cache_dir + "/physics/user-media/" + user_media_digest(user_media);
}

namespace {

// The electron library at `path` when it holds `catalog`'s media and its sources are unchanged;
// otherwise empty (no media), having said on stderr why an existing file is rebuilt.
ElectronLibrary current_electron_library(const std::string& path, const MediaCatalog& catalog,
                                         const std::string& data_dir) {
  if (!std::filesystem::is_regular_file(path)) return {};
  std::string why;
  try {
    ElectronLibrary lib = load_electron_library(path);
    std::vector<std::string> names;
    for (const auto& c : catalog.media()) names.push_back(c.medium.name);
    if (electron_library_is_current(lib, names, data_dir)) return lib;
    why = "its sources or media changed";
  } catch (const UserError& e) {
    // unreadable, damaged (content digest), of another format, or a source file unreadable:
    // rebuilt by the caller (which names a missing source file)
    why = e.what();
  }
  // A cache that exists but cannot be used is rebuilt, and the user is told why, even with
  // --quiet: results change only because the data did.
  std::cerr << "gpudose: rebuilding the electron library " << path << " (" << why << ")\n";
  return {};
}

}  // namespace

ElectronLibrary ensure_electron_library(const std::string& data_dir, const std::string& cache_dir,
                                        const std::function<void(const std::string&)>& log,
                                        const std::vector<CatalogMedium>& user_media) {
  if (!user_media.empty()) {
    const MediaCatalog catalog = load_media_catalog(data_dir).with_user_media(user_media);
    const std::string path = user_media_library_dir(cache_dir, user_media) + "/electron.h5";
    ElectronLibrary lib = current_electron_library(path, catalog, data_dir);
    if (lib.n_media() > 0) return lib;
    // Made from the standard library: a current user library (its sources include the
    // standard one's) needs no load of it.
    const ElectronLibrary base = ensure_electron_library(data_dir, cache_dir, log);
    std::vector<Medium> extra;
    ElectronLibraryOptions options;
    for (std::size_t m = static_cast<std::size_t>(base.n_media()); m < catalog.size(); ++m) {
      extra.push_back(catalog[m].medium);
      options.mean_excitation_ev.push_back(catalog[m].mean_excitation_ev);
    }
    if (log) {
      log("computing the electron tables of " + std::to_string(extra.size()) +
          " user media: " + path);
    }
    return extend_electron_library(base, extra, data_dir, path, options);
  }
  const std::string path = electron_library_path_next_to(default_photon_library_path(cache_dir));
  const MediaCatalog catalog = load_media_catalog(data_dir);
  ElectronLibrary lib = current_electron_library(path, catalog, data_dir);
  if (lib.n_media() > 0) return lib;
  if (log) log("building the electron library " + path + " ...");
  ElectronLibraryOptions options;
  std::vector<Medium> media;
  for (const auto& c : catalog.media()) {
    media.push_back(c.medium);
    options.mean_excitation_ev.push_back(c.mean_excitation_ev);
  }
  return build_electron_library(media, data_dir, path, options);
}

PhotonLibrary ensure_photon_library(const std::string& data_dir, const std::string& cache_dir,
                                    const std::function<void(const std::string&)>& log,
                                    const std::vector<CatalogMedium>& user_media) {
  if (!user_media.empty()) {
    const MediaCatalog catalog = load_media_catalog(data_dir).with_user_media(user_media);
    const std::string path = user_media_library_dir(cache_dir, user_media) + "/photon.h5";
    PhotonLibrary lib = photon_library_is_current(path, data_dir, catalog)
                            ? load_photon_library(path)
                            : PhotonLibrary{};
    if (lib.path.empty()) {
      if (log) log("building the photon library with user media " + path + " ...");
      lib = build_photon_library(catalog, data_dir, path);
    }
    ensure_electron_library(data_dir, cache_dir, log, user_media);
    return lib;
  }
  const std::string path = default_photon_library_path(cache_dir);
  PhotonLibrary lib =
      photon_library_is_current(path, data_dir) ? load_photon_library(path) : PhotonLibrary{};
  if (lib.path.empty()) {
    if (log) log("building the photon library " + path + " ...");
    lib = build_photon_library(data_dir, path);
  }
  ensure_electron_library(data_dir, cache_dir, log);
  return lib;
}

RunResult run_job(const JobRequest& o, const Phantom& phantom, const PhotonLibrary& library,
                  const std::function<void(const std::string&)>& log) {
  validate_job_request(o);
  if (!job_needs_electrons(o)) return run_job(o, phantom, library, nullptr, log);
  const std::string path = electron_library_path_next_to(library.path);
  if (!std::filesystem::is_regular_file(path)) {
    throw UserError("electron library '" + path + "' not found",
                    "this job transports electrons (--electrons transport or a charged source)",
                    "run `gpudose physics build`, or --electrons local for a photon source");
  }
  const ElectronLibrary electrons = load_electron_library(path);
  return run_job(o, phantom, library, &electrons, log);
}

namespace {

// The steps of run_job, in the order it takes them.

// What the photon job needs from the request: source, energy, streams, physics switches.
PhotonJobConfig make_photon_job_config(const JobRequest& o) {
  PhotonJobConfig config;
  config.source = o.source;
  config.sampling = parse_source_sampling(o.sampling);
  config.energy_mev = o.energy_mev;
  config.seed = o.seed;
  config.job_id = o.job_id;
  config.cutoff_mev = o.cutoff_mev;
  config.majorant_block = o.majorant_block;
  config.particle = particle_code(o.particle);
  config.electrons = job_needs_electrons(o) ? ElectronMode::kTransport : ElectronMode::kLocal;
  config.electron.absorption_mev = o.electron_cutoff_mev;
  // With a dose image, range rejection applies within a voxel (kernels/electron_transport.hh
  // can_leave): the tallies differ from an organ-only run's, never by more than statistics.
  config.electron.range_rejection = o.range_rejection == "on" ? 1 : 0;
  return config;
}

// The regions a job reports and the tally bins (phantom labels) each one sums; the last entry
// of `bins` is the escaped-energy bin.
struct JobTargets {
  std::vector<RegionMass> regions;
  std::vector<std::vector<int>> bins;
  std::size_t uncertainty_target = 0;  // index into regions of the uncertainty rule's region
  std::size_t escaped = 0;             // index into bins of the escaped energy
  std::size_t first_counter = 0;       // index into bins of the first step counter (if any)
};

// Targets: every organ and compound region (a compound region that repeats an organ under the
// organ's own name adds nothing); tally bins are the phantom's labels.
JobTargets collect_targets(const JobRequest& o, const Phantom& phantom, const PhotonJob& job) {
  JobTargets t;
  const VoxelPhantomView view = phantom.view();
  for (const RegionMass& rm : target_regions(phantom)) {
    const bool repeat = std::any_of(t.regions.begin(), t.regions.end(), [&](const RegionMass& u) {
      return u.region.name == rm.region.name && u.region.organ_ids == rm.region.organ_ids;
    });
    if (!repeat) t.regions.push_back(rm);
  }
  const Region unc_region = o.uncertainty_target.empty()
                                ? job.source_region()
                                : resolve_region(phantom, o.uncertainty_target);
  t.uncertainty_target = t.regions.size();
  for (std::size_t r = 0; r < t.regions.size(); ++r) {
    std::vector<int> bins;
    for (int l = 0; l < view.num_labels; ++l) {
      const auto& ids = t.regions[r].region.organ_ids;
      if (std::find(ids.begin(), ids.end(), view.label_organ[l]) != ids.end()) bins.push_back(l);
    }
    t.bins.push_back(bins);
    if (t.regions[r].region.organ_ids == unc_region.organ_ids) t.uncertainty_target = r;
  }
  // An activity source's region need not be a target; it needs none without the rule.
  if (t.uncertainty_target == t.regions.size() && !(o.uncertainty > 0) &&
      o.uncertainty_target.empty()) {
    t.uncertainty_target = 0;
  }
  if (t.uncertainty_target == t.regions.size()) {
    throw UserError(
        "uncertainty target '" + o.uncertainty_target + "' has no voxel in " + phantom.model,
        "it cannot absorb energy", "choose another --uncertainty-target");
  }
  t.escaped = t.regions.size();
  t.bins.push_back({escaped_bin(view.num_labels)});
  t.first_counter = t.bins.size();
  if constexpr (kStepCountersCompiled) {
    for (int k = 0; k < kNumStepCounters; ++k) t.bins.push_back({counter_bin(view.num_labels, k)});
  }
  return t;
}

// Batches and stop rule: fixed by the job, never by the back end.
void plan_batches(const JobRequest& o, const NuclideSource* nuclide, std::size_t num_bins,
                  std::size_t uncertainty_target, BatchPlan& plan, StopRule& rule) {
  plan.num_bins = num_bins;
  if (o.uncertainty > 0) {
    plan.max_histories = o.histories ? o.histories : kDefaultUncertaintyCap;
    plan.batch_size = o.batch_size ? o.batch_size : kDefaultBatchForUncertainty;
    rule.target_rel_unc = o.uncertainty;
    rule.uncertainty_target = uncertainty_target;
  } else {
    plan.max_histories = o.histories ? o.histories : kDefaultHistories;
    plan.batch_size = o.batch_size ? o.batch_size
                                   : std::max<std::uint64_t>(
                                         1, (plan.max_histories + kDefaultBatchesForFixedN - 1) /
                                                kDefaultBatchesForFixedN);
    // The time limit is checked between batches: with it, batches of at most 20000 histories
    // (a fraction of a second at any energy on one core) let it hold to about a second.
    if (o.time_limit_s > 0 && !o.batch_size) {
      plan.batch_size = std::min<std::uint64_t>(plan.batch_size, kDefaultBatchForUncertainty);
    }
  }
  if (plan.batch_size > max_batch_histories(history_max_mev(o, nuclide))) {
    throw UserError(
        "--batch-size " + std::to_string(plan.batch_size) + " is too large",
        "a batch tally would overflow 64 bits",
        "use at most " + std::to_string(max_batch_histories(history_max_mev(o, nuclide))));
  }
  rule.time_limit_s = o.time_limit_s;
}

// One worker per CPU thread, or one per CUDA device of the selection. dose_batches > 0: a
// dose-image job (on CUDA, that many batches per launch).
std::vector<std::unique_ptr<BatchRunner>> make_runners(const BackendSelection& selection,
                                                       const PhotonJob& job, int threads,
                                                       const CudaLaunch& launch,
                                                       std::uint64_t dose_batches) {
  const bool dose = dose_batches > 0;
  std::vector<std::unique_ptr<BatchRunner>> owned;
  if (selection.backend == Backend::Cpu) {
    const int n =
        threads > 0 ? threads : static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    for (int t = 0; t < n; ++t) {
      const std::string name = "cpu thread " + std::to_string(t);
      if (dose) {
        owned.push_back(std::make_unique<CpuRunner<PhotonHistoryFunctor>>(name, job.history(),
                                                                          job.phantom().view()));
      } else {
        owned.push_back(std::make_unique<CpuRunner<PhotonHistoryFunctor>>(name, job.history()));
      }
    }
  } else {
    for (int d : selection.devices) {
      owned.push_back(make_cuda_photon_runner(job, d, launch, dose_batches));
    }
  }
  return owned;
}

// The summed sampling weight of the source voxels of each organ ID of `ids` (ascending).
std::vector<double> source_organ_weights(const Phantom& phantom, const RegionVoxels& s,
                                         const std::vector<int>& ids) {
  std::vector<double> w(ids.size(), 0.0);
  for (std::size_t i = 0; i < s.voxels.size(); ++i) {
    const int id = phantom.organ_ids[s.voxels[i]];
    w[std::lower_bound(ids.begin(), ids.end(), id) - ids.begin()] += s.weights[i];
  }
  return w;
}

// The result: what ran, and AF, SAF and S per target from the merged batch statistics.
RunResult assemble_result(const JobRequest& o, const NuclideSource* nuclide, const Phantom& phantom,
                          const PhotonJob& job, const BatchPlan& plan, const ScheduleReport& report,
                          const BackendSelection& selection, const JobTargets& targets,
                          const TargetStatistics& stats) {
  RunResult r;
  r.model = phantom.model;
  r.source = job.source_region().name;
  r.source_ids = job.source_region().organ_ids;
  r.source_sampling = to_string(job.source_region_voxels().sampling);
  r.particle = o.particle;
  r.energy_mev = o.energy_mev;
  r.histories = report.histories;
  r.batches = report.batches;
  r.batch_size = plan.batch_size;
  r.seed = o.seed;
  r.stop_reason = report.stop_reason;
  r.backend = backend_name(selection.backend);
  for (const auto& [name, batches] : report.batches_per_runner) {
    r.devices.push_back(name + ": " + std::to_string(batches) + " batches");
  }
  r.wall_s = report.wall_s;
  r.cpu_s = report.cpu_s;
  r.histories_per_s = report.wall_s > 0 ? report.histories / report.wall_s : 0;
  r.electron_transport = job_needs_electrons(o) ? "transport" : "local";
  r.photon_cutoff_mev = o.cutoff_mev;
  // AF and SAF per emitted energy (a source positron's includes its annihilation photons).
  // Per emitted particle, or per decay for a nuclide: histories per decay = the particles its
  // decay emits, plus the local (alpha) energy in every target that contains the source.
  const double emitted = nuclide ? nuclide->emitted_mev_per_decay() : emitted_mev(o);
  const double per_unit = nuclide ? nuclide->particles_per_decay() : 1.0;
  const double local = nuclide ? nuclide->local_mev_per_decay() : 0.0;
  if (nuclide) {
    r.nuclide = nuclide->nuclide();
    r.particle = "nuclide";
    r.energy_mev = emitted;
    r.particles_per_decay = per_unit;
    r.local_mev_per_decay = local;
  }
  r.escaped_fraction = per_unit * stats.mean_mev(targets.escaped) / emitted;
  if constexpr (kStepCountersCompiled) {
    // Counter bins hold counts, not energy: their exact sums, per history.
    for (int k = 0; k < kNumStepCounters; ++k) {
      const EnergySum128& n = stats.energy_sum(targets.first_counter + k);
      const double count = static_cast<double>(n.hi) * 18446744073709551616.0 + n.lo;
      r.steps_per_history.emplace_back(kStepCounterNames[k],
                                       count / static_cast<double>(stats.histories()));
    }
  }
  const double e_joule = emitted * kMeVToJoule;
  const std::vector<int>& source_ids = job.source_region().organ_ids;
  const bool activity = job.config().source_voxels != nullptr;
  const std::vector<double> organ_weight =
      activity ? source_organ_weights(phantom, job.source_region_voxels(), source_ids)
               : std::vector<double>{};
  for (std::size_t t = 0; t < targets.regions.size(); ++t) {
    TargetResult tr;
    tr.name = targets.regions[t].region.name;
    tr.ids = targets.regions[t].region.organ_ids;
    tr.mass_kg = targets.regions[t].mass_kg;
    const double transported = per_unit * stats.mean_mev(t);
    // The share of the local energy this target absorbs: a region source's goes to every
    // target that contains the source; an activity source's to each target in proportion to
    // the activity inside it (all of it, exactly, to a target that holds every active organ).
    double share = region_contains(tr.ids, source_ids) ? 1.0 : 0.0;
    if (activity && share == 0) {
      double w = 0;
      for (std::size_t k = 0; k < source_ids.size(); ++k) {
        if (std::find(tr.ids.begin(), tr.ids.end(), source_ids[k]) != tr.ids.end()) {
          w += organ_weight[k];
        }
      }
      share = w / job.source_region_voxels().total_weight;
    }
    const double local_here = share * local;
    tr.energy_mev = transported + local_here;
    tr.af = tr.energy_mev / emitted;
    tr.saf_per_kg = tr.mass_kg > 0 ? tr.af / tr.mass_kg : 0;
    tr.s_gy = e_joule * tr.saf_per_kg;
    // The local part is exact: it scales the relative uncertainty of the transported part.
    tr.rel_unc = tr.energy_mev > 0 && local_here > 0
                     ? stats.rel_unc(t) * transported / tr.energy_mev
                     : stats.rel_unc(t);
    r.targets.push_back(tr);
  }
  return r;
}

// Provenance: the build, the data and the physics settings behind the numbers.
void record_provenance(RunResult& r, const JobRequest& o, const Phantom& phantom,
                       const PhotonLibrary& library, const PhotonJob& job,
                       const BackendSelection& selection) {
  const BuildInfo& b = build_info();
  r.provenance = {{"engine", "gpudose " + b.version},
                  {"git_commit", b.git_commit},
                  {"build_type", b.build_type},
                  {"photon_geometry", kPhotonFloat ? "float" : "double"},
                  {"date_utc", utc_now()},
                  {"job_id", std::to_string(o.job_id)},
                  {"backend", selection.reason},
                  {"phantom", phantom.model + " imported from " + phantom.source},
                  {"phantom_sources_sha256", join_checksums(phantom.source_checksums)},
                  {"physics_library", library.path},
                  {"physics_sources_sha256", join_checksums(library.sources)},
                  {"device_bytes_besides_tallies", std::to_string(job.device_bytes())}};
  const ElectronLibrary* electrons = job.electron_library();
  // Media given by composition in a user phantom's media table: what they are is part of the
  // answer, not only the table's checksum (the composition at full precision, the density
  // the tables were computed at, and the mean excitation energy the electron tables used).
  for (std::size_t m = 0; m < phantom.media.size(); ++m) {
    const std::string key = phantom.medium_key(m);
    if (key.rfind("user:", 0) != 0) continue;
    std::string what = phantom.media[m].name;
    const bool given = what.find(";I=") != std::string::npos;
    if (electrons) {
      const double i_ev = electrons->mean_excitation_ev().at(library.medium_index(key));
      what += "; I " + format_exact(i_ev) + " eV" + (given ? " (given)" : " (ICRU 37 rule)");
    } else {
      what += given ? "" : "; I by the ICRU 37 rule (electron tables not used)";
    }
    r.provenance.push_back({"medium " + key, what});
  }
  if (electrons) {
    const ElectronTransportParams& ep = job.config().electron;
    r.provenance.push_back({"electron_library", "Wcc " + format_g(electrons->wcc_mev()) +
                                                    " MeV, Wcr " + format_g(electrons->wcr_mev()) +
                                                    " MeV"});
    std::vector<std::pair<std::string, std::string>> electron_sources;
    for (const SourceFileRecord& s : electrons->sources()) {
      electron_sources.emplace_back(s.path, s.sha256);
    }
    r.provenance.push_back({"electron_sources_sha256", join_checksums(electron_sources)});
    r.provenance.push_back(
        {"electron_transport", "class II condensed history; cut-off " +
                                   format_g(ep.absorption_mev) + " MeV, C1 " + format_g(ep.c1) +
                                   ", max soft loss per step " + format_g(ep.max_loss_fraction) +
                                   ", range rejection " + o.range_rejection});
  }
}

}  // namespace

PhotonJobConfig photon_job_config(const JobRequest& request) {
  return make_photon_job_config(request);
}

RunResult run_job(const JobRequest& o, const Phantom& phantom, const PhotonLibrary& library,
                  const ElectronLibrary* electrons,
                  const std::function<void(const std::string&)>& log) {
  validate_job_request(o);
  std::unique_ptr<NuclideSource> nuclide;
  if (!o.nuclide.empty()) {
    nuclide = std::make_unique<NuclideSource>(read_nuclide(o.decay_dir, o.nuclide),
                                              library.grid.energy.back());
    if (nuclide->empty()) {
      throw UserError(nuclide->nuclide() + " emits nothing to transport",
                      "all its energy is absorbed where it is emitted (alpha particles)",
                      "its S values need no Monte Carlo: use `gpudose svalues`");
    }
    if (log) log("nuclide " + nuclide->nuclide() + ": " + nuclide->positron_treatment());
  }
  PhotonJobConfig config = make_photon_job_config(o);
  config.nuclide = nuclide.get();
  std::unique_ptr<ActivitySource> activity;
  if (!o.activity.empty()) {
    activity = std::make_unique<ActivitySource>(read_activity_image(o.activity, phantom));
    config.source_voxels = &activity->voxels;
    if (log) {
      log("activity image " + o.activity + ": " + std::to_string(activity->voxels.voxels.size()) +
          " active voxels in " + std::to_string(activity->region.organ_ids.size()) + " organs");
    }
  }
  const PhotonJob job(phantom, library, config,
                      config.electrons == ElectronMode::kTransport ? electrons : nullptr);
  const JobTargets targets = collect_targets(o, phantom, job);
  BatchPlan plan;
  StopRule rule;
  plan_batches(o, nuclide.get(), static_cast<std::size_t>(job.num_bins()),
               targets.uncertainty_target, plan, rule);

  const BackendSelection selection = select_backend(o.backend, o.devices, query_cuda_devices());
  if (log) log(selection.reason);
  const CudaLaunch launch = o.launch.empty() ? CudaLaunch{} : parse_cuda_launch(o.launch);
  std::shared_ptr<VoxelStatistics> voxels;
  std::uint64_t dose_batches = 0;
  if (o.dose_image) {
    const std::size_t n = phantom.num_voxels();
    const bool cuda = selection.backend == Backend::Cuda;
    // On CUDA the host also stages one batch's voxel array as it comes back.
    const std::size_t host_bytes = dose_image_bytes(n) + (cuda ? n * sizeof(std::uint64_t) : 0);
    check_dose_image_memory(n, host_bytes);
    voxels = std::make_shared<VoxelStatistics>(n);
    dose_batches =
        cuda ? device_dose_batches_per_launch(launch.histories_per_launch, plan.batch_size, n) : 1;
    if (log) {
      std::string device;
      if (cuda) {
        // The figure each runner checks against the device's free memory before it starts.
        device = ", " +
                 format_g(device_dose_bytes(job.device_bytes(), plan.num_bins, n, dose_batches) /
                          1048576.0) +
                 " MiB per CUDA device (" + std::to_string(dose_batches) +
                 " batches per launch x " + std::to_string(n) + " voxels x 8 bytes + " +
                 format_g(job.device_bytes() / 1048576.0) + " MiB of job data)";
      }
      log("dose image: " + std::to_string(n) + " voxels, " + format_g(host_bytes / 1048576.0) +
          " MiB host" + device +
          (o.range_rejection == "on" ? "; range rejection within a voxel" : ""));
    }
  }
  const std::vector<std::unique_ptr<BatchRunner>> owned =
      make_runners(selection, job, o.threads, launch, dose_batches);
  std::vector<BatchRunner*> runners;
  for (const auto& r : owned) runners.push_back(r.get());

  std::shared_ptr<VoxelStatistics> groups;
  if (o.dose_image && !o.voxel_groups.empty()) {
    if (o.voxel_groups.size() != phantom.num_voxels()) {
      throw std::logic_error("voxel groups of another grid");
    }
    groups = std::make_shared<VoxelStatistics>(o.voxel_groups, o.num_voxel_groups);
  }
  TargetStatistics stats(targets.bins, plan.num_bins);
  stats.attach_voxels(voxels.get());
  stats.attach_voxels(groups.get());
  std::function<void(const Progress&)> progress;
  if (log) progress = [&](const Progress& p) { log(format_progress(p, rule.target_rel_unc)); };
  const ScheduleReport report = run_schedule(runners, plan, rule, stats, progress);
  if (report.histories == 0) {
    // Only a time limit can stop a job before its first batch: a result of zero histories
    // would be AF 0 everywhere, never a valid answer.
    throw UserError(
        "no history completed",
        "the time limit of " + format_g(o.time_limit_s) + " s ended before the first batch",
        "give a longer --time-limit or a smaller --batch-size");
  }

  RunResult r =
      assemble_result(o, nuclide.get(), phantom, job, plan, report, selection, targets, stats);
  record_provenance(r, o, phantom, library, job, selection);
  if (activity) {
    r.provenance.push_back({"activity_image", o.activity});
    r.provenance.push_back({"activity_image_sha256", sha256_file(o.activity)});
    r.provenance.push_back(
        {"activity_source",
         "decays drawn in proportion to voxel activity (" +
             std::to_string(activity->voxels.voxels.size()) + " active voxels, total " +
             format_g(activity->voxels.total_weight) +
             " in the image's unit); results per unit of total activity; local (alpha) energy "
             "shared by the targets in proportion to the activity inside them"});
  }
  if (voxels) {
    const RegionVoxels& src = job.source_region_voxels();
    const LocalEnergy local{r.local_mev_per_decay, &src.voxels, &src.weights, src.total_weight};
    auto dose = std::make_shared<DoseImage>(
        make_dose_image(phantom, voxels, nuclide ? r.particles_per_decay : 1.0, local,
                        nuclide ? "Gy per decay" : "Gy per emitted particle"));
    dose->groups = groups;
    r.dose = dose;
    r.provenance.push_back(
        {"dose_image", "per-voxel batch statistics (" + r.dose->unit + "); range rejection " +
                           (o.range_rejection == "on" ? "within a voxel" : "off") +
                           "; voxel mass = label density x voxel volume"});
  }
  if (nuclide) {
    r.provenance.push_back(
        {"nuclide_source",
         "ICRP 107 " + nuclide->nuclide() +
             ": one history = one emitted particle drawn by its yield per decay; per decay = "
             "mean per history x " +
             format_g(nuclide->particles_per_decay()) +
             " particles per decay, plus alpha/recoil/fission energy absorbed where emitted"});
    r.provenance.push_back({"nuclide_positrons", nuclide->positron_treatment()});
    r.provenance.push_back({"nuclide_excluded_neutron_mev_per_decay",
                            format_g(nuclide->excluded_neutron_mev_per_decay())});
    r.provenance.push_back({"decay_data_sha256", nuclide->json_sha256()});
  }
  return r;
}

}  // namespace gpudose
