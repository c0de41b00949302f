// CUDA device discovery. cudart is linked statically, so a binary built with CUDA still runs on
// a machine without a driver or GPU: the query simply reports none, with the reason.
#include <cuda_runtime.h>

#include "host/run/cuda_devices.hh"

namespace gpudose {

CudaAvailability query_cuda_devices() {
  CudaAvailability result;
  result.compiled = true;
  if (cudaRuntimeGetVersion(&result.runtime_version) != cudaSuccess) result.runtime_version = 0;
  if (cudaDriverGetVersion(&result.driver_version) != cudaSuccess) result.driver_version = 0;
  int count = 0;
  const cudaError_t status = cudaGetDeviceCount(&count);
  if (status != cudaSuccess) {
    result.why_none = std::string("CUDA runtime reports ") + cudaGetErrorName(status) + ": " +
                      cudaGetErrorString(status);
    cudaGetLastError();  // clear the sticky error
    return result;
  }
  for (int i = 0; i < count; ++i) {
    cudaDeviceProp prop{};
    if (cudaGetDeviceProperties(&prop, i) != cudaSuccess) continue;
    result.devices.push_back(CudaDevice{i, prop.name, prop.major, prop.minor,
                                        prop.multiProcessorCount, prop.totalGlobalMem});
  }
  if (result.devices.empty()) result.why_none = "no CUDA device is visible";
  return result;
}

}  // namespace gpudose
