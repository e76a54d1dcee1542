#include "cpuser.hpp"

#include <algorithm>
#include <map>
#include <set>

#include "output.hpp"
#include "util.hpp"

namespace whm {

static const char* kHeader =
    "# cPanel -- If you edit this file directly you must run /usr/local/cpanel/scripts/updateuserdomains "
    "afterwards to rebuild the system caches.\n"
    "# If you edit MAX_EMAIL_PER_HOUR or MAX_EMAIL_PER_HOUR-[domain] you must run "
    "/usr/local/cpanel/scripts/updateuserdomains'\n\n";

static const std::map<std::string, std::string>& defaults() {
  static const std::map<std::string, std::string> d = {
      {"BWLIMIT", "unlimited"},
      {"DEMO", "0"},
      {"FEATURELIST", "default"},
      {"HASCGI", "0"},
      {"HASDKIM", "0"},
      {"HASSPF", "0"},
      {"IP", "127.0.0.1"},
      {"MAILBOX_FORMAT", "maildir"},
      {"MAX_EMAILACCT_QUOTA", "unlimited"},
      {"MAXADDON", "0"},
      {"MAXPARK", "0"},
      {"MAXFTP", "unlimited"},
      {"MAXLST", "unlimited"},
      {"MAXPOP", "unlimited"},
      {"MAXSQL", "unlimited"},
      {"MAXSUB", "unlimited"},
      {"OWNER", "root"},
      {"RS", ""},
      {"STARTDATE", "0000000000"},
      {"MAXPASSENGERAPPS", "4"},
      {"SSL_DEFAULT_KEY_TYPE", "system"},
      {"LOCALE", "en"},
  };
  return d;
}

std::string cpuser_default(const std::string& key) {
  auto it = defaults().find(key);
  return it == defaults().end() ? "" : it->second;
}

bool is_derived_cpuser_key(const std::string& key) {
  return key == "DOMAIN" || key == "DOMAINS" || key == "DEADDOMAINS" || key == "HOMEDIRLINKS" || key == "DBOWNER";
}

std::string CpUser::get(const std::string& key, const std::string& fallback) const {
  auto it = kv.find(key);
  if (it != kv.end()) return it->second;
  auto d = defaults().find(key);
  return d != defaults().end() ? d->second : fallback;
}

// Numbered keys PREFIX1, PREFIX2, ... in numeric order.
static std::vector<std::string> numbered_values(const KeyValues& kv, const std::string& prefix) {
  std::vector<std::pair<long long, std::string>> found;
  for (auto it = kv.lower_bound(prefix); it != kv.end() && starts_with(it->first, prefix); ++it) {
    // parse_int refuses numbers too long for a long long (a hostile "DNS999...9" key).
    if (auto n = parse_int(it->first.substr(prefix.size())); n && *n >= 0 && is_digits(it->first.substr(prefix.size())))
      found.emplace_back(*n, it->second);
  }
  std::sort(found.begin(), found.end());
  std::vector<std::string> out;
  for (auto& f : found) out.push_back(f.second);
  return out;
}

std::vector<std::string> CpUser::other_domains() const {
  std::vector<std::string> out;
  std::set<std::string> seen{to_lower(main_domain())};
  for (const auto& d : numbered_values(kv, "DNS")) {
    auto l = to_lower(d);
    if (!l.empty() && seen.insert(l).second) out.push_back(l);
  }
  return out;
}

std::vector<std::string> CpUser::all_domains() const {
  std::vector<std::string> out{to_lower(main_domain())};
  for (auto& d : other_domains()) out.push_back(d);
  return out;
}

void CpUser::set_other_domains(const std::vector<std::string>& domains) {
  for (auto it = kv.begin(); it != kv.end();) {
    if (starts_with(it->first, "DNS") && is_digits(it->first.substr(3)))
      it = kv.erase(it);
    else
      ++it;
  }
  for (size_t i = 0; i < domains.size(); ++i) kv["DNS" + std::to_string(i + 1)] = domains[i];
}

nlohmann::json CpUser::loaded_view() const {
  nlohmann::json j = nlohmann::json::object();
  for (const auto& [k, v] : defaults()) j[k] = v;
  for (const auto& [k, v] : kv) {
    if (starts_with(k, "DNS") && is_digits(k.substr(3))) continue;
    if (starts_with(k, "XDNS") && is_digits(k.substr(4))) continue;
    if (starts_with(k, "HOMEDIRPATHS")) continue;
    if (k == "DNS") continue;
    j[k] = v;
  }
  j["DOMAIN"] = to_lower(main_domain());
  j["DOMAINS"] = other_domains();
  j["DEADDOMAINS"] = numbered_values(kv, "XDNS");
  std::vector<std::string> links;
  if (kv.count("HOMEDIRPATHS")) links.push_back(kv.at("HOMEDIRPATHS"));
  for (auto& p : numbered_values(kv, "HOMEDIRPATHS")) links.push_back(p);
  j["HOMEDIRLINKS"] = links;
  j["DBOWNER"] = user();
  return j;
}

CpUser parse_cpuser(const std::string& text, FileProblems* problems) {
  CpUser u;
  u.kv = parse_key_values(text, '=', problems);
  if (problems) {
    if (text.empty())
      problems->push_back("it is empty");
    else
      for (const char* key : {"USER", "DNS"})
        if (u.kv.find(key) == u.kv.end()) problems->push_back(std::string("it has no ") + key + " line");
  }
  for (auto it = u.kv.begin(); it != u.kv.end();)
    it = is_derived_cpuser_key(it->first) ? u.kv.erase(it) : std::next(it);
  return u;
}

std::string serialize_cpuser(const CpUser& u) { return kHeader + serialize_key_values(u.kv, '='); }

std::string cpuser_cache_json(const CpUser& u) {
  auto j = u.loaded_view();
  j["__CACHE_DATA_VERSION"] = 0.82;
  return json_text(j) + "\n";
}

}  // namespace whm
