#include "host/cli/data_dir.hh"

#include <cstdlib>
#include <filesystem>

#include "host/foundation/user_error.hh"

namespace gpudose {

std::string resolve_data_dir(const std::string& from_flag) {
  std::string dir = from_flag;
  std::string origin = "--data-dir";
  if (dir.empty()) {
    if (const char* env = std::getenv("GPUDOSE_DATA"); env && *env) {
      dir = env;
      origin = "GPUDOSE_DATA";
    } else {
      dir = GPUDOSE_DEFAULT_DATA_DIR;
      origin = "the default next to the checkout";
    }
  }
  if (!std::filesystem::is_directory(dir)) {
    throw UserError("data directory '" + dir + "' not found", "taken from " + origin,
                    "point --data-dir or GPUDOSE_DATA at the folder holding phantoms/ and "
                    "physics-data-sources/");
  }
  return std::filesystem::weakly_canonical(dir).string();
}

std::string resolve_cache_dir(const std::string& from_flag) {
  std::string dir = GPUDOSE_DEFAULT_CACHE_DIR;
  std::string origin = "the default in the build folder";
  if (!from_flag.empty()) {
    dir = from_flag;
    origin = "--cache-dir";
  } else if (const char* env = std::getenv("GPUDOSE_CACHE"); env && *env) {
    dir = env;
    origin = "GPUDOSE_CACHE";
  }
  std::error_code ec;
  if (std::filesystem::exists(dir, ec) && !std::filesystem::is_directory(dir, ec)) {
    throw UserError("cache directory '" + dir + "' is not a folder", "taken from " + origin,
                    "point --cache-dir or GPUDOSE_CACHE at a folder (it is created if missing)");
  }
  return dir;
}

}  // namespace gpudose
