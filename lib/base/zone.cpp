#include "zone.hpp"

#include <arpa/inet.h>
#include <algorithm>
#include <cstdio>
#include <map>
#include <set>

#include "errors.hpp"
#include "util.hpp"

namespace whm {

namespace {

struct Token {
  std::string text;  // raw, quotes included
  size_t offset;
};

// Splits one entry (maybe several physical lines) into tokens, skipping
// comments and parentheses; quoted strings stay one token.
std::vector<Token> tokenize(const std::string& s) {
  std::vector<Token> out;
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
      while (i < s.size() && std::string(" \t\n\r();\"").find(s[i]) == std::string::npos)
        i += (s[i] == '\\' && i + 1 < s.size()) ? 2 : 1;
    }
    out.push_back({s.substr(start, i - start), start});
  }
  return out;
}

// Parenthesis depth change of a physical line (outside quotes and comments).
int paren_delta(const std::string& line) {
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

std::string unquote(const std::string& t) {
  if (t.size() < 2 || t.front() != '"') return t;
  std::string out;
  for (size_t i = 1; i + 1 < t.size(); ++i) {
    if (t[i] == '\\' && i + 2 < t.size()) {
      ++i;
      if (i + 2 < t.size() && isdigit(t[i]) && isdigit(t[i + 1]) && isdigit(t[i + 2])) {
        out += static_cast<char>(std::stoi(t.substr(i, 3)));
        i += 2;
        continue;
      }
    }
    out += t[i];
  }
  return out;
}

std::optional<long> parse_ttl(const std::string& t) {
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

bool is_class(const std::string& t) {
  std::string u = t;
  for (auto& c : u) c = static_cast<char>(toupper(c));
  return u == "IN" || u == "CH" || u == "HS" || u == "CS";
}

std::string upper(std::string s) {
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
  // Split into chunks of at most 255 bytes, as the wire format needs.
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

const std::set<std::string>& editable_types() {
  static const std::set<std::string> t = {"A", "AAAA", "CNAME", "MX", "TXT", "SRV", "CAA", "NS", "PTR"};
  return t;
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

}  // namespace

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
  std::string current_origin = z.origin_ + ".", last_owner = current_origin;
  long default_ttl = 14400;
  auto lines = split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  for (size_t i = 0; i < lines.size(); ++i) {
    Entry e;
    e.line = static_cast<int>(i) + 1;
    e.text = lines[i];
    int depth = paren_delta(lines[i]);
    while (depth > 0 && i + 1 < lines.size()) {
      ++i;
      e.text += "\n" + lines[i];
      depth += paren_delta(lines[i]);
    }
    try {
      auto tokens = tokenize(e.text);
      std::string trimmed = trim(e.text);
      if (tokens.empty()) {
        e.kind = trimmed.empty() ? Entry::Blank : Entry::Comment;
      } else if (tokens[0].text[0] == '$') {
        e.kind = Entry::Directive;
        std::string d = upper(tokens[0].text);
        if (d == "$ORIGIN" && tokens.size() > 1) current_origin = absolute_name(z.origin_, tokens[1].text);
        if (d == "$TTL" && tokens.size() > 1)
          if (auto t = parse_ttl(tokens[1].text)) default_ttl = *t;
      } else {
        e.kind = Entry::Record;
        size_t idx = 0;
        std::string owner = last_owner;
        if (e.text[0] != ' ' && e.text[0] != '\t') {
          const std::string& n = tokens[0].text;
          owner = n == "@" ? current_origin
                           : (n.back() == '.' ? to_lower(n)
                                              : to_lower(n) + "." + (current_origin == "." ? "" : current_origin));
          idx = 1;
        }
        last_owner = owner;
        e.record.name = owner;
        e.record.ttl = default_ttl;
        for (; idx < tokens.size(); ++idx) {
          if (auto t = parse_ttl(tokens[idx].text))
            e.record.ttl = *t;
          else if (is_class(tokens[idx].text))
            e.record.klass = upper(tokens[idx].text);
          else
            break;
        }
        if (idx >= tokens.size()) throw ApiError("missing record type");
        e.record.type = upper(tokens[idx].text);
        size_t first_rdata = idx + 1;
        for (size_t k = first_rdata; k < tokens.size(); ++k) {
          const std::string& t = tokens[k].text;
          e.record.rdata.push_back(e.record.type == "TXT" || e.record.type == "SPF" ? unquote(t) : t);
        }
        if (e.record.type == "TYPE257") {
          e.record.type = "CAA";
          e.record.rdata = caa_from_generic(e.record.rdata);
        } else if (e.record.type == "CAA" && e.record.rdata.size() == 3) {
          e.record.rdata[2] = unquote(e.record.rdata[2]);
        }
        if (e.record.type == "SOA") {
          if (tokens.size() < first_rdata + 7) throw ApiError("incomplete SOA record");
          auto serial = parse_int(tokens[first_rdata + 2].text);
          if (!serial || *serial < 0 || *serial > 4294967295LL)
            throw ApiError("the SOA serial is not a number from 0 to 4294967295");
          e.serial_offset = tokens[first_rdata + 2].offset;
          e.serial_length = tokens[first_rdata + 2].text.size();
        }
      }
    } catch (const ApiError& err) {
      throw ApiError("Cannot parse line " + std::to_string(e.line) + " of the zone “" + origin + "”: " + err.what() +
                     ".");
    }
    z.entries_.push_back(std::move(e));
  }
  return z;
}

std::string render_record(const std::string& origin, const ZoneRecord& r) {
  std::string name = r.name;
  if (name == origin + ".") {
    // the apex stays absolute
  } else if (ends_with(name, "." + origin + ".")) {
    name = name.substr(0, name.size() - origin.size() - 2);
  }
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

long Zone::bump_serial(std::time_t now) {
  for (auto& e : entries_) {
    if (e.kind != Entry::Record || e.record.type != "SOA" || e.removed) continue;
    long old = static_cast<long>(parse_int(e.record.rdata.at(2)).value_or(0));
    long today = std::stol(format_time(now, "%Y%m%d", true)) * 100;
    long next = std::max(today, old + 1);  // 99 rolls over into the next day's 00
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

void validate_record(const std::string& origin, const ZoneRecord& r) {
  auto bad = [](const std::string& why) { throw ValidationError(why); };
  auto check_text = [&](const std::string& field, const std::string& v, bool allow_semicolon) {
    for (unsigned char c : v)
      if (c < 0x20 || c == 0x7f) bad("The record's " + field + " contains a line break or control character.");
    if (!allow_semicolon && v.find(';') != std::string::npos) bad("The record's " + field + " contains a “;”.");
  };
  check_text("name", r.name, false);
  if (!valid_hostname(r.name, true)) bad("Invalid record name “" + r.name + "”.");
  if (r.name != origin + "." && !ends_with(r.name, "." + origin + "."))
    bad("The name “" + r.name + "” is outside the zone “" + origin + "”.");
  if (!editable_types().count(r.type)) bad("Unsupported record type “" + r.type + "”.");
  if (r.ttl < 0 || r.ttl > 2147483647L) bad("The TTL must be between 0 and 2147483647.");
  if (r.klass != "IN") bad("Only class IN records can be added.");
  for (const auto& v : r.rdata) check_text("data", v, r.type == "TXT" || r.type == "CAA");
  auto need = [&](size_t n) {
    if (r.rdata.size() != n) bad("A " + r.type + " record needs " + std::to_string(n) + " data field(s).");
  };
  auto number = [&](const std::string& v, long max, const char* what) {
    auto n = parse_int(v);
    if (!n || *n < 0 || *n > max) bad(std::string("Invalid ") + what + " “" + v + "”.");
  };
  auto hostname = [&](const std::string& h) {
    if (!valid_hostname(h, false)) bad("Invalid host name “" + h + "”.");
  };
  unsigned char buf[16];
  if (r.type == "A") {
    need(1);
    if (inet_pton(AF_INET, r.rdata[0].c_str(), buf) != 1) bad("Invalid IPv4 address “" + r.rdata[0] + "”.");
  } else if (r.type == "AAAA") {
    need(1);
    if (inet_pton(AF_INET6, r.rdata[0].c_str(), buf) != 1) bad("Invalid IPv6 address “" + r.rdata[0] + "”.");
  } else if (r.type == "CNAME" || r.type == "NS" || r.type == "PTR") {
    need(1);
    hostname(r.rdata[0]);
  } else if (r.type == "MX") {
    need(2);
    number(r.rdata[0], 65535, "preference");
    hostname(r.rdata[1]);
  } else if (r.type == "SRV") {
    need(4);
    number(r.rdata[0], 65535, "priority");
    number(r.rdata[1], 65535, "weight");
    number(r.rdata[2], 65535, "port");
    hostname(r.rdata[3]);
  } else if (r.type == "CAA") {
    need(3);
    number(r.rdata[0], 255, "flag");
    if (r.rdata[1].empty() || r.rdata[1].size() > 15 || !std::all_of(r.rdata[1].begin(), r.rdata[1].end(), [](char c) {
          return isalnum(static_cast<unsigned char>(c));
        }))
      bad("Invalid CAA tag “" + r.rdata[1] + "”.");
  } else if (r.type == "TXT") {
    if (r.rdata.empty()) bad("A TXT record needs text.");
  }
}

nlohmann::json record_json(int line, const ZoneRecord& r) {
  nlohmann::json j = {{"Line", line}, {"class", r.klass}, {"name", r.name}, {"ttl", r.ttl}, {"type", r.type}};
  const auto& d = r.rdata;
  auto at = [&](size_t i) { return i < d.size() ? d[i] : std::string(); };
  auto num = [&](size_t i) { return parse_int(at(i)).value_or(0); };
  if (r.type == "A" || r.type == "AAAA")
    j["address"] = at(0);
  else if (r.type == "CNAME")
    j["cname"] = at(0);
  else if (r.type == "NS")
    j["nsdname"] = at(0);
  else if (r.type == "PTR")
    j["ptrdname"] = at(0);
  else if (r.type == "MX") {
    j["preference"] = num(0);
    j["exchange"] = at(1);
  } else if (r.type == "SRV") {
    j["priority"] = num(0);
    j["weight"] = num(1);
    j["port"] = num(2);
    j["target"] = at(3);
  } else if (r.type == "CAA") {
    j["flag"] = num(0);
    j["tag"] = at(1);
    j["value"] = at(2);
  } else if (r.type == "TXT" || r.type == "SPF") {
    j["txtdata"] = join(d, "");
  } else if (r.type == "SOA") {
    j["mname"] = at(0);
    j["rname"] = at(1);
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
