// The two ICRP Publication 110 adult reference phantoms and how users name them.
//
// Grid facts from ICRP Publication 110 (2009), Table 3 ("Main characteristics of the adult
// male and female reference computational phantoms"): AF 299 x 137 x 348 voxels of
// 1.775 x 1.775 x 4.84 mm, AM 254 x 127 x 222 voxels of 2.137 x 2.137 x 8.0 mm. Importers check
// every source file against these figures ("wrong dimensions" is a clear error).
#pragma once

#include <string>
#include <vector>

namespace gpudose {

struct PhantomModelSpec {
  std::string model;      // "AF" or "AM"
  std::string long_name;  // "female" or "male"
  int nx = 0, ny = 0, nz = 0;
  double dx_cm = 0, dy_cm = 0, dz_cm = 0;
};

// "female", "AF", "af" (any case) -> AF; "male", "AM", "am" -> AM. Anything else throws
// UserError naming the closest accepted names.
const PhantomModelSpec& phantom_model(const std::string& name);

// "all" -> both models; otherwise the one model named.
std::vector<PhantomModelSpec> phantom_models(const std::string& name_or_all);

}  // namespace gpudose
