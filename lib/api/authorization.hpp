// Who may call a function, declared with the function (as WHM does): the
// privilege a reseller needs, and which parameters name an object the caller
// must own. The dispatcher checks both before the handler runs; a refusal is
// the normal envelope with result 0 and nothing is read from or written to
// the object.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "request.hpp"

namespace whm {

class StateRoot;
struct CpanelAccount;

// What an object-naming parameter names, and so what "owns" means for it.
enum class Owned {
  Account,        // an account the caller owns (OWNER=caller)
  AccountOrSelf,  // the same, or the caller's own account
  Domain,         // a domain of an account the caller owns, or of its own account
  Zone,           // a DNS zone of such a domain, by its domain or its file name ("example.com.db")
  Subdomain,      // a new name under such a domain (create_subdomain)
  Package,        // a hosting plan named with the caller's prefix ("caller_...")
  Self,           // the caller itself (a reseller naming itself)
  MailAccount,    // an address at such a domain, or such an account's name (its own mailbox)
};

struct OwnedParam {
  std::string param;
  Owned kind;
};

// The privileges of root's work: reseller ACLs and limits, backups and
// restores, server settings, feature lists.
inline constexpr const char* kRootAcl = "all";

struct Authorization {
  // What a reseller needs: a WHM privilege ("kill-acct"), kRootAcl (root or
  // a reseller holding "all"), or "" (any reseller). cPanel API functions
  // run as the account itself and ignore it.
  std::string acl = kRootAcl;
  std::vector<OwnedParam> owned = {};
  // cPanel API functions: the feature the account's feature list must enable
  // ("ftpaccts"; "a|b" when any one of several will do), or "" for
  // functions every account may call.
  std::string feature = "";
};

// The declarations, as command files write them.
inline Authorization root_only() { return {}; }
inline Authorization any_reseller(std::vector<OwnedParam> owned = {}) { return {"", std::move(owned)}; }
inline Authorization needs(std::string acl, std::vector<OwnedParam> owned = {}) {
  return {std::move(acl), std::move(owned)};
}
// cPanel API functions: the account may touch only its own objects.
inline Authorization own_objects(std::vector<OwnedParam> owned = {}) { return {"", std::move(owned)}; }
// The same for a function that the account's feature list gates.
inline Authorization needs_feature(std::string feature, std::vector<OwnedParam> owned = {}) {
  return {"", std::move(owned), std::move(feature)};
}
inline OwnedParam account(std::string p) { return {std::move(p), Owned::Account}; }
inline OwnedParam account_or_self(std::string p) { return {std::move(p), Owned::AccountOrSelf}; }
inline OwnedParam domain(std::string p) { return {std::move(p), Owned::Domain}; }
inline OwnedParam zone(std::string p) { return {std::move(p), Owned::Zone}; }
inline OwnedParam subdomain(std::string p) { return {std::move(p), Owned::Subdomain}; }
inline OwnedParam package(std::string p) { return {std::move(p), Owned::Package}; }
inline OwnedParam self(std::string p) { return {std::move(p), Owned::Self}; }
inline OwnedParam mail_account(std::string p) { return {std::move(p), Owned::MailAccount}; }

// The WHM user a call runs for, with what it may do.
struct Caller {
  std::string name = "root";
  bool privileged = true;  // root, or a reseller with "all": every object is its
  std::vector<std::string> acls;
  // A call made with an API token that has only some privileges: those
  // (whmkitd); nothing for the CLI and for tokens with all of them.
  std::optional<std::vector<std::string>> token_acls;

  bool has(const std::string& acl) const;
  // Whether the privilege part of `auth` lets the caller call the function at all.
  bool may_call(const Authorization& auth) const { return privileged || (auth.acl != kRootAcl && has(auth.acl)); }
  // Whether the call's API token (if any) holds the function's privilege
  // (root's work needs "all").
  bool token_allows(const Authorization& auth) const;
  // Listings: whether the caller sees `user`'s account (owned by `owner`).
  bool sees(const std::string& user, const std::string& owner) const {
    return privileged || owner == name || user == name;
  }
  // Hosting plans: root's and "all" see every plan; a reseller its own prefix.
  bool sees_package(const std::string& package) const;
};

// The caller of a WHM API 1 call; ApiError if it is neither root nor a reseller.
Caller load_caller(const StateRoot& root, const std::string& name);

// Throws ApiError naming the missing privilege or the object not owned.
void authorize_whm(const StateRoot& root, const Caller& caller, const std::string& function, const Authorization& auth,
                   const Request& req);
// cPanel API 2 / UAPI: the account must have the function's feature (and,
// for a call with an API token limited to some features, the token too),
// and every owned parameter must name the account's own object.
void authorize_account(const StateRoot& root, const CpanelAccount& account, const Authorization& auth,
                       const Request& req, const std::optional<std::vector<std::string>>& token_features = {});

}  // namespace whm
