#include "syck_yaml.hpp"

#include <yaml-cpp/yaml.h>

#include <map>
#include <optional>

#include "errors.hpp"
#include "util.hpp"

namespace whm {

namespace {

bool looks_like_number(const std::string& s) {
  if (s.empty()) return false;
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  bool digit = false, dot = false;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9')
      digit = true;
    else if (s[i] == '.' && !dot)
      dot = true;
    else
      return false;
  }
  return digit;
}

bool is_yaml_keyword(const std::string& s) {
  static const char* words[] = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"};
  std::string l = to_lower(s);
  for (auto* w : words)
    if (l == w) return true;
  return false;
}

// Characters a YAML stream cannot carry as they are, or that a YAML 1.1
// reader takes for line breaks: the C1 controls (U+0080..U+009F, NEL among
// them), U+2028, U+2029, and the non-characters U+FFFE and U+FFFF.
bool is_unsafe_character(char32_t c) {
  return (c >= 0x80 && c <= 0x9F) || c == 0x2028 || c == 0x2029 || c == 0xFFFE || c == 0xFFFF;
}

// True if `s` can only be written double-quoted, with escapes: a control byte,
// DEL, bytes that are not UTF-8, or an unsafe character. As in YAML::Syck, a
// tab inside the string is no reason (one at either end is). Syck also writes
// a carriage return as it is, which its own reader and every other one then
// take for a line break: whmkit escapes it.
bool needs_escapes(const std::string& s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      const bool inner_tab = c == '\t' && i != 0 && i + 1 != s.size();
      if (c == 0x7F || (c < 0x20 && !inner_tab)) return true;
      ++i;
      continue;
    }
    const Utf8Char ch = utf8_char_at(s, i);
    if (ch.length == 0 || is_unsafe_character(ch.code)) return true;
    i += ch.length;
  }
  return false;
}

bool needs_quotes(const std::string& s) {
  if (s.empty() || looks_like_number(s) || is_yaml_keyword(s)) return true;
  if (s.front() == ' ' || s.back() == ' ') return true;
  static const std::string bad_first = "-?:,[]{}#&*!|>'\"%@`";
  if (bad_first.find(s.front()) != std::string::npos) return true;
  // ": " starts a value and " #" a comment, a tab counting as the blank.
  for (const char* marker : {": ", ":\t", " #", "\t#"})
    if (s.find(marker) != std::string::npos) return true;
  return s.back() == ':' || needs_escapes(s);
}

// YAML::Syck's double-quoted form: the named escapes, and \xNN (upper-case
// hex) for every other byte outside printable ASCII, so the bytes of a
// non-ASCII character are escaped one by one and bytes that are not UTF-8
// come back as they were from Syck's reader. The text is then plain ASCII,
// which every YAML reader accepts.
std::string double_quoted(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\0': out += "\\0"; break;
      case '\a': out += "\\a"; break;
      case '\b': out += "\\b"; break;
      case '\t': out += "\\t"; break;
      case '\n': out += "\\n"; break;
      case '\v': out += "\\v"; break;
      case '\f': out += "\\f"; break;
      case '\r': out += "\\r"; break;
      case 0x1B: out += "\\e"; break;
      default:
        if (c < 0x20 || c >= 0x7F) {
          char buf[8];
          snprintf(buf, sizeof buf, "\\x%02X", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string scalar(const nlohmann::json& v) {
  if (v.is_null()) return "~";
  if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
  if (v.is_number()) return v.dump();
  const auto& s = v.get_ref<const std::string&>();
  if (!needs_quotes(s)) return s;
  bool simple = !needs_escapes(s);
  for (unsigned char c : s)
    if (c == '\t' || c == '\'' || c == '"' || c == '\\') simple = false;
  return simple ? "'" + s + "'" : double_quoted(s);
}

bool is_empty_container(const nlohmann::json& v) { return (v.is_object() || v.is_array()) && v.empty(); }

struct Hook {
  const nlohmann::json* at = nullptr;
  const std::function<void(const std::function<void(const nlohmann::json&)>&)>* produce = nullptr;
  const std::function<void(std::string&)>* flush = nullptr;
};

void emit(const nlohmann::json& node, size_t indent, std::string& out, const Hook& hook = {});

// Writes what follows "key:" or "-": a scalar on the same line, or a block below.
void emit_value(const nlohmann::json& v, size_t indent, std::string& out, const Hook& hook = {}) {
  if (hook.at && &v == hook.at) {  // a streamed list
    size_t mark = out.size();
    bool any = false;
    out += " \n";
    std::string pad(indent, ' ');
    (*hook.produce)([&](const nlohmann::json& record) {
      any = true;
      out += pad + "-";
      emit_value(record, indent + 2, out);
      (*hook.flush)(out);
    });
    if (!any) {  // nothing was flushed: an empty list
      out.resize(mark);
      out += " []\n";
    }
    return;
  }
  if (is_empty_container(v)) {
    out += v.is_object() ? " {}\n" : " []\n";
  } else if (v.is_object() || v.is_array()) {
    out += " \n";
    emit(v, indent, out, hook);
  } else {
    out += " " + scalar(v) + "\n";
  }
}

void emit(const nlohmann::json& node, size_t indent, std::string& out, const Hook& hook) {
  std::string pad(indent, ' ');
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {  // nlohmann::json keeps keys sorted
      std::string key = needs_quotes(it.key()) ? scalar(nlohmann::json(it.key())) : it.key();
      out += pad + key + ":";
      emit_value(it.value(), indent + 2, out, hook);
    }
  } else {
    for (const auto& item : node) {
      out += pad + "-";
      emit_value(item, indent + 2, out, hook);
    }
  }
}

// The double-quoted scalar that starts at text[pos], read as YAML::Syck reads
// it: "\xNN" is the byte NN (yaml-cpp would make it the character U+00NN, so
// "caf\xC3\xA9" would come back as "cafÃ©"). nullopt for what Syck never
// writes (a line break inside the quotes, an unknown escape): yaml-cpp's
// reading is used then.
std::optional<std::string> syck_double_quoted(const std::string& text, size_t pos) {
  // The node starts at its anchor or tag, if it has one ("&id001 " or "!!str ").
  while (pos < text.size() && (text[pos] == '&' || text[pos] == '!')) {
    pos = text.find_first_of(" \t", pos);
    if (pos == std::string::npos) return std::nullopt;
    pos = text.find_first_not_of(" \t", pos);
  }
  if (pos >= text.size() || text[pos] != '"') return std::nullopt;
  const auto hex = [&](size_t at, size_t digits) -> std::optional<char32_t> {
    if (at + digits > text.size()) return std::nullopt;
    char32_t v = 0;
    for (size_t k = 0; k < digits; ++k) {
      const char c = text[at + k];
      const int d = c >= '0' && c <= '9'   ? c - '0'
                    : c >= 'a' && c <= 'f' ? c - 'a' + 10
                    : c >= 'A' && c <= 'F' ? c - 'A' + 10
                                           : -1;
      if (d < 0) return std::nullopt;
      v = v * 16 + static_cast<char32_t>(d);
    }
    return v;
  };
  static const std::map<char, std::string> kNamed = {{'0', std::string(1, '\0')},
                                                     {'a', "\a"},
                                                     {'b', "\b"},
                                                     {'t', "\t"},
                                                     {'\t', "\t"},
                                                     {'n', "\n"},
                                                     {'v', "\v"},
                                                     {'f', "\f"},
                                                     {'r', "\r"},
                                                     {'e', "\x1b"},
                                                     {' ', " "},
                                                     {'"', "\""},
                                                     {'/', "/"},
                                                     {'\\', "\\"},
                                                     {'N', "\xc2\x85"},
                                                     {'_', "\xc2\xa0"},
                                                     {'L', "\xe2\x80\xa8"},
                                                     {'P', "\xe2\x80\xa9"}};
  std::string out;
  for (size_t i = pos + 1; i < text.size(); ++i) {
    const char c = text[i];
    if (c == '"') return out;
    if (c == '\n' || c == '\r') return std::nullopt;
    if (c != '\\') {
      out += c;
      continue;
    }
    if (++i >= text.size()) return std::nullopt;
    const char e = text[i];
    if (auto named = kNamed.find(e); named != kNamed.end()) {
      out += named->second;
    } else if (e == 'x') {
      auto v = hex(i + 1, 2);
      if (!v) return std::nullopt;
      out += static_cast<char>(*v);
      i += 2;
    } else if (e == 'u' || e == 'U') {
      const size_t digits = e == 'u' ? 4 : 8;
      auto v = hex(i + 1, digits);
      if (!v || *v > 0x10FFFF) return std::nullopt;
      out += utf8_encode(*v);
      i += digits;
    } else {
      return std::nullopt;
    }
  }
  return std::nullopt;  // no closing quote
}

std::string scalar_text(const YAML::Node& n, const std::string& text) {
  if (n.Tag() == "!")  // quoted
    if (auto bytes = syck_double_quoted(text, n.Mark().pos)) return *bytes;
  return n.Scalar();
}

// Deeper than any file whmkit or cPanel writes; an alias inside its own
// anchor ("&a [*a]") would otherwise recurse until the stack overflows.
constexpr int kMaxDepth = 128;
const std::string kTooDeep = "it nests deeper than " + std::to_string(kMaxDepth) + " levels, or refers to itself";

nlohmann::json node_to_json(const YAML::Node& n, const std::string& text, int depth = 0) {
  if (depth > kMaxDepth) throw ApiError("Invalid YAML: " + kTooDeep + ".");
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return nullptr;
    case YAML::NodeType::Sequence: {
      auto arr = nlohmann::json::array();
      for (const auto& item : n) arr.push_back(node_to_json(item, text, depth + 1));
      return arr;
    }
    case YAML::NodeType::Map: {
      auto obj = nlohmann::json::object();
      for (const auto& kv : n)
        obj[kv.first.IsScalar() ? scalar_text(kv.first, text) : kv.first.as<std::string>()] =
            node_to_json(kv.second, text, depth + 1);
      return obj;
    }
    case YAML::NodeType::Scalar: {
      if (n.Tag() == "?") {  // plain (unquoted) scalar
        const std::string& s = n.Scalar();
        if (s == "~") return nullptr;
        if (auto i = parse_int(s); i && (s == "0" || s[0] != '0')) return *i;
        return s;
      }
      return scalar_text(n, text);
    }
  }
  return nullptr;
}

}  // namespace

std::string syck_dump(const nlohmann::json& doc) {
  std::string out = "--- ";
  if (is_empty_container(doc)) return out + (doc.is_object() ? "{}\n" : "[]\n");
  if (!doc.is_object() && !doc.is_array()) return out + scalar(doc) + "\n";
  out += "\n";
  emit(doc, 0, out);
  return out;
}

void syck_dump_to(const nlohmann::json& doc, std::string& out, const nlohmann::json* hook_at,
                  const std::function<void(const std::function<void(const nlohmann::json&)>&)>& produce,
                  const std::function<void(std::string&)>& flush) {
  if (!hook_at) {
    out += syck_dump(doc);
    return;
  }
  out += "--- \n";
  emit(doc, 0, out, Hook{hook_at, &produce, &flush});
}

nlohmann::json yaml_to_json(const std::string& with_bom) {
  // Without a byte order mark, the nodes' positions are offsets into `text`.
  const std::string text = starts_with(with_bom, "\xEF\xBB\xBF") ? with_bom.substr(3) : with_bom;
  try {
    return node_to_json(YAML::Load(text), text);
  } catch (const YAML::Exception& e) {
    throw ApiError(std::string("Invalid YAML: ") + e.what());
  }
}

FileProblems yaml_problems(const std::string& text) {
  FileProblems problems;
  check_final_newline(text, problems);
  if (text.find('\0') != std::string::npos) problems.push_back("it holds a NUL byte");
  try {
    const auto documents = YAML::LoadAll(text);
    if (documents.size() > 1) problems.push_back("it holds " + std::to_string(documents.size()) + " YAML documents");
    for (const auto& doc : documents) node_to_json(doc, text);
  } catch (const ApiError&) {
    problems.push_back(kTooDeep);
  } catch (const YAML::Exception& e) {
    const std::string why = "is not valid YAML (" + e.msg + ")";
    problems.push_back(e.mark.is_null() ? "it " + why : line_problem(static_cast<size_t>(e.mark.line) + 1, why));
  }
  return problems;
}

FileProblems yaml_mapping_problems(const std::string& text) {
  FileProblems problems = yaml_problems(text);
  if (problems.empty() && !trim(text).empty()) {
    const auto doc = yaml_to_json(text);
    if (!doc.is_object() && !doc.is_null()) problems.push_back("it does not hold a YAML mapping");
  }
  return problems;
}

}  // namespace whm
