// SHA-256 (FIPS 180-4) of a file, used to record which source files a physics library was built
// from and to rebuild it only when they change.
#pragma once

#include <string>

namespace gpudose {

// Lower-case hex digest of a byte string.
std::string sha256_hex(const std::string& bytes);
// Lower-case hex digest of a file's contents; throws UserError if it cannot be read.
std::string sha256_file(const std::string& path);

}  // namespace gpudose
