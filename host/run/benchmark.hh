// `gpudose benchmark`: a fixed, versioned matrix of named jobs run through run_job on every back
// end present, measured the same way on every machine, so that figures compare across versions
// and machines by case name.
//
// Per case and back end: histories per second (wall clock of the transport) and per CPU-second
// (process CPU time over the same span, which time slicing on a shared machine does not
// distort), start-up split into data loading (phantom and physics libraries, what every
// `gpudose run` pays) and job set-up (alias table, majorant grid, electron tables, device
// upload), host peak RSS, the bytes a device holds for the job besides tallies, and the figure
// of merit FOM = 1 / (rel_unc^2 x wall seconds) of the source self-absorption and of one
// cross-fire target: speed bought with variance is not speed.
//
// The matrix runs `repeat` times (repeats outermost, so that their spread samples the machine's
// load over the whole run), every case with the same seed: the tallies must be bit-identical
// across repeats and thread counts (the determinism contract; checked, a mismatch is
// reported), and the spread of the repeats is the noise against which --compare judges a
// change.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <utility>
#include <vector>

namespace gpudose {

// Bump when a case's definition or the way a figure is measured changes: results of different
// versions are not comparable case by case (--compare warns).
constexpr int kBenchmarkMatrixVersion = 1;

struct BenchmarkCase {
  std::string name;   // stable identifier, e.g. "af-liver-photon-0.5-transport"
  std::string model;  // female | male
  std::string source;
  std::string particle;         // photon | electron | positron
  double energy_mev = 0;        // photon energy or kinetic energy
  std::string electrons;        // photon sources: transport | local ("transport" for charged ones)
  std::string cross_target;     // the cross-fire (second) target whose FOM is reported
  std::uint64_t histories = 0;  // full matrix: about 1-2 s on one core of a 2025 server
  bool quick = false;           // member of the --quick subset
  std::string what;             // one line: why the case is in the matrix
};

// The matrix, in the order it runs (AF cases first, AM last: one phantom in memory at a time).
const std::vector<BenchmarkCase>& benchmark_matrix();

// Writes <dir>/<case>.gdd for the selected cases (options.only; default the --quick subset): the
// job dump of host/run/job_dump.hh with its CPU reference tallies, for the device kit's
// standalone benchmark. Returns the paths written. Throws UserError.
struct BenchmarkOptions;
std::vector<std::string> dump_benchmark_jobs(const BenchmarkOptions& options,
                                             const std::string& dir,
                                             const std::function<void(const std::string&)>& log);

// The --quick subset runs each of its cases with histories / kQuickDivisor.
constexpr std::uint64_t kQuickDivisor = 5;

struct BenchmarkOptions {
  bool quick = false;
  int repeat = 3;
  std::vector<std::string> only;   // case names to run (empty: the whole matrix/subset)
  std::string backends = "auto";   // auto (every back end present), cpu or cuda
  std::vector<int> thread_counts;  // CPU thread counts (empty: 1 and all cores)
  // CUDA launch configurations ("256x32", "128x8x1000000": cuda_photon_runner.hh); each device
  // runs every case at each, labelled cuda:<index>@<launch>. Empty: the defaults, cuda:<index>.
  // Their tallies must agree (the determinism check across back ends of one kind).
  std::vector<std::string> launches;
  std::string data_dir, cache_dir;  // resolved folders
  std::string command_line;         // recorded in the report
};

// One measurement (one repeat of one case on one back end).
struct BenchmarkSample {
  double wall_s = 0;   // transport (the scheduler's span)
  double cpu_s = 0;    // process CPU time over that span
  double setup_s = 0;  // job set-up inside run_job, before the transport (incl. device upload)
  double peak_rss_mib = 0;
  double fom_self = 0, fom_cross = 0;  // 1/(rel_unc^2 s); 0 when the target got no energy
  std::string tally_digest;            // SHA-256 (16 hex) of every target's tally and rel. unc.
};

struct BenchmarkResult {
  std::string case_name;
  std::string backend;       // label: cpu-1t, cpu-all (every core), cuda:<index>
  std::string backend_kind;  // cpu | cuda
  int threads = 0;           // CPU threads (0 for a device)
  std::string device;        // GPU name for cuda, else empty
  std::uint64_t histories = 0;
  double load_s = 0;  // phantom + both libraries, as a `gpudose run` loads them (each timed once)
  std::size_t device_bytes = 0;  // a device holds this for the job besides tallies
  std::string self_target, cross_target;
  double self_rel_unc = 0, cross_rel_unc = 0;  // relative 1-sigma (same for every repeat)
  std::string peak_rss_scope;                  // "case" (peak reset per case) or "process"
  std::vector<BenchmarkSample> samples;        // one per repeat
  // Step counters per history (name, mean), with GPUDOSE_STEP_COUNTERS compiled in; else empty.
  std::vector<std::pair<std::string, double>> steps_per_history;
  // Summaries over the repeats.
  double rate_wall() const;     // median histories/s (wall)
  double rate_cpu() const;      // median histories per CPU-second
  double noise() const;         // (max - min) / median of the wall rate; 0 with one repeat
  double fom_self() const;      // median
  double fom_cross() const;     // median
  double setup_s() const;       // median
  double peak_rss_mib() const;  // largest
  bool deterministic() const;   // every repeat gave the same tallies
};

struct BenchmarkMachine {
  std::string hostname, cpu_model, compiler, build_type, engine, commit, date_utc;
  int cores = 0;
  std::vector<std::string> gpus;          // "index: name (sm X.Y, N MiB)"
  std::string cuda_driver, cuda_runtime;  // "12.4" or empty
  std::string command_line;
};

struct BenchmarkReport {
  int matrix_version = kBenchmarkMatrixVersion;
  bool quick = false;
  int repeat = 0;
  BenchmarkMachine machine;
  std::vector<BenchmarkResult> results;
  // Determinism across back ends of the same kind (cpu thread counts; cuda devices): names of
  // the cases whose tallies differed. Empty when the contract held.
  std::vector<std::string> nondeterministic;
};

// The machine and build the figures belong to.
BenchmarkMachine describe_machine(const std::string& command_line);

// Runs the matrix. `log` receives one progress line per run (stderr in the CLI). Throws
// UserError for an unknown case name or back end, or a repeat count below 1.
BenchmarkReport run_benchmark(const BenchmarkOptions& options,
                              const std::function<void(const std::string&)>& log = {});

// Outputs: a table for stdout, a Markdown block for benchmarks/RESULTS.md, and JSON (read back
// by read_benchmark_json for --compare).
std::string benchmark_table(const BenchmarkReport& report);
std::string benchmark_markdown(const BenchmarkReport& report);
std::string benchmark_json(const BenchmarkReport& report);
// Throws UserError when the file is missing or not a gpudose benchmark report.
BenchmarkReport read_benchmark_json(const std::string& path);

// One row of --compare: a case and back end present in both reports.
struct BenchmarkComparison {
  std::string case_name, backend;
  double old_rate = 0, new_rate = 0;  // median histories/s (wall)
  double ratio = 0;                   // new / old
  double ratio_cpu = 0;               // the same for histories per CPU-second
  double ratio_fom = 0;               // the same for the self-absorption FOM (0: not known)
  double tolerance = 0;               // old noise + new noise (spreads of the repeats)
  // "regression" (ratio < 1 - tolerance), "faster" (ratio > 1 + tolerance), "same", or
  // "noise unknown" when either side ran fewer than 2 repeats.
  std::string verdict;
};

// Pairs results by case name and back-end label (cpu-1t with cpu-1t, cpu-all with cpu-all...).
std::vector<BenchmarkComparison> compare_benchmarks(const BenchmarkReport& old_report,
                                                    const BenchmarkReport& new_report);
std::string comparison_table(const BenchmarkReport& old_report, const BenchmarkReport& new_report,
                             const std::vector<BenchmarkComparison>& rows);

}  // namespace gpudose
