#include "host/batch/plan.hh"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <tuple>

#include "host/foundation/durable_file.hh"
#include "host/foundation/sha256.hh"
#include "host/foundation/text_format.hh"
#include "host/foundation/user_error.hh"
#include "phantoms/regions.hh"

namespace gpudose {
namespace {

using nlohmann::json;

constexpr const char* kPlanFormat = "gpudose-batch-plan";
constexpr int kPlanFormatVersion = 2;  // 2: range_rejection

// Defaults of the job runner (host/job_runner.cc), written into the plan so that every job's
// batch size is explicit and the plan alone fixes the result.
constexpr std::uint64_t kDefaultHistories = 1000000;
constexpr std::uint64_t kDefaultUncertaintyCap = 10000000000ull;
constexpr std::uint64_t kDefaultBatchForUncertainty = 20000;

std::string trim(const std::string& s) {
  const auto b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  return s.substr(b, s.find_last_not_of(" \t\r\n") - b + 1);
}

std::vector<std::string> read_list_file(const std::string& path, const std::string& what) {
  std::ifstream in(path);
  if (!in) {
    throw UserError("cannot read " + what + " file '" + path + "'",
                    "it does not exist or is unreadable",
                    "give an existing file with one entry per line");
  }
  std::vector<std::string> out;
  std::string line;
  while (std::getline(in, line)) {
    const auto hash = line.find('#');
    if (hash != std::string::npos) line.resize(hash);
    line = trim(line);
    if (!line.empty()) out.push_back(line);
  }
  if (out.empty()) {
    throw UserError(what + " file '" + path + "' lists nothing", "every line is empty or a comment",
                    "write one entry per line");
  }
  return out;
}

std::string particle_name(const std::string& p) {
  std::string k = p;
  std::transform(k.begin(), k.end(), k.begin(), ::tolower);
  if (k == "photon" || k == "photons" || k == "gamma") return "photon";
  if (k == "electron" || k == "electrons" || k == "e-") return "electron";
  if (k == "positron" || k == "positrons" || k == "e+") return "positron";
  throw UserError("unknown particle '" + p + "'", "expected photon, electron or positron",
                  "e.g. --particles photon,electron");
}

[[noreturn]] void bad_plan(const std::string& origin, const std::string& why) {
  throw UserError("plan '" + origin + "' is not a valid gpudose plan", why,
                  "write plans with `gpudose batch plan` and do not edit them by hand");
}

template <typename T>
T field(const json& j, const char* name, const std::string& origin, const std::string& where) {
  if (!j.is_object() || !j.contains(name)) bad_plan(origin, where + " has no '" + name + "'");
  try {
    return j.at(name).get<T>();
  } catch (const json::exception&) {
    bad_plan(origin, where + " '" + name + "' has the wrong type");
  }
}

}  // namespace

std::string PlanJob::source_query() const {
  return source_number >= 0 ? std::to_string(source_number) : source;
}

std::vector<double> energy_preset(const std::string& name) {
  if (name == "log91") {
    // 91 energies log-spaced from 5 keV to 10 MeV, E_i = 0.005 MeV x 2000^(i/90), the end
    // points set exactly. Not OpenDose's own list (which begins 0.005, 0.0055, 0.006, ...):
    // that list is not published in a form we can reproduce, so the grid is named for what it
    // is.
    std::vector<double> e(91);
    for (int i = 0; i < 91; ++i) e[i] = 0.005 * std::pow(2000.0, i / 90.0);
    e.front() = 0.005;
    e.back() = 10.0;
    return e;
  }
  if (name == "icrp133") {
    // The energy grid of the ICRP Publication 133 (2016) photon and electron SAF tables, 27
    // energies from 1 keV to 10 MeV (as gpudose issue 15 lists it): the grid S values are
    // folded on, so that a table made with it can be folded like ICRP 133's own.
    return {0.001, 0.005, 0.01, 0.015, 0.02, 0.03, 0.04, 0.05, 0.06, 0.08, 0.1, 0.15, 0.2, 0.3,
            0.4,   0.5,   0.6,  0.8,   1.0,  1.5,  2.0,  3.0,  4.0,  5.0,  6.0, 8.0,  10.0};
  }
  if (name == "opendose") {
    throw UserError("the energy preset 'opendose' is now called 'log91'",
                    "it is a log-spaced 91-point grid, not OpenDose's own energy list",
                    "use --energies log91 (same energies), icrp133, a list or a file");
  }
  throw UserError("unknown energy preset '" + name + "'", "expected log91 or icrp133",
                  "or give a comma-separated list (0.05,0.5,2) or a file with one energy (MeV) "
                  "per line");
}

namespace {

double parse_energy(const std::string& text, const std::string& origin) {
  std::size_t used = 0;
  double e = 0;
  try {
    e = std::stod(text, &used);
  } catch (const std::exception&) {
    used = 0;
  }
  if (text.empty() || used != text.size() || !(e > 0) || !std::isfinite(e) || e > 20) {
    throw UserError("bad energy '" + text + "' in " + origin,
                    "energies are positive numbers of MeV up to 20 (the physics tables' end)",
                    "write energies in MeV, e.g. 0.5");
  }
  return e;
}

bool looks_like_list(const std::string& text) {
  if (text.find(',') != std::string::npos) return true;
  std::size_t used = 0;
  try {
    std::stod(text, &used);
  } catch (const std::exception&) {
    return false;
  }
  return used == text.size();
}

}  // namespace

std::vector<double> parse_energies(const std::string& spec) {
  std::vector<double> out;
  if (spec == "log91" || spec == "icrp133" || spec == "opendose") {
    out = energy_preset(spec);
  } else if (looks_like_list(spec) && ::access(spec.c_str(), F_OK) != 0) {
    std::stringstream in(spec);
    for (std::string item; std::getline(in, item, ',');) {
      out.push_back(parse_energy(item, "--energies '" + spec + "'"));
    }
  } else {
    if (::access(spec.c_str(), F_OK) != 0) energy_preset(spec);  // throws
    for (const std::string& line : read_list_file(spec, "energies")) {
      out.push_back(parse_energy(line, "'" + spec + "'"));
    }
  }
  // A duplicated energy would be two jobs with the same key, which `batch run` refuses: refuse
  // it here, where the user wrote it.
  std::vector<double> sorted = out;
  std::sort(sorted.begin(), sorted.end());
  for (std::size_t i = 1; i < sorted.size(); ++i) {
    if (sorted[i] == sorted[i - 1]) {
      throw UserError("energy " + format_exact(sorted[i]) + " MeV is listed twice in --energies",
                      "each energy is one job per source and particle", "list every energy once");
    }
  }
  return out;
}

Plan make_plan(const PlanRequest& rq,
               const std::function<const Phantom&(const std::string&)>& phantom_of) {
  if (rq.models.empty() || rq.sources.empty() || rq.particles.empty()) {
    throw UserError("a plan needs models, sources and particles", "one of them is empty",
                    "give --models, --sources and --particles");
  }
  if (!(rq.uncertainty >= 0 && rq.uncertainty < 1)) {
    throw UserError("--uncertainty must be in (0, 1)", "got " + format_exact(rq.uncertainty),
                    "e.g. --uncertainty 0.01");
  }
  if (!(rq.cutoff_mev > 0)) {
    throw UserError("--cutoff must be positive", "got " + format_exact(rq.cutoff_mev),
                    "the default is 0.001 MeV");
  }
  if (rq.electrons != "transport" && rq.electrons != "local") {
    throw UserError("unknown --electrons mode '" + rq.electrons + "'",
                    "expected transport or local", "use --electrons transport (default) or local");
  }
  if (!(rq.electron_cutoff_mev >= 1e-3 && rq.electron_cutoff_mev <= 1.0)) {
    throw UserError("--electron-cutoff must be between 0.001 and 1 MeV",
                    "got " + format_exact(rq.electron_cutoff_mev), "the default is 0.01 MeV");
  }
  if (rq.range_rejection != "on" && rq.range_rejection != "off") {
    throw UserError("unknown --range-rejection mode '" + rq.range_rejection + "'",
                    "expected on or off", "use --range-rejection on (default) or off");
  }
  Plan plan;
  plan.seed = rq.seed;
  plan.sampling = to_string(parse_source_sampling(rq.sampling));
  plan.cutoff_mev = rq.cutoff_mev;
  plan.electron_transport = rq.electrons;
  plan.electron_cutoff_mev = rq.electron_cutoff_mev;
  plan.range_rejection = rq.range_rejection;
  const std::vector<double> energies = parse_energies(rq.energies);

  std::vector<std::string> models;
  for (const auto& m : rq.models) {
    std::string k = m;
    std::transform(k.begin(), k.end(), k.begin(), ::tolower);
    if (k == "all") {
      models.push_back("female");
      models.push_back("male");
    } else {
      models.push_back(m);
    }
  }
  std::vector<std::string> particles;
  for (const auto& p : rq.particles) {
    const std::string name = particle_name(p);
    if (std::find(particles.begin(), particles.end(), name) == particles.end()) {
      particles.push_back(name);
    }
  }
  if (rq.electrons == "local" && std::any_of(particles.begin(), particles.end(),
                                             [](const std::string& p) { return p != "photon"; })) {
    throw UserError("--electrons local applies to photon plans only",
                    "electron and positron sources are always transported",
                    "leave --electrons out, or plan the charged particles separately");
  }
  std::vector<std::string> source_args;
  for (const auto& s : rq.sources) {
    if (!s.empty() && s[0] == '@') {
      for (const auto& line : read_list_file(s.substr(1), "sources")) source_args.push_back(line);
    } else {
      source_args.push_back(s);
    }
  }

  std::set<std::string> seen_models;
  for (const std::string& model_arg : models) {
    const Phantom& phantom = phantom_of(model_arg);
    if (!seen_models.insert(phantom.model).second) continue;
    // Sources of this model, resolved once. A region named twice (e.g. 'liver' and '95', or
    // a name again after 'all') is refused: a plan never holds two jobs with one key, and a
    // silent drop would hide a typo in a long source list.
    std::vector<std::pair<std::string, int>> sources;
    std::vector<std::string> spelled;  // how each source was asked for
    auto add = [&](const Region& r, const std::string& as) {
      for (std::size_t i = 0; i < sources.size(); ++i) {
        if (sources[i].first == r.name) {
          // `all` lists some regions twice (an OpenDose union that is a single organ): the
          // same region, kept once.
          if (as == "all" && spelled[i] == "all") return;
          throw UserError("source '" + r.name + "' is listed twice in --sources",
                          "as '" + spelled[i] + "' and as '" + as + "'", "name every source once");
        }
      }
      sources.push_back({r.name, r.opendose_id});
      spelled.push_back(as);
    };
    for (const std::string& s : source_args) {
      std::string k = s;
      std::transform(k.begin(), k.end(), k.begin(), ::tolower);
      if (k == "all") {
        // Every source region OpenDose tabulates that has voxels in this model: single organ
        // IDs 1..141 (141: the skin of the end slices) and the unions 142..172.
        for (const RegionMass& rm : target_regions(phantom)) {
          const Region& r = rm.region;
          if (r.opendose_id >= 1 && r.opendose_id <= 172 &&
              (r.kind == "organ" || r.kind == "opendose") && rm.voxels > 0) {
            add(r, "all");
          }
        }
      } else {
        const Region r = resolve_region(phantom, s);
        if (region_voxel_count(phantom, r) == 0) {
          throw UserError("source '" + s + "' has no voxel in " + phantom.model,
                          "it cannot emit anything", "drop it from --sources for this model");
        }
        add(r, s);
      }
    }
    for (const std::string& particle : particles) {
      for (const auto& [name, number] : sources) {
        for (double e : energies) {
          PlanJob j;
          j.job_id = static_cast<std::uint32_t>(plan.jobs.size());
          j.model = phantom.model;
          j.source = name;
          j.source_number = number;
          j.particle = particle;
          j.energy_mev = e;
          j.uncertainty = rq.uncertainty;
          if (rq.uncertainty > 0) {
            j.histories = rq.histories ? rq.histories : kDefaultUncertaintyCap;
            j.batch_size = rq.batch_size ? rq.batch_size : kDefaultBatchForUncertainty;
          } else {
            j.histories = rq.histories ? rq.histories : kDefaultHistories;
            j.batch_size = rq.batch_size ? rq.batch_size
                                         : std::max<std::uint64_t>(1, (j.histories + 99) / 100);
          }
          plan.jobs.push_back(j);
          if (plan.jobs.size() > 0xffffffffull) {
            throw UserError("the plan has more than 2^32 jobs", "job ids are 32-bit",
                            "split the campaign into several plans with different seeds");
          }
        }
      }
    }
  }
  plan.hash = plan_hash(plan);
  return plan;
}

std::string plan_canonical_text(const Plan& plan) {
  std::ostringstream o;
  o << kPlanFormat << " " << kPlanFormatVersion << "\n";
  o << "seed " << plan.seed << "\n";
  o << "sampling " << plan.sampling << "\n";
  o << "photon_cutoff_mev " << format_exact(plan.cutoff_mev) << "\n";
  o << "electron_transport " << plan.electron_transport << "\n";
  o << "electron_cutoff_mev " << format_exact(plan.electron_cutoff_mev) << "\n";
  o << "range_rejection " << plan.range_rejection << "\n";
  for (const PlanJob& j : plan.jobs) {
    o << "job\t" << j.job_id << "\t" << j.model << "\t" << j.particle << "\t" << j.source_number
      << "\t" << j.source << "\t" << format_exact(j.energy_mev) << "\t" << j.histories << "\t"
      << format_exact(j.uncertainty) << "\t" << j.batch_size << "\n";
  }
  return o.str();
}

std::string plan_hash(const Plan& plan) { return sha256_text(plan_canonical_text(plan)); }

std::string plan_json(const Plan& plan) {
  // Written by hand rather than json::dump() so that each job is one line (diffable, greppable)
  // and numbers are exact (%.17g).
  std::ostringstream o;
  o << "{\n";
  o << "  \"format\": \"" << kPlanFormat << "\",\n";
  o << "  \"format_version\": " << kPlanFormatVersion << ",\n";
  o << "  \"plan_hash\": \"" << plan.hash << "\",\n";
  o << "  \"seed\": " << plan.seed << ",\n";
  o << "  \"random_streams\": \"Philox-4x32-10, key = seed, counter = (block, job_id, "
       "history)\",\n";
  o << "  \"sampling\": " << json(plan.sampling).dump() << ",\n";
  o << "  \"photon_cutoff_mev\": " << format_exact(plan.cutoff_mev) << ",\n";
  o << "  \"electron_transport\": " << json(plan.electron_transport).dump() << ",\n";
  o << "  \"electron_cutoff_mev\": " << format_exact(plan.electron_cutoff_mev) << ",\n";
  o << "  \"range_rejection\": " << json(plan.range_rejection).dump() << ",\n";
  o << "  \"jobs\": [";
  for (std::size_t i = 0; i < plan.jobs.size(); ++i) {
    const PlanJob& j = plan.jobs[i];
    o << (i ? ",\n    " : "\n    ") << "{\"job_id\": " << j.job_id
      << ", \"model\": " << json(j.model).dump() << ", \"source\": " << json(j.source).dump()
      << ", \"source_number\": " << j.source_number << ", \"particle\": " << json(j.particle).dump()
      << ", \"energy_mev\": " << format_exact(j.energy_mev) << ", \"histories\": " << j.histories
      << ", \"uncertainty\": " << format_exact(j.uncertainty)
      << ", \"batch_size\": " << j.batch_size << "}";
  }
  o << "\n  ]\n}\n";
  return o.str();
}

Plan parse_plan(const std::string& text, const std::string& origin) {
  json j;
  try {
    j = json::parse(text);
  } catch (const json::exception& e) {
    bad_plan(origin, std::string("not JSON: ") + e.what());
  }
  if (!j.is_object() || j.value("format", "") != kPlanFormat) {
    bad_plan(origin, "'format' is not \"gpudose-batch-plan\"");
  }
  if (field<int>(j, "format_version", origin, "the plan") != kPlanFormatVersion) {
    bad_plan(origin, "unsupported format_version");
  }
  Plan plan;
  plan.seed = field<std::uint64_t>(j, "seed", origin, "the plan");
  plan.sampling = field<std::string>(j, "sampling", origin, "the plan");
  plan.cutoff_mev = field<double>(j, "photon_cutoff_mev", origin, "the plan");
  plan.electron_transport = field<std::string>(j, "electron_transport", origin, "the plan");
  plan.electron_cutoff_mev = field<double>(j, "electron_cutoff_mev", origin, "the plan");
  plan.range_rejection = field<std::string>(j, "range_rejection", origin, "the plan");
  const std::string stored_hash = field<std::string>(j, "plan_hash", origin, "the plan");
  if (!j.contains("jobs") || !j["jobs"].is_array()) bad_plan(origin, "'jobs' is not a list");
  std::set<std::uint32_t> ids;
  std::set<std::tuple<std::string, std::string, std::string, double>> keys;
  for (const json& e : j["jobs"]) {
    PlanJob p;
    const std::string where = "job #" + std::to_string(plan.jobs.size());
    p.job_id = field<std::uint32_t>(e, "job_id", origin, where);
    p.model = field<std::string>(e, "model", origin, where);
    p.source = field<std::string>(e, "source", origin, where);
    p.source_number = field<int>(e, "source_number", origin, where);
    p.particle = field<std::string>(e, "particle", origin, where);
    p.energy_mev = field<double>(e, "energy_mev", origin, where);
    p.histories = field<std::uint64_t>(e, "histories", origin, where);
    p.uncertainty = field<double>(e, "uncertainty", origin, where);
    p.batch_size = field<std::uint64_t>(e, "batch_size", origin, where);
    if (!ids.insert(p.job_id).second) {
      throw UserError("plan '" + origin + "' has job_id " + std::to_string(p.job_id) + " twice",
                      "two jobs would share one random stream",
                      "regenerate the plan with `gpudose batch plan`");
    }
    if (!keys.insert({p.model, p.particle, p.source, p.energy_mev}).second) {
      throw UserError("plan '" + origin + "' has " + p.model + " " + p.particle + " " + p.source +
                          " at " + format_exact(p.energy_mev) + " MeV twice",
                      "a table holds one result per model, particle, source and energy",
                      "regenerate the plan with `gpudose batch plan`");
    }
    if (!(p.energy_mev > 0) || p.histories == 0 || p.batch_size == 0) {
      bad_plan(origin, where + " has a non-positive energy, histories or batch size");
    }
    plan.jobs.push_back(p);
  }
  std::sort(plan.jobs.begin(), plan.jobs.end(),
            [](const PlanJob& a, const PlanJob& b) { return a.job_id < b.job_id; });
  plan.hash = plan_hash(plan);
  if (plan.hash != stored_hash) {
    throw UserError("plan '" + origin + "' does not match its plan_hash",
                    "its jobs, seed or physics settings were edited after it was written",
                    "regenerate it with `gpudose batch plan` (edited plans would mix results)");
  }
  return plan;
}

Plan read_plan(const std::string& path) { return parse_plan(read_text_file(path, "plan"), path); }

void write_plan(const Plan& plan, const std::string& path) {
  write_file_durably(path, plan_json(plan));
}

ShardSpec parse_shard(const std::string& text) {
  ShardSpec s;
  char slash = 0;
  char extra = 0;
  if (std::sscanf(text.c_str(), "%d%c%d%c", &s.index, &slash, &s.count, &extra) != 3 ||
      slash != '/' || s.count < 1 || s.index < 1 || s.index > s.count) {
    throw UserError("bad shard '" + text + "'", "expected K/N with 1 <= K <= N",
                    "e.g. --shard 2/8 runs the second of eight shards");
  }
  return s;
}

namespace {

// Log-log interpolation in a table of (energy MeV, cost), clamped at the ends.
double interpolate_cost(const double* e, const double* us, int n, double energy) {
  if (energy <= e[0]) return us[0];
  if (energy >= e[n - 1]) return us[n - 1];
  int i = 0;
  while (energy > e[i + 1]) ++i;
  const double f = std::log(energy / e[i]) / std::log(e[i + 1] / e[i]);
  return std::exp(std::log(us[i]) + f * std::log(us[i + 1] / us[i]));
}

}  // namespace

double job_cost(const PlanJob& job, const std::string& electron_transport,
                const std::string& range_rejection) {
  // CPU time per history (microseconds, AF liver source, one thread), measured with
  // `gpudose run --threads 1` on the development machine (benchmarks/RESULTS.md, "Batch
  // campaigns" and "Electron range rejection"). Photons with local electrons: cheap at low
  // energy (absorbed at once) and at high energy (few interactions before escaping), dearest
  // around 0.1-0.3 MeV. With coupled electron transport (photons and charged sources) the cost
  // grows with the energy given to electrons, far less with range rejection. Below the 10 keV
  // electron cut-off electrons deposit at once. Positrons use the electron table. The estimate
  // decides the running order and the shard balance only.
  static constexpr double kE[] = {0.005, 0.01, 0.03, 0.1, 0.3, 1, 3, 10};
  static constexpr double kPhotonLocal[] = {2.34, 1.92, 3.92, 6.18, 5.68, 3.49, 3.75, 2.55};
  static constexpr double kPhotonTransport[] = {1.04, 0.97, 6.52, 9.58, 17.0, 24.5, 37.8, 62.4};
  static constexpr double kElectron[] = {0.245, 0.206, 5.51, 11.2, 18.7, 43.4, 95.1, 293};
  // With range rejection (the default): re-measured after Doppler broadening and Wcc = 50 keV.
  static constexpr double kPhotonRejection[] = {1.08, 0.952, 2.67, 5.38, 4.34, 4.03, 4.92, 7.72};
  static constexpr double kElectronRejection[] = {0.172, 0.163, 0.315, 0.378,
                                                  0.588, 1.98,  5.62,  23.9};
  const bool rejection = range_rejection != "off";
  const double* table = job.particle != "photon" ? (rejection ? kElectronRejection : kElectron)
                        : electron_transport == "local"
                            ? kPhotonLocal
                            : (rejection ? kPhotonRejection : kPhotonTransport);
  return static_cast<double>(job.histories) * interpolate_cost(kE, table, 8, job.energy_mev);
}

std::vector<std::size_t> shard_jobs(const Plan& plan, const ShardSpec& shard) {
  std::vector<std::size_t> order(plan.jobs.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  auto longest_first = [&](std::size_t a, std::size_t b) {
    const double ca = job_cost(plan.jobs[a], plan.electron_transport, plan.range_rejection);
    const double cb = job_cost(plan.jobs[b], plan.electron_transport, plan.range_rejection);
    if (ca != cb) return ca > cb;
    return plan.jobs[a].job_id < plan.jobs[b].job_id;
  };
  std::sort(order.begin(), order.end(), longest_first);
  std::vector<double> load(shard.count, 0.0);
  std::vector<std::size_t> mine;
  for (std::size_t i : order) {
    const int s = static_cast<int>(std::min_element(load.begin(), load.end()) - load.begin());
    load[s] += job_cost(plan.jobs[i], plan.electron_transport, plan.range_rejection);
    if (s == shard.index - 1) mine.push_back(i);
  }
  return mine;  // already longest first
}

}  // namespace gpudose
