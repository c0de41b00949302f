// physics-data/decay_data.hh against the ICRP 107 decay data itself: every nuclide parses, the
// emitted energy per decay agrees with what ICRP-07.NDX tabulates, Lu-177 facts, spellings, and
// one-line errors for unknown nuclides and corrupt files. Needs <data>/decay-data/icrp107/
// (GPUDOSE_DATA, else the configured data folder); skipped with a message without it.
#include "physics-data/decay_data.hh"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "host/foundation/user_error.hh"
#include "tests/error_text.hh"
#include "tests/test_tmp.hh"

namespace gpudose {
namespace {

namespace fs = std::filesystem;

std::string data_dir() {
  if (const char* env = std::getenv("GPUDOSE_DATA")) return env;
  return GPUDOSE_TEST_DATA_DIR;
}

std::string decay_dir() { return data_dir() + "/decay-data/icrp107"; }

#define SKIP_WITHOUT_DATA()                                                               \
  if (!fs::exists(decay_dir() + "/ICRP-07.NDX")) {                                        \
    GTEST_SKIP() << "no ICRP 107 decay data in " << decay_dir() << " (set GPUDOSE_DATA)"; \
  }

std::string slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

using test::error_of;

TEST(DecayData, ListAndIndex) {
  SKIP_WITHOUT_DATA();
  const auto names = list_nuclides(decay_dir());
  EXPECT_EQ(names.size(), 1252u);  // ICRP 107: 1252 radionuclides
  const NdxTable ndx = read_ndx(decay_dir());
  ASSERT_EQ(ndx.entries.size(), 1252u);
  EXPECT_EQ(ndx.sha256.size(), 64u);
  for (const auto& n : names) EXPECT_NE(ndx.find(n), nullptr) << n;
  // Daughter pointers are line numbers of the same file (Mo-99 -> Tc-99m, branching 0.8773).
  const NdxEntry* mo = ndx.find("Mo-99");
  ASSERT_NE(mo, nullptr);
  ASSERT_EQ(mo->daughters.size(), 2u);
  EXPECT_EQ(mo->daughters[0].name, "Tc-99m");
  EXPECT_NEAR(mo->daughters[0].branching, 0.8773, 1e-9);
  ASSERT_NE(ndx.daughter_entry(mo->daughters[0]), nullptr);
  EXPECT_EQ(ndx.daughter_entry(mo->daughters[0])->name, "Tc-99m");
  EXPECT_EQ(ndx.daughter_entry(mo->daughters[1])->name, "Tc-99");
  EXPECT_EQ(ndx.entries.front().record, 2);
  EXPECT_EQ(mo->half_life_text, "65.94 h");
  // Spontaneous fission is a pseudo-daughter "SF" (Cf-252: alpha 0.96908, SF 0.03092).
  const NdxEntry* cf = ndx.find("Cf-252");
  ASSERT_NE(cf, nullptr);
  ASSERT_EQ(cf->daughters.size(), 2u);
  EXPECT_TRUE(cf->daughters[1].spontaneous_fission);
  EXPECT_EQ(cf->daughters[1].ndx_record, 0);
}

// The check the README of the data folder states: discrete lines + beta spectrum = the energy
// per transformation of ICRP-07.NDX. NDX's alpha column includes the recoil but not fission
// fragments, so fission and neutrons are left out of the sum. NDX prints energies truncated to
// 4 (alpha) and 5 (electron, photon) decimals, so the tolerance is 0.5 % or that print
// resolution, whichever is larger (it matters only below ~0.002 MeV per decay).
TEST(DecayData, AllNuclidesParseAndMatchNdxEnergy) {
  SKIP_WITHOUT_DATA();
  const NdxTable ndx = read_ndx(decay_dir());
  int checked = 0;
  std::string print_floor_used;  // nuclides within NDX's print resolution but not 0.5 %
  std::ostringstream others;
  int n_others = 0;
  for (const auto& name : list_nuclides(decay_dir())) {
    NuclideEmissions n;
    ASSERT_NO_THROW(n = read_nuclide(decay_dir(), name, ndx)) << name;
    EXPECT_EQ(n.name, name);
    EXPECT_NEAR(n.half_life_s / n.ndx.half_life_s, 1.0, 1e-9) << name;
    EXPECT_EQ(n.json_sha256.size(), 64u);
    double emitted = beta_spectrum_energy_per_decay(n);
    for (EmissionKind k : {EmissionKind::gamma, EmissionKind::x_ray, EmissionKind::annihilation,
                           EmissionKind::ic_electron, EmissionKind::auger, EmissionKind::alpha,
                           EmissionKind::alpha_recoil}) {
      emitted += line_energy_per_decay(n, k);
    }
    const double ndx_total = n.ndx.alpha_mev + n.ndx.electron_mev + n.ndx.photon_mev;
    const double count = beta_spectrum_count_per_decay(n), yield = beta_branch_yield(n);
    const bool spectrum_matches_yield =
        (count == 0 && yield == 0) || (yield > 0 && std::abs(count / yield - 1) <= 0.003);
    if (!spectrum_matches_yield) {
      char line[200];
      std::snprintf(
          line, sizeof line,
          "  %-8s beta integral %.5g vs branch yield %.5g (betaD %.4g); energy %+.3f %%\n",
          name.c_str(), count, yield, line_yield_per_decay(n, EmissionKind::betaD_mean),
          100 * (emitted / ndx_total - 1));
      others << line;
      ++n_others;
      continue;
    }
    const double resolution = (n.ndx.alpha_mev > 0 ? 1e-4 : 0) + 2e-5;
    const double tol = std::max(0.005 * ndx_total, resolution);
    if (0.005 * ndx_total < resolution && std::abs(emitted - ndx_total) > 0.005 * ndx_total) {
      print_floor_used += " " + name;
    }
    EXPECT_NEAR(emitted, ndx_total, tol)
        << name << ": lines + spectrum " << emitted << " MeV, ICRP-07.NDX " << ndx_total << " MeV";
    ++checked;
  }
  std::printf(
      "energy per decay vs ICRP-07.NDX: %d nuclides checked (within NDX's print "
      "resolution only:%s); %d whose beta spectrum integral is not within 0.3 %% of the "
      "beta-/beta+ yield:\n%s",
      checked, print_floor_used.c_str(), n_others, others.str().c_str());
  EXPECT_GE(checked, 1200);
}

TEST(DecayData, Lu177) {
  SKIP_WITHOUT_DATA();
  const NuclideEmissions n = read_nuclide(decay_dir(), "Lu-177");
  EXPECT_EQ(n.name, "Lu-177");
  EXPECT_EQ(n.half_life_text, "6.647 d");  // ICRP 107
  EXPECT_NEAR(n.half_life_s, 6.647 * 86400, 1e-6);
  // Data README: the spectrum integral is 1.0017 beta per transformation for Lu-177.
  EXPECT_NEAR(beta_spectrum_count_per_decay(n), 1.0017, 5e-4);
  // ICRP-07.NDX line for Lu-177: electrons 0.14792, photons 0.03509 MeV per decay, B- to Hf-177.
  EXPECT_DOUBLE_EQ(n.ndx.electron_mev, 0.14792);
  EXPECT_DOUBLE_EQ(n.ndx.photon_mev, 0.03509);
  EXPECT_EQ(n.ndx.decay_modes, "B-");
  ASSERT_EQ(n.ndx.daughters.size(), 1u);
  EXPECT_EQ(n.ndx.daughters[0].name, "Hf-177");
  EXPECT_EQ(n.ndx.daughters[0].ndx_record, 0);  // stable
  EXPECT_EQ(line_energy_per_decay(n, EmissionKind::alpha), 0.0);
  EXPECT_GT(line_yield_per_decay(n, EmissionKind::gamma), 0.17);  // 113 and 208 keV lines
  // The recorded digest is the file's (cross-checked with the folder's own manifest).
  const std::string manifest = slurp(decay_dir() + "/MANIFEST-json.sha256");
  EXPECT_NE(manifest.find(n.json_sha256), std::string::npos);
}

TEST(DecayData, Spellings) {
  SKIP_WITHOUT_DATA();
  const auto names = list_nuclides(decay_dir());
  for (const char* s : {"Lu-177", "lu177", "Lu177", "LU-177", "lu_177", "177Lu", "177lu"}) {
    EXPECT_EQ(canonical_nuclide_name(s, names), "Lu-177") << s;
  }
  for (const char* s : {"Tc-99m", "tc99m", "TC-99M", "99mTc"}) {
    EXPECT_EQ(canonical_nuclide_name(s, names), "Tc-99m") << s;
  }
  EXPECT_EQ(canonical_nuclide_name("99Mo", names), "Mo-99");
  EXPECT_EQ(canonical_nuclide_name("f18", names), "F-18");
  // Every canonical name resolves to itself (no two names share a key).
  for (const auto& n : names) EXPECT_EQ(canonical_nuclide_name(n, names), n);
  EXPECT_EQ(read_nuclide(decay_dir(), "tc99m").name, "Tc-99m");
}

TEST(DecayData, UnknownNuclideNamesClosest) {
  SKIP_WITHOUT_DATA();
  const std::string e = error_of([] { read_nuclide(decay_dir(), "Lu-1777"); });
  EXPECT_NE(e.find("unknown nuclide 'Lu-1777'"), std::string::npos) << e;
  EXPECT_NE(e.find("'Lu-177'"), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
}

// A copy of the folder with one JSON file replaced, for the corrupt-file errors.
class CorruptCopy : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!fs::exists(decay_dir() + "/ICRP-07.NDX")) {
      GTEST_SKIP() << "no ICRP 107 decay data in " << decay_dir() << " (set GPUDOSE_DATA)";
    }
    dir_ = test::scratch_dir() + "icrp107-" +
           ::testing::UnitTest::GetInstance()->current_test_info()->name();
    fs::create_directories(dir_ + "/json");
    fs::copy_file(decay_dir() + "/ICRP-07.NDX", dir_ + "/ICRP-07.NDX");
    original_ = slurp(decay_dir() + "/json/Lu-177.json");
  }
  void write(const std::string& bytes) {
    std::ofstream(dir_ + "/json/Lu-177.json", std::ios::binary) << bytes;
  }
  // The inner (decoded) text, to damage it and encode it again as the files are.
  std::string inner() const { return nlohmann::json::parse(original_).get<std::string>(); }
  static std::string encode(const std::string& text) { return nlohmann::json(text).dump(); }
  std::string error() {
    return error_of([this] { read_nuclide(dir_, "Lu-177"); });
  }
  std::string dir_, original_;
};

TEST_F(CorruptCopy, IntactCopyReads) {
  write(original_);
  EXPECT_EQ(read_nuclide(dir_, "lu177").lines.size(),
            read_nuclide(decay_dir(), "Lu-177").lines.size());
}

TEST_F(CorruptCopy, TruncatedJson) {
  write(original_.substr(0, original_.size() / 2));
  const std::string e = error();
  EXPECT_NE(e.find("Lu-177.json' is corrupt"), std::string::npos) << e;
  EXPECT_NE(e.find("not valid JSON"), std::string::npos) << e;
  EXPECT_EQ(e.find('\n'), std::string::npos) << e;
}

TEST_F(CorruptCopy, NanYield) {
  // What Python's json.dumps writes for a NaN: not JSON, so a parse error naming the file.
  std::string text = inner();
  const std::string first_gamma = "\"gamma\": [[0.071646, 0.00154]";
  ASSERT_NE(text.find(first_gamma), std::string::npos);
  text.replace(text.find(first_gamma), first_gamma.size(), "\"gamma\": [[0.071646, NaN]");
  write(encode(text));
  const std::string e = error();
  EXPECT_NE(e.find("Lu-177.json' is corrupt"), std::string::npos) << e;
}

TEST_F(CorruptCopy, NegativeYieldNonNumberAndMissingKey) {
  nlohmann::json j = nlohmann::json::parse(inner());
  j["emissions"]["gamma"][1][1] = -0.064;
  write(encode(j.dump()));
  std::string e = error();
  EXPECT_NE(e.find("emissions 'gamma' entry 2: yield -0.064"), std::string::npos) << e;

  j = nlohmann::json::parse(inner());
  j["emissions"]["X"][0][0] = "NaN";
  write(encode(j.dump()));
  e = error();
  EXPECT_NE(e.find("emissions 'X' entry 1 is not a pair of numbers"), std::string::npos) << e;

  j = nlohmann::json::parse(inner());
  j.erase("half_life");
  write(encode(j.dump()));
  e = error();
  EXPECT_NE(e.find("missing key 'half_life'"), std::string::npos) << e;
}

TEST_F(CorruptCopy, SpectrumNotIncreasing) {
  nlohmann::json j = nlohmann::json::parse(inner());
  auto& s = j["emissions"]["b-spectra"];
  ASSERT_GT(s.size(), 3u);
  s[2][0] = s[1][0];
  write(encode(j.dump()));
  const std::string e = error();
  EXPECT_NE(e.find("beta spectrum not increasing in energy at node 3"), std::string::npos) << e;
}

TEST(DecayData, MissingFolder) {
  const std::string e = error_of([] { decay_data_dir("/nonexistent/gpudose"); });
  EXPECT_NE(e.find("no ICRP 107 decay data in '/nonexistent/gpudose'"), std::string::npos) << e;
}

}  // namespace
}  // namespace gpudose
