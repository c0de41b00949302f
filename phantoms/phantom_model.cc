#include "phantoms/phantom_model.hh"

#include <algorithm>
#include <cctype>

#include "host/foundation/closest_names.hh"
#include "host/foundation/user_error.hh"

namespace gpudose {
namespace {

// ICRP Publication 110 (2009), Table 3.
const PhantomModelSpec kAf{"AF", "female", 299, 137, 348, 0.1775, 0.1775, 0.484};
const PhantomModelSpec kAm{"AM", "male", 254, 127, 222, 0.2137, 0.2137, 0.80};

std::string lower(std::string s) {
  for (char& c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

}  // namespace

const PhantomModelSpec& phantom_model(const std::string& name) {
  const std::string n = lower(name);
  if (n == "af" || n == "female") return kAf;
  if (n == "am" || n == "male") return kAm;
  const std::vector<std::string> accepted = {"female", "male", "AF", "AM"};
  throw UserError("unknown phantom model '" + name + "'",
                  "closest: " + quoted_list(closest_names(name, accepted, 2)),
                  "use --model female|AF or male|AM");
}

std::vector<PhantomModelSpec> phantom_models(const std::string& name_or_all) {
  if (lower(name_or_all) == "all") return {kAf, kAm};
  return {phantom_model(name_or_all)};
}

}  // namespace gpudose
