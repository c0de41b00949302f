// Dose images (host/run/dose_image.hh, voxel_tally.hh): organ doses summed from the image equal
// the organ tallies of the same run bit for bit; the image is bit-identical for any thread
// count; deposited plus escaped equals emitted; dose x mass = energy; and in a water column the
// primary (first-collision) part of a pencil beam's depth profile follows exp(-mu z) with the
// engine's own mu.
#include "host/run/dose_image.hh"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <vector>

#include "host/run/job_runner.hh"
#include "host/run/user_phantom_loader.hh"
#include "host/run/voxel_tally.hh"
#include "kernels/constants.hh"
#include "kernels/step_counters.hh"
#include "physics-data/media_catalog.hh"
#include "tests/radial_shells.hh"
#include "tests/transport/test_data.hh"

namespace gpudose {
namespace {

using test::electrons;
using test::female;
using test::photons;

RunResult dose_run(const std::string& particle, double e, int threads, std::uint64_t n) {
  JobRequest o;
  o.source = "kidneys";
  o.particle = particle;
  o.energy_mev = e;
  o.histories = n;
  o.batch_size = n / 10;
  o.seed = 7;
  o.threads = threads;
  o.backend = "cpu";
  o.dose_image = true;
  return run_job(o, female(), photons(), &electrons());
}

TEST(DoseImage, OrganSumsEqualOrganTalliesAndThreadsDoNotMatter) {
  for (const char* particle : {"photon", "electron"}) {
    const double e = 0.5;
    const std::uint64_t n = 4000;
    const RunResult r = dose_run(particle, e, 2, n);
    ASSERT_TRUE(r.dose);
    const VoxelStatistics& vs = *r.dose->stats;
    const Phantom& ph = female();
    // Energy per organ ID from the image's exact sums.
    std::vector<EnergySum128> by_id(200);
    EnergySum128 all;
    for (std::size_t v = 0; v < vs.num_voxels(); ++v) {
      by_id[ph.organ_ids[v]].add(vs.energy_sum(v));
      all.add(vs.energy_sum(v));
    }
    int compared = 0;
    for (const TargetResult& t : r.targets) {
      EnergySum128 s;
      for (int id : t.ids) s.add(by_id[id]);
      EXPECT_EQ(s.mev() / static_cast<double>(n), t.energy_mev) << particle << " " << t.name;
      ++compared;
    }
    EXPECT_GT(compared, 100);
    // Deposited + escaped = emitted (the escaped fraction is a double: to rounding).
    EXPECT_NEAR(all.mev() / static_cast<double>(n) + r.escaped_fraction * e, e, 1e-9 * e);
    // Dose x voxel mass = energy (float images: to float rounding).
    double from_dose = 0, energy = 0;
    for (std::size_t v = 0; v < vs.num_voxels(); ++v) {
      const double mass_kg = ph.label_density[ph.labels[v]] * ph.voxel_volume_cm3() * 1e-3;
      from_dose += static_cast<double>(r.dose->dose_gy[v]) * mass_kg / kMeVToJoule;
      energy += r.dose->energy_mev[v];
    }
    EXPECT_NEAR(from_dose, all.mev() / n, 1e-5 * all.mev() / n);
    EXPECT_NEAR(energy, all.mev() / n, 1e-5 * all.mev() / n);
    // One thread: the same image, bit for bit.
    const RunResult one = dose_run(particle, e, 1, n);
    for (std::size_t v = 0; v < vs.num_voxels(); ++v) {
      ASSERT_EQ(one.dose->stats->energy_sum(v), vs.energy_sum(v)) << particle << " voxel " << v;
      ASSERT_EQ(one.dose->rel_unc[v], r.dose->rel_unc[v]) << particle << " voxel " << v;
    }
    // Uncertainty: 1 where nothing was deposited; the source organ's hottest voxels are known
    // to better than 100 %.
    std::size_t empty = 0, known = 0;
    for (std::size_t v = 0; v < vs.num_voxels(); ++v) {
      if (r.dose->energy_mev[v] == 0) {
        ++empty;
        EXPECT_EQ(r.dose->rel_unc[v], 1.0f);
      } else if (r.dose->rel_unc[v] < 1.0f) {
        ++known;
      }
    }
    EXPECT_GT(empty, 0u);
    EXPECT_GT(known, 0u);
  }
}

// A spatial tally that passes everything to `all` and, in addition, the energy deposited at a
// history's first real interaction to `primary` (the step counter hooks say where a real
// interaction starts and where the next flight begins).
struct PrimarySplitTally {
  VoxelTally all;
  VoxelTally primary;
  mutable int real = 0;
  mutable bool at_first = false;
  void deposit(int b, std::uint64_t u) const { all.deposit(b, u); }
  void deposit_at(int l, std::uint64_t u, double x, double y, double z) const {
    all.deposit_at(l, u, x, y, z);
    if (at_first) primary.deposit_at(l, u, x, y, z);
  }
  void count(StepCounter k) const {
    if (k == kRealCollisions) {
      at_first = real++ == 0;
    } else if (k == kTentativeCollisions || k == kBlockCrossings) {
      at_first = false;
    }
  }
};

TEST(DoseImage, PencilBeamPrimaryDepthProfileFollowsAttenuation) {
  // A 5 x 5 x 60 column of 0.5 cm water voxels (30 cm), beam along the axis.
  const int nx = 5, ny = 5, nz = 60;
  const double d = 0.5;
  const test::WaterColumn column(nx, ny, nz, d);
  const VoxelPhantomView& v = column.view;
  const double e0 = 0.2;
  const PhotonHistoryFunctor h = column.pencil_beam(e0, 2.5 * d, 2.5 * d, 3);
  std::vector<std::uint64_t> bins(photon_tally_bins(1), 0);
  std::vector<std::uint64_t> primary_bins(photon_tally_bins(1), 0);
  std::vector<VoxelDeposit> all, primary;
  const std::uint64_t n = 200000;
  std::vector<double> slab(nz, 0), slab_sq(nz, 0);
  for (std::uint64_t i = 0; i < n; ++i) {
    primary.clear();
    PrimarySplitTally tally{VoxelTally{bins.data(), v, &all},
                            VoxelTally{primary_bins.data(), v, &primary}};
    h(i, tally);
    for (const VoxelDeposit& dep : primary) {
      const double mev = fixed_to_mev(dep.units);
      slab[dep.voxel / (nx * ny)] += mev;
      slab_sq[dep.voxel / (nx * ny)] += mev * mev;  // one first collision per history
    }
  }
  // Expected: the first real interaction lies in [z1, z2) with probability
  // exp(-mu z1) - exp(-mu z2), and the energy it leaves does not depend on where it is.
  const double mu = column.mu(e0);
  double total = 0;
  for (double s : slab) total += s;
  auto chi2_for = [&](double m) {
    const double norm = total / (1 - std::exp(-m * nz * d));
    double chi2 = 0;
    for (int k = 0; k < nz; ++k) {
      const double expected = norm * (std::exp(-m * k * d) - std::exp(-m * (k + 1) * d));
      const double var = slab_sq[k] - slab[k] * slab[k] / n;  // of the slab's sum over histories
      if (var <= 0) continue;
      chi2 += (slab[k] - expected) * (slab[k] - expected) / var;
    }
    return chi2;
  };
  const double chi2 = chi2_for(mu);
  std::printf("primary depth profile: chi2 %.1f for 59 dof (mu %.5f /cm); with mu +3 %%: %.1f\n",
              chi2, mu, chi2_for(1.03 * mu));
  // 60 slabs (one constraint: the normalisation): within the 99.9 % quantile of chi-square(59)
  // (~97); and sensitive: a mu 3 % off is rejected.
  EXPECT_LT(chi2, 97.0) << "mu " << mu;
  EXPECT_GT(chi2, 25.0) << "suspiciously good fit";
  EXPECT_GT(chi2_for(1.03 * mu), 97.0);
  // The image holds everything, the primary part included.
  reduce_voxel_deposits(all);
  EnergySum128 image;
  for (const VoxelDeposit& dep : all) image.add(dep.units);
  EXPECT_EQ(image.lo, bins[0]);
}

// Range rejection in a dose image works within a voxel: a 1 MeV electron source in the central
// 0.5 mm voxel of a water block gives the same radial dose profile (shells of voxels, with their
// own batch statistics) with range rejection on and off, within statistics.
TEST(DoseImage, RangeRejectionWithinAVoxelKeepsTheDoseProfile) {
  const Phantom box =
      load_user_phantom("box:water:41x41x41:0.5mm", "", load_media_catalog(GPUDOSE_TEST_DATA_DIR));
  const test::RadialShells radial = test::radial_shells(41);
  const std::size_t shells = radial.count;
  // Different seeds: the same seed would correlate the two runs and shrink the chi-square.
  auto profile = [&](const char* rr, std::uint64_t seed) {
    JobRequest o;
    o.source = "centre";
    o.particle = "electron";
    o.energy_mev = 1.0;
    o.histories = 20000;
    o.batch_size = 1000;
    o.seed = seed;
    o.threads = 2;
    o.backend = "cpu";
    o.range_rejection = rr;
    o.dose_image = true;
    o.voxel_groups = radial.of_voxel;
    o.num_voxel_groups = shells;
    return run_job(o, box, photons(), &electrons());
  };
  const RunResult on = profile("on", 5), off = profile("off", 6);
  const VoxelStatistics& a = *on.dose->groups;
  const VoxelStatistics& b = *off.dose->groups;
  const test::ShellComparison cmp = test::compare_shells(a, b, shells, 0.3);
  const double chi2 = cmp.chi2;
  const int dof = cmp.dof;
  const bool differ = cmp.differ;
  std::printf("radial profile, range rejection on vs off: chi2 %.1f for %d shells\n", chi2, dof);
  ASSERT_GE(dof, 8);
  EXPECT_TRUE(differ) << "range rejection never acted";
  // chi-square 99.9 % quantile ~ dof + 3.1 sqrt(2 dof) + 2 for these dof.
  EXPECT_LT(chi2, dof + 3.1 * std::sqrt(2.0 * dof) + 2);
}

}  // namespace
}  // namespace gpudose
