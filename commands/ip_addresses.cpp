// IP Address Management: the server's IPv4 addresses (listips, addips,
// delip, get_shared_ip), moving an account to another address (setsiteip),
// IPv6 ranges and the accounts' IPv6 addresses, and 1:1 NAT (get_public_ip,
// nat_checkip, nat_set_public_ip). Files and formats: lib/store/ip_addresses.hpp
// and lib/store/ipv6_ranges.hpp; choices: docs/ip-addresses.md.
#include <sys/socket.h>

#include <algorithm>

#include "account_store.hpp"
#include "errors.hpp"
#include "ip_addresses.hpp"
#include "ipv6_ranges.hpp"
#include "lazy_registrations.hpp"
#include "process.hpp"
#include "registry.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {
namespace {

// ---------------------------------------------------------------- IPv4

std::string network_of(const std::string& ip, const std::string& netmask) {
  auto a = parse_ipv4(ip);
  auto m = parse_ipv4(netmask);
  return a && m && netmask_prefix(netmask) ? ipv4_text(*a & *m) : "";
}

std::string broadcast_of(uint32_t ip, uint32_t mask) { return ipv4_text((ip & mask) | ~mask); }

Response listips(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  const IpUsage usage = ip_usage(ctx.root, view);
  const auto extra = read_extra_ips(view);
  const auto nat = read_nat_map(view);
  const bool live = ctx.root.is_system_root();
  const auto bound = live ? live_addresses(AF_INET) : std::map<std::string, std::string>{};
  const std::string dev = main_interface(ctx.root);

  std::vector<std::pair<std::string, std::string>> ips{{usage.main_ip, ""}};  // address, netmask
  for (const auto& e : extra)
    if (e.ip != usage.main_ip) ips.emplace_back(e.ip, e.netmask);
  for (const auto& [ip, iface] : bound)  // on a real server, addresses brought up by other means too
    if (!starts_with(ip, "127.") &&
        std::none_of(ips.begin(), ips.end(), [&, ip = ip](const auto& p) { return p.first == ip; }))
      ips.emplace_back(ip, "");

  nlohmann::json list = nlohmann::json::array();
  for (const auto& [ip, netmask] : ips) {
    auto iface = bound.find(ip);
    const bool main = ip == usage.main_ip;
    list.push_back({{"active", live ? (iface != bound.end() ? 1 : 0) : 1},
                    {"dedicated", usage.dedicated_to(ip) ? 1 : 0},
                    {"if", iface != bound.end() ? iface->second : dev},
                    {"ip", ip},
                    {"mainaddr", main ? 1 : 0},
                    {"netmask", netmask},
                    {"network", network_of(ip, netmask)},
                    {"public_ip", nat.count(ip) ? nat.at(ip) : ip},
                    {"removable", main || usage.used(ip) ? 0 : 1},
                    {"used", usage.used(ip) ? 1 : 0}});
  }
  Response r;
  r.data = {{"ip", list}};
  return r;
}

// addips' "ips": one address, or a block "192.0.2.16/28" (mask 24 to 30)
// whose host addresses are added; less those in "excludes".
std::vector<uint32_t> requested_addresses(const Request& req) {
  const std::string ips = trim(req.require("ips"));
  const auto slash = ips.find('/');
  auto first = parse_ipv4(ips.substr(0, slash));
  if (!first) throw invalid_param("ips", "“" + ips + "” is not an IPv4 address or a CIDR range.");
  std::vector<uint32_t> out;
  if (slash == std::string::npos) {
    out.push_back(*first);
  } else {
    const std::string bits = ips.substr(slash + 1);
    auto prefix = is_digits(bits) ? parse_int(bits) : std::nullopt;
    if (!prefix || *prefix < 24 || *prefix > 30)
      throw invalid_param("ips", "the range mask must be a value from 24 through 30.");
    const uint32_t mask = ~0u << (32 - *prefix);
    for (uint32_t a = (*first & mask) + 1; a < ((*first & mask) | ~mask); ++a) out.push_back(a);
  }
  std::vector<std::string> excludes;
  for (const auto& word : split(req.get_or("excludes", ""), ',')) {
    if (trim(word).empty()) continue;
    if (!is_valid_ipv4(trim(word))) throw invalid_param("excludes", "“" + trim(word) + "” is not an IPv4 address.");
    excludes.push_back(trim(word));
  }
  out.erase(std::remove_if(out.begin(), out.end(),
                           [&](uint32_t a) {
                             return std::find(excludes.begin(), excludes.end(), ipv4_text(a)) != excludes.end();
                           }),
            out.end());
  if (out.empty()) throw invalid_param("ips", "it names no address once “excludes” is left out.");
  return out;
}

// The label of the next alias on `dev` ("eth0:cp3"), as cPanel names them.
std::string next_alias_label(const std::string& dev, std::vector<std::string>& taken) {
  for (int n = 1;; ++n) {
    std::string label = dev + ":cp" + std::to_string(n);
    if (std::find(taken.begin(), taken.end(), label) == taken.end() && label.size() < 16) {
      taken.push_back(label);
      return label;
    }
    if (n > 999) throw ApiError("The interface “" + dev + "” has no free alias name left.");
  }
}

Response addips(Context& ctx, const Request& req) {
  const std::string netmask = req.require("netmask");
  const auto prefix = netmask_prefix(netmask);
  if (!prefix || *prefix == 0) throw invalid_param("netmask", "“" + netmask + "” is not an IPv4 netmask.");
  const uint32_t mask = *parse_ipv4(netmask);
  const auto addresses = requested_addresses(req);

  Transaction& txn = ctx.txn();
  auto extra = read_extra_ips(txn);
  const std::string main = main_ip(ctx.root);
  std::vector<ExtraIp> added;
  for (uint32_t a : addresses) {
    const std::string ip = ipv4_text(a);
    if (ip == main || ip == load_server_config(ctx.root).shared_ip)
      throw ApiError("The IP address “" + ip + "” is the server's main IP address.");
    if (std::any_of(extra.begin(), extra.end(), [&](const ExtraIp& e) { return e.ip == ip; }))
      throw ApiError("The IP address “" + ip + "” is already one of this server's IP addresses.");
    added.push_back({ip, netmask, broadcast_of(a, mask)});
  }
  extra.insert(extra.end(), added.begin(), added.end());
  stage_extra_ips(txn, extra);
  stage_derived_ip_files(ctx.root, txn);

  Response r;
  r.reason = "Success";
  nlohmann::json messages = nlohmann::json::array();
  if (!ctx.root.is_system_root()) {
    for (const auto& e : added)
      messages.push_back(e.ip + "/" + e.netmask + " broadcast " + e.broadcast + " has been added.");
  } else {
    // A real server: each address goes up on the main interface now; if one
    // cannot, those already up go down again and nothing is written.
    const std::string dev = main_interface(ctx.root);
    std::vector<std::string> labels;
    for (const auto& [ip, iface] : live_addresses(AF_INET)) labels.push_back(iface);
    std::vector<std::string> up;
    for (const auto& e : added) {
      const std::string label = next_alias_label(dev, labels);
      const std::string cidr = e.ip + "/" + std::to_string(*prefix);
      if (run_program({"ip", "addr", "add", cidr, "broadcast", e.broadcast, "dev", dev, "label", label}) != 0) {
        for (const auto& done : up) run_program({"ip", "addr", "del", done, "dev", dev});
        throw ApiError("The system could not bring up " + cidr + " on the interface “" + dev + "”.");
      }
      up.push_back(cidr);
      messages.push_back(label + " is now up. " + e.ip + "/" + e.netmask + " broadcast " + e.broadcast +
                         " has been added.");
    }
  }
  r.metadata["output"] = {{"messages", messages}};
  return r;
}

std::string interface_arg(const Request& req, const StateRoot& root) {
  const std::string dev = req.get_or("ethernetdev", "");
  if (dev.empty()) return main_interface(root);
  if (dev.size() > 15 || dev.find_first_of(" /\t") != std::string::npos || dev == "." || dev == "..")
    throw invalid_param("ethernetdev", "“" + dev + "” is not a network interface name.");
  return dev;
}

Response delip(Context& ctx, const Request& req) {
  const std::string ip = req.require("ip");
  const std::string dev = interface_arg(req, ctx.root);
  Transaction& txn = ctx.txn();
  auto extra = read_extra_ips(txn);
  auto it = std::find_if(extra.begin(), extra.end(), [&](const ExtraIp& e) { return e.ip == ip; });
  const IpUsage usage = ip_usage(ctx.root, txn);
  if (ip == usage.main_ip || ip == usage.shared_ip)
    throw ApiError("The IP address “" + ip + "” is the server's main IP address and cannot be removed.");
  if (it == extra.end()) throw ApiError("The IP address “" + ip + "” is not one of this server's added IP addresses.");
  if (auto users = usage.accounts.find(ip); users != usage.accounts.end())
    throw ApiError("The IP address “" + ip + "” is in use by the account “" + users->second.front() + "”.");
  if (usage.reseller_main_ips.count(ip)) throw ApiError("The IP address “" + ip + "” is a reseller's main IP address.");
  const ExtraIp removed = *it;
  extra.erase(it);
  stage_extra_ips(txn, extra);
  stage_derived_ip_files(ctx.root, txn);

  Response r;
  r.reason = ip + " has been removed";
  if (ctx.root.is_system_root()) {
    const auto bound = live_addresses(AF_INET);
    auto up = bound.find(ip);
    // skipifshutdown=1: an address that is not up is only taken out of the files.
    if (up == bound.end() && req.flag("skipifshutdown")) return r;
    const std::string label = up != bound.end() ? up->second : dev;
    auto prefix = netmask_prefix(removed.netmask);
    const std::string cidr = ip + "/" + std::to_string(prefix.value_or(32));
    if (up != bound.end() && run_program({"ip", "addr", "del", cidr, "dev", dev}) != 0)
      throw ApiError("The system could not take " + cidr + " down on the interface “" + dev + "”.");
    r.reason = label + " is now down, " + r.reason;
  }
  return r;
}

Response get_shared_ip(Context& ctx, const Request& req) {
  const std::string user = req.get_or("user", ctx.caller);
  Response r;
  r.data = {{"ip", shared_ip_of(ctx.root, user)}};
  return r;
}

Response setsiteip(Context& ctx, const Request& req) {
  const std::string ip = req.require("ip");
  AccountStore store(ctx.root);
  std::string user = req.get_or("user", "");
  if (user.empty()) {
    const std::string domain = req.get_or("domain", "");
    if (domain.empty()) throw ValidationError("You must specify either “user” or “domain”.");
    auto owner = store.domain_owner(to_lower(domain));
    if (!owner) throw ApiError("The domain “" + domain + "” does not belong to any account.");
    user = *owner;
  }
  store.require(user);
  require_server_ip(ctx.root, ip);
  Transaction& txn = ctx.txn();
  const IpUsage usage = ip_usage(ctx.root, txn);
  if (!usage.is_shared(ip))
    if (auto users = usage.accounts.find(ip); users != usage.accounts.end())
      for (const auto& other : users->second)
        if (other != user)
          throw ApiError("The IP address “" + ip + "” is the dedicated IP address of the account “" + other + "”.");
  stage_account_ip(ctx.root, txn, user, ip);
  stage_derived_ip_files(ctx.root, txn);
  return {};
}

// ---------------------------------------------------------------- NAT

Response get_public_ip(Context& ctx, const Request& req) {
  const std::string ip = req.require("ip");
  Transaction view(ctx.root);
  auto nat = read_nat_map(view);
  Response r;
  r.data = {{"public_ip", nat.count(ip) ? nat[ip] : ask_public_ip(ctx.root, ip)}};
  return r;
}

Response nat_checkip(Context& ctx, const Request& req) {
  const std::string ip = req.require("ip");
  Response r;
  r.data = {{"checked_ip", ask_public_ip(ctx.root, ip)}};
  return r;
}

Response nat_set_public_ip(Context& ctx, const Request& req) {
  const std::string local = req.require("local_ip"), pub = req.require("public_ip");
  require_server_ip(ctx.root, local);
  Transaction& txn = ctx.txn();
  auto nat = read_nat_map(txn);
  nat[local] = pub;
  stage_nat_map(txn, nat);
  return {};
}

// ---------------------------------------------------------------- IPv6

// A range name: one line of letters, digits, "_", "-" and ".", as cPanel's
// interface suggests (UNCONFIRMED: the reference names no rule).
std::string range_name_arg(const Request& req, const char* param) {
  const std::string name = req.require(param);
  if (name.size() > 64 ||
      name.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-.") != std::string::npos)
    throw invalid_param(param, "use up to 64 letters, digits, “_”, “-” and “.”.");
  return name;
}

std::vector<std::string> user_list_arg(const Request& req) {
  std::vector<std::string> users;
  for (const auto& value : req.list("user"))
    for (const auto& word : split(value, ','))
      if (!trim(word).empty()) users.push_back(trim(word));
  if (users.empty()) throw missing_param("user");
  for (const auto& u : users)
    if (auto why = username_syntax_error(u)) throw invalid_param("user", "“" + u + "”: " + *why);
  return users;
}

Response listipv6s(Context& ctx, const Request&) {
  std::vector<std::string> ips;
  if (ctx.root.is_system_root()) {
    for (const auto& [ip, iface] : live_addresses(AF_INET6))
      if (ip != "::1" && !starts_with(to_lower(ip), "fe80:")) ips.push_back(ip);
  } else {
    // Under another root nothing is bound: the addresses whmkit would have bound.
    Transaction view(ctx.root);
    for (const auto& [name, range] : read_ipv6_ranges(ctx.root, view))
      if (name == kSharedIpv6Range) ips.push_back(ipv6_short(range.first));
    for (const auto& user : AccountStore(ctx.root).usernames())
      if (auto a = account_ipv6(ctx.root, user)) ips.push_back(ipv6_short(*parse_ipv6(*a)));
    std::sort(ips.begin(), ips.end());
    ips.erase(std::unique(ips.begin(), ips.end()), ips.end());
  }
  nlohmann::json list = nlohmann::json::array();
  for (const auto& ip : ips) list.push_back({{"ip", ip}});
  Response r;
  r.data = {{"ip", list}};
  return r;
}

Response ipv6_range_add(Context& ctx, const Request& req) {
  const std::string name = range_name_arg(req, "name");
  if (name == kSharedIpv6Range) throw invalid_param("name", "SHARED is reserved for the server's shared IPv6 address.");
  Ipv6Range range = parse_ipv6_cidr(name, trim(req.require("range")));
  range.enabled = req.flag("enabled", true);
  if (auto note = req.single_line("note")) range.note = *note;
  Transaction& txn = ctx.txn();
  auto ranges = read_ipv6_ranges(ctx.root, txn);
  if (ranges.count(name)) throw ApiError("A range named “" + name + "” already exists.");
  if (range.enabled)
    if (auto other = overlapping_range(ranges, range, name))
      throw ApiError("The range " + range.cidr() + " overlaps the enabled range “" + *other + "”.");
  ranges[name] = range;
  stage_ipv6_ranges(txn, ranges);
  return {};
}

Response ipv6_range_edit(Context& ctx, const Request& req) {
  const std::string name = range_name_arg(req, "name");
  if (name == kSharedIpv6Range) throw invalid_param("name", "you cannot edit the range SHARED.");
  Transaction& txn = ctx.txn();
  auto ranges = read_ipv6_ranges(ctx.root, txn);
  Ipv6Range range = require_ipv6_range(ranges, name);
  if (auto note = req.single_line("note")) range.note = *note;
  std::string new_name = req.get_or("new_name", "");
  if (!new_name.empty() && new_name != name) {
    new_name = range_name_arg(req, "new_name");
    if (new_name == kSharedIpv6Range)
      throw invalid_param("new_name", "SHARED is reserved for the shared IPv6 address.");
    if (ranges.count(new_name)) throw ApiError("A range named “" + new_name + "” already exists.");
    ranges.erase(name);
    range.name = new_name;
  }
  ranges[range.name] = range;
  stage_ipv6_ranges(txn, ranges);
  return {};
}

Response ipv6_range_remove(Context& ctx, const Request& req) {
  const std::string name = range_name_arg(req, "name");
  if (name == kSharedIpv6Range) throw invalid_param("name", "you cannot remove the range SHARED.");
  Transaction& txn = ctx.txn();
  auto ranges = read_ipv6_ranges(ctx.root, txn);
  const Ipv6Range& range = require_ipv6_range(ranges, name);
  if (!range.users.empty())
    throw ApiError("The range “" + name + "” is in use by " + join(range.users, ", ") +
                   ": disable IPv6 on those accounts first.");
  ranges.erase(name);
  stage_ipv6_ranges(txn, ranges);
  return {};
}

Response ipv6_range_list(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [name, range] : read_ipv6_ranges(ctx.root, view))
    list.push_back({{"CIDR", range.cidr()},
                    {"enabled", range.enabled ? 1 : 0},
                    {"first", ipv6_full(range.first)},
                    {"last", ipv6_full(range.last)},
                    {"mostrecent", range.mostrecent ? nlohmann::json(*range.mostrecent) : nlohmann::json()},
                    {"name", name},
                    {"note", range.note ? nlohmann::json(*range.note) : nlohmann::json()},
                    {"owner", range.owner},
                    {"range_users", range.users},
                    {"reclaimed", range.reclaimed}});
  Response r;
  r.data = {{"range", list}};
  return r;
}

// A count as a JSON number: exact while it fits in 64 bits (a /64 has 2^64 addresses).
nlohmann::json count_json(Ipv6Number n) {
  if (n <= ~uint64_t(0)) return static_cast<uint64_t>(n);
  return static_cast<double>(n);
}

Response ipv6_range_usage(Context& ctx, const Request& req) {
  const std::string name = range_name_arg(req, "name");
  Transaction view(ctx.root);
  auto ranges = read_ipv6_ranges(ctx.root, view);
  require_ipv6_range(ranges, name);
  const auto u = count_range_usage(ranges, name);
  Response r;
  r.data = {
      {"usage", {{"forbidden", count_json(u.forbidden)}, {"free", count_json(u.free)}, {"used", count_json(u.used)}}}};
  return r;
}

Response ipv6_enable_account(Context& ctx, const Request& req) {
  const auto users = user_list_arg(req);
  const std::string range = req.require("range");
  Transaction& txn = ctx.txn();
  auto ranges = read_ipv6_ranges(ctx.root, txn);
  require_ipv6_range(ranges, range);
  nlohmann::json ipv6 = nlohmann::json::object(), failures = nlohmann::json::object();
  for (const auto& user : users) {
    if (AccountStore(ctx.root).exists(user) && account_ipv6(ctx.root, user)) continue;  // already on IPv6: skipped
    try {
      ipv6[user] = stage_enable_ipv6(ctx.root, txn, ranges, user, range);
    } catch (const DamagedFileError&) {
      throw;  // a damaged file stops the whole call
    } catch (const ApiError& e) {
      failures[user] = e.what();
    }
  }
  if (!failures.empty() && failures.size() == users.size()) {
    std::vector<std::string> reasons;
    for (const auto& [user, why] : failures.items()) reasons.push_back("“" + why.get<std::string>() + "”");
    throw ApiError("The system encountered the following " + std::string(reasons.size() == 1 ? "error" : "errors") +
                   " while it tried to enable IPv6 for the selected users: " + join(reasons, ", ") + ".");
  }
  stage_ipv6_ranges(txn, ranges);
  Response r;
  r.data = {{"fail_cnt", failures.size()}, {"failures", failures}, {"ipv6", ipv6}};
  return r;
}

Response ipv6_disable_account(Context& ctx, const Request& req) {
  const auto users = user_list_arg(req);
  Transaction& txn = ctx.txn();
  auto ranges = read_ipv6_ranges(ctx.root, txn);
  nlohmann::json failures = nlohmann::json::array();
  for (const auto& user : users) {
    if (AccountStore(ctx.root).exists(user) && !account_ipv6(ctx.root, user)) continue;  // no IPv6: skipped
    try {
      stage_disable_ipv6(ctx.root, txn, ranges, user);
    } catch (const DamagedFileError&) {
      throw;
    } catch (const ApiError& e) {
      failures.push_back({{"name", user}, {"reason", e.what()}});
    }
  }
  stage_ipv6_ranges(txn, ranges);
  Response r;
  r.data = {{"fail_cnt", failures.size()}, {"failures", failures}};
  return r;
}

ParamSpec ipv4_param(const char* name, bool required = true) { return make_param(name, ParamType::IPv4, required); }

WHMKIT_REGISTRATIONS(registrations, Registration({"listips", listips, Access::Read, root_only()}),
                     Registration({"addips",
                                   addips,
                                   Access::Write,
                                   root_only(),
                                   {make_param("ips", ParamType::String, true), ipv4_param("netmask"),
                                    optional_param("excludes")}}),
                     Registration({"delip", delip, Access::Write, root_only(), {ipv4_param("ip")}}),
                     Registration({"get_shared_ip", get_shared_ip, Access::Read, any_reseller({self("user")})}),
                     Registration({"setsiteip", setsiteip, Access::Write, root_only(), {ipv4_param("ip")}}),
                     Registration({"get_public_ip", get_public_ip, Access::Read, root_only(), {ipv4_param("ip")}}),
                     Registration({"nat_checkip", nat_checkip, Access::Read, root_only(), {ipv4_param("ip")}}),
                     Registration({"nat_set_public_ip",
                                   nat_set_public_ip,
                                   Access::Write,
                                   root_only(),
                                   {ipv4_param("local_ip"), ipv4_param("public_ip")}}),
                     Registration({"listipv6s", listipv6s, Access::Read, root_only()}),
                     Registration({"ipv6_range_add", ipv6_range_add, Access::Write, root_only()}),
                     Registration({"ipv6_range_edit", ipv6_range_edit, Access::Write, root_only()}),
                     Registration({"ipv6_range_remove", ipv6_range_remove, Access::Write, root_only()}),
                     Registration({"ipv6_range_list", ipv6_range_list, Access::Read, root_only()}),
                     Registration({"ipv6_range_usage", ipv6_range_usage, Access::Read, root_only()}),
                     Registration({"ipv6_enable_account", ipv6_enable_account, Access::Write, root_only()}),
                     Registration({"ipv6_disable_account", ipv6_disable_account, Access::Write, root_only()}), );

}  // namespace
}  // namespace whm
