#include "host/batch/export.hh"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <map>
#include <sstream>

#include "host/batch/table.hh"
#include "host/foundation/durable_file.hh"
#include "host/foundation/user_error.hh"

namespace fs = std::filesystem;

namespace gpudose {
namespace {

std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.10g", v);
  return buf;
}

std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += (c == '"') ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string file_part(const std::string& s) {
  std::string out;
  for (char c : s) out += std::isalnum(static_cast<unsigned char>(c)) || c == '-' ? c : '_';
  return out;
}

std::string particle_title(const std::string& p) {
  if (p == "photon") return "Photons";
  if (p == "electron") return "Electrons";
  if (p == "positron") return "Positrons";
  return p;
}

// One model + particle: records by source, each energy ascending.
using Group = std::map<std::string, std::vector<const JobRecord*>>;

void ensure_dir(const std::string& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || ::access(dir.c_str(), W_OK) != 0) {
    throw UserError("cannot write into '" + dir + "'", ec ? ec.message() : "not writable",
                    "choose a writable -o folder");
  }
}

std::string icrp133_text(const TableContents& t, const std::string& model,
                         const std::string& particle, const Group& g) {
  std::vector<double> energies;
  for (const auto& [source, list] : g) {
    for (const JobRecord* r : list) energies.push_back(r->energy_mev);
  }
  std::sort(energies.begin(), energies.end());
  energies.erase(std::unique(energies.begin(), energies.end()), energies.end());
  const JobRecord& any = *g.begin()->second.front();
  std::size_t width = 1;
  for (const auto& n : any.target_names) width = std::max(width, n.size());
  for (const auto& [source, list] : g) width = std::max(width, source.size());
  std::ostringstream o;
  o << any.engine << " SAF table (kg-1), ICRP Publication 133 .SAF record layout; "
    << "model " << model << "\n";
  o << "plan " << t.plan.hash << ", seed " << t.plan.seed << ", source sampling " << t.plan.sampling
    << ", electron transport " << t.plan.electron_transport << "\n";
  o << particle_title(particle) << "\n";
  char buf[64];
  std::snprintf(buf, sizeof buf, "%4zu%4zu%14s", any.target_names.size(), g.size(), "");
  o << buf;
  for (double e : energies) {
    std::snprintf(buf, sizeof buf, "%10.3E", e);
    o << buf;
  }
  o << "\n" << std::string(2 * width + 2 + 10 * (energies.size() + 1) + 3, '-') << "\n";
  for (const auto& [source, list] : g) {
    // A source may lack some energies of the grid (a partial plan): those SAFs are written 0.
    std::vector<const JobRecord*> at(energies.size(), nullptr);
    for (const JobRecord* r : list) {
      at[std::lower_bound(energies.begin(), energies.end(), r->energy_mev) - energies.begin()] = r;
    }
    const JobRecord& first = *list.front();
    for (std::size_t ti = 0; ti < first.target_names.size(); ++ti) {
      std::string name = first.target_names[ti];
      std::string from = source;
      name.resize(width, ' ');
      from.resize(width, ' ');
      o << name << "<-" << from;
      int icut = 0;
      for (std::size_t e = 0; e < energies.size(); ++e) {
        const double saf = at[e] ? at[e]->saf_per_kg[ti] : 0.0;
        if (icut == 0 && saf > 0) icut = static_cast<int>(e) + 1;
        std::snprintf(buf, sizeof buf, "%10.3E", saf);
        o << buf;
      }
      std::snprintf(buf, sizeof buf, "%10.3E%3d", icut ? energies[icut - 1] : 0.0, icut);
      o << buf << "\n";
    }
  }
  return o.str();
}

}  // namespace

std::string export_table(const std::string& table, const std::string& format,
                         const std::string& output) {
  if (format != "icrp133" && format != "opendose-csv" && format != "csv") {
    throw UserError("unknown export format '" + format + "'",
                    "expected icrp133, opendose-csv or csv", "e.g. --format csv -o table.csv");
  }
  const TableContents t = read_table(table);
  if (t.records.empty()) {
    throw UserError("table '" + table + "' holds no job", "nothing to export",
                    "run the plan first");
  }
  // model -> particle -> source -> records (energy ascending)
  std::map<std::string, std::map<std::string, Group>> tree;
  for (const JobRecord& r : t.records) tree[r.model][r.particle][r.source].push_back(&r);
  for (auto& [m, ps] : tree) {
    for (auto& [p, g] : ps) {
      for (auto& [s, list] : g) {
        std::sort(list.begin(), list.end(), [](const JobRecord* a, const JobRecord* b) {
          return a->energy_mev < b->energy_mev;
        });
      }
    }
  }
  std::string written;
  if (format == "csv") {
    fs::path dir = fs::path(output).parent_path();
    if (dir.empty()) dir = ".";
    if (!fs::is_directory(dir) || ::access(dir.c_str(), W_OK) != 0) {
      throw UserError("cannot write '" + output + "'",
                      "folder '" + dir.string() + "' does not exist or is not writable",
                      "choose another -o file");
    }
    std::ostringstream o;
    o << "# gpudose batch table " << fs::path(table).filename().string() << ", plan " << t.plan.hash
      << "; units: energy MeV, mass kg, af 1, saf 1/kg, rel_unc relative "
      << "1-sigma\n";
    o << "model,particle,source,source_ids,target,target_ids,target_mass_kg,energy_mev,af,"
         "saf_per_kg,rel_unc,histories,job_id\n";
    for (const auto& [model, ps] : tree) {
      for (const auto& [particle, g] : ps) {
        for (const auto& [source, list] : g) {
          for (const JobRecord* r : list) {
            std::string sids;
            for (int id : r->source_ids) sids += (sids.empty() ? "" : " ") + std::to_string(id);
            for (std::size_t ti = 0; ti < r->target_names.size(); ++ti) {
              o << model << "," << particle << "," << csv_field(source) << "," << sids << ","
                << csv_field(r->target_names[ti]) << "," << r->target_ids[ti] << ","
                << num(r->target_mass_kg[ti]) << "," << num(r->energy_mev) << "," << num(r->af[ti])
                << "," << num(r->saf_per_kg[ti]) << "," << num(r->rel_unc[ti]) << ","
                << r->histories << "," << r->job_id << "\n";
            }
          }
        }
      }
    }
    write_file_durably(output, o.str());
    return output + "\n";
  }
  ensure_dir(output);
  // Every file is composed first and written all or nothing (write_files_durably).
  std::vector<std::pair<std::string, std::string>> files;
  for (const auto& [model, ps] : tree) {
    for (const auto& [particle, g] : ps) {
      if (format == "icrp133") {
        const std::string path = (fs::path(output) / (model + "_" + particle + ".SAF")).string();
        files.push_back({path, icrp133_text(t, model, particle, g)});
        written += path + "\n";
        continue;
      }
      for (const auto& [source, list] : g) {
        std::ostringstream o;
        o << "# " << list.front()->engine << ", model " << model << ", " << particle << " source "
          << source << " (" << t.plan.sampling << "), plan " << t.plan.hash << "\n";
        o << "# units: energy MeV, mass kg, AF 1, SAF 1/kg, rel_unc relative 1-sigma\n";
        o << "target,target_ids,target_mass_kg,energy_mev,af,saf_per_kg,rel_unc,histories\n";
        const JobRecord& first = *list.front();
        for (std::size_t ti = 0; ti < first.target_names.size(); ++ti) {
          for (const JobRecord* r : list) {
            o << csv_field(r->target_names[ti]) << "," << r->target_ids[ti] << ","
              << num(r->target_mass_kg[ti]) << "," << num(r->energy_mev) << "," << num(r->af[ti])
              << "," << num(r->saf_per_kg[ti]) << "," << num(r->rel_unc[ti]) << "," << r->histories
              << "\n";
          }
        }
        const std::string path =
            (fs::path(output) / (model + "_" + particle + "_" + file_part(source) + ".csv"))
                .string();
        files.push_back({path, o.str()});
        written += path + "\n";
      }
    }
  }
  write_files_durably(files);
  return written;
}

}  // namespace gpudose
