// CPU and GPU run the same electron/positron job (coupled transport, one source for both back
// ends); they agree within statistics (chi-square over targets), not bitwise (libm differs), and
// the GPU's fixed-point bookkeeping is exact. Skipped without a CUDA device (label gpu).
#include <gtest/gtest.h>

#include <string>

#include "host/run/cuda_devices.hh"
#include "host/run/job_runner.hh"
#include "phantoms/phantom_cache.hh"
#include "tests/cpu_gpu_chi_square.hh"

namespace gpudose {
namespace {

TEST(GpuElectron, CpuAndGpuAgreeWithinStatistics) {
  const CudaAvailability cuda = query_cuda_devices();
  if (cuda.devices.empty()) GTEST_SKIP() << "no CUDA device: " << cuda.why_none;
  const Phantom phantom = load_phantom("female", GPUDOSE_TEST_DATA_DIR, GPUDOSE_TEST_CACHE_DIR);
  const PhotonLibrary library =
      ensure_photon_library(GPUDOSE_TEST_DATA_DIR, GPUDOSE_TEST_CACHE_DIR);
  for (const char* particle : {"electron", "positron"}) {
    for (double e : {0.05, 0.5, 2.0}) {
      JobRequest req;
      req.source = "liver";
      req.particle = particle;
      req.energy_mev = e;
      req.histories = 400000;
      test::expect_cpu_gpu_agree(req, phantom, library,
                                 std::string(particle) + " " + std::to_string(e) + " MeV", 1, 6.0);
    }
  }
}

}  // namespace
}  // namespace gpudose
