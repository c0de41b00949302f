// A scratch folder private to this test process (/tmp/gpudose-test-<pid>/), so that two test
// runs on one machine (CI and a developer, two build trees) never write the same paths.
#pragma once

#include <unistd.h>

#include <filesystem>
#include <string>

namespace gpudose::test {

// Removed when the test process exits.
inline std::string scratch_dir() {
  struct Scratch {
    std::filesystem::path path;
    Scratch()
        : path(std::filesystem::temp_directory_path() /
               ("gpudose-test-" + std::to_string(::getpid()))) {
      std::filesystem::create_directories(path);
    }
    ~Scratch() {
      std::error_code ignored;
      std::filesystem::remove_all(path, ignored);
    }
  };
  static const Scratch scratch;
  return scratch.path.string() + "/";
}

}  // namespace gpudose::test
