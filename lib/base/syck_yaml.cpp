#include "syck_yaml.hpp"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <map>
#include <optional>
#include <set>
#include <string_view>

#include "errors.hpp"
#include "util.hpp"

namespace whm {

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_perl_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }
char fold(char c) { return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c; }

// Whether `s` (from `i`) starts with `word`, in any case; moves `i` past it.
bool take_word(std::string_view s, size_t& i, std::string_view word) {
  if (s.size() - i < word.size()) return false;
  for (size_t k = 0; k < word.size(); ++k)
    if (fold(s[i + k]) != word[k]) return false;
  i += word.size();
  return true;
}

// Perl's grok_infnan, as looks_like_number uses it (nothing may trail but
// white space): "Inf", "Infinity", "NaN", "NaNQ", "qNaN", "nan(123)", and
// the Windows forms "1.#INF", "1.#IND", "1.#QNAN", in any case, signed.
bool is_perl_infnan(std::string_view s, size_t i) {
  const auto rest_is_space = [&](size_t at) {
    while (at < s.size() && is_perl_space(s[at])) ++at;
    return at == s.size();
  };
  if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
  bool windows = false;  // "1.#"
  if (i < s.size() && s[i] == '1') {
    ++i;
    if (i < s.size() && s[i] == '.') ++i;
    if (i >= s.size() || s[i] != '#') return false;
    ++i;
    windows = true;
  }
  if (take_word(s, i, "inf")) {
    if (take_word(s, i, "inity")) return rest_is_space(i);
    if (windows)
      while (i < s.size() && s[i] == '0') ++i;
    return rest_is_space(i);
  }
  if (windows && take_word(s, i, "ind")) {
    while (i < s.size() && s[i] == '0') ++i;
    return rest_is_space(i);
  }
  if (i < s.size() && (fold(s[i]) == 'q' || fold(s[i]) == 's')) ++i;
  if (!take_word(s, i, "nan")) return false;
  if (i < s.size() && (fold(s[i]) == 'q' || fold(s[i]) == 's')) ++i;
  if (i < s.size() && s[i] == '(') {
    const size_t close = s.find(')', i);
    if (close == std::string_view::npos) return false;
    i = close + 1;
  }
  return rest_is_space(i);
}

// Perl's looks_like_number for a string (grok_number): optional white space,
// a sign, digits with an optional fraction (or a fraction alone), an optional
// exponent, white space; or infinity / not-a-number; or "0 but true"; or,
// a quirk of grok_number, a minus sign followed by white space only.
bool perl_looks_like_number(std::string_view s) {
  size_t i = 0;
  while (i < s.size() && is_perl_space(s[i])) ++i;
  if (i == s.size()) return false;
  const size_t signed_start = i;
  if (s[i] == '-' || s[i] == '+') ++i;
  if (i == s.size()) return false;
  const size_t start = i;
  if (is_digit(s[i])) {
    while (i < s.size() && is_digit(s[i])) ++i;
    if (i < s.size() && s[i] == '.')
      for (++i; i < s.size() && is_digit(s[i]);) ++i;
  } else if (s[i] == '.') {
    ++i;
    if (i == s.size() || !is_digit(s[i])) return false;
    while (i < s.size() && is_digit(s[i])) ++i;
  }
  if (i > start && i < s.size() && fold(s[i]) == 'e') {
    ++i;
    if (i < s.size() && (s[i] == '-' || s[i] == '+')) ++i;
    if (i == s.size() || !is_digit(s[i])) return false;
    while (i < s.size() && is_digit(s[i])) ++i;
  }
  const bool digits = i > start;
  while (i < s.size() && is_perl_space(s[i])) ++i;
  if (i == s.size()) return digits || s[signed_start] == '-';  // Perl's quirk: "- " is a number
  if (s == "0 but true") return true;
  const std::string_view infnan_first = "inqs#";
  return i + 2 < s.size() && infnan_first.find(fold(s[i])) != std::string_view::npos && is_perl_infnan(s, signed_start);
}

// YAML::Syck's syck_str_is_unquotable_integer: at most 9 characters (the
// sign counted), no leading zero. Like Syck, it does not look at the first
// character after the sign, so ".5" and "+5" pass as well.
bool syck_unquotable_integer(std::string_view s) {
  if (s.empty() || s.size() > 9) return false;
  if (s == "0") return true;
  if (s[0] == '-') s.remove_prefix(1);
  if (!s.empty() && s[0] == '0') return false;
  for (size_t i = 1; i < s.size(); ++i)
    if (!is_digit(s[i])) return false;
  return true;
}

// The words Syck's implicit typing reads as a boolean or null: written
// unquoted, they would come back as something else. Syck's matcher reads a
// byte above 0x7F as the end of the string (a signed char), so it takes
// "yes\xC3\xA9" for "yes" too; "y" and "n" only count alone.
bool is_bool_or_null_word(std::string_view s) {
  static const std::set<std::string_view> words = {"yes",  "Yes",   "YES",   "no",    "No",   "NO",  "true", "True",
                                                   "TRUE", "false", "False", "FALSE", "on",   "On",  "ON",   "off",
                                                   "Off",  "OFF",   "~",     "null",  "Null", "NULL"};
  if (s == "y" || s == "Y" || s == "n" || s == "N") return true;
  size_t end = 0;
  while (end < s.size() && static_cast<unsigned char>(s[end]) < 0x80) ++end;
  return words.count(s.substr(0, end)) != 0;
}

// Characters whmkit escapes where Syck writes them raw (see the header):
// bytes that are not UTF-8, a carriage return, C1 controls, U+2028, U+2029,
// U+FFFE, U+FFFF.
bool has_unsafe_character(std::string_view s) {
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      if (c == '\r') return true;
      ++i;
      continue;
    }
    const Utf8Char ch = utf8_char_at(s, i);
    if (ch.length == 0 || (ch.code >= 0x80 && ch.code <= 0x9F) || ch.code == 0x2028 || ch.code == 0x2029 ||
        ch.code == 0xFFFE || ch.code == 0xFFFF)
      return true;
    i += ch.length;
  }
  return false;
}

// A plain scalar Syck writes that YAML readers (yaml-cpp, whmkit's; PyYAML)
// refuse or read otherwise, where Syck's scan looks for a space but the
// YAML spec takes a tab as well: a first ",", "-", "?" or ":" followed by a
// tab, ":" followed by a tab, a tab followed by "#"; or a first "," (an
// indicator for YAML, not for Syck).
bool misread_when_plain(std::string_view s) {
  if (s[0] == ',') return true;
  if (s.size() > 1 && (s[0] == '-' || s[0] == '?') && s[1] == '\t') return true;
  return s.find(":\t") != std::string_view::npos || s.find("\t#") != std::string_view::npos;
}

// What syck_scan_scalar notes about a string, as far as it decides the style
// in a block collection (the only kind whmkit writes).
struct Scan {
  bool nonprint = false;    // a control byte other than tab, LF, CR; or DEL
  bool white_edge = false;  // a space or tab at the start, or at the end
  bool newline = false;
  bool indented = false;   // a line break followed by a space or tab
  bool indicator = false;  // starts with an indicator, or holds ": ", " #", a final ":"
};

Scan syck_scan(std::string_view s) {
  Scan scan;
  if (s.empty()) return scan;
  const auto at = [&](size_t i) { return i < s.size() ? s[i] : '\0'; };  // Syck reads the terminating NUL
  const std::string_view always = "[]{}!*&|>'\"#%@`^";
  const std::string_view before_blank = "-:?,";
  if (always.find(s[0]) != std::string_view::npos ||
      (before_blank.find(s[0]) != std::string_view::npos && (at(1) == ' ' || at(1) == '\n' || s.size() == 1)))
    scan.indicator = true;
  scan.white_edge = s[0] == ' ' || s[0] == '\t' || (s.size() > 1 && (s.back() == ' ' || s.back() == '\t'));
  for (size_t i = 0; i < s.size(); ++i) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if ((c < 0x20 && c != '\t' && c != '\n' && c != '\r') || c == 0x7F) {
      scan.nonprint = true;
    } else if (c == '\n') {
      scan.newline = true;
      if (at(i + 1) == ' ' || at(i + 1) == '\t') scan.indented = true;
    } else if ((c == ' ' && at(i + 1) == '#') ||
               (c == ':' && (at(i + 1) == ' ' || at(i + 1) == '\n' || i + 1 == s.size()))) {
      scan.indicator = true;
    }
  }
  return scan;
}

enum class Style { Plain, Single, Double };

// The style syck_emit_scalar picks for `s`, in a block mapping or sequence.
// `single` is what perl_syck.h asks for numbers that are not plain integers
// and the empty string (otherwise the emitter chooses); keys that are not
// plain are double-quoted.
Style syck_style(std::string_view s, bool single, bool key) {
  if (has_unsafe_character(s)) return Style::Double;  // whmkit's own rule
  const Scan scan = syck_scan(s);
  // Syck's literal style is written double-quoted; "Free" is the emitter's choice.
  enum { Free, Plain, Single, Double } style = single ? Single : Free;
  if (is_bool_or_null_word(s)) style = Single;
  if (style == Free) style = scan.newline ? Double : Plain;
  if (scan.nonprint)
    style = Double;
  else if (style != Single && scan.white_edge)
    style = Double;
  else if (scan.indented)
    style = Double;
  else if (style == Plain && (scan.newline || scan.indicator))
    style = Double;
  if (key && style != Plain) style = Double;
  if (style == Plain && s[0] == ':') style = Double;            // for Ruby, which reads ":a" as a symbol
  if (style == Plain && misread_when_plain(s)) style = Double;  // whmkit's own rule
  return style == Plain ? Style::Plain : style == Single ? Style::Single : Style::Double;
}

// Syck's single-quoted form: ' doubled, and each line break written as a
// blank line (or as one more line break in a run of them), so it reads back.
std::string single_quoted(std::string_view s) {
  std::string out = "'";
  size_t line_start = 0;
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '\'') {
      out += "''";
    } else if (s[i] == '\n') {
      out += (line_start == 0 || s[line_start] != '\n') ? "\n\n" : "\n";
      line_start = i + 1;
    } else {
      out += s[i];
    }
  }
  return out + "'";
}

// YAML::Syck's double-quoted form: the named escapes, and \xNN (upper-case
// hex) for every other byte outside printable ASCII, so the bytes of a
// non-ASCII character are escaped one by one and bytes that are not UTF-8
// come back as they were from Syck's reader. The text is then plain ASCII,
// which every YAML reader accepts.
std::string double_quoted(std::string_view s) {
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

std::string styled(std::string_view s, Style style) {
  switch (style) {
    case Style::Plain: return std::string(s);
    case Style::Single: return single_quoted(s);
    case Style::Double: return double_quoted(s);
  }
  return {};
}

// A string, as perl_syck.h hands it to the emitter: one that Perl takes for
// a number is plain only if it is a short integer, quoted otherwise.
std::string string_scalar(std::string_view s, bool key = false) {
  const bool single = perl_looks_like_number(s) ? !syck_unquotable_integer(s) : s.empty();
  return styled(s, syck_style(s, single, key));
}

// An integer: plain if short, else single-quoted, as perl_syck.h writes a
// Perl integer.
std::string integer_scalar(const std::string& digits) {
  return syck_unquotable_integer(digits) ? digits : single_quoted(digits);
}

// A floating-point number, as Perl holds it after JSON::PP decoded what
// whmkit's JSON writer prints for it: "1.5" and "1000.0" are Perl floats,
// which Syck quotes in Perl's "%.15g" form ('1.5', '1000'); an exponent
// without a fraction ("1e+16") gives Perl an integer when the value is one.
std::string float_scalar(double d) {
  if (!std::isfinite(d)) return "~";  // JSON has no infinity: the JSON writer prints null
  const std::string json_text = nlohmann::json(d).dump();
  const bool exponent_only = json_text.find('.') == std::string::npos;
  if (exponent_only && std::floor(d) == d) {
    if (d >= -9223372036854775808.0 && d < 9223372036854775808.0)
      return integer_scalar(std::to_string(static_cast<long long>(d)));
    if (d >= 0 && d < 18446744073709551616.0) return integer_scalar(std::to_string(static_cast<unsigned long long>(d)));
  }
  if (d == 0) return single_quoted("0");  // Perl prints -0.0 as 0
  char buf[32];
  snprintf(buf, sizeof buf, "%.15g", d);
  return single_quoted(buf);
}

std::string scalar(const nlohmann::json& v) {
  switch (v.type()) {
    case nlohmann::json::value_t::null: return "~";
    case nlohmann::json::value_t::boolean: return v.get<bool>() ? "1" : "0";  // cPanel's data holds 1 and 0
    case nlohmann::json::value_t::number_integer: return integer_scalar(std::to_string(v.get<long long>()));
    case nlohmann::json::value_t::number_unsigned: return integer_scalar(std::to_string(v.get<unsigned long long>()));
    case nlohmann::json::value_t::number_float: return float_scalar(v.get<double>());
    default: return string_scalar(v.get_ref<const std::string&>());
  }
}

bool is_empty_container(const nlohmann::json& v) { return (v.is_object() || v.is_array()) && v.empty(); }

// An empty collection is written inline, and Syck ends its line with a
// blank one: "a: []\n\n".
const char* empty_container(const nlohmann::json& v) { return v.is_object() ? "{}\n\n" : "[]\n\n"; }

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
      out += " ";
      out += empty_container(nlohmann::json::array());
    }
    return;
  }
  out += ' ';
  if (is_empty_container(v)) {
    out += empty_container(v);
  } else if (v.is_object() || v.is_array()) {
    out += "\n";
    emit(v, indent, out, hook);
  } else {
    out += scalar(v) + "\n";
  }
}

// A key that, at the start of a line, reads as a document marker ("---" or
// "..." alone or before a blank): Syck writes it plain there, and every
// reader, Syck's own included, then starts or ends a document.
bool reads_as_document_marker(std::string_view key) {
  if (key.substr(0, 3) != "---" && key.substr(0, 3) != "...") return false;
  return key.size() == 3 || key[3] == ' ' || key[3] == '\t';
}

void emit(const nlohmann::json& node, size_t indent, std::string& out, const Hook& hook) {
  std::string pad(indent, ' ');
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {  // nlohmann::json keeps keys sorted
      const std::string& key = it.key();
      const bool marker = indent == 0 && reads_as_document_marker(key);  // whmkit's own rule
      out += pad + (marker ? styled(key, Style::Double) : string_scalar(key, true)) + ":";
      emit_value(it.value(), indent + 2, out, hook);
    }
  } else {
    for (const auto& item : node) {
      out += pad + "-";
      emit_value(item, indent + 2, out, hook);
    }
  }
}

// Where the quoted text of a node that starts at text[pos] opens: past its
// anchor or tag, if it has one ("&id001 " or "!!str "); npos if nowhere.
size_t past_anchor_and_tag(const std::string& text, size_t pos) {
  while (pos < text.size() && (text[pos] == '&' || text[pos] == '!')) {
    pos = text.find_first_of(" \t", pos);
    if (pos == std::string::npos) return pos;
    pos = text.find_first_not_of(" \t", pos);
  }
  return pos < text.size() ? pos : std::string::npos;
}

// The double-quoted scalar that opens at text[pos], read as YAML::Syck reads
// it: "\xNN" is the byte NN (yaml-cpp would make it the character U+00NN, so
// "caf\xC3\xA9" would come back as "cafÃ©"). nullopt for what Syck never
// writes (a line break inside the quotes, an unknown escape): yaml-cpp's
// reading is used then.
std::optional<std::string> syck_double_quoted(const std::string& text, size_t pos) {
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

// The single-quoted scalar that opens at text[pos], read as YAML::Syck reads
// it: '' is a quote; a line break followed by N empty lines is N line breaks
// (one alone is a space), and the white space that starts the next line is
// dropped. Unlike yaml-cpp, which drops the empty lines before the closing
// quote ('5\n\n\n' is "5\n\n", as Syck writes it), and like Syck, the white
// space before a line break is kept. nullopt without a closing quote.
std::optional<std::string> syck_single_quoted(const std::string& text, size_t pos) {
  std::string out;
  const auto is_break = [&](size_t i) { return i < text.size() && (text[i] == '\n' || text[i] == '\r'); };
  const auto skip_break = [&](size_t i) { return text.compare(i, 2, "\r\n") == 0 ? i + 2 : i + 1; };
  for (size_t i = pos + 1; i < text.size();) {
    if (text[i] == '\'') {
      if (i + 1 < text.size() && text[i + 1] == '\'') {
        out += '\'';
        i += 2;
        continue;
      }
      return out;
    }
    if (!is_break(i)) {
      out += text[i++];
      continue;
    }
    size_t breaks = 0;
    while (true) {  // this break, and the empty (or blank) lines after it
      i = skip_break(i);
      ++breaks;
      size_t next = i;
      while (next < text.size() && (text[next] == ' ' || text[next] == '\t')) ++next;
      i = next;
      if (!is_break(i)) break;
    }
    out += breaks == 1 ? std::string(" ") : std::string(breaks - 1, '\n');
  }
  return std::nullopt;
}

std::string scalar_text(const YAML::Node& n, const std::string& text) {
  if (n.Tag() == "!") {  // quoted
    const size_t at = past_anchor_and_tag(text, n.Mark().pos);
    std::optional<std::string> bytes;
    if (at != std::string::npos && text[at] == '"') bytes = syck_double_quoted(text, at);
    if (at != std::string::npos && text[at] == '\'') bytes = syck_single_quoted(text, at);
    if (bytes) return *bytes;
  }
  return n.Scalar();
}

// A plain scalar written the way a number is: an integer without a sign or
// leading zeros (Syck writes "+5" and "007" as they are, and reads them as
// text).
bool is_canonical_integer(const std::string& s) {
  const std::string_view digits = std::string_view(s).substr(!s.empty() && s[0] == '-' ? 1 : 0);
  return is_digits(digits) && (digits == "0" ? s == "0" : digits[0] != '0');
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
        if (is_canonical_integer(s))
          if (auto i = parse_int(s)) return *i;
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
  if (is_empty_container(doc)) return out + empty_container(doc);
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

nlohmann::json as_perl_scalars(const nlohmann::json& v) {
  if (v.is_structured()) {
    nlohmann::json out = v.is_object() ? nlohmann::json::object() : nlohmann::json::array();
    for (auto it = v.begin(); it != v.end(); ++it)
      if (v.is_object())
        out[it.key()] = as_perl_scalars(it.value());
      else
        out.push_back(as_perl_scalars(it.value()));
    return out;
  }
  if (v.is_number_unsigned()) return std::to_string(v.get<unsigned long long>());
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  return v;
}

}  // namespace whm
