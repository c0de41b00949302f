#include "host/batch/merge.hh"

#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <sstream>

#include "host/batch/run.hh"
#include "host/batch/table.hh"
#include "host/foundation/durable_file.hh"
#include "host/foundation/user_error.hh"

namespace fs = std::filesystem;

namespace gpudose {
namespace {

std::string ranges(const std::vector<std::uint32_t>& ids, std::size_t max_items = 20) {
  std::string s;
  std::size_t items = 0;
  for (std::size_t i = 0; i < ids.size();) {
    std::size_t k = i;
    while (k + 1 < ids.size() && ids[k + 1] == ids[k] + 1) ++k;
    if (items++ == max_items) {
      s += ", ...";
      break;
    }
    s += (s.empty() ? "" : ", ") + std::to_string(ids[i]);
    if (k > i) s += "-" + std::to_string(ids[k]);
    i = k + 1;
  }
  return s;
}

bool has_extension(const std::string& path, const char* ext) {
  std::string e = fs::path(path).extension().string();
  std::transform(e.begin(), e.end(), e.begin(), ::tolower);
  return e == ext;
}

}  // namespace

void merge_tables(const std::vector<std::string>& shards, const std::string& output,
                  const std::string& command_line) {
  if (shards.empty()) {
    throw UserError("nothing to merge", "no shard tables were given",
                    "gpudose batch merge SHARD.h5... -o TABLE.h5");
  }
  fs::path dir = fs::path(output).parent_path();
  if (dir.empty()) dir = ".";
  if (!has_extension(output, ".h5") && !has_extension(output, ".hdf5")) {
    throw UserError("the merged table '" + output + "' must be an HDF5 file",
                    "its extension is not .h5", "use -o TABLE.h5");
  }
  if (!fs::is_directory(dir) || ::access(dir.c_str(), W_OK) != 0) {
    throw UserError("cannot write '" + output + "'",
                    "folder '" + dir.string() + "' does not exist or is not writable",
                    "create the folder or choose another -o destination");
  }
  std::vector<TableContents> tables;
  for (const auto& s : shards) tables.push_back(read_table(s));
  const Plan& plan = tables.front().plan;
  std::map<std::uint32_t, std::string> owner;
  std::vector<JobRecord> records;
  for (std::size_t i = 0; i < tables.size(); ++i) {
    if (tables[i].plan.hash != plan.hash) {
      throw UserError(
          "shards '" + shards[0] + "' and '" + shards[i] + "' come from different plans",
          "plan " + plan.hash.substr(0, 12) + " vs " + tables[i].plan.hash.substr(0, 12),
          "merge only the shards of one plan");
    }
    for (auto& r : tables[i].records) {
      const auto [it, fresh] = owner.insert({r.job_id, shards[i]});
      if (!fresh) {
        throw UserError("job " + std::to_string(r.job_id) + " is in both '" + it->second +
                            "' and '" + shards[i] + "'",
                        "every job must come from exactly one shard",
                        "give each shard once (a shard listed twice?)");
      }
      records.push_back(std::move(r));
    }
  }
  std::vector<std::uint32_t> missing;
  for (const PlanJob& j : plan.jobs) {
    if (!owner.count(j.job_id)) missing.push_back(j.job_id);
  }
  if (!missing.empty()) {
    throw UserError(
        "the shards lack " + std::to_string(missing.size()) + " of the plan's " +
            std::to_string(plan.jobs.size()) + " jobs",
        "missing job ids: " + ranges(missing),
        "finish the missing shards (`gpudose batch status` lists them) and merge again");
  }
  write_table(output, plan, ShardSpec{1, 1}, plan.jobs.size(), records);

  // Provenance: the shards' files, job by job.
  nlohmann::ordered_json jobs = nlohmann::ordered_json::object();
  std::map<std::uint32_t, nlohmann::ordered_json> by_id;
  for (const auto& s : shards) {
    const std::string p = provenance_path(s);
    if (!fs::exists(p)) continue;
    try {
      const auto j = nlohmann::ordered_json::parse(read_text_file(p, "provenance"));
      for (const auto& [id, v] : j.at("jobs").items()) by_id[std::stoul(id)] = v;
    } catch (const std::exception&) {
      // Provenance is informative only; a damaged file does not block the results.
    }
  }
  for (auto& [id, v] : by_id) jobs[std::to_string(id)] = v;
  nlohmann::ordered_json j;
  j["table"] = fs::path(output).filename().string();
  j["plan_hash"] = plan.hash;
  j["command"] = command_line;
  j["merged_from"] = shards;
  j["jobs"] = jobs;
  write_file_durably(provenance_path(output), j.dump(1) + "\n");
}

std::string batch_status(const std::vector<std::string>& files, bool& complete) {
  std::optional<Plan> plan;
  std::set<std::uint32_t> done;
  std::ostringstream o;
  auto use_plan = [&](const Plan& p, const std::string& from) {
    if (plan && plan->hash != p.hash) {
      throw UserError("'" + from + "' belongs to another plan",
                      "plan " + p.hash.substr(0, 12) + " vs " + plan->hash.substr(0, 12),
                      "give the files of one plan");
    }
    plan = p;
  };
  for (const auto& f : files) {
    if (has_extension(f, ".json")) {
      use_plan(read_plan(f), f);
      continue;
    }
    if (fs::exists(f) && !fs::is_directory(f)) {
      const TableContents t = read_table(f);
      use_plan(t.plan, f);
      for (const auto& r : t.records) done.insert(r.job_id);
      o << f << ": table, shard " << t.shard << ", " << t.records.size() << " of "
        << t.jobs_in_shard << " shard jobs\n";
      continue;
    }
    // A table still being computed: its record folder.
    const std::string dir =
        fs::is_directory(f) && has_extension(f, ".jobs") ? f : job_record_dir(f);
    if (!fs::is_directory(dir)) {
      throw UserError("cannot read '" + f + "'",
                      "neither a plan, a table nor a running table's "
                      "records",
                      "give PLAN.json, TABLE.h5 or TABLE.h5.jobs");
    }
    const Plan p = read_plan(dir + "/plan.json");
    use_plan(p, f);
    std::size_t n = 0;
    for (const auto& e : fs::directory_iterator(dir)) {
      const std::string name = e.path().filename().string();
      if (name.rfind("job-", 0) != 0 || e.path().extension() != ".json" ||
          name.find(".tmp.") != std::string::npos) {
        continue;
      }
      const JobRecord r =
          parse_record_file(read_text_file(e.path().string(), "job record"), e.path().string());
      if (r.plan_hash != p.hash) {
        throw UserError("job record '" + e.path().string() + "' belongs to another plan",
                        "plan " + r.plan_hash.substr(0, 12), "use one output per plan");
      }
      done.insert(r.job_id);
      ++n;
    }
    o << dir << ": " << n << " job records (run in progress or interrupted)\n";
  }
  if (!plan)
    throw UserError("no plan or table given", "nothing to report", "give PLAN.json or TABLE.h5");
  std::vector<std::uint32_t> missing;
  for (const PlanJob& j : plan->jobs) {
    if (!done.count(j.job_id)) missing.push_back(j.job_id);
  }
  o << "plan " << plan->hash.substr(0, 12) << ": " << plan->jobs.size() << " jobs, "
    << plan->jobs.size() - missing.size() << " done, " << missing.size() << " missing\n";
  if (!missing.empty()) o << "missing job ids: " << ranges(missing, 50) << "\n";
  complete = missing.empty();
  return o.str();
}

}  // namespace gpudose
