// Small text forms shared by messages and provenance: a number as printf's %g (6 significant
// digits, for error messages and notes), a number that reads back to the last bit (files that
// are read again: plans, media tables) and the current UTC time in ISO 8601 (provenance).
#pragma once

#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <string>

namespace gpudose {

inline std::string format_g(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
  return buf;
}

// The shortest of %.15g..%.17g that reads back as the same double (0.05, not
// 0.050000000000000003).
inline std::string format_exact(double v) {
  char buf[40];
  for (int digits = 15; digits <= 17; ++digits) {
    std::snprintf(buf, sizeof buf, "%.*g", digits, v);
    if (std::strtod(buf, nullptr) == v) break;
  }
  return buf;
}

// "2026-12-01T21:45:17Z"
inline std::string utc_now() {
  const std::time_t t = std::time(nullptr);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", std::gmtime(&t));
  return buf;
}

}  // namespace gpudose
