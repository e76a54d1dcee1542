#include "damage.hpp"

#include <algorithm>

#include <nlohmann/json.hpp>

#include "util.hpp"

namespace whm {

void for_each_checked_line(const std::string& text, FileProblems* problems,
                           const std::function<void(size_t, std::string_view)>& fn) {
  if (problems) check_final_newline(text, *problems);
  size_t number = 0;
  for_each_line(text, [&](std::string_view line) {
    ++number;
    if (problems && line.find('\0') != std::string_view::npos)
      problems->push_back(line_problem(number, "holds a NUL byte"));
    fn(number, line);
  });
}

std::string line_problem(size_t line, const std::string& what) { return "line " + std::to_string(line) + " " + what; }

void check_final_newline(const std::string& text, FileProblems& out) {
  if (text.empty() || text.back() == '\n') return;
  size_t lines = static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1;
  out.push_back(line_problem(lines, "is cut off (the file does not end with a newline)"));
}

nlohmann::json parse_json_object(const std::string& text, FileProblems& problems) {
  if (trim(text).empty()) {
    problems.push_back("it is empty");
    return nlohmann::json::object();
  }
  try {
    auto doc = nlohmann::json::parse(text);
    if (doc.is_object()) return doc;
    problems.push_back("it is not a JSON object");
  } catch (const nlohmann::json::parse_error& e) {
    // e.byte counts from 1 and may point past the end (the text stopped early):
    // that is a problem of the last line.
    const size_t last_line_end = text.back() == '\n' ? text.size() - 1 : text.size();
    const size_t before = std::min(last_line_end, e.byte > 0 ? e.byte - 1 : 0);
    const auto line = static_cast<size_t>(std::count(text.begin(), text.begin() + static_cast<long>(before), '\n')) + 1;
    problems.push_back(line_problem(line, "is not valid JSON"));
  }
  return nlohmann::json::object();
}

std::string server_path(const std::string& rel) { return rel.empty() || rel[0] != '/' ? "/" + rel : rel; }

void refuse_if_damaged(const std::string& rel, const FileProblems& problems, const char* action) {
  if (problems.empty()) return;
  throw DamagedFileError("The file “" + server_path(rel) + "” cannot be " + action + ": " + problems.front() + ".");
}

std::string damage_summary(const std::string& rel, const FileProblems& problems) {
  constexpr size_t kShown = 5;  // a file of garbage must not flood the report
  std::string out = "The file “" + server_path(rel) + "” is damaged: ";
  for (size_t i = 0; i < problems.size() && i < kShown; ++i) out += (i ? "; " : "") + problems[i];
  if (problems.size() > kShown) out += " (and " + std::to_string(problems.size() - kShown) + " more)";
  return out + ".";
}

}  // namespace whm
