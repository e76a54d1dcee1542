#include "cli_support.hpp"

#include <algorithm>
#include <map>
#include <set>
#include <sstream>

#include <fmt/format.h>

#include "errors.hpp"
#include "registry.hpp"
#include "request.hpp"
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
                                           "--list-functions", "--coverage", "--fail", "--check"};
const std::vector<std::string> kFormats = {"json", "jsonpretty", "yaml", "xml"};

// Characters a shell takes literally outside quotes (no expansion, globbing
// or word splitting); bytes above 0x7f too.
bool shell_literal(char c) {
  return isalnum(static_cast<unsigned char>(c)) || static_cast<unsigned char>(c) >= 0x80 ||
         std::string("-_=.,/:@%+^").find(c) != std::string::npos;
}

// A command line split into words as a POSIX shell (bash) would: quotes,
// backslashes, $'...' and line continuations. nullopt if the shell would do
// more than split it (expansions, globs, pipes, redirections...) or a quote
// is left open: such text is not a plain command line.
std::optional<std::vector<std::string>> shell_words(const std::string& line) {
  std::vector<std::string> words;
  std::string word;
  bool in_word = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == '\\' && i + 1 < line.size() && line[i + 1] == '\n') {
      ++i;  // a continuation line
    } else if (c == ' ' || c == '\t' || c == '\n') {
      if (in_word) words.push_back(word);
      word.clear();
      in_word = false;
    } else if (c == '\'') {
      size_t close = line.find('\'', i + 1);
      if (close == std::string::npos) return std::nullopt;
      word += line.substr(i + 1, close - i - 1);
      i = close;
      in_word = true;
    } else if (c == '$' && i + 1 < line.size() && line[i + 1] == '\'') {  // $'...': backslash escapes
      static const std::map<char, char> escapes = {{'n', '\n'}, {'t', '\t'}, {'\\', '\\'}, {'\'', '\''}, {'"', '"'}};
      for (i += 2;; ++i) {
        if (i >= line.size()) return std::nullopt;
        if (line[i] == '\'') break;
        if (line[i] == '\\' && i + 1 < line.size()) {
          auto e = escapes.find(line[++i]);
          if (e == escapes.end()) return std::nullopt;
          word += e->second;
        } else {
          word += line[i];
        }
      }
      in_word = true;
    } else if (c == '"') {
      for (++i;; ++i) {
        if (i >= line.size()) return std::nullopt;
        if (line[i] == '"') break;
        if (line[i] == '$' || line[i] == '`') return std::nullopt;
        if (line[i] == '\\' && i + 1 < line.size() && std::string("\"\\$`").find(line[i + 1]) != std::string::npos) ++i;
        word += line[i];
      }
      in_word = true;
    } else if (c == '\\' && i + 1 < line.size()) {
      word += line[++i];
      in_word = true;
    } else if (shell_literal(c)) {
      word += c;
      in_word = true;
    } else {
      return std::nullopt;
    }
  }
  if (in_word) words.push_back(word);
  return words;
}

// A word as a shell reads it back unchanged.
std::string shell_quote(const std::string& word) {
  if (!word.empty() && std::all_of(word.begin(), word.end(), shell_literal)) return word;
  std::string out = "'";
  for (char c : word) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

// Words as one command line. A long one continues over several lines as
// the reference prints them: the program and its options, then one word a line.
std::string render_command(const std::vector<std::string>& words) {
  size_t length = 0;
  for (const auto& w : words) length += shell_quote(w).size() + 1;
  std::string out;
  for (size_t i = 0; i < words.size(); ++i) {
    bool option = i == 0 || starts_with(words[i], "--");
    out += i == 0 ? "" : (option || length <= 100 ? " " : " \\\n  ");
    out += shell_quote(words[i]);
  }
  return out;
}

// Whether `words` is a command line the program for `api` runs as it is,
// calling function `f`: known options only, then the function, then
// key=value words the argument parser accepts.
bool runnable(Api api, const FunctionSpec& f, const std::vector<std::string>& words) {
  if (words.empty() || words[0] != api_program(api)) return false;
  size_t i = 1;
  for (; i < words.size() && starts_with(words[i], "--"); ++i) {
    const std::string& w = words[i];
    bool known =
        w == "--fail" || w == "--check" || ((starts_with(w, "--root=") || starts_with(w, "--user=")) && w.size() > 7);
    for (const auto& f : kFormats) known |= w == "--output=" + f;
    if (!known) return false;
  }
  if (api != Api::Whm1 && (i >= words.size() || words[i++] != f.module)) return false;
  if (i >= words.size() || words[i++] != f.name) return false;
  std::vector<std::string> args(words.begin() + static_cast<long>(i), words.end());
  if (std::any_of(args.begin(), args.end(), [](const std::string& a) { return starts_with(a, "-"); })) return false;
  try {
    parse_call_words(f.name, args);
  } catch (const ApiError&) {
    return false;
  }
  return true;
}

// A value to show for a parameter in a made-up example: the reference's own
// example for it, its default, its first allowed value, one of its type, or
// a placeholder.
std::string sample_value(const FunctionSpec& f, const ParamSpec& p) {
  for (int i = 0; f.doc && i < f.doc->param_count; ++i) {
    const SpecParam& sp = f.doc->params[i];
    if (p.name != sp.name || !sp.example) continue;
    auto words = shell_words(sp.example);
    if (words && words->size() == 1 && starts_with((*words)[0], p.name + "="))
      return (*words)[0].substr(p.name.size() + 1);
  }
  if (p.default_value) return *p.default_value;
  if (!p.allowed.empty()) return p.allowed.front();
  switch (p.type) {
    case ParamType::Integer: return std::to_string(p.min.value_or(1));
    case ParamType::Boolean: return "1";
    case ParamType::IntOrUnlimited: return "unlimited";
    case ParamType::Domain: return "example.com";
    case ParamType::Email: return "user@example.com";
    case ParamType::IPv4: return "192.0.2.1";
    case ParamType::Username:
    case ParamType::String: break;
  }
  std::string placeholder = p.name;  // to be filled in: "user=USER"
  for (auto& c : placeholder) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  return placeholder;
}

// The example help shows: the reference's, when it is a command line this
// program runs as it is (some are URLs, JSON bodies or use options that do
// not exist here); else one made of the required parameters and those
// marked in_example.
std::string example_command(Api api, const FunctionSpec& f) {
  if (f.doc && *f.doc->example_call) {
    auto words = shell_words(f.doc->example_call);
    if (words && runnable(api, f, *words)) return render_command(*words);
  }
  std::vector<std::string> words = {api_program(api)};
  if (api != Api::Whm1) words.push_back("--user=USER");
  words.push_back("--output=jsonpretty");
  if (api != Api::Whm1) words.push_back(f.module);
  words.push_back(f.name);
  for (const auto& p : f.params)
    if ((p.required || p.in_example) && !starts_with(p.name, "api."))
      words.push_back(p.name + "=" + sample_value(f, p));
  return render_command(words);
}

}  // namespace

// The function's Authorization in words, for help.
static std::string describe_authorization(Api api, const Authorization& auth) {
  std::vector<std::string> owned;
  for (const auto& p : auth.owned) {
    const char* what = "";
    switch (p.kind) {
      case Owned::Account: what = "an account the caller owns"; break;
      case Owned::AccountOrSelf: what = "the caller's own account or one it owns"; break;
      case Owned::Domain: what = "a domain of the caller's"; break;
      case Owned::Zone: what = "a zone of the caller's"; break;
      case Owned::Subdomain: what = "a name under a domain of the caller's"; break;
      case Owned::Package: what = "a hosting plan named with the caller's prefix (caller_...)"; break;
      case Owned::Self: what = "the caller itself"; break;
      case Owned::MailAccount: what = "an email address at a domain of the caller's, or an account it owns"; break;
    }
    owned.push_back(p.param + " must name " + what);
  }
  std::string objects = owned.empty() ? "" : "; " + join(owned, "; ");
  if (api != Api::Whm1)
    return "the account itself (--user)" +
           (auth.feature.empty()
                ? ""
                : ", when its feature list enables “" + join(split(auth.feature, '|'), "” or “") + "”") +
           objects + ".";
  if (auth.acl == kRootAcl) return "root, or a reseller with the “all” privilege.";
  std::string who =
      auth.acl.empty() ? "root, or any reseller" : "root, or a reseller with the “" + auth.acl + "” privilege";
  return who + objects + ".";
}

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
  out << "\n";
  if (f->handler) out << "Who may call it: " << describe_authorization(f->api, f->auth) << "\n";
  out << "\n";
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
    if (!p.description.empty()) out << indent(p.description, "      ");
  }
  out << "\nExample:\n" << indent(example_command(api, *f), "  ");
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
    add({"--user=", "--output=", "--root=", "--list-functions", "--fail", "--check", "--help"});
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
