// Dose images on the CUDA back end against the CPU back end (skipped without a CUDA device).
//
// The device path is the CPU runner's bit for bit when both run on the host with the same libm
// (tests/host/run/cuda_dose_image_test.cc). On a GPU, libm and FMA contraction differ (the
// GUIDE: CPU and GPU agree statistically, not bitwise), so here:
//   - the GPU's image summed over each label equals the GPU run's own organ tallies bit for bit
//     (every device deposit lands in a voxel of its label, as on the CPU);
//   - the GPU's image is bit-identical with one batch per launch and with the default launch
//     (the per-batch zeroing and batch indexing on the device);
//   - CPU and GPU images agree within statistics, shell by shell around a point source
//     (chi-square over radial shells with their own batch statistics, independent seeds);
//   - and, for the record, the fraction of voxels whose sums are bit-identical between CPU and
//     GPU with the same seed is printed (not asserted).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

#include "host/run/cuda_devices.hh"
#include "host/run/dose_image.hh"
#include "host/run/job_runner.hh"
#include "host/run/user_phantom_loader.hh"
#include "physics-data/media_catalog.hh"
#include "tests/radial_shells.hh"

namespace gpudose {
namespace {

TEST(GpuDoseImage, CudaImagesAreSelfConsistentDeterministicAndAgreeWithCpu) {
  const CudaAvailability cuda = query_cuda_devices();
  if (cuda.devices.empty()) GTEST_SKIP() << "no CUDA device: " << cuda.why_none;
  const Phantom box =
      load_user_phantom("box:water:41x41x41:0.5mm", "", load_media_catalog(GPUDOSE_TEST_DATA_DIR));
  const PhotonLibrary library =
      ensure_photon_library(GPUDOSE_TEST_DATA_DIR, GPUDOSE_TEST_CACHE_DIR);
  const test::RadialShells radial = test::radial_shells(41);
  const std::size_t shells = radial.count;
  // Photons at 0.5 MeV; electrons at 2 MeV, whose 1 cm range spans 20 shells of 0.5 mm.
  for (const char* particle : {"photon", "electron"}) {
    JobRequest o;
    o.source = "centre";
    o.particle = particle;
    o.energy_mev = std::string(particle) == "photon" ? 0.5 : 2.0;
    o.histories = std::string(particle) == "photon" ? 400000 : 100000;
    o.batch_size = o.histories / 50;
    o.seed = 3;
    o.dose_image = true;
    o.voxel_groups = radial.of_voxel;
    o.num_voxel_groups = shells;
    o.backend = "cuda";
    const RunResult gpu = run_job(o, box, library);
    ASSERT_TRUE(gpu.dose);
    const VoxelStatistics& g = *gpu.dose->stats;
    // Self-consistency: per label, the image's exact sums are the organ tallies.
    for (const TargetResult& t : gpu.targets) {
      if (t.ids.size() != 1) continue;
      EnergySum128 s;
      for (std::size_t v = 0; v < g.num_voxels(); ++v) {
        if (box.organ_ids[v] == t.ids[0]) s.add(g.energy_sum(v));
      }
      EXPECT_EQ(s.mev() / static_cast<double>(o.histories), t.energy_mev) << particle << t.name;
    }
    // One batch per launch: the same image bit for bit.
    JobRequest one = o;
    one.launch = "256x32x" + std::to_string(o.batch_size);
    const RunResult gpu1 = run_job(one, box, library);
    std::size_t differ = 0;
    for (std::size_t v = 0; v < g.num_voxels(); ++v) {
      differ += gpu1.dose->stats->energy_sum(v) != g.energy_sum(v) ? 1 : 0;
    }
    EXPECT_EQ(differ, 0u) << particle << ": one batch per launch changed the image";
    // The CPU with the same seed: bitwise equality recorded, not required (libm differs).
    JobRequest cpu_same = o;
    cpu_same.backend = "cpu";
    const RunResult cpu = run_job(cpu_same, box, library);
    std::size_t touched = 0, equal = 0;
    for (std::size_t v = 0; v < g.num_voxels(); ++v) {
      const bool any = !(cpu.dose->stats->energy_sum(v) == EnergySum128{}) ||
                       !(g.energy_sum(v) == EnergySum128{});
      touched += any ? 1 : 0;
      equal += any && cpu.dose->stats->energy_sum(v) == g.energy_sum(v) ? 1 : 0;
    }
    std::printf(
        "[ info ] %s: %zu of %zu voxels with energy bit-identical CPU vs GPU (same seed); "
        "GPU %.3g histories/s\n",
        particle, equal, touched, gpu.histories_per_s);
    // Statistics: CPU with another seed against the GPU, shell by shell.
    cpu_same.seed = 4;
    const RunResult cpu4 = run_job(cpu_same, box, library);
    const VoxelStatistics& a = *gpu.dose->groups;
    const VoxelStatistics& b = *cpu4.dose->groups;
    const test::ShellComparison cmp = test::compare_shells(a, b, shells, 0.2);
    const double chi2 = cmp.chi2;
    const int dof = cmp.dof;
    std::printf("[ info ] %s: radial dose CPU vs GPU, chi2 %.1f for %d shells\n", particle, chi2,
                dof);
    ASSERT_GE(dof, 8) << particle;
    EXPECT_LT(chi2, dof + 6 * std::sqrt(2.0 * dof)) << particle;
  }
}

}  // namespace
}  // namespace gpudose
