// Regions: phantoms/regions.tsv against OpenDose's own source definitions, name resolution,
// masses and source-voxel lists, on the real phantoms.
#include "phantoms/regions.hh"

#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <fstream>
#include <map>
#include <set>

#include "host/foundation/user_error.hh"
#include "phantoms/opendose_import.hh"
#include "test_phantoms.hh"

namespace gpudose {
namespace {

using testing::af;
using testing::am;
using testing::kDataDir;

// OpenDose ActivityRange<N>.dat: a count, then "lo hi weight" lines (IDs lo..hi, weight 1).
std::vector<int> opendose_range(int n) {
  const std::string path =
      opendose_data_dir(kDataDir) + "/ActivityRange" + std::to_string(n) + ".dat";
  std::ifstream in(path);
  EXPECT_TRUE(in.good()) << path;
  int count = 0;
  in >> count;
  std::set<int> ids;
  for (int i = 0; i < count; ++i) {
    int lo = -1, hi = -1;
    double w = 0;
    in >> lo >> hi >> w;
    EXPECT_TRUE(in.good() || in.eof()) << path;
    EXPECT_EQ(w, 1.0) << path;
    for (int id = lo; id <= hi; ++id) ids.insert(id);
  }
  return {ids.begin(), ids.end()};
}

TEST(Regions, OpenDoseUnionsMatchActivityRangeFiles) {
  std::set<int> covered;
  for (const auto& r : compound_regions()) {
    if (r.kind != "opendose") continue;
    EXPECT_EQ(r.organ_ids, opendose_range(r.opendose_id)) << r.name << " = " << r.opendose_id;
    covered.insert(r.opendose_id);
  }
  EXPECT_EQ(covered.size(), 31u);
  EXPECT_EQ(*covered.begin(), 142);
  EXPECT_EQ(*covered.rbegin(), 172);
  // 0..141 are single organ IDs in OpenDose, as they are here.
  for (int n : {0, 1, 95, 141}) EXPECT_EQ(opendose_range(n), std::vector<int>{n}) << n;
}

TEST(Regions, NoNameMeansTwoRegions) {
  // Every organ name (both models) and every region name/alias points to one set of IDs.
  std::map<std::string, std::vector<int>> seen;
  auto key = [](std::string s) {
    std::string k;
    for (char c : s) {
      if (c == '_') c = ' ';
      if (c == ' ' && (k.empty() || k.back() == ' ')) continue;
      k += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    while (!k.empty() && k.back() == ' ') k.pop_back();
    return k;
  };
  auto add = [&](const std::string& name, const std::vector<int>& ids) {
    auto [it, fresh] = seen.emplace(key(name), ids);
    EXPECT_TRUE(fresh || it->second == ids) << "'" << name << "' is ambiguous";
  };
  for (const Phantom* p : {&af(), &am()}) {
    for (const auto& o : p->organ_table) add(o.name, {o.id});
  }
  for (const auto& r : compound_regions()) {
    add(r.name, r.organ_ids);
    for (const auto& a : r.aliases) add(a, r.organ_ids);
  }
}

TEST(Regions, ResolveByIdNameAndAlias) {
  const Phantom& p = af();
  auto ids = [&](const std::string& q) { return resolve_region(p, q).organ_ids; };
  EXPECT_EQ(ids("95"), std::vector<int>{95});
  EXPECT_EQ(ids("Liver"), std::vector<int>{95});
  EXPECT_EQ(ids("  LIVER "), std::vector<int>{95});
  EXPECT_EQ(ids("spleen"), std::vector<int>{127});
  EXPECT_EQ(ids("thyroid"), std::vector<int>{132});
  EXPECT_EQ(ids("brain"), std::vector<int>{61});
  EXPECT_EQ(ids("Adrenal, left"), std::vector<int>{1});
  EXPECT_EQ(ids("adrenal,_left"), std::vector<int>{1});
  EXPECT_EQ(ids("adrenals"), (std::vector<int>{1, 2}));
  EXPECT_EQ(ids("kidneys"), (std::vector<int>{89, 90, 91, 92, 93, 94}));
  EXPECT_EQ(ids("lungs"), (std::vector<int>{96, 97, 98, 99}));
  EXPECT_EQ(ids("AI"), (std::vector<int>{96, 97, 98, 99}));
  EXPECT_EQ(ids("colon"), (std::vector<int>{76, 78, 80, 82, 84, 86}));
  EXPECT_EQ(ids("156"), ids("Kidneys"));
  EXPECT_EQ(resolve_region(p, "156").kind, "opendose");
  EXPECT_EQ(resolve_region(p, "95").kind, "organ");
  EXPECT_EQ(resolve_region(p, "St-wall").kind, "icrp133");
  EXPECT_EQ(ids("0"), std::vector<int>{0});
  EXPECT_EQ(ids("141"), std::vector<int>{141});
}

TEST(Regions, UnknownOrAbsentRegionsAreClearErrors) {
  const Phantom& p = af();
  try {
    resolve_region(p, "livr");
    FAIL() << "expected UserError";
  } catch (const UserError& e) {
    const std::string m = e.what();
    EXPECT_NE(m.find("unknown region 'livr'"), std::string::npos) << m;
    EXPECT_NE(m.find("'Liver'"), std::string::npos) << m;
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
  }
  try {
    resolve_region(p, "kidny");
    FAIL() << "expected UserError";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("'kidney"), std::string::npos) << e.what();
  }
  EXPECT_THROW(resolve_region(p, "Prostate"), UserError);  // not in AF
  EXPECT_THROW(resolve_region(p, "testes"), UserError);
  EXPECT_THROW(resolve_region(p, "169"), UserError);
  EXPECT_THROW(resolve_region(p, "53"), UserError);  // sacrum cortical: absent from AF
  EXPECT_THROW(resolve_region(p, "173"), UserError);
  EXPECT_THROW(resolve_region(am(), "ovaries"), UserError);
  EXPECT_NO_THROW(resolve_region(am(), "testes"));
}

TEST(Regions, MassesAreSumsOfVoxelMasses) {
  const Phantom& p = af();
  const Region kidneys = resolve_region(p, "kidneys");
  double m = 0;
  std::uint64_t n = 0;
  for (int id = 89; id <= 94; ++id) {
    m += p.organ(id)->mass_kg;
    n += p.organ(id)->voxels;
  }
  EXPECT_DOUBLE_EQ(region_mass_kg(p, kidneys), m);
  EXPECT_EQ(region_voxel_count(p, kidneys), n);
  // Whole body (OpenDose 172) is the body minus contents and inside air.
  const Region body = resolve_region(p, "whole body");
  double contents = 0;
  for (int id : {71, 73, 75, 77, 79, 81, 83, 85, 138, 140}) contents += p.organ(id)->mass_kg;
  EXPECT_NEAR(region_mass_kg(p, body), p.body_mass_kg() - contents, 1e-9);
}

TEST(Regions, TargetListCoversOrgansAndCompounds) {
  const Phantom& p = af();
  const auto targets = target_regions(p);
  std::size_t organs = 0, compounds = 0;
  std::set<std::string> names;
  for (const auto& t : targets) {
    (t.region.kind == "organ" ? organs : compounds) += 1;
    EXPECT_GT(t.voxels, 0u) << t.region.name;
    EXPECT_DOUBLE_EQ(t.mass_kg, region_mass_kg(p, t.region));
    names.insert(t.region.name);
  }
  EXPECT_EQ(organs, p.organs.size());
  EXPECT_GT(compounds, 40u);
  EXPECT_TRUE(names.count("Kidneys"));
  EXPECT_FALSE(names.count("Testes"));  // no voxels in AF
}

TEST(Regions, SourceVoxelsVolumeAndMassUniform) {
  const Phantom& p = af();
  const Region liver = resolve_region(p, "liver");
  const RegionVoxels vol = region_voxels(p, liver, SourceSampling::volume_uniform);
  EXPECT_EQ(vol.voxels.size(), 87437u);
  EXPECT_EQ(vol.total_weight, 87437.0);
  for (std::uint32_t v : vol.voxels) ASSERT_EQ(p.organ_ids[v], 95);
  EXPECT_TRUE(std::is_sorted(vol.voxels.begin(), vol.voxels.end()));

  // Lungs mix tissue (0.385 g/cm3) and blood (1.06 g/cm3): the two samplings differ, and the
  // mass-uniform total weight times the voxel volume is the region mass.
  const Region lungs = resolve_region(p, "lungs");
  const RegionVoxels mass = region_voxels(p, lungs, SourceSampling::mass_uniform);
  EXPECT_EQ(mass.sampling, SourceSampling::mass_uniform);
  EXPECT_EQ(mass.voxels.size(), region_voxel_count(p, lungs));
  EXPECT_NEAR(mass.total_weight * p.voxel_volume_cm3() / 1000, region_mass_kg(p, lungs), 1e-9);
  std::set<double> weights(mass.weights.begin(), mass.weights.end());
  EXPECT_EQ(weights, (std::set<double>{0.385, 1.06}));
  EXPECT_STREQ(to_string(SourceSampling::volume_uniform), "volume-uniform");
  EXPECT_STREQ(to_string(SourceSampling::mass_uniform), "mass-uniform");
  EXPECT_EQ(parse_source_sampling("ICRP133"), SourceSampling::mass_uniform);
  EXPECT_THROW(parse_source_sampling("uniform"), UserError);
}

}  // namespace
}  // namespace gpudose
