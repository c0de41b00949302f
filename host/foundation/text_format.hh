// Small text forms shared by messages and provenance: a number as printf's %g (6 significant
// digits, for error messages and notes) and the current UTC time in ISO 8601 (provenance).
#pragma once

#include <cstdio>
#include <ctime>
#include <string>

namespace gpudose {

inline std::string format_g(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", v);
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
