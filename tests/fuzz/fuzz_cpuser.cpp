// libFuzzer target: the cpuser file parser and writer.
#include <cstdint>
#include <string>

#include "cpuser.hpp"
#include "output.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  whm::CpUser u = whm::parse_cpuser(text);
  (void)u.all_domains();
  (void)whm::json_text(u.loaded_view());
  // What we write, we read back the same (keys that start with '#' would be comments).
  std::string written = whm::serialize_cpuser(u);
  whm::CpUser again = whm::parse_cpuser(written);
  for (const auto& [k, v] : u.kv)
    if (!k.empty() && k[0] != '#' && again.kv[k] != v) __builtin_trap();
  return 0;
}
