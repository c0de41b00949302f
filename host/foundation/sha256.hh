// SHA-256 (FIPS 180-4) of files and byte strings: the one implementation of the program
// (OpenSSL's libcrypto). It records which sources a phantom cache, a physics library or a batch
// plan was built from, seals job records, and notices changed inputs.
#pragma once

#include <cstddef>
#include <memory>
#include <string>

namespace gpudose {

// Incremental SHA-256: update() any number of times, then hex() once.
class Sha256Stream {
 public:
  Sha256Stream();  // throws std::runtime_error if OpenSSL has no SHA-256
  ~Sha256Stream();
  Sha256Stream(const Sha256Stream&) = delete;
  Sha256Stream& operator=(const Sha256Stream&) = delete;
  void update(const void* data, std::size_t bytes);
  std::string hex();  // lower-case, 64 digits; ends the digest

 private:
  struct Impl;
  std::unique_ptr<Impl> impl_;
};

// Lower-case hex SHA-256 of the file's bytes. Throws UserError if it cannot be read.
std::string sha256_file(const std::string& path);
// Of a string (tests check the FIPS 180-2 vector "abc").
std::string sha256_text(const std::string& text);

}  // namespace gpudose
