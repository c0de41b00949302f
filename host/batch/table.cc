// The SAF table's writer and reader (layout in table.hh). They stay in one file, above the
// ~500-line guide, because they share the HDF5 helpers and the layout they must agree on byte for
// byte; split, each half would repeat the other's dataset names and types.
#include "host/batch/table.hh"

#include <fcntl.h>
#include <hdf5.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

#include "host/foundation/durable_file.hh"
#include "host/foundation/hdf5_handle.hh"
#include "host/foundation/hdf5_memory_file.hh"
#include "host/foundation/user_error.hh"

namespace gpudose {
namespace {

constexpr const char* kTableFormat = "gpudose-batch-table";
constexpr int kTableFormatVersion = 1;

// Any HDF5 failure while reading: the file is not a (complete) table.
struct Corrupt : std::runtime_error {
  using std::runtime_error::runtime_error;
};

hid_t check(hid_t id, const std::string& what) {
  if (id < 0) throw Corrupt(what);
  return id;
}
void check_status(herr_t s, const std::string& what) {
  if (s < 0) throw Corrupt(what);
}

// Creation property lists without time stamps: object headers then hold nothing that depends
// on when the file was written.
hid_t no_times(hid_t cls) {
  const hid_t p = H5Pcreate(cls);
  H5Pset_obj_track_times(p, 0);
  return p;
}

hid_t fixed_string_type(std::size_t size) {
  const hid_t t = H5Tcopy(H5T_C_S1);
  H5Tset_size(t, std::max<std::size_t>(1, size));
  H5Tset_strpad(t, H5T_STR_NULLPAD);
  return t;
}

void attr_string(hid_t loc, const std::string& name, const std::string& value) {
  Hdf5Handle type(fixed_string_type(value.size()), H5Tclose);
  Hdf5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Hdf5Handle attr(check(H5Acreate2(loc, name.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT), name),
                  H5Aclose);
  std::string buf = value;
  buf.resize(std::max<std::size_t>(1, value.size()), '\0');
  check_status(H5Awrite(attr, type, buf.data()), name);
}

void attr_u64(hid_t loc, const std::string& name, std::uint64_t value) {
  Hdf5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Hdf5Handle attr(
      check(H5Acreate2(loc, name.c_str(), H5T_STD_U64LE, space, H5P_DEFAULT, H5P_DEFAULT), name),
      H5Aclose);
  check_status(H5Awrite(attr, H5T_NATIVE_UINT64, &value), name);
}

void attr_double(hid_t loc, const std::string& name, double value) {
  Hdf5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Hdf5Handle attr(
      check(H5Acreate2(loc, name.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT), name),
      H5Aclose);
  check_status(H5Awrite(attr, H5T_NATIVE_DOUBLE, &value), name);
}

hid_t create_group(hid_t loc, const std::string& name) {
  Hdf5Handle gcpl(no_times(H5P_GROUP_CREATE), H5Pclose);
  return check(H5Gcreate2(loc, name.c_str(), H5P_DEFAULT, gcpl, H5P_DEFAULT), name);
}

void write_dataset(hid_t loc, const std::string& name, hid_t file_type, hid_t mem_type,
                   const std::vector<hsize_t>& dims, const void* data, const std::string& unit) {
  Hdf5Handle dcpl(no_times(H5P_DATASET_CREATE), H5Pclose);
  Hdf5Handle space(H5Screate_simple(static_cast<int>(dims.size()), dims.data(), nullptr), H5Sclose);
  Hdf5Handle ds(
      check(H5Dcreate2(loc, name.c_str(), file_type, space, H5P_DEFAULT, dcpl, H5P_DEFAULT), name),
      H5Dclose);
  check_status(H5Dwrite(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, data), name);
  if (!unit.empty()) attr_string(ds, "unit", unit);
}

void write_doubles(hid_t loc, const std::string& name, const std::vector<double>& v,
                   std::vector<hsize_t> dims, const std::string& unit) {
  write_dataset(loc, name, H5T_IEEE_F64LE, H5T_NATIVE_DOUBLE, dims, v.data(), unit);
}

void write_u64(hid_t loc, const std::string& name, const std::vector<std::uint64_t>& v) {
  write_dataset(loc, name, H5T_STD_U64LE, H5T_NATIVE_UINT64, {v.size()}, v.data(), "");
}

void write_u32(hid_t loc, const std::string& name, const std::vector<std::uint32_t>& v) {
  write_dataset(loc, name, H5T_STD_U32LE, H5T_NATIVE_UINT32, {v.size()}, v.data(), "");
}

void write_strings(hid_t loc, const std::string& name, const std::vector<std::string>& v) {
  std::size_t width = 1;
  for (const auto& s : v) width = std::max(width, s.size());
  std::vector<char> buf(width * v.size(), '\0');
  for (std::size_t i = 0; i < v.size(); ++i) std::memcpy(&buf[i * width], v[i].data(), v[i].size());
  Hdf5Handle type(fixed_string_type(width), H5Tclose);
  write_dataset(loc, name, type, type, {v.size()}, buf.data(), "");
}

// --- reading ---

std::string read_attr_string(hid_t loc, const std::string& name) {
  Hdf5Handle attr(check(H5Aopen(loc, name.c_str(), H5P_DEFAULT), "attribute " + name), H5Aclose);
  Hdf5Handle type(check(H5Aget_type(attr), name), H5Tclose);
  if (H5Tget_class(type) != H5T_STRING || H5Tis_variable_str(type) > 0) {
    throw Corrupt("attribute " + name + " is not a fixed-length string");
  }
  const std::size_t size = H5Tget_size(type);
  std::string buf(size, '\0');
  check_status(H5Aread(attr, type, buf.data()), name);
  buf.resize(std::strlen(buf.c_str()));
  return buf;
}

std::uint64_t read_attr_u64(hid_t loc, const std::string& name) {
  Hdf5Handle attr(check(H5Aopen(loc, name.c_str(), H5P_DEFAULT), "attribute " + name), H5Aclose);
  std::uint64_t v = 0;
  check_status(H5Aread(attr, H5T_NATIVE_UINT64, &v), name);
  return v;
}

std::vector<hsize_t> dataset_dims(hid_t ds) {
  Hdf5Handle space(H5Dget_space(ds), H5Sclose);
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) throw Corrupt("bad dataspace");
  std::vector<hsize_t> dims(rank);
  H5Sget_simple_extent_dims(space, dims.data(), nullptr);
  return dims;
}

template <typename T>
std::vector<T> read_numbers(hid_t loc, const std::string& name, hid_t mem_type,
                            const std::vector<hsize_t>& expect) {
  Hdf5Handle ds(check(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), "dataset " + name), H5Dclose);
  if (dataset_dims(ds) != expect) throw Corrupt("dataset " + name + " has the wrong shape");
  std::size_t n = 1;
  for (hsize_t d : expect) n *= d;
  std::vector<T> v(n);
  if (n) check_status(H5Dread(ds, mem_type, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), name);
  return v;
}

std::vector<std::string> read_strings(hid_t loc, const std::string& name, hsize_t expect) {
  Hdf5Handle ds(check(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), "dataset " + name), H5Dclose);
  if (dataset_dims(ds) != std::vector<hsize_t>{expect}) {
    throw Corrupt("dataset " + name + " has the wrong shape");
  }
  Hdf5Handle type(check(H5Dget_type(ds), name), H5Tclose);
  if (H5Tget_class(type) != H5T_STRING || H5Tis_variable_str(type) > 0) {
    throw Corrupt("dataset " + name + " is not fixed-length strings");
  }
  const std::size_t width = H5Tget_size(type);
  std::vector<char> buf(width * expect + 1, '\0');
  if (expect) check_status(H5Dread(ds, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()), name);
  std::vector<std::string> out;
  for (hsize_t i = 0; i < expect; ++i) {
    std::string s(&buf[i * width], width);
    s.resize(std::strlen(s.c_str()));
    out.push_back(s);
  }
  return out;
}

hsize_t dataset_length(hid_t loc, const std::string& name) {
  Hdf5Handle ds(check(H5Dopen2(loc, name.c_str(), H5P_DEFAULT), "dataset " + name), H5Dclose);
  const auto dims = dataset_dims(ds);
  if (dims.size() != 1) throw Corrupt("dataset " + name + " is not one-dimensional");
  return dims[0];
}

std::vector<std::string> child_names(hid_t group) {
  H5G_info_t info;
  check_status(H5Gget_info(group, &info), "group info");
  std::vector<std::string> names;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t n =
        H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    if (n < 0) throw Corrupt("link name");
    std::string name(static_cast<std::size_t>(n) + 1, '\0');
    H5Lget_name_by_idx(group, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), name.size(),
                       H5P_DEFAULT);
    name.resize(static_cast<std::size_t>(n));
    names.push_back(name);
  }
  return names;
}

bool is_group(hid_t loc, const std::string& name) {
  return Hdf5Handle(H5Gopen2(loc, name.c_str(), H5P_DEFAULT), H5Gclose).ok();  // errors silenced
}

std::string group_name(const std::string& source) {
  std::string out;
  for (char c : source) out += (c == '/') ? std::string("%2F") : std::string(1, c);
  return out;
}

std::vector<int> parse_ids(const std::string& s) {
  std::vector<int> ids;
  std::istringstream in(s);
  int v;
  while (in >> v) ids.push_back(v);
  return ids;
}

std::string ids_text(const std::vector<int>& ids) {
  std::string s;
  for (std::size_t i = 0; i < ids.size(); ++i) s += (i ? " " : "") + std::to_string(ids[i]);
  return s;
}

// Every record must share these (they are stored once).
void require_same(const std::string& what, const std::string& a, const std::string& b,
                  std::uint32_t job) {
  if (a != b) {
    throw UserError(
        "job " + std::to_string(job) + " was computed with a different " + what,
        "'" + b + "' vs '" + a + "'; one table must come from one build and one data set",
        "recompute the odd jobs (delete their records) or use separate outputs");
  }
}

}  // namespace

void write_table(const std::string& path, const Plan& plan, const ShardSpec& shard,
                 std::size_t jobs_in_shard, std::vector<JobRecord> records) {
  std::sort(records.begin(), records.end(),
            [](const JobRecord& a, const JobRecord& b) { return a.job_id < b.job_id; });
  std::map<std::string, std::string> phantom_digest;  // model -> digest
  for (const JobRecord& r : records) {
    require_same("engine build", records.front().git_commit, r.git_commit, r.job_id);
    require_same("engine version", records.front().engine, r.engine, r.job_id);
    require_same("physics library", records.front().physics_digest, r.physics_digest, r.job_id);
    auto [it, fresh] = phantom_digest.insert({r.model, r.phantom_digest});
    if (!fresh) require_same(r.model + " phantom", it->second, r.phantom_digest, r.job_id);
  }
  // model -> particle -> source -> records (energy ascending)
  std::map<std::string, std::map<std::string, std::map<std::string, std::vector<const JobRecord*>>>>
      tree;
  for (const JobRecord& r : records) tree[r.model][r.particle][r.source].push_back(&r);

  // Built in memory and written in one durable write (host/foundation/hdf5_memory_file.hh):
  // a full disk fails there, with one line and no file, never inside HDF5.
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  Hdf5MemoryFile memory;
  const hid_t file = memory.id();
  try {
    {
      Hdf5Handle root(check(H5Gopen2(file, "/", H5P_DEFAULT), "/"), H5Gclose);
      attr_string(root, "format", kTableFormat);
      attr_u64(root, "format_version", kTableFormatVersion);
      attr_string(root, "plan_hash", plan.hash);
      attr_string(root, "seed", std::to_string(plan.seed));
      attr_string(root, "shard", shard.text());
      attr_u64(root, "jobs_in_plan", plan.jobs.size());
      attr_u64(root, "jobs_in_shard", jobs_in_shard);
      attr_u64(root, "jobs_in_table", records.size());
      attr_string(root, "engine", records.empty() ? "" : records.front().engine);
      attr_string(root, "git_commit", records.empty() ? "" : records.front().git_commit);
      attr_string(root, "physics_digest", records.empty() ? "" : records.front().physics_digest);
      // Back ends may differ between shards (GPU and CPU nodes): each job's is in its group;
      // this attribute lists them all, e.g. "cpu+cuda".
      std::set<std::string> backends;
      for (const JobRecord& r : records) backends.insert(r.backend);
      std::string backend_list;
      for (const auto& b : backends) backend_list += (backend_list.empty() ? "" : "+") + b;
      attr_string(root, "backend", backend_list);
      attr_string(root, "sampling", plan.sampling);
      attr_double(root, "photon_cutoff_mev", plan.cutoff_mev);
      attr_string(root, "electron_transport", plan.electron_transport);
      attr_double(root, "electron_cutoff_mev", plan.electron_cutoff_mev);
      attr_string(root, "range_rejection", plan.range_rejection);
      attr_string(root, "units",
                  "energy_mev MeV; target_mass_kg kg; af 1; saf_per_kg 1/kg; rel_unc relative "
                  "1-sigma; histories count");
      attr_string(root, "provenance",
                  "wall times, dates, devices and command lines: the .provenance.json file "
                  "next to this table");
      write_strings(root, "plan", {plan_json(plan)});
      std::vector<std::uint32_t> ids;
      for (const JobRecord& r : records) ids.push_back(r.job_id);
      write_u32(root, "job_ids", ids);
    }
    for (const auto& [model, particles] : tree) {
      Hdf5Handle mg(create_group(file, model), H5Gclose);
      attr_string(mg, "phantom_digest", phantom_digest[model]);
      for (const auto& [particle, sources] : particles) {
        Hdf5Handle pg(create_group(mg, particle), H5Gclose);
        for (const auto& [source, list_in] : sources) {
          std::vector<const JobRecord*> list = list_in;
          std::sort(list.begin(), list.end(), [](const JobRecord* a, const JobRecord* b) {
            return a->energy_mev < b->energy_mev;
          });
          const JobRecord& first = *list.front();
          Hdf5Handle sg(create_group(pg, group_name(source)), H5Gclose);
          attr_string(sg, "source", source);
          attr_string(sg, "source_ids", ids_text(first.source_ids));
          const std::size_t ne = list.size(), nt = first.target_names.size();
          std::vector<double> energy, escaped, af, saf, unc;
          std::vector<std::uint32_t> job_id;
          std::vector<std::uint64_t> histories, batches, batch_size;
          std::vector<std::string> stop, backend, sums;
          for (const JobRecord* r : list) {
            if (r->target_names != first.target_names || r->target_ids != first.target_ids ||
                r->target_mass_kg != first.target_mass_kg || r->source_ids != first.source_ids) {
              throw UserError("jobs " + std::to_string(first.job_id) + " and " +
                                  std::to_string(r->job_id) + " have different target regions",
                              "they were computed with different region tables",
                              "recompute one of them with the current build");
            }
            energy.push_back(r->energy_mev);
            escaped.push_back(r->escaped_fraction);
            job_id.push_back(r->job_id);
            histories.push_back(r->histories);
            batches.push_back(r->batches);
            batch_size.push_back(r->batch_size);
            stop.push_back(r->stop_reason);
            backend.push_back(r->backend);
            sums.push_back(record_checksum(*r));
            af.insert(af.end(), r->af.begin(), r->af.end());
            saf.insert(saf.end(), r->saf_per_kg.begin(), r->saf_per_kg.end());
            unc.insert(unc.end(), r->rel_unc.begin(), r->rel_unc.end());
          }
          write_doubles(sg, "energy_mev", energy, {ne}, "MeV");
          write_u32(sg, "job_id", job_id);
          write_u64(sg, "histories", histories);
          write_u64(sg, "batches", batches);
          write_u64(sg, "batch_size", batch_size);
          write_strings(sg, "stop_reason", stop);
          write_strings(sg, "backend", backend);
          write_doubles(sg, "escaped_fraction", escaped, {ne}, "energy escaping / emitted");
          write_strings(sg, "job_sha256", sums);
          write_strings(sg, "target_name", first.target_names);
          write_strings(sg, "target_ids", first.target_ids);
          write_doubles(sg, "target_mass_kg", first.target_mass_kg, {nt}, "kg");
          write_doubles(sg, "af", af, {ne, nt}, "1");
          write_doubles(sg, "saf_per_kg", saf, {ne, nt}, "1/kg");
          write_doubles(sg, "rel_unc", unc, {ne, nt}, "relative 1-sigma");
        }
      }
    }
  } catch (const Corrupt& e) {
    throw UserError("cannot write '" + path + "'", std::string("HDF5 failed at ") + e.what(),
                    "report this with the command line; finished jobs are kept in the .jobs "
                    "folder");
  }
  memory.write_to(path,
                  "free disk space and run again; finished jobs are kept in the .jobs folder");
}

TableContents read_table(const std::string& path) {
  if (::access(path.c_str(), R_OK) != 0) {
    throw UserError("cannot read table '" + path + "'", "it does not exist or is unreadable",
                    "check the path");
  }
  H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr);
  TableContents out;
  try {
    if (H5Fis_hdf5(path.c_str()) <= 0) throw Corrupt("not an HDF5 file");
    Hdf5Handle file(check(H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), "open"), H5Fclose);
    Hdf5Handle root(check(H5Gopen2(file, "/", H5P_DEFAULT), "/"), H5Gclose);
    if (read_attr_string(root, "format") != kTableFormat) throw Corrupt("not a gpudose table");
    if (read_attr_u64(root, "format_version") != kTableFormatVersion) {
      throw Corrupt("unsupported format_version");
    }
    const std::string plan_text = read_strings(root, "plan", 1).at(0);
    out.plan = parse_plan(plan_text, path + ":/plan");
    if (read_attr_string(root, "plan_hash") != out.plan.hash) {
      throw Corrupt("plan_hash attribute differs from the embedded plan");
    }
    out.shard = read_attr_string(root, "shard");
    out.jobs_in_shard = read_attr_u64(root, "jobs_in_shard");
    const std::uint64_t n_jobs = read_attr_u64(root, "jobs_in_table");
    const std::string engine = read_attr_string(root, "engine");
    const std::string commit = read_attr_string(root, "git_commit");
    const std::string physics = read_attr_string(root, "physics_digest");
    const auto ids = read_numbers<std::uint32_t>(root, "job_ids", H5T_NATIVE_UINT32, {n_jobs});
    for (const std::string& model : child_names(root)) {
      if (!is_group(root, model)) continue;
      Hdf5Handle mg(check(H5Gopen2(root, model.c_str(), H5P_DEFAULT), model), H5Gclose);
      const std::string phantom = read_attr_string(mg, "phantom_digest");
      for (const std::string& particle : child_names(mg)) {
        Hdf5Handle pg(check(H5Gopen2(mg, particle.c_str(), H5P_DEFAULT), particle), H5Gclose);
        for (const std::string& gname : child_names(pg)) {
          Hdf5Handle sg(check(H5Gopen2(pg, gname.c_str(), H5P_DEFAULT), gname), H5Gclose);
          const std::string source = read_attr_string(sg, "source");
          const std::vector<int> source_ids = parse_ids(read_attr_string(sg, "source_ids"));
          const hsize_t ne = dataset_length(sg, "energy_mev");
          const hsize_t nt = dataset_length(sg, "target_name");
          const auto energy = read_numbers<double>(sg, "energy_mev", H5T_NATIVE_DOUBLE, {ne});
          const auto job_id = read_numbers<std::uint32_t>(sg, "job_id", H5T_NATIVE_UINT32, {ne});
          const auto hist = read_numbers<std::uint64_t>(sg, "histories", H5T_NATIVE_UINT64, {ne});
          const auto bat = read_numbers<std::uint64_t>(sg, "batches", H5T_NATIVE_UINT64, {ne});
          const auto bs = read_numbers<std::uint64_t>(sg, "batch_size", H5T_NATIVE_UINT64, {ne});
          const auto stop = read_strings(sg, "stop_reason", ne);
          const auto backend = read_strings(sg, "backend", ne);
          const auto esc = read_numbers<double>(sg, "escaped_fraction", H5T_NATIVE_DOUBLE, {ne});
          const auto sums = read_strings(sg, "job_sha256", ne);
          const auto tname = read_strings(sg, "target_name", nt);
          const auto tids = read_strings(sg, "target_ids", nt);
          const auto tmass = read_numbers<double>(sg, "target_mass_kg", H5T_NATIVE_DOUBLE, {nt});
          const auto af = read_numbers<double>(sg, "af", H5T_NATIVE_DOUBLE, {ne, nt});
          const auto saf = read_numbers<double>(sg, "saf_per_kg", H5T_NATIVE_DOUBLE, {ne, nt});
          const auto unc = read_numbers<double>(sg, "rel_unc", H5T_NATIVE_DOUBLE, {ne, nt});
          for (hsize_t e = 0; e < ne; ++e) {
            JobRecord r;
            r.plan_hash = out.plan.hash;
            r.job_id = job_id[e];
            r.model = model;
            r.source = source;
            r.source_ids = source_ids;
            r.particle = particle;
            r.energy_mev = energy[e];
            r.histories = hist[e];
            r.batches = bat[e];
            r.batch_size = bs[e];
            r.stop_reason = stop[e];
            r.backend = backend[e];
            r.escaped_fraction = esc[e];
            r.engine = engine;
            r.git_commit = commit;
            r.phantom_digest = phantom;
            r.physics_digest = physics;
            r.target_names = tname;
            r.target_ids = tids;
            r.target_mass_kg = tmass;
            r.af.assign(af.begin() + e * nt, af.begin() + (e + 1) * nt);
            r.saf_per_kg.assign(saf.begin() + e * nt, saf.begin() + (e + 1) * nt);
            r.rel_unc.assign(unc.begin() + e * nt, unc.begin() + (e + 1) * nt);
            if (record_checksum(r) != sums[e]) {
              throw UserError(
                  "table '" + path + "' fails its checksum for job " + std::to_string(r.job_id),
                  "its results were changed after they were written",
                  "recompute the table (`gpudose batch run` rebuilds it from the "
                  "job records)");
            }
            out.records.push_back(std::move(r));
          }
        }
      }
    }
    std::sort(out.records.begin(), out.records.end(),
              [](const JobRecord& a, const JobRecord& b) { return a.job_id < b.job_id; });
    std::vector<std::uint32_t> found;
    for (const auto& r : out.records) found.push_back(r.job_id);
    if (found != ids) throw Corrupt("job_ids does not list the jobs the groups hold");
    for (const auto& r : out.records) {
      const auto it =
          std::lower_bound(out.plan.jobs.begin(), out.plan.jobs.end(), r.job_id,
                           [](const PlanJob& j, std::uint32_t id) { return j.job_id < id; });
      if (it == out.plan.jobs.end() || it->job_id != r.job_id) {
        throw Corrupt("job " + std::to_string(r.job_id) + " is not in the embedded plan");
      }
      check_record_matches(r, out.plan, *it, path);
    }
  } catch (const Corrupt& e) {
    throw UserError("table '" + path + "' is corrupt or not a gpudose batch table", e.what(),
                    "recompute it with `gpudose batch run` (or merge the shards again)");
  }
  return out;
}

std::string provenance_path(const std::string& table_path) {
  std::filesystem::path p(table_path);
  p.replace_extension(".provenance.json");
  return p.string();
}

void write_provenance(const std::string& table_path, const Plan& plan,
                      std::vector<JobRecord> records, const std::string& command_line) {
  std::sort(records.begin(), records.end(),
            [](const JobRecord& a, const JobRecord& b) { return a.job_id < b.job_id; });
  nlohmann::ordered_json j;
  j["table"] = std::filesystem::path(table_path).filename().string();
  j["plan_hash"] = plan.hash;
  j["command"] = command_line;
  nlohmann::ordered_json jobs = nlohmann::ordered_json::object();
  for (const JobRecord& r : records) {
    nlohmann::ordered_json p = nlohmann::ordered_json::object();
    for (const auto& [k, v] : r.provenance) p[k] = v;
    jobs[std::to_string(r.job_id)] = p;
  }
  j["jobs"] = jobs;
  write_file_durably(provenance_path(table_path), j.dump(1) + "\n");
}

}  // namespace gpudose
