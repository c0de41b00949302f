#include "host/batch/run.hh"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <functional>
#include <iostream>
#include <map>
#include <memory>

#include "host/batch/record.hh"
#include "host/batch/table.hh"
#include "host/foundation/build_info.hh"
#include "host/foundation/durable_file.hh"
#include "host/foundation/sha256.hh"
#include "host/foundation/user_error.hh"
#include "host/run/job_runner.hh"
#include "phantoms/phantom_cache.hh"

namespace fs = std::filesystem;

namespace gpudose {
namespace {

std::string record_name(std::uint32_t job_id) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "job-%010u.json", job_id);
  return buf;
}

void check_table_path(const std::string& path) {
  std::string ext = fs::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  if (ext != ".h5" && ext != ".hdf5") {
    throw UserError("the table '" + path + "' must be an HDF5 file", "its extension is not .h5",
                    "use -o TABLE.h5");
  }
  fs::path dir = fs::path(path).parent_path();
  if (dir.empty()) dir = ".";
  if (!fs::is_directory(dir) || ::access(dir.c_str(), W_OK) != 0) {
    throw UserError("cannot write '" + path + "'",
                    "folder '" + dir.string() + "' does not exist or is not writable",
                    "create the folder or choose another -o destination");
  }
}

std::string duration_text(double s) {
  char buf[32];
  if (s < 120) {
    std::snprintf(buf, sizeof buf, "%.0f s", s);
  } else if (s < 7200) {
    std::snprintf(buf, sizeof buf, "%.1f min", s / 60);
  } else {
    std::snprintf(buf, sizeof buf, "%.1f h", s / 3600);
  }
  return buf;
}

// Holds an exclusive flock for the life of the run (released by the kernel on any exit).
class OutputLock {
 public:
  explicit OutputLock(const std::string& dir) {
    const std::string path = dir + "/lock";
    fd_ = ::open(path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0644);
    if (fd_ < 0) {
      throw UserError("cannot write '" + path + "'", "the folder is not writable",
                      "choose a writable -o destination");
    }
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      throw UserError("another `gpudose batch run` is writing '" + dir + "'",
                      "two runs on one output would do the same jobs twice",
                      "wait for it to finish, or give this run another -o");
    }
  }
  ~OutputLock() { ::close(fd_); }

 private:
  int fd_ = -1;
};

// The job runner's request for plan job `pj`: everything that decides the result comes from
// the plan; only speed settings (back end, devices, threads) from the command line.
JobRequest job_request(const Plan& plan, const PlanJob& pj, const BatchRunOptions& o) {
  JobRequest rq;
  rq.source = pj.source_query();
  rq.particle = pj.particle;
  rq.electrons = plan.electron_transport;
  rq.electron_cutoff_mev = plan.electron_cutoff_mev;
  rq.range_rejection = plan.range_rejection;
  rq.energy_mev = pj.energy_mev;
  rq.histories = pj.histories;
  rq.uncertainty = pj.uncertainty;
  rq.seed = plan.seed;
  rq.job_id = pj.job_id;
  rq.batch_size = pj.batch_size;
  rq.sampling = plan.sampling;
  rq.cutoff_mev = plan.cutoff_mev;
  rq.backend = o.backend;
  rq.devices = o.devices;
  rq.threads = o.threads;
  return rq;
}

}  // namespace

std::string job_record_dir(const std::string& table_path) { return table_path + ".jobs"; }

namespace {

// The steps of run_batch, in the order it takes them.

using Say = std::function<void(const std::string&)>;

// The sidecar folder <TABLE>.jobs, created and checked writable.
std::string make_record_dir(const std::string& output) {
  const std::string dir = job_record_dir(output);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || ::access(dir.c_str(), W_OK) != 0) {
    throw UserError("cannot write '" + dir + "'", ec ? ec.message() : "not writable",
                    "choose a writable -o destination");
  }
  return dir;
}

// Temporary files of a table or provenance write that a crash cut short (the caller holds the
// lock, so no other run is writing them).
void remove_torn_table_writes(const std::string& output) {
  std::error_code ec;
  fs::path parent = fs::path(output).parent_path();
  if (parent.empty()) parent = ".";
  const std::string table_tmp = fs::path(output).filename().string() + ".tmp.";
  const std::string prov_tmp = fs::path(provenance_path(output)).filename().string() + ".tmp.";
  for (const auto& entry : fs::directory_iterator(parent, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(table_tmp, 0) == 0 || name.rfind(prov_tmp, 0) == 0) fs::remove(entry.path(), ec);
  }
}

// The plan copy in the sidecar folder: written on the first run, and on every later run it
// must be this plan (results of different plans never mix).
void check_or_write_plan_copy(const Plan& plan, const std::string& dir, const std::string& output) {
  const std::string plan_copy = dir + "/plan.json";
  if (!fs::exists(plan_copy)) {
    write_plan(plan, plan_copy);
    return;
  }
  Plan stored;
  try {
    stored = read_plan(plan_copy);
  } catch (const UserError& e) {
    throw UserError("the plan copy '" + plan_copy + "' is corrupt", e.what(),
                    "delete that file (the job records are checked on their own)");
  }
  if (stored.hash != plan.hash) {
    throw UserError("output '" + output + "' belongs to another plan",
                    "its records were made by plan " + stored.hash.substr(0, 12) + ", this is " +
                        plan.hash.substr(0, 12),
                    "give this plan another -o (results of different plans never mix)");
  }
}

// A table already under the output name must be this plan's: its plan hash is checked
// whatever the sidecar folder holds (a finished table whose .jobs folder is gone would
// otherwise be overwritten by another plan's results without a word).
void check_existing_table(const Plan& plan, const std::string& output) {
  std::error_code ec;
  if (!fs::exists(output, ec)) return;
  TableContents existing;
  try {
    existing = read_table(output);
  } catch (const UserError& e) {
    throw UserError("output '" + output + "' exists and is not a readable gpudose table", e.what(),
                    "move it away or give another -o");
  }
  if (existing.plan.hash != plan.hash) {
    throw UserError("output '" + output + "' is a table of another plan",
                    "it holds plan " + existing.plan.hash.substr(0, 12) + ", this is " +
                        plan.hash.substr(0, 12),
                    "give this plan another -o (results of different plans never mix)");
  }
}

// Finished jobs of this plan: the verified records in the sidecar folder, by job id. Writes a
// crash cut short (never renamed, never counted) are removed.
std::map<std::uint32_t, JobRecord> read_finished_jobs(const Plan& plan, const std::string& dir) {
  std::error_code ec;
  std::map<std::uint32_t, std::size_t> index;  // job_id -> plan index
  for (std::size_t i = 0; i < plan.jobs.size(); ++i) index[plan.jobs[i].job_id] = i;
  std::map<std::uint32_t, JobRecord> done;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.find(".tmp.") != std::string::npos) {
      fs::remove(entry.path(), ec);
      continue;
    }
    if (name.rfind("job-", 0) != 0 || entry.path().extension() != ".json") continue;
    JobRecord r = parse_record_file(read_text_file(entry.path().string(), "job record"),
                                    entry.path().string());
    const auto it = index.find(r.job_id);
    if (it == index.end()) {
      throw UserError("job record '" + entry.path().string() + "' is not a job of the plan",
                      "job " + std::to_string(r.job_id) + " is not in it",
                      "use a separate output for each plan");
    }
    check_record_matches(r, plan, plan.jobs[it->second], entry.path().string());
    if (entry.path().filename() != record_name(r.job_id)) {
      throw UserError(
          "job record '" + entry.path().string() + "' holds job " + std::to_string(r.job_id),
          "its name does not match its content", "delete it to recompute that job");
    }
    if (r.git_commit != build_info().git_commit || r.engine != "gpudose " + build_info().version) {
      throw UserError("job record '" + entry.path().string() + "' was computed by another build",
                      r.engine + " " + r.git_commit + ", this is gpudose " + build_info().version +
                          " " + build_info().git_commit,
                      "finish the campaign with that build, or start a new -o (one table, one "
                      "build)");
    }
    done.emplace(r.job_id, std::move(r));
  }
  return done;
}

// The physics the jobs still to run will use, and its digest: the photon library's sources,
// and the electron library's (sources and cuts) when the plan transports electrons.
struct BatchPhysics {
  std::unique_ptr<PhotonLibrary> photons;
  std::unique_ptr<ElectronLibrary> electrons;
  std::string digest;
};

BatchPhysics load_batch_physics(const JobRequest& first_job, const std::string& data_dir,
                                const std::string& cache_dir, const Say& say) {
  BatchPhysics p;
  p.photons = std::make_unique<PhotonLibrary>(ensure_photon_library(data_dir, cache_dir, say));
  std::string sources = checksum_list_digest(p.photons->sources);
  if (job_needs_electrons(first_job)) {
    p.electrons =
        std::make_unique<ElectronLibrary>(ensure_electron_library(data_dir, cache_dir, say));
    std::vector<std::pair<std::string, std::string>> list;
    for (const auto& f : p.electrons->sources()) {
      list.push_back({f.path, std::to_string(f.size) + " " + f.sha256});
    }
    char cuts[64];
    std::snprintf(cuts, sizeof cuts, "Wcc %.17g Wcr %.17g", p.electrons->wcc_mev(),
                  p.electrons->wcr_mev());
    list.push_back({"electron library cuts", cuts});
    sources += " " + checksum_list_digest(list);
  }
  p.digest = sha256_text(sources);
  return p;
}

// Every finished job must have been computed with the physics the remaining ones will use.
void check_finished_physics(const std::map<std::uint32_t, JobRecord>& done,
                            const std::string& physics_digest, const std::string& dir) {
  for (const auto& [id, r] : done) {
    if (r.physics_digest != physics_digest) {
      throw UserError(
          "job " + std::to_string(id) + " in " + dir + " was computed with other physics data",
          "the photon library's sources changed since",
          "start a new -o (one table, one physics data set)");
    }
  }
}

// One progress line after a finished job: jobs done, rate, ETA from the estimated job costs.
struct CampaignProgress {
  std::chrono::steady_clock::time_point start = std::chrono::steady_clock::now();
  double cost_total = 0, cost_done = 0;
  std::uint64_t histories_run = 0;

  std::string line(const PlanJob& pj, std::uint64_t histories, std::size_t recorded,
                   std::size_t jobs) const {
    const double elapsed =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const double eta = cost_done > 0 ? elapsed * (cost_total - cost_done) / cost_done : 0;
    char rate[32];
    std::snprintf(rate, sizeof rate, "%.3g", elapsed > 0 ? histories_run / elapsed : 0.0);
    char energy[32];
    std::snprintf(energy, sizeof energy, "%g", pj.energy_mev);
    return "batch: " + std::to_string(recorded) + "/" + std::to_string(jobs) + " jobs done (job " +
           std::to_string(pj.job_id) + ": " + pj.model + " " + pj.source + " " + pj.particle + " " +
           energy + " MeV, " + std::to_string(histories) + " histories), " + rate +
           " histories/s, ETA " + duration_text(eta);
  }
};

// Runs one plan job and records it durably in the sidecar folder.
JobRecord run_and_record_job(const Plan& plan, const PlanJob& pj, const BatchRunOptions& o,
                             const Phantom& phantom, const BatchPhysics& physics,
                             const std::string& dir, const std::string& command_line,
                             const Say& say) {
  // Within a long job, the scheduler's own progress lines (every ~2 s); its other messages
  // (back-end choice) would repeat for every job.
  std::function<void(const std::string&)> job_log;
  if (say) {
    job_log = [&](const std::string& line) {
      if (line.find("ETA") != std::string::npos) {
        say("batch: job " + std::to_string(pj.job_id) + ": " + line);
      }
    };
  }
  RunResult r = run_job(job_request(plan, pj, o), phantom, *physics.photons,
                        physics.electrons.get(), job_log);
  r.provenance.insert(r.provenance.begin() + 3, {"command", command_line});
  JobRecord rec =
      make_job_record(plan, pj, r, checksum_list_digest(phantom.source_checksums), physics.digest);
  write_file_durably(dir + "/" + record_name(pj.job_id), record_file_text(rec),
                     "free disk space and run again; finished jobs are kept");
  return rec;
}

}  // namespace

void run_batch(const BatchRunOptions& o, const std::string& data_dir, const std::string& cache_dir,
               const std::string& command_line) {
  const Plan plan = read_plan(o.plan_path);
  const ShardSpec shard = parse_shard(o.shard);
  check_table_path(o.output);
  const std::vector<std::size_t> mine = shard_jobs(plan, shard);
  // Every job's request is checked before anything runs (an impossible job fails now, not
  // hours into the campaign).
  for (std::size_t i : mine) validate_job_request(job_request(plan, plan.jobs[i], o));

  const std::string dir = make_record_dir(o.output);
  OutputLock lock(dir);
  remove_torn_table_writes(o.output);
  check_existing_table(plan, o.output);
  check_or_write_plan_copy(plan, dir, o.output);
  std::map<std::uint32_t, JobRecord> done = read_finished_jobs(plan, dir);
  std::vector<std::size_t> todo;
  for (std::size_t i : mine) {
    if (!done.count(plan.jobs[i].job_id)) todo.push_back(i);
  }

  Say say;
  if (!o.quiet) say = [](const std::string& line) { std::cerr << "gpudose: " << line << "\n"; };
  if (say) {
    say("batch: plan " + plan.hash.substr(0, 12) + ", shard " + shard.text() + ": " +
        std::to_string(mine.size()) + " jobs, " + std::to_string(mine.size() - todo.size()) +
        " already recorded in " + dir);
  }

  BatchPhysics physics;
  if (!todo.empty()) {
    physics =
        load_batch_physics(job_request(plan, plan.jobs[todo.front()], o), data_dir, cache_dir, say);
    check_finished_physics(done, physics.digest, dir);
  }
  CampaignProgress progress;
  for (std::size_t i : todo)
    progress.cost_total += job_cost(plan.jobs[i], plan.electron_transport, plan.range_rejection);
  // Every phantom the finished jobs used must be the one the remaining jobs will use: checked
  // now, not after hours of new jobs.
  std::map<std::string, std::unique_ptr<Phantom>> phantoms;
  if (!todo.empty()) {
    for (const auto& [id, r] : done) {
      auto& phantom = phantoms[r.model];
      if (!phantom) phantom = std::make_unique<Phantom>(load_phantom(r.model, data_dir, cache_dir));
      if (r.phantom_digest != checksum_list_digest(phantom->source_checksums)) {
        throw UserError("job " + std::to_string(id) + " in " + dir + " was computed with another " +
                            r.model + " phantom",
                        "the phantom's source files changed since",
                        "start a new -o (one table, one phantom data set)");
      }
    }
  }
  int new_jobs = 0;
  std::size_t recorded = mine.size() - todo.size();
  for (std::size_t i : todo) {
    const PlanJob& pj = plan.jobs[i];
    auto& phantom = phantoms[pj.model];
    if (!phantom) phantom = std::make_unique<Phantom>(load_phantom(pj.model, data_dir, cache_dir));
    JobRecord rec = run_and_record_job(plan, pj, o, *phantom, physics, dir, command_line, say);
    const std::uint64_t histories = rec.histories;
    done.emplace(pj.job_id, std::move(rec));
    ++recorded;
    ++new_jobs;
    progress.histories_run += histories;
    progress.cost_done += job_cost(pj, plan.electron_transport, plan.range_rejection);
    if (say) say(progress.line(pj, histories, recorded, mine.size()));
    if (o.stop_after_jobs > 0 && new_jobs >= o.stop_after_jobs && recorded < mine.size()) {
      if (say) say("batch: stopping after " + std::to_string(new_jobs) + " new jobs as asked");
      return;
    }
  }

  std::vector<JobRecord> records;
  for (std::size_t i : mine) records.push_back(done.at(plan.jobs[i].job_id));
  write_table(o.output, plan, shard, mine.size(), records);
  write_provenance(o.output, plan, records, command_line);
  if (say) say("batch: wrote " + o.output + " (" + std::to_string(records.size()) + " jobs)");
}

}  // namespace gpudose
