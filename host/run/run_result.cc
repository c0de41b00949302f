#include "host/run/run_result.hh"

#include <hdf5.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iomanip>
#include <sstream>

#include "host/foundation/durable_file.hh"
#include "host/foundation/hdf5_columns.hh"
#include "host/foundation/hdf5_handle.hh"
#include "host/foundation/hdf5_memory_file.hh"
#include "host/foundation/user_error.hh"

namespace gpudose {
namespace {

std::string extension_of(const std::string& path) {
  std::string ext = std::filesystem::path(path).extension().string();
  std::transform(ext.begin(), ext.end(), ext.begin(), ::tolower);
  return ext;
}

std::string json_string(const std::string& s) {
  std::string out = "\"";
  for (char c : s) {
    switch (c) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        if (static_cast<unsigned char>(c) < 0x20) {
          char buf[8];
          std::snprintf(buf, sizeof buf, "\\u%04x", c);
          out += buf;
        } else {
          out += c;
        }
    }
  }
  return out + "\"";
}

// Shortest round-trip representation; JSON has no inf/nan, so those become null.
std::string json_number(double v) {
  if (!std::isfinite(v)) return "null";
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", v);
  return buf;
}

std::string ids_text(const std::vector<int>& ids, const char* sep) {
  std::string s;
  for (std::size_t i = 0; i < ids.size(); ++i) s += (i ? sep : "") + std::to_string(ids[i]);
  return s;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += (c == '"') ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

void write_hdf5(const RunResult& r, const std::string& path) {
  // Built in memory, written in one durable write (host/foundation/hdf5_memory_file.hh).
  Hdf5MemoryFile memory;
  const hid_t file = memory.id();
  try {
    Hdf5Handle root(H5Gopen2(file, "/", H5P_DEFAULT), H5Gclose);
    write_string_attribute(root, "model", r.model);
    write_string_attribute(root, "source", r.source);
    write_string_attribute(root, "source_ids", ids_text(r.source_ids, " "));
    write_string_attribute(root, "source_sampling", r.source_sampling);
    write_string_attribute(root, "particle", r.particle);
    write_double_attribute(root, "energy_mev", r.energy_mev);
    write_double_attribute(root, "histories", static_cast<double>(r.histories));
    write_string_attribute(root, "histories_exact", std::to_string(r.histories));
    write_string_attribute(root, "seed", std::to_string(r.seed));
    write_string_attribute(root, "backend", r.backend);
    write_double_attribute(root, "wall_s", r.wall_s);
    write_double_attribute(root, "histories_per_s", r.histories_per_s);
    write_string_attribute(root, "electron_transport", r.electron_transport);
    if (!r.nuclide.empty()) {
      write_string_attribute(root, "nuclide", r.nuclide);
      write_double_attribute(root, "particles_per_decay", r.particles_per_decay);
      write_double_attribute(root, "local_mev_per_decay", r.local_mev_per_decay);
    }
    for (const auto& [k, v] : r.provenance) write_string_attribute(root, "provenance_" + k, v);
    Hdf5Handle g(H5Gcreate2(file, "targets", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    std::vector<std::string> names, ids;
    std::vector<double> mass, e, af, saf, s, unc;
    for (const auto& t : r.targets) {
      names.push_back(t.name);
      ids.push_back(ids_text(t.ids, " "));
      mass.push_back(t.mass_kg);
      e.push_back(t.energy_mev);
      af.push_back(t.af);
      saf.push_back(t.saf_per_kg);
      s.push_back(t.s_gy);
      unc.push_back(t.rel_unc);
    }
    write_string_column(g, "name", names);
    write_string_column(g, "ids", ids);
    write_double_column(g, "mass_kg", mass, "kg");
    write_double_column(g, "energy_mev", e,
                        r.nuclide.empty() ? "MeV per history" : "MeV per decay");
    write_double_column(g, "af", af, "1");
    write_double_column(g, "saf_per_kg", saf, "1/kg");
    write_double_column(g, "s_gy", s,
                        r.nuclide.empty() ? "Gy per emitted particle" : "Gy per decay (Gy/(Bq s))");
    write_double_column(g, "rel_unc", unc, "relative 1-sigma");
  } catch (const UserError&) {
    throw;
  } catch (const std::runtime_error& e) {
    throw UserError("cannot write '" + path + "'", e.what(), "report this with the command line");
  }
  memory.write_to(path);
}

}  // namespace

void check_output_path(const std::string& path) {
  const std::string ext = extension_of(path);
  if (ext != ".json" && ext != ".csv" && ext != ".h5" && ext != ".hdf5") {
    throw UserError("unknown output format '" + path + "'", "the extension decides the format",
                    "use -o FILE.json, FILE.csv or FILE.h5");
  }
  std::error_code ec;
  if (std::filesystem::is_directory(path, ec)) {
    throw UserError("cannot write '" + path + "'", "it is a folder",
                    "give a file name, e.g. -o " + path + "/result" + ext);
  }
  check_writable_destination(path, "create the folder or choose another -o destination");
}

std::string run_result_json(const RunResult& r) {
  std::ostringstream o;
  o << "{\n";
  o << "  \"model\": " << json_string(r.model) << ",\n";
  o << "  \"source\": " << json_string(r.source) << ",\n";
  o << "  \"source_ids\": [" << ids_text(r.source_ids, ", ") << "],\n";
  o << "  \"source_sampling\": " << json_string(r.source_sampling) << ",\n";
  o << "  \"particle\": " << json_string(r.particle) << ",\n";
  o << "  \"energy_mev\": " << json_number(r.energy_mev) << ",\n";
  o << "  \"histories\": " << r.histories << ",\n";
  o << "  \"batches\": " << r.batches << ",\n";
  o << "  \"batch_size\": " << r.batch_size << ",\n";
  o << "  \"seed\": " << r.seed << ",\n";
  o << "  \"stop_reason\": " << json_string(r.stop_reason) << ",\n";
  o << "  \"backend\": " << json_string(r.backend) << ",\n";
  o << "  \"devices\": [";
  for (std::size_t i = 0; i < r.devices.size(); ++i)
    o << (i ? ", " : "") << json_string(r.devices[i]);
  o << "],\n";
  o << "  \"wall_s\": " << json_number(r.wall_s) << ",\n";
  o << "  \"histories_per_s\": " << json_number(r.histories_per_s) << ",\n";
  o << "  \"electron_transport\": " << json_string(r.electron_transport) << ",\n";
  o << "  \"photon_cutoff_mev\": " << json_number(r.photon_cutoff_mev) << ",\n";
  o << "  \"escaped_fraction\": " << json_number(r.escaped_fraction) << ",\n";
  if (r.nuclide.empty()) {
    o << "  \"units\": {\"energy_mev\": \"MeV per history\", \"mass_kg\": \"kg\", \"af\": \"1\", "
         "\"saf_per_kg\": \"1/kg\", \"s_gy\": \"Gy per emitted particle\", \"rel_unc\": "
         "\"relative 1-sigma\", \"wall_s\": \"s\"},\n";
  } else {
    o << "  \"nuclide\": " << json_string(r.nuclide) << ",\n";
    o << "  \"particles_per_decay\": " << json_number(r.particles_per_decay) << ",\n";
    o << "  \"local_mev_per_decay\": " << json_number(r.local_mev_per_decay) << ",\n";
    o << "  \"units\": {\"energy_mev\": \"MeV per decay\", \"mass_kg\": \"kg\", \"af\": \"1\", "
         "\"saf_per_kg\": \"1/kg\", \"s_gy\": \"Gy per decay = Gy/(Bq s)\", "
         "\"s_mgy_per_mbq_s\": \"mGy/(MBq s)\", \"rel_unc\": \"relative 1-sigma\", "
         "\"wall_s\": \"s\"},\n";
  }
  o << "  \"provenance\": {";
  for (std::size_t i = 0; i < r.provenance.size(); ++i) {
    o << (i ? ",\n    " : "\n    ") << json_string(r.provenance[i].first) << ": "
      << json_string(r.provenance[i].second);
  }
  o << "\n  },\n";
  o << "  \"targets\": [";
  for (std::size_t i = 0; i < r.targets.size(); ++i) {
    const TargetResult& t = r.targets[i];
    o << (i ? ",\n    " : "\n    ") << "{\"name\": " << json_string(t.name) << ", \"ids\": ["
      << ids_text(t.ids, ", ") << "], \"mass_kg\": " << json_number(t.mass_kg)
      << ", \"energy_mev\": " << json_number(t.energy_mev) << ", \"af\": " << json_number(t.af)
      << ", \"saf_per_kg\": " << json_number(t.saf_per_kg) << ", \"s_gy\": " << json_number(t.s_gy);
    if (!r.nuclide.empty()) o << ", \"s_mgy_per_mbq_s\": " << json_number(t.s_gy * 1e9);
    o << ", \"rel_unc\": " << json_number(t.rel_unc) << "}";
  }
  o << "\n  ]\n}\n";
  return o.str();
}

std::string run_result_csv(const RunResult& r) {
  std::ostringstream o;
  // Metadata as comment lines, then one row per target.
  o << "# gpudose run: model=" << r.model << " source=" << r.source << " particle=" << r.particle
    << " energy_mev=" << json_number(r.energy_mev) << " histories=" << r.histories
    << " seed=" << r.seed << " backend=" << r.backend << " source_sampling=" << r.source_sampling
    << " electron_transport=" << r.electron_transport << "\n";
  if (!r.nuclide.empty()) {
    o << "# nuclide=" << r.nuclide << " particles_per_decay=" << json_number(r.particles_per_decay)
      << " local_mev_per_decay=" << json_number(r.local_mev_per_decay)
      << " (energies and S per decay; S in Gy per decay = Gy/(Bq s))\n";
  }
  for (const auto& [k, v] : r.provenance) o << "# " << k << ": " << v << "\n";
  if (r.nuclide.empty()) {
    o << "name,ids,mass_kg,energy_mev_per_history,af,saf_per_kg,s_gy_per_particle,rel_unc\n";
  } else {
    o << "name,ids,mass_kg,energy_mev_per_decay,af,saf_per_kg,s_gy_per_decay,rel_unc\n";
  }
  for (const TargetResult& t : r.targets) {
    o << csv_field(t.name) << "," << ids_text(t.ids, " ") << "," << json_number(t.mass_kg) << ","
      << json_number(t.energy_mev) << "," << json_number(t.af) << "," << json_number(t.saf_per_kg)
      << "," << json_number(t.s_gy) << "," << json_number(t.rel_unc) << "\n";
  }
  return o.str();
}

void write_run_result(const RunResult& r, const std::string& path) {
  check_output_path(path);
  const std::string ext = extension_of(path);
  if (ext == ".json") {
    write_file_durably(path, run_result_json(r), "choose another -o destination");
  } else if (ext == ".csv") {
    write_file_durably(path, run_result_csv(r), "choose another -o destination");
  } else {
    write_hdf5(r, path);
  }
}

std::string run_result_summary(const RunResult& r, std::size_t top) {
  std::vector<const TargetResult*> rows;
  for (const auto& t : r.targets) rows.push_back(&t);
  std::stable_sort(rows.begin(), rows.end(), [&](const TargetResult* a, const TargetResult* b) {
    const bool as = a->name == r.source, bs = b->name == r.source;
    if (as != bs) return as;
    return a->saf_per_kg > b->saf_per_kg;
  });
  if (rows.size() > top) rows.resize(top);
  std::ostringstream o;
  o << std::left << std::setw(44) << "target" << std::right << std::setw(11) << "mass [kg]"
    << std::setw(13) << "AF [1]" << std::setw(13) << "SAF [1/kg]" << std::setw(13) << "S [Gy]"
    << std::setw(11) << "rel.unc."
    << "\n";
  char buf[160];
  for (const TargetResult* t : rows) {
    std::snprintf(buf, sizeof buf, "%-44.44s%11.4g%13.5g%13.5g%13.5g%10.2f%%\n", t->name.c_str(),
                  t->mass_kg, t->af, t->saf_per_kg, t->s_gy, 100 * t->rel_unc);
    o << buf;
  }
  return o.str();
}

}  // namespace gpudose
