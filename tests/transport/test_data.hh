// The real data the transport tests share, loaded once per test process from the data and
// cache directories of the build: the AF phantom and the photon and electron libraries.
#pragma once

#include <string>
#include <vector>

#include "host/job_runner.hh"
#include "phantoms/phantom_cache.hh"
#include "phantoms/regions.hh"
#include "physics-data/photon_library.hh"

namespace gpudose::test {

inline const PhotonLibrary& photons() {
  static const PhotonLibrary lib = [] {
    const std::string path = default_photon_library_path(GPUDOSE_TEST_CACHE_DIR);
    if (photon_library_is_current(path, GPUDOSE_TEST_DATA_DIR)) return load_photon_library(path);
    return build_photon_library(GPUDOSE_TEST_DATA_DIR, path);
  }();
  return lib;
}

inline const ElectronLibrary& electrons() {
  static const ElectronLibrary lib =
      ensure_electron_library(GPUDOSE_TEST_DATA_DIR, GPUDOSE_TEST_CACHE_DIR);
  return lib;
}

inline const Phantom& female() {
  static const Phantom p = load_phantom("female", GPUDOSE_TEST_DATA_DIR, GPUDOSE_TEST_CACHE_DIR);
  return p;
}

// Tally bins (phantom labels) whose organ ID belongs to the region.
inline std::vector<int> region_label_bins(const Phantom& ph, const Region& r) {
  std::vector<int> bins;
  for (int l = 0; l < ph.view().num_labels; ++l) {
    for (int id : r.organ_ids) {
      if (ph.label_organ_id[l] == id) bins.push_back(l);
    }
  }
  return bins;
}

}  // namespace gpudose::test
