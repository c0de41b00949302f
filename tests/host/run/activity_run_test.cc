// Activity-image sources through the run (`gpudose run --activity FILE`, issue #17): an image
// of 1 in AF's liver reproduces `--source liver` bit for bit, and one of the voxel densities in
// the lungs reproduces `--source lungs --sampling mass-uniform` (the same weights make the same
// alias table, hence the same histories); on a user phantom (a water box) too. Activity in two
// organs in the ratio 3:1 gives 3/4 and 1/4 of the single-organ results within statistics; a
// nuclide's alpha energy goes to each target in proportion to the activity inside it; and the
// dose image of an activity run sums over an organ's voxels to the organ tally exactly.
// Label `data`: AF, the physics libraries and the decay data come from ../shared and the cache.
#include <gtest/gtest.h>

#include <cmath>
#include <functional>

#include "host/foundation/user_error.hh"
#include "host/run/dose_image.hh"
#include "host/run/job_runner.hh"
#include "host/run/user_phantom_loader.hh"
#include "phantoms/image_spacing.hh"
#include "phantoms/regions.hh"
#include "tests/error_text.hh"
#include "tests/test_images.hh"
#include "tests/test_tmp.hh"
#include "tests/transport/test_data.hh"

namespace gpudose {
namespace {

using test::electrons;
using test::female;
using test::photons;

// Writes `values` as a double image in the phantom's export frame (phantoms/phantom_export.hh).
std::string write_activity(const Phantom& p, const std::vector<double>& values,
                           const std::string& name) {
  test::ImageGeometry g;
  g.size = {p.nx, p.ny, p.nz};
  g.spacing_mm = {spacing_cm_to_mm(p.dx), spacing_cm_to_mm(p.dy), spacing_cm_to_mm(p.dz)};
  g.origin_mm = p.origin_mm;
  g.direction = p.direction;
  const std::string path = test::scratch_dir() + name;
  test::write_image<double>(path, g, values);
  return path;
}

// Activity `per_voxel` in every voxel of the regions' (added up), 0 elsewhere.
std::vector<double> activity_in(const Phantom& p,
                                const std::vector<std::pair<std::string, double>>& regions) {
  std::vector<double> a(p.num_voxels(), 0.0);
  for (const auto& [name, per_voxel] : regions) {
    const RegionVoxels s =
        region_voxels(p, resolve_region(p, name), SourceSampling::volume_uniform);
    for (std::uint32_t v : s.voxels) a[v] += per_voxel;
  }
  return a;
}

JobRequest photon_request(std::uint64_t n) {
  JobRequest o;
  o.particle = "photon";
  o.energy_mev = 0.5;
  o.electrons = "local";
  o.histories = n;
  o.batch_size = n / 10;
  o.seed = 11;
  o.threads = 2;
  o.backend = "cpu";
  return o;
}

const TargetResult& target(const RunResult& r, const std::string& name) {
  for (const auto& t : r.targets) {
    if (t.name == name) return t;
  }
  throw std::runtime_error("no target " + name);
}

void expect_same_tallies(const RunResult& a, const RunResult& b) {
  ASSERT_EQ(a.targets.size(), b.targets.size());
  EXPECT_EQ(a.histories, b.histories);
  EXPECT_EQ(a.escaped_fraction, b.escaped_fraction);
  for (std::size_t t = 0; t < a.targets.size(); ++t) {
    EXPECT_EQ(a.targets[t].name, b.targets[t].name);
    EXPECT_EQ(a.targets[t].energy_mev, b.targets[t].energy_mev) << a.targets[t].name;
    EXPECT_EQ(a.targets[t].rel_unc, b.targets[t].rel_unc) << a.targets[t].name;
  }
}

std::string provenance(const RunResult& r, const std::string& key) {
  for (const auto& [k, v] : r.provenance) {
    if (k == key) return v;
  }
  return "";
}

TEST(ActivityRun, LiverImageReproducesTheLiverSourceBitForBit) {
  const Phantom& af = female();
  const std::uint64_t n = 4000;
  JobRequest region = photon_request(n);
  region.source = "liver";
  const RunResult expected = run_job(region, af, photons(), &electrons());

  JobRequest image = photon_request(n);
  image.activity = write_activity(af, activity_in(af, {{"liver", 1.0}}), "liver.nii");
  const RunResult r = run_job(image, af, photons(), &electrons());
  EXPECT_EQ(r.source, "activity");
  EXPECT_EQ(r.source_ids, std::vector<int>{95});
  EXPECT_EQ(r.source_sampling, "activity-weighted");
  EXPECT_EQ(provenance(r, "activity_image"), image.activity);
  EXPECT_EQ(provenance(r, "activity_image_sha256").size(), 64u);
  expect_same_tallies(r, expected);
  EXPECT_GT(target(r, "Liver").af, 0.1);
}

TEST(ActivityRun, DensityImageReproducesMassUniformLungsBitForBit) {
  const Phantom& af = female();
  const std::uint64_t n = 4000;
  JobRequest region = photon_request(n);
  region.source = "lungs";
  region.sampling = "mass-uniform";
  const RunResult expected = run_job(region, af, photons(), &electrons());
  // The voxel densities (doubles: the exact organ densities the mass-uniform weights use).
  const RegionVoxels s =
      region_voxels(af, resolve_region(af, "lungs"), SourceSampling::mass_uniform);
  std::vector<double> a(af.num_voxels(), 0.0);
  for (std::size_t i = 0; i < s.voxels.size(); ++i) a[s.voxels[i]] = s.weights[i];
  JobRequest image = photon_request(n);
  image.activity = write_activity(af, a, "lungs_density.mha");
  const RunResult r = run_job(image, af, photons(), &electrons());
  EXPECT_EQ(r.source_ids, resolve_region(af, "lungs").organ_ids);
  expect_same_tallies(r, expected);
}

TEST(ActivityRun, UserPhantomCentreImageReproducesTheCentreSource) {
  const Phantom box = load_run_phantom("", "box:water:11x11x11:2mm", "", GPUDOSE_TEST_DATA_DIR,
                                       GPUDOSE_TEST_CACHE_DIR);
  JobRequest region = photon_request(2000);
  region.particle = "electron";
  region.electrons = "transport";
  region.energy_mev = 1.0;
  region.source = "centre";
  const RunResult expected = run_job(region, box, photons(), &electrons());
  JobRequest image = region;
  image.source.clear();
  image.activity = write_activity(box, activity_in(box, {{"centre", 2.5}}), "centre.nrrd");
  const RunResult r = run_job(image, box, photons(), &electrons());
  EXPECT_EQ(r.source_ids, std::vector<int>{2});
  expect_same_tallies(r, expected);
}

// Activity in the liver and the kidneys, 3:1 in total: per unit of total activity, each target
// gets 3/4 of the liver source's result and 1/4 of the kidneys'. The three runs draw different
// histories (one alias table over both organs is not two), so they agree within statistics:
// 5 combined sigma for targets known to 5 %.
TEST(ActivityRun, TwoOrgansThreeToOneGiveTheWeightedSingleOrganResults) {
  const Phantom& af = female();
  const std::uint64_t n = 40000;
  JobRequest liver = photon_request(n), kidneys = photon_request(n), both = photon_request(n);
  liver.source = "liver";
  kidneys.source = "kidneys";
  const double n_liver = static_cast<double>(region_voxel_count(af, resolve_region(af, "liver")));
  const double n_kidneys =
      static_cast<double>(region_voxel_count(af, resolve_region(af, "kidneys")));
  both.activity = write_activity(
      af, activity_in(af, {{"liver", 3.0 / n_liver}, {"kidneys", 1.0 / n_kidneys}}), "3to1.nii");
  const RunResult rl = run_job(liver, af, photons(), &electrons());
  const RunResult rk = run_job(kidneys, af, photons(), &electrons());
  const RunResult rb = run_job(both, af, photons(), &electrons());
  int compared = 0;
  for (std::size_t t = 0; t < rb.targets.size(); ++t) {
    const TargetResult &l = rl.targets[t], &k = rk.targets[t], &b = rb.targets[t];
    const double expect = 0.75 * l.energy_mev + 0.25 * k.energy_mev;
    const double sigma = std::hypot(0.75 * l.energy_mev * l.rel_unc,
                                    0.25 * k.energy_mev * k.rel_unc, b.energy_mev * b.rel_unc);
    if (!(expect > 0 && sigma < 0.05 * expect)) continue;
    EXPECT_NEAR(b.energy_mev, expect, 5 * sigma) << b.name;
    ++compared;
  }
  EXPECT_GT(compared, 10);
  EXPECT_NEAR(target(rb, "Liver").energy_mev,
              0.75 * target(rl, "Liver").energy_mev + 0.25 * target(rk, "Liver").energy_mev,
              0.03 * target(rb, "Liver").energy_mev);
}

// At-211 (alpha 42 % of decays; its EC branch emits polonium X-rays and electrons): activity
// in the liver and the kidneys, 3:1. The dose image's exact voxel sums give each target's
// transported energy; what the target has beyond it is its share of the alpha energy:
// 3/4 to the liver, 1/4 to the kidneys (and to each kidney its own part), all of it to a
// target that holds both, none elsewhere. The image's organ sums equal the organ tallies.
TEST(ActivityRun, NuclideLocalEnergyIsSharedByActivityAndTheDoseImageSumsToTheTallies) {
  const Phantom& af = female();
  const std::uint64_t n = 4000;
  JobRequest o;
  o.nuclide = "At-211";
  o.decay_dir = std::string(GPUDOSE_TEST_DATA_DIR) + "/decay-data/icrp107";
  o.histories = n;
  o.batch_size = n / 10;
  o.seed = 5;
  o.threads = 2;
  o.backend = "cpu";
  o.dose_image = true;
  const double n_liver = static_cast<double>(region_voxel_count(af, resolve_region(af, "liver")));
  const double n_kidneys =
      static_cast<double>(region_voxel_count(af, resolve_region(af, "kidneys")));
  o.activity = write_activity(
      af, activity_in(af, {{"liver", 3.0 / n_liver}, {"kidneys", 1.0 / n_kidneys}}), "at211.nii");
  const RunResult r = run_job(o, af, photons(), &electrons());
  ASSERT_TRUE(r.dose);
  ASSERT_GT(r.local_mev_per_decay, 1.0);  // 0.42 x 5.9 MeV
  const double local = r.local_mev_per_decay;
  const VoxelStatistics& vs = *r.dose->stats;
  std::vector<EnergySum128> by_id(200);
  std::vector<double> image_by_id(200, 0.0);
  for (std::size_t v = 0; v < vs.num_voxels(); ++v) {
    by_id[af.organ_ids[v]].add(vs.energy_sum(v));
    image_by_id[af.organ_ids[v]] += r.dose->energy_mev[v];
  }
  // Kidney voxels per side: the local energy of each kidney is its share of the activity.
  const Region kidneys = resolve_region(af, "kidneys");
  std::vector<double> kidney_voxels(200, 0.0);
  for (int id : kidneys.organ_ids) kidney_voxels[id] = static_cast<double>(af.organ(id)->voxels);
  auto expected_share = [&](const std::vector<int>& ids) {
    double s = 0;
    for (int id : ids) {
      if (id == 95) s += 0.75;
      if (kidney_voxels[id] > 0) s += 0.25 * kidney_voxels[id] / n_kidneys;
    }
    return s;
  };
  int compared = 0;
  for (const TargetResult& t : r.targets) {
    EnergySum128 s;
    double image = 0;
    for (int id : t.ids) {
      s.add(by_id[id]);
      image += image_by_id[id];
    }
    const double transported = r.particles_per_decay * (s.mev() / static_cast<double>(n));
    const double share = expected_share(t.ids);
    EXPECT_NEAR(t.energy_mev - transported, share * local, 1e-9 * local) << t.name;
    // The energy image (float per voxel) sums to the tally to float rounding.
    EXPECT_NEAR(image, t.energy_mev, 1e-5 * t.energy_mev + 1e-12) << t.name;
    ++compared;
  }
  EXPECT_GT(compared, 100);
  // All the alpha energy in a target that holds both organs, exactly.
  const TargetResult& body = target(r, "Whole body");
  EnergySum128 s;
  for (int id : body.ids) s.add(by_id[id]);
  EXPECT_EQ(body.energy_mev, r.particles_per_decay * (s.mev() / static_cast<double>(n)) + local);
  // Per decay of the whole image: the liver gets 3/4 of the alpha energy and some of the
  // photons and electrons.
  EXPECT_GT(target(r, "Liver").energy_mev, 0.75 * local);
}

TEST(ActivityRun, RequestErrorsAreOneLine) {
  using test::error_of;
  JobRequest o = photon_request(1000);
  o.source = "liver";
  o.activity = "a.nii.gz";
  EXPECT_NE(error_of([&] { validate_job_request(o); }).find("give --source or --activity"),
            std::string::npos);
  o.source.clear();
  o.uncertainty = 0.01;
  EXPECT_NE(error_of([&] {
              validate_job_request(o);
            }).find("--uncertainty with --activity needs --uncertainty-target"),
            std::string::npos);
  o.uncertainty_target = "liver";
  EXPECT_EQ(error_of([&] { validate_job_request(o); }), "no error");
  o.activity.clear();
  EXPECT_NE(error_of([&] { validate_job_request(o); }).find("no source given"), std::string::npos);
  // A grid that is not the phantom's: the run stops before transport.
  const Phantom box = load_run_phantom("", "box:water:5x5x5:2mm", "", GPUDOSE_TEST_DATA_DIR,
                                       GPUDOSE_TEST_CACHE_DIR);
  JobRequest small = photon_request(1000);
  small.activity = write_activity(box, std::vector<double>(125, 1.0), "box.nii.gz");
  const std::string e = error_of([&] { run_job(small, female(), photons(), &electrons()); });
  EXPECT_NE(e.find("is 5x5x5 voxels of 2 x 2 x 2 mm, the phantom AF 299x137x348 voxels of 1.775 x "
                   "1.775 x 4.84 mm"),
            std::string::npos)
      << e;
}

}  // namespace
}  // namespace gpudose
