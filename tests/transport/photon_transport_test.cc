// Photon tracking and bookkeeping on a small synthetic phantom with the toy physics: exact
// energy conservation, narrow-beam transmission against exp(-mu x), majorant-block
// independence and determinism across runners.
#include "kernels/photon_transport.hh"

#include <gtest/gtest.h>

#include <cmath>
#include <memory>
#include <vector>

#include "host/run/alias_table.hh"
#include "host/run/cpu_runner.hh"
#include "host/run/majorant_builder.hh"
#include "host/run/scheduler.hh"
#include "tests/transport/toy_physics.hh"

namespace gpudose {
namespace {

// 12 x 12 x 40 voxels of 0.5 cm; label 0: medium 0 at 1.0 g/cm3, label 1: medium 1 at
// 2.0 g/cm3 filling slices 10..19 (a 5 cm dense slab), label 2: medium 0 at 0.3 g/cm3 in
// slices 30..34 (a lung-like slab).
struct ToyWorld {
  int nx = 12, ny = 12, nz = 40;
  std::vector<std::uint8_t> labels;
  std::vector<std::uint8_t> label_medium = {0, 1, 0};
  std::vector<float> label_density = {1.0f, 2.0f, 0.3f};
  std::vector<std::uint16_t> label_organ = {1, 2, 3};
  ToyWorld() : labels(static_cast<std::size_t>(nx) * ny * nz, 0) {
    for (int iz = 0; iz < nz; ++iz) {
      for (std::size_t i = 0; i < static_cast<std::size_t>(nx * ny); ++i) {
        labels[iz * nx * ny + i] = (iz >= 10 && iz < 20) ? 1 : (iz >= 30 && iz < 35) ? 2 : 0;
      }
    }
  }
  VoxelPhantomView view() const {
    VoxelPhantomView v;
    v.nx = nx;
    v.ny = ny;
    v.nz = nz;
    v.dx = v.dy = v.dz = 0.5;
    v.labels = labels.data();
    v.label_medium = label_medium.data();
    v.label_density = label_density.data();
    v.label_organ = label_organ.data();
    v.num_labels = 3;
    return v;
  }
};

test::ToyPhysics toy(double fluorescence = 0.0) {
  test::ToyPhysics p{};
  const double m0[4] = {0.005, 0.06, 0.02, 0.01};
  const double m1[4] = {0.01, 0.05, 0.08, 0.02};
  for (int k = 0; k < 4; ++k) {
    p.coef[0][k] = m0[k];
    p.coef[1][k] = m1[k];
  }
  p.fluorescence_mev = fluorescence;
  return p;
}

MajorantGrid majorant_for(const ToyWorld& w, const test::ToyPhysics& phys, int block) {
  const VoxelPhantomView v = w.view();
  return MajorantGrid(v, block, 16, 1e-3, 20.0, [&](int label, double, double) {
    return v.label_density[label] * phys.mass_mu_total(v.label_medium[label], 0, 5.0);
  });
}

using ToyHistory = PhotonHistory<test::ToyPhysics>;

std::vector<std::uint64_t> run_histories(const ToyHistory& h, std::uint64_t n) {
  std::vector<std::uint64_t> bins(photon_tally_bins(3), 0);
  PlainTally tally{bins.data()};
  for (std::uint64_t i = 0; i < n; ++i) h(i, tally);
  return bins;
}

TEST(PhotonTransport, NarrowBeamTransmissionMatchesExponential) {
  const ToyWorld w;
  const auto phys = toy();
  for (int block : {1, 4, 64}) {
    const MajorantGrid maj = majorant_for(w, phys, block);
    for (double e : {0.5, 2.0}) {
      PhotonSourceView src;
      src.kind = SourceKind::kPencilBeam;
      src.energy_mev = e;
      src.position = Vec3{3.01, 2.99, 0.0};
      src.direction = Vec3{0, 0, 1};
      const ToyHistory h{w.view(), maj.view(), phys, src, {7, 1, 1e-3}};
      const std::uint64_t n = 200000;
      const auto bins = run_histories(h, n);
      // mu x summed over the slabs: 10 cm of medium 0 at 1.0, 5 cm of medium 1 at 2.0, 2.5 cm
      // of medium 0 at 0.3 (lengths along z of 0.5 cm slices).
      const double pair = e >= 1.022;
      const double mu0 = 0.005 + 0.06 + 0.02 + 0.01 * pair;
      const double mu1 = 0.01 + 0.05 + 0.08 + 0.02 * pair;
      const double p = std::exp(-(12.5 * 1.0 * mu0 + 5.0 * 2.0 * mu1 + 2.5 * 0.3 * mu0));
      const double measured =
          fixed_to_mev(bins[escaped_uncollided_bin(3)]) / (e * static_cast<double>(n));
      const double sigma = std::sqrt(p * (1 - p) / n);
      EXPECT_NEAR(measured, p, 3 * sigma) << "block " << block << ", " << e << " MeV";
    }
  }
}

TEST(PhotonTransport, EnergyIsConservedToTheLastUnit) {
  const ToyWorld w;
  for (double fluo : {0.0, 0.03}) {
    const auto phys = toy(fluo);
    const MajorantGrid maj = majorant_for(w, phys, 4);
    std::vector<std::uint32_t> voxels;
    for (std::uint32_t v = 0; v < w.labels.size(); ++v) {
      if (w.labels[v] == 1) voxels.push_back(v);
    }
    AliasTable alias(std::vector<double>(voxels.size(), 1.0));
    for (double e : {0.02, 0.5, 5.0}) {
      PhotonSourceView src;
      src.energy_mev = e;
      src.alias = alias.view();
      src.voxels = voxels.data();
      const ToyHistory h{w.view(), maj.view(), phys, src, {3, 2, 1e-3}};
      const std::uint64_t n = 20000;
      const auto bins = run_histories(h, n);
      EnergySum128 total;
      for (int b = 0; b <= escaped_bin(3); ++b) total.add(bins[b]);
      EnergySum128 emitted;
      for (std::uint64_t i = 0; i < n; ++i) emitted.add(to_fixed(e));
      EXPECT_EQ(total, emitted) << e << " MeV, fluorescence " << fluo;
      EXPECT_GT(bins[1], 0u);  // the source slab absorbs something
    }
  }
}

TEST(PhotonTransport, SameTalliesForAnyRunnerCountAndBatchSize) {
  const ToyWorld w;
  const auto phys = toy(0.03);
  const MajorantGrid maj = majorant_for(w, phys, 4);
  std::vector<std::uint32_t> voxels(w.labels.size());
  for (std::uint32_t v = 0; v < voxels.size(); ++v) voxels[v] = v;
  AliasTable alias(std::vector<double>(voxels.size(), 1.0));
  PhotonSourceView src;
  src.energy_mev = 1.5;
  src.alias = alias.view();
  src.voxels = voxels.data();
  const ToyHistory h{w.view(), maj.view(), phys, src, {11, 4, 1e-3}};
  auto run = [&](int runners, std::uint64_t batch) {
    std::vector<std::unique_ptr<CpuRunner<ToyHistory>>> owned;
    std::vector<BatchRunner*> ptrs;
    for (int r = 0; r < runners; ++r) {
      owned.push_back(std::make_unique<CpuRunner<ToyHistory>>("cpu" + std::to_string(r), h));
      ptrs.push_back(owned.back().get());
    }
    const int bins = photon_tally_bins(3);
    std::vector<std::vector<int>> targets;
    for (int b = 0; b < bins; ++b) targets.push_back({b});
    TargetStatistics stats(targets, bins);
    run_schedule(ptrs, BatchPlan{batch, 30000, static_cast<std::size_t>(bins)}, StopRule{}, stats);
    std::vector<EnergySum128> sums;
    for (int b = 0; b < bins; ++b) sums.push_back(stats.energy_sum(b));
    return sums;
  };
  const auto reference = run(1, 1000);
  EXPECT_EQ(run(2, 1000), reference);
  EXPECT_EQ(run(3, 777), reference);
  EXPECT_EQ(run(1, 30000), reference);
}

}  // namespace
}  // namespace gpudose
