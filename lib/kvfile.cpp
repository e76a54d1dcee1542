#include "kvfile.hpp"

#include "util.hpp"

namespace whm {

KeyValues parse_key_values(const std::string& text, char delim) {
  KeyValues kv;
  for (const auto& raw : split(text, '\n')) {
    std::string line = raw;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    auto pos = delim == ' ' ? line.find_first_of(" \t") : line.find(delim);
    if (pos == std::string::npos) continue;
    std::string key = trim(line.substr(0, pos));
    std::string value = line.substr(pos + 1);
    if (delim == ' ') value = trim(value);
    if (!key.empty()) kv[key] = value;
  }
  return kv;
}

std::string serialize_key_values(const KeyValues& kv, char delim) {
  std::string out;
  for (const auto& [k, v] : kv) out += k + delim + v + "\n";
  return out;
}

}  // namespace whm
