#include "package_extensions.hpp"

#include <cctype>
#include <vector>

#include "damage.hpp"
#include "errors.hpp"
#include "state.hpp"
#include "util.hpp"

namespace whm {
namespace {

std::string extension_rel(const std::string& ext) {
  check_path_component(ext, "package extension");
  return std::string(package_extensions::kDir) + "/" + ext;
}

// ---------------------------------------------------------------- the template subset

// Why a directive cannot be rendered: the caller names the template.
struct Unsupported {
  std::string directive;
};

using Value = std::optional<std::string>;  // nullopt: undefined

bool truthy(const Value& v) { return v && !v->empty() && *v != "0"; }

// An expression's words: names (data.defaults.KEY), string and number literals, operators.
struct Lexer {
  std::string_view s;
  size_t pos = 0;

  void skip_blanks() {
    while (pos < s.size() && std::isspace(static_cast<unsigned char>(s[pos]))) ++pos;
  }
  bool done() {
    skip_blanks();
    return pos >= s.size();
  }
  // The next word without taking it ("" at the end).
  std::string peek() {
    size_t saved = pos;
    std::string w = next();
    pos = saved;
    return w;
  }
  std::string next() {
    skip_blanks();
    if (pos >= s.size()) return "";
    const char c = s[pos];
    if (c == '\'' || c == '"') {
      size_t end = s.find(c, pos + 1);
      if (end == std::string_view::npos) throw Unsupported{std::string(s)};
      std::string word(s.substr(pos, end + 1 - pos));
      pos = end + 1;
      return word;
    }
    for (const char* op : {"==", "!=", "&&", "||"})
      if (s.substr(pos, 2) == op) {
        pos += 2;
        return op;
      }
    if (c == '!' || c == '|') {
      ++pos;
      return std::string(1, c);
    }
    size_t start = pos;
    while (pos < s.size() && (std::isalnum(static_cast<unsigned char>(s[pos])) || s[pos] == '_' || s[pos] == '.'))
      ++pos;
    if (pos == start) throw Unsupported{std::string(s)};  // "(", "?", "=", ...
    return std::string(s.substr(start, pos - start));
  }
};

class Evaluator {
 public:
  Evaluator(const KeyValues& defaults, std::string_view directive) : defaults_(defaults), lex_{directive} {}

  // The whole directive as one condition.
  bool condition() {
    bool v = disjunction();
    if (!lex_.done()) throw Unsupported{std::string(lex_.s)};
    return v;
  }
  // A value to print, with its optional "| html" filter.
  std::string output() {
    Value v = term();
    bool html = false;
    if (lex_.peek() == "|" || lex_.peek() == "FILTER") {
      lex_.next();
      if (lex_.next() != "html") throw Unsupported{std::string(lex_.s)};
      html = true;
    }
    if (!lex_.done()) throw Unsupported{std::string(lex_.s)};
    std::string text = v.value_or("");
    return html ? escape_html(text) : text;
  }

 private:
  const KeyValues& defaults_;
  Lexer lex_;

  static std::string escape_html(const std::string& s) {
    std::string out;
    for (char c : s) switch (c) {
        case '&': out += "&amp;"; break;
        case '<': out += "&lt;"; break;
        case '>': out += "&gt;"; break;
        case '"': out += "&quot;"; break;
        default: out += c;
      }
    return out;
  }

  bool disjunction() {
    bool v = conjunction();
    while (lex_.peek() == "||" || lex_.peek() == "OR") {
      lex_.next();
      bool rhs = conjunction();  // both sides parsed: an unsupported word is never skipped
      v = v || rhs;
    }
    return v;
  }
  bool conjunction() {
    bool v = negation();
    while (lex_.peek() == "&&" || lex_.peek() == "AND") {
      lex_.next();
      bool rhs = negation();
      v = v && rhs;
    }
    return v;
  }
  bool negation() {
    if (lex_.peek() == "!" || lex_.peek() == "NOT") {
      lex_.next();
      return !negation();
    }
    return comparison();
  }
  bool comparison() {
    Value lhs = term();
    const std::string op = lex_.peek();
    if (op != "==" && op != "!=") return truthy(lhs);
    lex_.next();
    const bool equal = lhs.value_or("") == term().value_or("");
    return op == "==" ? equal : !equal;
  }
  // data.defaults.KEY, 'text', "text" (without $ interpolation) or a number.
  Value term() {
    const std::string w = lex_.next();
    if (w.empty()) throw Unsupported{std::string(lex_.s)};
    if (w[0] == '\'') return w.substr(1, w.size() - 2);
    if (w[0] == '"') {
      if (w.find('$') != std::string::npos || w.find('\\') != std::string::npos) throw Unsupported{std::string(lex_.s)};
      return w.substr(1, w.size() - 2);
    }
    if (is_digits(w)) return w;
    const std::string prefix = "data.defaults.";
    if (!starts_with(w, prefix) || w.size() == prefix.size() || w.find('.', prefix.size()) != std::string::npos)
      throw Unsupported{std::string(lex_.s)};
    auto it = defaults_.find(w.substr(prefix.size()));
    if (it == defaults_.end()) return std::nullopt;
    return it->second;
  }
};

// Drops the blanks before a "[%-" back to and including one line break.
void chomp_before(std::string& out) {
  while (!out.empty() && (out.back() == ' ' || out.back() == '\t')) out.pop_back();
  if (!out.empty() && out.back() == '\n') out.pop_back();
  if (!out.empty() && out.back() == '\r') out.pop_back();
}

// One IF/UNLESS block: whether its enclosing text is shown, whether a branch
// was taken already, whether the current branch is shown.
struct Block {
  bool parent_on, taken, on;
};

}  // namespace

std::string extension_template_rel(const std::string& ext) { return extension_rel(ext) + ".tt2"; }

std::string extension_display_name(const StateRoot& root, const std::string& ext) {
  auto text = root.read(extension_rel(ext));
  if (!text) return "unknown";
  const auto kv = parse_key_values(*text);
  auto it = kv.find("_NAME");
  return it == kv.end() || it->second.empty() ? "unknown" : it->second;
}

KeyValues extension_defaults(const StateRoot& root, const std::string& ext) {
  auto text = root.read(extension_rel(ext));
  if (!text) return {};
  KeyValues kv = parse_key_values(*text);
  kv.erase("_NAME");  // not a setting
  return kv;
}

std::string render_extension_template(const std::string& rel, const std::string& text, const KeyValues& defaults) {
  auto refuse = [&](const std::string& directive) {
    return ApiError("The template " + ("“" + server_path(rel) + "”") + " uses “" + trim(directive) +
                    "”, which whmkit cannot render.");
  };
  std::string out;
  std::vector<Block> blocks;
  auto on = [&] { return blocks.empty() || blocks.back().on; };
  size_t pos = 0;
  while (pos < text.size()) {
    const size_t open = text.find("[%", pos);
    if (open == std::string::npos) {
      if (on()) out += text.substr(pos);
      break;
    }
    if (on()) out += text.substr(pos, open - pos);
    const size_t close = text.find("%]", open + 2);
    if (close == std::string::npos) throw refuse(text.substr(open, 40));
    std::string body = text.substr(open + 2, close - open - 2);
    pos = close + 2;
    if (!body.empty() && (body[0] == '-' || body[0] == '+')) {
      if (body[0] == '-' && on()) chomp_before(out);
      body.erase(0, 1);
    }
    if (!body.empty() && (body.back() == '-' || body.back() == '+')) {
      if (body.back() == '-') {  // the blanks after it, through one line break
        while (pos < text.size() && (text[pos] == ' ' || text[pos] == '\t')) ++pos;
        if (pos < text.size() && text[pos] == '\r') ++pos;
        if (pos < text.size() && text[pos] == '\n') ++pos;
      }
      body.pop_back();
    }
    const std::string directive = trim(body);
    if (directive.empty() || directive[0] == '#') continue;
    const size_t space = directive.find_first_of(" \t\r\n");
    const std::string keyword = directive.substr(0, space);
    const std::string rest = space == std::string::npos ? "" : directive.substr(space + 1);
    try {
      if (keyword == "IF" || keyword == "UNLESS") {
        const bool parent = on();
        const bool cond = Evaluator(defaults, rest).condition() == (keyword == "IF");
        blocks.push_back({parent, parent && cond, parent && cond});
      } else if (keyword == "ELSIF") {
        if (blocks.empty()) throw refuse(directive);
        Block& b = blocks.back();
        const bool cond = Evaluator(defaults, rest).condition();
        b.on = b.parent_on && !b.taken && cond;
        b.taken = b.taken || b.on;
      } else if (keyword == "ELSE" && rest.empty()) {
        if (blocks.empty()) throw refuse(directive);
        Block& b = blocks.back();
        b.on = b.parent_on && !b.taken;
        b.taken = true;
      } else if (keyword == "END" && rest.empty()) {
        if (blocks.empty()) throw refuse(directive);
        blocks.pop_back();
      } else {
        const std::string expr = keyword == "GET" ? rest : directive;
        // Every other directive (FOREACH, SET, INCLUDE, ...) starts with a capitalised keyword.
        if (!keyword.empty() && std::isupper(static_cast<unsigned char>(keyword[0])) && keyword != "GET")
          throw refuse(directive);
        std::string value = Evaluator(defaults, expr).output();
        if (on()) out += value;
      }
    } catch (const Unsupported&) {
      throw refuse(directive);
    }
  }
  if (!blocks.empty()) throw refuse("IF without END");
  return out;
}

}  // namespace whm
