// boundary_distance_map() against a brute-force evaluation of its definition (minimum distance
// from a voxel's box to any face between voxels of different labels or on the phantom box), on
// small random phantoms with anisotropic voxels, for any number of threads.
#include "phantoms/boundary_distance.hh"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

namespace gpudose {
namespace {

struct Small {
  int nx, ny, nz;
  double dx, dy, dz;
  std::vector<std::uint8_t> labels;
  VoxelPhantomView view() const {
    VoxelPhantomView v;
    v.nx = nx, v.ny = ny, v.nz = nz;
    v.dx = dx, v.dy = dy, v.dz = dz;
    v.labels = labels.data();
    return v;
  }
};

// Blobs: a few random boxes of random labels painted over a background, so that regions have
// interiors (a voxel-wise random field would have distance 0 almost everywhere).
Small blobs(std::uint32_t seed, int nx, int ny, int nz, double dx, double dy, double dz) {
  Small s{nx, ny, nz, dx, dy, dz, std::vector<std::uint8_t>(std::size_t(nx) * ny * nz, 0)};
  std::mt19937 g(seed);
  for (int b = 0; b < 6; ++b) {
    const int x0 = g() % nx, y0 = g() % ny, z0 = g() % nz;
    const int x1 = std::min(nx, x0 + 1 + int(g() % nx)), y1 = std::min(ny, y0 + 1 + int(g() % ny)),
              z1 = std::min(nz, z0 + 1 + int(g() % nz));
    const std::uint8_t l = static_cast<std::uint8_t>(g() % 4);
    for (int z = z0; z < z1; ++z)
      for (int y = y0; y < y1; ++y)
        for (int x = x0; x < x1; ++x) s.labels[x + nx * (y + ny * z)] = l;
  }
  return s;
}

// Distance between the intervals [a, a + h) and [b, b + h') along one axis (0 if they overlap or
// touch); a face is an interval of zero width.
double gap(double a0, double a1, double b0, double b1) { return std::max({0.0, b0 - a1, a0 - b1}); }

std::vector<double> brute_force(const Small& s) {
  const int n[3] = {s.nx, s.ny, s.nz};
  const double h[3] = {s.dx, s.dy, s.dz};
  auto label = [&](int x, int y, int z) { return s.labels[x + s.nx * (y + s.ny * z)]; };
  // Faces as (axis, plane index k in 0..n, cell of the two other axes).
  struct Face {
    int axis, k, c[3];
  };
  std::vector<Face> faces;
  for (int a = 0; a < 3; ++a) {
    for (int z = 0; z < s.nz; ++z)
      for (int y = 0; y < s.ny; ++y)
        for (int x = 0; x < s.nx; ++x) {
          int c[3] = {x, y, z};
          const int i = c[a];
          if (i == 0) faces.push_back({a, 0, {x, y, z}});
          if (i == n[a] - 1) {
            faces.push_back({a, n[a], {x, y, z}});
          } else {
            int d[3] = {x, y, z};
            ++d[a];
            if (label(d[0], d[1], d[2]) != label(x, y, z)) faces.push_back({a, i + 1, {x, y, z}});
          }
        }
  }
  std::vector<double> out(s.labels.size());
  for (int z = 0; z < s.nz; ++z)
    for (int y = 0; y < s.ny; ++y)
      for (int x = 0; x < s.nx; ++x) {
        const int p[3] = {x, y, z};
        double best = 1e300;
        for (const Face& f : faces) {
          double d2 = 0;
          for (int b = 0; b < 3; ++b) {
            const double lo = p[b] * h[b], hi = (p[b] + 1) * h[b];
            const double g = b == f.axis ? gap(lo, hi, f.k * h[b], f.k * h[b])
                                         : gap(lo, hi, f.c[b] * h[b], (f.c[b] + 1) * h[b]);
            d2 += g * g;
          }
          best = std::min(best, std::sqrt(d2));
        }
        out[x + s.nx * (y + s.ny * z)] = best;
      }
  return out;
}

TEST(BoundaryDistance, MatchesBruteForceOnRandomPhantoms) {
  const double unit = 0.01;
  int checked = 0, interior = 0;
  for (std::uint32_t seed = 1; seed <= 4; ++seed) {
    const Small s = blobs(seed, 17, 13, 9, 0.1775, 0.1775, 0.484);
    const std::vector<double> ref = brute_force(s);
    for (int threads : {1, 3}) {
      const std::vector<std::uint8_t> code = boundary_distance_map(s.view(), unit, threads);
      ASSERT_EQ(code.size(), ref.size());
      for (std::size_t v = 0; v < ref.size(); ++v) {
        const double want = std::min(255.0, std::floor(ref[v] / unit));
        // A distance within 1e-3 (relative) of a whole unit may land on either side (the map keeps
        // a 1e-4 relative margin below the exact value).
        const bool edge = std::fabs(ref[v] / unit - std::round(ref[v] / unit)) <
                          1e-3 * std::max(1.0, ref[v] / unit);
        if (edge) {
          EXPECT_LE(code[v], want) << "voxel " << v;
          EXPECT_GE(code[v] + 1, want) << "voxel " << v;
        } else {
          EXPECT_EQ(code[v], want) << "voxel " << v << " seed " << seed;
        }
        ++checked;
        interior += code[v] > 0;
      }
    }
  }
  // The blobs leave interiors: a map of zeros would not test the transform.
  EXPECT_GT(interior, checked / 10);
}

TEST(BoundaryDistance, UniformPhantomMeasuresToTheBox) {
  Small s{9, 5, 3, 0.1, 0.2, 0.3, std::vector<std::uint8_t>(9 * 5 * 3, 7)};
  const std::vector<std::uint8_t> code = boundary_distance_map(s.view(), 0.01, 1);
  // Voxel (4, 2, 1): 0.4 cm to the x faces, 0.4 cm to the y faces, 0.3 cm to the z faces.
  EXPECT_EQ(code[4 + 9 * (2 + 5 * 1)], 29);  // floor(0.3 / 0.01 * (1 - 1e-4))
  EXPECT_EQ(code[0], 0);
}

}  // namespace
}  // namespace gpudose
