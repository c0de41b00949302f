// Unit direction vectors: isotropic sampling and rotation by a polar/azimuthal deflection.
#pragma once

#include <cmath>

#include "kernels/constants.hh"
#include "kernels/portability.hh"

namespace gpudose {

struct Vec3 {
  double x, y, z;
};

// Isotropic direction: cos(theta) uniform in [-1, 1], phi uniform in [0, 2 pi).
template <class Rng>
GD_HOST_DEVICE GD_FORCEINLINE Vec3 sample_isotropic(Rng& rng) {
  const double mu = 2.0 * rng.uniform() - 1.0;
  const double phi = 2.0 * kPi * rng.uniform();
  const double s = sqrt(fmax(0.0, 1.0 - mu * mu));
  return Vec3{s * cos(phi), s * sin(phi), mu};
}

// New direction after deflection by polar cosine `mu` and azimuth `phi` relative to `d`.
// Formula as in PENELOPE-2018 (F. Salvat, NEA/MBDAV/R(2019)1, subroutine DIRECT, Eq. 1.131),
// with the |w| ~ 1 case handled separately to avoid dividing by sqrt(1 - w^2) ~ 0.
GD_HOST_DEVICE GD_FORCEINLINE Vec3 rotate(const Vec3& d, double mu, double phi) {
  const double sin_t = sqrt(fmax(0.0, 1.0 - mu * mu));
  const double cp = cos(phi), sp = sin(phi);
  const double rho2 = d.x * d.x + d.y * d.y;
  Vec3 out;
  if (rho2 > 1e-20) {
    const double rho = sqrt(rho2);
    const double a = sin_t / rho;
    out.x = d.x * mu + a * (d.x * d.z * cp - d.y * sp);
    out.y = d.y * mu + a * (d.y * d.z * cp + d.x * sp);
    out.z = d.z * mu - rho * sin_t * cp;
  } else {
    const double sign = d.z >= 0 ? 1.0 : -1.0;
    out = Vec3{sin_t * cp, sign * sin_t * sp, sign * mu};
  }
  // Renormalise: keeps |d| = 1 to rounding over thousands of deflections.
  const double inv = 1.0 / sqrt(out.x * out.x + out.y * out.y + out.z * out.z);
  return Vec3{out.x * inv, out.y * inv, out.z * inv};
}

}  // namespace gpudose
