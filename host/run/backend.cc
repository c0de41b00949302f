#include "host/run/backend.hh"

#include <sstream>

#include "host/foundation/user_error.hh"

namespace gpudose {

const char* backend_name(Backend b) { return b == Backend::Cuda ? "cuda" : "cpu"; }

namespace {

std::vector<int> parse_devices(const std::string& list, const CudaAvailability& cuda) {
  std::vector<int> chosen;
  if (list.empty() || list == "all") {
    for (const auto& d : cuda.devices) chosen.push_back(d.index);
    return chosen;
  }
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ',')) {
    std::size_t used = 0;
    int index = -1;
    try {
      index = std::stoi(item, &used);
    } catch (const std::exception&) {
      used = 0;
    }
    if (used != item.size() || index < 0 || index >= static_cast<int>(cuda.devices.size())) {
      throw UserError("unknown CUDA device '" + item + "' in --devices",
                      std::to_string(cuda.devices.size()) + " device(s) are visible",
                      "give indices from `gpudose devices`, e.g. --devices 0,1, or all");
    }
    chosen.push_back(index);
  }
  return chosen;
}

}  // namespace

BackendSelection select_backend(const std::string& request, const std::string& devices,
                                const CudaAvailability& cuda) {
  BackendSelection s;
  if (request == "cpu") {
    s.reason = "cpu back end (requested)";
    return s;
  }
  if (request != "auto" && request != "cuda") {
    throw UserError("unknown back end '" + request + "'", "expected auto, cpu or cuda",
                    "use --backend auto|cpu|cuda");
  }
  if (cuda.devices.empty()) {
    if (request == "cuda") {
      throw UserError("the cuda back end is not available", cuda.why_none,
                      "run with --backend cpu or auto on this machine");
    }
    s.reason = "cpu back end (auto: " + cuda.why_none + ")";
    return s;
  }
  s.backend = Backend::Cuda;
  s.devices = parse_devices(devices, cuda);
  std::string names;
  for (int d : s.devices) {
    names += (names.empty() ? "" : ", ") + std::to_string(d) + ": " + cuda.devices[d].name;
  }
  s.reason = std::string("cuda back end (") + (request == "auto" ? "auto" : "requested") + ") on " +
             std::to_string(s.devices.size()) + " device(s): " + names;
  return s;
}

}  // namespace gpudose
