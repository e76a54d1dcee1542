// /var/cpanel/users/<user>: the account record.
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "kvfile.hpp"

namespace whm {

struct CpUser {
  KeyValues kv;

  std::string get(const std::string& key, const std::string& fallback = "") const;
  void set(const std::string& key, const std::string& value) { kv[key] = value; }
  std::string user() const { return get("USER"); }
  std::string main_domain() const { return get("DNS"); }
  // DNS1, DNS2, ...: every other domain, lower-cased, de-duplicated, in key order.
  std::vector<std::string> other_domains() const;
  std::vector<std::string> all_domains() const;  // main first
  void set_other_domains(const std::vector<std::string>& domains);
  bool suspended() const { return get("SUSPENDED") == "1"; }

  // The loaded view cPanel returns from modifyacct: stored keys, defaults for
  // missing ones, plus DOMAIN/DOMAINS/DEADDOMAINS/HOMEDIRLINKS arrays.
  nlohmann::json loaded_view() const;
};

// Keys never written to disk (derived on load).
bool is_derived_cpuser_key(const std::string& key);
// The default of a key missing from the file (empty if none).
std::string cpuser_default(const std::string& key);

// With `problems`, also lists what keeps the file from being read completely
// (parse_key_values' problems, and a missing USER or DNS line: every account's
// file has both, so a file without them was cut short).
CpUser parse_cpuser(const std::string& text, FileProblems* problems = nullptr);
std::string serialize_cpuser(const CpUser& u);
// The JSON copy kept in /var/cpanel/users.cache/<user>.
std::string cpuser_cache_json(const CpUser& u);

}  // namespace whm
