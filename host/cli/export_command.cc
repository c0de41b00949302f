// `gpudose export TABLE.h5 --format icrp133|opendose-csv|csv -o DIR_OR_FILE`: a batch table as
// text (layouts in batch_export.hh and the README).
#include <iostream>
#include <memory>

#include "host/batch/export.hh"
#include "host/cli/cli.hh"

namespace gpudose {

void add_export_command(CLI::App& app, GlobalOptions& /*global*/) {
  struct ExportOptions {
    std::string table, format, output;
  };
  auto o = std::make_shared<ExportOptions>();
  auto* cmd = app.add_subcommand("export", "Export a batch SAF table as text");
  cmd->add_option("table", o->table, "Table from `gpudose batch run|merge` (.h5)")->required();
  cmd->add_option("--format", o->format,
                  "icrp133 (DIR/<model>_<particle>.SAF), opendose-csv (DIR/one CSV per source) "
                  "or csv (one long-format FILE)")
      ->required();
  cmd->add_option("-o,--output", o->output, "Folder (icrp133, opendose-csv) or file (csv)")
      ->required();
  cmd->callback([o]() { std::cout << export_table(o->table, o->format, o->output); });
}

}  // namespace gpudose
