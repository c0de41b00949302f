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

// A case of the processing-order and staged-transport tests.
struct TransportCase {
  int particle;  // 0 photon, 1 electron, 2 positron
  double energy;
  int range_rejection;
  std::uint64_t histories;
};

// An AF liver-source job with coupled electron transport: particle 0 photon, 1 electron,
// 2 positron (the processing-order and staged-transport tests).
inline PhotonJobConfig liver_transport_config(int particle, double energy_mev,
                                              int range_rejection) {
  PhotonJobConfig c;
  c.source = "liver";
  c.energy_mev = energy_mev;
  c.particle = particle;
  c.seed = 20261202;
  c.electrons = ElectronMode::kTransport;
  c.electron.range_rejection = range_rejection;
  return c;
}

// The history path's tallies of `batches` batches of `batch` histories from h0: each batch's
// histories run serially into that batch's bins ([batches][bins]).
inline std::vector<std::uint64_t> tallies_by_history(const PhotonHistoryFunctor& h,
                                                     std::uint64_t h0, std::uint64_t batch,
                                                     std::uint64_t batches, int bins) {
  std::vector<std::uint64_t> t(batches * bins, 0);
  for (std::uint64_t b = 0; b < batches; ++b) {
    PlainTally tally{t.data() + b * bins};
    for (std::uint64_t k = 0; k < batch; ++k) h(h0 + b * batch + k, tally);
  }
  return t;
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

// A column of water voxels (one label, medium 0 = the library's water) with a majorant grid of
// `block`-voxel blocks, and photon pencil beams into it: the narrow-beam geometry of the
// attenuation, step-counter and dose-image tests. Holds the arrays its view points into (not
// copyable).
struct WaterColumn {
  std::vector<std::uint8_t> labels;
  std::uint8_t label_medium[1] = {0};
  float label_density[1] = {1.0f};
  std::uint16_t label_organ[1] = {1};
  std::vector<int> catalog;
  VoxelPhantomView view;
  std::unique_ptr<MajorantGrid> majorant;

  WaterColumn(int nx, int ny, int nz, double d, int block = 8)
      : labels(static_cast<std::size_t>(nx) * ny * nz, 0),
        catalog{static_cast<int>(photons().medium_index("water"))} {
    view = VoxelPhantomView{
        nx, ny, nz, d, d, d, labels.data(), label_medium, label_density, label_organ, 1};
    const PhotonTablesView t = photons().view();
    const int water = catalog[0];
    majorant =
        std::make_unique<MajorantGrid>(view, block, 64, 1e-3, 20.0, [&](int, double lo, double hi) {
          double m = 0;
          for (double e = lo; e <= hi * 1.0001; e *= 1.001)
            m = std::max(m, t.mass_mu_tot(water, t.find(e), e));
          return 1.01 * m;  // ample: no edge in water here
        });
  }
  WaterColumn(const WaterColumn&) = delete;
  WaterColumn& operator=(const WaterColumn&) = delete;

  // mu (1/cm) of water at e, the engine's own.
  double mu(double e) const {
    const PhotonTablesView t = photons().view();
    return t.mass_mu_tot(catalog[0], t.find(e), e);
  }

  // Photons of energy e along +z from (x, y, 0); local electrons.
  PhotonHistoryFunctor pencil_beam(double e, double x, double y, std::uint64_t seed) const {
    PhotonHistoryFunctor h;
    h.phantom = view;
    h.majorant = majorant->view();
    h.physics = PhotonTablesPhysics{photons().view(), catalog.data(), 1e-3};
    h.source.kind = SourceKind::kPencilBeam;
    h.source.energy_mev = e;
    h.source.position = Vec3{x, y, 0.0};
    h.source.direction = Vec3{0, 0, 1};
    h.params = PhotonTransportParams{seed, 0, 1e-3};
    return h;
  }
};

}  // namespace gpudose::test
