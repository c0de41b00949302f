// ITK exception text flattened to one line, for UserError messages.
#pragma once

#include <itkMacro.h>

#include <string>

namespace gpudose {

inline std::string itk_error_text(const itk::ExceptionObject& e) {
  std::string s = e.GetDescription();
  for (char& c : s) {
    if (c == '\n' || c == '\r') c = ' ';
  }
  return s.empty() ? "ITK error" : s;
}

}  // namespace gpudose
