// gpudose: entry point. Parses the command line, dispatches to a subcommand and turns errors
// into one-line messages with a non-zero exit code.
#include <CLI/CLI.hpp>
#include <exception>
#include <filesystem>
#include <iostream>

#include "host/cli/cli.hh"
#include "host/foundation/build_info.hh"
#include "host/foundation/user_error.hh"

int main(int argc, char** argv) {
  using namespace gpudose;
  CLI::App app{"gpudose: GPU-accelerated Monte Carlo internal dosimetry (ICRP 110 phantoms)",
               "gpudose"};
  app.require_subcommand(0, 1);
  bool show_version = false;
  app.add_flag("--version", show_version, "Print version, git commit, build type and back ends");
  GlobalOptions global;
  app.add_option("--data-dir", global.data_dir,
                 "Third-party data (default: $GPUDOSE_DATA, else ../shared next to the checkout)");
  app.add_option("--cache-dir", global.cache_dir,
                 "Imported data cache (default: $GPUDOSE_CACHE, else <build>/data)");
  app.fallthrough();

  for (int i = 0; i < argc; ++i) global.command_line += (i ? " " : "") + std::string(argv[i]);
  add_devices_command(app, global);
  add_run_command(app, global);
  add_phantom_command(app, global);
  add_physics_command(app, global);
  add_batch_command(app, global);
  add_export_command(app, global);
  add_benchmark_command(app, global);
  add_svalues_command(app, global);
  add_kernel_command(app, global);

  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    // --help and friends exit 0 through CLI11; usage errors get the one-line error contract.
    if (e.get_exit_code() == 0) return app.exit(e);
    std::cerr << "gpudose: error: " << e.what() << " (bad command line); see gpudose --help\n";
    return 2;
  } catch (const UserError& e) {
    std::cerr << "gpudose: error: " << e.what() << "\n";
    return 2;
  } catch (const std::filesystem::filesystem_error& e) {
    // The file system refused a path the user gave (too long, not a folder, no permission):
    // the environment, not a bug.
    std::cerr << "gpudose: error: " << e.code().message() << " ("
              << (e.path1().empty() ? std::string("a path") : "'" + e.path1().string() + "'")
              << "); check the paths given on the command line\n";
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "gpudose: internal error: " << e.what()
              << " (please report it with the command line)\n";
    return 3;
  }
  if (show_version) {
    std::cout << version_text();
    return 0;
  }
  if (app.get_subcommands().empty()) {
    std::cout << app.help();
  }
  return 0;
}
