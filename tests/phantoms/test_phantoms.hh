// Shared by the phantom tests: the real AF/AM phantoms from the data directory, loaded once per
// test process through a cache in the test build tree (the first test to run imports them).
#pragma once

#include <string>

#include "phantoms/phantom_cache.hh"

namespace gpudose::testing {

inline const std::string kDataDir = GPUDOSE_TEST_DATA_DIR;
inline const std::string kCacheDir = GPUDOSE_TEST_CACHE_DIR;

inline const Phantom& af() {
  static const Phantom p = load_phantom("AF", kDataDir, kCacheDir);
  return p;
}
inline const Phantom& am() {
  static const Phantom p = load_phantom("AM", kDataDir, kCacheDir);
  return p;
}

}  // namespace gpudose::testing
