// `gpudose phantom import|info|regions|export`: the ICRP 110 phantoms as the engine sees them.
//   import  [--model female|male|all] [--source opendose|icrp] [--force]
//   info    --model M | --phantom SPEC [--media TABLE] [--format table|csv|json]
//           organ (label) table, media, totals, grid, device memory
//   regions --model M | --phantom SPEC [--media TABLE] [--format table|csv|json]
//           every target region with its mass
//   (--phantom/--media as for `gpudose run`: a box spec or a label image and its media table)
//   export  --model M [-o FILE(.nii.gz|.nii|.mha|.nrrd)] [--region R] [--media-table FILE.tsv]
//           (the media table makes the organ-ID image a user phantom: run --phantom --media)
#include <cstdio>
#include <iostream>
#include <memory>
#include <sstream>

#include "host/cli/cli.hh"
#include "host/cli/data_dir.hh"
#include "host/foundation/durable_file.hh"
#include "host/foundation/text_format.hh"
#include "host/foundation/user_error.hh"
#include "host/run/user_phantom_loader.hh"
#include "phantoms/media_table.hh"
#include "phantoms/phantom_cache.hh"
#include "phantoms/phantom_export.hh"
#include "phantoms/regions.hh"
#include "physics-data/elements.hh"

namespace gpudose {
namespace {

std::string fmt(const char* f, double v) {
  char buf[64];
  std::snprintf(buf, sizeof buf, f, v);
  return buf;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += c;
    } else if (static_cast<unsigned char>(c) < 0x20) {
      out += fmt("\\u%04x", static_cast<unsigned char>(c));
    } else {
      out += c;
    }
  }
  return out + "\"";
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += (c == '"') ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string id_list(const std::vector<int>& ids) {
  std::string s;
  for (std::size_t i = 0; i < ids.size();) {
    std::size_t j = i;
    while (j + 1 < ids.size() && ids[j + 1] == ids[j] + 1) ++j;
    if (!s.empty()) s += ",";
    s += std::to_string(ids[i]);
    if (j > i) s += "-" + std::to_string(ids[j]);
    i = j + 1;
  }
  return s;
}

void check_format(const std::string& f) {
  if (f != "table" && f != "csv" && f != "json") {
    throw UserError("unknown format '" + f + "'", "expected table, csv or json",
                    "use --format table|csv|json");
  }
}

Phantom load(const GlobalOptions& g, const std::string& model) {
  return load_phantom(model, resolve_data_dir(g.data_dir), resolve_cache_dir(g.cache_dir));
}

// The phantom `info` and `regions` describe: --model M (AF/AM from the cache) or, as for `run`,
// --phantom SPEC [--media TABLE] (a box or a label image with its media table, compositions
// included: host/run/user_phantom_loader.hh), so that a user sees the phantom a run would use.
Phantom load_described(const GlobalOptions& g, const std::string& model, const std::string& spec,
                       const std::string& media) {
  if (spec.empty()) {
    if (model.empty()) {
      throw UserError("no phantom given", "info and regions describe one phantom",
                      "give --model female|male, or --phantom SPEC [--media TABLE.tsv]");
    }
    if (!media.empty()) {
      throw UserError("--media given without --phantom", "it is the media table of a label image",
                      "add --phantom LABELS.nii.gz, or drop --media");
    }
    return load(g, phantom_model(model).model);
  }
  const std::string data = resolve_data_dir(g.data_dir);
  return load_run_phantom("", spec, media, data, resolve_cache_dir(g.cache_dir));
}

std::string medium_name(const Phantom& p, int medium) {
  return medium >= 1 && medium <= static_cast<int>(p.media.size()) ? p.media[medium - 1].name : "?";
}

// `phantom info` of a user phantom: its labels (organ ID = label value) with medium key and
// name, density, voxels and mass, the media (compositions to the last bit for user media), grid
// and ITK frame, total mass and sources. The same three formats as for AF/AM.
void print_user_info(const Phantom& p, const std::string& format) {
  double all = 0;
  for (const auto& o : p.organs) all += o.mass_kg;
  const std::size_t table_bytes = p.device_bytes() - p.labels.size();
  auto key = [&](int medium) { return p.medium_key(static_cast<std::size_t>(medium - 1)); };
  if (format == "csv") {
    std::cout << "label,name,medium,medium_key,medium_name,density_g_cm3,voxels,mass_g\n";
    for (const auto& o : p.organs) {
      std::cout << o.id << "," << csv_field(o.name) << "," << o.medium << ","
                << csv_field(key(o.medium)) << "," << csv_field(medium_name(p, o.medium)) << ","
                << fmt("%.8g", o.density_g_cm3) << "," << o.voxels << ","
                << fmt("%.4f", o.mass_kg * 1000) << "\n";
    }
    return;
  }
  if (format == "json") {
    std::ostringstream j;
    j << "{\n  \"model\": " << json_string(p.model) << ",\n  \"source\": " << json_string(p.source)
      << ",\n  \"user_phantom\": true"
      << ",\n  \"grid\": {\"nx\": " << p.nx << ", \"ny\": " << p.ny << ", \"nz\": " << p.nz
      << ", \"dx_cm\": " << fmt("%.6g", p.dx) << ", \"dy_cm\": " << fmt("%.6g", p.dy)
      << ", \"dz_cm\": " << fmt("%.6g", p.dz)
      << ", \"voxel_volume_cm3\": " << fmt("%.9g", p.voxel_volume_cm3()) << ", \"origin_mm\": ["
      << fmt("%.9g", p.origin_mm[0]) << ", " << fmt("%.9g", p.origin_mm[1]) << ", "
      << fmt("%.9g", p.origin_mm[2]) << "]},\n"
      << "  \"total_mass_kg\": " << fmt("%.6f", all) << ",\n"
      << "  \"device_bytes\": {\"labels\": " << p.labels.size() << ", \"tables\": " << table_bytes
      << ", \"total\": " << p.device_bytes() << "},\n"
      << "  \"sources\": [";
    for (std::size_t i = 0; i < p.source_files.size(); ++i) {
      j << (i ? ", " : "") << "{\"path\": " << json_string(p.source_files[i].path)
        << ", \"sha256\": " << json_string(p.source_files[i].sha256) << "}";
    }
    j << "],\n  \"media\": [\n";
    for (std::size_t m = 0; m < p.media.size(); ++m) {
      j << "    {\"medium\": " << m + 1 << ", \"key\": " << json_string(p.medium_key(m))
        << ", \"name\": " << json_string(p.media[m].name) << ", \"mass_fractions\": {";
      for (std::size_t e = 0; e < p.media[m].elements.size(); ++e) {
        const ElementFraction& f = p.media[m].elements[e];
        j << (e ? ", " : "") << json_string(element_facts(f.z).symbol) << ": "
          << format_exact(f.mass_fraction);
      }
      j << "}}" << (m + 1 < p.media.size() ? ",\n" : "\n");
    }
    j << "  ],\n  \"labels\": [\n";
    for (std::size_t i = 0; i < p.organs.size(); ++i) {
      const auto& o = p.organs[i];
      j << "    {\"label\": " << o.id << ", \"name\": " << json_string(o.name)
        << ", \"medium\": " << o.medium << ", \"medium_key\": " << json_string(key(o.medium))
        << ", \"medium_name\": " << json_string(medium_name(p, o.medium))
        << ", \"density_g_cm3\": " << fmt("%.8g", o.density_g_cm3) << ", \"voxels\": " << o.voxels
        << ", \"mass_g\": " << fmt("%.4f", o.mass_kg * 1000) << "}"
        << (i + 1 < p.organs.size() ? ",\n" : "\n");
    }
    j << "  ]\n}\n";
    std::cout << j.str();
    return;
  }
  std::cout << "phantom " << p.model << " (user phantom from " << p.source << ")\n"
            << "grid: " << p.nx << " x " << p.ny << " x " << p.nz << " = " << p.num_voxels()
            << " voxels of " << fmt("%.4g", p.dx) << " x " << fmt("%.4g", p.dy) << " x "
            << fmt("%.4g", p.dz) << " cm (" << fmt("%.6g", p.voxel_volume_cm3()) << " cm3)\n"
            << "frame: voxel (0,0,0) centred at (" << fmt("%.6g", p.origin_mm[0]) << ", "
            << fmt("%.6g", p.origin_mm[1]) << ", " << fmt("%.6g", p.origin_mm[2])
            << ") mm (ITK LPS); box [0, " << fmt("%.4g", p.nx * p.dx) << "] x [0, "
            << fmt("%.4g", p.ny * p.dy) << "] x [0, " << fmt("%.4g", p.nz * p.dz) << "] cm\n";
  std::cout << "label name                                   medium key                "
               "density_g/cm3      voxels       mass_g\n";
  for (const auto& o : p.organs) {
    char line[256];
    std::snprintf(line, sizeof line, "%-5d %-38.38s %6d %-17.17s %13.5g %11llu %12.4g\n", o.id,
                  o.name.c_str(), o.medium, key(o.medium).c_str(), o.density_g_cm3,
                  static_cast<unsigned long long>(o.voxels), o.mass_kg * 1000);
    std::cout << line;
  }
  std::cout << "total mass (all labels): " << fmt("%.6g", all)
            << " kg; labels present: " << p.organs.size() << " (1 byte per voxel)\n";
  std::cout << "media:\n";
  for (std::size_t m = 0; m < p.media.size(); ++m) {
    std::cout << "  " << m + 1 << " " << p.medium_key(m) << ": " << p.media[m].name << "\n";
  }
  std::cout << "device memory: labels " << p.labels.size() << " B + tables " << table_bytes
            << " B = " << fmt("%.2f", p.device_bytes() / 1048576.0) << " MiB\n";
  for (const auto& s : p.source_files) {
    std::cout << "source: " << s.path << " sha256 " << s.sha256 << "\n";
  }
}

void print_info(const Phantom& p, const std::string& format) {
  if (!p.icrp110) {
    print_user_info(p, format);
    return;
  }
  const double end_skin = p.organ(kEndSkinId) ? p.organ(kEndSkinId)->mass_kg : 0.0;
  double all = 0;
  for (const auto& o : p.organs) all += o.mass_kg;
  const std::size_t table_bytes = p.device_bytes() - p.labels.size();
  if (format == "csv") {
    std::cout << "id,name,medium,medium_name,density_g_cm3,voxels,mass_g\n";
    for (const auto& o : p.organs) {
      std::cout << o.id << "," << csv_field(o.name) << "," << o.medium << ","
                << csv_field(medium_name(p, o.medium)) << "," << fmt("%.8g", o.density_g_cm3) << ","
                << o.voxels << "," << fmt("%.4f", o.mass_kg * 1000) << "\n";
    }
    return;
  }
  if (format == "json") {
    std::ostringstream j;
    j << "{\n  \"model\": " << json_string(p.model) << ",\n  \"source\": " << json_string(p.source)
      << ",\n  \"grid\": {\"nx\": " << p.nx << ", \"ny\": " << p.ny << ", \"nz\": " << p.nz
      << ", \"dx_cm\": " << fmt("%.6g", p.dx) << ", \"dy_cm\": " << fmt("%.6g", p.dy)
      << ", \"dz_cm\": " << fmt("%.6g", p.dz)
      << ", \"voxel_volume_cm3\": " << fmt("%.9g", p.voxel_volume_cm3()) << "},\n"
      << "  \"body_mass_kg\": " << fmt("%.6f", p.body_mass_kg())
      << ",\n  \"body_mass_note\": \"organ IDs 1-140; excludes ID 0 (outside) and 141 (end-slice "
         "skin)\",\n"
      << "  \"end_skin_141_mass_kg\": " << fmt("%.6f", end_skin)
      << ",\n  \"all_ids_mass_kg\": " << fmt("%.6f", all)
      << ",\n  \"device_bytes\": {\"labels\": " << p.labels.size()
      << ", \"tables\": " << table_bytes << ", \"total\": " << p.device_bytes() << "},\n"
      << "  \"sources\": [";
    for (std::size_t i = 0; i < p.source_files.size(); ++i) {
      j << (i ? ", " : "") << "{\"path\": " << json_string(p.source_files[i].path)
        << ", \"sha256\": " << json_string(p.source_files[i].sha256) << "}";
    }
    j << "],\n  \"organs\": [\n";
    for (std::size_t i = 0; i < p.organs.size(); ++i) {
      const auto& o = p.organs[i];
      j << "    {\"id\": " << o.id << ", \"name\": " << json_string(o.name)
        << ", \"medium\": " << o.medium
        << ", \"medium_name\": " << json_string(medium_name(p, o.medium))
        << ", \"density_g_cm3\": " << fmt("%.8g", o.density_g_cm3) << ", \"voxels\": " << o.voxels
        << ", \"mass_g\": " << fmt("%.4f", o.mass_kg * 1000) << "}"
        << (i + 1 < p.organs.size() ? ",\n" : "\n");
    }
    j << "  ]\n}\n";
    std::cout << j.str();
    return;
  }
  std::cout << "phantom " << p.model << " (ICRP 110 adult " << phantom_model(p.model).long_name
            << "), imported from " << p.source << "\n"
            << "grid: " << p.nx << " x " << p.ny << " x " << p.nz << " = " << p.num_voxels()
            << " voxels of " << fmt("%.4g", p.dx) << " x " << fmt("%.4g", p.dy) << " x "
            << fmt("%.4g", p.dz) << " cm (" << fmt("%.6g", p.voxel_volume_cm3()) << " cm3)\n"
            << "frame: x = column (right -> left), y = row (front -> back), z = slice (toes -> "
               "vertex); box [0, "
            << fmt("%.4g", p.nx * p.dx) << "] x [0, " << fmt("%.4g", p.ny * p.dy) << "] x [0, "
            << fmt("%.4g", p.nz * p.dz) << "] cm\n";
  std::cout << "ID   " << std::string(46, ' ').replace(0, 4, "name")
            << " medium (ICRP 110 number, name)        density_g/cm3      voxels       mass_g\n";
  for (const auto& o : p.organs) {
    char line[256];
    std::snprintf(line, sizeof line, "%-4d %-46.46s %6d %-30.30s %13.5g %11llu %12.2f\n", o.id,
                  o.name.c_str(), o.medium, medium_name(p, o.medium).c_str(), o.density_g_cm3,
                  static_cast<unsigned long long>(o.voxels), o.mass_kg * 1000);
    std::cout << line;
  }
  std::cout << "body mass (IDs 1-140): " << fmt("%.3f", p.body_mass_kg()) << " kg; end-slice skin "
            << "(ID 141): " << fmt("%.2f", end_skin * 1000)
            << " g; all IDs incl. outside air: " << fmt("%.3f", all) << " kg\n"
            << "organ IDs present: " << p.organs.size() << " (labels, 1 byte per voxel)\n"
            << "device memory: labels " << p.labels.size() << " B + tables " << table_bytes
            << " B = " << fmt("%.2f", p.device_bytes() / 1048576.0) << " MiB\n";
  for (const auto& s : p.source_files) {
    std::cout << "source: " << s.path << " sha256 " << s.sha256 << "\n";
  }
}

void print_regions(const Phantom& p, const std::string& format) {
  const auto regions = target_regions(p);
  if (format == "csv") {
    std::cout << "name,kind,opendose,organ_ids,voxels,mass_g\n";
    for (const auto& r : regions) {
      std::cout << csv_field(r.region.name) << "," << r.region.kind << ","
                << (r.region.opendose_id >= 0 ? std::to_string(r.region.opendose_id) : "") << ","
                << csv_field(id_list(r.region.organ_ids)) << "," << r.voxels << ","
                << fmt("%.4f", r.mass_kg * 1000) << "\n";
    }
    return;
  }
  if (format == "json") {
    std::cout << "{\n  \"model\": " << json_string(p.model) << ",\n  \"regions\": [\n";
    for (std::size_t i = 0; i < regions.size(); ++i) {
      const auto& r = regions[i];
      std::cout << "    {\"name\": " << json_string(r.region.name)
                << ", \"kind\": " << json_string(r.region.kind)
                << ", \"opendose\": " << r.region.opendose_id << ", \"organ_ids\": [";
      for (std::size_t k = 0; k < r.region.organ_ids.size(); ++k) {
        std::cout << (k ? ", " : "") << r.region.organ_ids[k];
      }
      std::cout << "], \"voxels\": " << r.voxels
                << ", \"mass_g\": " << fmt("%.4f", r.mass_kg * 1000) << "}"
                << (i + 1 < regions.size() ? ",\n" : "\n");
    }
    std::cout << "  ]\n}\n";
    return;
  }
  std::cout << "target regions of " << p.model
            << (p.icrp110 ? " (organs by ICRP 110 ID, then phantoms/regions.tsv)"
                          : " (labels by value, then groups)")
            << "; mass = sum of voxel masses\n";
  for (const auto& r : regions) {
    char line[512];
    // A user phantom's regions may be single small voxels: significant digits, not 0.01 g.
    std::snprintf(line, sizeof line,
                  p.icrp110 ? "%-40.40s %-8s %4s %11llu %12.2f g  %s\n"
                            : "%-40.40s %-8s %4s %11llu %12.6g g  %s\n",
                  r.region.name.c_str(), r.region.kind.c_str(),
                  r.region.opendose_id >= 0 ? std::to_string(r.region.opendose_id).c_str() : "-",
                  static_cast<unsigned long long>(r.voxels), r.mass_kg * 1000,
                  id_list(r.region.organ_ids).c_str());
    std::cout << line;
  }
}

}  // namespace

void add_phantom_command(CLI::App& app, GlobalOptions& global) {
  auto* cmd = app.add_subcommand(
      "phantom",
      "Phantoms: import ICRP 110 AF/AM; info and regions of AF/AM or a user phantom; export");
  cmd->require_subcommand(1);

  struct Options {
    std::string model = "all";
    std::string source = "opendose";
    std::string format = "table";
    std::string output;
    std::string region;
    std::string media_table;
    std::string phantom;  // info/regions: a user phantom, as `run --phantom`
    std::string media;    // its media table
    bool force = false;
  };
  auto o = std::make_shared<Options>();

  auto* imp = cmd->add_subcommand("import", "Import the phantoms into the cache (skips if fresh)");
  imp->add_option("--model", o->model, "female|AF, male|AM or all")->capture_default_str();
  imp->add_option("--source", o->source, "opendose (MetaImage) or icrp (Geant4 slices)")
      ->capture_default_str();
  imp->add_flag("--force", o->force, "Import even if the cache is up to date");
  imp->callback([o, &global]() {
    const std::string data = resolve_data_dir(global.data_dir);
    const std::string cache = resolve_cache_dir(global.cache_dir);
    const std::string source = phantom_source_name(o->source);
    for (const auto& spec : phantom_models(o->model)) {
      const ImportOutcome r = import_phantom_to_cache(spec.model, data, cache, source, o->force);
      std::cout << spec.model << ": " << (r.reused ? "up to date" : "imported from " + source)
                << " (" << r.why << "), " << r.cache_path << ", body mass "
                << fmt("%.3f", r.phantom.body_mass_kg()) << " kg\n";
    }
  });

  // info and regions: --model, or a user phantom as `run` takes it. Their own model option
  // (empty by default) keeps import's "all" default out of them.
  auto described = std::make_shared<std::string>();
  auto add_phantom_options = [&](CLI::App* sub) {
    auto* model = sub->add_option("--model", *described, "female|AF or male|AM");
    auto* user = sub->add_option("--phantom", o->phantom,
                                 "A user phantom instead of --model, as for run: "
                                 "box:MEDIUM:NXxNYxNZ:DX[xDYxDZ]mm or a label image with --media");
    model->excludes(user);
    sub->add_option(
        "--media", o->media,
        "Media table of a --phantom label image (label<TAB>medium<TAB>density_g_cm3"
        "[<TAB>name]; medium = catalog medium or SYMBOL:MASS_FRACTION,...[;I=VALUEeV])");
    sub->add_option("--format", o->format, "table|csv|json")->capture_default_str();
  };
  auto* info = cmd->add_subcommand(
      "info", "Organ (label) table, media, masses, grid and device memory of a phantom");
  add_phantom_options(info);
  info->callback([o, described, &global]() {
    check_format(o->format);
    print_info(load_described(global, *described, o->phantom, o->media), o->format);
  });

  auto* regions = cmd->add_subcommand("regions", "Every target region with voxels and mass");
  add_phantom_options(regions);
  regions->callback([o, described, &global]() {
    check_format(o->format);
    print_regions(load_described(global, *described, o->phantom, o->media), o->format);
  });

  auto* exp = cmd->add_subcommand("export", "Write the organ-ID image or a region mask via ITK");
  exp->add_option("--model", o->model, "female|AF or male|AM")->required();
  exp->add_option("-o,--output", o->output, ".nii.gz, .nii, .mha or .nrrd");
  auto* region = exp->add_option("--region", o->region, "Write a 0/1 mask of this region instead");
  auto* table = exp->add_option(
      "--media-table", o->media_table,
      "Also write the media table (label, medium, density, name) that makes the organ-ID image a "
      "user phantom: gpudose run --phantom IMAGE --media TABLE reproduces the model's runs");
  table->excludes(region);
  exp->callback([o, &global]() {
    const std::string model = phantom_model(o->model).model;
    if (o->output.empty() && o->media_table.empty()) {
      throw UserError("nothing to export", "neither -o nor --media-table given",
                      "give -o FILE.nii.gz and/or --media-table FILE.tsv");
    }
    if (!o->output.empty() && !is_supported_image_path(o->output)) {
      throw UserError("cannot export to '" + o->output + "'", "unsupported file extension",
                      "use .nii.gz, .nii, .mha or .nrrd");
    }
    const Phantom p = load(global, model);
    if (!o->media_table.empty()) {
      write_file_durably(o->media_table, media_table_text(p));
      std::cout << "wrote " << o->media_table << ": " << model << " media table ("
                << p.organs.size() << " labels)\n";
    }
    if (o->output.empty()) return;
    if (o->region.empty()) {
      export_phantom_image(p, o->output);
      std::cout << "wrote " << o->output << ": " << model << " organ IDs (uint16)\n";
    } else {
      const Region r = resolve_region(p, o->region);
      export_region_mask(p, r, o->output);
      std::cout << "wrote " << o->output << ": mask of '" << r.name << "' (organ IDs "
                << id_list(r.organ_ids) << "), " << region_voxel_count(p, r) << " voxels\n";
    }
  });
}

}  // namespace gpudose
