// WHM API 1 "Spam Protection (Greylisting)": cPGreyList's switch, settings,
// trusted hosts, common mail providers and deferred triplets, on the files
// and database of lib/store/greylist.hpp. Exim asks whmkit-greylist
// (apps/greylist.cpp) at RCPT time; docs/greylisting.md has the whole picture.
// Like cPanel, everything but the status, the settings and the switch
// answers "cPGreyList is disabled on the server." while greylisting is off.
#include <ifaddrs.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <ctime>

#include "errors.hpp"
#include "greylist.hpp"
#include "ip_addresses.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"
#include "services.hpp"
#include "util.hpp"

namespace whm {
namespace {

using json = nlohmann::json;

constexpr const char* kAutotrust = "autotrust_new_common_mail_providers";

int exim_enabled(const StateRoot& root) { return Services(root).disabled(*find_service("exim")) ? 0 : 1; }

void require_enabled(const Transaction& view) {
  if (!greylist_enabled(view)) throw ApiError("cPGreyList is disabled on the server.");
}

// A result of 0 that still carries the data (what failed for each item).
Response failed_with(json data, const std::string& reason) {
  Response r;
  r.ok = false;
  r.reason = reason;
  r.data = std::move(data);
  return r;
}

Response cpgreylist_status(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  Response r;
  r.data = {{"service", "cPGreyList"},
            {"is_enabled", greylist_enabled(view) ? 1 : 0},
            {"is_exim_enabled", exim_enabled(ctx.root)}};
  return r;
}

Response enable_cpgreylist(Context& ctx, const Request&) {
  Transaction& txn = ctx.txn();
  if (!exim_enabled(ctx.root)) throw ApiError("Failed to enable cPGreyList: Exim is disabled on the server");
  Response r;
  if (greylist_enabled(txn)) {
    r.reason = "cPGreyList is already enabled.";
    return r;
  }
  stage_greylist_enabled(txn, true);
  // The database with the shipped providers, and Exim's host lists.
  GreylistDb(txn).stage(txn);
  return r;
}

Response disable_cpgreylist(Context& ctx, const Request&) {
  Transaction& txn = ctx.txn();
  Response r;
  if (!greylist_enabled(txn)) r.reason = "cPGreyList is already disabled.";
  stage_greylist_enabled(txn, false);
  return r;
}

json config_json(const Context& ctx, const Transaction& view) {
  json config = json::object();
  for (const auto& [key, value] : load_greylist_config(view)) config[key] = value;
  config["is_enabled"] = greylist_enabled(view) ? 1 : 0;
  config["is_exim_enabled"] = exim_enabled(ctx.root);
  return {{"cpgreylist_config", config}};
}

Response load_cpgreylist_config(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  Response r;
  r.data = config_json(ctx, view);
  return r;
}

Response save_cpgreylist_config(Context& ctx, const Request& req) {
  Transaction& txn = ctx.txn();
  require_enabled(txn);
  GreylistConfig changes;
  for (const auto& key : greylist_config_keys())
    if (auto v = req.integer(key, 0, 1LL << 40)) changes[key] = *v;
  if (changes.empty())
    throw ApiError("Failed to save cPGreyList configuration: give at least one of the settings (" +
                   join(greylist_config_keys(), ", ") + ").");
  try {
    stage_greylist_config(txn, changes);
  } catch (const ValidationError&) {
    throw;
  } catch (const ApiError& e) {
    throw ApiError(std::string("Failed to save cPGreyList configuration: ") + e.what());
  }
  Response r;
  r.data = config_json(ctx, txn);
  return r;
}

// ---- trusted hosts ------------------------------------------------------

std::string invalid_range(const std::string& ip) { return "Invalid IP address or range: “" + ip + "”"; }

Response create_cpgreylist_trusted_host(Context& ctx, const Request& req) {
  Transaction& txn = ctx.txn();
  require_enabled(txn);
  const std::string comment = req.single_line("comment").value_or("");
  if (comment.size() > 255) throw invalid_param("comment", "it must be at most 255 characters.");
  GreylistDb db(txn);
  json added = json::array(), failed = json::object();
  for (const auto& ip : req.list("ip")) {
    if (auto range = parse_ip_range(ip))
      added.push_back(db.add_trusted_host(*range, comment));
    else
      failed[ip] = invalid_range(ip);
  }
  json data = {{"ips_added", added}, {"ips_failed", failed}, {"comment", comment}};
  if (added.empty()) return failed_with(data, "No trusted hosts added.");
  db.stage(txn);
  Response r;
  r.data = data;
  return r;
}

Response delete_cpgreylist_trusted_host(Context& ctx, const Request& req) {
  Transaction& txn = ctx.txn();
  require_enabled(txn);
  GreylistDb db(txn);
  json removed = json::array(), failed = json::object();
  for (const auto& ip : req.list("ip")) {
    auto range = parse_ip_range(ip);
    if (!range)
      failed[ip] = invalid_range(ip);
    else if (db.delete_trusted_host(*range))
      removed.push_back(ip);
  }
  json data = {{"ips_removed", removed}, {"ips_failed", failed}};
  if (removed.empty()) return failed_with(data, "No trusted hosts deleted.");
  db.stage(txn);
  Response r;
  r.data = data;
  return r;
}

Response read_cpgreylist_trusted_hosts(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  require_enabled(view);
  Response r;
  r.data = {{"greylist_trusted_hosts", GreylistDb(view).trusted_hosts()}};
  return r;
}

// The network `ip` is configured in: its etc/ips netmask, on the real
// server the netmask of the interface carrying it, else the address alone.
// (cPanel asks WHOIS for the registered block; whmkit makes no such lookup.)
IpRange server_netblock(const StateRoot& root, const Transaction& view, const std::string& ip) {
  std::string netmask;
  for (const auto& extra : read_extra_ips(view))
    if (extra.ip == ip) netmask = extra.netmask;
  if (netmask.empty() && root.is_system_root()) {
    ifaddrs* list = nullptr;
    if (getifaddrs(&list) == 0) {
      for (ifaddrs* i = list; i; i = i->ifa_next) {
        if (!i->ifa_addr || !i->ifa_netmask || i->ifa_addr->sa_family != AF_INET) continue;
        const auto* a = reinterpret_cast<const sockaddr_in*>(i->ifa_addr);
        const auto* m = reinterpret_cast<const sockaddr_in*>(i->ifa_netmask);
        if (ipv4_text(ntohl(a->sin_addr.s_addr)) == ip) netmask = ipv4_text(ntohl(m->sin_addr.s_addr));
      }
      freeifaddrs(list);
    }
  }
  const auto prefix = netmask.empty() ? std::nullopt : netmask_prefix(netmask);
  auto range = parse_ip_range(prefix ? ip + "/" + std::to_string(*prefix) : ip);
  if (!range) throw ApiError("The server's address “" + ip + "” is not an IPv4 address.");
  return *range;
}

Response cpgreylist_is_server_netblock_trusted(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  require_enabled(view);
  const auto ips = server_ips(ctx.root);
  if (ips.empty())
    throw ApiError(
        "Failed to check if server netblock is added to the cPGreyList trusted hosts: Failed to fetch public IPs on "
        "server");
  GreylistDb db(view);
  json blocks = json::object();
  for (const auto& ip : ips) {
    const IpRange range = server_netblock(ctx.root, view, ip);
    blocks[ip_range_text(range)] = db.range_trusted(range) ? 1 : 0;
  }
  Response r;
  r.data = {{"ip_blocks", blocks}};
  return r;
}

// ---- deferred triplets --------------------------------------------------

std::string api_arg(const json& api, const char* section, const char* key, const char* sub = nullptr) {
  if (!api.contains(section) || !api[section].is_object()) return "";
  const json* node = &api[section];
  if (sub) {
    if (!node->contains(sub) || !(*node)[sub].is_object()) return "";
    node = &(*node)[sub];
  }
  return node->contains(key) && (*node)[key].is_string() ? (*node)[key].get<std::string>() : "";
}

// cPanel pages, sorts and filters this list itself (in the database), from
// api.chunk (size, start), api.sort (a.field, a.reverse) and api.filter (a.arg0).
Response read_cpgreylist_deferred_entries(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  require_enabled(view);
  const json& api = req.api;
  DeferredQuery q;
  const bool chunked = api_arg(api, "chunk", "enable") == "1";
  if (chunked) {
    auto size = parse_int(api_arg(api, "chunk", "size")), start = parse_int(api_arg(api, "chunk", "start"));
    if (size && *size > 0) q.limit = *size;
    if (start && *start > 0) q.offset = *start - 1;
  }
  if (api_arg(api, "sort", "enable") == "1") {
    const std::string field = api_arg(api, "sort", "field", "a");
    if (!field.empty()) q.order_by = field;
    q.descending = api_arg(api, "sort", "reverse", "a") == "1";
  }
  const bool filtered = api_arg(api, "filter", "enable") == "1";
  if (filtered) q.filter = api_arg(api, "filter", "arg0", "a");

  long long total = 0;
  json entries = GreylistDb(view).deferred_entries(q, total);
  const std::time_t t = now();
  std::tm tm{};
  localtime_r(&t, &tm);
  Response r;
  r.data = {{"greylist_deferred_entries", entries},
            {"limit", q.limit},
            {"offset", q.offset},
            {"total_rows", total},
            {"server_tzoffset", tm.tm_gmtoff / 60},
            {"server_timezone", format_time(t, "%Z")}};
  if (chunked)
    r.metadata["chunk"] = {{"start", q.offset + 1},
                           {"size", q.limit},
                           {"records", total},
                           {"chunks", (total + q.limit - 1) / q.limit},
                           {"current", (q.offset + q.limit) / q.limit}};
  if (filtered) r.metadata["filter"] = {{"filtered", total}};
  return r;
}

// ---- common mail providers ----------------------------------------------

json providers_config_json(const Transaction& view, GreylistDb& db) {
  const ProvidersConfig config = load_providers_config(view);
  json providers = json::object();
  for (auto& [tag, p] : db.providers()) {
    p["autoupdate"] = config.autoupdates(tag) ? 1 : 0;
    providers[tag] = p;
  }
  return {{kAutotrust, config.autotrust_new ? 1 : 0}, {"common_mail_providers", providers}};
}

Response cpgreylist_load_common_mail_providers_config(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  require_enabled(view);
  GreylistDb db(view);
  Response r;
  r.data = providers_config_json(view, db);
  return r;
}

// autotrust_new_common_mail_providers and <provider>=0|1; other names are
// passed over, as cPanel does.
Response cpgreylist_save_common_mail_providers_config(Context& ctx, const Request& req) {
  Transaction& txn = ctx.txn();
  require_enabled(txn);
  GreylistDb db(txn);
  const auto known = db.providers();
  ProvidersConfig config = load_providers_config(txn);
  for (const auto& [key, values] : req.args) {
    if (key != kAutotrust && !known.count(key)) continue;
    const std::string& v = values.back();
    if (v != "0" && v != "1")
      throw ApiError("Failed to save cPGreyList Common Mail Providers configuration: Invalid configuration value: “" +
                     v + "” for “" + key + "”.");
    if (key == kAutotrust)
      config.autotrust_new = v == "1";
    else
      config.autoupdate[key] = v == "1";
  }
  stage_providers_config(txn, config);
  db.stage(txn);
  Response r;
  r.data = providers_config_json(txn, db);
  return r;
}

// The providers named by provider (provider-0, provider-1, ...), lowercased.
std::vector<std::string> provider_args(const Request& req) {
  std::vector<std::string> out;
  for (const auto& p : req.list("provider")) out.push_back(to_lower(p));
  return out;
}

std::string unknown_provider(const std::string& p) { return "Unknown mail provider: " + p; }

Response set_providers_trusted(Context& ctx, const Request& req, bool trusted) {
  Transaction& txn = ctx.txn();
  require_enabled(txn);
  GreylistDb db(txn);
  const auto known = db.providers();
  const char* done_key = trusted ? "providers_trusted" : "providers_untrusted";
  const char* count_key = trusted ? "ips_trusted" : "ips_untrusted";
  json done = json::object(), failed = json::object();
  for (const auto& p : provider_args(req)) {
    if (!known.count(p)) {
      failed[p] = unknown_provider(p);
      continue;
    }
    if (long long n = db.set_provider_trusted(p, trusted)) done[p] = {{count_key, n}};
  }
  json data = {{done_key, done}, {"providers_failed", failed}};
  if (done.empty())
    return failed_with(data,
                       std::string("The system failed to ") + (trusted ? "trust" : "untrust") + " any IP addresses.");
  db.stage(txn);
  Response r;
  r.data = data;
  return r;
}

Response cpgreylist_trust_entries_for_common_mail_provider(Context& ctx, const Request& req) {
  return set_providers_trusted(ctx, req, true);
}

Response cpgreylist_untrust_entries_for_common_mail_provider(Context& ctx, const Request& req) {
  return set_providers_trusted(ctx, req, false);
}

Response cpgreylist_list_entries_for_common_mail_provider(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  require_enabled(view);
  GreylistDb db(view);
  const auto known = db.providers();
  json providers = json::object(), failed = json::object();
  for (const auto& p : provider_args(req)) {
    if (!known.count(p)) {
      failed[p] = unknown_provider(p);
      continue;
    }
    json ips = db.provider_entries(p);
    if (!ips.empty()) providers[p] = {{"ips", ips}};
  }
  json data = {{"providers", providers}, {"providers_failed", failed}};
  if (providers.empty()) return failed_with(data, "The specified providers are missing or invalid.");
  Response r;
  r.data = data;
  return r;
}

ParamSpec ips_param() {
  return described(list_param("ip", ParamType::String, true),
                   "An address, a CIDR block or a range (a-b); ip-1, ip-2... for more.");
}
ParamSpec providers_param() {
  return described(list_param("provider", ParamType::String, true),
                   "A provider's key (cpgreylist_load_common_mail_providers_config); provider-0, provider-1... for "
                   "more.");
}

WHMKIT_REGISTRATIONS(
    registrations, Registration({"cpgreylist_status", cpgreylist_status, Access::Read, root_only()}),
    Registration({"enable_cpgreylist", enable_cpgreylist, Access::Write, root_only()}),
    Registration({"disable_cpgreylist", disable_cpgreylist, Access::Write, root_only()}),
    Registration({"load_cpgreylist_config", load_cpgreylist_config, Access::Read, root_only()}),
    Registration({"save_cpgreylist_config", save_cpgreylist_config, Access::Write, root_only()}),
    Registration(
        {"create_cpgreylist_trusted_host", create_cpgreylist_trusted_host, Access::Write, root_only(), {ips_param()}}),
    Registration(
        {"delete_cpgreylist_trusted_host", delete_cpgreylist_trusted_host, Access::Write, root_only(), {ips_param()}}),
    Registration({"read_cpgreylist_trusted_hosts", read_cpgreylist_trusted_hosts, Access::Read, root_only()}),
    Registration({"cpgreylist_is_server_netblock_trusted", cpgreylist_is_server_netblock_trusted, Access::Read,
                  root_only()}),
    Registration({"read_cpgreylist_deferred_entries", read_cpgreylist_deferred_entries, Access::Read, root_only()}),
    Registration({"cpgreylist_load_common_mail_providers_config", cpgreylist_load_common_mail_providers_config,
                  Access::Read, root_only()}),
    Registration({"cpgreylist_save_common_mail_providers_config",
                  cpgreylist_save_common_mail_providers_config,
                  Access::Write,
                  root_only(),
                  {described(optional_param("*"),
                             "PROVIDERKEY=0|1: whether the provider takes the shipped list's "
                             "new blocks.")}}),
    Registration({"cpgreylist_trust_entries_for_common_mail_provider",
                  cpgreylist_trust_entries_for_common_mail_provider,
                  Access::Write,
                  root_only(),
                  {providers_param()}}),
    Registration({"cpgreylist_untrust_entries_for_common_mail_provider",
                  cpgreylist_untrust_entries_for_common_mail_provider,
                  Access::Write,
                  root_only(),
                  {providers_param()}}),
    Registration({"cpgreylist_list_entries_for_common_mail_provider",
                  cpgreylist_list_entries_for_common_mail_provider,
                  Access::Read,
                  root_only(),
                  {providers_param()}}), );

}  // namespace
}  // namespace whm
