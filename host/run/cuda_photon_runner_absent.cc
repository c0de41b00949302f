// Stand-in for cuda_photon_runner.cu in builds without the CUDA back end.
#include <stdexcept>

#include "host/run/cuda_photon_runner.hh"

namespace gpudose {

std::unique_ptr<BatchRunner> make_cuda_photon_runner(const PhotonJob&, int, const CudaLaunch&,
                                                     std::uint64_t) {
  throw std::logic_error("this build has no CUDA back end");
}

}  // namespace gpudose
