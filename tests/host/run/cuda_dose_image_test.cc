// Dose images on the CUDA back end, proven without a GPU: the CUDA runner's batch loop for
// dose-image jobs (host/run/device_dose_batches.hh) and its tally and launch functor
// (kernels/voxel_dose_tally.hh) run here with a host stand-in for the device (memory poisoned
// when allocated, as cudaMalloc's may hold anything; launch_cpu with two OpenMP threads and
// host atomics), and must give, batch by batch, exactly the label bins and voxel deposits of
// the CPU runner, and the same VoxelStatistics (sums and relative uncertainties) as
// `run_job --backend cpu --dose-image`, bit for bit: photons and electrons at 0.5 MeV in a small
// water box. What a GPU changes is only libm (the GUIDE: CPU and GPU agree statistically);
// tests/gpu/dose_image_parity_test.cc checks that part on a device.
#include <gtest/gtest.h>

#include <cmath>
#include <cstdio>
#include <cstring>
#include <memory>
#include <string>
#include <vector>

#include "host/run/cpu_runner.hh"
#include "host/run/device_dose_batches.hh"
#include "host/run/dose_image.hh"
#include "host/run/job_runner.hh"
#include "host/run/user_phantom_loader.hh"
#include "kernels/launch.hh"
#include "physics-data/media_catalog.hh"
#include "tests/transport/test_data.hh"

namespace gpudose {
namespace {

using test::electrons;
using test::photons;

// DeviceDoseBatches' policy with host memory: what cudaMalloc, cudaMemset, the kernel launch
// and cudaMemcpy do on a GPU.
struct HostStandInDevice {
  std::vector<std::unique_ptr<unsigned char[]>> blocks;
  void* allocate(std::size_t bytes) {
    blocks.emplace_back(new unsigned char[bytes]);
    std::memset(blocks.back().get(), 0xA5, bytes);  // not zero: the loop must zero what it uses
    return blocks.back().get();
  }
  void zero(void* device, std::size_t bytes) { std::memset(device, 0, bytes); }
  void to_host(void* host, const void* device, std::size_t bytes) {
    std::memcpy(host, device, bytes);
  }
  template <class F>
  void launch(std::uint64_t n, const F& f) {
    launch_cpu(n, f, 2);
  }
};

// The CUDA runner's dose-image path (CudaPhotonRunner::run delegates to DeviceDoseBatches) over
// host memory.
class StandInDoseRunner : public BatchRunner {
 public:
  StandInDoseRunner(const PhotonJob& job, std::uint64_t batches_per_launch)
      : batches_(device_, job.history(), job.phantom().view(),
                 static_cast<std::size_t>(job.num_bins()), batches_per_launch) {}
  std::string name() const override { return "device stand-in"; }
  std::uint64_t preferred_batches() const override { return batches_.batches_per_launch(); }
  void run(const BatchPlan& plan, std::uint64_t first, std::uint64_t count,
           std::vector<BatchResult>& out) override {
    batches_.run(plan, first, count, out);
  }

 private:
  HostStandInDevice device_;
  DeviceDoseBatches<HostStandInDevice> batches_;
};

const Phantom& box() {
  // 31^3 voxels of 1 mm water; two labels (the centre voxel is its own region), so deposits on
  // the faces of the centre voxel exercise the neighbour rule of voxel_of_label.
  static const Phantom p =
      load_user_phantom("box:water:31x31x31:1mm", "", load_media_catalog(GPUDOSE_TEST_DATA_DIR));
  return p;
}

JobRequest request(const std::string& particle, std::uint64_t n) {
  JobRequest o;
  o.source = "box";
  o.particle = particle;
  o.energy_mev = 0.5;
  o.histories = n;
  o.batch_size = n / 10;
  o.seed = 11;
  o.threads = 2;
  o.backend = "cpu";
  o.dose_image = true;
  return o;
}

bool same_bits(double a, double b) { return std::memcmp(&a, &b, sizeof a) == 0; }

// The device path's batches `b` against the CPU runner's `a`: index, histories, organ bins and
// every voxel deposit; `deposits` counts the voxel entries compared.
void expect_same_batches(const std::vector<BatchResult>& a, const std::vector<BatchResult>& b,
                         const char* particle, std::size_t& deposits) {
  ASSERT_EQ(b.size(), a.size()) << particle;
  for (std::size_t k = 0; k < a.size(); ++k) {
    EXPECT_EQ(b[k].index, a[k].index);
    EXPECT_EQ(b[k].histories, a[k].histories);
    EXPECT_EQ(b[k].bins, a[k].bins) << particle << " batch " << k;
    ASSERT_EQ(b[k].voxels.size(), a[k].voxels.size()) << particle << " batch " << k;
    for (std::size_t i = 0; i < a[k].voxels.size(); ++i) {
      ASSERT_EQ(b[k].voxels[i].voxel, a[k].voxels[i].voxel) << particle << " batch " << k;
      ASSERT_EQ(b[k].voxels[i].units, a[k].voxels[i].units)
          << particle << " batch " << k << " voxel " << a[k].voxels[i].voxel;
    }
    deposits += a[k].voxels.size();
  }
}

TEST(CudaDoseImage, BatchFormulas) {
  // AF: 14.3 M voxels, 108.8 MiB per batch array: 9 batches in the 1 GiB budget.
  const std::size_t af = 299ull * 137 * 348;
  EXPECT_EQ(device_dose_batches_per_launch(1ull << 24, 10000, af), 9u);
  EXPECT_EQ(device_dose_batches_per_launch(1ull << 24, 1ull << 24, af), 1u);
  EXPECT_EQ(device_dose_batches_per_launch(10, 10000, af), 1u);  // at least one
  EXPECT_EQ(device_dose_batches_per_launch(1ull << 24, 1000000, 1000), 16u);
  EXPECT_EQ(device_dose_bytes(1000, 10, 100, 3), 1000u + 3 * 110 * 8);
  // The memory check: silent when it fits, else one line with the figures.
  const std::size_t need = device_dose_bytes(55u << 20, 150, af, 9);
  EXPECT_NO_THROW(check_device_dose_memory("cuda 0 (X)", 55u << 20, 150, af, 9, need, need));
  try {
    check_device_dose_memory("cuda 0 (X)", 55u << 20, 150, af, 9, need - 1, 2 * need);
    ADD_FAILURE() << "no error";
  } catch (const UserError& e) {
    const std::string m = e.what();
    EXPECT_EQ(m.find('\n'), std::string::npos) << m;
    EXPECT_NE(m.find("a dose image does not fit on cuda 0 (X) (it needs 1033.83 MiB (14255124 "
                     "voxels x 8 bytes x 9 batches per launch + 55 MiB of job data)"),
              std::string::npos)
        << m;
    EXPECT_NE(m.find("--backend cpu"), std::string::npos) << m;
  }
}

// A deposit on the face between two labels lands in the voxel of its own label, on the device
// tally as in the CPU's (transport rarely puts a point exactly on a face: AF runs of thousands
// of histories never did, so the rule is checked here directly). Two voxels along x, labels 0
// and 1, points on the shared face, inside each voxel and on the outer faces.
TEST(CudaDoseImage, FaceDepositsLandInTheirLabelsVoxelOnBothTallies) {
  const std::uint8_t labels[2] = {0, 1};
  VoxelPhantomView grid;
  grid.nx = 2;
  grid.ny = grid.nz = 1;
  grid.dx = grid.dy = grid.dz = 0.1;
  grid.labels = labels;
  grid.num_labels = 2;
  std::uint64_t device_bins[2] = {0, 0}, device_voxels[2] = {0, 0}, cpu_bins[2] = {0, 0};
  std::vector<VoxelDeposit> cpu;
  const VoxelTally cpu_tally{cpu_bins, grid, &cpu};
  const AtomicVoxelTally device_tally{device_bins, device_voxels, grid};
  std::uint64_t expected[2] = {0, 0};
  std::uint64_t u = 1;
  for (double x : {0.0, 0.05, 0.1, 0.15, 0.2 - 1e-17}) {
    for (int label : {0, 1}) {
      device_tally.deposit_at(label, u, x, 0.05, 0.05);
      cpu_tally.deposit_at(label, u, x, 0.05, 0.05);
      expected[label] += u;  // voxel `label` is the only voxel of label `label`
      u *= 3;
    }
  }
  device_tally.flush();
  reduce_voxel_deposits(cpu);
  EXPECT_EQ(device_voxels[0], expected[0]);
  EXPECT_EQ(device_voxels[1], expected[1]);
  ASSERT_EQ(cpu.size(), 2u);
  EXPECT_EQ(cpu[0].units, expected[0]);
  EXPECT_EQ(cpu[1].units, expected[1]);
  EXPECT_EQ(device_bins[0], cpu_bins[0]);
  EXPECT_EQ(device_bins[1], cpu_bins[1]);
}

// Batch by batch: the stand-in device path gives the CPU runner's bins and voxel deposits; then
// through the scheduler (several launches of 3 batches, the last one short), the same
// VoxelStatistics and organ tallies as run_job on the CPU back end.
TEST(CudaDoseImage, DevicePathEqualsCpuRunnerBitForBit) {
  for (const char* particle : {"photon", "electron"}) {
    const std::uint64_t n = std::string(particle) == "photon" ? 20000 : 4000;
    const JobRequest o = request(particle, n);
    const RunResult cpu = run_job(o, box(), photons(), &electrons());
    ASSERT_TRUE(cpu.dose);
    const VoxelStatistics& want = *cpu.dose->stats;

    const PhotonJob job(box(), photons(), photon_job_config(o), &electrons());
    const BatchPlan plan{o.batch_size, n, static_cast<std::size_t>(job.num_bins())};
    // 1. Per batch: batches 0-6 in launches of 3, 3 and 1 against the CPU runner's.
    CpuRunner<PhotonHistoryFunctor> cpu_runner("cpu", job.history(), job.phantom().view());
    StandInDoseRunner stand_in(job, 3);
    std::vector<BatchResult> a, b;
    cpu_runner.run(plan, 0, 7, a);
    stand_in.run(plan, 0, 7, b);
    ASSERT_EQ(a.size(), 7u);
    ASSERT_EQ(b.size(), 7u);
    std::size_t deposits = 0;
    ASSERT_NO_FATAL_FAILURE(expect_same_batches(a, b, particle, deposits));
    EXPECT_GT(deposits, 1000u) << particle;

    // 2. The whole run through the scheduler, against run_job's dose image.
    std::vector<std::vector<int>> targets;
    for (int l = 0; l < box().view().num_labels; ++l) targets.push_back({l});
    TargetStatistics stats(targets, plan.num_bins);
    VoxelStatistics got(box().num_voxels());
    stats.attach_voxels(&got);
    StandInDoseRunner runner(job, 3);
    const ScheduleReport report = run_schedule({&runner}, plan, StopRule{}, stats);
    ASSERT_EQ(report.histories, n);
    ASSERT_EQ(got.batches(), want.batches());
    std::size_t known = 0;
    for (std::size_t v = 0; v < want.num_voxels(); ++v) {
      ASSERT_EQ(got.energy_sum(v), want.energy_sum(v)) << particle << " voxel " << v;
      ASSERT_TRUE(same_bits(got.rel_unc(v), want.rel_unc(v))) << particle << " voxel " << v;
      ASSERT_TRUE(same_bits(got.mean_mev(v), want.mean_mev(v))) << particle << " voxel " << v;
      known += std::isfinite(want.rel_unc(v)) ? 1 : 0;
    }
    EXPECT_GT(known, 100u) << particle;
    // And the organ tallies of the same batches.
    for (std::size_t t = 0; t < targets.size(); ++t) {
      double mev = 0;
      for (const TargetResult& r : cpu.targets) {
        if (r.ids.size() == 1 && r.ids[0] == box().view().label_organ[t]) mev = r.energy_mev;
      }
      EXPECT_EQ(stats.mean_mev(t), mev) << particle << " label " << t;
    }
    // The dose image as written: the same floats.
    const DoseImage img = make_dose_image(box(), std::make_shared<VoxelStatistics>(got), 1.0,
                                          LocalEnergy{}, cpu.dose->unit);
    EXPECT_EQ(img.dose_gy, cpu.dose->dose_gy) << particle;
    EXPECT_EQ(img.rel_unc, cpu.dose->rel_unc) << particle;
    std::printf("[ info ] %s: %zu voxel deposits in 7 batches, %zu voxels known, identical\n",
                particle, deposits, known);
  }
}

// In AF, where label boundaries are everywhere: deposits made on a face between two labels
// must land in the voxel of their own label on the device too (voxel_of_label), batch by
// batch. Photons with electrons transported and electrons, kidneys source.
TEST(CudaDoseImage, DevicePathEqualsCpuRunnerInAfBatchByBatch) {
  const Phantom& af = test::female();
  for (const char* particle : {"photon", "electron"}) {
    JobRequest o = request(particle, 2000);
    o.source = "kidneys";
    const PhotonJob job(af, photons(), photon_job_config(o), &electrons());
    const BatchPlan plan{o.batch_size, o.histories, static_cast<std::size_t>(job.num_bins())};
    CpuRunner<PhotonHistoryFunctor> cpu_runner("cpu", job.history(), af.view());
    StandInDoseRunner stand_in(job, 2);
    std::vector<BatchResult> a, b;
    cpu_runner.run(plan, 0, 3, a);
    stand_in.run(plan, 0, 3, b);
    ASSERT_EQ(b.size(), a.size());
    std::size_t deposits = 0;
    ASSERT_NO_FATAL_FAILURE(expect_same_batches(a, b, particle, deposits));
    EXPECT_GT(deposits, 1000u) << particle;
    std::printf(
        "[ info ] AF %s: %zu voxel deposits in 3 batches, identical (%d x %d x %d voxels)\n",
        particle, deposits, af.nx, af.ny, af.nz);
  }
}

}  // namespace
}  // namespace gpudose
