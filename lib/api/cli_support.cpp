#include "cli_support.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "registry.hpp"
#include "util.hpp"

namespace whm {

namespace {

const char* type_name(ParamType t) {
  switch (t) {
    case ParamType::String: return "string";
    case ParamType::Integer: return "integer";
    case ParamType::Boolean: return "boolean (0 or 1)";
    case ParamType::IntOrUnlimited: return "integer or \"unlimited\"";
    case ParamType::Username: return "username";
    case ParamType::Domain: return "domain";
    case ParamType::Email: return "email address";
    case ParamType::IPv4: return "IPv4 address";
  }
  return "string";
}

std::string indent(const std::string& text, const std::string& pad) {
  std::string out;
  for (const auto& line : split(text, '\n')) out += pad + line + "\n";
  return out;
}

const std::vector<std::string> kOptions = {"--output=",        "--root=",    "--help", "--version",
                                           "--list-functions", "--coverage", "--fail"};
const std::vector<std::string> kFormats = {"json", "jsonpretty", "yaml", "xml"};

}  // namespace

std::string function_help(const std::string& name) { return function_help(Api::Whm1, "", name); }

std::string function_help(Api api, const std::string& module, const std::string& name) {
  const FunctionSpec* f = Registry::instance().find(api, module, name);
  if (!f) return "";
  std::ostringstream out;
  out << (module.empty() ? "" : module + "::") << f->name;
  if (!f->summary.empty()) out << " - " << f->summary;
  out << "\n";
  if (f->doc) out << "Category: " << f->doc->category << " / " << f->doc->subcategory << "\n";
  out << "Status: " << (f->handler ? "implemented by whmkit" : "not implemented by whmkit yet");
  if (f->handler) out << (f->access == Access::Read ? " (reads the state only)" : " (may change the state)");
  out << "\n\n";
  if (f->doc && *f->doc->description) out << indent(f->doc->description, "  ") << "\n";
  out << "Parameters:\n";
  if (f->params.empty()) out << "  (none)\n";
  for (const auto& p : f->params) {
    out << "  " << p.name << " (" << type_name(p.type) << (p.required ? ", required" : "") << ")";
    if (p.default_value) out << "  default: " << *p.default_value;
    out << "\n";
    if (!p.allowed.empty()) out << "      allowed: " << join(p.allowed, ", ") << "\n";
    if (p.min || p.max)
      out << "      range: " << (p.min ? std::to_string(*p.min) : "") << ".." << (p.max ? std::to_string(*p.max) : "")
          << "\n";
    if (!p.description.empty()) out << indent(p.description.substr(0, p.description.find('\n')), "      ");
  }
  if (f->doc && *f->doc->example_call) out << "\nExample:\n" << indent(f->doc->example_call, "  ");
  if (api != Api::Whm1) {  // cPanel functions: an example with the required parameters
    out << "\nExample:\n  " << api_program(api) << " --user=USER --output=jsonpretty " << module << " " << name;
    for (const auto& p : f->params)
      if (p.required) out << " " << p.name << "=VALUE";
    out << "\n";
  }
  if (f->doc && *f->doc->response_sample) out << "\nResponse sample:\n" << indent(f->doc->response_sample, "  ");
  return out.str();
}

std::string coverage_report() {
  auto& reg = Registry::instance();
  std::map<std::string, std::pair<int, int>> per_category;  // implemented, total
  int implemented = 0, total = 0;
  for (const auto& name : reg.names()) {
    const FunctionSpec* f = reg.find(name);
    auto& c = per_category[f->category.empty() ? "(uncategorised)" : f->category];
    bool done = static_cast<bool>(f->handler);
    c.first += done;
    c.second += 1;
    implemented += done;
    total += 1;
  }
  std::string out;
  for (const auto& [cat, c] : per_category) out += fmt::format("{:<40} {:>4}/{:<4}\n", cat, c.first, c.second);
  out += fmt::format("{:<40} {:>4}/{:<4}\n", "Total", implemented, total);
  return out;
}

namespace {
// The candidates among `options` that start with `cur`, appended to `out`.
void add_matching(std::vector<std::string>& out, const std::string& cur, const std::vector<std::string>& options) {
  for (const auto& o : options)
    if (starts_with(o, cur)) out.push_back(o);
}
std::vector<std::string> output_option_values() {
  std::vector<std::string> full;
  for (const auto& f : kFormats) full.push_back("--output=" + f);
  return full;
}
}  // namespace

std::vector<std::string> completion_candidates(const std::vector<std::string>& words) {
  std::vector<std::string> out;
  const std::string cur = words.empty() ? "" : words.back();
  auto add = [&](const std::vector<std::string>& options) { add_matching(out, cur, options); };
  // Options and their values.
  if (words.size() >= 2 && words[words.size() - 2] == "--output") {
    add(kFormats);
    return out;
  }
  if (starts_with(cur, "--output=")) {
    add(output_option_values());
    return out;
  }
  if (starts_with(cur, "-")) {
    add(kOptions);
    return out;
  }
  // The function is the first word that is not an option (or an option's value).
  std::string function;
  std::set<std::string> used;
  for (size_t i = 0; i + 1 < words.size(); ++i) {
    const auto& w = words[i];
    if (w == "--output" || w == "--root") {
      ++i;
      continue;
    }
    if (starts_with(w, "-")) continue;
    if (function.empty())
      function = w;
    else if (auto eq = w.find('='); eq != std::string::npos)
      used.insert(w.substr(0, eq));
  }
  auto& reg = Registry::instance();
  if (function.empty() || (function == "help" && words.size() >= 2 && words[words.size() - 2] == "help")) {
    auto names = reg.names();
    if (function.empty()) names.push_back("help");
    add(names);
    return out;
  }
  const FunctionSpec* f = reg.find(function);
  if (!f) return out;
  if (auto eq = cur.find('='); eq != std::string::npos) {
    std::string key = cur.substr(0, eq);
    for (const auto& p : f->params)
      if (p.name == key) {
        std::vector<std::string> values = p.allowed;
        if (values.empty() && p.type == ParamType::Boolean) values = {"0", "1"};
        std::vector<std::string> full;
        for (const auto& v : values) full.push_back(key + "=" + v);
        add(full);
      }
    return out;
  }
  std::vector<std::string> keys;
  for (const auto& p : f->params)
    if (!used.count(p.name) && p.name.find('*') == std::string::npos) keys.push_back(p.name + "=");
  add(keys);
  return out;
}

std::vector<std::string> cpanel_completion_candidates(Api api, const std::vector<std::string>& words) {
  std::vector<std::string> out;
  const std::string cur = words.empty() ? "" : words.back();
  auto add = [&](const std::vector<std::string>& options) { add_matching(out, cur, options); };
  if (starts_with(cur, "--output=")) {
    add(output_option_values());
    return out;
  }
  if (starts_with(cur, "-")) {
    add({"--user=", "--output=", "--root=", "--list-functions", "--fail", "--help"});
    return out;
  }
  std::vector<std::string> positional;  // module, function, key=value...
  for (size_t i = 0; i + 1 < words.size(); ++i)
    if (!starts_with(words[i], "-")) positional.push_back(words[i]);
  const auto functions = Registry::instance().module_functions(api);
  std::set<std::string> seen;
  std::vector<std::string> names;
  if (positional.empty()) {
    for (const auto* f : functions)
      if (seen.insert(f->module).second) names.push_back(f->module);
  } else if (positional.size() == 1) {
    for (const auto* f : functions)
      if (f->module == positional[0]) names.push_back(f->name);
  } else {
    std::set<std::string> used;
    for (size_t i = 2; i < positional.size(); ++i) used.insert(positional[i].substr(0, positional[i].find('=')));
    for (const auto* f : functions)
      if (f->module == positional[0] && f->name == positional[1])
        for (const auto& p : f->params)
          if (!used.count(p.name)) names.push_back(p.name + "=");
  }
  add(names);
  return out;
}

}  // namespace whm
