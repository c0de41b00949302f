// SHA-256 of files (OpenSSL's libcrypto), recorded with every import for provenance and to
// notice changed sources.
#pragma once

#include <string>

namespace gpudose {

// Lower-case hex SHA-256 of the file's bytes. Throws UserError if it cannot be read.
std::string sha256_file(const std::string& path);
// Of a string (tests check the FIPS 180-2 vector "abc").
std::string sha256_text(const std::string& text);

}  // namespace gpudose
