// ICRP 110 side files read from the shared data directory.
#include "phantoms/icrp110_tables.hh"

#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>

#include "host/foundation/user_error.hh"
#include "tests/test_tmp.hh"

namespace gpudose {
namespace {

const std::string kP110 = icrp110_side_file_dir(GPUDOSE_TEST_DATA_DIR);

TEST(Icrp110Tables, MediaOfBothModels) {
  for (const std::string model : {"AF", "AM"}) {
    const auto media = load_icrp110_media(kP110, model);
    ASSERT_EQ(media.size(), 53u) << model;
    for (const auto& m : media) {
      double sum = 0;
      for (const auto& e : m.elements) sum += e.mass_fraction;
      EXPECT_NEAR(sum, 1.0, 1e-12) << model << " medium " << m.id;
    }
    // Medium 53 is air: N 80 %, O 20 % (ICRP 110 Table A.2), density 0.001 g/cm3.
    const Medium& air = media[52];
    EXPECT_EQ(air.name, "Air");
    ASSERT_EQ(air.elements.size(), 2u);
    EXPECT_EQ(air.elements[0].z, 7);
    EXPECT_DOUBLE_EQ(air.elements[0].mass_fraction, 0.8);
    EXPECT_DOUBLE_EQ(air.density_g_cm3, 0.001);
  }
}

TEST(Icrp110Tables, AfLiverAndTeeth) {
  const auto organs = read_icrp110_organs(kP110 + "/AF/AF_organs.dat");
  ASSERT_EQ(organs.size(), 140u);
  const OrganRecord& liver = organs[94];  // ID 95
  EXPECT_EQ(liver.id, 95);
  EXPECT_EQ(liver.name, "Liver");
  const auto media = load_icrp110_media(kP110, "AF");
  const Medium& teeth = media[0];
  EXPECT_EQ(teeth.name, "Teeth");
  EXPECT_DOUBLE_EQ(teeth.density_g_cm3, 2.75);
  EXPECT_GT(media[liver.medium - 1].density_g_cm3, 1.0);
}

TEST(Icrp110Tables, MissingAndCorruptFilesAreClearErrors) {
  EXPECT_THROW(read_icrp110_media("/nonexistent/AF_media.dat"), UserError);
  const std::string bad = gpudose::test::scratch_dir() + "/bad_media.dat";
  {
    std::ofstream out(bad);
    out << "1 6 8\nNo. name\n1 Stuff 10.0 abc 50.0\n";
  }
  try {
    read_icrp110_media(bad);
    FAIL() << "expected UserError";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("line 3"), std::string::npos) << e.what();
  }
  std::remove(bad.c_str());
}

}  // namespace
}  // namespace gpudose
