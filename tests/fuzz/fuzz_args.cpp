// libFuzzer target: the command-line argument parser (key=value words,
// URI decoding, numbered keys, api.* trees) and validation against a spec.
#include <cstdint>
#include <string>
#include <vector>

#include "errors.hpp"
#include "registry.hpp"
#include "request.hpp"
#include "util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string input(reinterpret_cast<const char*>(data), size);
  auto words = whm::split(input, '\n');
  std::string function = words.empty() ? "" : words.front();
  if (!words.empty()) words.erase(words.begin());
  try {
    whm::Request req = whm::parse_call_words(function, words);
    // Lists keep every value; api.* never leaks into the arguments.
    for (const auto& [key, values] : req.args)
      if (values.empty() || whm::starts_with(key, "api.")) __builtin_trap();
    if (const auto* spec = whm::Registry::instance().find("createacct")) whm::validate_request(*spec, req);
  } catch (const whm::ApiError&) {
  }
  return 0;
}
