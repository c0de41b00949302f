// Voxel S-value kernels (host/run/voxel_kernel.hh): symmetry groups by counting; an electron
// whose range is far below the voxel gives S(0,0,0) = E / m_voxel; energy balance; symmetric
// voxels agree within statistics; a block smaller than the electron range is warned about.
#include "host/run/voxel_kernel.hh"

#include <gtest/gtest.h>

#include <cmath>
#include <set>

#include "kernels/constants.hh"
#include "physics-data/decay_data.hh"

namespace gpudose {
namespace {

KernelRequest request(double voxel_mm, int size) {
  KernelRequest q;
  q.voxel_cm[0] = q.voxel_cm[1] = q.voxel_cm[2] = voxel_mm / 10;
  q.size = size;
  q.data_dir = GPUDOSE_TEST_DATA_DIR;
  q.cache_dir = GPUDOSE_TEST_CACHE_DIR;
  q.decay_dir = decay_data_dir(q.data_dir);
  q.threads = 2;
  q.seed = 3;
  return q;
}

TEST(VoxelKernel, SymmetryGroupsCountTheOctantClasses) {
  for (int n : {3, 5, 11}) {
    const int c = n / 2;
    const double cube[3] = {0.3, 0.3, 0.3};
    const auto [g, count] = kernel_symmetry_groups(n, cube);
    EXPECT_EQ(g.size(), static_cast<std::size_t>(n * n * n));
    // Offsets (a >= b >= c) from 0..c: multisets of size 3.
    EXPECT_EQ(count, static_cast<std::size_t>((c + 1) * (c + 2) * (c + 3) / 6)) << n;
    const double slab[3] = {0.3, 0.3, 0.5};  // x and y interchangeable only
    EXPECT_EQ(kernel_symmetry_groups(n, slab).second,
              static_cast<std::size_t>((c + 1) * (c + 2) / 2 * (c + 1)))
        << n;
    const double none[3] = {0.1, 0.2, 0.3};  // reflections only
    EXPECT_EQ(kernel_symmetry_groups(n, none).second,
              static_cast<std::size_t>((c + 1) * (c + 1) * (c + 1)));
  }
}

TEST(VoxelKernel, ShortRangeElectronStaysInItsVoxel) {
  // 20 keV electrons (CSDA range 8.6 um in water) in 5 mm voxels: escape from the source voxel
  // ~ 1.5 R / L = 0.3 %, so S(0,0,0) = E / m_voxel within 1 %.
  KernelRequest q = request(5, 3);
  q.particle = "electron";
  q.energy_mev = 0.02;
  q.histories = 20000;
  const VoxelKernel k = make_voxel_kernel(q);
  const double m = 1.0 * 0.125 * 1e-3;  // water: 1 g/cm3 x 0.125 cm3
  EXPECT_NEAR(k.voxel_mass_kg, m, 1e-9 * m);
  const double expected = 0.02 * kMeVToJoule / m;
  ASSERT_EQ(k.octant.front().i + k.octant.front().j + k.octant.front().k, 0);
  EXPECT_NEAR(k.octant.front().s_gy_per_bq_s, expected, 0.01 * expected);
  EXPECT_LT(k.octant.front().s_gy_per_bq_s, expected);
  EXPECT_NEAR(k.absorbed_mev + k.escaped_mev, k.emitted_mev, 1e-6 * k.emitted_mev);
  EXPECT_TRUE(k.warnings.empty());
}

TEST(VoxelKernel, Y90EnergyBalanceSymmetryAndRangeWarning) {
  KernelRequest q = request(3, 9);
  q.nuclide = "Y-90";
  q.histories = 40000;
  const VoxelKernel k = make_voxel_kernel(q);
  EXPECT_EQ(k.per, "decay");
  // Absorbed + escaped is the energy of the sampled emissions: the expected emission within its
  // statistics (Y-90 beta spectrum: sd ~0.6 MeV on a 0.93 MeV mean; 5 sigma at 4e4 histories).
  EXPECT_NEAR(k.absorbed_mev + k.escaped_mev, k.emitted_mev, 0.016 * k.emitted_mev);
  EXPECT_GT(k.absorbed_mev, 0.9 * k.emitted_mev);  // a 2.7 cm block holds nearly all of it
  EXPECT_TRUE(k.warnings.empty()) << k.warnings.front();
  // The six face neighbours of the source voxel against their group's mean.
  const int n = k.n, c = n / 2;
  auto at = [&](int x, int y, int z) { return static_cast<std::size_t>(x + n * (y + n * z)); };
  const std::size_t faces[6] = {at(c + 1, c, c), at(c - 1, c, c), at(c, c + 1, c),
                                at(c, c - 1, c), at(c, c, c + 1), at(c, c, c - 1)};
  double mean = 0;
  for (std::size_t v : faces) mean += k.s[v] / 6;
  double chi2 = 0;
  for (std::size_t v : faces) {
    const double sigma = k.rel_unc[v] * k.s[v];
    chi2 += (k.s[v] - mean) * (k.s[v] - mean) / (sigma * sigma);
  }
  EXPECT_LT(chi2, 20.5) << "chi-square of 6 symmetric voxels (5 dof, 99.9 %: 20.5)";
  const KernelRow* face = nullptr;
  for (const KernelRow& r : k.octant) {
    if (r.i == 1 && r.j == 0 && r.k == 0) face = &r;
  }
  ASSERT_NE(face, nullptr);
  EXPECT_EQ(face->voxels, 6);
  EXPECT_NEAR(face->s_gy_per_bq_s, mean, 1e-6 * mean);  // the group mean is the voxels' mean
  EXPECT_LT(face->rel_unc, k.rel_unc[faces[0]]);        // and better known than each
  // A 3 x 3 x 3 block of 1 mm voxels: half-width 1.5 mm < 11 mm CSDA range of 2.28 MeV.
  KernelRequest small = request(1, 3);
  small.nuclide = "Y-90";
  small.histories = 2000;
  const VoxelKernel s = make_voxel_kernel(small);
  ASSERT_EQ(s.warnings.size(), 1u);
  EXPECT_NE(s.warnings[0].find("escaped"), std::string::npos);
}

}  // namespace
}  // namespace gpudose
