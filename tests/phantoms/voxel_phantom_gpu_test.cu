// The device view of a real phantom: voxel lookups of AF on a GPU equal the host's, position by
// position. Skipped (not failed) when no CUDA device is visible.
#include <gtest/gtest.h>

#include <vector>

#include "host/run/cuda_devices.hh"
#include "kernels/cuda_check.cuh"
#include "kernels/launch_cuda.cuh"
#include "kernels/voxel_phantom.hh"
#include "test_phantoms.hh"

namespace gpudose {
namespace {

// Deterministic positions spread over the box (and 1 % just outside it).
struct Position {
  GD_HOST_DEVICE static double unit(std::uint64_t i, std::uint64_t salt) {
    std::uint64_t z = i * 0x9e3779b97f4a7c15ull + salt;
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
    z ^= z >> 31;
    return (z >> 11) * (1.0 / 9007199254740992.0);
  }
  GD_HOST_DEVICE static void at(const VoxelPhantomView& v, std::uint64_t i, double& x, double& y,
                                double& z) {
    x = (unit(i, 1) * 1.01 - 0.005) * v.nx * v.dx;
    y = (unit(i, 2) * 1.01 - 0.005) * v.ny * v.dy;
    z = (unit(i, 3) * 1.01 - 0.005) * v.nz * v.dz;
  }
};

// Per position: voxel index (or -1 outside), its organ, medium and density.
struct Lookup {
  VoxelPhantomView v;
  long long* voxel;
  int* organ;
  int* medium;
  float* density;
  GD_HOST_DEVICE void operator()(std::uint64_t i) const {
    double x, y, z;
    Position::at(v, i, x, y, z);
    if (!v.inside(x, y, z)) {
      voxel[i] = -1;
      organ[i] = medium[i] = -1;
      density[i] = -1;
      return;
    }
    const std::uint32_t k = v.voxel_at(x, y, z);
    voxel[i] = k;
    organ[i] = v.organ_of_voxel(k);
    medium[i] = v.label_medium[v.label_at(x, y, z)];
    density[i] = v.density_of_voxel(k);
  }
};

template <typename T>
T* to_device(const std::vector<T>& h) {
  T* d = nullptr;
  cuda_check(cudaMalloc(&d, h.size() * sizeof(T)), "cudaMalloc");
  cuda_check(cudaMemcpy(d, h.data(), h.size() * sizeof(T), cudaMemcpyHostToDevice), "cudaMemcpy");
  return d;
}

TEST(VoxelPhantomGpu, AfLookupsEqualHost) {
  const CudaAvailability cuda = query_cuda_devices();
  if (cuda.devices.empty()) GTEST_SKIP() << "no CUDA device: " << cuda.why_none;
  const Phantom& p = testing::af();
  const std::uint64_t n = 1 << 20;

  VoxelPhantomView dv = p.view();
  dv.labels = to_device(p.labels);
  dv.label_medium = to_device(p.label_medium);
  dv.label_density = to_device(p.label_density);
  dv.label_organ = to_device(p.label_organ_id);
  Lookup d{dv};
  d.voxel = to_device(std::vector<long long>(n));
  d.organ = to_device(std::vector<int>(n));
  d.medium = to_device(std::vector<int>(n));
  d.density = to_device(std::vector<float>(n));
  launch_cuda("voxel_lookup", n, d);
  cuda_check(cudaDeviceSynchronize(), "voxel_lookup");

  std::vector<long long> voxel(n), hv(n);
  std::vector<int> organ(n), medium(n), ho(n), hm(n);
  std::vector<float> density(n), hd(n);
  cuda_check(cudaMemcpy(voxel.data(), d.voxel, n * sizeof(long long), cudaMemcpyDeviceToHost),
             "copy");
  cuda_check(cudaMemcpy(organ.data(), d.organ, n * sizeof(int), cudaMemcpyDeviceToHost), "copy");
  cuda_check(cudaMemcpy(medium.data(), d.medium, n * sizeof(int), cudaMemcpyDeviceToHost), "copy");
  cuda_check(cudaMemcpy(density.data(), d.density, n * sizeof(float), cudaMemcpyDeviceToHost),
             "copy");
  for (const void* ptr :
       {static_cast<const void*>(dv.labels), static_cast<const void*>(dv.label_medium),
        static_cast<const void*>(dv.label_density), static_cast<const void*>(dv.label_organ),
        static_cast<const void*>(d.voxel), static_cast<const void*>(d.organ),
        static_cast<const void*>(d.medium), static_cast<const void*>(d.density)}) {
    cudaFree(const_cast<void*>(ptr));
  }

  const Lookup h{p.view(), hv.data(), ho.data(), hm.data(), hd.data()};
  std::uint64_t outside = 0;
  for (std::uint64_t i = 0; i < n; ++i) {
    h(i);
    outside += hv[i] < 0;
  }
  EXPECT_EQ(voxel, hv);
  EXPECT_EQ(organ, ho);
  EXPECT_EQ(medium, hm);
  EXPECT_EQ(density, hd);
  EXPECT_GT(outside, 0u);  // the 1 % margin outside the box is exercised
  EXPECT_LT(outside, n / 10);
}

}  // namespace
}  // namespace gpudose
