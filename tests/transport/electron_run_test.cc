// AF, liver source, with coupled electron transport against ICRP Publication 133 (public values
// in ../shared/validation; its README: self-absorption compared with the voxel-mass-scaled
// value, cross-fire directly): electron sources at 0.05, 0.5 and 2 MeV, and photon sources
// with their secondary electrons transported. Label `data`; the 2 MeV cross-fire needs a few
// 1e5 histories (label `slow` as well).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <map>
#include <memory>
#include <thread>
#include <utility>
#include <vector>

#include "host/run/cpu_runner.hh"
#include "host/run/job_runner.hh"
#include "host/run/photon_job.hh"
#include "host/run/scheduler.hh"
#include "kernels/launch.hh"
#include "phantoms/phantom_cache.hh"
#include "physics-data/photon_library.hh"
#include "tests/transport/test_data.hh"

namespace gpudose {
namespace {

using test::electrons;
using test::female;
using test::photons;
using test::region_label_bins;

struct Saf {
  double saf, rel_unc;
};

// SAFs of Liver, Kidneys, Spleen and AI (lungs) for a liver source.
std::vector<Saf> liver_source_safs(int particle, ElectronMode mode, double e, std::uint64_t n,
                                   int range_rejection = 1, std::uint64_t seed = 2026) {
  const Phantom& ph = female();
  const std::vector<std::string> queries = {"liver", "kidneys", "spleen", "lungs", "body"};
  PhotonJobConfig c;
  c.source = "liver";
  c.energy_mev = e;
  c.seed = seed;
  c.particle = particle;
  c.electrons = mode;
  c.electron.range_rejection = range_rejection;
  const PhotonJob job(ph, photons(), c, &electrons());
  std::vector<std::vector<int>> bins;
  std::vector<double> masses;
  for (const auto& q : queries) {
    const Region r = resolve_region(ph, q);
    bins.push_back(test::region_label_bins(ph, r));
    masses.push_back(region_mass_kg(ph, r));
  }
  TargetStatistics stats(bins, job.num_bins());
  test::run_on_cpu(job, stats, n / 50, n);
  std::vector<Saf> out;
  for (std::size_t t = 0; t < queries.size(); ++t) {
    out.push_back(Saf{stats.mean_mev(t) / e / masses[t], stats.rel_unc(t)});
  }
  return out;
}

const char* kTargets[4] = {"Liver", "Kidneys", "Spleen", "AI"};

void check_electrons(double e, std::uint64_t n, double cross_tol) {
  const auto refs = test::icrp133_references();
  ASSERT_EQ(refs.size(), 24u) << "validation file missing or incomplete";
  const auto safs = liver_source_safs(1, ElectronMode::kTransport, e, n);
  for (int t = 0; t < 4; ++t) {
    const double ref = refs.at({"electron", kTargets[t], e});
    const double ratio = safs[t].saf / ref;
    std::printf(
        "ICRP133 AF liver electron %.2f MeV %-8s SAF %.5g /kg (+- %.2f %%) ref %.5g: "
        "%+.2f %%\n",
        e, kTargets[t], safs[t].saf, 100 * safs[t].rel_unc, ref, 100 * (ratio - 1));
    if (t == 0) {
      EXPECT_NEAR(ratio, 1.0, 0.03) << "self-SAF at " << e << " MeV";
    } else if (cross_tol > 0 && t != 2) {  // kidneys and AI asserted; spleen reported
      EXPECT_LT(safs[t].rel_unc, cross_tol / 3) << "not enough histories";
      EXPECT_NEAR(ratio, 1.0, cross_tol) << kTargets[t] << " at " << e << " MeV";
    }
  }
}

#ifndef GPUDOSE_SLOW_TESTS
// Provenance of an electron job: the checksums of every source file behind the result (phantom,
// photon and electron libraries) and the transport settings, range rejection included.
TEST(ElectronRun, ProvenanceNamesEverySourceChecksum) {
  JobRequest rq;
  rq.source = "liver";
  rq.particle = "electron";
  rq.energy_mev = 0.5;
  rq.histories = 200;
  rq.threads = 1;
  const RunResult r = run_job(rq, female(), photons(), &electrons());
  std::map<std::string, std::string> prov(r.provenance.begin(), r.provenance.end());
  for (const char* key :
       {"phantom_sources_sha256", "physics_sources_sha256", "electron_sources_sha256"}) {
    ASSERT_TRUE(prov.count(key)) << key;
    // "path sha256; path sha256; ...": the first entry ends in 64 hex digits.
    const std::string& v = prov[key];
    const std::string first = v.substr(0, v.find("; "));
    const std::string digest = first.substr(first.rfind(' ') + 1);
    EXPECT_EQ(digest.size(), 64u) << key << ": " << v;
    EXPECT_EQ(digest.find_first_not_of("0123456789abcdef"), std::string::npos) << key << ": " << v;
  }
  EXPECT_NE(prov["electron_transport"].find("range rejection on"), std::string::npos);
}

// A job holds the electron tables of the phantom's own media only (AF uses 53 of the catalog's
// 108), row for row equal to the library's, which keeps the device memory of a job with
// electrons transported (boundary-distance map included) within the 64 MiB budget.
TEST(ElectronRun, JobHoldsOnlyThePhantomsElectronMedia) {
  PhotonJobConfig c;
  c.source = "liver";
  c.particle = 1;
  c.energy_mev = 0.5;
  const PhotonJob job(female(), photons(), c, &electrons());
  const ElectronTablesView& v = job.electron_tables();
  const ElectronTablesView& full = electrons().view();
  EXPECT_LT(v.n_media, full.n_media);
  ASSERT_EQ(job.electron_medium().size(), female().media.size());
  for (std::size_t i = 0; i < female().media.size(); ++i) {
    const int k = job.electron_medium()[i], m = job.catalog_medium()[i];
    ASSERT_GE(k, 0);
    ASSERT_LT(k, v.n_media);
    EXPECT_EQ(v.density[k], full.density[m]);
    for (int q = 0; q < static_cast<int>(ElectronQuantity::kCount); ++q) {
      for (int p = 0; p < 2; ++p) {
        for (int j : {0, v.n_energy / 2, v.n_energy - 1}) {
          EXPECT_EQ(v.table[q][electron_table_index(v, p, k, j)],
                    full.table[q][electron_table_index(full, p, m, j)]);
        }
      }
    }
    const std::size_t row = static_cast<std::size_t>(v.n_energy) * v.n_kappa;
    EXPECT_EQ(v.brems_cdf[k * row + row / 2], full.brems_cdf[m * row + row / 2]);
  }
  std::printf(
      "[ info ] AF electron job: %d of %d electron media, %zu device bytes besides tallies\n",
      v.n_media, full.n_media, job.device_bytes());
  EXPECT_LT(job.device_bytes(), std::size_t{64} << 20);
}

// The device path's launch functor (BatchedHistories: one launch over many batches, deposits
// coalesced per history before the atomics) run on the host with OpenMP threads and host atomics
// gives, batch by batch, exactly the tallies of the plain per-history loop the CPU runner uses:
// electron and positron sources, and photons with their electrons transported.
TEST(ElectronRun, BatchedLaunchTalliesEqualPlainLoop) {
  for (const auto& [particle, energy] : {std::pair{1, 0.5}, std::pair{2, 1.0}, std::pair{0, 2.0}}) {
    PhotonJobConfig c;
    c.source = "liver";
    c.particle = particle;
    c.energy_mev = energy;
    c.electrons = ElectronMode::kTransport;
    c.seed = 9;
    const PhotonJob job(female(), photons(), c, &electrons());
    const int bins = job.num_bins();
    const std::uint64_t n = 3000, batch = 500, first_batch = 2;
    const std::uint64_t h0 = first_batch * batch;
    std::vector<std::uint64_t> launched((n / batch) * bins, 0), plain(launched.size(), 0);
    launch_cpu(n,
               BatchedHistories<PhotonHistoryFunctor>{job.history(), h0, batch, first_batch, bins,
                                                      launched.data()},
               2);
    const PhotonHistoryFunctor history = job.history();
    for (std::uint64_t i = 0; i < n; ++i) {
      const std::uint64_t h = h0 + i;
      PlainTally t{plain.data() + (h / batch - first_batch) * bins};
      history(h, t);
    }
    EXPECT_EQ(launched, plain) << "particle " << particle;
    std::uint64_t total = 0;
    for (std::uint64_t v : plain) total += v;
    EXPECT_GT(total, 0u);
  }
}

// Self-absorption at 0.05, 0.5 and 2 MeV within 3 % (the tolerance).
TEST(ElectronRun, LiverSelfSafMatchesIcrp133) {
  check_electrons(0.05, 20000, 0);
  check_electrons(0.5, 20000, 0);
  check_electrons(2.0, 10000, 0);
}
#else

// Cross-fire to kidneys and AI: 2 MeV within 10 %, 0.5 MeV within 20 % (the tolerances).
TEST(ElectronRunSlow, LiverSourceCrossFireMatchesIcrp133) {
  check_electrons(0.5, 400000, 0.20);
  check_electrons(2.0, 300000, 0.10);
}

// Photon sources with their electrons transported (reported; the 0.5 MeV liver, kidneys and AI
// asserted with the photon-transport tolerances, 3 % self and 5 % cross-fire).
TEST(ElectronRunSlow, PhotonSafsWithElectronsTransported) {
  const auto refs = test::icrp133_references();
  ASSERT_EQ(refs.size(), 24u) << "validation file missing or incomplete";
  for (double e : {0.05, 0.5, 2.0}) {
    const auto safs = liver_source_safs(0, ElectronMode::kTransport, e, 300000);
    for (int t = 0; t < 4; ++t) {
      const double ref = refs.at({"photon", kTargets[t], e});
      const double ratio = safs[t].saf / ref;
      std::printf(
          "ICRP133 AF liver photon (electrons transported) %.2f MeV %-8s SAF %.5g /kg "
          "(+- %.2f %%) ref %.5g: %+.2f %%\n",
          e, kTargets[t], safs[t].saf, 100 * safs[t].rel_unc, ref, 100 * (ratio - 1));
      if (e == 0.5 && t != 2) EXPECT_NEAR(ratio, 1.0, t == 0 ? 0.03 : 0.05) << kTargets[t];
    }
  }
}

// Bias of range rejection (kernels/electron_transport.hh): liver-source electrons with it off
// and on, independent seeds, 1e6 histories at 0.5 MeV and 5e5 at 2 MeV each. The SAFs of liver,
// kidneys, spleen (bremsstrahlung only at that distance), AI and the whole body must agree
// within 4 combined standard deviations (reported with the difference).
TEST(ElectronRunSlow, RangeRejectionBiasWithinStatistics) {
  const char* names[5] = {"Liver", "Kidneys", "Spleen", "AI", "whole body"};
  for (double e : {0.5, 2.0}) {
    const std::uint64_t n = e < 1 ? 1000000 : 500000;
    const auto off = liver_source_safs(1, ElectronMode::kTransport, e, n, 0, 2026);
    const auto on = liver_source_safs(1, ElectronMode::kTransport, e, n, 1, 3031);
    for (int t = 0; t < 5; ++t) {
      const double d = on[t].saf / off[t].saf - 1;
      const double sigma = std::hypot(on[t].rel_unc, off[t].rel_unc);
      std::printf(
          "range rejection bias, electrons %.1f MeV %-10s: on/off - 1 = %+.3f %% (+- %.3f %% "
          "combined 1 sigma)\n",
          e, names[t], 100 * d, 100 * sigma);
      EXPECT_LT(std::fabs(d), 4 * sigma) << names[t] << " at " << e << " MeV";
    }
  }
}

#endif

}  // namespace
}  // namespace gpudose
