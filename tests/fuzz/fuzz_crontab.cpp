// libFuzzer target: crontab files and cron schedules. Parsing never crashes,
// writing what was read is stable (a second round trip changes nothing), and
// every job's schedule has a computable next run.
#include <cstdint>
#include <string>

#include "crontab.hpp"
#include "errors.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string text(reinterpret_cast<const char*>(data), size);
  whm::Crontab once = whm::Crontab::parse(text);
  std::string written = once.serialize();
  if (whm::Crontab::parse(written).serialize() != written) __builtin_trap();
  for (size_t i = 0; i < once.job_count() && i < 8; ++i) {
    (void)once.linekey(i);
    try {
      auto s = whm::parse_cron_expression(once.jobs()[i].schedule);
      (void)whm::next_cron_run(s, 1795343400);
    } catch (const whm::ApiError&) {
      __builtin_trap();  // a job line is only recognised when its schedule parses
    }
  }
  try {
    (void)whm::next_cron_run(whm::parse_cron_expression(text.substr(0, 64)), 1795343400);
  } catch (const whm::ApiError&) {
  }
  return 0;
}
