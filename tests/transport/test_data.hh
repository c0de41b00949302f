// The real data the transport tests share, loaded once per test process from the data and
// cache directories of the build: the AF phantom and the photon and electron libraries.
#pragma once

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <tuple>
#include <vector>

#include "host/run/cpu_runner.hh"
#include "host/run/job_runner.hh"
#include "host/run/photon_job.hh"
#include "host/run/scheduler.hh"
#include "kernels/fixed_energy.hh"
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

// ../shared/validation/icrp133-af-liver-source.csv: (particle, target, energy) -> the SAF to
// compare with (saf_expected_voxel_mass_per_kg: self voxel-mass scaled, cross-fire direct, as
// the validation README prescribes). Empty when the file is missing (the caller asserts).
inline std::map<std::tuple<std::string, std::string, double>, double> icrp133_references() {
  std::ifstream in(std::string(GPUDOSE_TEST_DATA_DIR) + "/validation/icrp133-af-liver-source.csv");
  std::map<std::tuple<std::string, std::string, double>, double> refs;
  std::string line;
  std::getline(in, line);  // header
  while (std::getline(in, line)) {
    std::vector<std::string> f;
    std::stringstream s(line);
    for (std::string x; std::getline(s, x, ',');) f.push_back(x);
    if (f.size() < 9) continue;
    refs[{f[1], f[3], std::stod(f[4])}] = std::stod(f[8]);
  }
  return refs;
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

// Runs `n` histories of `job` in batches of `batch` on `runners` CPU runners (0: all cores, at
// least 2) into `stats`.
inline void run_on_cpu(const PhotonJob& job, TargetStatistics& stats, std::uint64_t batch,
                       std::uint64_t n, int runners = 0) {
  if (runners <= 0) runners = static_cast<int>(std::max(2u, std::thread::hardware_concurrency()));
  std::vector<std::unique_ptr<CpuRunner<PhotonHistoryFunctor>>> owned;
  std::vector<BatchRunner*> ptrs;
  for (int r = 0; r < runners; ++r) {
    owned.push_back(std::make_unique<CpuRunner<PhotonHistoryFunctor>>("cpu", job.history()));
    ptrs.push_back(owned.back().get());
  }
  run_schedule(ptrs, BatchPlan{batch, n, static_cast<std::size_t>(job.num_bins())}, StopRule{},
               stats);
}

// The exact sum of every tally bin after `n` histories on `runners` runners.
inline std::vector<EnergySum128> run_bins(const PhotonJob& job, std::uint64_t n, int runners,
                                          std::uint64_t batch) {
  std::vector<std::vector<int>> targets;
  for (int b = 0; b < job.num_bins(); ++b) targets.push_back({b});
  TargetStatistics stats(targets, job.num_bins());
  run_on_cpu(job, stats, batch, n, runners);
  std::vector<EnergySum128> sums;
  for (int b = 0; b < job.num_bins(); ++b) sums.push_back(stats.energy_sum(b));
  return sums;
}

}  // namespace gpudose::test
