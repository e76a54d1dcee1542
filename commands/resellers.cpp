// Resellers: setup/unsetup, ACLs and ACL lists, limits, IPs, nameservers,
// statistics, suspension and termination of a reseller with its accounts.
#include <algorithm>
#include <ctime>

#include "account_common.hpp"
#include "bandwidth.hpp"
#include "errors.hpp"
#include "ip_addresses.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"
#include "resellers.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {
namespace {

void require_reseller(const Transaction& txn, const std::string& user) {
  if (!is_reseller(txn, user)) throw ApiError("“" + user + "” is not a reseller.");
}

// Two decimals, as resellerstats prints sizes ("1100.00").
std::string fmt_number(double v) {
  char buf[64];
  snprintf(buf, sizeof buf, "%.2f", v);
  return buf;
}

std::vector<std::string> owned_accounts(const AccountStore& store, const std::string& reseller) {
  std::vector<std::string> out;
  for (const auto& name : store.usernames())
    if (auto u = store.load(name); u && u->get("OWNER") == reseller && name != reseller) out.push_back(name);
  return out;
}

// The ACLs named by acl-<name>=1 arguments; unknown names are refused.
std::set<std::string> acls_from_args(const Request& req) {
  std::set<std::string> acls;
  const auto& known = known_acls();
  for (const auto& [key, values] : req.args) {
    if (!starts_with(key, "acl-")) continue;
    std::string acl = key.substr(4);
    if (std::find(known.begin(), known.end(), acl) == known.end())
      throw ValidationError("Unknown ACL name “" + acl + "”.");
    const std::string& v = values.back();
    if (v != "0" && v != "1") throw invalid_param(key, "use 0 or 1.");
    if (v == "1") acls.insert(acl);
  }
  return acls;
}

std::string acllist_rel(const std::string& name) {
  check_path_component(name, "ACL list name");
  if (name[0] == '.') throw ApiError("Invalid ACL list name: “" + name + "”.");
  return "var/cpanel/acllists/" + name;
}

nlohmann::json privileges_json(const std::set<std::string>& acls) {
  nlohmann::json p = nlohmann::json::object();
  for (const auto& a : known_acls()) p[a] = (acls.count(a) || acls.count("all")) ? 1 : 0;
  return p;
}

Response setupreseller(Context& ctx, const Request& req) {
  std::string user = req.require("user");
  AccountStore store(ctx.root);
  CpUser u = store.require(user);
  Transaction txn(ctx.root);
  stage_reseller_grant(txn, user);
  if (req.flag("makeowner") && u.get("OWNER") != user) {
    u.set("OWNER", user);
    save_account(store, txn, u);
  }
  txn.commit();
  return {};
}

Response unsetupreseller(Context& ctx, const Request& req) {
  std::string user = req.require("user");
  Transaction txn(ctx.root);
  require_reseller(txn, user);
  stage_reseller_revoke(ctx.root, txn, user, true);
  AccountStore store(ctx.root);  // a self-owned reseller's own account goes to root too
  if (auto own = store.load(user); own && own->get("OWNER") == user) {
    own->set("OWNER", "root");
    save_account(store, txn, *own);
  }
  txn.commit();
  return {};
}

Response listresellers(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [user, _] : read_resellers(view)) list.push_back(user);
  Response r;
  r.data = {{"reseller", list}};
  return r;
}

Response listacls(Context& ctx, const Request&) {
  nlohmann::json list = nlohmann::json::array();
  auto names = ctx.root.list_dir("var/cpanel/acllists");
  std::sort(names.begin(), names.end());
  for (const auto& name : names) {
    if (name[0] == '.') continue;
    std::set<std::string> acls;
    for (const auto& [acl, v] : parse_key_values(ctx.root.read("var/cpanel/acllists/" + name).value_or("")))
      if (v == "1") acls.insert(acl);
    list.push_back({{"name", name}, {"privileges", privileges_json(acls)}});
  }
  Response r;
  r.data = {{"acl", list}};
  return r;
}

Response saveacllist(Context& ctx, const Request& req) {
  std::string name = req.require("acllist");
  std::string rel = acllist_rel(name);
  auto acls = acls_from_args(req);
  KeyValues kv;
  for (const auto& a : known_acls()) kv[a] = acls.count(a) ? "1" : "0";
  Transaction txn(ctx.root);
  txn.write(rel, serialize_key_values(kv), 0644);
  txn.commit();
  Response r;
  r.data = {{"acllist", name}};
  return r;
}

Response setacls(Context& ctx, const Request& req) {
  std::string user = req.require("reseller");
  Transaction txn(ctx.root);
  require_reseller(txn, user);
  std::set<std::string> acls;
  if (auto list = req.get("acllist"); list && !list->empty()) {
    auto text = ctx.root.read(acllist_rel(*list));
    if (!text) throw ApiError("The ACL list “" + *list + "” does not exist.");
    for (const auto& [acl, v] : parse_key_values(*text))
      if (v == "1") acls.insert(acl);
  } else {
    acls = acls_from_args(req);
  }
  auto table = read_resellers(txn);
  table[user] = acls;
  write_resellers(txn, table);
  txn.commit();
  return {};
}

Response setresellerlimits(Context& ctx, const Request& req) {
  std::string user = req.require("user");
  Transaction txn(ctx.root);
  require_reseller(txn, user);
  auto all = read_reseller_limits(txn);
  nlohmann::json defaults = {{"number_of_accounts", {{"enabled", 0}, {"accounts", nullptr}}},
                             {"resources",
                              {{"enabled", 0},
                               {"type", {{"bw", nullptr}, {"disk", nullptr}}},
                               {"overselling", {{"enabled", 0}, {"type", {{"bw", 0}, {"disk", 0}}}}}}},
                             {"preassigned_packages", {{"enabled", 0}}},
                             {"number_of_packages", {{"enabled", 0}}}};
  nlohmann::json limits = all.value(user, nlohmann::json::object()).value("limits", defaults);
  auto flag = [&](const char* k) { return req.has(k) ? std::optional<int>(req.flag(k) ? 1 : 0) : std::nullopt; };
  auto number = [&](const char* k, long long max) { return req.integer(k, 0, max); };
  if (auto v = flag("enable_account_limit")) limits["number_of_accounts"]["enabled"] = *v;
  if (auto v = number("account_limit", kMaxLimitCount)) limits["number_of_accounts"]["accounts"] = *v;
  if (auto v = flag("enable_resource_limits")) limits["resources"]["enabled"] = *v;
  if (auto v = number("diskspace_limit", kMaxLimitMegabytes)) limits["resources"]["type"]["disk"] = *v;
  if (auto v = number("bandwidth_limit", kMaxLimitMegabytes)) limits["resources"]["type"]["bw"] = *v;
  if (auto v = flag("enable_overselling")) limits["resources"]["overselling"]["enabled"] = *v;
  if (auto v = flag("enable_overselling_bandwidth")) limits["resources"]["overselling"]["type"]["bw"] = *v;
  if (auto v = flag("enable_overselling_diskspace")) limits["resources"]["overselling"]["type"]["disk"] = *v;
  if (auto v = flag("enable_package_limits")) limits["preassigned_packages"]["enabled"] = *v;
  if (auto v = flag("enable_package_limit_numbers")) limits["number_of_packages"]["enabled"] = *v;
  if (limits["number_of_accounts"]["enabled"] == 1 && limits["number_of_accounts"]["accounts"].is_null())
    throw ValidationError("Missing parameter “account_limit”: enable_account_limit=1 needs a limit.");
  all[user]["limits"] = limits;
  write_reseller_limits(txn, all);
  txn.commit();
  return {};
}

Response setresellerpackagelimit(Context& ctx, const Request& req) {
  std::string user = req.require("user");
  Transaction txn(ctx.root);
  require_reseller(txn, user);
  auto all = read_package_limits(txn);
  if (req.flag("no_limit")) {
    if (all.contains(user)) {
      all.erase(user);
      write_package_limits(txn, all);
    }
    txn.commit();
    return {};
  }
  std::string pkg = req.require("package");
  load_package(ctx.root, pkg);  // must exist
  auto& entry = all[user][pkg];
  if (!entry.is_object()) entry = {{"allowed", 0}, {"number", 0}};
  if (req.has("allowed")) entry["allowed"] = req.flag("allowed") ? 1 : 0;
  if (auto n = req.integer("number", 1, kMaxLimitCount)) entry["number"] = *n;
  write_package_limits(txn, all);
  txn.commit();
  return {};
}

Response setresellermainip(Context& ctx, const Request& req) {
  std::string user = req.require("user"), ip = req.require("ip");
  Transaction txn(ctx.root);
  require_reseller(txn, user);
  require_server_ip(ctx.root, ip);
  txn.write("var/cpanel/mainips/" + user, ip + "\n", 0644);
  txn.commit();
  return {};
}

nlohmann::json reseller_ips_json(const StateRoot& root, const Transaction& txn, const std::string& user) {
  auto text = txn.read("var/cpanel/dips/" + user);
  std::vector<std::string> ips;
  if (text)
    for (const auto& l : split(*text, '\n'))
      if (!trim(l).empty()) ips.push_back(trim(l));
  if (!text) ips = server_ips(root);
  return {{"all", text ? 0 : 1}, {"ip", ips}};
}

Response setresellerips(Context& ctx, const Request& req) {
  std::string user = req.require("user");
  Transaction txn(ctx.root);
  require_reseller(txn, user);
  std::string rel = "var/cpanel/dips/" + user;
  if (req.flag("delegate")) {
    std::vector<std::string> ips;
    for (const auto& list : req.list("ips"))
      for (const auto& ip : split(list, ','))
        if (!trim(ip).empty()) {
          if (!is_valid_ipv4(trim(ip))) throw invalid_param("ips", "“" + trim(ip) + "” is not an IPv4 address.");
          require_server_ip(ctx.root, trim(ip));
          ips.push_back(trim(ip));
        }
    txn.write(rel, join(ips, "\n") + (ips.empty() ? "" : "\n"), 0644);
  } else if (ctx.root.exists(rel)) {
    txn.remove(rel);  // no delegation: the reseller may use every IP
  }
  txn.commit();
  Transaction view(ctx.root);
  Response r;
  r.data = reseller_ips_json(ctx.root, view, user);
  return r;
}

Response getresellerips(Context& ctx, const Request& req) {
  std::string user = req.get_or("user", ctx.caller);
  Transaction view(ctx.root);
  if (user != "root") require_reseller(view, user);
  Response r;
  r.data = user == "root" ? nlohmann::json{{"all", 1}, {"ip", server_ips(ctx.root)}}
                          : reseller_ips_json(ctx.root, view, user);
  return r;
}

Response setresellernameservers(Context& ctx, const Request& req) {
  std::string user = req.require("user");
  Transaction txn(ctx.root);
  require_reseller(txn, user);
  std::vector<std::string> servers;
  for (const auto& list : req.list("nameservers"))
    for (const auto& ns : split(list, ','))
      if (!trim(ns).empty()) {
        std::string n = to_lower(trim(ns));
        if (auto why = domain_syntax_error(n)) throw invalid_param("nameservers", *why);
        servers.push_back(n);
      }
  auto all = read_reseller_nameservers(txn);
  if (servers.empty())
    all.erase(user);
  else
    all[user] = servers;
  write_reseller_nameservers(txn, all);
  txn.commit();
  return {};
}

Response resellerstats(Context& ctx, const Request& req) {
  std::string user = req.require("user");
  Transaction view(ctx.root);
  require_reseller(view, user);
  AccountStore store(ctx.root);
  std::time_t t = now();
  int year = static_cast<int>(parse_int(req.get_or("year", format_time(t, "%Y", true))).value_or(1970));
  int month = static_cast<int>(parse_int(req.get_or("month", format_time(t, "%m", true))).value_or(1));
  ServerConfig config = load_server_config(ctx.root);
  SystemUsers users;
  users.load(view);
  AccountRecordContext rctx{store, users, config, {}, temporary_domain_base(view)};
  nlohmann::json accts = nlohmann::json::array();
  double disk_used = 0, disk_alloc = 0, bw_alloc = 0;
  long long bw_used = 0;
  for (const auto& name : owned_accounts(store, user)) {
    CpUser u = *store.load(name);
    if (req.flag("filter_suspended") && u.suspended()) continue;
    auto rec = account_record(rctx, u);
    long long used = 0;
    for (const auto& [d, b] : bandwidth_for_month(ctx.root.path(paths::bandwidth_db(name)), year, month)) used += b;
    double quota_mb = parse_int(u.get("DISK_BLOCK_LIMIT", "0")).value_or(0) / 1024.0;
    double bw_limit_mb = parse_int(u.get("BWLIMIT")).value_or(0) / 1048576.0;
    double used_mb = std::stod(rec["diskused"].get<std::string>());
    disk_used += used_mb;
    disk_alloc += quota_mb;
    bw_alloc += bw_limit_mb;
    bw_used += used;
    accts.push_back({{"bandwidthlimit", bw_limit_mb > 0 ? fmt_number(bw_limit_mb) : "unlimited"},
                     {"bandwidthused", used},
                     {"deleted", 0},
                     {"diskquota", quota_mb > 0 ? fmt_number(quota_mb) : "unlimited"},
                     {"diskused", fmt_number(used_mb)},
                     {"domain", u.main_domain()},
                     {"package", u.get("PLAN")},
                     {"suspended", u.suspended() ? 1 : 0},
                     {"user", name}});
  }
  auto limits =
      read_reseller_limits(view).value(user, nlohmann::json::object()).value("limits", nlohmann::json::object());
  auto resources = limits.value("resources", nlohmann::json::object());
  auto type = resources.value("type", nlohmann::json::object());
  auto over = resources.value("overselling", nlohmann::json::object()).value("type", nlohmann::json::object());
  auto num = [](const nlohmann::json& v) { return v.is_number() ? v.get<double>() : 0.0; };
  Response r;
  r.data = {{"reseller",
             {{"acct", accts},
              {"bandwidthlimit", num(type.value("bw", nlohmann::json(nullptr)))},
              {"bwoverselling", over.value("bw", 0)},
              {"diskoverselling", over.value("disk", 0)},
              {"diskquota", num(type.value("disk", nlohmann::json(nullptr)))},
              {"diskused", disk_used},
              {"month", month},
              {"totalbwalloc", fmt_number(bw_alloc)},
              {"totalbwused", bw_used},
              {"totaldiskalloc", fmt_number(disk_alloc)},
              {"user", user},
              {"year", year}}}};
  return r;
}

Response suspendreseller(Context& ctx, const Request& req) {
  std::string user = req.require("user");
  Transaction txn(ctx.root);
  require_reseller(txn, user);
  AccountStore store(ctx.root);
  SuspendOptions opts;
  opts.reason = req.get_or("reason", "Unknown");
  opts.lock = req.flag("disallow");
  std::string raw;
  std::vector<std::string> targets;
  if (store.exists(user)) targets.push_back(user);
  if (!req.flag("reseller-only"))
    for (const auto& a : owned_accounts(store, user)) targets.push_back(a);
  // All or nothing: every account in one transaction.
  for (const auto& a : targets) raw += a + ": " + stage_suspension(ctx.root, txn, a, opts);
  txn.commit();
  Response r;
  r.metadata["output"] = {{"raw", raw}};
  return r;
}

Response unsuspendreseller(Context& ctx, const Request& req) {
  std::string user = req.require("user");
  Transaction txn(ctx.root);
  require_reseller(txn, user);
  AccountStore store(ctx.root);
  std::vector<std::string> targets;
  if (store.exists(user)) targets.push_back(user);
  if (!req.flag("reseller-only"))
    for (const auto& a : owned_accounts(store, user)) targets.push_back(a);
  for (const auto& a : targets)
    if (store.require(a).suspended()) stage_unsuspension(ctx.root, txn, a);
  txn.commit();
  return {};
}

Response terminatereseller(Context& ctx, const Request& req) {
  std::string user = req.require("user");
  if (!req.flag("terminatereseller"))
    throw ValidationError(
        "Set “terminatereseller” to 1 to confirm the removal of the reseller and all of its accounts.");
  Transaction txn(ctx.root);
  require_reseller(txn, user);
  AccountStore store(ctx.root);
  nlohmann::json accts = nlohmann::json::array();
  auto targets = owned_accounts(store, user);
  if (store.exists(user)) targets.push_back(user);
  for (const auto& a : targets) accts.push_back({{"output", {{"raw", stage_removal(ctx.root, txn, a)}}}, {"user", a}});
  stage_reseller_revoke(ctx.root, txn, user, false);
  txn.commit();
  Response r;
  r.data = {{"acct", accts}};
  return r;
}

Response acctcounts(Context& ctx, const Request& req) {
  std::string user = req.get_or("user", ctx.caller);
  Transaction view(ctx.root);
  AccountStore store(ctx.root);
  if (user != "root") require_reseller(view, user);
  int active = 0, suspended = 0;
  for (const auto& name : store.usernames()) {
    auto u = store.load(name);
    if (!u || (user != "root" && (u->get("OWNER") != user || name == user))) continue;
    (u->suspended() ? suspended : active)++;
  }
  auto limit = user == "root" ? std::nullopt : account_limit(view, user);
  Response r;
  r.data = {{"reseller",
             {{"active", active},
              {"limit", limit ? nlohmann::json(*limit) : nlohmann::json("unlimited")},
              {"suspended", suspended},
              {"user", user}}}};
  return r;
}

Response myprivs(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  std::set<std::string> acls = {"all"};
  if (ctx.caller != "root") acls = read_resellers(view)[ctx.caller];
  Response r;
  r.data = {{"privileges", nlohmann::json::array({privileges_json(acls)})}};
  return r;
}

// "ips" is a comma-separated list (each address is checked by the handler).
ParamSpec ip_list_param() {
  ParamSpec p;
  p.name = "ips";
  return p;
}

WHMKIT_REGISTRATIONS(registrations, Registration({"setupreseller", setupreseller, Access::Write, root_only()}),
                     Registration({"unsetupreseller", unsetupreseller, Access::Write, root_only()}),
                     Registration({"listresellers", listresellers, Access::Read, root_only()}),
                     Registration({"listacls", listacls, Access::Read, root_only()}),
                     Registration({"saveacllist", saveacllist, Access::Write, root_only()}),
                     Registration({"setacls", setacls, Access::Write, root_only()}),
                     Registration({"setresellerlimits", setresellerlimits, Access::Write, root_only()}),
                     Registration({"setresellerpackagelimit", setresellerpackagelimit, Access::Write, root_only()}),
                     Registration({"setresellermainip", setresellermainip, Access::Write, root_only()}),
                     Registration({"setresellerips", setresellerips, Access::Write, root_only(), {ip_list_param()}}),
                     Registration({"getresellerips", getresellerips, Access::Read, any_reseller({self("user")})}),
                     Registration({"setresellernameservers", setresellernameservers, Access::Write, root_only()}),
                     Registration({"resellerstats", resellerstats, Access::Read, any_reseller({self("user")})}),
                     Registration({"suspendreseller", suspendreseller, Access::Write, root_only()}),
                     Registration({"unsuspendreseller", unsuspendreseller, Access::Write, root_only()}),
                     Registration({"terminatereseller", terminatereseller, Access::Write, root_only()}),
                     Registration({"acctcounts", acctcounts, Access::Read, any_reseller({self("user")})}),
                     Registration({"myprivs", myprivs, Access::Read, any_reseller()}), );

}  // namespace
}  // namespace whm
