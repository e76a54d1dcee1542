#include "authorization.hpp"

#include <algorithm>

#include "account_store.hpp"
#include "errors.hpp"
#include "features.hpp"
#include "resellers.hpp"
#include "util.hpp"

namespace whm {

namespace {

std::string quoted(const std::string& s) { return "“" + s + "”"; }

// Domains are compared as DNS does: without case and without the root's dot.
std::string canonical_domain(std::string d) {
  if (!d.empty() && d.back() == '.') d.pop_back();
  return to_lower(d);
}

// The domain of an email address ("" for an account's name).
std::string mail_domain(const std::string& address) {
  const auto at = address.rfind('@');
  return at == std::string::npos ? "" : address.substr(at + 1);
}

// A zone named by its file ("example.com.db") or its domain.
std::string zone_domain(const std::string& zone) {
  return ends_with(zone, ".db") ? zone.substr(0, zone.size() - 3) : zone;
}

class Ownership {
 public:
  Ownership(const StateRoot& root, const Caller& caller) : store_(root), caller_(caller) {}

  bool owns_account(const std::string& user) const {
    if (user.empty()) return false;
    auto u = store_.load(user);
    return u && u->get("OWNER") == caller_.name;
  }
  // The caller's own account, or one it owns.
  bool owns_account_or_self(const std::string& user) const { return user == caller_.name || owns_account(user); }
  bool owns_domain(const std::string& domain) const {
    auto user = store_.domain_owner(canonical_domain(domain));
    return user && owns_account_or_self(*user);
  }
  // A new name under one of the caller's domains: the nearest existing parent decides.
  bool owns_parent_of(const std::string& name) const {
    std::string d = canonical_domain(name);
    for (auto dot = d.find('.'); dot != std::string::npos; dot = d.find('.')) {
      d = d.substr(dot + 1);
      if (d.find('.') == std::string::npos) break;  // never a top-level domain
      if (auto user = store_.domain_owner(d)) return owns_account_or_self(*user);
    }
    return false;
  }

 private:
  AccountStore store_;
  const Caller& caller_;
};

// Why `value` of an owned parameter is not the caller's ("" = it is).
std::string refusal(const Ownership& ownership, const Caller& caller, const OwnedParam& p, const std::string& value) {
  const std::string who = quoted(caller.name);
  switch (p.kind) {
    case Owned::Account:
      if (!ownership.owns_account(value)) return "The user " + who + " does not own the account " + quoted(value) + ".";
      return "";
    case Owned::AccountOrSelf:
      if (!ownership.owns_account_or_self(value))
        return "The user " + who + " does not own the account " + quoted(value) + ".";
      return "";
    case Owned::Domain:
      if (!ownership.owns_domain(value)) return "The user " + who + " does not own the domain " + quoted(value) + ".";
      return "";
    case Owned::Zone:
      if (!ownership.owns_domain(zone_domain(value)))
        return "The user " + who + " does not own the zone " + quoted(value) + ".";
      return "";
    case Owned::Subdomain:
      if (!ownership.owns_parent_of(value))
        return "The user " + who + " does not own a domain that " + quoted(value) + " belongs to.";
      return "";
    case Owned::Package:
      if (!caller.sees_package(value))
        return "The reseller " + who + " may only use its own hosting plans, whose names begin with “" + caller.name +
               "_”; " + quoted(value) + " is not one.";
      return "";
    case Owned::MailAccount:
      if (mail_domain(value).empty() ? !ownership.owns_account_or_self(value)
                                     : !ownership.owns_domain(mail_domain(value)))
        return "The user " + who + " does not own the email account " + quoted(value) + ".";
      return "";
    case Owned::Self:
      if (value != caller.name)
        return "The reseller " + who + " may only name itself in " + quoted(p.param) + ", not " + quoted(value) + ".";
      return "";
  }
  return "";
}

// A token limited to some privileges must hold the function's own (root's
// work needs "all"), whoever made it.
void authorize_token(const Caller& caller, const std::string& function, const Authorization& auth) {
  if (caller.token_allows(auth)) return;
  throw ApiError("The API token does not have the " + quoted(auth.acl) + " privilege that " + quoted(function) +
                 " needs.");
}

}  // namespace

bool Caller::has(const std::string& acl) const {
  return privileged || acl.empty() || std::find(acls.begin(), acls.end(), acl) != acls.end();
}

bool Caller::token_allows(const Authorization& auth) const {
  if (!token_acls || auth.acl.empty()) return true;
  auto holds = [&](const std::string& acl) {
    return std::find(token_acls->begin(), token_acls->end(), acl) != token_acls->end();
  };
  return holds(kRootAcl) || holds(auth.acl);
}

bool Caller::sees_package(const std::string& package) const { return privileged || starts_with(package, name + "_"); }

Caller load_caller(const StateRoot& root, const std::string& name) {
  Caller caller;
  caller.name = name;
  if (name == "root") return caller;
  Transaction view(root);  // reads only
  auto table = read_resellers(view);
  auto it = table.find(name);
  if (it == table.end()) throw ApiError(quoted(name) + " is not a reseller on this server.");
  caller.acls.assign(it->second.begin(), it->second.end());
  caller.privileged = it->second.count(kRootAcl) > 0;
  return caller;
}

void authorize_whm(const StateRoot& root, const Caller& caller, const std::string& function, const Authorization& auth,
                   const Request& req) {
  authorize_token(caller, function, auth);
  if (caller.privileged) return;
  if (auth.acl == kRootAcl)
    throw ApiError("Only root or a reseller with the “all” privilege may call " + quoted(function) + "; the reseller " +
                   quoted(caller.name) + " does not have the “all” privilege.");
  if (!caller.has(auth.acl))
    throw ApiError("The reseller " + quoted(caller.name) + " does not have the " + quoted(auth.acl) + " privilege.");
  Ownership ownership(root, caller);
  for (const auto& p : auth.owned)
    for (const auto& value : req.list(p.param)) {
      if (value.empty()) continue;  // an empty value names nothing: the handler refuses it
      if (auto why = refusal(ownership, caller, p, value); !why.empty()) throw ApiError(why);
    }
}

void authorize_account(const StateRoot& root, const CpanelAccount& account, const Authorization& auth,
                       const Request& req, const std::optional<std::vector<std::string>>& token_features) {
  if (!auth.feature.empty() && token_features) {
    const auto alternatives = split(auth.feature, '|');
    if (std::none_of(alternatives.begin(), alternatives.end(), [&](const std::string& f) {
          return std::find(token_features->begin(), token_features->end(), f) != token_features->end();
        }))
      throw ApiError("The API token does not have the feature " + quoted(alternatives.front()) + ".");
  }
  if (!auth.feature.empty()) {
    // "updatecontact|updatenotificationprefs": any one of them lets the call through.
    const CpUser record = AccountStore(root).require(account.user);
    const auto alternatives = split(auth.feature, '|');
    if (std::none_of(alternatives.begin(), alternatives.end(),
                     [&](const std::string& f) { return resolve_feature(root, record, f).enabled; })) {
      std::vector<std::string> names;
      for (const auto& f : alternatives) names.push_back(quoted(f));
      throw ApiError("You do not have the feature " + join(names, " or ") + ".");
    }
  }
  for (const auto& p : auth.owned)
    for (const auto& value : req.list(p.param)) {
      if (value.empty()) continue;
      bool own = false;
      switch (p.kind) {
        case Owned::Domain: own = account.owns_domain(canonical_domain(value)); break;
        case Owned::Zone: own = account.owns_domain(canonical_domain(zone_domain(value))); break;
        case Owned::Account:
        case Owned::AccountOrSelf:
        case Owned::Self: own = value == account.user; break;
        case Owned::MailAccount:
          own = mail_domain(value).empty() ? value == account.user
                                           : account.owns_domain(canonical_domain(mail_domain(value)));
          break;
        case Owned::Subdomain:
        case Owned::Package: own = false; break;  // not a cPanel-level object
      }
      if (!own)
        throw ApiError("The " + std::string(p.kind == Owned::Domain ? "domain " : "name ") + quoted(value) +
                       " does not belong to the account " + quoted(account.user) + ".");
    }
}

}  // namespace whm
