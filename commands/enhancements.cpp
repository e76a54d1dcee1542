// Accounts / Account Enhancements and Resellers / Account Enhancement Limit:
// create, modify, delete and list the enhancements (root), assign them to
// accounts and take them away (root, or a reseller holding
// assign-root-account-enhancements, for its own accounts and within its
// limits), and the resellers' limits. Storage: lib/store/account_enhancements.hpp.
#include <algorithm>

#include "account_enhancements.hpp"
#include "account_lifecycle.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"
#include "resellers.hpp"
#include "util.hpp"

namespace whm {
namespace {

constexpr const char* kAssignAcl = "assign-root-account-enhancements";

std::string in_quotes(const std::string& s) { return "“" + s + "”"; }

// WHM API 1 puts warnings in metadata.output.warnings.
void add_warnings(Response& r, const std::vector<std::string>& warnings) {
  for (const auto& w : warnings) r.metadata["output"]["warnings"].push_back(w);
}

nlohmann::json enhancement_json(const Enhancement& e) { return {{"id", e.id}, {"name", e.name}}; }

// ---------------------------------------------------------------- the enhancements

Response list_account_enhancements(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  std::vector<std::string> warnings;
  nlohmann::json list = nlohmann::json::array();
  for (const auto& e : list_enhancements(ctx.root, view, warnings)) list.push_back(enhancement_json(e));
  Response r;
  r.data = {{"enhancements", list}};
  add_warnings(r, warnings);
  return r;
}

Response create_account_enhancement(Context& ctx, const Request& req) {
  Transaction& txn = ctx.txn();
  // cPanel trims the name it stores.
  const Enhancement e{trim(req.require("name")), req.require("id")};
  check_enhancement_name(e.name);
  check_enhancement_id(txn, e.id);
  std::vector<std::string> ignored;
  for (const auto& other : list_enhancements(ctx.root, txn, ignored))
    if (to_lower(other.name) == to_lower(e.name))
      throw ApiError("The " + in_quotes(e.name) + " enhancement name already exists on the system.");
  if (txn.exists(enhancement_rel(e.name)))  // a file that is not a readable enhancement
    throw ApiError("The " + in_quotes(e.name) + " enhancement name already exists on the system.");
  stage_enhancement(txn, e);
  Response r;
  r.data = {{"name", e.name}};
  return r;
}

Response modify_account_enhancement(Context& ctx, const Request& req) {
  Transaction& txn = ctx.txn();
  const std::string id = req.get_or("id", "");
  if (id.empty()) throw ApiError("You must provide updated values to update an enhancement.");
  Enhancement e = find_enhancement(txn, req.require("name"));
  check_enhancement_id(txn, id);
  e.id = id;
  stage_enhancement(txn, e);
  Response r;
  r.data = enhancement_json(e);
  return r;
}

// The accounts keep their assignments (cPanel leaves them for a reinstall);
// unassign_account_enhancement still takes them away.
Response delete_account_enhancement(Context& ctx, const Request& req) {
  Transaction& txn = ctx.txn();
  const std::string name = req.require("name");
  check_enhancement_name(name);
  if (!txn.exists(enhancement_rel(name)))
    throw ApiError("The system was unable to find the " + in_quotes(name) + " enhancement.");
  txn.remove(enhancement_rel(name));
  return {};
}

// ---------------------------------------------------------------- assignments

Response assign_account_enhancement(Context& ctx, const Request& req) {
  Transaction& txn = ctx.txn();
  const std::string account = req.require("account");
  const Enhancement e = find_enhancement(txn, req.require("name"));
  check_enhancement_id(txn, e.id);
  AccountStore store(ctx.root);
  CpUser u = store.require(account);
  const std::string key = enhancements::kAssignmentPrefix + e.name;
  if (!u.get(key).empty())
    throw ApiError("The " + in_quotes(account) + " account already has access to the " + in_quotes(e.name) +
                   " enhancement.");
  // A reseller assigns within the limits root set for it (none set: none at all).
  const std::string owner = u.get("OWNER", "root");
  if (!ctx.rights.privileged && owner != "root" && is_reseller(txn, owner)) {
    const auto limits = enhancement_limits(txn, owner);
    const EnhancementLimit limit = limits.count(e.id) ? limits.at(e.id) : EnhancementLimit{};
    const auto usage = enhancement_usage(ctx.root, txn, owner);
    const long long used = usage.count(e.id) ? usage.at(e.id) : 0;
    if (limit.limited && used + 1 > limit.limit)
      throw ApiError("You have reached the maximum number of " + in_quotes(std::to_string(limit.limit)) +
                     " assignments for the " + in_quotes(e.id) + " Account Enhancement ID.");
  }
  u.set(key, e.id);
  save_account(store, txn, u);
  stage_enhancement_usage(ctx.root, txn, owner, e.id);
  return {};
}

// Also for an enhancement deleted since it was assigned.
Response unassign_account_enhancement(Context& ctx, const Request& req) {
  Transaction& txn = ctx.txn();
  const std::string account = req.require("account"), name = req.require("name");
  check_enhancement_name(name);
  AccountStore store(ctx.root);
  CpUser u = store.require(account);
  const std::string key = enhancements::kAssignmentPrefix + name;
  if (!u.kv.count(key)) {
    find_enhancement(txn, name);  // "unable to find" when there is no such enhancement at all
    throw ApiError("The " + in_quotes(account) + " account does not have access to the " + in_quotes(name) +
                   " enhancement.");
  }
  const std::string id = u.get(key);
  u.kv.erase(key);
  save_account(store, txn, u);
  stage_enhancement_usage(ctx.root, txn, u.get("OWNER", "root"), id);
  return {};
}

// ---------------------------------------------------------------- reseller limits

void require_reseller(const Transaction& txn, const std::string& account) {
  if (!is_reseller(txn, account)) throw ApiError("The " + in_quotes(account) + " cPanel account is not a reseller.");
}

// Every enhancement id in use (each once), with the reseller's limit (cPanel's
// default when none is set) and how many of its accounts hold it.
Response list_enhancement_limits(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  const std::string account = req.require("account");
  require_reseller(view, account);
  std::vector<std::string> warnings;
  const auto installed = installed_enhancement_ids(view);
  const auto stored = enhancement_limits(view, account);
  const auto usage = enhancement_usage(ctx.root, view, account);
  nlohmann::json limits = nlohmann::json::object();
  for (const auto& e : list_enhancements(ctx.root, view, warnings)) {
    if (limits.contains(e.id) || std::find(installed.begin(), installed.end(), e.id) == installed.end()) continue;
    EnhancementLimit l = stored.count(e.id) ? stored.at(e.id) : EnhancementLimit{};
    l.usage = usage.count(e.id) ? usage.at(e.id) : 0;
    limits[e.id] = {{"limit", l.limit}, {"limited", l.limited ? 1 : 0}, {"usage", l.usage}};
  }
  Response r;
  r.data = {{"limits", limits}};
  add_warnings(r, warnings);
  return r;
}

Response set_enhancement_limit(Context& ctx, const Request& req) {
  Transaction& txn = ctx.txn();
  const std::string account = req.require("account"), id = req.require("id");
  require_reseller(txn, account);
  check_enhancement_id(txn, id);
  const bool limited = req.flag("limited");
  std::optional<long long> limit;
  if (limited && req.get_or("limit", "").empty()) throw missing_param("limit");
  if (!req.get_or("limit", "").empty()) {
    limit = req.integer("limit", 0, 999999999);
    if (!limit) throw invalid_param("limit", "it must be a nonnegative integer.");
  }
  stage_enhancement_limit(ctx.root, txn, account, id, limited, limit);
  return {};
}

WHMKIT_REGISTRATIONS(
    registrations,
    Registration({"list_account_enhancements", list_account_enhancements, Access::Read, needs(kAssignAcl)}),
    Registration({"create_account_enhancement", create_account_enhancement, Access::Write, root_only()}),
    Registration({"modify_account_enhancement", modify_account_enhancement, Access::Write, root_only()}),
    Registration({"delete_account_enhancement", delete_account_enhancement, Access::Write, root_only()}),
    Registration({"assign_account_enhancement", assign_account_enhancement, Access::Write,
                  needs(kAssignAcl, {account("account")})}),
    Registration({"unassign_account_enhancement", unassign_account_enhancement, Access::Write,
                  needs(kAssignAcl, {account("account")})}),
    // A reseller reads its own limits; root sets them.
    Registration({"list_enhancement_limits", list_enhancement_limits, Access::Read,
                  needs(kAssignAcl, {self("account")})}),
    Registration({"set_enhancement_limit",
                  set_enhancement_limit,
                  Access::Write,
                  root_only(),
                  {optional_param("limit", ParamType::Integer)}}), );

}  // namespace
}  // namespace whm
