// The `gpudose` command line: every subcommand lives in its own *_command.cc file and is
// registered by main.cc through one add_*_command() function declared here.
#pragma once

#include <CLI/CLI.hpp>
#include <string>

namespace gpudose {

// Options shared by every subcommand (given before or after the subcommand name).
struct GlobalOptions {
  std::string data_dir;      // --data-dir: third-party inputs (phantoms, elemental data)
  std::string cache_dir;     // --cache-dir: what gpudose imported from them
  std::string command_line;  // the whole command as typed, for provenance
};

// A whole number above 0, also written as 1e6; use with ->transform(positive_count()).
const CLI::Validator& positive_count();
// One rule per option value; a sentinel (0, -1) is never a valid user value:
const CLI::Validator& seed_value();            // 0 .. 2^64 - 1, digits only
const CLI::Validator& positive_seconds();      // > 0, finite
const CLI::Validator& relative_uncertainty();  // in (0, 1)
const CLI::Validator& thread_count();          // 1 .. max(256, 8 x cores)
const CLI::Validator& device_list();           // "all" or 0,1,...
const CLI::Validator& photon_cutoff();         // 0.001 .. 1 MeV

void add_devices_command(CLI::App& app, GlobalOptions& global);
void add_run_command(CLI::App& app, GlobalOptions& global);
void add_phantom_command(CLI::App& app, GlobalOptions& global);
void add_physics_command(CLI::App& app, GlobalOptions& global);
void add_batch_command(CLI::App& app, GlobalOptions& global);
void add_export_command(CLI::App& app, GlobalOptions& global);
void add_benchmark_command(CLI::App& app, GlobalOptions& global);
void add_svalues_command(CLI::App& app, GlobalOptions& global);
void add_kernel_command(CLI::App& app, GlobalOptions& global);

}  // namespace gpudose
