// Photon transport with the real phantom and photon library (label `data`): narrow-beam
// transmission through water against exp(-mu x), exact energy conservation, bit-identical
// tallies across runner counts and batch sizes, and the AF liver-source SAFs against the
// public ICRP Publication 133 values in ../shared/validation.
#include <gtest/gtest.h>

#include <cmath>
#include <map>
#include <memory>
#include <thread>

#include "host/run/cpu_runner.hh"
#include "host/run/photon_job.hh"
#include "host/run/scheduler.hh"
#include "phantoms/phantom_cache.hh"
#include "physics-data/photon_library.hh"
#include "tests/transport/test_data.hh"

namespace gpudose {
namespace {

using test::female;
using test::photons;
using test::run_bins;

TEST(PhotonRun, NarrowBeamThroughWaterMatchesExponential) {
  // A 4 x 4 x 50 column of 0.4 cm water voxels (20 cm).
  const test::WaterColumn column(4, 4, 50, 0.4);
  for (double e : {0.03, 0.1, 0.5, 2.0, 8.0}) {
    const PhotonHistoryFunctor h = column.pencil_beam(e, 0.8, 0.8, 5);
    std::vector<std::uint64_t> bins(photon_tally_bins(1), 0);
    PlainTally tally{bins.data()};
    const std::uint64_t n = 100000;
    for (std::uint64_t i = 0; i < n; ++i) h(i, tally);
    // Thickness 20 cm (water is the only medium; 0.03 MeV gives p ~ 1e-3).
    const double p = std::exp(-column.mu(e) * 20.0);
    const double measured = fixed_to_mev(bins[escaped_uncollided_bin(1)]) / (e * n);
    EXPECT_NEAR(measured, p, 3 * std::sqrt(p * (1 - p) / n) + 1e-12) << e << " MeV";
  }
}

TEST(PhotonRun, EnergyConservedExactlyInThePhantom) {
  for (double e : {0.03, 0.5, 5.0}) {  // photoelectric + fluorescence, Compton, pair
    PhotonJobConfig c;
    c.source = "liver";
    c.energy_mev = e;
    const PhotonJob job(female(), photons(), c);
    const std::uint64_t n = 4000;
    const auto sums = run_bins(job, n, 2, 500);
    EnergySum128 total;
    for (int b = 0; b <= escaped_bin(female().view().num_labels); ++b) total.add(sums[b]);
    EnergySum128 emitted;
    for (std::uint64_t i = 0; i < n; ++i) emitted.add(to_fixed(e));
    EXPECT_EQ(total, emitted) << e << " MeV";
  }
}

TEST(PhotonRun, BitIdenticalForThreadsBatchesAndInterleaving) {
  PhotonJobConfig c;
  c.source = "kidneys";
  c.energy_mev = 1.0;
  c.seed = 99;
  const PhotonJob job(female(), photons(), c);
  const auto reference = run_bins(job, 6000, 1, 1000);
  EXPECT_EQ(run_bins(job, 6000, 2, 1000), reference);
  EXPECT_EQ(run_bins(job, 6000, 3, 250), reference);
  EXPECT_EQ(run_bins(job, 6000, 2, 6000), reference);
  // Batches computed out of order by hand, then folded in order.
  CpuRunner<PhotonHistoryFunctor> runner("cpu", job.history());
  const BatchPlan plan{1000, 6000, static_cast<std::size_t>(job.num_bins())};
  std::map<std::uint64_t, BatchResult> done;
  for (std::uint64_t b : {4, 1, 5, 0, 3, 2}) {
    std::vector<BatchResult> out;
    runner.run(plan, b, 1, out);
    done.emplace(b, out[0]);
  }
  std::vector<EnergySum128> manual(job.num_bins());
  for (auto& [b, r] : done) {
    for (int k = 0; k < job.num_bins(); ++k) manual[k].add(r.bins[k]);
  }
  EXPECT_EQ(manual, reference);
}

// AF, liver source, photons: the SAFs of Liver (self, voxel-mass scaled as the validation
// README prescribes), Kidneys, Spleen and AI (lungs 96-99) against ICRP 133. Electrons set in
// motion deposit locally (kerma): at these energies their ranges are far below organ sizes.
TEST(PhotonRun, LiverSourceMatchesIcrp133) {
  const auto refs = test::icrp133_references();
  ASSERT_EQ(refs.size(), 24u);  // 12 photon and 12 electron rows
  const Phantom& ph = female();
  const std::vector<std::pair<std::string, std::string>> targets = {
      {"Liver", "liver"}, {"Kidneys", "kidneys"}, {"Spleen", "spleen"}, {"AI", "lungs"}};
  for (double e : {0.05, 0.5, 2.0}) {
    PhotonJobConfig c;
    c.source = "liver";
    c.energy_mev = e;
    c.seed = 2026;
    const PhotonJob job(ph, photons(), c);
    std::vector<std::vector<int>> bins;
    std::vector<double> masses;
    for (const auto& [name, query] : targets) {
      const Region r = resolve_region(ph, query);
      bins.push_back(test::region_label_bins(ph, r));
      masses.push_back(region_mass_kg(ph, r));
    }
    TargetStatistics stats(bins, job.num_bins());
    const std::uint64_t n = 1000000;
    test::run_on_cpu(job, stats, 10000, n);
    for (std::size_t t = 0; t < targets.size(); ++t) {
      const double saf = stats.mean_mev(t) / e / masses[t];
      const double ref = refs.at({"photon", targets[t].first, e});
      const double unc = stats.rel_unc(t);
      const double tol = t == 0 ? 0.03 : 0.05;
      std::printf(
          "ICRP133 AF liver photon %.2f MeV %-8s SAF %.5g /kg (+- %.2f %%) ref %.5g: %+.2f %%\n", e,
          targets[t].first.c_str(), saf, 100 * unc, ref, 100 * (saf / ref - 1));
      // Asserted: 0.5 MeV for liver (self), kidneys and AI, as the photon-transport issue
      // sets. Reported only: spleen, and 0.05 and 2 MeV. At 2 MeV the local deposition of
      // Compton electrons (ranges up to ~1 cm, kerma approximation) overstates self-absorption
      // near the liver surface; electron transport removes that bias.
      if (targets[t].first == "Spleen" || e != 0.5) continue;
      EXPECT_LT(unc, tol / 3) << "not enough histories for a meaningful check";
      EXPECT_NEAR(saf / ref, 1.0, tol) << targets[t].first << " at " << e << " MeV";
    }
  }
}

}  // namespace
}  // namespace gpudose
