#include "phantoms/activity_image.hh"

#include <algorithm>
#include <cmath>
#include <stdexcept>

#include "host/foundation/text_format.hh"
#include "host/foundation/user_error.hh"
#include "phantoms/image_spacing.hh"
#include "phantoms/scalar_image.hh"

namespace gpudose {
namespace {

// Headers store floats (NIfTI) or decimals: geometry agrees within this relative tolerance.
constexpr double kGeometryTolerance = 1e-4;

std::string voxel_text(const Phantom& p, std::size_t v) {
  const std::size_t nx = p.nx, ny = p.ny;
  return "voxel (" + std::to_string(v % nx) + ", " + std::to_string((v / nx) % ny) + ", " +
         std::to_string(v / (nx * ny)) + ")";
}

std::string triple(double a, double b, double c, const char* sep) {
  return format_g(a) + sep + format_g(b) + sep + format_g(c);
}

std::string grid_text(const Phantom& p) {
  return std::to_string(p.nx) + "x" + std::to_string(p.ny) + "x" + std::to_string(p.nz) +
         " voxels of " +
         triple(spacing_cm_to_mm(p.dx), spacing_cm_to_mm(p.dy), spacing_cm_to_mm(p.dz), " x ") +
         " mm";
}

bool close(double a, double b, double scale) {
  return std::fabs(a - b) <= kGeometryTolerance * std::max(std::fabs(b), scale);
}

}  // namespace

Region source_region_of(const Phantom& phantom, const RegionVoxels& voxels) {
  Region r;
  r.name = "activity";
  r.kind = "activity";
  std::vector<char> seen(65536, 0);
  for (std::uint32_t v : voxels.voxels) seen[phantom.organ_ids[v]] = 1;
  for (int id = 0; id < 65536; ++id) {
    if (seen[id]) r.organ_ids.push_back(id);
  }
  r.note = "voxels weighted by an activity image";
  return r;
}

ActivitySource make_activity_source(const Phantom& phantom, const std::vector<double>& activity,
                                    const std::string& what) {
  if (activity.size() != phantom.num_voxels()) {
    throw std::logic_error("activity values of another grid");
  }
  ActivitySource out;
  RegionVoxels& s = out.voxels;
  s.sampling = SourceSampling::activity;
  std::size_t outside = 0, first_outside = 0;
  for (std::size_t v = 0; v < activity.size(); ++v) {
    const double a = activity[v];
    if (!(a >= 0) || !std::isfinite(a)) {
      throw UserError(what + " holds " + format_g(a) + " at " + voxel_text(phantom, v),
                      "activity is a finite number >= 0",
                      "fix the image (negative, NaN and infinite values are not activity)");
    }
    if (a == 0) continue;
    if (phantom.icrp110 && phantom.organ_ids[v] == kOutsideBodyId) {
      if (outside++ == 0) first_outside = v;
      continue;
    }
    s.voxels.push_back(static_cast<std::uint32_t>(v));
    s.weights.push_back(a);
  }
  if (outside > 0) {
    throw UserError(what + " holds activity outside the body of " + phantom.model + " in " +
                        std::to_string(outside) + " voxels, the first " +
                        format_g(activity[first_outside]) + " at " +
                        voxel_text(phantom, first_outside),
                    "organ ID 0 is the air around the body",
                    "set the image to 0 where the phantom's organ ID is 0 (mask it with the body)");
  }
  if (s.voxels.empty()) {
    throw UserError(what + " holds no activity", "every voxel is 0",
                    "give an image with activity > 0 in the source voxels");
  }
  for (double w : s.weights) s.total_weight += w;
  if (!std::isfinite(s.total_weight)) {
    throw UserError(what + " holds a total activity too large for a double",
                    "the sum of its voxels overflows", "scale the image down");
  }
  out.region = source_region_of(phantom, s);
  return out;
}

void check_activity_image_path(const std::string& path) {
  check_scalar_image_path(path, "activity image", "--activity");
}

ActivitySource read_activity_image(const std::string& path, const Phantom& phantom) {
  const ScalarImage img = read_scalar_image(path, "activity image", "--activity");
  const std::string what = "activity image '" + path + "'";
  const auto& size = img.size;
  const auto& spacing = img.spacing_mm;
  const double phantom_mm[3] = {spacing_cm_to_mm(phantom.dx), spacing_cm_to_mm(phantom.dy),
                                spacing_cm_to_mm(phantom.dz)};
  bool same_grid = size[0] == phantom.nx && size[1] == phantom.ny && size[2] == phantom.nz;
  for (int a = 0; a < 3; ++a) same_grid = same_grid && close(spacing[a], phantom_mm[a], 0);
  const std::string todo =
      "resample it onto the phantom's grid (`gpudose phantom export` writes that frame)";
  if (!same_grid) {
    throw UserError(what + " is " + std::to_string(size[0]) + "x" + std::to_string(size[1]) + "x" +
                        std::to_string(size[2]) + " voxels of " +
                        triple(spacing[0], spacing[1], spacing[2], " x ") + " mm, the phantom " +
                        phantom.model + " " + grid_text(phantom),
                    "an activity image lies on the phantom's grid", todo);
  }
  bool same_origin = true, same_direction = true;
  for (int a = 0; a < 3; ++a) {
    same_origin = same_origin && close(img.origin_mm[a], phantom.origin_mm[a], phantom_mm[a]);
  }
  for (int k = 0; k < 9; ++k) {
    same_direction =
        same_direction && std::fabs(img.direction[k] - phantom.direction[k]) <= kGeometryTolerance;
  }
  if (!same_origin) {
    const auto& o = img.origin_mm;
    const auto& p = phantom.origin_mm;
    throw UserError(what + " has its origin at (" + triple(o[0], o[1], o[2], ", ") +
                        ") mm, the phantom " + phantom.model + " at (" +
                        triple(p[0], p[1], p[2], ", ") + ") mm",
                    "an activity image lies on the phantom's grid", todo);
  }
  if (!same_direction) {
    throw UserError(what + " has other direction cosines than the phantom " + phantom.model,
                    "an activity image lies on the phantom's grid, axes included", todo);
  }
  return make_activity_source(phantom, img.values, what);
}

}  // namespace gpudose
