// Validators shared by several subcommands (declared in host/cli.hh).
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <thread>

#include "host/cli/cli.hh"

namespace gpudose {

const CLI::Validator& positive_count() {
  // CLI11's own PositiveNumber message would print the whole double range; this one also takes
  // 1e6 or 1e8 (as OpenDose writes primaries) and rewrites it to digits for integer parsing.
  static const CLI::Validator validator(
      [](std::string& v) -> std::string {
        std::size_t used = 0;
        double x = 0;
        try {
          x = std::stod(v, &used);
        } catch (const std::exception&) {
          used = 0;
        }
        if (used != v.size() || !(x >= 1) || x > 1.8e19 || x != std::floor(x)) {
          return "must be a whole number above 0 (e.g. 1000000 or 1e6)";
        }
        char digits[32];
        std::snprintf(digits, sizeof digits, "%.0f", x);
        v = digits;
        return "";
      },
      "COUNT");
  return validator;
}

}  // namespace gpudose

namespace gpudose {

namespace {

// A number in the whole text of v (no trailing characters), or NaN.
double whole_number_text(const std::string& v) {
  std::size_t used = 0;
  double x = 0;
  try {
    x = std::stod(v, &used);
  } catch (const std::exception&) {
    return std::nan("");
  }
  return used == v.size() ? x : std::nan("");
}

}  // namespace

const CLI::Validator& seed_value() {
  // CLI11 reads "-1" into an unsigned 64-bit integer as 2^64 - 1 and clamps 2^64: a seed is
  // checked as text, digits only, at most 2^64 - 1.
  static const CLI::Validator validator(
      [](std::string& v) -> std::string {
        const std::string max = "18446744073709551615";
        const bool digits = !v.empty() && v.find_first_not_of("0123456789") == std::string::npos;
        std::string trimmed = v.substr(std::min(v.find_first_not_of('0'), v.size()));
        if (trimmed.empty() && digits) trimmed = "0";
        if (!digits || trimmed.size() > max.size() ||
            (trimmed.size() == max.size() && trimmed > max)) {
          return "must be a whole number from 0 to 18446744073709551615 (2^64 - 1)";
        }
        v = trimmed;
        return "";
      },
      "SEED");
  return validator;
}

const CLI::Validator& positive_seconds() {
  static const CLI::Validator validator(
      [](std::string& v) -> std::string {
        const double x = whole_number_text(v);
        if (!(x > 0) || !std::isfinite(x)) return "must be a positive number of seconds";
        return "";
      },
      "SECONDS");
  return validator;
}

const CLI::Validator& relative_uncertainty() {
  static const CLI::Validator validator(
      [](std::string& v) -> std::string {
        const double x = whole_number_text(v);
        if (!(x > 0 && x < 1)) return "must be a relative uncertainty in (0, 1), e.g. 0.01 for 1 %";
        return "";
      },
      "FRACTION");
  return validator;
}

const CLI::Validator& thread_count() {
  // Each CPU worker holds its own batch tallies and stacks: far more threads than cores only
  // costs memory (and std::thread creation aborts at some tens of thousands).
  static const CLI::Validator validator(
      [](std::string& v) -> std::string {
        const double x = whole_number_text(v);
        const unsigned cores = std::max(1u, std::thread::hardware_concurrency());
        const double most = std::max(256.0, 8.0 * cores);
        if (!(x >= 1) || x != std::floor(x)) return "must be a whole number of threads, at least 1";
        if (x > most) {
          char buf[160];
          std::snprintf(buf, sizeof buf,
                        "%.0f threads is far above the %u cores here (at most %.0f; leave it out "
                        "to use every core)",
                        x, cores, most);
          return buf;
        }
        return "";
      },
      "THREADS");
  return validator;
}

const CLI::Validator& device_list() {
  static const CLI::Validator validator(
      [](std::string& v) -> std::string {
        if (v == "all") return "";
        std::size_t start = 0;
        while (true) {
          const std::size_t comma = v.find(',', start);
          const std::string item = v.substr(start, comma - start);
          if (item.empty() || item.size() > 4 ||
              item.find_first_not_of("0123456789") != std::string::npos) {
            return "must be 'all' or CUDA device numbers separated by commas, e.g. 0,1";
          }
          if (comma == std::string::npos) break;
          start = comma + 1;
        }
        return "";
      },
      "LIST");
  return validator;
}

const CLI::Validator& photon_cutoff() {
  // The photon tables start at 1 keV: a lower cut-off would track photons below the data.
  static const CLI::Validator validator(
      [](std::string& v) -> std::string {
        const double x = whole_number_text(v);
        if (!(x >= 1e-3 && x <= 1)) {
          return "must be between 0.001 MeV (the photon tables' first energy) and 1 MeV";
        }
        return "";
      },
      "MeV");
  return validator;
}

}  // namespace gpudose
