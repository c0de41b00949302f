// Source data are validated when read (issue #14): a NaN or a truncated table in a temporary
// copy of a real input file is a UserError naming the file, the dataset and what is wrong. Before
// these checks a NaN in an elemental cross section and a PENELOPE elastic file cut at a row
// boundary (still valid gzip) both built a library, and the runs exited 0.
#include <gtest/gtest.h>
#include <hdf5.h>
#include <zlib.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>
#include <string>
#include <vector>

#include "host/foundation/hdf5_handle.hh"
#include "host/foundation/user_error.hh"
#include "phantoms/icrp110_tables.hh"
#include "physics-data/electron_data_sources.hh"
#include "physics-data/photon_element_data.hh"
#include "tests/error_text.hh"
#include "tests/test_tmp.hh"

namespace gpudose {
namespace {

namespace fs = std::filesystem;
const std::string kData = GPUDOSE_TEST_DATA_DIR;

std::string gunzip(const std::string& path) {
  gzFile f = gzopen(path.c_str(), "rb");
  EXPECT_NE(f, nullptr) << path;
  std::string out;
  char buf[1 << 16];
  for (int n; (n = gzread(f, buf, sizeof buf)) > 0;) out.append(buf, static_cast<std::size_t>(n));
  gzclose(f);
  return out;
}

void gzip(const std::string& path, const std::string& text) {
  gzFile f = gzopen(path.c_str(), "wb");
  ASSERT_NE(f, nullptr) << path;
  ASSERT_EQ(gzwrite(f, text.data(), static_cast<unsigned>(text.size())),
            static_cast<int>(text.size()));
  gzclose(f);
}

using test::error_of;

std::string pdeel(int z) {
  char name[32];
  std::snprintf(name, sizeof name, "pdeel%02d.p08.gz", z);
  return kData + "/physics-data-sources/penelope2018/pdfiles/" + name;
}

TEST(SourceDataValidation, PenelopeElasticCutAtARowBoundary) {
  const std::string text = gunzip(pdeel(8));
  ASSERT_NO_THROW(read_penelope_elastic(pdeel(8), 8));
  // Keep the first line (Z) and 80 of the 111 rows: valid gzip, every row complete.
  std::istringstream in(text);
  std::string cut, line;
  for (int i = 0; i < 81 && std::getline(in, line); ++i) cut += line + "\n";
  const std::string path = test::scratch_dir() + "pdeel08_cut.p08.gz";
  gzip(path, cut);
  const std::string e = error_of([&] { read_penelope_elastic(path, 8); });
  EXPECT_NE(e.find(path), std::string::npos) << e;
  EXPECT_NE(e.find("truncated"), std::string::npos) << e;
  EXPECT_NE(e.find("80 energies"), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
}

TEST(SourceDataValidation, PenelopeElasticNaN) {
  std::string text = gunzip(pdeel(8));
  const auto at = text.find("3.51092E-16");  // row 2, sigma(e-)
  ASSERT_NE(at, std::string::npos);
  text.replace(at, 11, "        nan");
  const std::string path = test::scratch_dir() + "pdeel08_nan.p08.gz";
  gzip(path, text);
  const std::string e = error_of([&] { read_penelope_elastic(path, 8); });
  EXPECT_NE(e.find(path), std::string::npos) << e;
  EXPECT_NE(e.find("non-numeric"), std::string::npos) << e;
}

TEST(SourceDataValidation, SeltzerBergerNaN) {
  const std::string src = kData + "/physics-data-sources/openmc-misc/BREMX.DAT.gz";
  std::string text = gunzip(src);
  // The first value after the two grids (Z = 1, T = 1 keV, kappa = 0): a number replaced by nan.
  std::istringstream in(text);
  std::string line;
  std::size_t offset = 0;
  for (int i = 0; i < 4 + 1 + 10 + 5; ++i) {  // title, sizes, 57 T (10 lines), 30 kappa (5)
    std::getline(in, line);
    offset += line.size() + 1;
  }
  const auto start = text.find_first_not_of(' ', offset);
  const auto end = text.find(' ', start);
  text.replace(start, end - start, std::string(end - start - 3, ' ') + "nan");
  const std::string path = test::scratch_dir() + "BREMX_nan.DAT.gz";
  gzip(path, text);
  const std::string e = error_of([&] { read_seltzer_berger(path); });
  EXPECT_NE(e.find(path), std::string::npos) << e;
  EXPECT_NE(e.find("Z = 1 "), std::string::npos) << e;
}

// Writes `value` at flat index `index` of dataset `name` in a copy of an OpenMC photon file.
void poke(const std::string& file, const std::string& name, hsize_t index, double value) {
  Hdf5Handle f{H5Fopen(file.c_str(), H5F_ACC_RDWR, H5P_DEFAULT), H5Fclose};
  ASSERT_TRUE(f.ok()) << file;
  Hdf5Handle ds{H5Dopen2(f, name.c_str(), H5P_DEFAULT), H5Dclose};
  ASSERT_TRUE(ds.ok()) << name;
  Hdf5Handle space{H5Dget_space(ds), H5Sclose};
  const hssize_t n = H5Sget_simple_extent_npoints(space);
  std::vector<double> v(static_cast<std::size_t>(n));
  ASSERT_GE(H5Dread(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), 0);
  v.at(index) = value;
  ASSERT_GE(H5Dwrite(ds, H5T_NATIVE_DOUBLE, H5S_ALL, H5S_ALL, H5P_DEFAULT, v.data()), 0);
}

// A copy of O.h5 in its own folder (read_photon_element takes the folder and Z).
std::string oxygen_copy(const std::string& tag) {
  const std::string dir = test::scratch_dir() + "photon-" + tag;
  fs::create_directories(dir);
  fs::copy_file(photon_element_dir(kData) + "/O.h5", dir + "/O.h5",
                fs::copy_options::overwrite_existing);
  return dir;
}

TEST(SourceDataValidation, PhotonElementNaN) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  for (const std::string ds : {"/O/coherent/xs", "/O/incoherent/xs", "/O/photoelectric/xs",
                               "/O/subshells/K/xs", "/O/compton_profiles/J"}) {
    const std::string dir = oxygen_copy("nan");
    poke(dir + "/O.h5", ds, 50, nan);
    const std::string e = error_of([&] { read_photon_element(dir, 8); });
    EXPECT_NE(e.find(dir + "/O.h5"), std::string::npos) << ds << ": " << e;
    EXPECT_NE(e.find(ds), std::string::npos) << e;
    EXPECT_NE(e.find("index 50"), std::string::npos) << e;
  }
  ASSERT_NO_THROW(read_photon_element(photon_element_dir(kData), 8));
}

TEST(SourceDataValidation, PhotonElementNegativeAndOrder) {
  std::string dir = oxygen_copy("neg");
  poke(dir + "/O.h5", "/O/incoherent/xs", 7, -1.0);
  std::string e = error_of([&] { read_photon_element(dir, 8); });
  EXPECT_NE(e.find("/O/incoherent/xs"), std::string::npos) << e;
  dir = oxygen_copy("order");
  poke(dir + "/O.h5", "/O/energy", 50, 1e9);  // the grid no longer increases
  e = error_of([&] { read_photon_element(dir, 8); });
  EXPECT_NE(e.find("/O/energy"), std::string::npos) << e;
  EXPECT_NE(e.find("not increasing"), std::string::npos) << e;
}

// The ICRP 110 media and organ tables: std::stod reads "nan", which used to pass the checks.
TEST(SourceDataValidation, Icrp110TablesNaN) {
  const std::string dir = icrp110_side_file_dir(kData) + "/AF/";
  auto edit = [&](const std::string& file, const std::string& from, const std::string& to) {
    std::ifstream in(dir + file);
    std::stringstream s;
    s << in.rdbuf();
    std::string text = s.str();
    const auto at = text.find(from);
    EXPECT_NE(at, std::string::npos) << from;
    text.replace(at, from.size(), to);
    const std::string out = test::scratch_dir() + file;
    std::ofstream(out) << text;
    return out;
  };
  // Organ 95 (liver): density 1.05 -> nan.
  std::ifstream organs(dir + "AF_organs.dat");
  std::string line, liver;
  while (std::getline(organs, line)) {
    std::istringstream t(line);
    int id = 0;
    if (t >> id && id == 95) liver = line;
  }
  ASSERT_FALSE(liver.empty());
  const auto dot = liver.rfind("1.05");
  ASSERT_NE(dot, std::string::npos) << liver;
  const std::string bad_organs =
      edit("AF_organs.dat", liver, liver.substr(0, dot) + "nan" + liver.substr(dot + 4));
  std::string e = error_of([&] { read_icrp110_organs(bad_organs); });
  EXPECT_NE(e.find(bad_organs), std::string::npos) << e;
  EXPECT_NE(e.find("density"), std::string::npos) << e;

  std::ifstream media(dir + "AF_media.dat");
  std::string row;
  while (std::getline(media, line)) {
    std::istringstream t(line);
    int id = 0;
    if (t >> id && id == 30) row = line;
  }
  ASSERT_FALSE(row.empty());
  const auto last = row.find_last_not_of(" \t\r");
  const auto first = row.find_last_of(" \t", last) + 1;
  const std::string bad_media =
      edit("AF_media.dat", row, row.substr(0, first) + "nan" + row.substr(last + 1));
  e = error_of([&] { read_icrp110_media(bad_media); });
  EXPECT_NE(e.find(bad_media), std::string::npos) << e;
  EXPECT_NE(e.find("mass percentage"), std::string::npos) << e;
}

}  // namespace
}  // namespace gpudose
