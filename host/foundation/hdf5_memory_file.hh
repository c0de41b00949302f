// An HDF5 file built in memory (the core driver without a backing store) and written out in one
// durable write (durable_file.hh: temporary name, fsync, rename). A full disk or a read-only
// folder then fails in that one write, with a one-line error and no file under the final name,
// never inside the HDF5 library: closing an HDF5 file on a full disk fails and leaves open
// objects that crash the library's shutdown at exit (seen: SIGSEGV after `run -o x.h5` on a
// full tmpfs).
#pragma once

#include <string>

#include "host/foundation/hdf5_handle.hh"

namespace gpudose {

class Hdf5MemoryFile {
 public:
  // Throws std::runtime_error when HDF5 cannot create it (out of memory).
  Hdf5MemoryFile();
  Hdf5MemoryFile(const Hdf5MemoryFile&) = delete;
  Hdf5MemoryFile& operator=(const Hdf5MemoryFile&) = delete;

  hid_t id() const { return file_; }
  // Closes the file and writes its bytes to `path` durably; afterwards id() is invalid.
  // Throws UserError naming `path` (disk full, read-only folder, ...).
  // Closes the file and returns its bytes (to write several files all or nothing with
  // write_files_durably); afterwards id() is invalid. Throws UserError naming `path`.
  std::string take_image(const std::string& path);
  // `todo`: the what-to-do part of the error.
  void write_to(const std::string& path,
                const std::string& todo = "free disk space or choose a writable destination");

 private:
  Hdf5Handle file_;
};

}  // namespace gpudose
