// Bad inputs give one-line UserErrors: missing, truncated or resized files, unknown IDs,
// malformed region tables, unknown names.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "host/foundation/closest_names.hh"
#include "host/foundation/sha256.hh"
#include "host/foundation/user_error.hh"
#include "phantoms/icrp_slices_import.hh"
#include "phantoms/opendose_import.hh"
#include "phantoms/phantom.hh"
#include "phantoms/phantom_cache.hh"
#include "phantoms/regions.hh"
#include "tests/test_tmp.hh"

namespace gpudose {
namespace {
namespace fs = std::filesystem;

// Expects `f` to throw a one-line UserError containing `part`.
template <typename F>
void expect_user_error(F f, const std::string& part) {
  try {
    f();
    ADD_FAILURE() << "expected UserError containing '" << part << "'";
  } catch (const UserError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find(part), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  }
}

std::string temp_dir(const std::string& name) {
  const fs::path d = fs::path(gpudose::test::scratch_dir()) / name;
  fs::remove_all(d);
  fs::create_directories(d);
  return d.string();
}

// A small MetaImage with the given header sizes and `bytes` bytes of data.
std::string write_mhd(const std::string& dir, const std::string& dims, const std::string& spacing,
                      std::size_t bytes, std::uint16_t fill = 0) {
  const std::string mhd = dir + "/t.mhd";
  std::ofstream(mhd) << "ObjectType = Image\nNDims = 3\nDimSize = " << dims
                     << "\nElementType = MET_USHORT\nElementSpacing = " << spacing
                     << "\nElementByteOrderMSB = False\nElementDataFile = t.raw\n";
  std::ofstream raw(dir + "/t.raw", std::ios::binary);
  for (std::size_t i = 0; i < bytes / 2; ++i) raw.write(reinterpret_cast<const char*>(&fill), 2);
  return mhd;
}

const PhantomModelSpec& am_spec() { return phantom_model("AM"); }
const std::size_t kAmBytes = 254u * 127u * 222u * 2u;

TEST(PhantomErrors, OpenDoseFiles) {
  const std::string d = temp_dir("od_errors");
  expect_user_error([&] { read_opendose_grid(d + "/none.mhd", am_spec()); }, "missing");
  std::string mhd = write_mhd(d, "254 127 222", "2.137 2.137 8.0", kAmBytes - 1000);
  expect_user_error([&] { read_opendose_grid(mhd, am_spec()); }, "truncated");
  mhd = write_mhd(d, "254 127 221", "2.137 2.137 8.0", kAmBytes);
  expect_user_error([&] { read_opendose_grid(mhd, am_spec()); }, "wrong dimensions");
  mhd = write_mhd(d, "254 127 222", "2.137 2.137 8.1", kAmBytes);
  expect_user_error([&] { read_opendose_grid(mhd, am_spec()); }, "wrong dimensions");
  fs::remove(d + "/t.raw");
  expect_user_error([&] { read_opendose_grid(mhd, am_spec()); }, "missing OpenDose voxel data");
  mhd = write_mhd(d, "254 127 222", "2.137 2.137 8.0", kAmBytes, 7);
  EXPECT_EQ(read_opendose_grid(mhd, am_spec()).at(12345), 7);
  fs::remove_all(d);
}

TEST(PhantomErrors, UnknownOrganIdsAndWrongSizes) {
  const PhantomModelSpec& s = am_spec();
  std::vector<OrganRecord> organs = {{1, "A", 1, 1.0}};
  std::vector<Medium> media(53);
  for (int i = 0; i < 53; ++i) media[i].id = i + 1;
  std::vector<std::uint16_t> ids(254u * 127u * 222u, 1);
  ids[254 * 127 * 3 + 254 * 2 + 5] = 200;
  expect_user_error([&] { build_phantom(s, ids, organs, media, "test"); },
                    "organ ID 200 in the AM grid (1 voxels, first at column 5 row 2 slice 3)");
  ids.pop_back();
  expect_user_error([&] { build_phantom(s, ids, organs, media, "test"); }, "voxels");
}

TEST(PhantomErrors, IcrpSlices) {
  const PhantomModelSpec& s = am_spec();
  const std::string d = temp_dir("slice_errors");
  expect_user_error([&] { read_icrp_slices(d + "/none.tar.gz", s); }, "missing archive");
  // A folder of slices: slice 1 with a wrong header, then truncated, then missing slices.
  const std::string slice1 = d + "/AM_slice1.g4dat";
  std::ofstream(slice1) << "254 127 220\n0 0 0\n";
  expect_user_error([&] { read_icrp_slices(d, s); }, "wrong dimensions");
  std::ofstream(slice1) << "254 127 222\n0 0 0\n";
  expect_user_error([&] { read_icrp_slices(d, s); }, "truncated");
  {
    std::ofstream out(slice1);
    out << "254 127 222\n";
    for (int i = 0; i < 254 * 127; ++i) out << "1 ";
  }
  expect_user_error([&] { read_icrp_slices(d, s); }, "slice 2 of AM missing");
  {
    std::ofstream out(slice1, std::ios::app);
    out << "x";
  }
  expect_user_error([&] { read_icrp_slices(d, s); }, "unexpected character 'x'");
  // A truncated archive: the first 100 kB of the real one.
  const std::string real = icrp_slices_archive(GPUDOSE_TEST_DATA_DIR);
  {
    std::ifstream in(real, std::ios::binary);
    std::string head(100000, '\0');
    in.read(head.data(), static_cast<std::streamsize>(head.size()));
    std::ofstream(d + "/cut.tar.gz", std::ios::binary) << head;
  }
  expect_user_error([&] { read_icrp_slices(d + "/cut.tar.gz", s); }, "truncated");
  fs::remove_all(d);
}

TEST(PhantomErrors, MissingDataDirectory) {
  const std::string d = temp_dir("empty_data");
  expect_user_error([&] { import_phantom("AF", d, "opendose"); }, "missing ICRP 110 phantom file");
  expect_user_error([&] { load_phantom("female", d, d + "/cache"); },
                    "missing ICRP 110 phantom file");
  expect_user_error([&] { import_phantom("AF", d, "geant"); }, "unknown phantom source 'geant'");
  fs::remove_all(d);
}

TEST(PhantomErrors, UnknownModelNamesClosestMatch) {
  expect_user_error([] { phantom_model("femal"); }, "closest: 'female'");
  expect_user_error([] { phantom_model("AX"); }, "unknown phantom model 'AX'");
}

TEST(PhantomErrors, MalformedRegionTables) {
  const std::string head = "name\tkind\topendose\torgan_ids\taliases\tnote\n";
  EXPECT_EQ(parse_region_table(head + "A\tgroup\t-\t1-3,7\tx;y\tnote\n", "t").at(0).organ_ids,
            (std::vector<int>{1, 2, 3, 7}));
  expect_user_error([&] { parse_region_table(head + "A\tgroup\t-\t1-x\t\t\n", "t"); }, "line 2");
  expect_user_error([&] { parse_region_table(head + "A\tgroup\t-\t1\t\n", "t"); }, "columns");
  expect_user_error([&] { parse_region_table(head + "A\tsoup\t-\t1\t\t\n", "t"); }, "kind");
  expect_user_error([&] { parse_region_table(head + "A\topendose\t-\t1\t\t\n", "t"); },
                    "OpenDose number");
  expect_user_error(
      [&] { parse_region_table(head + "A\tgroup\t-\t1\t\t\na\tgroup\t-\t2\t\t\n", "t"); }, "twice");
  expect_user_error([&] { parse_region_table(head + "A\tgroup\t-\t150\t\t\n", "t"); }, "above 141");
  expect_user_error([&] { parse_region_table("", "t"); }, "no regions");
  // The embedded table parses.
  EXPECT_GT(compound_regions().size(), 31u);
}

TEST(PhantomErrors, ClosestNamesAndChecksums) {
  EXPECT_EQ(edit_distance("livr", "Liver"), 1);
  EXPECT_EQ(closest_names("kidny", {"Liver", "Kidneys", "Kidney, left"}, 2).front(), "Kidneys");
  EXPECT_EQ(quoted_list({"a", "b", "c"}), "'a', 'b' or 'c'");
  // FIPS 180-2, Appendix B.1: SHA-256("abc").
  EXPECT_EQ(sha256_text("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

}  // namespace
}  // namespace gpudose
