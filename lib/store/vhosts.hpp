// An account's web virtual hosts as its userdata describes them
// (var/cpanel/userdata/<user>/main and one file per vhost): the main domain
// and each subdomain have a vhost; an addon domain is served by the vhost of
// the subdomain it is attached to, a parked domain (alias) by the main
// domain's. An SSL vhost is the file "<vhost>_SSL".
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace whm {

class StateRoot;

struct AccountVhosts {
  std::string user, main_domain;
  std::vector<std::string> sub_domains;                     // every subdomain, addon ones included
  std::vector<std::pair<std::string, std::string>> addons;  // addon domain, its subdomain
  std::vector<std::string> parked_domains;

  // Reads userdata/<user>/main; ApiError when it cannot be read.
  static AccountVhosts load(const StateRoot& root, const std::string& user);
  // The subdomains that are not there for an addon domain.
  std::vector<std::string> plain_sub_domains() const;
  // The vhost that serves `domain` (nullopt when the account has no such domain).
  std::optional<std::string> vhost_of(const std::string& domain) const;
  // "main_domain", "sub_domain", "addon_domain" or "parked_domain" (nullopt when not the account's).
  std::optional<std::string> type_of(const std::string& domain) const;
};

// The vhost's userdata file as JSON (nullopt when missing or unreadable).
std::optional<nlohmann::json> vhost_userdata(const StateRoot& root, const std::string& user, const std::string& vhost);
// Whether the vhost has an SSL twin (userdata "<vhost>_SSL").
bool vhost_has_ssl(const StateRoot& root, const std::string& user, const std::string& vhost);

}  // namespace whm
