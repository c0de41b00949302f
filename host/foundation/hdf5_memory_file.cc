#include "host/foundation/hdf5_memory_file.hh"

#include <unistd.h>

#include <atomic>
#include <stdexcept>
#include <vector>

#include "host/foundation/durable_file.hh"
#include "host/foundation/user_error.hh"

namespace gpudose {
namespace {

// The core driver never touches the name without a backing store, but HDF5 refuses to create a
// file whose name is already open: one name per object.
std::string memory_name() {
  static std::atomic<unsigned long> counter{0};
  return "gpudose-memory-" + std::to_string(::getpid()) + "-" + std::to_string(counter++);
}

hid_t create_in_memory() {
  Hdf5Handle fapl(H5Pcreate(H5P_FILE_ACCESS), H5Pclose);
  // 1 MiB growth steps; backing_store = 0: nothing is written when the file closes.
  if (!fapl.ok() || H5Pset_fapl_core(fapl, 1 << 20, 0) < 0) {
    throw std::runtime_error("HDF5 core driver unavailable");
  }
  const hid_t file = H5Fcreate(memory_name().c_str(), H5F_ACC_TRUNC, H5P_DEFAULT, fapl);
  if (file < 0) throw std::runtime_error("HDF5 could not create a file in memory");
  return file;
}

}  // namespace

Hdf5MemoryFile::Hdf5MemoryFile() : file_(create_in_memory(), H5Fclose) {}

void Hdf5MemoryFile::write_to(const std::string& path, const std::string& todo) {
  write_file_durably(path, take_image(path), todo);
}

std::string Hdf5MemoryFile::take_image(const std::string& path) {
  if (H5Fflush(file_, H5F_SCOPE_GLOBAL) < 0) {
    throw UserError("cannot write '" + path + "'", "HDF5 could not finish the file in memory",
                    "report this with the command line");
  }
  const ssize_t size = H5Fget_file_image(file_, nullptr, 0);
  if (size < 0) {
    throw UserError("cannot write '" + path + "'", "HDF5 could not give the file's bytes",
                    "report this with the command line");
  }
  std::string bytes(static_cast<std::size_t>(size), '\0');
  if (H5Fget_file_image(file_, bytes.data(), bytes.size()) != size) {
    throw UserError("cannot write '" + path + "'", "HDF5 gave an incomplete image of the file",
                    "report this with the command line");
  }
  file_.close();  // in memory: cannot fail for want of disk
  return bytes;
}

}  // namespace gpudose
