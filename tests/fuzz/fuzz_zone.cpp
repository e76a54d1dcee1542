// libFuzzer target: the zone file parser and writer. An unchanged zone must
// be written back exactly as it was read; every record whmkit would accept
// must render to a line that reads back as the same record; the checks for
// restored and damaged zones take any text.
#include <cstdint>
#include <string>

#include "errors.hpp"
#include "output.hpp"
#include "util.hpp"
#include "zone.hpp"

namespace {

const std::string kOrigin = "fuzz.example";

bool same_record(const whm::ZoneRecord& a, const whm::ZoneRecord& b) {
  bool text = a.type == "TXT" || a.type == "SPF";  // strings are re-cut at 255 bytes: compare the value
  return a.name == b.name && a.ttl == b.ttl && a.klass == b.klass && a.type == b.type &&
         (text ? whm::join(a.rdata, "") == whm::join(b.rdata, "") : a.rdata == b.rdata);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  (void)whm::foreign_zone_problem(kOrigin, text);
  (void)whm::salvage_records(kOrigin, text);
  try {
    whm::Zone zone = whm::Zone::parse(kOrigin, text);
    std::string expected = text.empty() || text.back() == '\n' ? text : text + "\n";
    if (zone.serialize() != expected) __builtin_trap();
    for (const auto& [line, record] : zone.records()) {
      (void)whm::json_text(whm::record_json(line, record));
      if (whm::record_problem(kOrigin, record)) continue;
      auto back = whm::Zone::parse(kOrigin, whm::render_record(kOrigin, record) + "\n").records();
      if (back.size() != 1 || !same_record(back[0].second, record)) __builtin_trap();
    }
    try {
      zone.bump_serial(1795384004);
      (void)zone.serialize();
    } catch (const whm::ApiError&) {
    }
  } catch (const whm::ApiError&) {
  }
  return 0;
}
