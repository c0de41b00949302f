#include "host/foundation/content_digest.hh"

#include <sys/stat.h>

#include <cstdint>
#include <mutex>
#include <stdexcept>

#include "host/foundation/sha256.hh"

namespace gpudose {

struct ContentDigest::Impl {
  Sha256Stream sha;  // the one SHA-256 of the program (sha256.hh)
};

ContentDigest::ContentDigest() : impl_(new Impl) {}

ContentDigest::~ContentDigest() = default;

void ContentDigest::add_bytes(const std::string& name, const void* data, std::size_t bytes) {
  // Frame: name, NUL, 8-byte length, then the bytes.
  const std::uint64_t n = bytes;
  impl_->sha.update(name.c_str(), name.size() + 1);
  impl_->sha.update(&n, sizeof n);
  impl_->sha.update(data, bytes);
}

std::string ContentDigest::hex() { return impl_->sha.hex(); }

FileIdentity file_identity(const std::string& path, const std::string& recorded_digest, bool* ok) {
  FileIdentity id;
  struct stat st {};
  *ok = ::stat(path.c_str(), &st) == 0;
  if (!*ok) return id;
  id.path = path;
  id.recorded_digest = recorded_digest;
  id.device = st.st_dev;
  id.inode = st.st_ino;
  id.size = static_cast<unsigned long long>(st.st_size);
  id.mtime_ns = static_cast<long long>(st.st_mtim.tv_sec) * 1000000000LL + st.st_mtim.tv_nsec;
  return id;
}

namespace {
std::mutex verified_mutex;
std::vector<FileIdentity>& verified_files() {
  static std::vector<FileIdentity> v;
  return v;
}
}  // namespace

bool content_verified_before(const FileIdentity& id) {
  std::lock_guard<std::mutex> lock(verified_mutex);
  for (const auto& v : verified_files()) {
    if (v == id) return true;
  }
  return false;
}

void remember_content_verified(const FileIdentity& id) {
  std::lock_guard<std::mutex> lock(verified_mutex);
  verified_files().push_back(id);
}

}  // namespace gpudose
