// SHA-256 (FIPS 180-4) of byte strings and files, used to record which source files a physics
// library or a batch plan was built from and to rebuild only when they change. One
// implementation serves the whole program: OpenSSL's, behind phantoms/file_checksum.hh.
#pragma once

#include <string>

#include "phantoms/file_checksum.hh"

namespace gpudose {

// Lower-case hex digest of a byte string.
inline std::string sha256_hex(const std::string& bytes) { return sha256_text(bytes); }

}  // namespace gpudose
