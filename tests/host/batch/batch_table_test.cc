// Job records (checksums, infinities, corruption) and the HDF5 table (round trip, byte
// reproducibility independent of record order).
#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <sstream>

#include "host/batch/record.hh"
#include "host/batch/table.hh"
#include "host/foundation/user_error.hh"

namespace gpudose {
namespace {

namespace fs = std::filesystem;

Plan two_job_plan() {
  Plan p;
  p.seed = 7;
  for (std::uint32_t i = 0; i < 3; ++i) {
    PlanJob j;
    j.job_id = i;
    j.model = "AF";
    j.source = i < 2 ? "Liver" : "Kidneys/both";  // a '/' in a region name
    j.source_number = i < 2 ? 95 : 156;
    j.particle = "photon";
    j.energy_mev = i == 1 ? 0.05 : 0.5;
    j.histories = 1000;
    j.batch_size = 10;
    p.jobs.push_back(j);
  }
  p.hash = plan_hash(p);
  return p;
}

JobRecord record_for(const Plan& p, std::uint32_t id) {
  const PlanJob& j = p.jobs[id];
  JobRecord r;
  r.plan_hash = p.hash;
  r.job_id = id;
  r.model = j.model;
  r.source = j.source;
  r.source_ids = {95};
  r.particle = j.particle;
  r.energy_mev = j.energy_mev;
  r.histories = 1000;
  r.batches = 100;
  r.batch_size = 10;
  r.stop_reason = "histories";
  r.backend = "cpu";
  r.escaped_fraction = 0.1 + id / 3.0;
  r.engine = "gpudose test";
  r.git_commit = "abc";
  r.phantom_digest = "p";
  r.physics_digest = "q";
  r.target_names = {"Liver", "Kidneys"};
  r.target_ids = {"95", "89 90 91 92 93 94"};
  r.target_mass_kg = {1.4, 0.3};
  r.af = {0.3 + id, 1e-3 / 3};
  r.saf_per_kg = {r.af[0] / 1.4, r.af[1] / 0.3};
  r.rel_unc = {0.01 * (id + 1), std::numeric_limits<double>::infinity()};
  r.provenance = {{"wall_s", "1.5"}};
  return r;
}

std::string temp_dir() {
  const fs::path d =
      fs::temp_directory_path() / ("gpudose-batch-test-" + std::to_string(::getpid()) + "-" +
                                   ::testing::UnitTest::GetInstance()->current_test_info()->name());
  fs::remove_all(d);
  fs::create_directories(d);
  return d.string();
}

std::string bytes(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream s;
  s << in.rdbuf();
  return s.str();
}

TEST(BatchRecord, FileRoundTripKeepsExactValuesAndChecksum) {
  const Plan p = two_job_plan();
  const JobRecord r = record_for(p, 1);
  const JobRecord q = parse_record_file(record_file_text(r), "r.json");
  EXPECT_EQ(record_checksum(q), record_checksum(r));
  EXPECT_EQ(q.af, r.af);
  EXPECT_TRUE(std::isinf(q.rel_unc[1]));
  EXPECT_EQ(q.provenance.at(0).second, "1.5");
  EXPECT_NO_THROW(check_record_matches(q, p, p.jobs[1], "r.json"));
  EXPECT_THROW(check_record_matches(q, p, p.jobs[0], "r.json"), UserError);
}

TEST(BatchRecord, CorruptFilesAreRefused) {
  const Plan p = two_job_plan();
  std::string text = record_file_text(record_for(p, 0));
  const auto at = text.find("0.3");
  ASSERT_NE(at, std::string::npos);
  std::string edited = text;
  edited.replace(at, 3, "0.4");
  try {
    parse_record_file(edited, "job.json");
    FAIL() << "an edited record was accepted";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("is corrupt"), std::string::npos);
  }
  EXPECT_THROW(parse_record_file(text.substr(0, text.size() / 2), "half.json"), UserError);
  EXPECT_THROW(parse_record_file("", "empty.json"), UserError);
}

TEST(BatchTable, RoundTripAndSameBytesInAnyRecordOrder) {
  const std::string dir = temp_dir();
  const Plan p = two_job_plan();
  std::vector<JobRecord> recs = {record_for(p, 0), record_for(p, 1), record_for(p, 2)};
  write_table(dir + "/a.h5", p, ShardSpec{1, 1}, 3, recs);
  std::vector<JobRecord> reversed(recs.rbegin(), recs.rend());
  write_table(dir + "/b.h5", p, ShardSpec{1, 1}, 3, reversed);
  EXPECT_EQ(bytes(dir + "/a.h5"), bytes(dir + "/b.h5"));

  const TableContents t = read_table(dir + "/a.h5");
  EXPECT_EQ(t.plan.hash, p.hash);
  EXPECT_EQ(t.shard, "1/1");
  ASSERT_EQ(t.records.size(), 3u);
  for (std::uint32_t i = 0; i < 3; ++i) {
    EXPECT_EQ(t.records[i].job_id, i);
    EXPECT_EQ(record_checksum(t.records[i]), record_checksum(recs[i]));
  }
  EXPECT_EQ(t.records[2].source, "Kidneys/both");
  // The wall time lives in the provenance, not in the table: a different one, same bytes.
  recs[0].provenance = {{"wall_s", "99"}};
  write_table(dir + "/c.h5", p, ShardSpec{1, 1}, 3, recs);
  EXPECT_EQ(bytes(dir + "/a.h5"), bytes(dir + "/c.h5"));
  fs::remove_all(dir);
}

TEST(BatchTable, JobsOfDifferentBackEndsKeepTheirOwn) {
  const std::string dir = temp_dir();
  const Plan p = two_job_plan();
  std::vector<JobRecord> recs = {record_for(p, 0), record_for(p, 1), record_for(p, 2)};
  recs[1].backend = "cuda";  // a GPU shard merged with CPU shards
  write_table(dir + "/mixed.h5", p, ShardSpec{1, 1}, 3, recs);
  const TableContents t = read_table(dir + "/mixed.h5");
  ASSERT_EQ(t.records.size(), 3u);
  EXPECT_EQ(t.records[0].backend, "cpu");
  EXPECT_EQ(t.records[1].backend, "cuda");
  fs::remove_all(dir);
}

TEST(BatchTable, MixedBuildsAndBadFilesAreRefused) {
  const std::string dir = temp_dir();
  const Plan p = two_job_plan();
  std::vector<JobRecord> recs = {record_for(p, 0), record_for(p, 1)};
  recs[1].git_commit = "def";
  EXPECT_THROW(write_table(dir + "/m.h5", p, ShardSpec{1, 1}, 3, recs), UserError);
  EXPECT_FALSE(fs::exists(dir + "/m.h5"));
  std::ofstream(dir + "/junk.h5") << "not hdf5";
  try {
    read_table(dir + "/junk.h5");
    FAIL() << "junk accepted";
  } catch (const UserError& e) {
    EXPECT_NE(std::string(e.what()).find("corrupt or not a gpudose batch table"),
              std::string::npos);
  }
  EXPECT_THROW(read_table(dir + "/missing.h5"), UserError);
  EXPECT_THROW(write_table(dir + "/no/such/t.h5", p, ShardSpec{1, 1}, 3, {record_for(p, 0)}),
               UserError);
  fs::remove_all(dir);
}

}  // namespace
}  // namespace gpudose
