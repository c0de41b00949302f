#include "host/batch_run.hh"

#include <fcntl.h>
#include <sys/file.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>

#include "host/batch_io.hh"
#include "host/batch_record.hh"
#include "host/batch_table.hh"
#include "host/build_info.hh"
#include "host/job_runner.hh"
#include "host/user_error.hh"
#include "phantoms/phantom_cache.hh"
#include "physics-data/sha256.hh"

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

void run_batch(const BatchRunOptions& o, const std::string& data_dir, const std::string& cache_dir,
               const std::string& command_line) {
  const Plan plan = read_plan(o.plan_path);
  const ShardSpec shard = parse_shard(o.shard);
  check_table_path(o.output);
  const std::vector<std::size_t> mine = shard_jobs(plan, shard);
  // Every job's request is checked before anything runs (an impossible job fails now, not
  // hours into the campaign).
  for (std::size_t i : mine) validate_job_request(job_request(plan, plan.jobs[i], o));

  // Sidecar folder, lock, plan copy.
  const std::string dir = job_record_dir(o.output);
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || ::access(dir.c_str(), W_OK) != 0) {
    throw UserError("cannot write '" + dir + "'", ec ? ec.message() : "not writable",
                    "choose a writable -o destination");
  }
  OutputLock lock(dir);
  // Temporary files of a table or provenance write that a crash cut short (we hold the lock,
  // so no other run is writing them).
  {
    fs::path parent = fs::path(o.output).parent_path();
    if (parent.empty()) parent = ".";
    const std::string table_tmp = fs::path(o.output).filename().string() + ".tmp.";
    const std::string prov_tmp = fs::path(provenance_path(o.output)).filename().string() + ".tmp.";
    for (const auto& entry : fs::directory_iterator(parent, ec)) {
      const std::string name = entry.path().filename().string();
      if (name.rfind(table_tmp, 0) == 0 || name.rfind(prov_tmp, 0) == 0)
        fs::remove(entry.path(), ec);
    }
  }
  const std::string plan_copy = dir + "/plan.json";
  if (fs::exists(plan_copy)) {
    Plan stored;
    try {
      stored = read_plan(plan_copy);
    } catch (const UserError& e) {
      throw UserError("the plan copy '" + plan_copy + "' is corrupt", e.what(),
                      "delete that file (the job records are checked on their own)");
    }
    if (stored.hash != plan.hash) {
      throw UserError("output '" + o.output + "' belongs to another plan",
                      "its records were made by plan " + stored.hash.substr(0, 12) + ", this is " +
                          plan.hash.substr(0, 12),
                      "give this plan another -o (results of different plans never mix)");
    }
  } else {
    write_plan(plan, plan_copy);
  }

  // Finished jobs of this plan: verified records.
  std::map<std::uint32_t, std::size_t> index;  // job_id -> plan index
  for (std::size_t i = 0; i < plan.jobs.size(); ++i) index[plan.jobs[i].job_id] = i;
  std::map<std::uint32_t, JobRecord> done;
  for (const auto& entry : fs::directory_iterator(dir)) {
    const std::string name = entry.path().filename().string();
    if (name.find(".tmp.") != std::string::npos) {
      fs::remove(entry.path(), ec);  // a write cut short by a crash: never renamed, never counted
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
  std::vector<std::size_t> todo;
  for (std::size_t i : mine) {
    if (!done.count(plan.jobs[i].job_id)) todo.push_back(i);
  }

  std::function<void(const std::string&)> say;
  if (!o.quiet) say = [](const std::string& line) { std::cerr << "gpudose: " << line << "\n"; };
  if (say) {
    say("batch: plan " + plan.hash.substr(0, 12) + ", shard " + shard.text() + ": " +
        std::to_string(mine.size()) + " jobs, " + std::to_string(mine.size() - todo.size()) +
        " already recorded in " + dir);
  }

  std::map<std::string, std::unique_ptr<Phantom>> phantoms;
  std::unique_ptr<PhotonLibrary> library;
  std::unique_ptr<ElectronLibrary> electrons;
  std::string physics_digest;
  if (!todo.empty()) {
    library = std::make_unique<PhotonLibrary>(ensure_photon_library(data_dir, cache_dir, say));
    // The physics a record depends on: the photon library's sources, and the electron
    // library's (sources and cuts) when the plan transports electrons.
    std::string sources = checksum_list_digest(library->sources);
    if (job_needs_electrons(job_request(plan, plan.jobs[todo.front()], o))) {
      electrons =
          std::make_unique<ElectronLibrary>(ensure_electron_library(data_dir, cache_dir, say));
      std::vector<std::pair<std::string, std::string>> list;
      for (const auto& f : electrons->sources()) {
        list.push_back({f.path, std::to_string(f.size) + " " + f.sha256});
      }
      char cuts[64];
      std::snprintf(cuts, sizeof cuts, "Wcc %.17g Wcr %.17g", electrons->wcc_mev(),
                    electrons->wcr_mev());
      list.push_back({"electron library cuts", cuts});
      sources += " " + checksum_list_digest(list);
    }
    physics_digest = sha256_hex(sources);
    for (const auto& [id, r] : done) {
      if (r.physics_digest != physics_digest) {
        throw UserError(
            "job " + std::to_string(id) + " in " + dir + " was computed with other physics data",
            "the photon library's sources changed since",
            "start a new -o (one table, one physics data set)");
      }
    }
  }
  double cost_total = 0, cost_done = 0;
  for (std::size_t i : todo)
    cost_total += job_cost(plan.jobs[i], plan.electron_transport, plan.range_rejection);
  const auto start = std::chrono::steady_clock::now();
  std::uint64_t histories_run = 0;
  int new_jobs = 0;
  std::size_t recorded = mine.size() - todo.size();
  for (std::size_t i : todo) {
    const PlanJob& pj = plan.jobs[i];
    auto& phantom = phantoms[pj.model];
    if (!phantom) phantom = std::make_unique<Phantom>(load_phantom(pj.model, data_dir, cache_dir));
    const JobRequest rq = job_request(plan, pj, o);
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
    RunResult r = run_job(rq, *phantom, *library, electrons.get(), job_log);
    r.provenance.insert(r.provenance.begin() + 3, {"command", command_line});
    JobRecord rec = make_job_record(plan, pj, r, checksum_list_digest(phantom->source_checksums),
                                    physics_digest);
    write_file_durably(dir + "/" + record_name(pj.job_id), record_file_text(rec));
    done.emplace(pj.job_id, std::move(rec));
    ++recorded;
    ++new_jobs;
    histories_run += r.histories;
    cost_done += job_cost(pj, plan.electron_transport, plan.range_rejection);
    if (say) {
      const double elapsed =
          std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
      const double eta = cost_done > 0 ? elapsed * (cost_total - cost_done) / cost_done : 0;
      char rate[32];
      std::snprintf(rate, sizeof rate, "%.3g", elapsed > 0 ? histories_run / elapsed : 0.0);
      char energy[32];
      std::snprintf(energy, sizeof energy, "%g", pj.energy_mev);
      say("batch: " + std::to_string(recorded) + "/" + std::to_string(mine.size()) +
          " jobs done (job " + std::to_string(pj.job_id) + ": " + pj.model + " " + pj.source + " " +
          pj.particle + " " + energy + " MeV, " + std::to_string(r.histories) + " histories), " +
          rate + " histories/s, ETA " + duration_text(eta));
    }
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
