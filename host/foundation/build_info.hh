// Facts about this build, generated at build time (cmake/build_info.cmake): used by --version
// and recorded in the provenance of every output.
#pragma once

#include <string>

namespace gpudose {

struct BuildInfo {
  std::string version;
  std::string git_commit;
  std::string build_type;
  bool cuda_compiled;
  std::string cuda_architectures;  // e.g. "80;90", empty without CUDA
};

const BuildInfo& build_info();

// Multi-line human-readable summary printed by `gpudose --version`.
std::string version_text();

}  // namespace gpudose
