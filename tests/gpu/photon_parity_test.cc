// CPU and GPU run the same photon job; they agree within statistics (chi-square over targets),
// not bitwise (libm differs). Skipped without a CUDA device.
#include <gtest/gtest.h>

#include <string>

#include "host/run/cuda_devices.hh"
#include "host/run/job_runner.hh"
#include "phantoms/phantom_cache.hh"
#include "tests/cpu_gpu_chi_square.hh"

namespace gpudose {
namespace {

TEST(GpuPhoton, CpuAndGpuAgreeWithinStatistics) {
  const CudaAvailability cuda = query_cuda_devices();
  if (cuda.devices.empty()) GTEST_SKIP() << "no CUDA device: " << cuda.why_none;
  const Phantom phantom = load_phantom("female", GPUDOSE_TEST_DATA_DIR, GPUDOSE_TEST_CACHE_DIR);
  const PhotonLibrary library =
      ensure_photon_library(GPUDOSE_TEST_DATA_DIR, GPUDOSE_TEST_CACHE_DIR);
  for (double e : {0.05, 0.5, 2.0}) {
    JobRequest req;
    req.source = "liver";
    req.energy_mev = e;
    req.histories = 400000;
    test::expect_cpu_gpu_agree(req, phantom, library, "photon " + std::to_string(e) + " MeV", 21,
                               0.0);
  }
}

}  // namespace
}  // namespace gpudose
