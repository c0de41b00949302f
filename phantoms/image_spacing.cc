#include "phantoms/image_spacing.hh"

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

namespace gpudose {
namespace {

// Shortest "d.ddde+XX" form that reads back as `v` (as a float when `as_float`).
std::string shortest(double v, bool as_float) {
  char buf[48];
  for (int digits = 0; digits <= 16; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*e", digits, v);
    if (as_float ? std::strtof(buf, nullptr) == static_cast<float>(v)
                 : std::strtod(buf, nullptr) == v) {
      break;
    }
  }
  return buf;
}

// `v` x 10^shift, rounded once from its shortest decimal form.
double shift(double v, int by, bool as_float) {
  if (!std::isfinite(v) || v == 0) return v;
  const std::string s = shortest(v, as_float);
  const auto e = s.find('e');
  const int exponent = std::atoi(s.c_str() + e + 1) + by;
  return std::strtod((s.substr(0, e) + "e" + std::to_string(exponent)).c_str(), nullptr);
}

}  // namespace

double spacing_mm_to_cm(double mm) {
  const bool is_float = std::isfinite(mm) && static_cast<double>(static_cast<float>(mm)) == mm;
  return shift(mm, -1, is_float);
}

double spacing_cm_to_mm(double cm) { return shift(cm, 1, false); }

}  // namespace gpudose
