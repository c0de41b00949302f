#include "host/batch/record.hh"

#include <cmath>
#include <limits>
#include <nlohmann/json.hpp>

#include "host/foundation/build_info.hh"
#include "host/foundation/sha256.hh"
#include "host/foundation/user_error.hh"

namespace gpudose {
namespace {

using nlohmann::json;

constexpr const char* kRecordFormat = "gpudose-batch-job";

// JSON has no infinity (a target no history reached has an infinite relative uncertainty):
// non-finite numbers are written as the strings "inf", "-inf", "nan".
json number(double v) {
  if (std::isfinite(v)) return v;
  if (std::isnan(v)) return "nan";
  return v > 0 ? "inf" : "-inf";
}

double to_number(const json& j) {
  if (j.is_number()) return j.get<double>();
  const std::string s = j.get<std::string>();
  if (s == "inf") return std::numeric_limits<double>::infinity();
  if (s == "-inf") return -std::numeric_limits<double>::infinity();
  if (s == "nan") return std::numeric_limits<double>::quiet_NaN();
  throw json::type_error::create(302, "not a number: " + s, nullptr);
}

json numbers(const std::vector<double>& v) {
  json a = json::array();
  for (double x : v) a.push_back(number(x));
  return a;
}

std::vector<double> to_numbers(const json& j) {
  std::vector<double> v;
  for (const json& x : j) v.push_back(to_number(x));
  return v;
}

json result_json(const JobRecord& r) {
  json j;  // std::map keys: sorted, so dump() is canonical
  j["plan_hash"] = r.plan_hash;
  j["job_id"] = r.job_id;
  j["model"] = r.model;
  j["source"] = r.source;
  j["source_ids"] = r.source_ids;
  j["particle"] = r.particle;
  j["energy_mev"] = number(r.energy_mev);
  j["histories"] = r.histories;
  j["batches"] = r.batches;
  j["batch_size"] = r.batch_size;
  j["stop_reason"] = r.stop_reason;
  j["backend"] = r.backend;
  j["escaped_fraction"] = number(r.escaped_fraction);
  j["engine"] = r.engine;
  j["git_commit"] = r.git_commit;
  j["phantom_digest"] = r.phantom_digest;
  j["physics_digest"] = r.physics_digest;
  j["target_names"] = r.target_names;
  j["target_ids"] = r.target_ids;
  j["target_mass_kg"] = numbers(r.target_mass_kg);
  j["af"] = numbers(r.af);
  j["saf_per_kg"] = numbers(r.saf_per_kg);
  j["rel_unc"] = numbers(r.rel_unc);
  return j;
}

JobRecord from_result_json(const json& j) {
  JobRecord r;
  r.plan_hash = j.at("plan_hash").get<std::string>();
  r.job_id = j.at("job_id").get<std::uint32_t>();
  r.model = j.at("model").get<std::string>();
  r.source = j.at("source").get<std::string>();
  r.source_ids = j.at("source_ids").get<std::vector<int>>();
  r.particle = j.at("particle").get<std::string>();
  r.energy_mev = to_number(j.at("energy_mev"));
  r.histories = j.at("histories").get<std::uint64_t>();
  r.batches = j.at("batches").get<std::uint64_t>();
  r.batch_size = j.at("batch_size").get<std::uint64_t>();
  r.stop_reason = j.at("stop_reason").get<std::string>();
  r.backend = j.at("backend").get<std::string>();
  r.escaped_fraction = to_number(j.at("escaped_fraction"));
  r.engine = j.at("engine").get<std::string>();
  r.git_commit = j.at("git_commit").get<std::string>();
  r.phantom_digest = j.at("phantom_digest").get<std::string>();
  r.physics_digest = j.at("physics_digest").get<std::string>();
  r.target_names = j.at("target_names").get<std::vector<std::string>>();
  r.target_ids = j.at("target_ids").get<std::vector<std::string>>();
  r.target_mass_kg = to_numbers(j.at("target_mass_kg"));
  r.af = to_numbers(j.at("af"));
  r.saf_per_kg = to_numbers(j.at("saf_per_kg"));
  r.rel_unc = to_numbers(j.at("rel_unc"));
  const std::size_t t = r.target_names.size();
  if (r.target_ids.size() != t || r.target_mass_kg.size() != t || r.af.size() != t ||
      r.saf_per_kg.size() != t || r.rel_unc.size() != t) {
    throw json::other_error::create(501, "target arrays differ in length", nullptr);
  }
  return r;
}

std::string ids_text(const std::vector<int>& ids) {
  std::string s;
  for (std::size_t i = 0; i < ids.size(); ++i) s += (i ? " " : "") + std::to_string(ids[i]);
  return s;
}

}  // namespace

std::string checksum_list_digest(const std::vector<std::pair<std::string, std::string>>& list) {
  std::string s;
  for (const auto& [file, sum] : list) s += file + " " + sum + "\n";
  return sha256_text(s);
}

JobRecord make_job_record(const Plan& plan, const PlanJob& job, const RunResult& r,
                          const std::string& phantom_digest, const std::string& physics_digest) {
  JobRecord rec;
  rec.plan_hash = plan.hash;
  rec.job_id = job.job_id;
  rec.model = r.model;
  rec.source = r.source;
  rec.source_ids = r.source_ids;
  rec.particle = r.particle;
  rec.energy_mev = r.energy_mev;
  rec.histories = r.histories;
  rec.batches = r.batches;
  rec.batch_size = r.batch_size;
  rec.stop_reason = r.stop_reason;
  rec.backend = r.backend;
  rec.escaped_fraction = r.escaped_fraction;
  rec.engine = "gpudose " + build_info().version;
  rec.git_commit = build_info().git_commit;
  rec.phantom_digest = phantom_digest;
  rec.physics_digest = physics_digest;
  for (const TargetResult& t : r.targets) {
    rec.target_names.push_back(t.name);
    rec.target_ids.push_back(ids_text(t.ids));
    rec.target_mass_kg.push_back(t.mass_kg);
    rec.af.push_back(t.af);
    rec.saf_per_kg.push_back(t.saf_per_kg);
    rec.rel_unc.push_back(t.rel_unc);
  }
  rec.provenance = r.provenance;
  rec.provenance.push_back({"wall_s", std::to_string(r.wall_s)});
  rec.provenance.push_back({"histories_per_s", std::to_string(r.histories_per_s)});
  std::string devices;
  for (const auto& d : r.devices) devices += (devices.empty() ? "" : "; ") + d;
  rec.provenance.push_back({"devices", devices});
  return rec;
}

std::string record_canonical_json(const JobRecord& r) { return result_json(r).dump(); }

std::string record_checksum(const JobRecord& r) { return sha256_text(record_canonical_json(r)); }

std::string record_file_text(const JobRecord& r) {
  json prov = json::object();
  for (const auto& [k, v] : r.provenance) prov[k] = v;
  json j;
  j["format"] = kRecordFormat;
  j["result"] = result_json(r);
  j["result_sha256"] = record_checksum(r);
  j["provenance"] = prov;
  return j.dump(1) + "\n";
}

JobRecord parse_record_file(const std::string& text, const std::string& path) {
  auto corrupt = [&](const std::string& why) {
    return UserError("job record '" + path + "' is corrupt", why,
                     "delete that file and run `gpudose batch run` again to recompute that job "
                     "(the other finished jobs are kept)");
  };
  JobRecord r;
  std::string stored;
  try {
    const json j = json::parse(text);
    if (j.value("format", "") != kRecordFormat) throw corrupt("not a gpudose job record");
    r = from_result_json(j.at("result"));
    stored = j.at("result_sha256").get<std::string>();
    for (const auto& [k, v] : j.at("provenance").items()) {
      r.provenance.push_back({k, v.is_string() ? v.get<std::string>() : v.dump()});
    }
  } catch (const json::exception& e) {
    throw corrupt(e.what());
  }
  if (record_checksum(r) != stored) throw corrupt("its result does not match result_sha256");
  return r;
}

void check_record_matches(const JobRecord& r, const Plan& plan, const PlanJob& job,
                          const std::string& origin) {
  std::string why;
  if (r.plan_hash != plan.hash) {
    why = "it belongs to plan " + r.plan_hash.substr(0, 12) + ", not " + plan.hash.substr(0, 12);
  } else if (r.job_id != job.job_id || r.model != job.model || r.particle != job.particle ||
             r.source != job.source || r.energy_mev != job.energy_mev) {
    why = "it does not hold job " + std::to_string(job.job_id) + " of the plan";
  }
  if (!why.empty()) {
    throw UserError("job record '" + origin + "' does not fit the plan", why,
                    "use a separate output for each plan (or delete the stale record)");
  }
}

}  // namespace gpudose
