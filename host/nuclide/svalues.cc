#include "host/nuclide/svalues.hh"

#include <algorithm>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <stdexcept>

#include "host/batch/table.hh"
#include "host/foundation/build_info.hh"
#include "host/foundation/closest_names.hh"
#include "host/foundation/durable_file.hh"
#include "host/foundation/hdf5_columns.hh"
#include "host/foundation/hdf5_handle.hh"
#include "host/foundation/hdf5_memory_file.hh"
#include "host/foundation/text_format.hh"
#include "host/foundation/user_error.hh"
#include "host/nuclide/svalue_fold.hh"
#include "phantoms/phantom_model.hh"
#include "phantoms/regions.hh"
#include "physics-data/decay_data.hh"

namespace fs = std::filesystem;

namespace gpudose {
namespace {

std::string lower(std::string s) {
  std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
  return s;
}

std::string num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.6e", v);
  return buf;
}

std::string short_num(double v) {
  char buf[40];
  std::snprintf(buf, sizeof buf, "%.4g", v);
  return buf;
}

std::vector<int> parse_ids(const std::string& text) {
  std::vector<int> ids;
  std::istringstream in(text);
  for (int id; in >> id;) ids.push_back(id);
  return ids;
}

// One source of one model in the table: its photon and electron rows, as fold tables.
struct TableSource {
  std::string model, source;
  std::vector<int> source_ids;
  std::vector<std::string> target_ids;  // "89 90 91", for the output
  FoldTables tables;
  // Digests of the jobs behind the rows, for provenance.
  std::string phantom_digest;
};

// Groups the table's records by model and source; positron rows are not folded (ICRP 107
// beta+ particles are in the summed spectrum and use the electron SAF, as ICRP 133 does).
std::vector<TableSource> table_sources(const TableContents& table) {
  std::map<std::pair<std::string, std::string>, std::vector<const JobRecord*>> by_source;
  for (const JobRecord& r : table.records) by_source[{r.model, r.source}].push_back(&r);
  std::vector<TableSource> out;
  for (auto& [key, records] : by_source) {
    TableSource ts;
    ts.model = key.first;
    ts.source = key.second;
    const JobRecord& first = *records.front();
    ts.source_ids = first.source_ids;
    ts.target_ids = first.target_ids;
    ts.phantom_digest = first.phantom_digest;
    for (std::size_t t = 0; t < first.target_names.size(); ++t) {
      FoldTarget ft;
      ft.name = first.target_names[t];
      ft.mass_kg = first.target_mass_kg[t];
      ft.contains_source = region_contains(parse_ids(first.target_ids[t]), ts.source_ids);
      ts.tables.targets.push_back(ft);
    }
    std::vector<const JobRecord*> sorted = records;
    std::sort(sorted.begin(), sorted.end(),
              [](const JobRecord* a, const JobRecord* b) { return a->energy_mev < b->energy_mev; });
    for (const JobRecord* r : sorted) {
      if (r->particle != "photon" && r->particle != "electron") continue;
      if (r->target_names != first.target_names) {
        throw UserError("table rows of " + ts.model + " " + ts.source + " disagree on targets",
                        "job " + std::to_string(r->job_id) + " lists other target regions",
                        "rebuild the table from one plan");
      }
      SafTable& st = r->particle == "photon" ? ts.tables.photon : ts.tables.electron;
      st.energies_mev.push_back(r->energy_mev);
      std::vector<double> var(r->saf_per_kg.size());
      for (std::size_t t = 0; t < var.size(); ++t) {
        const double s = r->saf_per_kg[t] * r->rel_unc[t];
        // A target that received nothing has SAF 0 and an undefined relative uncertainty.
        var[t] = r->saf_per_kg[t] == 0 ? 0.0 : s * s;
      }
      st.saf.push_back(r->saf_per_kg);
      st.variance.push_back(var);
    }
    out.push_back(std::move(ts));
  }
  return out;
}

std::vector<std::string> split_list(const std::vector<std::string>& items) {
  std::vector<std::string> out;
  for (const std::string& item : items) {
    std::stringstream in(item);
    for (std::string part; std::getline(in, part, ',');) {
      if (!part.empty()) out.push_back(part);
    }
  }
  return out;
}

// The nuclide's fold kernel, summed over its equilibrium chain when asked.
struct NuclideKernel {
  std::string name;
  std::vector<ChainMember> chain;
  std::vector<std::string> json_sha256;  // of every member's file
  FoldKernel kernel;
};

struct Row {
  const TableSource* source;
  const NuclideKernel* nuclide;
  std::size_t target;
  TargetSValue value;
};

struct NuclideSummary {
  const TableSource* source;
  const NuclideKernel* nuclide;
  NuclideSValues values;
};

std::string output_extension(const std::string& path) {
  return lower(fs::path(path).extension().string());
}

std::vector<std::pair<std::string, std::string>> provenance(const SValuesRequest& rq,
                                                            const TableContents& table,
                                                            const NdxTable& ndx) {
  const BuildInfo& b = build_info();
  std::string physics;
  if (!table.records.empty()) physics = table.records.front().physics_digest;
  return {{"engine", "gpudose " + b.version},
          {"git_commit", b.git_commit},
          {"command", rq.command_line},
          {"date_utc", utc_now()},
          {"table", rq.table_path},
          {"table_plan_hash", table.plan.hash},
          {"table_physics_digest", physics},
          {"table_source_sampling", table.plan.sampling},
          {"table_electron_transport", table.plan.electron_transport},
          {"decay_data", "ICRP Publication 107 (" + rq.decay_dir + ")"},
          {"decay_index_sha256", ndx.sha256},
          {"interpolation", rq.interpolation},
          {"weighting", rq.weighting},
          {"progeny", rq.progeny == "equilibrium"
                          ? "equilibrium: daughters of ICRP-07.NDX in secular equilibrium "
                            "(activity per parent decay = product of branching fractions)"
                          : "none: parent only (as OpenDose)"},
          {"masses", "voxel masses of the table (ICRP 110 voxel organs, blood not included)"},
          {"units", "S in Gy/(Bq s) = J/kg per decay and mGy/(MBq s); rel_unc relative 1-sigma"}};
}

const char* kShareNames[] = {"share_photon", "share_beta", "share_ic_auger", "share_alpha"};

std::string csv_long(const std::vector<std::pair<std::string, std::string>>& prov,
                     const std::vector<NuclideSummary>& summaries, const std::vector<Row>& rows) {
  std::ostringstream o;
  o << "# gpudose radionuclide S values\n";
  for (const auto& [k, v] : prov) o << "# " << k << ": " << v << "\n";
  for (const NuclideSummary& s : summaries) {
    const NuclideSValues& v = s.values;
    o << "# nuclide " << s.nuclide->name << " (" << s.source->model << " " << s.source->source
      << "): emitted MeV/decay photon " << short_num(v.emitted_mev[0]) << ", beta "
      << short_num(v.emitted_mev[1]) << ", ic_auger " << short_num(v.emitted_mev[2]) << ", alpha "
      << short_num(v.emitted_mev[3]) << ", excluded neutron " << short_num(v.excluded_neutron_mev)
      << "; below-grid fraction photon " << short_num(v.below_grid_fraction_photon) << ", electron "
      << short_num(v.below_grid_fraction_electron) << "\n";
  }
  o << "model,nuclide,source,target,target_ids,mass_kg,s_gy_per_bq_s,s_mgy_per_mbq_s,rel_unc,"
       "share_photon,share_beta,share_ic_auger,share_alpha,s_linear_gy_per_bq_s,"
       "s_pchip_gy_per_bq_s,interpolation_spread_rel\n";
  for (const Row& r : rows) {
    const FoldTarget& t = r.source->tables.targets[r.target];
    const TargetSValue& v = r.value;
    o << r.source->model << "," << r.nuclide->name << ",\"" << r.source->source << "\",\"" << t.name
      << "\"," << r.source->target_ids[r.target] << "," << num(t.mass_kg) << ","
      << num(v.s_gy_per_bq_s) << "," << num(v.s_mgy_per_mbq_s) << "," << num(v.relative_sigma);
    for (double s : v.share) o << "," << short_num(s);
    o << "," << num(v.s_linear) << "," << num(v.s_pchip) << ","
      << num(v.s_gy_per_bq_s > 0 ? v.interpolation_spread / v.s_gy_per_bq_s : 0) << "\n";
  }
  return o.str();
}

// Targets x sources per model and nuclide, in mGy/(MBq s), as OLINDA/IDAC users read them;
// a second block per model and nuclide holds the relative 1-sigma.
std::string csv_matrix(const std::vector<std::pair<std::string, std::string>>& prov,
                       const std::vector<Row>& rows) {
  std::ostringstream o;
  o << "# gpudose radionuclide S values, matrix layout: rows = targets, columns = sources\n";
  for (const auto& [k, v] : prov) o << "# " << k << ": " << v << "\n";
  std::map<std::pair<std::string, std::string>, std::vector<const Row*>> blocks;
  for (const Row& r : rows) blocks[{r.source->model, r.nuclide->name}].push_back(&r);
  for (const auto& [key, block] : blocks) {
    std::vector<std::string> sources;
    std::map<std::string, std::map<std::string, const Row*>> cell;  // target -> source -> row
    std::vector<std::string> targets;
    for (const Row* r : block) {
      const std::string& s = r->source->source;
      if (std::find(sources.begin(), sources.end(), s) == sources.end()) sources.push_back(s);
      const std::string& t = r->source->tables.targets[r->target].name;
      if (!cell.count(t)) targets.push_back(t);
      cell[t][s] = r;
    }
    for (int what = 0; what < 2; ++what) {
      o << "\n# model " << key.first << ", nuclide " << key.second << ": "
        << (what == 0 ? "S in mGy/(MBq s)" : "relative 1-sigma of S") << "\n";
      o << "target";
      for (const std::string& s : sources) o << ",\"" << s << "\"";
      o << "\n";
      for (const std::string& t : targets) {
        o << "\"" << t << "\"";
        for (const std::string& s : sources) {
          const auto it = cell[t].find(s);
          o << ",";
          if (it != cell[t].end()) {
            o << num(what == 0 ? it->second->value.s_mgy_per_mbq_s
                               : it->second->value.relative_sigma);
          }
        }
        o << "\n";
      }
    }
  }
  return o.str();
}

std::string json_text(const std::vector<std::pair<std::string, std::string>>& prov,
                      const std::vector<NuclideSummary>& summaries, const std::vector<Row>& rows) {
  nlohmann::ordered_json j;
  j["format"] = "gpudose-svalues";
  j["format_version"] = 1;
  nlohmann::ordered_json p = nlohmann::ordered_json::object();
  for (const auto& [k, v] : prov) p[k] = v;
  j["provenance"] = p;
  nlohmann::ordered_json ns = nlohmann::ordered_json::array();
  std::set<std::string> seen;
  for (const NuclideSummary& s : summaries) {
    if (!seen.insert(s.nuclide->name).second) continue;
    nlohmann::ordered_json n;
    n["nuclide"] = s.nuclide->name;
    nlohmann::ordered_json chain = nlohmann::ordered_json::array();
    for (std::size_t i = 0; i < s.nuclide->chain.size(); ++i) {
      chain.push_back({{"nuclide", s.nuclide->chain[i].name},
                       {"activity_per_parent_decay", s.nuclide->chain[i].activity_per_parent_decay},
                       {"json_sha256", s.nuclide->json_sha256[i]}});
    }
    n["chain"] = chain;
    const NuclideSValues& v = s.values;
    n["emitted_mev_per_decay"] = {{"photon", v.emitted_mev[0]},
                                  {"beta", v.emitted_mev[1]},
                                  {"ic_auger", v.emitted_mev[2]},
                                  {"alpha", v.emitted_mev[3]}};
    n["excluded_neutron_mev_per_decay"] = v.excluded_neutron_mev;
    n["below_grid_fraction"] = {{"photon", v.below_grid_fraction_photon},
                                {"electron", v.below_grid_fraction_electron}};
    ns.push_back(n);
  }
  j["nuclides"] = ns;
  nlohmann::ordered_json rs = nlohmann::ordered_json::array();
  for (const Row& r : rows) {
    const FoldTarget& t = r.source->tables.targets[r.target];
    const TargetSValue& v = r.value;
    nlohmann::ordered_json row;
    row["model"] = r.source->model;
    row["nuclide"] = r.nuclide->name;
    row["source"] = r.source->source;
    row["target"] = t.name;
    row["target_ids"] = r.source->target_ids[r.target];
    row["mass_kg"] = t.mass_kg;
    row["s_gy_per_bq_s"] = v.s_gy_per_bq_s;
    row["s_mgy_per_mbq_s"] = v.s_mgy_per_mbq_s;
    row["rel_unc"] = v.relative_sigma;
    for (int g = 0; g < kRadiationGroupCount; ++g) row[kShareNames[g]] = v.share[g];
    row["s_linear_gy_per_bq_s"] = v.s_linear;
    row["s_pchip_gy_per_bq_s"] = v.s_pchip;
    row["interpolation_spread_gy_per_bq_s"] = v.interpolation_spread;
    rs.push_back(row);
  }
  j["rows"] = rs;
  return j.dump(1) + "\n";
}

// HDF5: / attributes format, format_version and provenance_<key>; /rows/<column> one value per
// row (strings variable-length, numbers double with a `unit` attribute); /nuclides/<column>
// one value per nuclide x source fold. Built in memory (hdf5_memory_file.hh).
std::string h5_image(const std::string& path,
                     const std::vector<std::pair<std::string, std::string>>& prov,
                     const std::vector<NuclideSummary>& summaries, const std::vector<Row>& rows) {
  Hdf5MemoryFile memory;
  try {
    Hdf5Handle root(H5Gopen2(memory.id(), "/", H5P_DEFAULT), H5Gclose);
    write_string_attribute(root, "format", "gpudose-svalues");
    write_string_attribute(root, "format_version", "1");
    for (const auto& [k, v] : prov) write_string_attribute(root, "provenance_" + k, v);
    Hdf5Handle g(H5Gcreate2(memory.id(), "rows", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose);
    std::vector<std::string> model, nuclide, source, target, ids;
    std::vector<double> mass, s, s_mgy, rel, share[kRadiationGroupCount], lin, pchip, spread;
    for (const Row& r : rows) {
      const TargetSValue& v = r.value;
      model.push_back(r.source->model);
      nuclide.push_back(r.nuclide->name);
      source.push_back(r.source->source);
      target.push_back(r.source->tables.targets[r.target].name);
      ids.push_back(r.source->target_ids[r.target]);
      mass.push_back(r.source->tables.targets[r.target].mass_kg);
      s.push_back(v.s_gy_per_bq_s);
      s_mgy.push_back(v.s_mgy_per_mbq_s);
      rel.push_back(v.relative_sigma);
      for (int k = 0; k < kRadiationGroupCount; ++k) share[k].push_back(v.share[k]);
      lin.push_back(v.s_linear);
      pchip.push_back(v.s_pchip);
      spread.push_back(v.interpolation_spread);
    }
    write_string_column(g, "model", model);
    write_string_column(g, "nuclide", nuclide);
    write_string_column(g, "source", source);
    write_string_column(g, "target", target);
    write_string_column(g, "target_ids", ids);
    write_double_column(g, "mass_kg", mass, "kg");
    write_double_column(g, "s_gy_per_bq_s", s, "Gy/(Bq s)");
    write_double_column(g, "s_mgy_per_mbq_s", s_mgy, "mGy/(MBq s)");
    write_double_column(g, "rel_unc", rel, "relative 1-sigma");
    for (int k = 0; k < kRadiationGroupCount; ++k)
      write_double_column(g, kShareNames[k], share[k], "1");
    write_double_column(g, "s_linear_gy_per_bq_s", lin, "Gy/(Bq s)");
    write_double_column(g, "s_pchip_gy_per_bq_s", pchip, "Gy/(Bq s)");
    write_double_column(g, "interpolation_spread_gy_per_bq_s", spread, "Gy/(Bq s)");

    Hdf5Handle n(H5Gcreate2(memory.id(), "nuclides", H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
                 H5Gclose);
    std::vector<std::string> nn, nm, ns;
    std::vector<double> emitted[kRadiationGroupCount], neutron, below_p, below_e;
    for (const NuclideSummary& x : summaries) {
      nn.push_back(x.nuclide->name);
      nm.push_back(x.source->model);
      ns.push_back(x.source->source);
      for (int k = 0; k < kRadiationGroupCount; ++k) emitted[k].push_back(x.values.emitted_mev[k]);
      neutron.push_back(x.values.excluded_neutron_mev);
      below_p.push_back(x.values.below_grid_fraction_photon);
      below_e.push_back(x.values.below_grid_fraction_electron);
    }
    write_string_column(n, "nuclide", nn);
    write_string_column(n, "model", nm);
    write_string_column(n, "source", ns);
    const char* emitted_names[] = {"emitted_photon_mev", "emitted_beta_mev", "emitted_ic_auger_mev",
                                   "emitted_alpha_mev"};
    for (int k = 0; k < kRadiationGroupCount; ++k) {
      write_double_column(n, emitted_names[k], emitted[k], "MeV per decay");
    }
    write_double_column(n, "excluded_neutron_mev", neutron, "MeV per decay");
    write_double_column(n, "below_grid_fraction_photon", below_p, "1");
    write_double_column(n, "below_grid_fraction_electron", below_e, "1");
  } catch (const std::runtime_error& e) {
    throw UserError("cannot write '" + path + "'", e.what(), "report this with the command line");
  }
  return memory.take_image(path);
}

}  // namespace

std::vector<ChainMember> equilibrium_chain(const NdxTable& ndx, const std::string& parent) {
  const std::string& start = parent;
  std::map<std::string, double> activity;
  std::vector<std::string> order;
  // Depth-first along every path; a nuclide reached by two paths (branching decays that meet
  // again) sums its activities. ICRP 107 chains are acyclic.
  std::function<void(const std::string&, double, int)> walk = [&](const std::string& name, double a,
                                                                  int depth) {
    if (depth > 64) {
      throw UserError("decay chain of " + start + " is deeper than 64 members",
                      "ICRP-07.NDX is corrupt or cyclic", "check the decay data files");
    }
    if (!activity.count(name)) order.push_back(name);
    activity[name] += a;
    const NdxEntry* e = ndx.find(name);
    if (!e) return;
    for (const NdxDaughter& d : e->daughters) {
      const NdxEntry* de = ndx.daughter_entry(d);
      if (!de || d.spontaneous_fission || !(d.branching > 0)) continue;  // stable or SF
      walk(de->name, a * d.branching, depth + 1);
    }
  };
  walk(start, 1.0, 0);
  std::vector<ChainMember> chain;
  for (const std::string& n : order) chain.push_back({n, activity[n]});
  return chain;
}

void run_svalues(const SValuesRequest& rq, std::ostream& out,
                 const std::function<void(const std::string&)>& log) {
  const auto start = std::chrono::steady_clock::now();
  // Options first: nothing is read before the request is known to be possible.
  FoldOptions options;
  options.interpolation = parse_interpolation(rq.interpolation);
  options.weighting = parse_weighting(rq.weighting);
  if (rq.progeny != "none" && rq.progeny != "equilibrium") {
    throw UserError("unknown --progeny '" + rq.progeny + "'", "expected none or equilibrium",
                    "use --progeny none (parent only) or equilibrium");
  }
  if (rq.layout != "long" && rq.layout != "matrix") {
    throw UserError("unknown --layout '" + rq.layout + "'", "expected long or matrix",
                    "use --layout long or matrix");
  }
  if (rq.outputs.empty()) {
    throw UserError("no output file", "svalues writes its results to files",
                    "give -o FILE.csv, FILE.json or FILE.h5");
  }
  for (const std::string& o : rq.outputs) {
    const std::string ext = output_extension(o);
    if (ext != ".csv" && ext != ".json" && ext != ".h5" && ext != ".hdf5") {
      throw UserError("cannot write '" + o + "'", "svalues writes .csv, .json or .h5 files",
                      "use -o FILE.csv, FILE.json or FILE.h5");
    }
    if (rq.layout == "matrix" && ext != ".csv") {
      throw UserError("--layout matrix needs a .csv output", "'" + o + "' is not one",
                      "use -o FILE.csv with --layout matrix, or --layout long for JSON");
    }
  }
  std::vector<std::string> wanted = split_list(rq.nuclides);
  if (wanted.empty()) {
    throw UserError("no nuclide given", "--nuclide is required",
                    "give --nuclide Lu-177[,I-131,...] or --nuclide all");
  }

  const TableContents table = read_table(rq.table_path);
  const NdxTable ndx = read_ndx(rq.decay_dir);
  const std::vector<std::string> known = list_nuclides(rq.decay_dir);
  const bool all_nuclides = wanted.size() == 1 && lower(wanted[0]) == "all";
  if (all_nuclides) {
    wanted = known;
  } else {
    for (std::string& w : wanted) w = canonical_nuclide_name(w, known);
  }

  // Models and sources to fold.
  std::vector<TableSource> sources = table_sources(table);
  std::set<std::string> table_models;
  for (const TableSource& s : sources) table_models.insert(s.model);
  std::set<std::string> models;
  for (const PhantomModelSpec& m : phantom_models(rq.model)) models.insert(m.model);
  std::vector<std::string> requested_sources = split_list(rq.sources);
  const bool all_sources = requested_sources.empty() ||
                           (requested_sources.size() == 1 && lower(requested_sources[0]) == "all");
  std::vector<const TableSource*> chosen;
  for (const std::string& m : models) {
    if (!table_models.count(m)) {
      if (rq.model == "all") continue;
      throw UserError("the table has no " + m + " rows",
                      "it was planned for " + std::to_string(table_models.size()) + " model(s)",
                      "choose --model among those of the table");
    }
    std::vector<std::string> names;
    for (const TableSource& s : sources)
      if (s.model == m) names.push_back(s.source);
    if (all_sources) {
      for (const TableSource& s : sources)
        if (s.model == m) chosen.push_back(&s);
      continue;
    }
    for (const std::string& want : requested_sources) {
      const TableSource* found = nullptr;
      for (const TableSource& s : sources) {
        if (s.model == m && lower(s.source) == lower(want)) found = &s;
      }
      if (!found) {
        throw UserError("source '" + want + "' is not in the table for " + m,
                        "closest: " + quoted_list(closest_names(want, names)),
                        "choose a source the table has (a compound source needs its own rows)");
      }
      chosen.push_back(found);
    }
  }
  if (chosen.empty()) {
    throw UserError("nothing to fold", "the table has no rows for the requested model",
                    "check --model against the table");
  }

  // Kernels per nuclide and grid pair (sources of one table normally share their grids).
  std::vector<std::unique_ptr<NuclideKernel>> kernels;
  std::map<std::pair<std::string, std::vector<double>>, const NuclideKernel*> kernel_cache;
  std::vector<std::string> skipped;
  std::vector<Row> rows;
  std::vector<NuclideSummary> summaries;
  for (const std::string& name : wanted) {
    std::vector<ChainMember> chain = {{name, 1.0}};
    if (rq.progeny == "equilibrium") chain = equilibrium_chain(ndx, name);
    std::vector<NuclideEmissions> members;
    for (const ChainMember& c : chain) members.push_back(read_nuclide(rq.decay_dir, c.name, ndx));
    for (const TableSource* src : chosen) {
      std::vector<double> grid_key = src->tables.photon.energies_mev;
      grid_key.push_back(-1);  // separator
      grid_key.insert(grid_key.end(), src->tables.electron.energies_mev.begin(),
                      src->tables.electron.energies_mev.end());
      const NuclideKernel* nk = nullptr;
      const auto it = kernel_cache.find({name, grid_key});
      if (it != kernel_cache.end()) {
        nk = it->second;
      } else {
        auto made = std::make_unique<NuclideKernel>();
        made->name = name;
        made->chain = chain;
        try {
          for (std::size_t i = 0; i < chain.size(); ++i) {
            const FoldKernel k = prepare_fold(members[i], src->tables.photon.energies_mev,
                                              src->tables.electron.energies_mev, options);
            accumulate_kernel(made->kernel, k, chain[i].activity_per_parent_decay);
            made->json_sha256.push_back(members[i].json_sha256);
          }
        } catch (const UserError& e) {
          if (!all_nuclides) throw;
          skipped.push_back(name + ": " + e.what());
          break;
        }
        made->kernel.nuclide = name;
        nk = made.get();
        kernels.push_back(std::move(made));
        kernel_cache[{name, grid_key}] = nk;
      }
      const NuclideSValues values = apply_fold(nk->kernel, src->tables);
      for (std::size_t t = 0; t < values.targets.size(); ++t) {
        rows.push_back({src, nk, t, values.targets[t]});
      }
      summaries.push_back({src, nk, values});
    }
  }
  if (log && !skipped.empty()) {
    log("svalues: " + std::to_string(skipped.size()) + " nuclide(s) not folded with this table:");
    for (const std::string& s : skipped) log("  " + s);
  }
  if (rows.empty()) {
    throw UserError("no S value could be folded", "every nuclide was skipped (see above)",
                    "use a table with photon and electron SAFs covering the emissions");
  }

  // Every output is composed first, then written (temporary name, fsync, rename).
  const auto prov = provenance(rq, table, ndx);
  std::vector<std::pair<std::string, std::string>> files;
  for (const std::string& o : rq.outputs) {
    const std::string ext = output_extension(o);
    if (ext == ".json") {
      files.push_back({o, json_text(prov, summaries, rows)});
    } else if (ext == ".h5" || ext == ".hdf5") {
      files.push_back({o, h5_image(o, prov, summaries, rows)});
    } else {
      files.push_back(
          {o, rq.layout == "matrix" ? csv_matrix(prov, rows) : csv_long(prov, summaries, rows)});
    }
  }
  write_files_durably(files);

  // Summary: per model, nuclide and source, the self-dose and the largest cross-fire targets.
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  out << "gpudose svalues: " << summaries.size() << " nuclide x source folds, " << rows.size()
      << " S values in " << short_num(seconds) << " s (" << rq.interpolation
      << " interpolation, weighting " << rq.weighting << ", progeny " << rq.progeny << ")\n";
  std::size_t shown = 0;
  for (const NuclideSummary& s : summaries) {
    if (++shown > 12) {
      out << "... (" << summaries.size() - 12 << " more in the output files)\n";
      break;
    }
    std::vector<std::size_t> order(s.values.targets.size());
    for (std::size_t t = 0; t < order.size(); ++t) order[t] = t;
    std::sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return s.values.targets[a].s_gy_per_bq_s > s.values.targets[b].s_gy_per_bq_s;
    });
    out << s.source->model << " " << s.nuclide->name << " <- " << s.source->source
        << "  (S in mGy/(MBq s), rel. 1-sigma)\n";
    for (std::size_t i = 0; i < std::min<std::size_t>(3, order.size()); ++i) {
      const TargetSValue& v = s.values.targets[order[i]];
      out << "  " << s.source->tables.targets[order[i]].name << ": " << short_num(v.s_mgy_per_mbq_s)
          << " (" << short_num(100 * v.relative_sigma) << " %)\n";
    }
  }
  for (const auto& [path, text] : files) out << "wrote " << path << "\n";
}

}  // namespace gpudose
