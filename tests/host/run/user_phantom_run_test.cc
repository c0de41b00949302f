// User phantoms through the run (issue #17): media looked up in the catalog, runs on a water box
// (energy balance, an electron that stays where it starts, photons that escape as expected), and
// the acceptance test: AF's own exported label image and media table, read back as a user
// phantom, give AF's tallies bit for bit. Label `data`: the media catalog, the physics
// libraries and the AF phantom come from ../shared and the build's cache.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <fstream>
#include <functional>

#include "host/foundation/durable_file.hh"
#include "host/foundation/user_error.hh"
#include "host/run/job_runner.hh"
#include "host/run/user_phantom_loader.hh"
#include "phantoms/media_table.hh"
#include "phantoms/phantom_cache.hh"
#include "phantoms/phantom_export.hh"
#include "phantoms/regions.hh"
#include "tests/error_text.hh"
#include "tests/test_tmp.hh"

namespace gpudose {
namespace {

const MediaCatalog& catalog() {
  static const MediaCatalog c = load_media_catalog(GPUDOSE_TEST_DATA_DIR);
  return c;
}

const PhotonLibrary& photons() {
  static const PhotonLibrary lib =
      ensure_photon_library(GPUDOSE_TEST_DATA_DIR, GPUDOSE_TEST_CACHE_DIR);
  return lib;
}

const ElectronLibrary& electrons() {
  static const ElectronLibrary lib =
      ensure_electron_library(GPUDOSE_TEST_DATA_DIR, GPUDOSE_TEST_CACHE_DIR);
  return lib;
}

using test::error_of;

std::string write_text(const std::string& name, const std::string& text) {
  const std::string path = test::scratch_dir() + name;
  std::ofstream(path) << text;
  return path;
}

const TargetResult& target(const RunResult& r, const std::string& name) {
  for (const auto& t : r.targets) {
    if (t.name == name) return t;
  }
  throw std::runtime_error("no target " + name);
}

JobRequest request(const std::string& source, const std::string& particle, double e,
                   std::uint64_t n) {
  JobRequest q;
  q.source = source;
  q.particle = particle;
  q.energy_mev = e;
  q.histories = n;
  q.backend = "cpu";
  q.threads = 2;
  q.seed = 17;
  return q;
}

TEST(UserPhantomLoader, MediaByCatalogNameKeyOrDashedName) {
  EXPECT_EQ(catalog()[find_user_medium(catalog(), "water")].key, "water");
  EXPECT_EQ(catalog()[find_user_medium(catalog(), "muscle-tissue")].key, "AF:29");
  EXPECT_EQ(catalog()[find_user_medium(catalog(), "Muscle tissue")].key, "AF:29");
  EXPECT_EQ(catalog()[find_user_medium(catalog(), "AM:29")].key, "AM:29");
  EXPECT_EQ(catalog()[find_user_medium(catalog(), "Gastro-intestinal tract - contents")].key,
            "AF:51");
  const std::string e = error_of([] { find_user_medium(catalog(), "watr"); });
  EXPECT_NE(e.find("unknown medium 'watr'"), std::string::npos) << e;
  EXPECT_NE(e.find("'water'"), std::string::npos) << e;
}

TEST(UserPhantomLoader, BoxOfACatalogMedium) {
  const Phantom p = load_user_phantom("box:muscle-tissue:3x3x3:4.42mm", "", catalog());
  EXPECT_EQ(p.medium_keys, (std::vector<std::string>{"AF:29"}));
  EXPECT_EQ(p.organs[0].density_g_cm3,
            catalog()[catalog().index_of_key("AF:29")].medium.density_g_cm3);
  EXPECT_EQ(p.source, "box spec");  // provenance: "<spec> imported from box spec"
  EXPECT_NE(error_of([] {
              load_user_phantom("box:watr:3x3x3:1mm", "", catalog());
            }).find("unknown medium 'watr'"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              load_user_phantom("box:water:3x3x3:1mm", "m.tsv", catalog());
            }).find("--media given with a box phantom"),
            std::string::npos);
  EXPECT_NE(error_of([] {
              load_user_phantom("labels.nii.gz", "", catalog());
            }).find("has no media table"),
            std::string::npos);
}

TEST(UserPhantomLoader, LabelImageWithMediaTable) {
  const Phantom box = load_user_phantom("box:water:3x3x3:2mm", "", catalog());
  const std::string image = test::scratch_dir() + "labels.nrrd";
  export_phantom_image(box, image);
  // Label 2 (the centre) missing from the table: a one-line error naming it.
  const std::string partial = write_text("partial.tsv", "1\twater\t1.0\tbulk\n");
  const std::string e = error_of([&] { load_user_phantom(image, partial, catalog()); });
  EXPECT_NE(e.find("label 2 of " + image + " has no medium (1 voxels)"), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos);
  // An unknown medium, even of a label the image lacks, names its line.
  const std::string typo = write_text("typo.tsv", "1\twater\t1.0\n2\tair\t0.0012\n9\tbonne\t1.9\n");
  EXPECT_NE(error_of([&] {
              load_user_phantom(image, typo, catalog());
            }).find("typo.tsv line 3: unknown medium 'bonne'"),
            std::string::npos);
  const std::string table =
      write_text("media.tsv", "# test\n1\twater\t1.0\tbulk\n2\tAM:30\t1.5\tcore\n7\tair\t0.001\n");
  const Phantom p = load_user_phantom(image, table, catalog());
  EXPECT_FALSE(p.icrp110);
  EXPECT_EQ(p.model, image);
  EXPECT_EQ(p.medium_keys, (std::vector<std::string>{"AM:30", "water"}));  // catalog order
  ASSERT_EQ(p.organs.size(), 2u);
  EXPECT_EQ(p.organs[1].name, "core");
  EXPECT_EQ(p.medium_key(p.organs[1].medium - 1), "AM:30");
  EXPECT_DOUBLE_EQ(p.organs[1].mass_kg, 0.008 * 1.5 / 1000);
  ASSERT_EQ(p.source_checksums.size(), 2u);
  EXPECT_EQ(p.source_checksums[1].first, table);
  EXPECT_EQ(p.source_checksums[1].second.size(), 64u);
  EXPECT_EQ(resolve_region(p, "bulk").organ_ids, (std::vector<int>{1}));
}

// A 0.05 MeV electron (CSDA range about 0.004 cm) from the centre voxel of a 2 mm water box:
// everything stays in the block but its bremsstrahlung, almost all in the centre voxel; AF,
// SAF and S per the voxel mass; deposited + escaped = emitted.
TEST(UserPhantomRun, ElectronStaysInTheCentreVoxel) {
  const Phantom p = load_user_phantom("box:water:11x11x11:2mm", "", catalog());
  const RunResult r =
      run_job(request("centre", "electron", 0.05, 4000), p, photons(), &electrons());
  EXPECT_EQ(r.model, "box:water:11x11x11:2mm");
  const TargetResult& centre = target(r, "centre");
  const TargetResult& box = target(r, "box");
  std::printf(
      "water box, 0.05 MeV electron in the centre voxel: AF centre %.6f, box %.6f, "
      "escaped %.3g\n",
      centre.af, box.af, r.escaped_fraction);
  EXPECT_GT(centre.af, 0.97);
  EXPECT_LE(centre.af, box.af);
  EXPECT_GT(box.af, 0.999);
  EXPECT_LT(r.escaped_fraction, 1e-3);
  EXPECT_NEAR(box.af + r.escaped_fraction, 1.0, 1e-9);
  EXPECT_DOUBLE_EQ(centre.mass_kg, 0.008 / 1000);
  EXPECT_DOUBLE_EQ(centre.saf_per_kg, centre.af / centre.mass_kg);
  EXPECT_EQ(r.targets.size(), 3u);  // the two labels and the group "box"
}

// 0.5 MeV photons from the centre of a 10.2 cm water cube (51 voxels of 2 mm): the face is
// 5.1 cm away, mu = 0.0969 /cm, so about 60 % leave uncollided and most scattered photons leave
// too; the energy absorbed in water (mu_en/mu = 0.34) is then some 20 %.
TEST(UserPhantomRun, PhotonsEscapeAWaterCube) {
  const Phantom p = load_user_phantom("box:water:51x51x51:2mm", "", catalog());
  JobRequest q = request("centre", "photon", 0.5, 20000);
  q.electrons = "local";
  const RunResult r = run_job(q, p, photons(), nullptr);
  const TargetResult& box = target(r, "box");
  std::printf("water cube 10.2 cm, 0.5 MeV photons from the centre: AF %.4f, escaped %.4f\n",
              box.af, r.escaped_fraction);
  EXPECT_GT(r.escaped_fraction, 0.70);
  EXPECT_LT(r.escaped_fraction, 0.85);
  EXPECT_NEAR(box.af + r.escaped_fraction, 1.0, 1e-9);
}

// Issue #17's acceptance test: AF exported as a label image and a media table, read back as a
// user phantom, reproduces AF's organ tallies bit for bit (photons with local electrons, and
// electrons transported with range rejection, which uses the boundary distance map).
TEST(UserPhantomRun, ExportedAfReproducesAfBitForBit) {
  const Phantom af = load_phantom("AF", GPUDOSE_TEST_DATA_DIR, GPUDOSE_TEST_CACHE_DIR);
  const std::string image = test::scratch_dir() + "AF_labels.nii.gz";
  const std::string table = test::scratch_dir() + "AF_media.tsv";
  const auto t0 = std::chrono::steady_clock::now();
  export_phantom_image(af, image);
  write_file_durably(table, media_table_text(af));
  const auto t1 = std::chrono::steady_clock::now();
  const Phantom user = load_user_phantom(image, table, catalog());
  const auto t2 = std::chrono::steady_clock::now();
  std::printf("AF export %.2f s, read back as a user phantom %.2f s\n",
              std::chrono::duration<double>(t1 - t0).count(),
              std::chrono::duration<double>(t2 - t1).count());

  // The phantom as transport sees it.
  EXPECT_EQ(user.nx, af.nx);
  EXPECT_EQ(user.dx, af.dx);
  EXPECT_EQ(user.dz, af.dz);
  EXPECT_EQ(user.labels, af.labels);
  EXPECT_EQ(user.label_organ_id, af.label_organ_id);
  EXPECT_EQ(user.label_density, af.label_density);
  ASSERT_EQ(user.organs.size(), af.organs.size());
  for (std::size_t l = 0; l < af.organs.size(); ++l) {
    EXPECT_EQ(user.medium_key(user.label_medium[l]), af.medium_key(af.label_medium[l]));
    EXPECT_EQ(user.organs[l].name, af.organs[l].name);
    EXPECT_EQ(user.organs[l].mass_kg, af.organs[l].mass_kg);
  }

  for (const std::string particle : {"photon", "electron"}) {
    JobRequest q = request("liver", particle, 0.5, particle == "photon" ? 2000 : 400);
    if (particle == "photon") q.electrons = "local";
    const ElectronLibrary* e = particle == "photon" ? nullptr : &electrons();
    const RunResult a = run_job(q, af, photons(), e);
    const RunResult u = run_job(q, user, photons(), e);
    EXPECT_EQ(u.source_ids, a.source_ids);
    EXPECT_EQ(u.escaped_fraction, a.escaped_fraction) << particle;
    // AF's organs come first (ascending ID), then its compound regions; the user phantom has
    // the organs only.
    ASSERT_EQ(u.targets.size(), af.organs.size());
    for (std::size_t t = 0; t < u.targets.size(); ++t) {
      EXPECT_EQ(u.targets[t].ids, a.targets[t].ids);
      EXPECT_EQ(u.targets[t].energy_mev, a.targets[t].energy_mev)
          << particle << " " << u.targets[t].name;
      EXPECT_EQ(u.targets[t].rel_unc, a.targets[t].rel_unc) << u.targets[t].name;
      EXPECT_EQ(u.targets[t].saf_per_kg, a.targets[t].saf_per_kg) << u.targets[t].name;
    }
    std::printf("AF vs its export, %s: liver AF %.6f both\n", particle.c_str(),
                target(u, "Liver").af);
  }
}

}  // namespace
}  // namespace gpudose
