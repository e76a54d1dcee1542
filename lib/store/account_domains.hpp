// An account's domains beyond its main domain: subdomains, parked domains
// (aliases of the main domain) and addon domains (aliases of a subdomain),
// and the one place that adds, removes and re-roots them. A change touches,
// in one transaction: the cpuser file (DNS<n>), userdata (main, the vhost
// files, the cache), the /etc lookup files, the DNS zones and the document
// root. WHM's create_subdomain, create_parked_domain_for_user and
// delete_domain, the cPanel modules SubDomain, Park and AddonDomain, and the
// addon conversion all go through here.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "account_store.hpp"
#include "sysusers.hpp"

namespace whm {

// The kinds of domain, as the lookup rows name them.
namespace domain_type {
constexpr const char* kMain = "main";
constexpr const char* kSub = "sub";
constexpr const char* kParked = "parked";
constexpr const char* kAddon = "addon";
}  // namespace domain_type

// Whether a removed parked or addon domain's zone goes too. The addon
// conversion keeps it: the zone follows the domain to its new account.
enum class ZoneFate { Remove, Keep };

// What adding or removing a domain did: its kind (domain_type), and the
// zone whose records changed for it (a subdomain's A and www records live in
// the zone above it), which cPanel's messages name.
struct DomainChange {
  std::string type;
  std::optional<std::string> zone;
};

// One account's domains, read once, changed in memory and staged by stage().
// Zone records and document roots are staged as each change is made.
class AccountDomains {
 public:
  // ApiError when the account, its system user or its userdata is missing.
  AccountDomains(const StateRoot& root, Transaction& txn, const std::string& user);

  const std::string& user() const { return user_; }
  const std::string& home() const { return pw_.home; }
  const std::string& main_domain() const { return main_domain_; }
  // "main", "sub", "parked" or "addon" (domain_type); nullopt when the domain is not the account's.
  std::optional<std::string> type_of(const std::string& domain) const;
  // The addon domains a subdomain serves.
  std::vector<std::string> addons_on(const std::string& subdomain) const;
  const std::vector<DomainRow>& rows() const { return rows_; }

  // A new subdomain with its own vhost served from `docroot` (absolute,
  // inside the home; made as the account when missing), and its A and www
  // records in the closest zone above it. `usecanonicalname` is the vhost's
  // UseCanonicalName (On/Off). Honours MAXSUB.
  DomainChange add_subdomain(const std::string& subdomain, const std::string& docroot,
                             const std::string& usecanonicalname = "Off");
  // A new addon domain and the new subdomain whose vhost serves it from
  // `docroot`, as add_subdomain and add_alias make them. Honours MAXADDON
  // (the subdomain does not count against MAXSUB).
  DomainChange add_addon(const std::string& domain, const std::string& subdomain, const std::string& docroot);
  // A new domain answered by the web vhost `vhost`: parked when that is the
  // main domain (MAXPARK), addon when it is a subdomain (MAXADDON). It gets
  // its own zone, which must not exist yet.
  void add_alias(const std::string& domain, const std::string& vhost);
  // Removes a subdomain (not while it serves an addon domain), a parked or an
  // addon domain, with its records or zone.
  DomainChange remove(const std::string& domain, ZoneFate zone = ZoneFate::Remove);
  // Serves the subdomain, and the addon domains on it, from `docroot`
  // (absolute, inside the home; made as the account when missing).
  void change_docroot(const std::string& subdomain, const std::string& docroot);

  // Stages the cpuser file, userdata and lookup files; the changed zones are
  // reloaded once the transaction commits.
  void stage();

 private:
  nlohmann::json& vhost(const std::string& name);  // loaded on first use
  DomainChange add_subdomain_vhost(const std::string& subdomain, const std::string& docroot,
                                   const std::string& usecanonicalname);
  DomainRow new_row(const std::string& domain, const char* type, const std::string& parent,
                    const std::string& docroot) const;
  void check_limit(const char* key, size_t used, const char* what) const;
  void make_docroot(const std::string& docroot);
  std::optional<std::string> zone_above(const std::string& name) const;

  const StateRoot& root_;
  Transaction& txn_;
  AccountStore store_;
  std::string user_, main_domain_;
  CpUser cpuser_;
  PasswdEntry pw_;
  nlohmann::json main_;  // userdata main
  std::vector<DomainRow> rows_;
  std::map<std::string, std::optional<nlohmann::json>> vhosts_;  // changed vhost files; nullopt = removed
  std::set<std::string> reload_;                                 // zones to reload after the commit
};

// A document root as the absolute path inside `home`, from a path relative
// to the home ("public_html/blog") or an absolute one ("/home/bob/public_html/blog").
// With `slash_is_absolute` false (cPanel's `dir` parameters), a leading "/"
// still means the home ("/public_html/blog"), unless the path starts with
// the home itself. `param` names the parameter in errors: "..", an empty
// component, control characters and anything outside the home are refused.
std::string docroot_in_home(const std::string& home, const std::string& dir, const std::string& param,
                            bool slash_is_absolute);

}  // namespace whm
