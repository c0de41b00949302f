// The one-line message of the UserError a call throws, for tests of the error contract
// ("what (why); what to do"); "no error" when it throws none.
#pragma once

#include <functional>
#include <string>

#include "host/foundation/user_error.hh"

namespace gpudose::test {

inline std::string error_of(const std::function<void()>& f) {
  try {
    f();
  } catch (const UserError& e) {
    return e.what();
  }
  return "no error";
}

}  // namespace gpudose::test
