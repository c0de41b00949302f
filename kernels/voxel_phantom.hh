// VoxelPhantomView: the read-only view of a voxel phantom that transport code uses on the host
// and on the device. Plain data (pointers + sizes): copy it by value into a kernel.
//
// Coordinate frame (cm), the one every transport routine uses:
//   - the phantom box spans [0, nx*dx) x [0, ny*dy) x [0, nz*dz);
//   - voxel (ix, iy, iz) covers [ix*dx, (ix+1)*dx) x [iy*dy, (iy+1)*dy) x [iz*dz, (iz+1)*dz);
//   - +x = ICRP 110 column index (body right -> left), +y = row (front -> back),
//     +z = slice (toes -> vertex). This is ITK's LPS orientation, so an exported image with
//     origin (dx/2, dy/2, dz/2) * 10 mm and identity direction has physical point (mm) =
//     10 x this frame (cm).
//   - voxel index = ix + nx * (iy + ny * iz) (x fastest), as in the ICRP 110 files.
//
// Per voxel only a 1-byte label is stored; small per-label tables give the ICRP 110 organ ID,
// the medium (0-based index into the phantom's media list, i.e. ICRP medium number - 1) and the
// density (g/cm3). The AF grid is 14.3 M voxels = 14.3 MB, small enough for an H100's L2.
// The host side (phantoms/phantom.hh, Phantom::view()) fills it from its vectors; a device
// back end copies those arrays to device memory and points a copy of the view at them.
#pragma once

#include <cstdint>

#include "kernels/portability.hh"

namespace gpudose {

struct VoxelPhantomView {
  int nx = 0, ny = 0, nz = 0;
  double dx = 0, dy = 0, dz = 0;               // voxel size, cm
  const std::uint8_t* labels = nullptr;        // nx*ny*nz compact labels, x fastest
  const std::uint8_t* label_medium = nullptr;  // label -> 0-based medium index
  const float* label_density = nullptr;        // label -> density, g/cm3
  const std::uint16_t* label_organ = nullptr;  // label -> ICRP 110 organ ID (0 = outside body)
  int num_labels = 0;

  GD_HOST_DEVICE std::uint32_t num_voxels() const {
    return static_cast<std::uint32_t>(nx) * static_cast<std::uint32_t>(ny) *
           static_cast<std::uint32_t>(nz);
  }

  // Linear index of voxel (ix, iy, iz); the caller guarantees it lies in the grid.
  GD_HOST_DEVICE std::uint32_t voxel_index(int ix, int iy, int iz) const {
    GD_EXPECT(ix >= 0 && ix < nx && iy >= 0 && iy < ny && iz >= 0 && iz < nz);
    return static_cast<std::uint32_t>(ix) +
           static_cast<std::uint32_t>(nx) *
               (static_cast<std::uint32_t>(iy) +
                static_cast<std::uint32_t>(ny) * static_cast<std::uint32_t>(iz));
  }

  // The inverse of voxel_index().
  GD_HOST_DEVICE void voxel_coords(std::uint32_t v, int& ix, int& iy, int& iz) const {
    const std::uint32_t nxy = static_cast<std::uint32_t>(nx) * static_cast<std::uint32_t>(ny);
    iz = static_cast<int>(v / nxy);
    iy = static_cast<int>((v % nxy) / static_cast<std::uint32_t>(nx));
    ix = static_cast<int>(v % static_cast<std::uint32_t>(nx));
  }

  // Whether a position (cm) lies inside the box [0, n*d) on all three axes.
  GD_HOST_DEVICE bool inside(double x, double y, double z) const {
    return x >= 0 && y >= 0 && z >= 0 && x < nx * dx && y < ny * dy && z < nz * dz;
  }

  // Voxel indices along each axis of a position (cm) inside the box. Rounding at the upper face
  // (x / dx == nx within one ulp) is clamped so that inside() positions never index past the end.
  GD_HOST_DEVICE void voxel_of(double x, double y, double z, int& ix, int& iy, int& iz) const {
    ix = clamp_axis(static_cast<int>(x / dx), nx);
    iy = clamp_axis(static_cast<int>(y / dy), ny);
    iz = clamp_axis(static_cast<int>(z / dz), nz);
  }

  // Linear voxel index of a position (cm); precondition: inside(x, y, z).
  GD_HOST_DEVICE std::uint32_t voxel_at(double x, double y, double z) const {
    GD_EXPECT(inside(x, y, z));
    int ix, iy, iz;
    voxel_of(x, y, z, ix, iy, iz);
    return voxel_index(ix, iy, iz);
  }

  // Label of the voxel holding a position (cm); precondition: inside(x, y, z).
  GD_HOST_DEVICE std::uint8_t label_at(double x, double y, double z) const {
    return labels[voxel_at(x, y, z)];
  }

  GD_HOST_DEVICE int medium_of_voxel(std::uint32_t voxel) const {
    return label_medium[labels[voxel]];
  }
  GD_HOST_DEVICE float density_of_voxel(std::uint32_t voxel) const {
    return label_density[labels[voxel]];
  }
  GD_HOST_DEVICE int organ_of_voxel(std::uint32_t voxel) const {
    return label_organ[labels[voxel]];
  }

 private:
  GD_HOST_DEVICE static int clamp_axis(int i, int n) { return i < 0 ? 0 : (i >= n ? n - 1 : i); }
};

}  // namespace gpudose
