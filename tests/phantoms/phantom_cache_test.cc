// The cached compact form: written by an import, reused while the sources are unchanged,
// rebuilt when one changes, identical to a fresh import.
#include "phantoms/phantom_cache.hh"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "host/foundation/user_error.hh"
#include "phantoms/icrp110_tables.hh"
#include "phantoms/opendose_import.hh"
#include "test_phantoms.hh"
#include "tests/test_tmp.hh"

namespace gpudose {
namespace {
namespace fs = std::filesystem;
using testing::kDataDir;

// A data directory of links to the real files, except the AM organ table, which is a copy the
// test can change.
std::string linked_data_dir(const std::string& name) {
  const fs::path root = fs::path(gpudose::test::scratch_dir()) / name;
  fs::remove_all(root);
  const fs::path od = root / "phantoms/opendose_gate_ICRP110/data";
  const fs::path side = fs::path(icrp110_side_file_dir(root.string())) / "AM";
  fs::create_directories(od);
  fs::create_directories(side);
  const fs::path real_od = opendose_data_dir(kDataDir);
  for (const char* f : {"AM_UINT16_254_127_222.mhd", "AM_UINT16_254_127_222.raw"}) {
    fs::create_symlink(real_od / f, od / f);
  }
  const fs::path real_side = fs::path(icrp110_side_file_dir(kDataDir)) / "AM";
  fs::create_symlink(real_side / "AM_media.dat", side / "AM_media.dat");
  fs::copy_file(real_side / "AM_organs.dat", side / "AM_organs.dat");
  fs::permissions(side / "AM_organs.dat", fs::perms::owner_write, fs::perm_options::add);
  return root.string();
}

TEST(PhantomCache, ImportWritesReusesAndNoticesChanges) {
  const std::string data = linked_data_dir("cache_data");
  const std::string cache = (fs::path(gpudose::test::scratch_dir()) / "cache_out").string();
  fs::remove_all(cache);

  const ImportOutcome first = import_phantom_to_cache("male", data, cache, "opendose", false);
  EXPECT_FALSE(first.reused);
  EXPECT_EQ(first.cache_path, cache + "/phantoms/AM.h5");
  ASSERT_TRUE(fs::is_regular_file(first.cache_path));
  // The compact cache is much smaller than the 14 MB uint16 volume.
  EXPECT_LT(fs::file_size(first.cache_path), 3u << 20);
  EXPECT_TRUE(check_phantom_cache(first.cache_path, data).fresh);

  const ImportOutcome second = import_phantom_to_cache("AM", data, cache, "opendose", false);
  EXPECT_TRUE(second.reused) << second.why;
  EXPECT_EQ(second.phantom.organ_ids, first.phantom.organ_ids);
  EXPECT_EQ(second.phantom.labels, first.phantom.labels);
  EXPECT_EQ(second.phantom.body_mass_kg(), first.phantom.body_mass_kg());
  ASSERT_EQ(second.phantom.source_files.size(), first.phantom.source_files.size());
  for (std::size_t i = 0; i < first.phantom.source_files.size(); ++i) {
    EXPECT_EQ(second.phantom.source_files[i].sha256, first.phantom.source_files[i].sha256);
  }

  // Same size, new time, same bytes: still fresh (the SHA-256 decides).
  const fs::path organs = fs::path(icrp110_side_file_dir(data)) / "AM/AM_organs.dat";
  fs::last_write_time(organs, fs::last_write_time(organs) + std::chrono::seconds(5));
  EXPECT_TRUE(check_phantom_cache(first.cache_path, data).fresh);

  // Changed bytes: stale, and the next load imports again.
  {
    std::fstream f(organs, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(0);
    f.put('o');  // "Organs ..." -> "organs ..." in the title line: same size
  }
  fs::last_write_time(organs, fs::last_write_time(organs) + std::chrono::seconds(5));
  const CacheCheck c = check_phantom_cache(first.cache_path, data);
  EXPECT_FALSE(c.fresh);
  EXPECT_NE(c.why.find("AM_organs.dat"), std::string::npos) << c.why;
  const ImportOutcome third = import_phantom_to_cache("AM", data, cache, "opendose", false);
  EXPECT_FALSE(third.reused);
  EXPECT_TRUE(check_phantom_cache(first.cache_path, data).fresh);

  // Another source re-imports; load_phantom then uses whatever fresh cache is there.
  const ImportOutcome icrp_missing_sources = [&] {
    try {
      return import_phantom_to_cache("AM", data, cache, "icrp", false);
    } catch (const UserError&) {
      return ImportOutcome{};  // the linked data dir has no ICRPdata.tar.gz: a clear error
    }
  }();
  EXPECT_TRUE(icrp_missing_sources.cache_path.empty());
  const Phantom loaded = load_phantom("AM", data, cache);
  EXPECT_EQ(loaded.organ_ids, first.phantom.organ_ids);

  // A corrupt cache is rebuilt by load_phantom.
  { std::ofstream(first.cache_path, std::ios::trunc) << "not hdf5"; }
  EXPECT_FALSE(check_phantom_cache(first.cache_path, data).fresh);
  const Phantom rebuilt = load_phantom("AM", data, cache);
  EXPECT_EQ(rebuilt.labels, first.phantom.labels);
  EXPECT_TRUE(check_phantom_cache(first.cache_path, data).fresh);
  fs::remove_all(cache);
  fs::remove_all(data);
}

TEST(PhantomCache, IcrpSourceCacheEqualsOpenDose) {
  const std::string cache = (fs::path(gpudose::test::scratch_dir()) / "cache_icrp").string();
  fs::remove_all(cache);
  const ImportOutcome icrp = import_phantom_to_cache("AM", kDataDir, cache, "icrp", false);
  EXPECT_EQ(check_phantom_cache(icrp.cache_path, kDataDir).source, "icrp");
  const Phantom back = read_phantom_cache(icrp.cache_path, kDataDir);
  EXPECT_EQ(back.source, "icrp");
  EXPECT_EQ(back.organ_ids, testing::am().organ_ids);
  fs::remove_all(cache);
}

}  // namespace
}  // namespace gpudose
