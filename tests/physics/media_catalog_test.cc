// physics-data/media_catalog.hh: 109 media, lookups by name/number/organ, helpful errors.
#include "physics-data/media_catalog.hh"

#include <gtest/gtest.h>

#include "host/foundation/user_error.hh"
#include "tests/error_text.hh"

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

// User media by composition (issue #17): water written as elements is the catalog's water to the
// last bit (fractions, density, I), its key names the digest of the canonical text and the
// density; near-1 sums are normalised; every malformed composition is a one-line error.
TEST(UserMedia, WaterAsElementsIsTheCatalogsWater) {
  const CatalogMedium w = parse_composition_medium("H:0.111894,O:0.888106;I=75eV", 1.0);
  const CatalogMedium& ref = catalog()[catalog().index_of_key("water")];
  ASSERT_EQ(w.medium.elements.size(), ref.medium.elements.size());
  for (std::size_t e = 0; e < ref.medium.elements.size(); ++e) {
    EXPECT_EQ(w.medium.elements[e].z, ref.medium.elements[e].z);
    EXPECT_EQ(w.medium.elements[e].mass_fraction, ref.medium.elements[e].mass_fraction);
  }
  EXPECT_EQ(w.medium.density_g_cm3, ref.medium.density_g_cm3);
  EXPECT_EQ(w.mean_excitation_ev, ref.mean_excitation_ev);
  EXPECT_EQ(w.model, "user");
  EXPECT_EQ(w.medium.name, "H:0.111894,O:0.888106;I=75eV at 1 g/cm3");
  ASSERT_EQ(w.key.size(), 5u + 12u);
  EXPECT_EQ(w.key.rfind("user:", 0), 0u);
  // The same medium however written (order, case, spaces); another density is another medium.
  EXPECT_EQ(parse_composition_medium(" o:0.888106, h:0.111894 ; i=75 eV", 1.0).key, w.key);
  EXPECT_NE(parse_composition_medium("H:0.111894,O:0.888106;I=75eV", 1.05).key, w.key);
  EXPECT_NE(parse_composition_medium("H:0.111894,O:0.888106", 1.0).key, w.key);
  EXPECT_EQ(parse_composition_medium("H:0.111894,O:0.888106", 1.0).mean_excitation_ev, 0.0);
  // Pure elements and catalog keys: "AM:30" stays the catalog key, americium is no medium here.
  EXPECT_TRUE(is_composition_text("Al:1"));
  EXPECT_TRUE(is_composition_text("Ca:0.4,O:0.6"));
  EXPECT_FALSE(is_composition_text("AM:30"));
  EXPECT_FALSE(is_composition_text("af:2"));
  EXPECT_FALSE(is_composition_text("water"));
  EXPECT_FALSE(is_composition_text("Muscle tissue"));
}

TEST(UserMedia, SumsNearOneAreNormalised) {
  const CatalogMedium m = parse_composition_medium("H:0.1115,O:0.8890", 1.0);  // sum 1.0005
  double sum = 0;
  for (const auto& e : m.medium.elements) sum += e.mass_fraction;
  EXPECT_NEAR(sum, 1.0, 1e-15);
  EXPECT_NEAR(m.medium.elements[0].mass_fraction, 0.1115 / 1.0005, 1e-15);
}

TEST(UserMedia, OneLineErrors) {
  using test::error_of;
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"H:0.1,Xx:0.9", "'Xx' is not a chemical symbol"},
      {"H:0.1,Ag:0.9", "Ag (Z = 47) has no photon and electron data"},
      {"H:-0.1,O:1.1", "the mass fraction '-0.1' of H is not a positive number"},
      {"H:0,O:1", "the mass fraction '0' of H is not a positive number"},
      {"H:abc,O:0.9", "the mass fraction 'abc' of H is not a positive number"},
      {"H:0.1,O:0.4,H:0.5", "H is given twice"},
      {"H:0.1,O:0.8", "the mass fractions sum to 0.9, not 1 within 0.001"},
      {"H:0.111894,O", "'O' is not SYMBOL:MASS_FRACTION"},
      {"H:0.111894,,O:0.888106", "'' is not SYMBOL:MASS_FRACTION"},
      {"H:0.111894,O:0.888106;I=75", "'I=75' is not a mean excitation energy"},
      {"H:0.111894,O:0.888106;I=-5eV", "'I=-5eV' is not a mean excitation energy"},
  };
  for (const Case& c : cases) {
    const std::string e = error_of([&] { parse_composition_medium(c.text, 1.0); });
    EXPECT_NE(e.find(std::string("bad composition '") + c.text + "'"), std::string::npos) << e;
    EXPECT_NE(e.find(c.message), std::string::npos) << c.text << ": " << e;
    EXPECT_EQ(e.find('\n'), std::string::npos) << e;
    EXPECT_NE(e.find("); "), std::string::npos) << e;  // what (why); what to do
  }
}

TEST(UserMedia, CatalogWithUserMediaAppendsThemOnce) {
  const CatalogMedium a = parse_composition_medium("H:0.111894,O:0.888106;I=75eV", 1.0);
  const CatalogMedium b = parse_composition_medium("Ca:0.4,O:0.6", 2.0);
  const MediaCatalog c = catalog().with_user_media({a, b, a});
  ASSERT_EQ(c.size(), catalog().size() + 2);
  EXPECT_EQ(c[109].key, a.key);
  EXPECT_EQ(c[110].key, b.key);
  EXPECT_EQ(c.index_of_key("water"), 106u);  // the standard media keep their indices
  EXPECT_EQ(c[c.find("female", "liver")].key, "AF:30");
  EXPECT_EQ(user_media_digest({a, b}).size(), 16u);
  EXPECT_NE(user_media_digest({a, b}), user_media_digest({b, a}));
}

}  // namespace
}  // namespace gpudose
