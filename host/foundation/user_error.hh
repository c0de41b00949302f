// Errors caused by the user's input or environment (unknown organ, missing data file, bad
// number...). The message is one line: what is wrong (why) what to do. main() prints it and
// exits non-zero; anything else escaping is an internal error.
#pragma once

#include <stdexcept>
#include <string>

namespace gpudose {

class UserError : public std::runtime_error {
 public:
  UserError(const std::string& what, const std::string& why, const std::string& todo)
      : std::runtime_error(what + " (" + why + "); " + todo) {}
  explicit UserError(const std::string& one_line) : std::runtime_error(one_line) {}
};

}  // namespace gpudose
