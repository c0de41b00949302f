// Error checking for CUDA runtime calls and launches: failures become exceptions on the host
// whose message names the call or kernel that failed and the CUDA error.
#pragma once

#include <cuda_runtime.h>

#include <stdexcept>
#include <string>

namespace gpudose {

class CudaError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

inline void cuda_check(cudaError_t status, const char* what) {
  if (status != cudaSuccess) {
    throw CudaError(std::string("CUDA call failed: ") + what + " (" + cudaGetErrorName(status) +
                    ": " + cudaGetErrorString(status) + ")");
  }
}

}  // namespace gpudose
