// CPU and GPU run the same photon job; they agree within statistics (chi-square over targets),
// not bitwise (libm differs). Skipped without a CUDA device.
#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "host/cuda_devices.hh"
#include "host/job_runner.hh"
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
    req.backend = "cpu";
    const RunResult cpu = run_job(req, phantom, library);
    req.backend = "cuda";
    req.seed = 2;  // independent streams: the comparison is statistical
    const RunResult gpu = run_job(req, phantom, library);
    ASSERT_EQ(cpu.targets.size(), gpu.targets.size());
    const auto [chi2, dof] = test::af_chi_square(cpu, gpu);
    ASSERT_GT(dof, 20);
    std::printf("CPU vs GPU, %.2f MeV: chi2 = %.1f for %d targets\n", e, chi2, dof);
    EXPECT_LT(chi2, dof + 6 * std::sqrt(2.0 * dof)) << e << " MeV";
    // Energy bookkeeping on the GPU is exact too: absorbed + escaped = emitted.
    double absorbed = 0;
    std::set<int> counted;
    for (const auto& t : gpu.targets) {
      if (t.ids.size() == 1 && counted.insert(t.ids[0]).second) absorbed += t.af;
    }
    EXPECT_NEAR(absorbed + gpu.escaped_fraction, 1.0, 1e-9);
  }
}

}  // namespace
}  // namespace gpudose
