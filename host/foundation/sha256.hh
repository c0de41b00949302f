// SHA-256 (FIPS 180-4) of files and byte strings: the one implementation of the program
// (OpenSSL's libcrypto). It records which sources a phantom cache, a physics library or a batch
// plan was built from, seals job records, and notices changed inputs.
#pragma once

#include <string>

namespace gpudose {

// Lower-case hex SHA-256 of the file's bytes. Throws UserError if it cannot be read.
std::string sha256_file(const std::string& path);
// Of a string (tests check the FIPS 180-2 vector "abc").
std::string sha256_text(const std::string& text);

}  // namespace gpudose
