// Validators shared by several subcommands (declared in host/cli.hh).
#include <cmath>
#include <cstdio>

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
