// libFuzzer target: the YAML loader (yaml-cpp) and whmkit's YAML::Syck-style
// writer: whatever loads must survive a write and a second load unchanged.
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
    if (whm::yaml_to_json(written) != doc) __builtin_trap();
  } catch (const whm::ApiError&) {
  }
  return 0;
}
