// VoxelPhantomView on a small synthetic grid: index layout, position lookup, box edges.
#include "kernels/voxel_phantom.hh"

#include <gtest/gtest.h>

#include <type_traits>
#include <vector>

namespace gpudose {
namespace {

struct Tiny {
  // 3 x 2 x 2 voxels of 1 x 2 x 4 cm; label = voxel index % 3.
  std::vector<std::uint8_t> labels;
  std::vector<std::uint8_t> medium{5, 6, 7};
  std::vector<float> density{1.0f, 2.0f, 3.0f};
  std::vector<std::uint16_t> organ{0, 95, 141};
  VoxelPhantomView view;
  Tiny() {
    for (int i = 0; i < 12; ++i) labels.push_back(static_cast<std::uint8_t>(i % 3));
    view.nx = 3;
    view.ny = 2;
    view.nz = 2;
    view.dx = 1;
    view.dy = 2;
    view.dz = 4;
    view.labels = labels.data();
    view.label_medium = medium.data();
    view.label_density = density.data();
    view.label_organ = organ.data();
    view.num_labels = 3;
  }
};

TEST(VoxelPhantomView, IsPlainData) {
  EXPECT_TRUE(std::is_trivially_copyable<VoxelPhantomView>::value);
  EXPECT_TRUE(std::is_standard_layout<VoxelPhantomView>::value);
}

TEST(VoxelPhantomView, XFastestIndex) {
  Tiny t;
  EXPECT_EQ(t.view.num_voxels(), 12u);
  EXPECT_EQ(t.view.voxel_index(0, 0, 0), 0u);
  EXPECT_EQ(t.view.voxel_index(1, 0, 0), 1u);
  EXPECT_EQ(t.view.voxel_index(0, 1, 0), 3u);
  EXPECT_EQ(t.view.voxel_index(0, 0, 1), 6u);
  EXPECT_EQ(t.view.voxel_index(2, 1, 1), 11u);
}

TEST(VoxelPhantomView, PositionLookupAndBox) {
  Tiny t;
  const VoxelPhantomView& v = t.view;
  EXPECT_TRUE(v.inside(0, 0, 0));
  EXPECT_TRUE(v.inside(2.999, 3.999, 7.999));
  EXPECT_FALSE(v.inside(3.0, 1, 1));  // upper faces are outside: box is [0, n*d)
  EXPECT_FALSE(v.inside(1, 4.0, 1));
  EXPECT_FALSE(v.inside(1, 1, 8.0));
  EXPECT_FALSE(v.inside(-1e-12, 1, 1));
  EXPECT_EQ(v.voxel_at(0.5, 1.0, 2.0), 0u);
  EXPECT_EQ(v.voxel_at(1.5, 1.0, 2.0), 1u);
  EXPECT_EQ(v.voxel_at(0.5, 2.5, 2.0), 3u);
  EXPECT_EQ(v.voxel_at(2.5, 3.5, 7.5), 11u);
  EXPECT_EQ(v.label_at(2.5, 3.5, 7.5), 11 % 3);
  // Voxel boundaries belong to the upper voxel.
  EXPECT_EQ(v.voxel_at(1.0, 0.0, 0.0), 1u);
  EXPECT_EQ(v.voxel_at(0.0, 0.0, 4.0), 6u);
  EXPECT_EQ(v.organ_of_voxel(4), 95);
  EXPECT_EQ(v.medium_of_voxel(5), 7);
  EXPECT_FLOAT_EQ(v.density_of_voxel(5), 3.0f);
  int ix, iy, iz;
  v.voxel_of(2.9999999999999996, 3.9999999999999996, 7.999999999999999, ix, iy, iz);
  EXPECT_EQ(ix, 2);
  EXPECT_EQ(iy, 1);
  EXPECT_EQ(iz, 1);
}

}  // namespace
}  // namespace gpudose
