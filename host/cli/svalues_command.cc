// `gpudose svalues TABLE.h5 --nuclide LIST|all ... -o FILE.csv|.json`: radionuclide S values
// folded from a batch SAF table and the ICRP 107 decay data (host/nuclide/svalues.hh; README,
// "Radionuclide S values").
#include <iostream>
#include <memory>

#include "host/cli/cli.hh"
#include "host/cli/data_dir.hh"
#include "host/nuclide/svalues.hh"
#include "physics-data/decay_data.hh"

namespace gpudose {

void add_svalues_command(CLI::App& app, GlobalOptions& global) {
  auto rq = std::make_shared<SValuesRequest>();
  auto* cmd = app.add_subcommand(
      "svalues", "Radionuclide S values (Gy per decay) folded from a batch SAF table");
  cmd->add_option("table", rq->table_path,
                  "SAF table from `gpudose batch run|merge` (.h5) with photon and electron rows")
      ->required();
  cmd->add_option("--nuclide", rq->nuclides,
                  "ICRP 107 nuclides, comma-separated (Lu-177,I-131, lu177, 99mTc...), or all")
      ->required();
  cmd->add_option("--model", rq->model, "female|AF, male|AM or all (those in the table)")
      ->capture_default_str();
  cmd->add_option("--source", rq->sources,
                  "Source regions of the table, comma-separated, or all (default)");
  cmd->add_option("--interpolation", rq->interpolation,
                  "SAF between table energies: linear (ICRP 133) or pchip; both are reported")
      ->capture_default_str();
  cmd->add_option("--weighting", rq->weighting,
                  "none, or icrp103 (alpha x 20: radiation-weighted, Sv/(Bq s))")
      ->capture_default_str();
  cmd->add_option("--progeny", rq->progeny,
                  "none (parent only, as OpenDose) or equilibrium (daughters of ICRP-07.NDX in "
                  "secular equilibrium)")
      ->capture_default_str();
  cmd->add_option("--layout", rq->layout,
                  "long (one row per model, nuclide, source, target) or matrix (targets x "
                  "sources, CSV)")
      ->capture_default_str();
  cmd->add_option("-o,--output", rq->outputs, "Output files: .csv, .json and/or .h5")->required();
  cmd->callback([rq, &global]() {
    rq->decay_dir = decay_data_dir(resolve_data_dir(global.data_dir));
    rq->command_line = global.command_line;
    run_svalues(*rq, std::cout,
                [](const std::string& line) { std::cerr << "gpudose: " << line << "\n"; });
  });
}

}  // namespace gpudose
