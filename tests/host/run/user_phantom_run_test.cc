// User phantoms through the run (issue #17): media looked up in the catalog, runs on a water box
// (energy balance, an electron that stays where it starts, photons that escape as expected), and
// the acceptance test: AF's own exported label image and media table, read back as a user
// phantom, give AF's tallies bit for bit. Label `data`: the media catalog, the physics
// libraries and the AF phantom come from ../shared and the build's cache.
#include <gtest/gtest.h>

#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
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

// Media by composition (issue #17). A 7x7x7 box of 2 mm voxels exported as a label image:
// label 1 "bulk" around label 2 "centre" (one voxel).
std::string box_image(const std::string& name) {
  const Phantom box = load_user_phantom("box:water:7x7x7:2mm", "", catalog());
  const std::string image = test::scratch_dir() + name;
  export_phantom_image(box, image);
  return image;
}

constexpr const char* kWaterElements = "H:0.111894,O:0.888106;I=75eV";

std::filesystem::file_time_type mtime(const std::string& path) {
  return std::filesystem::last_write_time(path);
}

bool has_provenance(const RunResult& r, const std::string& key, const std::string& part) {
  for (const auto& [k, v] : r.provenance) {
    if (k == key && v.find(part) != std::string::npos) return true;
  }
  return false;
}

TEST(UserPhantomLoader, CompositionMediaAndTheirErrors) {
  const std::string image = box_image("composition_labels.nrrd");
  const std::string table = write_text(
      "composition.tsv", std::string("label\tmedium\tdensity\tname\n1\twater\t1\tbulk\n2\t") +
                             kWaterElements + "\t1\tcentre\n3\tCa:0.4,O:0.6\t2\tabsent\n");
  std::vector<CatalogMedium> user;
  const Phantom p = load_user_phantom(image, table, catalog(), &user);
  ASSERT_EQ(user.size(), 1u);  // label 3 is not in the image: its medium is checked, not used
  EXPECT_EQ(user[0].key, parse_composition_medium(kWaterElements, 1.0).key);
  EXPECT_EQ(p.medium_keys, (std::vector<std::string>{"water", user[0].key}));  // catalog first
  EXPECT_EQ(p.medium_key(p.organs[1].medium - 1), user[0].key);
  EXPECT_EQ(p.media[1].name, "H:0.111894,O:0.888106;I=75eV at 1 g/cm3");
  // Each composition error names the table and line, on one line.
  const std::string bad = write_text("bad_composition.tsv", "1\twater\t1\n2\tH:0.1,O:0.8\t1\n");
  const std::string e = error_of([&] { load_user_phantom(image, bad, catalog()); });
  EXPECT_NE(e.find("bad_composition.tsv line 2: bad composition 'H:0.1,O:0.8' (the mass "
                   "fractions sum to 0.9, not 1 within 0.001); fix the fractions"),
            std::string::npos)
      << e;
  EXPECT_EQ(e.find('\n'), std::string::npos);
  const std::string unknown =
      write_text("unknown_element.tsv", "1\twater\t1\n2\tH:0.1,Qq:0.9\t1\n9\tAg:1\t10\n");
  EXPECT_NE(error_of([&] {
              load_user_phantom(image, unknown, catalog());
            }).find("line 2: bad composition 'H:0.1,Qq:0.9' ('Qq' is not a chemical symbol)"),
            std::string::npos);
}

// The acceptance test of compositions: a phantom whose media table gives water's catalog
// composition as elements (H 0.111894, O 0.888106, I = 75 eV, 1 g/cm3) reproduces the run of
// the same label image with catalog `water` bit for bit: photons with local electrons, photons
// and electrons transported, a positron. The physics rows themselves are equal, and the
// standard libraries are not rewritten for the user table.
TEST(UserPhantomRun, WaterAsElementsReproducesCatalogWaterBitForBit) {
  const std::string image = box_image("water_elements.nrrd");
  const std::string by_name =
      write_text("water_by_name.tsv", "1\twater\t1\tbulk\n2\twater\t1\tcentre\n");
  const std::string by_elements =
      write_text("water_by_elements.tsv", std::string("1\t") + kWaterElements + "\t1\tbulk\n2\t" +
                                              kWaterElements + "\t1.0\tcentre\n");
  std::vector<CatalogMedium> none, user;
  const Phantom a = load_user_phantom(image, by_name, catalog(), &none);
  const Phantom u = load_user_phantom(image, by_elements, catalog(), &user);
  EXPECT_TRUE(none.empty());
  ASSERT_EQ(user.size(), 1u);
  EXPECT_EQ(u.medium_keys, (std::vector<std::string>{user[0].key}));
  EXPECT_EQ(u.label_density, a.label_density);

  photons();  // the standard libraries exist before the user ones are made
  electrons();
  const std::string standard = std::string(GPUDOSE_TEST_CACHE_DIR) + "/physics/";
  const auto photon_time = mtime(standard + "photon.h5");
  const auto electron_time = mtime(standard + "electron.h5");
  const PhotonLibrary lib =
      ensure_photon_library(GPUDOSE_TEST_DATA_DIR, GPUDOSE_TEST_CACHE_DIR, {}, user);
  const ElectronLibrary el =
      ensure_electron_library(GPUDOSE_TEST_DATA_DIR, GPUDOSE_TEST_CACHE_DIR, {}, user);
  EXPECT_EQ(mtime(standard + "photon.h5"), photon_time);
  EXPECT_EQ(mtime(standard + "electron.h5"), electron_time);
  const std::string dir = user_media_library_dir(GPUDOSE_TEST_CACHE_DIR, user);
  EXPECT_EQ(lib.path, dir + "/photon.h5");
  ASSERT_EQ(lib.media_keys.size(), catalog().size() + 1);
  ASSERT_EQ(el.n_media(), static_cast<int>(catalog().size()) + 1);
  const std::size_t w = lib.medium_index("water"), m = lib.medium_index(user[0].key);
  EXPECT_EQ(m, catalog().size());
  const std::size_t n = lib.num_energies();
  EXPECT_EQ(lib.grid.energy, photons().grid.energy);
  for (std::size_t k = 0; k < n; ++k) {
    ASSERT_EQ(lib.mass_mu_total[m * n + k], lib.mass_mu_total[w * n + k]) << k;
    ASSERT_EQ(lib.mass_mu_total[w * n + k], photons().mass_mu_total[w * n + k]) << k;
  }
  EXPECT_EQ(el.mean_excitation_ev()[m], 75.0);
  for (int q = 0; q < static_cast<int>(ElectronQuantity::kCount); ++q) {
    for (int p = 0; p < 2; ++p) {
      for (int i = 0; i < el.view().n_energy; ++i) {
        const double* t = el.view().table[q];
        ASSERT_EQ(t[electron_table_index(el.view(), p, static_cast<int>(m), i)],
                  t[electron_table_index(el.view(), p, static_cast<int>(w), i)])
            << q << " " << p << " " << i;
      }
    }
  }

  struct Case {
    const char* particle;
    double energy;
    const char* electrons;
    std::uint64_t histories;
  };
  for (const Case& c :
       {Case{"photon", 0.1, "local", 3000}, Case{"photon", 1.0, "transport", 400},
        Case{"electron", 1.0, "transport", 400}, Case{"positron", 0.5, "transport", 200}}) {
    JobRequest q = request("centre", c.particle, c.energy, c.histories);
    q.electrons = c.electrons;
    const bool local = q.electrons == "local";
    const RunResult ra = run_job(q, a, photons(), local ? nullptr : &electrons());
    const RunResult ru = run_job(q, u, lib, local ? nullptr : &el);
    ASSERT_EQ(ru.targets.size(), ra.targets.size());
    EXPECT_EQ(ru.escaped_fraction, ra.escaped_fraction) << c.particle;
    for (std::size_t t = 0; t < ra.targets.size(); ++t) {
      EXPECT_EQ(ru.targets[t].energy_mev, ra.targets[t].energy_mev)
          << c.particle << " " << c.energy << " " << ra.targets[t].name;
      EXPECT_EQ(ru.targets[t].rel_unc, ra.targets[t].rel_unc) << ra.targets[t].name;
      EXPECT_EQ(ru.targets[t].saf_per_kg, ra.targets[t].saf_per_kg) << ra.targets[t].name;
    }
    std::printf("water by name vs by elements, %s %g MeV (%s electrons): AF centre %.6f both\n",
                c.particle, c.energy, c.electrons, target(ru, "centre").af);
    // Provenance names the composition (and, with electron tables, the I they used).
    EXPECT_TRUE(has_provenance(ru, "medium " + user[0].key, "H:0.111894,O:0.888106;I=75eV"));
    if (!local) EXPECT_TRUE(has_provenance(ru, "medium " + user[0].key, "I 75 eV (given)"));
  }
  // The run through the electron library next to the user photon library (run_job's overload).
  JobRequest q = request("centre", "electron", 0.5, 100);
  EXPECT_EQ(run_job(q, u, lib).targets[0].energy_mev,
            run_job(q, a, photons(), &electrons()).targets[0].energy_mev);
}

// Cortical bone (ICRU 44 composition, 1.92 g/cm3, I by the ICRU 37 rule) in the centre voxel
// of a water box: its own tables (photoelectric from Ca and P), a derived I near ICRU's
// 106.4 eV, and 30 keV photons from the centre absorbed there several times more than in water.
TEST(UserPhantomRun, BoneByCompositionDiffersSanely) {
  const std::string image = box_image("bone_centre.nrrd");
  const std::string bone =
      "H:0.034,C:0.155,N:0.042,O:0.435,Na:0.001,Mg:0.002,P:0.103,S:0.003,Ca:0.225";
  const std::string water_table =
      write_text("bone_ref.tsv", "1\twater\t1\tbulk\n2\twater\t1\tcentre\n");
  const std::string bone_table =
      write_text("bone.tsv", "1\twater\t1\tbulk\n2\t" + bone + "\t1.92\tcentre\n");
  std::vector<CatalogMedium> user;
  const Phantom wp = load_user_phantom(image, water_table, catalog());
  const Phantom bp = load_user_phantom(image, bone_table, catalog(), &user);
  ASSERT_EQ(user.size(), 1u);
  const PhotonLibrary lib =
      ensure_photon_library(GPUDOSE_TEST_DATA_DIR, GPUDOSE_TEST_CACHE_DIR, {}, user);
  const ElectronLibrary el =
      ensure_electron_library(GPUDOSE_TEST_DATA_DIR, GPUDOSE_TEST_CACHE_DIR, {}, user);
  const std::size_t m = lib.medium_index(user[0].key), w = lib.medium_index("water");
  const PhotonTablesView v = lib.view();
  const double e = 0.03;
  const double ratio = v.mass_mu_tot(static_cast<int>(m), v.find(e), e) /
                       v.mass_mu_tot(static_cast<int>(w), v.find(e), e);
  const double i_ev = el.mean_excitation_ev()[m];
  std::printf("cortical bone by composition: mu/rho(30 keV) / water's = %.3f, I = %.2f eV\n", ratio,
              i_ev);
  EXPECT_GT(ratio, 2.5);  // NIST XCOM: 1.331 / 0.3756 = 3.5 for ICRU cortical bone
  EXPECT_LT(ratio, 4.5);
  EXPECT_GT(i_ev, 95.0);  // ICRU 37 gives 106.4 eV for cortical bone
  EXPECT_LT(i_ev, 120.0);

  JobRequest q = request("centre", "photon", 0.03, 4000);
  q.electrons = "local";
  const RunResult rw = run_job(q, wp, photons(), nullptr);
  const RunResult rb = run_job(q, bp, lib, nullptr);
  std::printf("30 keV photons from the centre voxel: AF centre water %.4f, bone %.4f\n",
              target(rw, "centre").af, target(rb, "centre").af);
  EXPECT_GT(target(rb, "centre").af, 3 * target(rw, "centre").af);
  for (const RunResult* r : {&rw, &rb}) {
    EXPECT_NEAR(target(*r, "bulk").af + target(*r, "centre").af + r->escaped_fraction, 1.0, 1e-9);
  }
  EXPECT_DOUBLE_EQ(target(rb, "centre").mass_kg, 0.008 * 1.92 / 1000);
  // Electrons transported through bone: energy conserved, I derived and recorded.
  JobRequest qe = request("centre", "electron", 1.0, 300);
  const RunResult re = run_job(qe, bp, lib, &el);
  EXPECT_NEAR(target(re, "bulk").af + target(re, "centre").af + re.escaped_fraction, 1.0, 1e-9);
  EXPECT_TRUE(has_provenance(re, "medium " + user[0].key, "(ICRU 37 rule)"));
}

// The cached user libraries are checked like the standard ones: a damaged file is rebuilt (and
// the user told why), the rebuilt tables equal the first ones.
TEST(UserPhantomRun, DamagedUserLibrariesAreRebuilt) {
  const std::vector<CatalogMedium> user = {parse_composition_medium("Al:1", 2.699)};
  const PhotonLibrary first =
      ensure_photon_library(GPUDOSE_TEST_DATA_DIR, GPUDOSE_TEST_CACHE_DIR, {}, user);
  const std::string dir = user_media_library_dir(GPUDOSE_TEST_CACHE_DIR, user);
  // Unchanged: loaded, not rebuilt.
  const auto t0 = mtime(dir + "/photon.h5");
  const auto t1 = mtime(dir + "/electron.h5");
  ensure_photon_library(GPUDOSE_TEST_DATA_DIR, GPUDOSE_TEST_CACHE_DIR, {}, user);
  EXPECT_EQ(mtime(dir + "/photon.h5"), t0);
  EXPECT_EQ(mtime(dir + "/electron.h5"), t1);
  const double s_first =
      ensure_electron_library(GPUDOSE_TEST_DATA_DIR, GPUDOSE_TEST_CACHE_DIR, {}, user)
          .value(ElectronQuantity::kStoppingTotal, 0, 109, 1.0);
  for (const char* file : {"/photon.h5", "/electron.h5"}) {
    std::ofstream(dir + file, std::ios::binary | std::ios::trunc) << "damaged";
  }
  const PhotonLibrary again =
      ensure_photon_library(GPUDOSE_TEST_DATA_DIR, GPUDOSE_TEST_CACHE_DIR, {}, user);
  EXPECT_EQ(again.mass_mu_total, first.mass_mu_total);
  const ElectronLibrary el = load_electron_library(dir + "/electron.h5");
  EXPECT_EQ(el.value(ElectronQuantity::kStoppingTotal, 0, 109, 1.0), s_first);
  EXPECT_EQ(el.medium_names().back(), "Al:1 at 2.699 g/cm3");
}

}  // namespace
}  // namespace gpudose
