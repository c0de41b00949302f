// host/foundation/sha256.hh: FIPS 180-4 test vectors, and a file digest against the data
// folder's MANIFEST.sha256 (computed by sha256sum, an independent implementation).
#include "host/foundation/sha256.hh"

#include <gtest/gtest.h>

#include <fstream>
#include <string>

namespace gpudose {
namespace {

TEST(Sha256, KnownVectors) {
  EXPECT_EQ(sha256_text(""), "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  EXPECT_EQ(sha256_text("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256_text("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"),
            "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  EXPECT_EQ(sha256_text(std::string(1000000, 'a')),
            "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST(Sha256, FileMatchesManifest) {
  const std::string dir = std::string(GPUDOSE_TEST_DATA_DIR) + "/physics-data-sources";
  std::ifstream manifest(dir + "/MANIFEST.sha256");
  ASSERT_TRUE(manifest) << "no MANIFEST.sha256 in " << dir;
  int checked = 0;
  for (std::string hash, name; manifest >> hash >> name;) {
    if (name == "./openmc-endfb80-photon/O.h5" || name == "./fisx-debian/KShellConstants.dat") {
      EXPECT_EQ(sha256_file(dir + "/" + name.substr(2)), hash) << name;
      ++checked;
    }
  }
  EXPECT_EQ(checked, 2);
}

}  // namespace
}  // namespace gpudose
