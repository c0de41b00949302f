#include "phantoms/label_image_import.hh"

#include <cmath>

#include "host/foundation/text_format.hh"
#include "host/foundation/user_error.hh"
#include "phantoms/image_spacing.hh"
#include "phantoms/scalar_image.hh"

namespace gpudose {

LabelImage read_label_image(const std::string& path) {
  // Read as double, whatever the stored type: exact for every integer type up to 2^53, so a
  // non-integer value is found whether it was stored as float or not.
  const ScalarImage img = read_scalar_image(path, "label image", "--phantom");
  LabelImage out;
  UserGrid& g = out.grid;
  g.nx = img.size[0];
  g.ny = img.size[1];
  g.nz = img.size[2];
  double* d[3] = {&g.dx, &g.dy, &g.dz};
  for (int a = 0; a < 3; ++a) {
    const double mm = img.spacing_mm[a];
    if (!(mm > 0) || !std::isfinite(mm)) {
      throw UserError("label image '" + path + "' has spacing " + format_g(mm) + " mm on axis " +
                          std::to_string(a),
                      "voxel sizes must be positive", "fix the image header");
    }
    *d[a] = spacing_mm_to_cm(mm);
    g.origin_mm[a] = img.origin_mm[a];
  }
  g.direction = img.direction;
  const std::size_t n = static_cast<std::size_t>(g.nx) * g.ny * g.nz;
  if (n == 0 || n > 0xffffffffull) {
    throw UserError("label image '" + path + "' has " + std::to_string(n) + " voxels",
                    "voxel indices are 32-bit", "give an image of 1 to 2^32 - 1 voxels");
  }
  const double* v = img.values.data();
  out.labels.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    if (!(v[i] >= 0 && v[i] <= 65535 && v[i] == std::floor(v[i]))) {
      const std::size_t ix = i % g.nx, iy = (i / g.nx) % g.ny,
                        iz = i / (static_cast<std::size_t>(g.nx) * g.ny);
      throw UserError("label image '" + path + "' holds " + format_g(v[i]) + " at voxel (" +
                          std::to_string(ix) + ", " + std::to_string(iy) + ", " +
                          std::to_string(iz) + ")",
                      "labels are whole numbers from 0 to 65535",
                      "give an integer label image (segmentation), not an intensity image");
    }
    out.labels[i] = static_cast<std::uint16_t>(v[i]);
  }
  return out;
}

}  // namespace gpudose
