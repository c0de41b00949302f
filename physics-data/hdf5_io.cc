#include "physics-data/hdf5_io.hh"

#include <filesystem>

#include "host/foundation/user_error.hh"

namespace gpudose {
namespace {

// Silences HDF5's own stderr dump for the lifetime of the process: errors are reported as one
// UserError line instead (the error contract).
struct SilenceHdf5 {
  SilenceHdf5() { H5Eset_auto2(H5E_DEFAULT, nullptr, nullptr); }
};
const SilenceHdf5 kSilence;

}  // namespace

H5File H5File::open_read(const std::string& path) {
  if (!std::filesystem::is_regular_file(path)) {
    throw UserError("cannot open '" + path + "'", "file not found",
                    "check --data-dir / GPUDOSE_DATA (or rebuild with `gpudose physics build`)");
  }
  const hid_t id = H5Fopen(path.c_str(), H5F_ACC_RDONLY, H5P_DEFAULT);
  if (id < 0) {
    throw UserError("cannot open '" + path + "'", "not a readable HDF5 file (corrupt?)",
                    "replace the file with a good copy");
  }
  return H5File(id, path);
}

H5File H5File::create(const std::string& path) {
  const hid_t id = H5Fcreate(path.c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, H5P_DEFAULT);
  if (id < 0) {
    throw UserError("cannot create '" + path + "'", "HDF5 create failed",
                    "check the folder exists and is writable");
  }
  return H5File(id, path);
}

void H5File::fail(const std::string& object, const std::string& why) const {
  throw UserError("bad data file '" + path_ + "': " + object, why,
                  "replace the file with a good copy (or rebuild it)");
}

bool H5File::exists(const std::string& object) const {
  // Check every prefix: H5Lexists fails on a path whose intermediate group is missing.
  std::size_t pos = 0;
  while ((pos = object.find('/', pos + 1)) != std::string::npos) {
    if (H5Lexists(file_, object.substr(0, pos).c_str(), H5P_DEFAULT) <= 0) return false;
  }
  return H5Lexists(file_, object.c_str(), H5P_DEFAULT) > 0;
}

std::vector<std::string> H5File::children(const std::string& group) const {
  if (!exists(group)) fail(group, "group missing");
  Hdf5Handle g{H5Gopen2(file_, group.c_str(), H5P_DEFAULT), H5Gclose};
  if (!g.ok()) fail(group, "not a group");
  H5G_info_t info;
  H5Gget_info(g, &info);
  std::vector<std::string> out;
  for (hsize_t i = 0; i < info.nlinks; ++i) {
    const ssize_t n =
        H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, nullptr, 0, H5P_DEFAULT);
    std::string name(static_cast<std::size_t>(n), '\0');
    H5Lget_name_by_idx(g, ".", H5_INDEX_NAME, H5_ITER_INC, i, name.data(), n + 1, H5P_DEFAULT);
    out.push_back(name);
  }
  return out;
}

std::vector<double> H5File::read_doubles(const std::string& dataset,
                                         std::vector<std::size_t>* dims) const {
  if (!exists(dataset)) fail(dataset, "dataset missing");
  Hdf5Handle d{H5Dopen2(file_, dataset.c_str(), H5P_DEFAULT), H5Dclose};
  if (!d.ok()) fail(dataset, "cannot open dataset");
  Hdf5Handle space{H5Dget_space(d), H5Sclose};
  const int rank = H5Sget_simple_extent_ndims(space);
  if (rank < 0) fail(dataset, "bad dataspace");
  std::vector<hsize_t> shape(static_cast<std::size_t>(rank));
  H5Sget_simple_extent_dims(space, shape.data(), nullptr);
  std::size_t n = 1;
  for (hsize_t s : shape) n *= static_cast<std::size_t>(s);
  std::vector<double> v(n);
  if (n > 0 && H5Dread(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0) {
    fail(dataset, "cannot read as numbers (corrupt or wrong type)");
  }
  if (dims) dims->assign(shape.begin(), shape.end());
  return v;
}

std::vector<std::int64_t> H5File::read_ints(const std::string& dataset) const {
  if (!exists(dataset)) fail(dataset, "dataset missing");
  Hdf5Handle d{H5Dopen2(file_, dataset.c_str(), H5P_DEFAULT), H5Dclose};
  Hdf5Handle space{H5Dget_space(d), H5Sclose};
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  if (n < 0) fail(dataset, "bad dataspace");
  std::vector<std::int64_t> v(static_cast<std::size_t>(n));
  if (n > 0 && H5Dread(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0) {
    fail(dataset, "cannot read as integers");
  }
  return v;
}

std::string H5File::read_string(const std::string& dataset) const {
  if (!exists(dataset)) fail(dataset, "dataset missing");
  Hdf5Handle d{H5Dopen2(file_, dataset.c_str(), H5P_DEFAULT), H5Dclose};
  Hdf5Handle type{H5Dget_type(d), H5Tclose};
  if (H5Tget_class(type) != H5T_STRING) fail(dataset, "not a string");
  const std::size_t size = H5Tget_size(type);
  std::string s(size, '\0');
  if (size > 0 && H5Dread(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, s.data()) < 0) {
    fail(dataset, "cannot read string");
  }
  s.resize(s.find('\0') == std::string::npos ? s.size() : s.find('\0'));
  return s;
}

bool H5File::has_attr(const std::string& object, const std::string& attr) const {
  if (!exists(object) && object != "/") return false;
  return H5Aexists_by_name(file_, object.c_str(), attr.c_str(), H5P_DEFAULT) > 0;
}

double H5File::read_attr_double(const std::string& object, const std::string& attr) const {
  if (!has_attr(object, attr)) fail(object, "attribute '" + attr + "' missing");
  Hdf5Handle a{H5Aopen_by_name(file_, object.c_str(), attr.c_str(), H5P_DEFAULT, H5P_DEFAULT),
               H5Aclose};
  Hdf5Handle space{H5Aget_space(a), H5Sclose};
  if (H5Sget_simple_extent_npoints(space) != 1) fail(object, "attribute '" + attr + "' not scalar");
  double v = 0;
  if (H5Aread(a, H5T_NATIVE_DOUBLE, &v) < 0) fail(object, "attribute '" + attr + "' unreadable");
  return v;
}

std::int64_t H5File::read_attr_int(const std::string& object, const std::string& attr) const {
  if (!has_attr(object, attr)) fail(object, "attribute '" + attr + "' missing");
  Hdf5Handle a{H5Aopen_by_name(file_, object.c_str(), attr.c_str(), H5P_DEFAULT, H5P_DEFAULT),
               H5Aclose};
  Hdf5Handle space{H5Aget_space(a), H5Sclose};
  // OpenMC stores threshold_idx as a scalar and some counts as 1-element arrays: accept both.
  if (H5Sget_simple_extent_npoints(space) != 1) fail(object, "attribute '" + attr + "' not scalar");
  std::int64_t v = 0;
  if (H5Aread(a, H5T_NATIVE_INT64, &v) < 0) fail(object, "attribute '" + attr + "' unreadable");
  return v;
}

std::vector<std::string> H5File::read_attr_strings(const std::string& object,
                                                   const std::string& attr) const {
  if (!has_attr(object, attr)) fail(object, "attribute '" + attr + "' missing");
  Hdf5Handle a{H5Aopen_by_name(file_, object.c_str(), attr.c_str(), H5P_DEFAULT, H5P_DEFAULT),
               H5Aclose};
  Hdf5Handle type{H5Aget_type(a), H5Tclose};
  Hdf5Handle space{H5Aget_space(a), H5Sclose};
  if (H5Tget_class(type) != H5T_STRING) fail(object, "attribute '" + attr + "' not text");
  const auto n = static_cast<std::size_t>(H5Sget_simple_extent_npoints(space));
  std::vector<std::string> out;
  if (H5Tis_variable_str(type) > 0) {
    std::vector<char*> ptrs(n, nullptr);
    Hdf5Handle mem{H5Tcopy(H5T_C_S1), H5Tclose};
    H5Tset_size(mem, H5T_VARIABLE);
    if (H5Aread(a, mem, ptrs.data()) < 0) fail(object, "attribute '" + attr + "' unreadable");
    for (char* p : ptrs) out.emplace_back(p ? p : "");
    H5Dvlen_reclaim(mem, space, H5P_DEFAULT, ptrs.data());
    return out;
  }
  const std::size_t size = H5Tget_size(type);
  std::string buf(n * size, '\0');
  if (H5Aread(a, type, buf.data()) < 0) fail(object, "attribute '" + attr + "' unreadable");
  for (std::size_t i = 0; i < n; ++i) {
    std::string s = buf.substr(i * size, size);
    s.resize(s.find('\0') == std::string::npos ? s.size() : s.find('\0'));
    out.push_back(s);
  }
  return out;
}

std::string H5File::read_attr_string(const std::string& object, const std::string& attr) const {
  const auto v = read_attr_strings(object, attr);
  if (v.size() != 1) fail(object, "attribute '" + attr + "' not a single string");
  return v[0];
}

void H5File::ensure_parent_groups(const std::string& object) {
  std::size_t pos = 0;
  while ((pos = object.find('/', pos + 1)) != std::string::npos) {
    const std::string g = object.substr(0, pos);
    if (H5Lexists(file_, g.c_str(), H5P_DEFAULT) <= 0) {
      Hdf5Handle h{H5Gcreate2(file_, g.c_str(), H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT), H5Gclose};
      if (!h.ok()) fail(g, "cannot create group");
    }
  }
}

void H5File::write_doubles(const std::string& dataset, const std::vector<double>& v,
                           const std::vector<std::size_t>& dims) {
  ensure_parent_groups(dataset);
  std::vector<hsize_t> shape(dims.begin(), dims.end());
  if (shape.empty()) shape.push_back(v.size());
  Hdf5Handle space{H5Screate_simple(static_cast<int>(shape.size()), shape.data(), nullptr),
                   H5Sclose};
  Hdf5Handle d{H5Dcreate2(file_, dataset.c_str(), H5T_IEEE_F64LE, space, H5P_DEFAULT, H5P_DEFAULT,
                          H5P_DEFAULT),
               H5Dclose};
  if (!d.ok()) fail(dataset, "cannot create dataset");
  if (!v.empty() && H5Dwrite(d, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0) {
    fail(dataset, "write failed");
  }
}

void H5File::write_ints(const std::string& dataset, const std::vector<std::int64_t>& v) {
  ensure_parent_groups(dataset);
  const hsize_t n = v.size();
  Hdf5Handle space{H5Screate_simple(1, &n, nullptr), H5Sclose};
  Hdf5Handle d{H5Dcreate2(file_, dataset.c_str(), H5T_STD_I64LE, space, H5P_DEFAULT, H5P_DEFAULT,
                          H5P_DEFAULT),
               H5Dclose};
  if (!d.ok()) fail(dataset, "cannot create dataset");
  if (n > 0 && H5Dwrite(d, H5T_NATIVE_INT64, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()) < 0) {
    fail(dataset, "write failed");
  }
}

void H5File::write_string(const std::string& dataset, const std::string& s) {
  ensure_parent_groups(dataset);
  Hdf5Handle type{H5Tcopy(H5T_C_S1), H5Tclose};
  H5Tset_size(type, std::max<std::size_t>(1, s.size()));
  Hdf5Handle space{H5Screate(H5S_SCALAR), H5Sclose};
  Hdf5Handle d{
      H5Dcreate2(file_, dataset.c_str(), type, space, H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
      H5Dclose};
  if (!d.ok()) fail(dataset, "cannot create dataset");
  std::string buf = s.empty() ? std::string(1, '\0') : s;
  if (H5Dwrite(d, type, H5S_ALL, H5S_ALL, H5P_DEFAULT, buf.data()) < 0) {
    fail(dataset, "write failed");
  }
}

void H5File::write_attr_double(const std::string& object, const std::string& attr, double v) {
  Hdf5Handle space{H5Screate(H5S_SCALAR), H5Sclose};
  Hdf5Handle a{H5Acreate_by_name(file_, object.c_str(), attr.c_str(), H5T_IEEE_F64LE, space,
                                 H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
               H5Aclose};
  if (!a.ok() || H5Awrite(a, H5T_NATIVE_DOUBLE, &v) < 0) fail(object, "cannot write " + attr);
}

void H5File::write_attr_int(const std::string& object, const std::string& attr, std::int64_t v) {
  Hdf5Handle space{H5Screate(H5S_SCALAR), H5Sclose};
  Hdf5Handle a{H5Acreate_by_name(file_, object.c_str(), attr.c_str(), H5T_STD_I64LE, space,
                                 H5P_DEFAULT, H5P_DEFAULT, H5P_DEFAULT),
               H5Aclose};
  if (!a.ok() || H5Awrite(a, H5T_NATIVE_INT64, &v) < 0) fail(object, "cannot write " + attr);
}

void H5File::write_attr_string(const std::string& object, const std::string& attr,
                               const std::string& v) {
  Hdf5Handle type{H5Tcopy(H5T_C_S1), H5Tclose};
  H5Tset_size(type, std::max<std::size_t>(1, v.size()));
  Hdf5Handle space{H5Screate(H5S_SCALAR), H5Sclose};
  Hdf5Handle a{H5Acreate_by_name(file_, object.c_str(), attr.c_str(), type, space, H5P_DEFAULT,
                                 H5P_DEFAULT, H5P_DEFAULT),
               H5Aclose};
  std::string buf = v.empty() ? std::string(1, '\0') : v;
  if (!a.ok() || H5Awrite(a, type, buf.data()) < 0) fail(object, "cannot write " + attr);
}

}  // namespace gpudose
