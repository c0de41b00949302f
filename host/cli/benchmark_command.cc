// `gpudose benchmark`: the versioned benchmark matrix (host/run/benchmark.hh) on every back end
// present. Progress on stderr; the table (or, with --markdown, a block for
// benchmarks/RESULTS.md) on stdout; --json FILE for machines; --compare OLD.json judges every
// case against an earlier report, within the noise both measured.
#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <memory>

#include "host/cli/cli.hh"
#include "host/cli/data_dir.hh"
#include "host/foundation/durable_file.hh"
#include "host/foundation/user_error.hh"
#include "host/run/benchmark.hh"

namespace gpudose {
namespace {

struct BenchmarkCliOptions {
  BenchmarkOptions run;
  std::string json_path, compare_path, dump_dir;
  bool markdown = false, list = false, quiet = false, fail_on_regression = false;
};

void check_writable_folder(const std::string& path) {
  namespace fs = std::filesystem;
  const fs::path folder = fs::absolute(path).parent_path();
  if (!fs::is_directory(folder)) {
    throw UserError("cannot write '" + path + "'", "folder " + folder.string() + " does not exist",
                    "create it or give another --json path");
  }
}

int run(BenchmarkCliOptions& o, const GlobalOptions& global) {
  if (o.list) {
    std::cout << "benchmark matrix v" << kBenchmarkMatrixVersion
              << " (* = --quick, which runs histories / " << kQuickDivisor << ")\n";
    for (const auto& c : benchmark_matrix()) {
      std::cout << (c.quick ? "* " : "  ") << c.name << ": " << c.histories << " histories, "
                << c.what << "\n";
    }
    return 0;
  }
  if (!o.dump_dir.empty()) {
    // The device kit's input: job dumps with CPU reference tallies (host/run/job_dump.hh).
    o.run.data_dir = resolve_data_dir(global.data_dir);
    o.run.cache_dir = resolve_cache_dir(global.cache_dir);
    std::function<void(const std::string&)> say;
    if (!o.quiet) say = [](const std::string& line) { std::cerr << "gpudose: " << line << "\n"; };
    for (const std::string& path : dump_benchmark_jobs(o.run, o.dump_dir, say)) {
      std::cout << "wrote " << path << " (" << std::filesystem::file_size(path) << " bytes)\n";
    }
    return 0;
  }
  // Fail before an hour of measuring, not after.
  if (!o.json_path.empty()) check_writable_folder(o.json_path);
  std::unique_ptr<BenchmarkReport> old_report;
  if (!o.compare_path.empty()) {
    old_report = std::make_unique<BenchmarkReport>(read_benchmark_json(o.compare_path));
  }
  o.run.data_dir = resolve_data_dir(global.data_dir);
  o.run.cache_dir = resolve_cache_dir(global.cache_dir);
  o.run.command_line = global.command_line;
  std::function<void(const std::string&)> log;
  if (!o.quiet) log = [](const std::string& line) { std::cerr << "gpudose: " << line << "\n"; };
  const BenchmarkReport report = run_benchmark(o.run, log);
  if (!o.json_path.empty()) write_file_durably(o.json_path, benchmark_json(report));
  std::cout << (o.markdown ? benchmark_markdown(report) : benchmark_table(report));
  int status = report.nondeterministic.empty() ? 0 : 1;
  if (old_report) {
    const auto rows = compare_benchmarks(*old_report, report);
    std::cout << "\n" << comparison_table(*old_report, report, rows);
    for (const auto& r : rows) {
      if (o.fail_on_regression && r.verdict == "regression") status = 1;
    }
  }
  return status;
}

}  // namespace

void add_benchmark_command(CLI::App& app, GlobalOptions& global) {
  auto o = std::make_shared<BenchmarkCliOptions>();
  auto* cmd = app.add_subcommand(
      "benchmark",
      "Run the versioned benchmark matrix on every back end: speed, start-up, memory, FOM");
  cmd->add_flag("--quick", o->run.quick,
                "The quick subset (under a minute on one core): the matrix's * cases at "
                "1/5 of their histories");
  cmd->add_option("--repeat", o->run.repeat,
                  "Runs of each case (same seed); their spread is the noise --compare uses")
      ->capture_default_str()
      ->check(CLI::Range(1, 100));
  cmd->add_option("--cases", o->run.only, "Only these case names (see --list)")->delimiter(',');
  cmd->add_option("--backends", o->run.backends, "auto (every back end present), cpu or cuda")
      ->capture_default_str();
  cmd->add_option("--threads", o->run.thread_counts,
                  "CPU thread counts to measure (default: 1 and all cores)")
      ->delimiter(',');
  cmd->add_option("--launch", o->run.launches,
                  "CUDA launch configurations to measure, "
                  "THREADSxBLOCKS_PER_SM[xHISTORIES][:atomics|:staged], e.g. 256x32,256x32:staged "
                  "(default: 256x32x16777216); their tallies must agree")
      ->delimiter(',');
  cmd->add_option("--json", o->json_path, "Write the full report (machine, build, every case)");
  cmd->add_flag("--markdown", o->markdown,
                "Print a Markdown block for benchmarks/RESULTS.md instead of the table");
  cmd->add_option("--compare", o->compare_path,
                  "An earlier --json report: print ratios per case, flag regressions beyond "
                  "the measured noise");
  cmd->add_flag("--fail-on-regression", o->fail_on_regression,
                "With --compare: exit status 1 when a case regressed beyond the noise");
  cmd->add_flag("--list", o->list, "List the matrix and exit");
  cmd->add_option("--dump", o->dump_dir,
                  "Write job dumps (DIR/<case>.gdd, the --quick cases or --cases) with CPU "
                  "reference tallies for the device kit's standalone benchmark, and exit");
  cmd->add_flag("--quiet", o->quiet, "No progress on stderr");
  cmd->callback([o, &global]() {
    const int status = run(*o, global);
    // A flagged regression or a determinism failure is a result, not a usage error: exit 1
    // after everything was printed and written.
    if (status != 0) std::exit(status);
  });
}

}  // namespace gpudose
