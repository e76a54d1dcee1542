#include "mail_auth_records.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>

#include "base64.hpp"
#include "util.hpp"

namespace whm {
namespace {

bool is_kind(const std::string& text, AuthRecord kind) {
  const std::string lower = to_lower(text);
  switch (kind) {
    case AuthRecord::Dkim: return true;  // every TXT at the selector's name is a key record (v= is optional)
    case AuthRecord::Spf: return lower == "v=spf1" || starts_with(lower, "v=spf1 ");
    case AuthRecord::Dmarc: return starts_with(lower, "v=dmarc1");
  }
  return false;
}

std::vector<std::pair<int, ZoneRecord>> matching(const Zone& zone, const std::string& name, AuthRecord kind) {
  std::vector<std::pair<int, ZoneRecord>> out;
  for (auto& [line, r] : zone.records())
    if (r.type == "TXT" && to_lower(r.name) == to_lower(name) + "." && is_kind(join(r.rdata, ""), kind))
      out.emplace_back(line, r);
  return out;
}

std::string change_msg(const char* what, const std::string& shown_name, const std::string& text) {
  return "[" + std::string(what) + ":TXT@" + shown_name + ":" + text + "]";
}

// "tag=value" pairs of a DKIM or DMARC record, in order (white space around them dropped).
std::vector<std::pair<std::string, std::string>> tag_list(const std::string& text, std::string& problem) {
  std::vector<std::pair<std::string, std::string>> tags;
  for (const auto& part : split(text, ';')) {
    const std::string t = trim(part);
    if (t.empty()) continue;
    const auto eq = t.find('=');
    if (eq == std::string::npos || eq == 0) {
      problem = "“" + t + "” is not a tag=value pair.";
      return {};
    }
    tags.emplace_back(trim(t.substr(0, eq)), trim(t.substr(eq + 1)));
  }
  return tags;
}

// `ip` inside `network`/`prefix` (both of the same family), or false.
bool in_network(const std::string& ip, const std::string& network, int prefix) {
  unsigned char a[16], b[16];
  const int family = ip.find(':') == std::string::npos ? AF_INET : AF_INET6;
  if (inet_pton(family, ip.c_str(), a) != 1 || inet_pton(family, network.c_str(), b) != 1) return false;
  const int bits = family == AF_INET ? 32 : 128;
  if (prefix < 0 || prefix > bits) return false;
  for (int i = 0; i < prefix; ++i) {
    const int byte = i / 8, mask = 0x80 >> (i % 8);
    if ((a[byte] & mask) != (b[byte] & mask)) return false;
  }
  return true;
}

struct SpfTerm {
  char qualifier = '+';
  std::string name;      // mechanism or modifier name, lower case
  std::string argument;  // after ':' (mechanisms) or '=' (modifiers); no CIDR
  bool modifier = false;
  int cidr4 = 32, cidr6 = 128;
};

std::optional<SpfTerm> parse_term(const std::string& word, std::string& problem) {
  SpfTerm t;
  std::string w = word;
  const bool qualified = !w.empty() && std::string("+-~?").find(w[0]) != std::string::npos;
  if (qualified) {
    t.qualifier = w[0];
    w = w.substr(1);
  }
  const auto sep = w.find_first_of(":=/");
  t.name = to_lower(w.substr(0, sep));
  if (sep != std::string::npos && w[sep] == '=') {
    t.modifier = true;
    t.argument = w.substr(sep + 1);
    bool name_ok = !t.name.empty() && std::isalpha(static_cast<unsigned char>(t.name[0]));
    for (char c : t.name)
      name_ok = name_ok && (std::isalnum(static_cast<unsigned char>(c)) || c == '-' || c == '_' || c == '.');
    if (!name_ok || qualified) {
      problem = "“" + word + "” is not an SPF mechanism or modifier.";
      return std::nullopt;
    }
    return t;
  }
  std::string rest = sep == std::string::npos ? "" : w.substr(sep);
  if (!rest.empty() && rest[0] == ':') {
    const auto slash = rest.find('/', t.name == "ip6" ? rest.find_last_of(':') : 1);
    t.argument = rest.substr(1, slash == std::string::npos ? std::string::npos : slash - 1);
    rest = slash == std::string::npos ? "" : rest.substr(slash);
    if (t.argument.empty()) {
      problem = "“" + word + "” has nothing after the colon.";
      return std::nullopt;
    }
  }
  // CIDR lengths: "/24", "//64" or "/24//64" (RFC 7208 5.6).
  if (!rest.empty()) {
    const auto v6 = rest.find("//");
    auto number = [&](const std::string& s, int max, int& out) {
      auto n = parse_int(s);
      if (!n || *n < 0 || *n > max) return false;
      out = static_cast<int>(*n);
      return true;
    };
    const std::string four = rest.substr(0, v6), six = v6 == std::string::npos ? "" : rest.substr(v6 + 2);
    bool ok = true;
    if (!four.empty())
      ok = four[0] == '/' && number(four.substr(1), t.name == "ip6" ? 128 : 32, t.name == "ip6" ? t.cidr6 : t.cidr4);
    if (ok && v6 != std::string::npos) ok = number(six, 128, t.cidr6);
    if (!ok) {
      problem = "“" + word + "” has an invalid CIDR length.";
      return std::nullopt;
    }
  }
  static const std::vector<std::string> mechanisms = {"all", "include", "a", "mx", "ptr", "ip4", "ip6", "exists"};
  if (std::find(mechanisms.begin(), mechanisms.end(), t.name) == mechanisms.end()) {
    problem = "“" + word + "” is not an SPF mechanism or modifier.";
    return std::nullopt;
  }
  const bool needs_argument = t.name == "include" || t.name == "ip4" || t.name == "ip6" || t.name == "exists";
  if (needs_argument == t.argument.empty() && (needs_argument || t.name == "all")) {
    problem = "“" + word + "” " + (needs_argument ? "needs an argument." : "takes no argument.");
    return std::nullopt;
  }
  unsigned char buf[16];
  if ((t.name == "ip4" && inet_pton(AF_INET, t.argument.c_str(), buf) != 1) ||
      (t.name == "ip6" && inet_pton(AF_INET6, t.argument.c_str(), buf) != 1)) {
    problem = "“" + t.argument + "” is not an IPv" + std::string(t.name == "ip4" ? "4" : "6") + " address.";
    return std::nullopt;
  }
  return t;
}

std::optional<std::vector<SpfTerm>> parse_spf(const std::string& text, std::string& problem) {
  if (!is_kind(text, AuthRecord::Spf)) {
    problem = "An SPF record must begin with “v=spf1”.";
    return std::nullopt;
  }
  std::vector<SpfTerm> terms;
  for (const auto& word : split(text.substr(6), ' ')) {
    if (word.empty()) continue;
    for (unsigned char c : word)
      if (c < 0x21 || c > 0x7e || c == '"') {
        problem = "“" + word + "” holds a character an SPF record cannot.";
        return std::nullopt;
      }
    auto t = parse_term(word, problem);
    if (!t) return std::nullopt;
    terms.push_back(*t);
  }
  return terms;
}

std::string spf_state(char qualifier) {
  switch (qualifier) {
    case '-': return "FAIL";
    case '~': return "SOFTFAIL";
    case '?': return "NEUTRAL";
    default: return "PASS";
  }
}

}  // namespace

std::vector<std::string> auth_records(const Zone& zone, const std::string& name, AuthRecord kind) {
  std::vector<std::string> out;
  for (const auto& [line, r] : matching(zone, name, kind)) out.push_back(join(r.rdata, ""));
  return out;
}

AuthEdit put_auth_record(Zone& zone, const std::string& name, AuthRecord kind, const std::string& text,
                         const std::string& shown_name) {
  const auto current = matching(zone, name, kind);
  if (current.size() == 1 && join(current[0].second.rdata, "") == text) return {false, "[no changes needed]"};
  ZoneRecord r{name + ".", 14400, "IN", "TXT", {text}};
  validate_record(zone.origin(), r);
  if (current.empty()) {
    zone.add(r);
    return {true, change_msg("ADD", shown_name, text)};
  }
  r.ttl = current[0].second.ttl;
  zone.replace(current[0].first, r);
  for (size_t i = 1; i < current.size(); ++i) zone.remove(current[i].first);
  return {true, change_msg("REPLACE", shown_name, text)};
}

AuthEdit remove_auth_records(Zone& zone, const std::string& name, AuthRecord kind, const std::string& shown_name) {
  const auto current = matching(zone, name, kind);
  if (current.empty()) return {false, "[no changes needed]"};
  std::vector<std::string> msgs;
  for (const auto& [line, r] : current) {
    zone.remove(line);
    msgs.push_back(change_msg("REMOVE", shown_name, join(r.rdata, "")));
  }
  return {true, join(msgs, "")};
}

std::optional<std::string> spf_problem(const std::string& text) {
  std::string problem;
  if (!parse_spf(text, problem)) return problem;
  return std::nullopt;
}

std::optional<std::string> dmarc_problem(const std::string& text) {
  std::string problem;
  const auto tags = tag_list(text, problem);
  if (!problem.empty()) return problem;
  if (tags.empty() || tags[0].first != "v" || tags[0].second != "DMARC1")
    return std::string("A DMARC record must begin with “v=DMARC1”.");
  if (tags.size() < 2 || tags[1].first != "p") return std::string("The “p” tag must follow “v=DMARC1”.");
  static const std::vector<std::string> policies = {"none", "quarantine", "reject"};
  for (const auto& [tag, value] : tags) {
    const std::string v = to_lower(value);
    if ((tag == "p" || tag == "sp") && std::find(policies.begin(), policies.end(), v) == policies.end())
      return "“" + tag + "=" + value + "” must be none, quarantine or reject.";
    if ((tag == "adkim" || tag == "aspf") && v != "r" && v != "s") return "“" + tag + "=" + value + "” must be r or s.";
    if (tag == "pct") {
      auto n = parse_int(value);
      if (!n || *n < 0 || *n > 100) return "“pct=" + value + "” must be a number from 0 to 100.";
    }
    if (tag == "ri" && !parse_int(value)) return "“ri=" + value + "” must be a number of seconds.";
    if (tag == "rua" || tag == "ruf")
      for (const auto& uri : split(value, ','))
        if (!starts_with(to_lower(trim(uri)), "mailto:") || trim(uri).size() <= 7)
          return "“" + tag + "=" + value + "” must list mailto: addresses.";
  }
  return std::nullopt;
}

std::optional<std::string> dkim_problem(const std::string& text) {
  std::string problem;
  const auto tags = tag_list(text, problem);
  if (!problem.empty()) return problem;
  std::optional<std::string> p;
  for (size_t i = 0; i < tags.size(); ++i) {
    const auto& [tag, value] = tags[i];
    if (tag == "v" && (i != 0 || value != "DKIM1")) return std::string("The DKIM version must be \"DKIM1\".");
    if (tag == "k" && value != "rsa" && value != "ed25519")
      return "The key type “" + value + "” is not rsa or ed25519.";
    if (tag == "p") p = value;
  }
  if (!p) return std::string("The record has no public key (p=).");
  std::string b64;
  for (char c : *p)
    if (!std::isspace(static_cast<unsigned char>(c))) b64 += c;
  if (b64.empty()) return std::string("The key has been revoked (empty p=).");
  if (!base64_decode(b64)) return std::string("The public key (p=) is not base64.");
  return std::nullopt;
}

SpfResult evaluate_spf(const std::string& record, const std::string& domain, const std::string& ip,
                       const AddressLookup& addresses) {
  std::string problem;
  const auto terms = parse_spf(record, problem);
  if (!terms) return {"PERMERROR", domain + ": " + problem};
  const bool v6 = ip.find(':') != std::string::npos;
  std::optional<std::string> redirect;
  for (const auto& t : *terms) {
    if (t.modifier) {
      if (t.name == "redirect") redirect = t.argument;
      continue;
    }
    bool match = false;
    if (t.name == "all") {
      match = true;
    } else if (t.name == "ip4" || t.name == "ip6") {
      match = (t.name == "ip6") == v6 && in_network(ip, t.argument, v6 ? t.cidr6 : t.cidr4);
    } else if (t.name == "a" || t.name == "mx") {
      const std::string target = t.argument.empty() ? domain : t.argument;
      auto found = addresses(target, t.name == "mx");
      if (!found)
        return {"TEMPERROR", domain + ": the addresses of “" + target + "” are not in this server's DNS zones."};
      for (const auto& a : *found) match = match || in_network(ip, a, v6 ? t.cidr6 : t.cidr4);
    } else {
      // include, exists and ptr need other domains' records from DNS at large.
      return {"TEMPERROR", domain + ": the mechanism “" + t.name + (t.argument.empty() ? "" : ":" + t.argument) +
                               "” needs DNS beyond this server's zones, which this check does not query."};
    }
    if (match)
      return {spf_state(t.qualifier), domain + ": the mechanism “" + std::string(1, t.qualifier) + t.name +
                                          (t.argument.empty() ? "" : ":" + t.argument) + "” matched " + ip + "."};
  }
  if (redirect)
    return {"TEMPERROR", domain + ": “redirect=" + *redirect +
                             "” needs DNS beyond this server's zones, which this "
                             "check does not query."};
  return {"NEUTRAL", domain + ": no mechanism matched " + ip + "."};
}

}  // namespace whm
