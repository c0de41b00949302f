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
  if (!from_flag.empty()) return from_flag;
  if (const char* env = std::getenv("GPUDOSE_CACHE"); env && *env) return env;
  return GPUDOSE_DEFAULT_CACHE_DIR;
}

}  // namespace gpudose
