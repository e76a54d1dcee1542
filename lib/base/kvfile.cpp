#include "kvfile.hpp"

#include <algorithm>

#include "util.hpp"

namespace whm {

namespace {

// A bare line that is a key as FlushConfig writes one for an undefined value.
bool is_bare_key(std::string_view line) {
  return std::none_of(line.begin(), line.end(), [](unsigned char c) { return c <= ' ' || c == 0x7f; });
}

// Parses the lines of a key<delim>value file into `out` (a map to a string,
// or to an optional string when `bare_keys`: a bare key is then nullopt).
template <class Map>
void parse_lines(const std::string& text, char delim, bool bare_keys, FileProblems* problems, Map& out) {
  const char* shape = delim == ' ' ? "is not “KEY VALUE”" : bare_keys ? "is not KEY=VALUE or KEY" : "is not KEY=VALUE";
  // A line cut off is the problem to name first; what else is wrong with it follows from that.
  FileProblems cut;
  check_final_newline(text, cut);
  const size_t cut_line = cut.empty() ? 0 : static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  if (problems) problems->insert(problems->end(), cut.begin(), cut.end());
  const auto report = [&](size_t line, const std::string& what) {
    if (problems && line != cut_line) problems->push_back(line_problem(line, what));
  };
  size_t number = 0;
  for_each_line(text, [&](std::string_view line) {
    ++number;
    if (problems && line.find('\0') != std::string_view::npos) report(number, "holds a NUL byte");
    // A '\r' stays part of the value, as cPanel's reader keeps it (the value
    // then survives a write and a read unchanged); space-delimited files trim it.
    if (line.empty() || line[0] == '#') return;
    auto pos = delim == ' ' ? line.find_first_of(" \t") : line.find(delim);
    typename Map::mapped_type value{};  // a bare key's stays undefined (nullopt)
    std::string key;
    if (pos != std::string_view::npos) {
      key = trim(line.substr(0, pos));
      value = delim == ' ' ? trim(line.substr(pos + 1)) : std::string(line.substr(pos + 1));
    } else if (bare_keys && is_bare_key(line)) {
      key = std::string(line);
    } else {
      report(number, shape);
      return;
    }
    if (key.empty()) {
      report(number, "has no key");
      return;
    }
    // Files are usually sorted: hinting at the end makes each insert O(1).
    auto it = out.lower_bound(key);
    if (it != out.end() && it->first == key) {
      report(number, "repeats the key “" + key + "”");
      it->second = std::move(value);
    } else {
      out.emplace_hint(it, std::move(key), std::move(value));
    }
  });
}

}  // namespace

KeyValues parse_key_values(const std::string& text, char delim, FileProblems* problems) {
  KeyValues kv;
  parse_lines(text, delim, false, problems, kv);
  return kv;
}

ConfigValues parse_config_values(const std::string& text, FileProblems* problems) {
  ConfigValues values;
  parse_lines(text, '=', true, problems, values);
  return values;
}

std::string serialize_config_values(const ConfigValues& values) {
  std::string out;
  for (const auto& [k, v] : values) out += v ? k + "=" + *v + "\n" : k + "\n";
  return out;
}

std::string serialize_key_values(const KeyValues& kv, char delim) {
  std::string out;
  for (const auto& [k, v] : kv) out += k + delim + v + "\n";
  return out;
}

}  // namespace whm
