// Stand-in for cuda_devices.cu in builds without the CUDA back end.
#include "host/run/cuda_devices.hh"

namespace gpudose {

CudaAvailability query_cuda_devices() {
  CudaAvailability result;
  result.why_none =
      "this build has no CUDA back end (configure with nvcc and GPUDOSE_CUDA=AUTO|ON)";
  return result;
}

}  // namespace gpudose
