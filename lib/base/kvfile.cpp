#include "kvfile.hpp"

#include "util.hpp"

namespace whm {

KeyValues parse_key_values(const std::string& text, char delim) {
  KeyValues kv;
  for_each_line(text, [&](std::string_view line) {
    // A '\r' stays part of the value, as cPanel's reader keeps it (the value
    // then survives a write and a read unchanged); space-delimited files trim it.
    if (line.empty() || line[0] == '#') return;
    auto pos = delim == ' ' ? line.find_first_of(" \t") : line.find(delim);
    if (pos == std::string_view::npos) return;
    std::string key = trim(line.substr(0, pos));
    std::string value = delim == ' ' ? trim(line.substr(pos + 1)) : std::string(line.substr(pos + 1));
    if (key.empty()) return;
    // Files are usually sorted: hinting at the end makes each insert O(1).
    auto it = kv.lower_bound(key);
    if (it != kv.end() && it->first == key)
      it->second = std::move(value);
    else
      kv.emplace_hint(it, std::move(key), std::move(value));
  });
  return kv;
}

std::string serialize_key_values(const KeyValues& kv, char delim) {
  std::string out;
  for (const auto& [k, v] : kv) out += k + delim + v + "\n";
  return out;
}

}  // namespace whm
