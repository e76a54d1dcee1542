// libFuzzer target: the zone file parser and writer. An unchanged zone must
// be written back exactly as it was read.
#include <cstdint>
#include <string>

#include "errors.hpp"
#include "output.hpp"
#include "zone.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  try {
    whm::Zone zone = whm::Zone::parse("fuzz.example", text);
    std::string expected = text.empty() || text.back() == '\n' ? text : text + "\n";
    if (zone.serialize() != expected) __builtin_trap();
    for (const auto& [line, record] : zone.records()) (void)whm::json_text(whm::record_json(line, record));
    try {
      zone.bump_serial(1795384004);
      (void)zone.serialize();
    } catch (const whm::ApiError&) {
    }
  } catch (const whm::ApiError&) {
  }
  return 0;
}
