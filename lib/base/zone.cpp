#include "zone.hpp"

#include <arpa/inet.h>
#include <algorithm>
#include <cstdio>
#include <map>

#include "errors.hpp"
#include "util.hpp"

namespace whm {

namespace {

constexpr long kMaxSerial = 4294967295L;  // the SOA serial is 32 bits

struct Token {
  std::string_view text;  // raw, quotes included (a view into the entry's text)
  size_t offset;
};

// The bytes that end an unquoted token.
bool is_delimiter(char c) {
  switch (c) {
    case ' ':
    case '\t':
    case '\n':
    case '\r':
    case '(':
    case ')':
    case ';':
    case '"': return true;
    default: return false;
  }
}

// Splits one entry (maybe several physical lines) into tokens, skipping
// comments and parentheses; quoted strings stay one token.
std::vector<Token> tokenize(const std::string& s) {
  std::vector<Token> out;
  out.reserve(8);
  size_t i = 0;
  while (i < s.size()) {
    char c = s[i];
    if (c == ';') {  // comment to end of line
      while (i < s.size() && s[i] != '\n') ++i;
      continue;
    }
    if (c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '(' || c == ')') {
      ++i;
      continue;
    }
    size_t start = i;
    if (c == '"') {
      ++i;
      while (i < s.size() && s[i] != '"') i += (s[i] == '\\' && i + 1 < s.size()) ? 2 : 1;
      if (i >= s.size()) throw ApiError("unterminated quoted string");
      ++i;
    } else {
      while (i < s.size() && !is_delimiter(s[i])) i += (s[i] == '\\' && i + 1 < s.size()) ? 2 : 1;
    }
    out.push_back({std::string_view(s).substr(start, i - start), start});
  }
  return out;
}

// Parenthesis depth change of a physical line (outside quotes and comments).
int paren_delta(std::string_view line) {
  int d = 0;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (quoted) {
      if (c == '\\')
        ++i;
      else if (c == '"')
        quoted = false;
    } else if (c == '"')
      quoted = true;
    else if (c == ';')
      break;
    else if (c == '(')
      ++d;
    else if (c == ')')
      --d;
  }
  return d;
}

// A character string as the zone file writes it -> its bytes: the quotes go,
// and \X and \DDD escapes become the byte they stand for.
std::string decode_string(std::string_view t) {
  bool quoted = t.size() >= 2 && t.front() == '"' && t.back() == '"';
  size_t begin = quoted ? 1 : 0, end = quoted ? t.size() - 1 : t.size();
  auto digit = [&](size_t i) { return isdigit(static_cast<unsigned char>(t[i])) != 0; };
  std::string out;
  for (size_t i = begin; i < end; ++i) {
    if (t[i] != '\\' || i + 1 >= end) {
      out += t[i];
    } else if (i + 3 < end && digit(i + 1) && digit(i + 2) && digit(i + 3)) {
      int byte = std::stoi(std::string(t.substr(i + 1, 3)));
      if (byte > 255) throw ApiError("the escape \\" + std::string(t.substr(i + 1, 3)) + " is not a byte");
      out += static_cast<char>(byte);
      i += 3;
    } else {
      out += t[++i];
    }
  }
  return out;
}

std::optional<long> parse_ttl(std::string_view t) {
  if (t.empty() || !isdigit(static_cast<unsigned char>(t[0]))) return std::nullopt;
  long total = 0, cur = 0;
  bool any_unit = false;
  for (char c : t) {
    if (isdigit(static_cast<unsigned char>(c))) {
      cur = cur * 10 + (c - '0');
      if (cur > 2147483647L) return std::nullopt;
      continue;
    }
    static const std::map<char, long> units = {{'s', 1}, {'m', 60}, {'h', 3600}, {'d', 86400}, {'w', 604800}};
    auto u = units.find(static_cast<char>(tolower(c)));
    if (u == units.end()) return std::nullopt;
    total += cur * u->second;
    cur = 0;
    any_unit = true;
  }
  return any_unit ? total + cur : cur;
}

bool is_class(std::string_view t) {
  if (t.size() != 2) return false;
  char a = static_cast<char>(toupper(static_cast<unsigned char>(t[0])));
  char b = static_cast<char>(toupper(static_cast<unsigned char>(t[1])));
  return (a == 'I' && b == 'N') || (a == 'C' && b == 'H') || (a == 'H' && b == 'S') || (a == 'C' && b == 'S');
}

std::string upper(std::string_view v) {
  std::string s(v);
  for (auto& c : s) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  return s;
}

// CAA in RFC 3597 form ("\# len hex") <-> presentation (flags tag value).
std::vector<std::string> caa_from_generic(const std::vector<std::string>& rdata) {
  if (rdata.size() < 2 || rdata[0] != "\\#") return rdata;
  std::string hex;
  for (size_t i = 2; i < rdata.size(); ++i) hex += rdata[i];
  if (hex.size() % 2 ||
      !std::all_of(hex.begin(), hex.end(), [](char c) { return isxdigit(static_cast<unsigned char>(c)); }))
    return rdata;  // not RFC 3597 data we can read: keep the tokens
  std::string bytes;
  for (size_t i = 0; i + 1 < hex.size(); i += 2) bytes += static_cast<char>(std::stoi(hex.substr(i, 2), nullptr, 16));
  if (bytes.size() < 2) return rdata;
  size_t taglen = static_cast<unsigned char>(bytes[1]);
  if (bytes.size() < 2 + taglen) return rdata;
  return {std::to_string(static_cast<unsigned char>(bytes[0])), bytes.substr(2, taglen), bytes.substr(2 + taglen)};
}

std::string caa_to_generic(const std::vector<std::string>& rdata) {
  std::string bytes;
  bytes += static_cast<char>(std::stoi(rdata.at(0)));
  bytes += static_cast<char>(rdata.at(1).size());
  bytes += rdata.at(1) + rdata.at(2);
  std::string hex;
  char buf[4];
  for (unsigned char b : bytes) {
    snprintf(buf, sizeof buf, "%02X", b);
    hex += buf;
  }
  return "\\# " + std::to_string(bytes.size()) + " " + hex;
}

std::string quote_txt(const std::string& s) {
  // Character strings of at most 255 bytes, as the wire format needs; the
  // escapes added here are not bytes of the string.
  std::string out;
  for (size_t pos = 0; pos < s.size() || pos == 0; pos += 255) {
    std::string chunk = s.substr(pos, 255), q = "\"";
    for (char c : chunk) {
      if (c == '"' || c == '\\') q += '\\';
      q += c;
    }
    if (!out.empty()) out += " ";
    out += q + "\"";
    if (s.empty()) break;
  }
  return out;
}

bool valid_hostname(const std::string& h, bool allow_wildcard) {
  if (h.empty() || h.size() > 254) return false;
  std::string s = h.back() == '.' ? h.substr(0, h.size() - 1) : h;
  if (s.empty()) return h == ".";
  for (const auto& label : split(s, '.')) {
    if (label.empty() || label.size() > 63) return false;
    if (label == "*" && allow_wildcard) continue;
    for (char c : label)
      if (!(isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_')) return false;
  }
  return true;
}

bool inside_zone(const std::string& origin, const std::string& name) {
  return name == origin + "." || ends_with(name, "." + origin + ".");
}

// The bytes a record's data takes on the wire, for the types with free-form
// data (the others are small by construction).
size_t rdata_wire_size(const ZoneRecord& r) {
  size_t total = 0;
  if (r.type == "TXT" || r.type == "SPF") {
    for (const auto& s : r.rdata) total += s.size() + std::max<size_t>(1, (s.size() + 254) / 255);
  } else if (r.type == "CAA" && r.rdata.size() == 3) {
    total = 2 + r.rdata[1].size() + r.rdata[2].size();
  }
  return total;
}

std::optional<std::string> control_character(const std::string& v) {
  for (unsigned char c : v)
    if (c < 0x20 || c == 0x7f) return "it contains a line break or control character.";
  return std::nullopt;
}

// What is wrong with one data field's value, or nullopt.
std::optional<std::string> field_problem(const RdataField& f, const std::string& v) {
  unsigned char buf[16];
  switch (f.kind) {
    case RdataField::IPv4:
      if (inet_pton(AF_INET, v.c_str(), buf) != 1) return "“" + v + "” is not an IPv4 address.";
      break;
    case RdataField::IPv6:
      if (inet_pton(AF_INET6, v.c_str(), buf) != 1) return "“" + v + "” is not an IPv6 address.";
      break;
    case RdataField::Host:  // "@" (the zone itself) only comes from a zone file: given names get a trailing "."
      if (v != "@" && !valid_hostname(v, false)) return "“" + v + "” is not a host name.";
      break;
    case RdataField::Number: {
      auto n = parse_int(v);
      if (!n || *n < 0 || *n > f.max) return "“" + v + "” is not a number from 0 to " + std::to_string(f.max) + ".";
      break;
    }
    case RdataField::CaaTag:
      if (v.empty() || v.size() > 15 ||
          !std::all_of(v.begin(), v.end(), [](char c) { return isalnum(static_cast<unsigned char>(c)); }))
        return "“" + v + "” is not a CAA tag (1 to 15 letters and digits).";
      break;
    case RdataField::CaaValue:
    case RdataField::Strings: return control_character(v);
  }
  return std::nullopt;
}

// The problems of a record's data alone (not its name, TTL or class).
std::optional<RecordProblem> data_problem(const ZoneRecord& r) {
  const auto& fields = rdata_fields(r.type);
  if (fields.empty()) return RecordProblem{"type", "whmkit cannot write “" + r.type + "” records."};
  if (fields[0].kind == RdataField::Strings) {
    if (r.rdata.empty()) return RecordProblem{fields[0].name, "a " + r.type + " record needs text."};
    for (const auto& s : r.rdata)
      if (auto why = field_problem(fields[0], s)) return RecordProblem{fields[0].name, *why};
  } else {
    if (r.rdata.size() != fields.size())
      return RecordProblem{fields[std::min(r.rdata.size(), fields.size() - 1)].name,
                           "a " + r.type + " record has " + std::to_string(fields.size()) + " data field(s), not " +
                               std::to_string(r.rdata.size()) + "."};
    for (size_t i = 0; i < fields.size(); ++i)
      if (auto why = field_problem(fields[i], r.rdata[i])) return RecordProblem{fields[i].name, *why};
  }
  size_t size = rdata_wire_size(r);
  if (size > kMaxRdataBytes)
    return RecordProblem{fields.back().name, "the record's data would take " + std::to_string(size) +
                                                 " bytes; a DNS record carries at most " +
                                                 std::to_string(kMaxRdataBytes) + " bytes of data."};
  return std::nullopt;
}

// What the entries before the one being read set: $ORIGIN, $TTL, and the
// last owner (a record line that starts with a blank belongs to it).
struct ParseContext {
  std::string origin;  // the current $ORIGIN, absolute
  std::string last_owner;
  long default_ttl = 14400;
};

// A name as written in the zone -> absolute, relative to the current $ORIGIN.
std::string resolve_name(const ParseContext& ctx, std::string_view n) {
  if (n == "@") return ctx.origin;
  if (!n.empty() && n.back() == '.') return to_lower(n);
  const bool root = ctx.origin == ".";
  std::string out;
  out.reserve(n.size() + 1 + (root ? 0 : ctx.origin.size()));
  for (char c : n) out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  out += '.';
  if (!root) out += ctx.origin;
  return out;
}

std::vector<std::string> lines_of(const std::string& text) {
  auto lines = split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  return lines;
}

// The physical lines of `text` as views into it (no copy of a large zone's lines).
std::vector<std::string_view> line_views(const std::string& text) {
  std::vector<std::string_view> lines;
  lines.reserve(static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + 1);
  size_t start = 0;
  while (start < text.size()) {
    size_t nl = text.find('\n', start);
    if (nl == std::string::npos) nl = text.size();
    lines.emplace_back(text.data() + start, nl - start);
    start = nl + 1;
  }
  return lines;  // as split() less its empty last item: "a\n" is one line, "a\n\n" two
}

// One past the last physical line of the entry that starts at `first`:
// parentheses can carry an entry over several lines (the SOA).
size_t entry_end(const std::vector<std::string_view>& lines, size_t first) {
  int depth = paren_delta(lines[first]);
  size_t end = first + 1;
  while (depth > 0 && end < lines.size()) depth += paren_delta(lines[end++]);
  return end;
}

Zone::Entry entry_from_lines(const std::vector<std::string_view>& lines, size_t first, size_t end) {
  Zone::Entry e;
  e.line = static_cast<int>(first) + 1;
  if (end == first + 1) {
    e.text.assign(lines[first].data(), lines[first].size());
    return e;
  }
  for (size_t i = first; i < end; ++i) {
    if (i != first) e.text += '\n';
    e.text.append(lines[i].data(), lines[i].size());
  }
  return e;
}

// Reads one entry's text: its kind, and for a record its fields and where
// the SOA serial is. Throws ApiError saying what is wrong.
void read_entry(Zone::Entry& e, ParseContext& ctx) {
  auto tokens = tokenize(e.text);
  if (tokens.empty()) {
    e.kind = trim(e.text).empty() ? Zone::Entry::Blank : Zone::Entry::Comment;
    return;
  }
  if (tokens[0].text[0] == '$') {
    e.kind = Zone::Entry::Directive;
    std::string d = upper(tokens[0].text);
    if ((d == "$ORIGIN" || d == "$TTL") && tokens.size() < 2) throw ApiError(d + " needs a value");
    if (d == "$ORIGIN") ctx.origin = resolve_name(ctx, tokens[1].text);
    if (d == "$TTL") {
      auto ttl = parse_ttl(tokens[1].text);
      if (!ttl) throw ApiError("“" + std::string(tokens[1].text) + "” is not a TTL");
      ctx.default_ttl = *ttl;
    }
    return;
  }
  e.kind = Zone::Entry::Record;
  ZoneRecord& r = e.record;
  size_t idx = 0;
  r.name = ctx.last_owner;
  if (e.text[0] != ' ' && e.text[0] != '\t') r.name = resolve_name(ctx, tokens[idx++].text);
  r.ttl = ctx.default_ttl;
  for (; idx < tokens.size(); ++idx) {
    if (auto t = parse_ttl(tokens[idx].text))
      r.ttl = *t;
    else if (is_class(tokens[idx].text))
      r.klass = upper(tokens[idx].text);
    else
      break;
  }
  if (idx >= tokens.size()) throw ApiError("missing record type");
  r.type = upper(tokens[idx].text);
  size_t first_rdata = idx + 1;
  for (size_t k = first_rdata; k < tokens.size(); ++k) {
    const std::string_view t = tokens[k].text;
    r.rdata.push_back(r.type == "TXT" || r.type == "SPF" ? decode_string(t) : std::string(t));
  }
  if (r.type == "TYPE257") {
    r.type = "CAA";
    r.rdata = caa_from_generic(r.rdata);
  } else if (r.type == "CAA" && r.rdata.size() == 3) {
    r.rdata[2] = decode_string(r.rdata[2]);
  }
  // The flag is written back as a byte ("\# ..."): "01" reads back as "1", so keep it as "1" now.
  if (r.type == "CAA" && !r.rdata.empty())
    if (auto flag = parse_int(r.rdata[0]); flag && *flag >= 0 && *flag <= 255) r.rdata[0] = std::to_string(*flag);
  if (r.type == "SOA") {
    if (tokens.size() < first_rdata + 7) throw ApiError("incomplete SOA record");
    auto serial = parse_int(tokens[first_rdata + 2].text);
    if (!serial || *serial < 0 || *serial > kMaxSerial)
      throw ApiError("the SOA serial is not a number from 0 to " + std::to_string(kMaxSerial));
    e.serial_offset = tokens[first_rdata + 2].offset;
    e.serial_length = tokens[first_rdata + 2].text.size();
  }
  ctx.last_owner = r.name;
}

std::string parse_error(const Zone::Entry& e, const std::string& origin, const std::string& why) {
  return "Cannot parse line " + std::to_string(e.line) + " of the zone “" + origin + "”: " + why + ".";
}

}  // namespace

namespace {
using TypeFields = std::pair<std::string, std::vector<RdataField>>;
const std::vector<TypeFields>& writable_types() {
  using F = RdataField;
  static const std::vector<TypeFields> types = {
      {"A", {{"address", F::IPv4}}},
      {"AAAA", {{"address", F::IPv6}}},
      {"CAA", {{"flag", F::Number, 255}, {"tag", F::CaaTag}, {"value", F::CaaValue}}},
      {"CNAME", {{"cname", F::Host}}},
      {"MX", {{"preference", F::Number, 65535}, {"exchange", F::Host}}},
      {"NS", {{"nsdname", F::Host}}},
      {"PTR", {{"ptrdname", F::Host}}},
      {"SPF", {{"txtdata", F::Strings}}},
      {"SRV",
       {{"priority", F::Number, 65535}, {"weight", F::Number, 65535}, {"port", F::Number, 65535}, {"target", F::Host}}},
      {"TXT", {{"txtdata", F::Strings}}},
  };
  return types;
}
}  // namespace

const std::vector<RdataField>& rdata_fields(const std::string& type) {
  static const std::vector<RdataField> none;
  for (const auto& [name, fields] : writable_types())
    if (name == type) return fields;
  return none;
}

std::vector<std::string> writable_record_types() {
  std::vector<std::string> out;
  for (const auto& t : writable_types()) out.push_back(t.first);
  return out;
}

std::string absolute_name(const std::string& origin, const std::string& name) {
  if (name.empty() || name == "@") return origin + ".";
  if (name.back() == '.') return to_lower(name);
  std::string l = to_lower(name);
  if (l == origin || ends_with(l, "." + origin)) return l + ".";
  return l + "." + origin + ".";
}

Zone Zone::parse(const std::string& origin, const std::string& text) {
  Zone z;
  z.origin_ = to_lower(origin);
  ParseContext ctx{z.origin_ + ".", z.origin_ + "."};
  auto lines = line_views(text);
  z.entries_.reserve(lines.size() + 1);  // room for an added record without moving them all
  for (size_t first = 0; first < lines.size();) {
    size_t end = entry_end(lines, first);
    Entry e = entry_from_lines(lines, first, end);
    try {
      read_entry(e, ctx);
    } catch (const ApiError& err) {
      throw ApiError(parse_error(e, origin, err.what()));
    }
    z.entries_.push_back(std::move(e));
    first = end;
  }
  return z;
}

std::vector<ZoneRecord> salvage_records(const std::string& origin, const std::string& text) {
  std::string apex = to_lower(origin) + ".";
  ParseContext ctx{apex, apex};
  std::vector<ZoneRecord> out;
  auto lines = line_views(text);
  for (size_t first = 0; first < lines.size();) {
    size_t end = entry_end(lines, first);
    Zone::Entry e = entry_from_lines(lines, first, end);
    try {
      read_entry(e, ctx);
      if (e.kind == Zone::Entry::Record) out.push_back(e.record);
      first = end;
    } catch (const ApiError&) {
      ++first;  // only the entry's first line is lost: an unclosed "(" must not swallow the rest
    }
  }
  return out;
}

std::string written_name(const std::string& origin, const std::string& name) {
  if (name != origin + "." && ends_with(name, "." + origin + "."))
    return name.substr(0, name.size() - origin.size() - 2);
  return name;  // the apex, and names outside the zone, stay absolute
}

std::string render_record(const std::string& origin, const ZoneRecord& r) {
  std::string name = written_name(origin, r.name);
  std::string type = r.type, data;
  if (r.type == "TXT" || r.type == "SPF") {
    for (const auto& s : r.rdata) data += (data.empty() ? "" : " ") + quote_txt(s);
  } else if (r.type == "CAA") {
    type = "TYPE257";
    data = caa_to_generic(r.rdata);
  } else {
    data = join(r.rdata, "\t");
  }
  return name + "\t" + std::to_string(r.ttl) + "\t" + r.klass + "\t" + type + "\t" + data;
}

std::string Zone::serialize() const {
  std::string out;
  for (const auto& e : entries_) {
    if (e.removed) continue;
    out += e.dirty ? render_record(origin_, e.record) : e.text;
    out += "\n";
  }
  return out;
}

std::vector<std::pair<int, ZoneRecord>> Zone::records() const {
  std::vector<std::pair<int, ZoneRecord>> out;
  for (const auto& e : entries_)
    if (e.kind == Entry::Record && !e.removed) out.emplace_back(e.line, e.record);
  return out;
}

Zone::Entry* Zone::entry_at(int line) {
  for (auto& e : entries_)
    if (e.kind == Entry::Record && !e.removed && e.line == line) return &e;
  return nullptr;
}

std::optional<ZoneRecord> Zone::record_at(int line) const {
  for (const auto& e : entries_)
    if (e.kind == Entry::Record && !e.removed && e.line == line) return e.record;
  return std::nullopt;
}

void Zone::add(const ZoneRecord& r) {
  Entry e;
  e.kind = Entry::Record;
  e.record = r;
  e.dirty = true;
  int last = 0;
  for (const auto& x : entries_)
    last = std::max(last, x.line + static_cast<int>(std::count(x.text.begin(), x.text.end(), '\n')));
  e.line = last + 1;
  entries_.push_back(e);
}

void Zone::replace(int line, const ZoneRecord& r) {
  Entry* e = entry_at(line);
  if (!e) throw ApiError("There is no record on line " + std::to_string(line) + " of the zone “" + origin_ + "”.");
  if (e->record.type == "SOA") throw ApiError("The SOA record cannot be edited this way.");
  e->record = r;
  e->dirty = true;
}

void Zone::remove(int line) {
  Entry* e = entry_at(line);
  if (!e) throw ApiError("There is no record on line " + std::to_string(line) + " of the zone “" + origin_ + "”.");
  if (e->record.type == "SOA") throw ApiError("The SOA record cannot be removed.");
  e->removed = true;
}

long Zone::serial() const {
  for (const auto& e : entries_)
    if (e.kind == Entry::Record && e.record.type == "SOA" && e.record.rdata.size() >= 3)
      return static_cast<long>(parse_int(e.record.rdata[2]).value_or(0));
  return 0;
}

long Zone::bump_serial(std::time_t now, std::optional<long> after) {
  for (auto& e : entries_) {
    if (e.kind != Entry::Record || e.record.type != "SOA" || e.removed) continue;
    long old = after.value_or(static_cast<long>(parse_int(e.record.rdata.at(2)).value_or(0)));
    long today = std::stol(format_time(now, "%Y%m%d", true)) * 100;
    long next = std::max(today, old + 1);  // 99 rolls over into the next day's 00
    if (next > kMaxSerial) next = (old + 1) % (kMaxSerial + 1);
    e.record.rdata[2] = std::to_string(next);
    if (!e.dirty && e.serial_offset != std::string::npos) {
      e.text.replace(e.serial_offset, e.serial_length, e.record.rdata[2]);
      e.serial_length = e.record.rdata[2].size();
    }
    return next;
  }
  throw ApiError("The zone “" + origin_ + "” has no SOA record.");
}

void Zone::touch_header(std::time_t now) {
  if (entries_.empty() || entries_[0].kind != Entry::Comment) return;
  std::string& t = entries_[0].text;
  if (!starts_with(t, "; cPanel first:")) return;
  auto pos = t.find("(update_time):");
  if (pos == std::string::npos) return;
  pos += 14;
  auto end = t.find(' ', pos);
  t.replace(pos, (end == std::string::npos ? t.size() : end) - pos, std::to_string(now));
}

std::optional<RecordProblem> record_problem(const std::string& origin, const ZoneRecord& r) {
  if (!valid_hostname(r.name, true))
    return RecordProblem{"name", "“" + r.name + "” is not a record name (letters, digits, “-”, “_” and “*”)."};
  if (!inside_zone(origin, r.name))
    return RecordProblem{"name", "the name “" + r.name + "” is outside the zone “" + origin + "”."};
  if (r.ttl < 1 || r.ttl > 2147483647L) return RecordProblem{"ttl", "the TTL must be between 1 and 2147483647."};
  if (r.klass != "IN") return RecordProblem{"class", "only class IN records can be added."};
  return data_problem(r);
}

void validate_record(const std::string& origin, const ZoneRecord& r) {
  if (auto p = record_problem(origin, r)) throw invalid_param(p->field, p->why);
}

std::optional<std::string> foreign_zone_problem(const std::string& origin, const std::string& text) {
  auto lines = lines_of(text);
  for (size_t i = 0; i < lines.size(); ++i)
    for (unsigned char c : lines[i])
      if ((c < 0x20 && c != '\t' && c != '\r') || c == 0x7f)
        return "line " + std::to_string(i + 1) + " holds a control character.";
  Zone zone;
  try {
    zone = Zone::parse(origin, text);
  } catch (const ApiError& e) {
    return std::string(e.what());
  }
  const std::string apex = zone.origin() + ".";
  bool soa = false;
  for (const auto& e : zone.entries()) {
    std::string at = "line " + std::to_string(e.line) + ": ";
    int depth = 0;
    for (const auto& line : split(e.text, '\n')) depth += paren_delta(line);
    if (depth != 0) return at + "unbalanced parentheses.";
    if (e.kind == Zone::Entry::Directive) {
      std::string d = upper(tokenize(e.text)[0].text);
      if (d == "$INCLUDE" || d == "$GENERATE")
        return at + d + " is not accepted: it makes BIND read or make records the zone file does not hold.";
      if (d != "$TTL" && d != "$ORIGIN") return at + "unknown directive " + d + ".";
    }
    if (e.kind != Zone::Entry::Record) continue;
    const ZoneRecord& r = e.record;
    if (!inside_zone(zone.origin(), r.name)) return at + "the name “" + r.name + "” is outside the zone.";
    if (r.klass != "IN") return at + "class " + r.klass + " (only IN is served).";
    if (r.type == "SOA") {
      if (soa) return at + "a second SOA record.";
      if (r.name != apex) return at + "the SOA record is not at the zone's apex.";
      soa = true;
    }
    if (rdata_fields(r.type).empty()) continue;  // a type whmkit does not write: BIND judges it
    if (auto p = data_problem(r)) return at + "the " + r.type + " record's “" + p->field + "”: " + p->why;
  }
  if (!soa) return std::string("the zone has no SOA record.");
  return std::nullopt;
}

nlohmann::json record_json(int line, const ZoneRecord& r) {
  nlohmann::json j = {{"Line", line}, {"class", r.klass}, {"name", r.name}, {"ttl", r.ttl}, {"type", r.type}};
  const auto& d = r.rdata;
  auto at = [&](size_t i) { return i < d.size() ? d[i] : std::string(); };
  auto num = [&](size_t i) { return parse_int(at(i)).value_or(0); };
  // Host names in the data without their trailing period, as real servers
  // give them ("exchange": "mail.example.com"); the record's own name keeps it.
  auto host = [&](size_t i) {
    std::string h = at(i);
    if (h.size() > 1 && h.back() == '.') h.pop_back();
    return h;
  };
  const auto& fields = rdata_fields(r.type);
  if (!fields.empty() && fields[0].kind == RdataField::Strings) {
    j[fields[0].name] = join(d, "");  // a long TXT is one value, however many strings carry it
  } else if (!fields.empty()) {
    for (size_t i = 0; i < fields.size(); ++i)
      j[fields[i].name] = fields[i].kind == RdataField::Number ? nlohmann::json(num(i))
                          : fields[i].kind == RdataField::Host ? nlohmann::json(host(i))
                                                               : nlohmann::json(at(i));
  } else if (r.type == "SOA") {
    j["mname"] = host(0);
    j["rname"] = host(1);
    j["serial"] = at(2);
    j["refresh"] = num(3);
    j["retry"] = num(4);
    j["expire"] = num(5);
    j["minimum"] = num(6);
  } else {
    j["data"] = join(d, " ");
  }
  return j;
}

void for_each_dump_item(const Zone& zone, const std::function<void(const nlohmann::json&)>& emit) {
  long last_ttl = 86400;  // cPanel's parser starts from a day
  for (const auto& e : zone.entries()) {
    if (e.removed) continue;
    if (e.kind == Zone::Entry::Record) {
      nlohmann::json j = record_json(e.line, e.record);
      int lines = e.dirty ? 1 : 1 + static_cast<int>(std::count(e.text.begin(), e.text.end(), '\n'));
      if (lines > 1) j["Lines"] = lines;
      emit(j);
      last_ttl = e.record.ttl;
      continue;
    }
    if (e.kind == Zone::Entry::Directive) {
      auto tokens = tokenize(e.text);
      if (upper(tokens[0].text) == "$TTL") {
        last_ttl = parse_ttl(tokens.at(1).text).value_or(last_ttl);  // Zone::parse checked it
        emit({{"Line", e.line}, {"name", ""}, {"ttl", last_ttl}, {"type", "$TTL"}});
        continue;
      }
    }
    emit({{"Line", e.line}, {"name", ""}, {"raw", e.text}, {"ttl", last_ttl}, {"type", ":RAW"}});
  }
}

nlohmann::json dump_zone(const Zone& zone) {
  nlohmann::json list = nlohmann::json::array();
  for_each_dump_item(zone, [&list](const nlohmann::json& item) { list.push_back(item); });
  return list;
}

std::string zone_from_template(const ZoneTemplateValues& v, std::time_t now,
                               const std::optional<std::string>& custom_template) {
  static const char* kStandard =
      "; cPanel first:%cpversion% (update_time):%update_time% Cpanel::ZoneFile::VERSION:1.3 hostname:%hostname% "
      "latest:%cpversion%\n"
      "; Zone file for %domain%\n"
      "$TTL %ttl%\n"
      "%domain%.\t%nsttl%\tIN\tSOA\t%nameserver%.\t%rpemail%.\t(\n"
      "\t\t\t\t\t\t%serial% ;Serial Number\n"
      "\t\t\t\t\t\t3600 ;refresh\n"
      "\t\t\t\t\t\t1800 ;retry\n"
      "\t\t\t\t\t\t1209600 ;expire\n"
      "\t\t\t\t\t\t86400 ;minimum\n"
      "\t)\n"
      "%domain%.\t%nsttl%\tIN\tNS\t%nameserver%.\n"
      "%domain%.\t%nsttl%\tIN\tNS\t%nameserver2%.\n"
      "%domain%.\t%nsttl%\tIN\tNS\t%nameserver3%.\n"
      "%domain%.\t%nsttl%\tIN\tNS\t%nameserver4%.\n"
      "%nameserverentry%.\t%ttl%\tIN\tA\t%nameservera%\n"
      "%nameserverentry2%.\t%ttl%\tIN\tA\t%nameservera2%\n"
      "%nameserverentry3%.\t%ttl%\tIN\tA\t%nameservera3%\n"
      "%nameserverentry4%.\t%ttl%\tIN\tA\t%nameservera4%\n"
      "%domain%.\t%ttl%\tIN\tA\t%ip%\n"
      "%domain%.\t%ttl%\tIN\tAAAA\t%ipv6%\n"
      "%domain%.\t%ttl%\tIN\tMX\t0\t%maildomain%.\n"
      "mail\t%ttl%\tIN\tCNAME\t%domain%.\n"
      "www\t%ttl%\tIN\tCNAME\t%domain%.\n"
      "ftp\t%ttl%\tIN\tCNAME\t%domain%.\n";
  std::map<std::string, std::string> values = {
      {"domain", v.domain},
      {"ip", v.ip},
      {"ipv6", v.ipv6},
      {"ftpip", v.ip},
      {"maildomain", v.domain},
      {"rpemail", v.rpemail},
      {"serial", std::to_string(std::stol(format_time(now, "%Y%m%d", true)) * 100)},
      {"ttl", std::to_string(v.ttl)},
      {"nsttl", std::to_string(v.nsttl)},
      {"cpversion", v.version},
      {"hostname", v.hostname},
      {"update_time", std::to_string(now)}};
  const char* suffix[] = {"", "2", "3", "4"};
  for (size_t i = 0; i < 4; ++i) {
    std::string ns = i < v.nameservers.size() ? v.nameservers[i] : "";
    values[std::string("nameserver") + suffix[i]] = ns;
    // In-zone nameservers get their address record.
    bool in_zone = !ns.empty() && ends_with(ns, "." + v.domain);
    values[std::string("nameserverentry") + suffix[i]] = in_zone ? ns : "";
    values[std::string("nameservera") + suffix[i]] = in_zone ? v.nameserver_ip : "";
  }
  std::string out;
  for (const auto& line : split(custom_template.value_or(kStandard), '\n')) {
    std::string rendered;
    bool drop = false;
    for (size_t i = 0; i < line.size();) {
      auto close = line[i] == '%' ? line.find('%', i + 1) : std::string::npos;
      if (close != std::string::npos && values.count(line.substr(i + 1, close - i - 1))) {
        const std::string& val = values[line.substr(i + 1, close - i - 1)];
        if (val.empty()) drop = true;  // a line whose placeholder has no value is dropped
        rendered += val;
        i = close + 1;
      } else {
        rendered += line[i++];
      }
    }
    if (!drop) out += rendered + "\n";
  }
  while (ends_with(out, "\n\n")) out.pop_back();
  return out;
}

}  // namespace whm
