// The real ICRP 110 phantoms from ../shared: both importers, masses, labels, device view.
// Reference figures: ../shared/phantoms/README.md and issue 3 (AF 60.000 kg, AF liver 87,437
// voxels = 1400.00 g, AF brain 1300.00 g, AM 72.991 kg), themselves ICRP 110 Table 3/Annex A.
#include <gtest/gtest.h>

#include <cmath>
#include <fstream>
#include <set>
#include <sstream>

#include "phantoms/icrp_slices_import.hh"
#include "phantoms/opendose_import.hh"
#include "test_phantoms.hh"

namespace gpudose {
namespace {

using testing::af;
using testing::am;
using testing::kDataDir;

TEST(PhantomImport, AfMassesFromVoxels) {
  const Phantom& p = af();
  EXPECT_EQ(p.model, "AF");
  EXPECT_EQ(p.nx * p.ny * p.nz, 299 * 137 * 348);
  // To the rounding of the quoted figures: 60.000 kg = +- 0.5 g, 1400.00 g = +- 0.005 g.
  EXPECT_NEAR(p.body_mass_kg(), 60.000, 0.0005);
  const OrganInfo* liver = p.organ(95);
  ASSERT_NE(liver, nullptr);
  EXPECT_EQ(liver->name, "Liver");
  EXPECT_EQ(liver->voxels, 87437u);
  EXPECT_NEAR(liver->mass_kg * 1000, 1400.00, 0.005);
  const OrganInfo* brain = p.organ(61);
  ASSERT_NE(brain, nullptr);
  EXPECT_NEAR(brain->mass_kg * 1000, 1300.00, 0.005);
}

TEST(PhantomImport, AmMassesFromVoxels) {
  const Phantom& p = am();
  EXPECT_EQ(p.model, "AM");
  EXPECT_EQ(p.nx * p.ny * p.nz, 254 * 127 * 222);
  EXPECT_NEAR(p.body_mass_kg(), 72.991, 0.0005);
}

TEST(PhantomImport, OrganTableFacts) {
  const Phantom& f = af();
  const Phantom& m = am();
  // ../shared/phantoms/README.md: AF has no prostate (115), testes (129, 130), sacrum cortical
  // (53); AM has no ovaries (111, 112) or uterus (139).
  for (int id : {53, 115, 129, 130}) EXPECT_EQ(f.organ(id), nullptr) << id;
  for (int id : {111, 112, 139}) EXPECT_EQ(m.organ(id), nullptr) << id;
  for (const Phantom* p : {&f, &m}) {
    ASSERT_NE(p->organ(0), nullptr);
    ASSERT_NE(p->organ(141), nullptr);
    EXPECT_EQ(p->organ(141)->medium, 27);  // skin
    EXPECT_DOUBLE_EQ(p->organ(141)->density_g_cm3, 1.09);
    EXPECT_EQ(p->organ(0)->medium, 53);  // air
    EXPECT_EQ(p->media.size(), 53u);
    std::uint64_t voxels = 0;
    for (const auto& o : p->organs) {
      voxels += o.voxels;
      EXPECT_GT(o.voxels, 0u);
      EXPECT_NEAR(o.mass_kg, o.voxels * p->voxel_volume_cm3() * o.density_g_cm3 / 1000, 1e-12);
    }
    EXPECT_EQ(voxels, p->num_voxels());
  }
  // ID 141 lies on the first and last slices only (ICRP 110 CD README).
  const std::size_t slice = static_cast<std::size_t>(f.nx) * f.ny;
  for (std::size_t v = 0; v < f.num_voxels(); ++v) {
    if (f.organ_ids[v] == 141) {
      const std::size_t z = v / slice;
      ASSERT_TRUE(z == 0 || z == static_cast<std::size_t>(f.nz - 1)) << v;
    }
  }
}

// ../shared/phantoms/derived/<M>_organ_table.tsv (id, name, medium, density, voxels, mass_g,
// centroid), tabulated independently of this code: every organ's voxel count and medium agree,
// masses to the table's 0.01 g rounding.
TEST(PhantomImport, OrgansAgreeWithDerivedTables) {
  for (const Phantom* p : {&af(), &am()}) {
    std::ifstream in(kDataDir + "/phantoms/derived/" + p->model + "_organ_table.tsv");
    ASSERT_TRUE(in.good()) << p->model;
    std::string line;
    std::getline(in, line);  // header
    std::size_t rows = 0;
    while (std::getline(in, line)) {
      std::istringstream cols(line);
      std::string id, name, medium, density, voxels, mass;
      std::getline(cols, id, '\t');
      std::getline(cols, name, '\t');
      std::getline(cols, medium, '\t');
      std::getline(cols, density, '\t');
      std::getline(cols, voxels, '\t');
      std::getline(cols, mass, '\t');
      const OrganInfo* o = p->organ(std::stoi(id));
      ASSERT_NE(o, nullptr) << p->model << " " << line;
      EXPECT_EQ(o->voxels, std::stoull(voxels)) << p->model << " " << line;
      EXPECT_EQ(o->medium, std::stoi(medium)) << p->model << " " << line;
      EXPECT_NEAR(o->mass_kg * 1000, std::stod(mass), 0.0051) << p->model << " " << line;
      ++rows;
    }
    // The derived table lists IDs 1..141 present; the phantom has those plus ID 0.
    EXPECT_EQ(rows + 1, p->organs.size()) << p->model;
  }
}

TEST(PhantomImport, CompactLabelsMatchOrganIds) {
  for (const Phantom* p : {&af(), &am()}) {
    ASSERT_EQ(p->labels.size(), p->organ_ids.size());
    ASSERT_LE(p->label_organ_id.size(), 256u);
    ASSERT_EQ(p->label_organ_id.size(), p->organs.size());
    ASSERT_EQ(p->label_medium.size(), p->organs.size());
    ASSERT_EQ(p->label_density.size(), p->organs.size());
    for (std::size_t v = 0; v < p->labels.size(); ++v) {
      ASSERT_EQ(p->label_organ_id[p->labels[v]], p->organ_ids[v]) << v;
    }
    for (std::size_t l = 0; l < p->organs.size(); ++l) {
      EXPECT_EQ(p->label_medium[l] + 1, p->organs[l].medium);
      EXPECT_FLOAT_EQ(p->label_density[l], static_cast<float>(p->organs[l].density_g_cm3));
      EXPECT_EQ(p->media[p->label_medium[l]].id, p->organs[l].medium);
    }
    // 1 byte per voxel plus tables of a few hundred bytes.
    EXPECT_EQ(p->device_bytes(), p->num_voxels() + p->organs.size() * (2 + 1 + 4));
  }
}

TEST(PhantomImport, ViewLooksUpTheSameVoxels) {
  const Phantom& p = af();
  const VoxelPhantomView v = p.view();
  EXPECT_EQ(v.num_voxels(), p.num_voxels());
  EXPECT_EQ(v.num_labels, static_cast<int>(p.organs.size()));
  // Liver voxels found through positions at their centres.
  std::size_t checked = 0;
  for (std::uint32_t i = 0; i < p.num_voxels() && checked < 1000; i += 97) {
    const auto c = p.voxel_centre_cm(i);
    ASSERT_TRUE(v.inside(c[0], c[1], c[2]));
    ASSERT_EQ(v.voxel_at(c[0], c[1], c[2]), i);
    ASSERT_EQ(v.organ_of_voxel(i), p.organ_ids[i]);
    ++checked;
  }
  // The top corner just below the upper faces stays in the grid.
  const double x = std::nextafter(p.nx * p.dx, 0.0), y = std::nextafter(p.ny * p.dy, 0.0),
               z = std::nextafter(p.nz * p.dz, 0.0);
  ASSERT_TRUE(v.inside(x, y, z));
  EXPECT_EQ(v.voxel_at(x, y, z), p.num_voxels() - 1);
  EXPECT_FALSE(v.inside(p.nx * p.dx, 1, 1));
}

// The two independent copies (OpenDose MetaImage, Geant4 ASCII slices) give the same phantom.
TEST(PhantomImport, BothImportersGiveIdenticalPhantoms) {
  for (const std::string model : {"AF", "AM"}) {
    const Phantom od = import_phantom(model, kDataDir, "opendose");
    const Phantom icrp = import_phantom(model, kDataDir, "icrp");
    EXPECT_EQ(od.source, "opendose");
    EXPECT_EQ(icrp.source, "icrp");
    ASSERT_EQ(od.organ_ids.size(), icrp.organ_ids.size());
    std::size_t differ = 0;
    for (std::size_t i = 0; i < od.organ_ids.size(); ++i)
      differ += od.organ_ids[i] != icrp.organ_ids[i];
    EXPECT_EQ(differ, 0u) << model;
    EXPECT_EQ(od.labels, icrp.labels);
    EXPECT_EQ(od.label_organ_id, icrp.label_organ_id);
    EXPECT_EQ(od.label_medium, icrp.label_medium);
    EXPECT_EQ(od.label_density, icrp.label_density);
    EXPECT_EQ(od.nx, icrp.nx);
    EXPECT_EQ(od.dz, icrp.dz);
    EXPECT_EQ(od.origin_mm, icrp.origin_mm);
    EXPECT_EQ(od.direction, icrp.direction);
    ASSERT_EQ(od.organs.size(), icrp.organs.size());
    for (std::size_t k = 0; k < od.organs.size(); ++k) {
      EXPECT_EQ(od.organs[k].id, icrp.organs[k].id);
      EXPECT_EQ(od.organs[k].voxels, icrp.organs[k].voxels);
      EXPECT_EQ(od.organs[k].mass_kg, icrp.organs[k].mass_kg);
    }
    // Each records the checksums of what it read.
    EXPECT_EQ(od.source_files.size(), 4u);
    EXPECT_EQ(icrp.source_files.size(), 3u);
    for (const auto& s : od.source_files) EXPECT_EQ(s.sha256.size(), 64u) << s.path;
  }
}

TEST(PhantomImport, ModelNames) {
  for (const std::string n : {"female", "AF", "af", "Female"})
    EXPECT_EQ(phantom_model(n).model, "AF");
  for (const std::string n : {"male", "AM", "am", "MALE"}) EXPECT_EQ(phantom_model(n).model, "AM");
  EXPECT_EQ(phantom_models("all").size(), 2u);
}

}  // namespace
}  // namespace gpudose
