// DNS zones: adddns, killdns, listzones, dumpzone, parse_dns_zone,
// mass_edit_dns_zone, add/edit/remove/getzonerecord, resetzone, listmxs,
// savemxs, has_local_authority, get_nameserver_config, lookupnsip(s),
// resolvedomainname, setresolvers, set_nameserver, update_nameservers_config,
// export_zone_files, is_alias_available, updateuserdomains.
#include <arpa/inet.h>
#include <netdb.h>
#include <algorithm>
#include <memory>

#include "account_common.hpp"
#include "base64.hpp"
#include "dns_params.hpp"
#include "dns_store.hpp"
#include "dns_swap.hpp"
#include "errors.hpp"
#include "kvfile.hpp"
#include "lazy_registrations.hpp"
#include "lookup.hpp"
#include "output.hpp"
#include "registry.hpp"
#include "tweak_settings.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {
namespace {

// dumpzone and resetzone name the zone by `domain`, or by `zone`, which the
// reference gives as the file name ("example.com.db").
std::string zone_or_file_arg(const Request& req) {
  if (req.has("domain") || !req.has("zone")) return zone_arg(req, "domain");
  std::string z = to_lower(req.require("zone"));
  if (ends_with(z, ".db")) z.resize(z.size() - 3);
  if (auto why = domain_syntax_error(z)) throw invalid_param("zone", *why);
  return z;
}

long ttl_arg(const Request& req, long fallback) { return ttl_value(req.get("ttl"), fallback); }

// A record's data from its type's parameters (dns_store.hpp).
std::vector<std::string> rdata_from_args(const std::string& type, const Request& req,
                                         const std::vector<std::string>& current = {}) {
  return rdata_from_fields(
      type, [&req](const std::string& key) { return req.get(key); }, current);
}

// The reference's answer to a change: the reload in the reason, no data.
Response zone_changed(const StateRoot& root, const std::string& zone) {
  Response r;
  std::string reload = reload_zone(root, zone);
  if (!reload.empty()) r.reason = reload;
  return r;
}

std::string zone_owner(const StateRoot& root, const std::string& zone) {
  return AccountStore(root).domain_owner(zone).value_or("root");
}

// ---------------------------------------------------------------- zones

Response adddns(Context& ctx, const Request& req) {
  std::string domain = zone_arg(req, "domain"), ip = req.require("ip");
  Transaction txn(ctx.root);
  if (zone_exists(txn, domain)) throw ApiError("The zone “" + domain + "” already exists.");
  std::string owner = req.get_or("trueowner", "root");
  if (owner != "root") AccountStore(ctx.root).require(owner);
  std::string ipv6 = req.flag("has_ipv6") ? req.get_or("ipv6", "") : "";
  if (!ipv6.empty()) {
    unsigned char buf[16];
    if (inet_pton(AF_INET6, ipv6.c_str(), buf) != 1) throw invalid_param("ipv6", "“" + ipv6 + "”.");
  }
  stage_new_zone(ctx.root, txn, domain, ip, ipv6, req.get_or("template", "standard"));
  txn.commit();
  reload_zone(ctx.root, domain);
  Response r;
  r.reason = "Added " + domain + " ok belonging to user " + owner;
  return r;
}

Response killdns(Context& ctx, const Request& req) {
  std::string domain = zone_arg(req, "domain");
  Transaction txn(ctx.root);
  if (!zone_exists(txn, domain)) throw ApiError("The zone “" + domain + "” does not exist.");
  stage_remove_zone(txn, domain);
  txn.commit();
  Response r;
  r.reason = "Zones Removed";
  r.metadata["output"] = {{"raw", domain + " => deleted from " + load_server_config(ctx.root).hostname + ".\n"}};
  return r;
}

// Whether the caller sees a zone: root sees all; a reseller the zones of the
// accounts it sees (a zone that belongs to no account is root's).
std::function<bool(const std::string&)> zone_visibility(const Context& ctx) {
  if (ctx.rights.privileged) return [](const std::string&) { return true; };
  std::map<std::string, std::string> user_of, owner_of;
  for (auto& [domain, user] : read_lookup_pairs(ctx.root, "etc/userdomains")) user_of[domain] = user;
  for (auto& [user, owner] : read_lookup_pairs(ctx.root, "etc/trueuserowners")) owner_of[user] = owner;
  return [user_of = std::move(user_of), owner_of = std::move(owner_of), rights = ctx.rights](const std::string& zone) {
    auto u = user_of.find(zone);
    if (u == user_of.end()) return false;
    auto o = owner_of.find(u->second);
    return rights.sees(u->second, o == owner_of.end() ? "" : o->second);
  };
}

Response listzones(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  nlohmann::json list = nlohmann::json::array();
  auto visible = zone_visibility(ctx);
  for (const auto& z : configured_zones(view))
    if (visible(z)) list.push_back({{"domain", z}, {"zonefile", z + ".db"}});
  Response r;
  r.data = {{"zone", list}};
  return r;
}

Response dumpzone(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  // Parsed here, so a missing or damaged zone fails the call before anything
  // is printed; the items are produced while the output is written (under
  // the same lock), so a zone of 100,000 records is never one JSON array.
  auto zone = std::make_shared<const Zone>(load_zone(view, zone_or_file_arg(req)));
  Response r;
  r.reason = "Zone Serialized";
  r.stream = RecordStream{"zone", [zone](const RecordEmitter& emit) { for_each_dump_item(*zone, emit); }};
  return r;
}

Response parse_dns_zone(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  Response r;
  r.data = {{"payload", zone_line_model(load_zone(view, zone_arg(req, "zone")))}};
  return r;
}

Response mass_edit_dns_zone(Context& ctx, const Request& req) {
  std::string name = zone_arg(req, "zone");
  Transaction txn(ctx.root);
  MassEdit edits{req.list("add"), req.list("edit"), req.list("remove")};
  long new_serial = stage_mass_edit(txn, name, *parse_int(req.require("serial")), edits);
  txn.commit();
  Response r = zone_changed(ctx.root, name);
  r.data = {{"new_serial", std::to_string(new_serial)}};  // a string, as real servers send it
  return r;
}

// ---------------------------------------------------------------- records

// Adds a new record and commits (addzonerecord, savemxs).
Response add_record(Context& ctx, Transaction& txn, Zone& zone, const ZoneRecord& r) {
  stage_added_record(txn, zone, r);
  txn.commit();
  return zone_changed(ctx.root, zone.origin());
}

std::string upper_arg(const Request& req, const char* key, const std::string& fallback) {
  std::string v = req.get_or(key, fallback);
  for (auto& c : v) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  return v;
}

Response addzonerecord(Context& ctx, const Request& req) {
  std::string name = zone_arg(req, "domain");
  Transaction txn(ctx.root);
  Zone zone = load_zone(txn, name);
  ZoneRecord r;
  r.name = absolute_name(name, req.require("name"));
  r.type = upper_arg(req, "type", "");
  r.ttl = ttl_arg(req, kAddedRecordTtl);
  r.klass = upper_arg(req, "class", "IN");
  r.rdata = rdata_from_args(r.type, req);
  return add_record(ctx, txn, zone, r);
}

Response editzonerecord(Context& ctx, const Request& req) {
  std::string name = zone_arg(req, "domain");
  int line = static_cast<int>(*parse_int(req.require("line")));
  Transaction txn(ctx.root);
  Zone zone = load_zone(txn, name);
  auto current = zone.record_at(line);
  if (!current) throw ApiError("There is no record on line " + std::to_string(line) + " of the zone “" + name + "”.");
  ZoneRecord r = *current;
  if (auto n = req.get("name")) r.name = absolute_name(name, *n);
  r.type = upper_arg(req, "type", r.type);
  r.klass = upper_arg(req, "class", r.klass);
  r.ttl = ttl_arg(req, r.ttl);
  r.rdata = rdata_from_args(r.type, req, r.type == current->type ? current->rdata : std::vector<std::string>{});
  stage_edited_record(txn, zone, line, r);
  txn.commit();
  return zone_changed(ctx.root, name);
}

Response removezonerecord(Context& ctx, const Request& req) {
  std::string name = zone_arg(req, "zone");
  int line = static_cast<int>(*parse_int(req.require("line")));
  Transaction txn(ctx.root);
  Zone zone = load_zone(txn, name);
  if (auto s = req.get("serialnum"); s && !s->empty() && *s != std::to_string(zone.serial()))
    throw ApiError("The zone “" + name + "” has changed (serial " + std::to_string(zone.serial()) + ").");
  stage_removed_record(txn, zone, line);
  txn.commit();
  return zone_changed(ctx.root, name);
}

// Any line dumpzone lists: a record, the $TTL line, or a comment or blank
// line (its :RAW item).
Response getzonerecord(Context& ctx, const Request& req) {
  std::string name = zone_arg(req, "domain");
  int line = static_cast<int>(*parse_int(req.require("line")));
  Transaction view(ctx.root);
  const nlohmann::json entries = dump_zone(load_zone(view, name));
  for (const auto& item : entries)
    if (item["Line"] == line) {
      Response r;
      r.reason = "Record obtained.";
      r.data = {{"record", nlohmann::json::array({item})}};
      return r;
    }
  throw ApiError("There is no record on line " + std::to_string(line) + " of the zone “" + name + "”.");
}

// A new zone from the template and the owner's IP address (stage_reset_zone).
Response resetzone(Context& ctx, const Request& req) {
  std::string name = zone_or_file_arg(req);
  Transaction txn(ctx.root);
  std::string ip = load_server_config(ctx.root).shared_ip;
  std::string owner = req.get_or("user", zone_owner(ctx.root, name));
  if (owner != "root") ip = AccountStore(ctx.root).require(owner).get("IP");
  stage_reset_zone(ctx.root, txn, name, ip);
  txn.commit();
  return zone_changed(ctx.root, name);
}

Response listmxs(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  Zone zone = load_zone(view, zone_arg(req, "domain"));
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [line, rec] : zone.records()) {
    if (rec.type != "MX") continue;
    nlohmann::json item = record_json(line, rec);
    for (const char* key : {"Line", "preference", "ttl"}) item[key] = json_text(item[key]);  // strings on real servers
    list.push_back(std::move(item));
  }
  Response r;
  r.reason = "Records obtained.";
  r.data = {{"record", list}};
  return r;
}

Response savemxs(Context& ctx, const Request& req) {
  std::string name = zone_arg(req, "domain");
  Transaction txn(ctx.root);
  Zone zone = load_zone(txn, name);
  ZoneRecord r;
  r.name = absolute_name(name, req.require("name"));
  r.type = "MX";
  r.klass = upper_arg(req, "class", "IN");
  r.ttl = ttl_arg(req, 14400);
  r.rdata = rdata_from_args("MX", req);
  return add_record(ctx, txn, zone, r);
}

// ---------------------------------------------------------------- nameservers and resolution

Response has_local_authority(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& raw : req.list("domain")) {
    std::string domain = to_lower(raw);
    if (auto why = domain_syntax_error(domain)) throw invalid_param("domain", *why);
    list.push_back(local_authority(view, domain));
  }
  Response r;
  r.data = {{"records", list}};
  return r;
}

Response get_nameserver_config(Context& ctx, const Request&) {
  Response r;
  r.data = {{"nameservers", load_server_config(ctx.root).nameservers}};
  return r;
}

std::vector<std::string> resolve(const std::string& host, int family) {
  addrinfo hints{}, *res = nullptr;
  hints.ai_family = family;
  hints.ai_socktype = SOCK_STREAM;
  std::vector<std::string> out;
  if (getaddrinfo(host.c_str(), nullptr, &hints, &res) != 0) return out;
  for (auto* p = res; p; p = p->ai_next) {
    char buf[INET6_ADDRSTRLEN];
    const void* addr = p->ai_family == AF_INET
                           ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(p->ai_addr)->sin_addr)
                           : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(p->ai_addr)->sin6_addr);
    if (inet_ntop(p->ai_family, addr, buf, sizeof buf) && std::find(out.begin(), out.end(), buf) == out.end())
      out.push_back(buf);
  }
  freeaddrinfo(res);
  return out;
}

std::string host_arg(const Request& req, const char* key) {
  std::string h = to_lower(req.require(key));
  if (!h.empty() && h.back() == '.') h.pop_back();
  bool ok = !h.empty() && h.size() <= 253;
  for (char c : h) ok &= isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
  if (!ok) throw invalid_param(key, "“" + h + "” is not a host name.");
  return h;
}

// lookupnsip host=... and resolvedomainname domain=...: the first IPv4 address.
Response first_ipv4(const Request& req, const char* key) {
  std::string host = host_arg(req, key);
  auto ips = resolve(host, AF_INET);
  if (ips.empty()) throw ApiError("Unable to resolve “" + host + "”.");
  Response r;
  r.data = {{"ip", ips[0]}};
  return r;
}

Response lookupnsip(Context&, const Request& req) { return first_ipv4(req, "host"); }

Response lookupnsips(Context&, const Request& req) {
  std::string host = host_arg(req, "host");
  auto v4 = resolve(host, AF_INET), v6 = resolve(host, AF_INET6);
  if (v4.empty() && v6.empty()) throw ApiError("Unable to resolve “" + host + "”.");
  Response r;
  r.data = {{"ipv4", v4.empty() ? nlohmann::json(nullptr) : nlohmann::json(v4[0])},
            {"ipv6", v6.empty() ? nlohmann::json(nullptr) : nlohmann::json(v6[0])}};
  return r;
}

Response resolvedomainname(Context&, const Request& req) { return first_ipv4(req, "domain"); }

Response setresolvers(Context& ctx, const Request& req) {
  std::vector<std::string> servers;
  for (const char* k : {"nameserver1", "nameserver2", "nameserver3"}) {
    auto v = req.get(k);
    if (!v || v->empty()) continue;
    unsigned char buf[16];
    if (inet_pton(AF_INET, v->c_str(), buf) != 1 && inet_pton(AF_INET6, v->c_str(), buf) != 1)
      throw invalid_param(k, "“" + *v + "” is not an IP address.");
    servers.push_back(*v);
  }
  // Keep the resolv.conf lines that are not nameservers (search, options...).
  std::string text;
  Transaction txn(ctx.root);
  for (const auto& line : split(txn.read("etc/resolv.conf").value_or(""), '\n'))
    if (!line.empty() && !starts_with(trim(line), "nameserver")) text += line + "\n";
  for (const auto& s : servers) text += "nameserver " + s + "\n";
  txn.write("etc/resolv.conf", text, 0644);
  txn.commit();
  Response r;
  r.reason = "Your resolvers have been setup!";
  r.metadata["output"] = {{"messages", "Listed in order they are:\n" + join(servers, "\n") + "\n"}};
  return r;
}

// The nameserver in Tweak Settings (local_nameserver_type) and cPanel's
// service switches: /etc/<service>disable keeps a service off. PowerDNS
// (cPanel's runs its bind backend) reads the same named.conf and zone files.
Response set_nameserver(Context& ctx, const Request& req) {
  std::string choice = to_lower(req.require("nameserver"));
  Transaction txn(ctx.root);
  ConfigValues config = load_tweak_settings_for_change(txn);
  config["local_nameserver_type"] = choice;
  stage_tweak_settings(txn, config);
  for (auto [service, on] : {std::pair{"named", choice == "bind"}, {"pdns", choice == "powerdns"}}) {
    std::string off_switch = std::string("etc/") + service + "disable";
    if (on && txn.exists(off_switch)) txn.remove(off_switch);
    if (!on && !txn.exists(off_switch)) txn.write(off_switch, "", 0644);
  }
  txn.commit();
  Response r;
  r.data = {{"message", "Set the nameserver to " + choice + " successfully."}, {"nameserver", choice}};
  return r;
}

// wwwacct.conf's NS..NS4 ("KEY VALUE" lines); every other line kept as it is.
Response update_nameservers_config(Context& ctx, const Request& req) {
  const char* rel = "etc/wwwacct.conf";
  Transaction& txn = ctx.txn();
  std::vector<std::string> lines = split(txn.read(rel).value_or(""), '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  for (const auto& [param, name] :
       {std::pair{"nameserver", "NS"}, {"nameserver2", "NS2"}, {"nameserver3", "NS3"}, {"nameserver4", "NS4"}}) {
    auto value = req.get(param);
    if (!value || value->empty()) continue;
    const std::string key = name;  // a lambda cannot capture a structured binding before C++20
    std::string line = key + " " + to_lower(*value);
    auto same_key = [&](const std::string& l) { return split(trim(l), ' ')[0] == key; };
    auto at = std::find_if(lines.begin(), lines.end(), same_key);
    if (at == lines.end())
      lines.push_back(line);
    else
      *at = line;
  }
  txn.write(rel, join(lines, "\n") + "\n", 0644);
  return {};
}

// The zone files as they are on disk, base64 (RFC 1035 master file format).
Response export_zone_files(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  nlohmann::json payload = nlohmann::json::array();
  for (const auto& raw : req.list("zone")) {
    std::string zone = to_lower(raw);
    if (auto why = domain_syntax_error(zone)) throw invalid_param("zone", *why);
    auto text = view.read(zone_rel(zone));
    if (!text) throw ApiError("The zone “" + zone + "” does not exist.");
    payload.push_back({{"text_b64", base64_encode(*text)}, {"zone", zone}});
  }
  Response r;
  r.data = {{"payload", payload}};
  return r;
}

// ALIAS records and the resolver they need (lib/store/dns_swap.hpp).
Response is_alias_available(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  Response r;
  r.data = alias_availability(view);
  return r;
}

// /etc/userdomains and the other lookup files, rebuilt from every account.
Response updateuserdomains(Context& ctx, const Request&) {
  Transaction txn(ctx.root);
  rebuild_lookup_files(txn, AccountStore(ctx.root).indexes(txn));
  txn.commit();
  return {};
}

// ---------------------------------------------------------------- registrations

ParamSpec described(const char* name, ParamType type, const std::string& description) {
  return whm::described(make_param(name, type), description);
}

WHMKIT_REGISTRATIONS(
    registrations, Registration({"adddns", adddns, Access::Write, needs("create-dns", {account_or_self("trueowner")})}),
    Registration({"killdns", killdns, Access::Write, needs("kill-dns", {domain("domain")})}),
    Registration({"listzones", listzones, Access::Read, any_reseller()}),
    Registration({"dumpzone",
                  dumpzone,
                  Access::Read,
                  any_reseller({domain("domain"), zone("zone")}),
                  {described("domain", ParamType::String, "The zone's domain (or give zone).")}}),
    // Real servers answer a failed mass_edit_dns_zone with "data": null (clients decode it so);
    // parse_dns_zone, its sibling that gives UAPI DNS::parse_zone's payload, fails the same way.
    Registration({"parse_dns_zone", parse_dns_zone, Access::Read, any_reseller({zone("zone")}), {}, true}),
    // The generated spec misses `remove` (the reference's "Array of integers[ items >= 0 ]").
    Registration({"mass_edit_dns_zone",
                  mass_edit_dns_zone,
                  Access::Write,
                  needs("edit-dns", {zone("zone")}),
                  {described("remove", ParamType::String,
                             "The line indexes of records to remove from the zone (line_index: the line number less "
                             "one). Repeat it to remove several: remove=22 remove=23.")},
                  true}),
    Registration({"addzonerecord", addzonerecord, Access::Write, needs("edit-dns", {domain("domain")}),
                  zone_record_params(false)}),
    Registration({"editzonerecord", editzonerecord, Access::Write, needs("edit-dns", {domain("domain")}),
                  zone_record_params(true)}),
    Registration({"removezonerecord", removezonerecord, Access::Write, needs("edit-dns", {zone("zone")})}),
    Registration({"getzonerecord", getzonerecord, Access::Read, any_reseller({domain("domain")})}),
    Registration({"resetzone",
                  resetzone,
                  Access::Write,
                  needs("edit-dns", {domain("domain"), zone("zone"), account_or_self("user")}),
                  {described("zone", ParamType::String,
                             "The zone, by its file name (example.com.db) or its domain; or give domain.")}}),
    Registration({"listmxs", listmxs, Access::Read, any_reseller({domain("domain")})}),
    Registration({"savemxs", savemxs, Access::Write, needs("edit-mx", {domain("domain")})}),
    Registration({"has_local_authority",
                  has_local_authority,
                  Access::Read,
                  any_reseller(),
                  {list_param("domain", ParamType::String, true)}}),
    Registration({"get_nameserver_config", get_nameserver_config, Access::Read, any_reseller()}),
    Registration(
        {"lookupnsip", lookupnsip, Access::Read, any_reseller(), {make_param("host", ParamType::String, true)}}),
    Registration({"lookupnsips", lookupnsips, Access::Read, any_reseller()}),
    Registration({"resolvedomainname",
                  resolvedomainname,
                  Access::Read,
                  any_reseller(),
                  {make_param("domain", ParamType::String, true)}}),
    Registration({"setresolvers", setresolvers, Access::Write, root_only()}),
    Registration({"set_nameserver", set_nameserver, Access::Write, root_only()}),
    Registration({"update_nameservers_config", update_nameservers_config, Access::Write, root_only()}),
    Registration({"export_zone_files",
                  export_zone_files,
                  Access::Read,
                  any_reseller({zone("zone")}),
                  {list_param("zone", ParamType::Domain, true)}}),
    Registration({"is_alias_available", is_alias_available, Access::Read, any_reseller()}),
    Registration({"updateuserdomains", updateuserdomains, Access::Write, root_only()}), );

}  // namespace
}  // namespace whm
