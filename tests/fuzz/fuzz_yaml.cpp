// libFuzzer target: the YAML loader (yaml-cpp) and whmkit's YAML::Syck-style
// writer: whatever loads must survive a write and a second load unchanged, as
// Perl sees data (the string "2" may come back as the number 2, as in Syck).
#include <cstdint>
#include <string>

#include "errors.hpp"
#include "syck_yaml.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 4096) return 0;  // yaml-cpp recursion on deep nesting is its own limit
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    nlohmann::json doc = whm::yaml_to_json(text);
    std::string written = whm::syck_dump(doc);
    if (whm::as_perl_scalars(whm::yaml_to_json(written)) != whm::as_perl_scalars(doc)) __builtin_trap();
  } catch (const whm::ApiError&) {
  }
  return 0;
}
