// physics-data/media_catalog.hh: 109 media, lookups by name/number/organ, helpful errors.
#include "physics-data/media_catalog.hh"

#include <gtest/gtest.h>

#include "host/foundation/user_error.hh"

namespace gpudose {
namespace {

const MediaCatalog& catalog() {
  static const MediaCatalog c = load_media_catalog(GPUDOSE_TEST_DATA_DIR);
  return c;
}

TEST(MediaCatalog, HoldsBothPhantomsWaterAndAir) {
  ASSERT_EQ(catalog().size(), 109u);
  EXPECT_EQ(catalog()[0].key, "AF:1");
  EXPECT_EQ(catalog()[53].key, "AM:1");
  EXPECT_EQ(catalog()[106].key, "water");
  EXPECT_EQ(catalog()[107].key, "air");
  for (const auto& m : catalog().media()) {
    double sum = 0;
    for (const auto& e : m.medium.elements) sum += e.mass_fraction;
    EXPECT_NEAR(sum, 1.0, 1e-9) << m.key;
  }
  EXPECT_DOUBLE_EQ(catalog()[106].mean_excitation_ev, 75.0);
  EXPECT_DOUBLE_EQ(catalog()[106].medium.density_g_cm3, 1.0);
  EXPECT_EQ(catalog()[108].key, "soft-tissue");  // ICRU four-component, NIST ESTAR
  EXPECT_DOUBLE_EQ(catalog()[108].mean_excitation_ev, 74.9);
  EXPECT_DOUBLE_EQ(catalog()[108].medium.density_g_cm3, 1.0);
}

TEST(MediaCatalog, LookupByNameNumberKeyAndOrgan) {
  const MediaCatalog& c = catalog();
  EXPECT_EQ(c[c.find("female", "liver")].key, "AF:30");
  EXPECT_EQ(c[c.find("", "LIVER")].key, "AF:30");  // default model AF, case-insensitive
  EXPECT_EQ(c[c.find("male", "Liver")].key, "AM:30");
  EXPECT_EQ(c[c.find("female", "24")].key, "AF:24");
  EXPECT_EQ(c[c.find("m", "am:2")].key, "AM:2");
  EXPECT_EQ(c[c.find("female", "Water")].key, "water");
  EXPECT_EQ(c[c.find("male", "air")].key, "air");
  EXPECT_EQ(c[c.find("female", "Soft-Tissue")].key, "soft-tissue");
  EXPECT_EQ(c[c.find("male", "soft tissue")].key, "soft-tissue");
  EXPECT_EQ(c[c.find("female", "53")].medium.name, "Air");
  // An organ name: the AF organ 95 "Liver" is medium 30; "Adrenal, left" uses medium 43.
  EXPECT_EQ(c[c.find("female", "adrenal, left")].key, "AF:43");
}

TEST(MediaCatalog, UnknownNamesSuggestTheClosest) {
  try {
    catalog().find("female", "livr");
    FAIL() << "no error";
  } catch (const UserError& e) {
    const std::string what = e.what();
    EXPECT_NE(what.find("unknown medium 'livr'"), std::string::npos) << what;
    EXPECT_NE(what.find("'Liver'"), std::string::npos) << what;
  }
  EXPECT_THROW(catalog().find("female", "54"), UserError);
  EXPECT_THROW(catalog().find("child", "liver"), UserError);
}

}  // namespace
}  // namespace gpudose
