#include "kvfile.hpp"

#include <algorithm>

#include "util.hpp"

namespace whm {

KeyValues parse_key_values(const std::string& text, char delim, FileProblems* problems) {
  KeyValues kv;
  const char* shape = delim == ' ' ? "is not “KEY VALUE”" : "is not KEY=VALUE";
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
    if (pos == std::string_view::npos) {
      report(number, shape);
      return;
    }
    std::string key = trim(line.substr(0, pos));
    std::string value = delim == ' ' ? trim(line.substr(pos + 1)) : std::string(line.substr(pos + 1));
    if (key.empty()) {
      report(number, "has no key");
      return;
    }
    // Files are usually sorted: hinting at the end makes each insert O(1).
    auto it = kv.lower_bound(key);
    if (it != kv.end() && it->first == key) {
      report(number, "repeats the key “" + key + "”");
      it->second = std::move(value);
    } else {
      kv.emplace_hint(it, std::move(key), std::move(value));
    }
  });
  return kv;
}

std::string serialize_key_values(const KeyValues& kv, char delim) {
  std::string out;
  for (const auto& [k, v] : kv) out += k + delim + v + "\n";
  return out;
}

}  // namespace whm
