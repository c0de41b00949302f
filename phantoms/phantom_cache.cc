#include "phantoms/phantom_cache.hh"

#include <hdf5.h>
#include <unistd.h>

#include <atomic>
#include <cctype>
#include <chrono>
#include <filesystem>
#include <iostream>
#include <sstream>

#include "host/foundation/content_digest.hh"
#include "host/foundation/hdf5_handle.hh"
#include "host/foundation/sha256.hh"
#include "host/foundation/user_error.hh"
#include "phantoms/boundary_distance.hh"
#include "phantoms/icrp_slices_import.hh"
#include "phantoms/opendose_import.hh"

namespace gpudose {
namespace fs = std::filesystem;

namespace {

// 2: /boundary_distance; 3: content_sha256 (the digest of the cache's own content, checked at
// every load: a value edited inside a still-valid file is noticed, issue #14).
constexpr int kCacheFormatVersion = 3;

// HDF5 prints an error stack on every failure unless told not to; our callers report instead.
void silence_hdf5() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }

[[noreturn]] void cache_error(const std::string& path, const std::string& why) {
  throw UserError("cannot use phantom cache '" + path + "'", why,
                  "delete it and run `gpudose phantom import`");
}

// A UserError's "what (why)" without its "; what to do" part, for messages that do it.
std::string what_and_why(const UserError& e) {
  std::string s = e.what();
  const auto cut = s.rfind("); ");
  if (cut != std::string::npos) s.resize(cut + 1);
  return s;
}

void check(herr_t status, const std::string& path, const std::string& what) {
  if (status < 0) cache_error(path, what + " failed");
}

void write_string_attr(hid_t obj, const char* name, const std::string& value,
                       const std::string& path) {
  Hdf5Handle type(H5Tcopy(H5T_C_S1), H5Tclose);
  check(H5Tset_size(type, value.empty() ? 1 : value.size()), path, "string type");
  Hdf5Handle space(H5Screate(H5S_SCALAR), H5Sclose);
  Hdf5Handle attr(H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attr.ok()) cache_error(path, std::string("creating attribute ") + name);
  const std::string v = value.empty() ? std::string(1, '\0') : value;
  check(H5Awrite(attr, type, v.data()), path, std::string("writing ") + name);
}

std::string read_string_attr(hid_t obj, const char* name, const std::string& path) {
  Hdf5Handle attr(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  if (!attr.ok()) cache_error(path, std::string("no attribute ") + name);
  Hdf5Handle type(H5Aget_type(attr), H5Tclose);
  if (H5Tget_class(type) != H5T_STRING) cache_error(path, std::string(name) + " not a string");
  const std::size_t n = H5Tget_size(type);
  std::string s(n, '\0');
  Hdf5Handle mem(H5Tcopy(H5T_C_S1), H5Tclose);
  H5Tset_size(mem, n);
  check(H5Aread(attr, mem, s.data()), path, std::string("reading ") + name);
  return std::string(s.c_str());
}

template <typename T>
void write_array_attr(hid_t obj, const char* name, hid_t type, const T* data, hsize_t n,
                      const std::string& path) {
  Hdf5Handle space(H5Screate_simple(1, &n, nullptr), H5Sclose);
  Hdf5Handle attr(H5Acreate2(obj, name, type, space, H5P_DEFAULT, H5P_DEFAULT), H5Aclose);
  if (!attr.ok()) cache_error(path, std::string("creating attribute ") + name);
  check(H5Awrite(attr, type, data), path, std::string("writing ") + name);
}

template <typename T>
std::vector<T> read_array_attr(hid_t obj, const char* name, hid_t type, hsize_t n,
                               const std::string& path) {
  Hdf5Handle attr(H5Aopen(obj, name, H5P_DEFAULT), H5Aclose);
  if (!attr.ok()) cache_error(path, std::string("no attribute ") + name);
  Hdf5Handle space(H5Aget_space(attr), H5Sclose);
  if (H5Sget_simple_extent_npoints(space) != static_cast<hssize_t>(n)) {
    cache_error(path, std::string("attribute ") + name + " has the wrong length");
  }
  std::vector<T> v(n);
  check(H5Aread(attr, type, v.data()), path, std::string("reading ") + name);
  return v;
}

using SourceRecord = SourceFile;

long long mtime_ns(const std::string& path) {
  return std::chrono::duration_cast<std::chrono::nanoseconds>(
             fs::last_write_time(path).time_since_epoch())
      .count();
}

std::string relative_to(const std::string& path, const std::string& data_dir) {
  return fs::path(path).lexically_relative(fs::path(data_dir)).generic_string();
}

std::vector<SourceRecord> record_sources(const std::vector<std::string>& files,
                                         const std::string& data_dir) {
  std::vector<SourceRecord> out;
  for (const auto& f : files) {
    // Size and time first: a change while hashing then shows up as a stale cache later.
    SourceRecord r;
    r.path = relative_to(f, data_dir);
    r.size = fs::file_size(f);
    r.mtime_ns = mtime_ns(f);
    r.sha256 = sha256_file(f);
    out.push_back(r);
  }
  return out;
}

std::string format_records(const std::vector<SourceRecord>& records) {
  std::ostringstream s;
  for (const auto& r : records) {
    s << r.path << '\t' << r.size << '\t' << r.mtime_ns << '\t' << r.sha256 << '\n';
  }
  return s.str();
}

std::vector<SourceRecord> parse_records(const std::string& text) {
  std::vector<SourceRecord> out;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    std::istringstream l(line);
    SourceRecord r;
    if (std::getline(l, r.path, '\t') && l >> r.size >> r.mtime_ns >> r.sha256) out.push_back(r);
  }
  return out;
}

// SHA-256 of everything the cache stores, in one fixed order (host/foundation/content_digest.hh):
// the writer records it, the reader recomputes it from the values it read.
struct StoredPhantom {
  std::string model, source, sources;
  std::vector<int> dims;
  std::vector<double> spacing, origin, direction, unit;
  const std::vector<std::uint8_t>* labels = nullptr;
  const std::vector<std::uint16_t>* label_organ_id = nullptr;
  const std::vector<std::uint8_t>* boundary_distance = nullptr;
};

std::string content_sha256(const StoredPhantom& s) {
  ContentDigest d;
  d.add("model", s.model);
  d.add("source", s.source);
  d.add("sources", s.sources);
  d.add("dims", s.dims);
  d.add("spacing_cm", s.spacing);
  d.add("origin_mm", s.origin);
  d.add("direction", s.direction);
  d.add("labels", *s.labels);
  d.add("label_organ_id", *s.label_organ_id);
  d.add("boundary_distance", *s.boundary_distance);
  d.add("boundary_distance.unit_cm", s.unit);
  return d.hex();
}

std::string side_file(const std::string& data_dir, const std::string& model,
                      const std::string& what) {
  return icrp110_side_file_dir(data_dir) + "/" + model + "/" + model + "_" + what + ".dat";
}

void set_sources(Phantom& p, std::vector<SourceRecord> records) {
  p.source_checksums.clear();
  for (const auto& r : records) p.source_checksums.emplace_back(r.path, r.sha256);
  p.source_files = std::move(records);
}

Phantom assemble(const PhantomModelSpec& spec, std::vector<std::uint16_t> ids,
                 const std::string& data_dir, const std::string& source) {
  const auto organs = read_icrp110_organs(side_file(data_dir, spec.model, "organs"));
  auto media = load_icrp110_media(icrp110_side_file_dir(data_dir), spec.model);
  return build_phantom(spec, std::move(ids), organs, std::move(media), source);
}

}  // namespace

std::string phantom_source_name(const std::string& name) {
  std::string n = name;
  for (char& c : n) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (n == "opendose" || n == "icrp") return n;
  throw UserError("unknown phantom source '" + name + "'",
                  "opendose (MetaImage volumes) or icrp (Geant4's ICRP 110 slices)",
                  "use --source opendose|icrp");
}

std::string phantom_cache_path(const std::string& cache_dir, const std::string& model) {
  return cache_dir + "/phantoms/" + phantom_model(model).model + ".h5";
}

std::vector<std::string> phantom_source_files(const PhantomModelSpec& spec,
                                              const std::string& data_dir,
                                              const std::string& source) {
  std::vector<std::string> files;
  if (phantom_source_name(source) == "opendose") {
    const std::string mhd = opendose_mhd_path(data_dir, spec);
    files = {mhd, mhd.substr(0, mhd.size() - 4) + ".raw"};
  } else {
    files = {icrp_slices_archive(data_dir)};
  }
  files.push_back(side_file(data_dir, spec.model, "organs"));
  files.push_back(side_file(data_dir, spec.model, "media"));
  for (const auto& f : files) {
    if (!fs::is_regular_file(f)) {
      throw UserError("cannot read '" + f + "'", "missing ICRP 110 phantom file",
                      "check --data-dir / GPUDOSE_DATA points at the shared data folder (see "
                      "../shared/phantoms/README.md)");
    }
  }
  return files;
}

Phantom import_phantom(const std::string& model, const std::string& data_dir,
                       const std::string& source_in) {
  const PhantomModelSpec& spec = phantom_model(model);
  const std::string source = phantom_source_name(source_in);
  const auto files = phantom_source_files(spec, data_dir, source);
  std::vector<std::uint16_t> ids =
      source == "opendose" ? read_opendose_grid(files[0], spec) : read_icrp_slices(files[0], spec);
  Phantom p = assemble(spec, std::move(ids), data_dir, source);
  set_sources(p, record_sources(files, data_dir));
  return p;
}

CacheCheck check_phantom_cache(const std::string& cache_path, const std::string& data_dir) {
  silence_hdf5();
  CacheCheck c;
  if (!fs::is_regular_file(cache_path)) {
    c.why = "no cache yet";
    return c;
  }
  std::vector<SourceRecord> records;
  try {
    Hdf5Handle file(H5Fopen(cache_path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
    if (!file.ok()) cache_error(cache_path, "not an HDF5 file");
    const auto version =
        read_array_attr<int>(file, "format_version", H5T_NATIVE_INT, 1, cache_path);
    if (version[0] != kCacheFormatVersion) {
      c.why = "cache format " + std::to_string(version[0]) + ", this build writes " +
              std::to_string(kCacheFormatVersion);
      return c;
    }
    c.source = read_string_attr(file, "source", cache_path);
    records = parse_records(read_string_attr(file, "sources", cache_path));
  } catch (const UserError& e) {
    c.why = "unreadable: " + what_and_why(e);
    return c;
  }
  if (records.empty()) {
    c.why = "cache records no source files";
    return c;
  }
  for (const auto& r : records) {
    const std::string path = (fs::path(data_dir) / r.path).string();
    if (!fs::is_regular_file(path)) {
      c.why = "source '" + r.path + "' is missing";
      return c;
    }
    if (fs::file_size(path) != r.size) {
      c.why = "source '" + r.path + "' changed size";
      return c;
    }
    if (mtime_ns(path) != r.mtime_ns && sha256_file(path) != r.sha256) {
      c.why = "source '" + r.path + "' changed (SHA-256 differs)";
      return c;
    }
  }
  c.fresh = true;
  return c;
}

void write_phantom_cache(const Phantom& p, const std::string& cache_path) {
  silence_hdf5();
  fs::create_directories(fs::path(cache_path).parent_path());
  // Unique temporary name in the same folder, renamed at the end: concurrent writers (tests,
  // parallel runs) each produce a complete file and the last rename wins.
  static std::atomic<int> counter{0};
  const std::string tmp =
      cache_path + ".tmp." + std::to_string(::getpid()) + "." + std::to_string(counter++);
  const std::vector<SourceRecord>& records = p.source_files;
  if (records.empty()) cache_error(cache_path, "the phantom records no source files");
  {
    Hdf5Handle file(H5Fcreate(tmp.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT), H5Fclose);
    if (!file.ok()) {
      throw UserError("cannot write '" + tmp + "'", "HDF5 could not create the file",
                      "check that --cache-dir / GPUDOSE_CACHE is writable");
    }
    const hid_t f = file;
    const int version = kCacheFormatVersion;
    write_array_attr(f, "format_version", H5T_NATIVE_INT, &version, 1, tmp);
    write_string_attr(f, "model", p.model, tmp);
    write_string_attr(f, "source", p.source, tmp);
    write_string_attr(f, "generator", "gpudose phantom import", tmp);
    write_string_attr(f, "sources", format_records(records), tmp);
    const int dims[3] = {p.nx, p.ny, p.nz};
    write_array_attr(f, "dims", H5T_NATIVE_INT, dims, 3, tmp);
    const double spacing[3] = {p.dx, p.dy, p.dz};
    write_array_attr(f, "spacing_cm", H5T_NATIVE_DOUBLE, spacing, 3, tmp);
    write_array_attr(f, "origin_mm", H5T_NATIVE_DOUBLE, p.origin_mm.data(), 3, tmp);
    write_array_attr(f, "direction", H5T_NATIVE_DOUBLE, p.direction.data(), 9, tmp);

    const hsize_t shape[3] = {static_cast<hsize_t>(p.nz), static_cast<hsize_t>(p.ny),
                              static_cast<hsize_t>(p.nx)};
    const hsize_t chunk[3] = {1, shape[1], shape[2]};
    Hdf5Handle space(H5Screate_simple(3, shape, nullptr), H5Sclose);
    Hdf5Handle plist(H5Pcreate(H5P_DATASET_CREATE), H5Pclose);
    check(H5Pset_chunk(plist, 3, chunk), tmp, "chunking");
    check(H5Pset_deflate(plist, 1), tmp, "deflate");
    Hdf5Handle labels(H5Dcreate2(f, "labels", H5T_STD_U8LE, space, H5P_DEFAULT, plist, H5P_DEFAULT),
                      H5Dclose);
    if (!labels.ok()) cache_error(tmp, "creating /labels");
    check(H5Dwrite(labels, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, p.labels.data()), tmp,
          "writing /labels");
    // The electron range-rejection map, computed here once (about a second) instead of in
    // every process that transports electrons. It depends only on which voxels share a label,
    // i.e. an organ ID (one label per ID present), so it stays valid for the IDs stored here.
    Hdf5Handle distance(
        H5Dcreate2(f, "boundary_distance", H5T_STD_U8LE, space, H5P_DEFAULT, plist, H5P_DEFAULT),
        H5Dclose);
    if (!distance.ok()) cache_error(tmp, "creating /boundary_distance");
    check(H5Dwrite(distance, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT,
                   p.boundary_distance().data()),
          tmp, "writing /boundary_distance");
    const double unit = kBoundaryDistanceUnitCm;
    write_array_attr(distance, "unit_cm", H5T_NATIVE_DOUBLE, &unit, 1, tmp);

    const hsize_t nl = p.label_organ_id.size();
    Hdf5Handle lspace(H5Screate_simple(1, &nl, nullptr), H5Sclose);
    Hdf5Handle lorg(H5Dcreate2(f, "label_organ_id", H5T_STD_U16LE, lspace, H5P_DEFAULT, H5P_DEFAULT,
                               H5P_DEFAULT),
                    H5Dclose);
    if (!lorg.ok()) cache_error(tmp, "creating /label_organ_id");
    check(H5Dwrite(lorg, H5T_NATIVE_UINT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, p.label_organ_id.data()),
          tmp, "writing /label_organ_id");

    StoredPhantom stored;
    stored.model = p.model;
    stored.source = p.source;
    stored.sources = format_records(records);
    stored.dims.assign(dims, dims + 3);
    stored.spacing.assign(spacing, spacing + 3);
    stored.origin.assign(p.origin_mm.begin(), p.origin_mm.end());
    stored.direction.assign(p.direction.begin(), p.direction.end());
    stored.unit = {unit};
    stored.labels = &p.labels;
    stored.label_organ_id = &p.label_organ_id;
    stored.boundary_distance = &p.boundary_distance();
    write_string_attr(f, "content_sha256", content_sha256(stored), tmp);
  }
  std::error_code ec;
  fs::rename(tmp, cache_path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    throw UserError("cannot write '" + cache_path + "'", "rename failed",
                    "check that --cache-dir / GPUDOSE_CACHE is writable");
  }
}

Phantom read_phantom_cache(const std::string& cache_path, const std::string& data_dir) {
  silence_hdf5();
  Hdf5Handle file(H5Fopen(cache_path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT), H5Fclose);
  if (!file.ok()) cache_error(cache_path, "not an HDF5 file");
  const hid_t f = file;
  const auto version = read_array_attr<int>(f, "format_version", H5T_NATIVE_INT, 1, cache_path);
  if (version[0] != kCacheFormatVersion) {
    cache_error(cache_path, "cache format " + std::to_string(version[0]) + ", this build reads " +
                                std::to_string(kCacheFormatVersion));
  }
  StoredPhantom stored;
  stored.model = read_string_attr(f, "model", cache_path);
  const PhantomModelSpec& spec = phantom_model(stored.model);
  stored.source = read_string_attr(f, "source", cache_path);
  stored.sources = read_string_attr(f, "sources", cache_path);
  stored.dims = read_array_attr<int>(f, "dims", H5T_NATIVE_INT, 3, cache_path);
  stored.spacing = read_array_attr<double>(f, "spacing_cm", H5T_NATIVE_DOUBLE, 3, cache_path);
  stored.origin = read_array_attr<double>(f, "origin_mm", H5T_NATIVE_DOUBLE, 3, cache_path);
  stored.direction = read_array_attr<double>(f, "direction", H5T_NATIVE_DOUBLE, 9, cache_path);
  const std::string recorded_sha256 = read_string_attr(f, "content_sha256", cache_path);
  const auto& dims = stored.dims;
  if (dims[0] != spec.nx || dims[1] != spec.ny || dims[2] != spec.nz) {
    cache_error(cache_path, "wrong dimensions for " + spec.model);
  }
  Hdf5Handle lorg(H5Dopen2(f, "label_organ_id", H5P_DEFAULT), H5Dclose);
  if (!lorg.ok()) cache_error(cache_path, "no /label_organ_id");
  Hdf5Handle lspace(H5Dget_space(lorg), H5Sclose);
  const hssize_t nl = H5Sget_simple_extent_npoints(lspace);
  if (nl <= 0 || nl > 256) cache_error(cache_path, "bad /label_organ_id");
  std::vector<std::uint16_t> label_organ(static_cast<std::size_t>(nl));
  check(H5Dread(lorg, H5T_NATIVE_UINT16, H5S_ALL, H5S_ALL, H5P_DEFAULT, label_organ.data()),
        cache_path, "reading /label_organ_id");

  Hdf5Handle labels(H5Dopen2(f, "labels", H5P_DEFAULT), H5Dclose);
  if (!labels.ok()) cache_error(cache_path, "no /labels");
  Hdf5Handle space(H5Dget_space(labels), H5Sclose);
  const std::size_t n = static_cast<std::size_t>(spec.nx) * spec.ny * spec.nz;
  if (H5Sget_simple_extent_npoints(space) != static_cast<hssize_t>(n)) {
    cache_error(cache_path, "/labels has the wrong size");
  }
  std::vector<std::uint8_t> lab(n);
  check(H5Dread(labels, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, lab.data()), cache_path,
        "reading /labels");
  Hdf5Handle distance(H5Dopen2(f, "boundary_distance", H5P_DEFAULT), H5Dclose);
  if (!distance.ok()) cache_error(cache_path, "no /boundary_distance");
  stored.unit = read_array_attr<double>(distance, "unit_cm", H5T_NATIVE_DOUBLE, 1, cache_path);
  Hdf5Handle dspace(H5Dget_space(distance), H5Sclose);
  if (stored.unit[0] != kBoundaryDistanceUnitCm ||
      H5Sget_simple_extent_npoints(dspace) != static_cast<hssize_t>(n)) {
    cache_error(cache_path, "/boundary_distance has the wrong unit or size");
  }
  std::vector<std::uint8_t> code(n);
  check(H5Dread(distance, H5T_NATIVE_UINT8, H5S_ALL, H5S_ALL, H5P_DEFAULT, code.data()), cache_path,
        "reading /boundary_distance");
  // The file's own content against the digest recorded when it was written (about 20 ms for
  // AF's 2 x 14 Mvoxels with SHA-NI): an edited or damaged value never reaches a run.
  stored.labels = &lab;
  stored.label_organ_id = &label_organ;
  stored.boundary_distance = &code;
  if (content_sha256(stored) != recorded_sha256) {
    cache_error(cache_path,
                "its content SHA-256 differs from the one recorded when it was "
                "written: the file was damaged or edited");
  }

  std::vector<std::uint16_t> ids(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (lab[i] >= nl) cache_error(cache_path, "label out of range");
    ids[i] = label_organ[lab[i]];
  }
  Phantom p = assemble(spec, std::move(ids), data_dir, stored.source);
  set_sources(p, parse_records(stored.sources));
  p.set_boundary_distance(std::move(code));
  return p;
}

ImportOutcome import_phantom_to_cache(const std::string& model, const std::string& data_dir,
                                      const std::string& cache_dir, const std::string& source_in,
                                      bool force) {
  const std::string source = phantom_source_name(source_in);
  ImportOutcome out;
  out.cache_path = phantom_cache_path(cache_dir, model);
  const CacheCheck c = check_phantom_cache(out.cache_path, data_dir);
  if (!force && c.fresh && c.source == source) {
    try {
      out.phantom = read_phantom_cache(out.cache_path, data_dir);
      out.reused = true;
      out.why = "cache up to date";
      return out;
    } catch (const UserError& e) {
      out.why = std::string("unreadable cache: ") + e.what();
    }
  } else {
    out.why = force ? "forced" : (c.fresh ? "cache was imported from " + c.source : c.why);
  }
  out.phantom = import_phantom(model, data_dir, source);
  write_phantom_cache(out.phantom, out.cache_path);
  return out;
}

Phantom load_phantom(const std::string& model, const std::string& data_dir,
                     const std::string& cache_dir) {
  const std::string path = phantom_cache_path(cache_dir, model);
  const CacheCheck c = check_phantom_cache(path, data_dir);
  std::string why = "phantom cache '" + path + "' is out of date (" + c.why + ")";
  if (c.fresh) {
    try {
      return read_phantom_cache(path, data_dir);
    } catch (const UserError& e) {
      // Damaged or edited despite fresh source records: rebuilt below.
      why = what_and_why(e);
    }
  }
  // One line, so that a rebuild is never silent (issue #14); not for the first import.
  if (fs::exists(path)) std::cerr << "gpudose: " << why << "; rebuilding it\n";
  Phantom p = import_phantom(model, data_dir, "opendose");
  write_phantom_cache(p, path);
  return p;
}

}  // namespace gpudose
