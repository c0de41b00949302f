// SHA-256 of a derived file's own content (the phantom cache, the photon and electron
// libraries): the writer feeds the arrays it stores, in a fixed order, and records the hex digest
// in the file; the reader feeds the arrays it read back, in the same order, and compares. A value
// edited inside a still-valid HDF5 file (a density, a mu, a label-to-organ entry), a dataset
// replaced or a NaN written then shows up as a mismatch instead of reaching the transport.
//
// Each block is framed by its name and byte count, so moving bytes from one array to the next
// or renaming a block changes the digest. The bytes are the in-memory (native, little-endian on
// every supported host) representation of the values, i.e. what the program uses, not the file
// layout: HDF5 may compress or convert, the digest does not care.
#pragma once

#include <cstddef>
#include <memory>
#include <string>
#include <type_traits>
#include <vector>

namespace gpudose {

class ContentDigest {
 public:
  ContentDigest();
  ~ContentDigest();
  ContentDigest(const ContentDigest&) = delete;
  ContentDigest& operator=(const ContentDigest&) = delete;

  void add_bytes(const std::string& name, const void* data, std::size_t bytes);
  void add(const std::string& name, const std::string& text) {
    add_bytes(name, text.data(), text.size());
  }
  template <typename T>
  void add(const std::string& name, const std::vector<T>& v) {
    static_assert(std::is_arithmetic<T>::value, "plain numbers only");
    add_bytes(name, v.data(), v.size() * sizeof(T));
  }
  template <typename T>
  void add_value(const std::string& name, T v) {
    static_assert(std::is_arithmetic<T>::value, "plain numbers only");
    add_bytes(name, &v, sizeof v);
  }
  // Lower-case hex of the SHA-256 (64 digits); ends the digest.
  std::string hex();

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// A process-wide memo of files whose content digest this process has verified, so that a file
// loaded twice in one run (the photon library by the freshness check and the load; the electron
// library by its check and the job) is hashed once (~20 ms for the 34 MB electron library).
// Keyed by path, device, inode, size and modification time (ns) and the recorded digest: a file
// replaced (rename: new inode) or rewritten (new mtime) since is verified again.
struct FileIdentity {
  std::string path, recorded_digest;
  unsigned long long device = 0, inode = 0, size = 0;
  long long mtime_ns = 0;
  bool operator==(const FileIdentity& o) const {
    return path == o.path && recorded_digest == o.recorded_digest && device == o.device &&
           inode == o.inode && size == o.size && mtime_ns == o.mtime_ns;
  }
};
// The identity of `path` now; ok = false when it cannot be stat'ed.
FileIdentity file_identity(const std::string& path, const std::string& recorded_digest, bool* ok);
bool content_verified_before(const FileIdentity& id);
void remember_content_verified(const FileIdentity& id);

}  // namespace gpudose
