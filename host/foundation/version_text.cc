#include <sstream>

#include "host/foundation/build_info.hh"

namespace gpudose {

std::string version_text() {
  const BuildInfo& b = build_info();
  std::ostringstream out;
  out << "gpudose " << b.version << "\n"
      << "git commit: " << b.git_commit << "\n"
      << "build type: " << b.build_type << "\n"
      << "back ends compiled: cpu (OpenMP)";
  if (b.cuda_compiled) out << ", cuda (sm " << b.cuda_architectures << ")";
  out << "\n";
  return out.str();
}

}  // namespace gpudose
