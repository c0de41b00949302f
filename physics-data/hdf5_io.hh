// Thin RAII wrapper over the HDF5 C API for the physics-data readers and writers. Every failure
// becomes a UserError naming the file and the dataset or attribute that is missing or bad.
#pragma once

#include <hdf5.h>

#include <cstdint>
#include <string>
#include <vector>

#include "host/foundation/hdf5_handle.hh"

namespace gpudose {

class H5File {
 public:
  // Opens an existing file read-only; throws UserError("cannot open ...") if missing/invalid.
  static H5File open_read(const std::string& path);
  // Creates (truncates) a file for writing.
  static H5File create(const std::string& path);

  H5File(H5File&& o) noexcept = default;
  H5File& operator=(H5File&&) = delete;
  H5File(const H5File&) = delete;

  const std::string& path() const { return path_; }
  bool exists(const std::string& object) const;  // group or dataset, full path "/O/energy"
  std::vector<std::string> children(const std::string& group) const;

  // Reads a float64 (any stored float/int type is converted) dataset; dims receives its shape.
  std::vector<double> read_doubles(const std::string& dataset,
                                   std::vector<std::size_t>* dims = nullptr) const;
  std::vector<std::int64_t> read_ints(const std::string& dataset) const;
  std::string read_string(const std::string& dataset) const;  // scalar variable/fixed string
  double read_attr_double(const std::string& object, const std::string& attr) const;
  std::int64_t read_attr_int(const std::string& object, const std::string& attr) const;
  std::string read_attr_string(const std::string& object, const std::string& attr) const;
  std::vector<std::string> read_attr_strings(const std::string& object,
                                             const std::string& attr) const;
  bool has_attr(const std::string& object, const std::string& attr) const;

  // Writers (groups along the path are created on demand).
  void write_doubles(const std::string& dataset, const std::vector<double>& v,
                     const std::vector<std::size_t>& dims = {});
  void write_ints(const std::string& dataset, const std::vector<std::int64_t>& v);
  void write_string(const std::string& dataset, const std::string& s);
  void write_attr_double(const std::string& object, const std::string& attr, double v);
  void write_attr_int(const std::string& object, const std::string& attr, std::int64_t v);
  void write_attr_string(const std::string& object, const std::string& attr, const std::string& v);

 private:
  H5File(hid_t id, std::string path) : file_(id, H5Fclose), path_(std::move(path)) {}
  [[noreturn]] void fail(const std::string& object, const std::string& why) const;
  void ensure_parent_groups(const std::string& object);
  Hdf5Handle file_;  // closed with H5Fclose when the H5File goes
  std::string path_;
};

}  // namespace gpudose
