#include "host/run/benchmark.hh"

#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>
#include <thread>

#include "host/foundation/build_info.hh"
#include "host/foundation/sha256.hh"
#include "host/foundation/text_format.hh"
#include "host/foundation/user_error.hh"
#include "host/run/cuda_devices.hh"
#include "host/run/cuda_photon_runner.hh"
#include "host/run/job_dump.hh"
#include "host/run/job_runner.hh"
#include "kernels/constants.hh"
#include "kernels/photon_real.hh"
#include "kernels/step_counters.hh"
#include "phantoms/phantom_cache.hh"
#include "phantoms/regions.hh"

namespace gpudose {

const std::vector<BenchmarkCase>& benchmark_matrix() {
  // Histories: about 1-2 CPU-seconds per case on one core of the 2-core development VM, 100
  // batches (run_job's default), so the FOM's own statistical noise is about 15 %.
  static const std::vector<BenchmarkCase> kMatrix = {
      {"af-liver-photon-0.05-transport", "female", "liver", "photon", 0.05, "transport", "kidneys",
       300000, false, "photons, photoelectric regime, electrons transported"},
      {"af-liver-photon-0.5-transport", "female", "liver", "photon", 0.5, "transport", "kidneys",
       500000, true, "photons, Compton regime, electrons transported (the default physics)"},
      {"af-liver-photon-2-transport", "female", "liver", "photon", 2.0, "transport", "kidneys",
       400000, false, "photons, pair threshold passed, electrons transported"},
      {"af-liver-photon-0.05-local", "female", "liver", "photon", 0.05, "local", "kidneys", 500000,
       false, "photons, electrons deposited locally (kerma): photon transport alone"},
      {"af-liver-photon-0.5-local", "female", "liver", "photon", 0.5, "local", "kidneys", 500000,
       true, "photons, Compton regime, kerma approximation"},
      {"af-liver-photon-2-local", "female", "liver", "photon", 2.0, "local", "kidneys", 500000,
       false, "photons, high energy, kerma approximation"},
      {"af-liver-electron-0.05", "female", "liver", "electron", 0.05, "transport", "kidneys",
       3000000, false, "electrons nearly all range-rejected (range 43 um)"},
      {"af-liver-electron-0.5", "female", "liver", "electron", 0.5, "transport", "kidneys", 1500000,
       true, "electrons, range 1.8 mm: range rejection and boundary tracking"},
      {"af-liver-electron-2", "female", "liver", "electron", 2.0, "transport", "kidneys", 400000,
       false, "electrons, range 1 cm: condensed-history steps dominate"},
      {"af-liver-electron-10", "female", "liver", "electron", 10.0, "transport", "kidneys", 60000,
       false, "electrons, range 5 cm: hard collisions and bremsstrahlung"},
      {"af-liver-positron-0.5", "female", "liver", "positron", 0.5, "transport", "kidneys", 300000,
       true, "positrons: annihilation photons transported"},
      {"af-thyroid-photon-0.5-transport", "female", "thyroid", "photon", 0.5, "transport", "lungs",
       500000, false, "small source (17 g): photons mostly escape"},
      {"af-wholebody-photon-0.5-transport", "female", "whole body", "photon", 0.5, "transport",
       "liver", 300000, false, "whole-body source (59 kg): sampling over 3.8e6 voxels"},
      {"am-liver-photon-0.5-transport", "male", "liver", "photon", 0.5, "transport", "kidneys",
       500000, false,
       "the male phantom (AM: 2.137 x 2.137 x 8 mm voxels, AF 1.775 x 1.775 x 4.84)"},
  };
  return kMatrix;
}

namespace {

using Clock = std::chrono::steady_clock;
double seconds_since(Clock::time_point t0) {
  return std::chrono::duration<double>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

template <class F>
std::vector<double> collect(const std::vector<BenchmarkSample>& s, F f) {
  std::vector<double> v;
  for (const auto& x : s) v.push_back(f(x));
  return v;
}

// Peak RSS of one case: Linux resets the high-water mark when "5" is written to
// /proc/self/clear_refs (since 4.0), so VmHWM afterwards is the case's own peak (with the data
// every case shares already resident, as in a `gpudose run`). Elsewhere, getrusage's peak of
// the whole process so far.
bool reset_peak_rss() {
  std::ofstream f("/proc/self/clear_refs");
  f << "5";
  f.flush();
  return static_cast<bool>(f);
}

double peak_rss_mib(bool after_reset) {
  if (after_reset) {
    std::ifstream f("/proc/self/status");
    for (std::string line; std::getline(f, line);) {
      if (line.rfind("VmHWM:", 0) == 0) return std::stod(line.substr(6)) / 1024.0;  // kB
    }
  }
  rusage u{};
  getrusage(RUSAGE_SELF, &u);
  return u.ru_maxrss / 1024.0;  // kB on Linux
}

double fom(double rel_unc, double seconds) {
  return std::isfinite(rel_unc) && rel_unc > 0 && seconds > 0 ? 1.0 / (rel_unc * rel_unc * seconds)
                                                              : 0.0;
}

const TargetResult* find_target(const RunResult& r, const std::string& name) {
  for (const auto& t : r.targets) {
    if (t.name == name) return &t;
  }
  return nullptr;
}

// A digest of what the job computed (every target's mean energy and uncertainty, the escaped
// fraction): equal digests mean equal tallies, since both are exact functions of the integer
// batch sums.
std::string tally_digest(const RunResult& r) {
  std::string bytes;
  auto add = [&](double v) { bytes.append(reinterpret_cast<const char*>(&v), sizeof v); };
  add(r.escaped_fraction);
  for (const auto& t : r.targets) {
    add(t.energy_mev);
    add(t.rel_unc);
  }
  return sha256_text(bytes).substr(0, 16);
}

std::string provenance_value(const RunResult& r, const std::string& key) {
  for (const auto& [k, v] : r.provenance) {
    if (k == key) return v;
  }
  return "";
}

std::string cpu_model() {
  std::ifstream f("/proc/cpuinfo");
  for (std::string line; std::getline(f, line);) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      if (colon != std::string::npos) {
        std::string m = line.substr(colon + 1);
        m.erase(0, m.find_first_not_of(" \t"));
        return m;
      }
    }
  }
  return "unknown";
}

std::string cuda_version_text(int v) {
  return v > 0 ? std::to_string(v / 1000) + "." + std::to_string((v % 1000) / 10) : "";
}

std::string compiler_text() {
#if defined(__clang__)
  return std::string("clang ") + __clang_version__;
#elif defined(__GNUC__)
  return std::string("g++ ") + __VERSION__;
#else
  return "unknown";
#endif
}

struct BackendSpec {
  std::string label, kind;
  int threads = 0;
  int device = -1;
  std::string device_name;
  CudaLaunch launch;  // for a device
};

std::vector<BackendSpec> backend_specs(const BenchmarkOptions& o, const CudaAvailability& cuda) {
  if (o.backends != "auto" && o.backends != "cpu" && o.backends != "cuda") {
    throw UserError("unknown --backends '" + o.backends + "'", "expected auto, cpu or cuda",
                    "use --backends auto (every back end present)");
  }
  std::vector<CudaLaunch> launches;  // parsed first: a typo fails on a machine without a GPU too
  for (const std::string& text : o.launches) launches.push_back(parse_cuda_launch(text));
  std::vector<BackendSpec> specs;
  if (o.backends != "cuda") {
    const int cores = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
    std::vector<int> counts = o.thread_counts;
    if (counts.empty()) counts = cores > 1 ? std::vector<int>{1, cores} : std::vector<int>{1};
    for (int t : counts) {
      if (t < 1) {
        throw UserError("--threads must list positive numbers", "got " + std::to_string(t),
                        "e.g. --threads 1,8");
      }
      // "cpu-all" pairs with "cpu-all" of another machine whatever its core count.
      specs.push_back(
          {t == cores && t > 1 ? "cpu-all" : "cpu-" + std::to_string(t) + "t", "cpu", t, -1, ""});
    }
  }
  if (o.backends != "cpu") {
    if (cuda.devices.empty() && o.backends == "cuda") {
      throw UserError("no CUDA device for --backends cuda", cuda.why_none,
                      "use --backends cpu or auto");
    }
    for (const CudaDevice& d : cuda.devices) {
      const std::string label = "cuda:" + std::to_string(d.index);
      if (launches.empty()) specs.push_back({label, "cuda", 0, d.index, d.name, CudaLaunch{}});
      for (const CudaLaunch& l : launches) {
        specs.push_back({label + "@" + to_string(l), "cuda", 0, d.index, d.name, l});
      }
    }
  }
  return specs;
}

// Data every run of one model needs, loaded the way `gpudose run` loads it.
// What decides a case's result: its source, particle, energy, electron mode and the matrix's
// fixed seed (speed settings are added by the caller).
JobRequest case_request(const BenchmarkCase& c) {
  JobRequest job;
  job.source = c.source;
  job.particle = c.particle;
  job.energy_mev = c.energy_mev;
  job.electrons = c.electrons;
  job.seed = 2026;
  return job;
}

struct LoadedData {
  std::string model;
  std::unique_ptr<Phantom> phantom;
  std::unique_ptr<PhotonLibrary> photons;
  std::unique_ptr<ElectronLibrary> electrons;
  double phantom_load_s = 0, library_load_s = 0;
};

void load_model(LoadedData& d, const std::string& model, const BenchmarkOptions& o) {
  d.phantom.reset();  // one phantom in memory at a time: each case's peak RSS is its own
  d.model.clear();
  auto t0 = Clock::now();
  d.phantom = std::make_unique<Phantom>(load_phantom(model, o.data_dir, o.cache_dir));
  d.phantom_load_s = seconds_since(t0);
  d.model = model;
  if (!d.photons) {
    // Once: the libraries as `gpudose run` loads them (the photon library, which checks the
    // electron library beside it, then the electron library for the job).
    t0 = Clock::now();
    d.photons = std::make_unique<PhotonLibrary>(ensure_photon_library(o.data_dir, o.cache_dir));
    d.electrons =
        std::make_unique<ElectronLibrary>(ensure_electron_library(o.data_dir, o.cache_dir));
    d.library_load_s = seconds_since(t0);
  }
}

}  // namespace

std::vector<std::string> dump_benchmark_jobs(const BenchmarkOptions& o, const std::string& dir,
                                             const std::function<void(const std::string&)>& log) {
  std::vector<const BenchmarkCase*> cases;
  for (const BenchmarkCase& c : benchmark_matrix()) {
    const bool named = std::find(o.only.begin(), o.only.end(), c.name) != o.only.end();
    if (o.only.empty() ? c.quick : named) cases.push_back(&c);
  }
  if (cases.empty()) {
    throw UserError("no benchmark case to dump", "--cases names none of the matrix",
                    "see `gpudose benchmark --list`");
  }
  std::error_code ec;
  std::filesystem::create_directories(dir, ec);
  if (ec) throw UserError("cannot create '" + dir + "'", ec.message(), "choose another --dump");
  std::vector<std::string> written;
  LoadedData data;
  for (const BenchmarkCase* c : cases) {
    if (data.model != c->model) load_model(data, c->model, o);
    const JobRequest job = case_request(*c);
    validate_job_request(job);
    const PhotonJobConfig config = photon_job_config(job);
    const PhotonJob pj(*data.phantom, *data.photons, config,
                       job_needs_electrons(job) ? data.electrons.get() : nullptr);
    // A tenth of the case, in 100 batches: enough for a chi-square of the device's tallies
    // against the CPU's, small enough to run on the CPU here in seconds.
    const std::uint64_t batch = std::max<std::uint64_t>(100, c->histories / 1000);
    const std::uint64_t histories = 100 * batch;
    const double emitted = c->energy_mev + (c->particle == "positron" ? 2 * kElectronMassMeV : 0.0);
    const std::string path = (std::filesystem::path(dir) / (c->name + ".gdd")).string();
    if (log) log("dumping " + c->name + " (" + std::to_string(histories) + " reference histories)");
    write_job_dump(pj, c->name, histories, batch, emitted, path);
    written.push_back(path);
  }
  return written;
}

double BenchmarkResult::rate_wall() const {
  return median(collect(samples, [&](const BenchmarkSample& s) {
    return s.wall_s > 0 ? histories / s.wall_s : 0.0;
  }));
}
double BenchmarkResult::rate_cpu() const {
  return median(collect(
      samples, [&](const BenchmarkSample& s) { return s.cpu_s > 0 ? histories / s.cpu_s : 0.0; }));
}
double BenchmarkResult::noise() const {
  if (samples.size() < 2) return 0;
  const auto v = collect(
      samples, [&](const BenchmarkSample& s) { return s.wall_s > 0 ? histories / s.wall_s : 0.0; });
  const double m = median(v);
  return m > 0 ? (*std::max_element(v.begin(), v.end()) - *std::min_element(v.begin(), v.end())) / m
               : 0;
}
double BenchmarkResult::fom_self() const {
  return median(collect(samples, [](const BenchmarkSample& s) { return s.fom_self; }));
}
double BenchmarkResult::fom_cross() const {
  return median(collect(samples, [](const BenchmarkSample& s) { return s.fom_cross; }));
}
double BenchmarkResult::setup_s() const {
  return median(collect(samples, [](const BenchmarkSample& s) { return s.setup_s; }));
}
double BenchmarkResult::peak_rss_mib() const {
  double m = 0;
  for (const auto& s : samples) m = std::max(m, s.peak_rss_mib);
  return m;
}
bool BenchmarkResult::deterministic() const {
  for (const auto& s : samples) {
    if (s.tally_digest != samples.front().tally_digest) return false;
  }
  return true;
}

BenchmarkMachine describe_machine(const std::string& command_line) {
  BenchmarkMachine m;
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) == 0) m.hostname = host;
  m.cpu_model = cpu_model();
  m.cores = static_cast<int>(std::thread::hardware_concurrency());
  m.compiler = compiler_text();
  const BuildInfo& b = build_info();
  // Times of a build with step counters are not those of a plain build: say so where they
  // are compared (--compare shows both build types).
  m.build_type = b.build_type + (kStepCountersCompiled ? " +step-counters" : "") +
                 (kPhotonFloat ? " +photon-float" : "");
  m.engine = "gpudose " + b.version;
  m.commit = b.git_commit;
  m.date_utc = utc_now();
  const CudaAvailability cuda = query_cuda_devices();
  for (const CudaDevice& d : cuda.devices) {
    m.gpus.push_back(std::to_string(d.index) + ": " + d.name + " (sm " +
                     std::to_string(d.sm_major) + "." + std::to_string(d.sm_minor) + ", " +
                     std::to_string(d.memory_bytes >> 20) + " MiB)");
  }
  m.cuda_driver = cuda_version_text(cuda.driver_version);
  m.cuda_runtime = cuda_version_text(cuda.runtime_version);
  m.command_line = command_line;
  return m;
}

BenchmarkReport run_benchmark(const BenchmarkOptions& o,
                              const std::function<void(const std::string&)>& log) {
  if (o.repeat < 1) {
    throw UserError("--repeat must be at least 1", "got " + std::to_string(o.repeat),
                    "use --repeat 3 (the spread of the repeats is the noise --compare uses)");
  }
  std::vector<BenchmarkCase> cases;
  for (const auto& c : benchmark_matrix()) {
    const bool named = std::find(o.only.begin(), o.only.end(), c.name) != o.only.end();
    if (o.only.empty() ? (!o.quick || c.quick) : named) cases.push_back(c);
  }
  for (const auto& name : o.only) {
    const bool known = std::any_of(benchmark_matrix().begin(), benchmark_matrix().end(),
                                   [&](const BenchmarkCase& c) { return c.name == name; });
    if (!known) {
      throw UserError("unknown benchmark case '" + name + "'",
                      "not in matrix version " + std::to_string(kBenchmarkMatrixVersion),
                      "see `gpudose benchmark --list`");
    }
  }
  const CudaAvailability cuda = query_cuda_devices();
  const std::vector<BackendSpec> specs = backend_specs(o, cuda);

  BenchmarkReport report;
  report.quick = o.quick;
  report.repeat = o.repeat;
  report.machine = describe_machine(o.command_line);
  // Results in matrix order, [case][back end]. The repeats are the outer loop, so that their
  // spread (the noise --compare uses) samples the machine's load over the whole run rather than
  // over a few consecutive seconds.
  std::vector<std::vector<BenchmarkResult>> results(cases.size(),
                                                    std::vector<BenchmarkResult>(specs.size()));
  LoadedData data;
  std::map<std::string, double> phantom_load_s;  // first load of each model
  for (int rep = 0; rep < o.repeat; ++rep) {
    for (std::size_t ci = 0; ci < cases.size(); ++ci) {
      const BenchmarkCase& c = cases[ci];
      if (data.model != c.model) {
        load_model(data, c.model, o);
        phantom_load_s.emplace(c.model, data.phantom_load_s);
      }
      const Region self = resolve_region(*data.phantom, c.source);
      const Region cross = resolve_region(*data.phantom, c.cross_target);
      for (std::size_t bi = 0; bi < specs.size(); ++bi) {
        const BackendSpec& spec = specs[bi];
        BenchmarkResult& res = results[ci][bi];
        res.case_name = c.name;
        res.backend = spec.label;
        res.backend_kind = spec.kind;
        res.threads = spec.threads;
        res.device = spec.device_name;
        res.histories =
            o.quick ? std::max<std::uint64_t>(1000, c.histories / kQuickDivisor) : c.histories;
        // What a `gpudose run` of this case pays before its job: the phantom and both libraries.
        res.load_s = phantom_load_s.at(c.model) + data.library_load_s;
        res.self_target = self.name;
        res.cross_target = cross.name;
        JobRequest job = case_request(c);
        job.histories = res.histories;
        job.backend = spec.kind;
        job.devices = spec.device >= 0 ? std::to_string(spec.device) : "all";
        job.threads = spec.threads;
        job.launch = to_string(spec.launch);  // read by the CUDA runner; the CPU ignores it

        const bool case_peak = reset_peak_rss();
        res.peak_rss_scope = case_peak ? "case" : "process";
        const auto t0 = Clock::now();
        const RunResult r = run_job(job, *data.phantom, *data.photons,
                                    job_needs_electrons(job) ? data.electrons.get() : nullptr);
        const double total_s = seconds_since(t0);
        BenchmarkSample s;
        s.wall_s = r.wall_s;
        s.cpu_s = r.cpu_s;
        s.setup_s = std::max(0.0, total_s - r.wall_s);
        s.peak_rss_mib = peak_rss_mib(case_peak);
        const TargetResult* ts = find_target(r, self.name);
        const TargetResult* tc = find_target(r, cross.name);
        res.self_rel_unc = ts ? ts->rel_unc : 0;
        res.cross_rel_unc = tc ? tc->rel_unc : 0;
        s.fom_self = ts ? fom(ts->rel_unc, r.wall_s) : 0;
        s.fom_cross = tc ? fom(tc->rel_unc, r.wall_s) : 0;
        s.tally_digest = tally_digest(r);
        const std::string bytes = provenance_value(r, "device_bytes_besides_tallies");
        res.device_bytes = bytes.empty() ? 0 : std::stoull(bytes);
        res.steps_per_history = r.steps_per_history;
        res.samples.push_back(s);
        if (log) {
          char line[256];
          std::snprintf(line, sizeof line,
                        "repeat %d/%d %-36s %-8s %.3g histories/s, %.3g per CPU-s, set-up %.2f s",
                        rep + 1, o.repeat, c.name.c_str(), spec.label.c_str(),
                        s.wall_s > 0 ? res.histories / s.wall_s : 0.0,
                        s.cpu_s > 0 ? res.histories / s.cpu_s : 0.0, s.setup_s);
          log(line);
        }
      }
    }
  }
  for (auto& per_case : results) {
    std::map<std::string, std::string> digest_of_kind;  // back-end kind -> first digest
    for (BenchmarkResult& res : per_case) {
      if (!res.deterministic()) {
        report.nondeterministic.push_back(res.case_name + " (" + res.backend + ", repeats)");
      }
      // The same seed must give the same tallies on every back end of one kind (thread counts,
      // devices); CPU and GPU differ by libm, so kinds are not compared with each other.
      const std::string& digest = res.samples.front().tally_digest;
      const auto [it, first] = digest_of_kind.emplace(res.backend_kind, digest);
      if (!first && it->second != digest) {
        report.nondeterministic.push_back(res.case_name + " (" + res.backend + " vs the first " +
                                          res.backend_kind + " back end)");
      }
      report.results.push_back(std::move(res));
    }
  }
  return report;
}

namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string fom_text(double v) { return v > 0 ? fmt("%.3g", v) : "-"; }

std::string fmt_s(const char* f, const char* a, const char* b = "") {
  char buf[128];
  std::snprintf(buf, sizeof buf, f, a, b);
  return buf;
}

// Step counters per history (kernels/step_counters.hh), one row per case and back end; empty
// when the build has none. Each is also the time per step: divide 1 / (histories/s) by it.
std::string steps_table(const BenchmarkReport& rep) {
  std::ostringstream o;
  bool header = false;
  for (const auto& r : rep.results) {
    if (r.steps_per_history.empty()) continue;
    if (!header) {
      o << "step counters per history (GPUDOSE_STEP_COUNTERS build; blocks: Woodcock block "
           "crossings, tentative/real: photon collisions, e-tracks/e-rejected/e-steps: charged "
           "tracks, range-rejected tracks, condensed-history steps; deposits and the atomics a "
           "GPU issues for them):\n"
        << fmt_s("%-36s %-8s", "case", "backend");
      for (int k = 0; k < kNumStepCounters; ++k) o << fmt_s(" %10s", kStepCounterLabels[k]);
      o << "\n";
      header = true;
    }
    o << fmt_s("%-36s %-8s", r.case_name.c_str(), r.backend.c_str());
    for (const auto& [name, v] : r.steps_per_history) o << fmt(" %10.4g", v);
    o << "\n";
  }
  return o.str();
}

std::string machine_line(const BenchmarkMachine& m) {
  std::string s = m.cpu_model + ", " + std::to_string(m.cores) + " cores";
  for (const auto& g : m.gpus) s += "; GPU " + g;
  if (!m.cuda_driver.empty()) s += "; CUDA driver " + m.cuda_driver;
  return s;
}

}  // namespace

std::string benchmark_table(const BenchmarkReport& rep) {
  std::ostringstream o;
  o << "gpudose benchmark, matrix v" << rep.matrix_version << (rep.quick ? " (--quick)" : "")
    << ", " << rep.repeat << " repeat(s); " << rep.machine.engine << " " << rep.machine.commit
    << " (" << rep.machine.build_type << "), " << rep.machine.date_utc << "\n"
    << "machine: " << machine_line(rep.machine) << "\n";
  char line[512];
  std::snprintf(line, sizeof line, "%-36s %-8s %9s %10s %10s %6s %7s %7s %8s %9s %9s\n", "case",
                "backend", "histories", "hist/s", "hist/CPU-s", "noise", "load s", "setup s",
                "RSS MiB", "FOM self", "FOM cross");
  o << line;
  for (const auto& r : rep.results) {
    std::snprintf(line, sizeof line,
                  "%-36s %-8s %9.3g %10.3g %10.3g %5.1f%% %7.2f %7.2f %8.0f %9s %9s%s\n",
                  r.case_name.c_str(), r.backend.c_str(), static_cast<double>(r.histories),
                  r.rate_wall(), r.rate_cpu(), 100 * r.noise(), r.load_s, r.setup_s(),
                  r.peak_rss_mib(), fom_text(r.fom_self()).c_str(), fom_text(r.fom_cross()).c_str(),
                  r.deterministic() ? "" : "  NOT DETERMINISTIC");
    o << line;
  }
  o << "hist/s: median over the repeats of histories / transport wall time; hist/CPU-s: per "
       "process CPU-second; noise: (max - min) / median of hist/s; load: phantom and physics "
       "libraries (once per model); setup: job set-up before the transport; RSS: peak ("
    << (rep.results.empty() ? "case" : rep.results.front().peak_rss_scope)
    << "); FOM: 1 / (rel. unc.^2 x transport s) of the source self-absorption and of the "
       "cross-fire target (per case: kidneys for liver sources).\n";
  o << steps_table(rep);
  if (rep.nondeterministic.empty()) {
    o << "determinism: every repeat and every back end of one kind gave bit-identical tallies\n";
  } else {
    for (const auto& n : rep.nondeterministic) o << "NOT DETERMINISTIC: " << n << "\n";
  }
  return o.str();
}

std::string benchmark_markdown(const BenchmarkReport& rep) {
  std::ostringstream o;
  const BenchmarkMachine& m = rep.machine;
  o << "### `gpudose benchmark`" << (rep.quick ? " --quick" : "") << ", matrix v"
    << rep.matrix_version << ", " << m.date_utc << "\n\n"
    << "Machine: " << machine_line(m) << " (host " << m.hostname << "). Build: " << m.engine
    << ", commit " << m.commit << ", " << m.build_type << ", " << m.compiler << ". Command: `"
    << m.command_line << "`. " << rep.repeat
    << " repeat(s) per case, same seed: medians; noise = (max - min) / median of the wall "
       "rate.\n\n"
    << "| case | back end | histories | histories/s | per CPU-s | noise | load s | set-up s | "
       "peak RSS MiB | device MiB | FOM self | FOM cross-fire (target) |\n"
    << "|---|---|---|---|---|---|---|---|---|---|---|---|\n";
  for (const auto& r : rep.results) {
    o << "| " << r.case_name << " | " << r.backend << (r.device.empty() ? "" : " " + r.device)
      << " | " << fmt("%.3g", static_cast<double>(r.histories)) << " | "
      << fmt("%.3g", r.rate_wall()) << " | " << fmt("%.3g", r.rate_cpu()) << " | "
      << fmt("%.1f %%", 100 * r.noise()) << " | " << fmt("%.2f", r.load_s) << " | "
      << fmt("%.2f", r.setup_s()) << " | " << fmt("%.0f", r.peak_rss_mib()) << " | "
      << fmt("%.1f", r.device_bytes / 1048576.0) << " | " << fom_text(r.fom_self()) << " | "
      << fom_text(r.fom_cross()) << " (" << r.cross_target << ") |\n";
  }
  o << "\n";
  const std::string steps = steps_table(rep);
  if (!steps.empty()) o << "```\n" << steps << "```\n\n";
  if (rep.nondeterministic.empty()) {
    o << "Tallies bit-identical across repeats and thread counts (checked by the command).\n";
  } else {
    for (const auto& n : rep.nondeterministic) o << "**Not deterministic**: " << n << "\n";
  }
  return o.str();
}

namespace {
using nlohmann::json;
}

std::string benchmark_json(const BenchmarkReport& rep) {
  const BenchmarkMachine& m = rep.machine;
  json j;
  j["format"] = "gpudose-benchmark";
  j["matrix_version"] = rep.matrix_version;
  j["quick"] = rep.quick;
  j["repeat"] = rep.repeat;
  j["machine"] = {
      {"hostname", m.hostname}, {"cpu_model", m.cpu_model},     {"cores", m.cores},
      {"gpus", m.gpus},         {"cuda_driver", m.cuda_driver}, {"cuda_runtime", m.cuda_runtime},
      {"compiler", m.compiler}, {"build_type", m.build_type},   {"engine", m.engine},
      {"commit", m.commit},     {"date_utc", m.date_utc},       {"command", m.command_line}};
  j["cases"] = json::array();
  for (const auto& r : rep.results) {
    json samples = json::array();
    for (const auto& s : r.samples) {
      samples.push_back({{"wall_s", s.wall_s},
                         {"cpu_s", s.cpu_s},
                         {"setup_s", s.setup_s},
                         {"peak_rss_mib", s.peak_rss_mib},
                         {"fom_self", s.fom_self},
                         {"fom_cross", s.fom_cross},
                         {"tally_digest", s.tally_digest}});
    }
    j["cases"].push_back({{"name", r.case_name},
                          {"backend", r.backend},
                          {"backend_kind", r.backend_kind},
                          {"threads", r.threads},
                          {"device", r.device},
                          {"histories", r.histories},
                          {"load_s", r.load_s},
                          {"device_bytes", r.device_bytes},
                          {"self_target", r.self_target},
                          {"cross_target", r.cross_target},
                          {"self_rel_unc", r.self_rel_unc},
                          {"cross_rel_unc", r.cross_rel_unc},
                          {"peak_rss_scope", r.peak_rss_scope},
                          {"histories_per_s", r.rate_wall()},
                          {"histories_per_cpu_s", r.rate_cpu()},
                          {"noise", r.noise()},
                          {"setup_s", r.setup_s()},
                          {"peak_rss_mib", r.peak_rss_mib()},
                          {"fom_self", r.fom_self()},
                          {"fom_cross", r.fom_cross()},
                          {"deterministic", r.deterministic()},
                          {"samples", samples}});
    if (!r.steps_per_history.empty()) {
      json steps = json::object();
      for (const auto& [name, v] : r.steps_per_history) steps[name] = v;
      j["cases"].back()["steps_per_history"] = steps;
    }
  }
  j["nondeterministic"] = rep.nondeterministic;
  return j.dump(1) + "\n";
}

BenchmarkReport read_benchmark_json(const std::string& path) {
  std::ifstream in(path);
  if (!in) {
    throw UserError("cannot read '" + path + "'", "no such file or not readable",
                    "give a file written by `gpudose benchmark --json FILE`");
  }
  BenchmarkReport rep;
  try {
    const json j = json::parse(in);
    if (j.value("format", "") != "gpudose-benchmark") throw std::runtime_error("format");
    rep.matrix_version = j.at("matrix_version").get<int>();
    rep.quick = j.at("quick").get<bool>();
    rep.repeat = j.at("repeat").get<int>();
    const json& m = j.at("machine");
    rep.machine.hostname = m.value("hostname", "");
    rep.machine.cpu_model = m.value("cpu_model", "");
    rep.machine.cores = m.value("cores", 0);
    rep.machine.gpus = m.value("gpus", std::vector<std::string>{});
    rep.machine.cuda_driver = m.value("cuda_driver", "");
    rep.machine.cuda_runtime = m.value("cuda_runtime", "");
    rep.machine.compiler = m.value("compiler", "");
    rep.machine.build_type = m.value("build_type", "");
    rep.machine.engine = m.value("engine", "");
    rep.machine.commit = m.value("commit", "");
    rep.machine.date_utc = m.value("date_utc", "");
    rep.machine.command_line = m.value("command", "");
    for (const json& c : j.at("cases")) {
      BenchmarkResult r;
      r.case_name = c.at("name").get<std::string>();
      r.backend = c.at("backend").get<std::string>();
      r.backend_kind = c.value("backend_kind", "");
      r.threads = c.value("threads", 0);
      r.device = c.value("device", "");
      r.histories = c.at("histories").get<std::uint64_t>();
      r.load_s = c.value("load_s", 0.0);
      r.device_bytes = c.value("device_bytes", std::size_t{0});
      r.self_target = c.value("self_target", "");
      r.cross_target = c.value("cross_target", "");
      r.self_rel_unc = c.value("self_rel_unc", 0.0);
      r.cross_rel_unc = c.value("cross_rel_unc", 0.0);
      r.peak_rss_scope = c.value("peak_rss_scope", "");
      for (const json& s : c.at("samples")) {
        BenchmarkSample x;
        x.wall_s = s.at("wall_s").get<double>();
        x.cpu_s = s.value("cpu_s", 0.0);
        x.setup_s = s.value("setup_s", 0.0);
        x.peak_rss_mib = s.value("peak_rss_mib", 0.0);
        x.fom_self = s.value("fom_self", 0.0);
        x.fom_cross = s.value("fom_cross", 0.0);
        x.tally_digest = s.value("tally_digest", "");
        r.samples.push_back(x);
      }
      if (c.contains("steps_per_history")) {
        for (const auto& [name, v] : c.at("steps_per_history").items()) {
          r.steps_per_history.emplace_back(name, v.get<double>());
        }
      }
      rep.results.push_back(std::move(r));
    }
    rep.nondeterministic = j.value("nondeterministic", std::vector<std::string>{});
  } catch (const std::exception& e) {
    throw UserError("'" + path + "' is not a gpudose benchmark report",
                    std::string("unreadable JSON or missing field: ") + e.what(),
                    "give a file written by `gpudose benchmark --json FILE`");
  }
  return rep;
}

std::vector<BenchmarkComparison> compare_benchmarks(const BenchmarkReport& old_report,
                                                    const BenchmarkReport& new_report) {
  std::vector<BenchmarkComparison> rows;
  for (const auto& n : new_report.results) {
    for (const auto& o : old_report.results) {
      if (o.case_name != n.case_name || o.backend != n.backend) continue;
      BenchmarkComparison c;
      c.case_name = n.case_name;
      c.backend = n.backend;
      c.old_rate = o.rate_wall();
      c.new_rate = n.rate_wall();
      c.ratio = c.old_rate > 0 ? c.new_rate / c.old_rate : 0;
      c.ratio_cpu = o.rate_cpu() > 0 ? n.rate_cpu() / o.rate_cpu() : 0;
      c.ratio_fom = o.fom_self() > 0 ? n.fom_self() / o.fom_self() : 0;
      c.tolerance = o.noise() + n.noise();
      if (o.samples.size() < 2 || n.samples.size() < 2) {
        c.verdict = "noise unknown";
      } else if (c.ratio < 1 - c.tolerance) {
        c.verdict = "regression";
      } else if (c.ratio > 1 + c.tolerance) {
        c.verdict = "faster";
      } else {
        c.verdict = "same";
      }
      rows.push_back(c);
    }
  }
  return rows;
}

std::string comparison_table(const BenchmarkReport& old_report, const BenchmarkReport& new_report,
                             const std::vector<BenchmarkComparison>& rows) {
  std::ostringstream o;
  o << "old: " << old_report.machine.engine << " " << old_report.machine.commit << ", "
    << old_report.machine.date_utc << ", " << machine_line(old_report.machine) << "\n"
    << "new: " << new_report.machine.engine << " " << new_report.machine.commit << ", "
    << new_report.machine.date_utc << ", " << machine_line(new_report.machine) << "\n";
  if (old_report.matrix_version != new_report.matrix_version) {
    o << "warning: matrix versions differ (" << old_report.matrix_version << " vs "
      << new_report.matrix_version << "): cases of the same name may not be the same job\n";
  }
  char line[256];
  std::snprintf(line, sizeof line, "%-36s %-8s %10s %10s %7s %8s %8s %7s  %s\n", "case", "backend",
                "old h/s", "new h/s", "ratio", "CPU-s r.", "FOM r.", "noise", "verdict");
  o << line;
  int regressions = 0;
  for (const auto& c : rows) {
    std::snprintf(line, sizeof line, "%-36s %-8s %10.3g %10.3g %7.3f %8.3f %8s %6.1f%%  %s\n",
                  c.case_name.c_str(), c.backend.c_str(), c.old_rate, c.new_rate, c.ratio,
                  c.ratio_cpu, c.ratio_fom > 0 ? fmt("%.3f", c.ratio_fom).c_str() : "-",
                  100 * c.tolerance, c.verdict == "regression" ? "REGRESSION" : c.verdict.c_str());
    o << line;
    if (c.verdict == "regression") ++regressions;
  }
  o << rows.size() << " case(s) compared, " << regressions
    << " regression(s) beyond the noise (old + new spread of the repeats)\n";
  return o.str();
}

}  // namespace gpudose
