// What the CUDA runtime can see. Implemented by cuda_devices.cu when the CUDA back end is
// compiled, and by cuda_devices_absent.cc otherwise, so callers never need #if.
#pragma once

#include <cstddef>
#include <string>
#include <vector>

namespace gpudose {

struct CudaDevice {
  int index = 0;
  std::string name;
  int sm_major = 0;
  int sm_minor = 0;
  int multiprocessors = 0;
  std::size_t memory_bytes = 0;
};

struct CudaAvailability {
  bool compiled = false;            // the CUDA back end is part of this build
  std::vector<CudaDevice> devices;  // usable devices (empty when none)
  std::string why_none;             // reason when devices is empty
  // CUDA versions as 1000 * major + 10 * minor (cudaDriverGetVersion / cudaRuntimeGetVersion);
  // 0 when unknown (no driver, or no CUDA back end).
  int driver_version = 0;
  int runtime_version = 0;
};

CudaAvailability query_cuda_devices();

}  // namespace gpudose
