#include "phantoms/boundary_distance.hh"

#include <algorithm>
#include <cmath>
#include <limits>
#include <thread>

namespace gpudose {
namespace {

constexpr float kInf = std::numeric_limits<float>::infinity();

// Squared 1-D distance transform of f (n samples, spacing h) in place:
// f(p) <- min_q (h (p - q))^2 + f(q) (Felzenszwalb & Huttenlocher, lower envelope of parabolas;
// infinite samples take no part). In float, in sample units (f / h^2), with the intersection
// written as (g_q - g_r) / (2 (q - r)) + (q + r) / 2 so that no q^2 terms cancel: the relative
// error stays ~1e-6, within the margin the caller keeps. v, z, out: scratch of n, n + 1, n.
void transform_line(float* f, int n, double h, int* v, float* z, float* out) {
  const float inv_h2 = static_cast<float>(1.0 / (h * h));
  float* g = out;  // f / h^2 of the envelope's parabolas (out is free until the end)
  int k = -1;
  for (int q = 0; q < n; ++q) {
    if (f[q] == kInf) continue;
    const float gq = f[q] * inv_h2;
    float s = -kInf;
    while (k >= 0) {
      // Abscissa where the parabolas of q and v[k] intersect.
      s = (gq - g[k]) / (2.0f * float(q - v[k])) + 0.5f * float(q + v[k]);
      if (s > z[k]) break;
      --k;
    }
    ++k;
    v[k] = q;
    g[k] = gq;
    z[k] = k == 0 ? -kInf : s;
    z[k + 1] = kInf;
  }
  if (k < 0) return;  // no finite sample: all stay infinite
  int j = 0;
  const float h2 = static_cast<float>(h * h);
  for (int p = 0; p < n; ++p) {
    while (z[j + 1] < float(p)) ++j;
    const float d = float(p - v[j]);
    f[p] = (d * d + g[j]) * h2;
  }
}

// f(p) <- (h * distance in samples to the nearest zero of f)^2 for f of zeros and infinities.
void nearest_zero_line(float* f, int n, double h) {
  int last = -1;
  for (int p = 0; p < n; ++p) {  // forward: distance to the nearest zero at or before p
    if (f[p] == 0.0f) last = p;
    f[p] = last < 0 ? kInf : float(p - last);
  }
  last = -1;
  const float h2 = static_cast<float>(h * h);
  for (int p = n - 1; p >= 0; --p) {  // backward, then square
    if (f[p] == 0.0f) last = p;
    float d = f[p];
    if (last >= 0 && float(last - p) < d) d = float(last - p);
    f[p] = d == kInf ? kInf : d * d * h2;
  }
}

// Min over the sample and its two neighbours along the line.
void dilate_line(float* f, int n, float* out) {
  for (int p = 0; p < n; ++p) {
    float m = f[p];
    if (p > 0) m = std::min(m, f[p - 1]);
    if (p + 1 < n) m = std::min(m, f[p + 1]);
    out[p] = m;
  }
  std::copy(out, out + n, f);
}

struct Grid {
  int n[3];
  double h[3];
  std::size_t stride[3];
};

// Runs `op(line)` on every line of the grid along `axis`, spread over `threads` workers. Lines
// along y and z are gathered in blocks of kBlock neighbours in x (contiguous rows of the grid),
// so that the strided axes are read a cache line at a time.
template <class Op>
void for_each_line(std::vector<float>& g, const Grid& grid, int axis, int threads, Op op) {
  constexpr int kBlock = 32;
  const int n = grid.n[axis];
  // Work items: (x block, index along the remaining axis), or whole x lines for axis 0.
  const int other = axis == 1 ? 2 : 1;
  const int x_blocks = axis == 0 ? 1 : (grid.n[0] + kBlock - 1) / kBlock;
  const long items = axis == 0 ? static_cast<long>(grid.n[1]) * grid.n[2]
                               : static_cast<long>(x_blocks) * grid.n[other];
  auto work = [&](long begin, long end) {
    std::vector<float> line(n), out(n), block(static_cast<std::size_t>(n) * kBlock);
    std::vector<int> v(n);
    std::vector<float> z(n + 1);
    for (long item = begin; item < end; ++item) {
      if (axis == 0) {
        float* f = g.data() + item * grid.n[0];
        op(f, n, v.data(), z.data(), out.data());
        continue;
      }
      const int x0 = static_cast<int>(item % x_blocks) * kBlock;
      const int width = std::min(kBlock, grid.n[0] - x0);
      const std::size_t base = x0 + (item / x_blocks) * grid.stride[other];
      for (int i = 0; i < n; ++i) {
        std::copy_n(g.data() + base + i * grid.stride[axis], width, block.data() + i * kBlock);
      }
      for (int b = 0; b < width; ++b) {
        for (int i = 0; i < n; ++i) line[i] = block[i * kBlock + b];
        op(line.data(), n, v.data(), z.data(), out.data());
        for (int i = 0; i < n; ++i) block[i * kBlock + b] = line[i];
      }
      for (int i = 0; i < n; ++i) {
        std::copy_n(block.data() + i * kBlock, width, g.data() + base + i * grid.stride[axis]);
      }
    }
  };
  std::vector<std::thread> pool;
  const long chunk = (items + threads - 1) / threads;
  for (int t = 1; t < threads; ++t) {
    const long begin = t * chunk, end = std::min(items, begin + chunk);
    if (begin < end) pool.emplace_back(work, begin, end);
  }
  work(0, std::min(items, chunk));
  for (std::thread& t : pool) t.join();
}

}  // namespace

std::vector<std::uint8_t> boundary_distance_map(const VoxelPhantomView& p, double unit_cm,
                                                int threads) {
  if (threads <= 0) threads = static_cast<int>(std::max(1u, std::thread::hardware_concurrency()));
  const Grid grid{{p.nx, p.ny, p.nz},
                  {p.dx, p.dy, p.dz},
                  {1, static_cast<std::size_t>(p.nx), static_cast<std::size_t>(p.nx) * p.ny}};
  const std::size_t nv = p.num_voxels();
  std::vector<float> best(nv, kInf), g(nv);
  for (int a = 0; a < 3; ++a) {
    // Face voxels of orientation a: a label change to either neighbour along a, or the box.
    const std::size_t s = grid.stride[a];
    std::size_t v = 0;
    for (int iz = 0; iz < p.nz; ++iz) {
      for (int iy = 0; iy < p.ny; ++iy) {
        for (int ix = 0; ix < p.nx; ++ix, ++v) {
          const int i = a == 0 ? ix : (a == 1 ? iy : iz);
          const std::uint8_t l = p.labels[v];
          const bool face =
              i == 0 || i == grid.n[a] - 1 || p.labels[v - s] != l || p.labels[v + s] != l;
          g[v] = face ? 0.0f : kInf;
        }
      }
    }
    const double h_a = grid.h[a];
    // Along a the input is 0 or infinite: the distance to the nearest face voxel, two sweeps.
    for_each_line(g, grid, a, threads,
                  [h_a](float* f, int n, int*, float*, float*) { nearest_zero_line(f, n, h_a); });
    for (int b : {(a + 1) % 3, (a + 2) % 3}) {
      const double h_b = grid.h[b];
      for_each_line(g, grid, b, threads, [h_b](float* f, int n, int* v, float* z, float* out) {
        dilate_line(f, n, out);
        transform_line(f, n, h_b, v, z, out);
      });
    }
    for (std::size_t v = 0; v < nv; ++v) best[v] = std::min(best[v], g[v]);
  }
  std::vector<std::uint8_t> code(nv);
  for (std::size_t v = 0; v < nv; ++v) {
    // The 1e-4 relative margin covers float rounding of the squared distance, so that floor()
    // never rounds a distance just below a whole unit up to it.
    const double d = std::sqrt(static_cast<double>(best[v])) * (1.0 - 1e-4) / unit_cm;
    code[v] = static_cast<std::uint8_t>(d >= 255 ? 255 : std::floor(d));
  }
  return code;
}

}  // namespace gpudose
