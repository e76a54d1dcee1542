// DNS zones: adddns, killdns, listzones, dumpzone, parse_dns_zone,
// mass_edit_dns_zone, add/edit/remove/getzonerecord, resetzone, listmxs,
// savemxs, has_local_authority, get_nameserver_config, lookupnsip(s),
// resolvedomainname, setresolvers.
#include <arpa/inet.h>
#include <netdb.h>
#include <openssl/evp.h>
#include <algorithm>

#include "account_common.hpp"
#include "dns_store.hpp"
#include "errors.hpp"
#include "lookup.hpp"
#include "output.hpp"
#include "registry.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {
namespace {

std::string zone_arg(const Request& req, const char* key) {
  std::string z = to_lower(req.require(key));
  if (!z.empty() && z.back() == '.') z.pop_back();
  if (auto why = domain_syntax_error(z)) throw invalid_param(key, *why);
  return z;
}

long ttl_arg(const Request& req, long fallback) {
  auto v = req.get("ttl");
  if (!v) return fallback;
  auto n = parse_int(*v);
  if (!n || *n < 0 || *n > 2147483647LL) throw invalid_param("ttl", "the TTL must be between 0 and 2147483647.");
  return static_cast<long>(*n);
}

std::string fqdn_target(const std::string& t) { return t.empty() || t.back() == '.' ? t : t + "."; }

// A record's data from the per-type parameters (address, cname, exchange...).
std::vector<std::string> rdata_from_args(const std::string& type, const Request& req,
                                         const std::vector<std::string>& current = {}) {
  auto arg = [&](const char* k, size_t i) {
    auto v = req.get(k);
    if (v) return *v;
    if (i < current.size()) return current[i];
    throw missing_param(k, "for a " + type + " record");
  };
  if (type == "A" || type == "AAAA") return {arg("address", 0)};
  if (type == "CNAME") return {fqdn_target(arg("cname", 0))};
  if (type == "NS") return {fqdn_target(arg("nsdname", 0))};
  if (type == "PTR") return {fqdn_target(arg("ptrdname", 0))};
  if (type == "MX") return {arg("preference", 0), fqdn_target(arg("exchange", 1))};
  if (type == "SRV") return {arg("priority", 0), arg("weight", 1), arg("port", 2), fqdn_target(arg("target", 3))};
  if (type == "CAA") return {arg("flag", 0), arg("tag", 1), arg("value", 2)};
  if (type == "TXT") {
    if (auto v = req.get("txtdata")) return {*v};
    if (!current.empty()) return current;
    throw missing_param("txtdata", "for a TXT record");
  }
  throw ValidationError("Unsupported record type “" + type + "”.");
}

// No CNAME beside other data at the same name (RFC 1034).
void check_cname_conflicts(const Zone& zone, const ZoneRecord& r, int ignore_line = 0) {
  for (const auto& e : zone.entries()) {  // in place: zones can hold 10,000 records
    if (e.kind != Zone::Entry::Record || e.removed || e.line == ignore_line || e.record.name != r.name) continue;
    if (r.type == "CNAME" || e.record.type == "CNAME")
      throw ValidationError("“" + r.name + "” cannot have a CNAME record beside other records.");
  }
}

Response zone_changed(const StateRoot& root, const std::string& zone, long serial) {
  Response r;
  std::string reload = reload_zone(root, zone);
  if (!reload.empty()) r.reason = reload;
  r.metadata["serial"] = serial;
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
  Zone zone = load_zone(view, zone_arg(req, req.has("zone") && !req.has("domain") ? "zone" : "domain"));
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [line, rec] : zone.records()) list.push_back(record_json(line, rec));
  Response r;
  r.reason = "Zone Serialized";
  r.data = {{"zone", list}};
  return r;
}

std::string b64(const std::string& s) {
  std::string out(4 * ((s.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

Response parse_dns_zone(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  Zone zone = load_zone(view, zone_arg(req, "zone"));
  nlohmann::json payload = nlohmann::json::array();
  for (const auto& e : zone.entries()) {
    int index = e.line - 1;
    if (e.kind == Zone::Entry::Record) {
      nlohmann::json data = nlohmann::json::array();
      for (const auto& d : e.record.rdata) data.push_back(b64(d));
      payload.push_back({{"line_index", index},
                         {"type", "record"},
                         {"record_type", e.record.type},
                         {"ttl", e.record.ttl},
                         {"dname_b64", b64(e.record.name)},
                         {"data_b64", data}});
    } else if (e.kind == Zone::Entry::Directive) {
      payload.push_back({{"line_index", index}, {"type", "control"}, {"text_b64", b64(e.text)}});
    } else if (e.kind == Zone::Entry::Comment) {
      payload.push_back({{"line_index", index}, {"type", "comment"}, {"text_b64", b64(trim(e.text))}});
    }
  }
  Response r;
  r.data = {{"payload", payload}};
  return r;
}

ZoneRecord record_from_json(const std::string& origin, const nlohmann::json& j, const char* param) {
  if (!j.is_object()) throw invalid_param(param, "each item is a JSON object.");
  ZoneRecord r;
  try {
    r.name = absolute_name(origin, j.at("dname").get<std::string>());
    r.ttl = j.value("ttl", 14400L);
    r.type = j.at("record_type").get<std::string>();
    for (auto& c : r.type) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
    for (const auto& d : j.at("data")) r.rdata.push_back(d.is_string() ? d.get<std::string>() : json_text(d));
  } catch (const nlohmann::json::exception& e) {
    throw invalid_param(param, e.what());
  }
  for (size_t i = 0; i < r.rdata.size(); ++i)
    if ((r.type == "CNAME" || r.type == "NS" || r.type == "PTR") || (r.type == "MX" && i == 1) ||
        (r.type == "SRV" && i == 3))
      r.rdata[i] = fqdn_target(r.rdata[i]);
  validate_record(origin, r);
  return r;
}

nlohmann::json json_items(const Request& req, const char* key) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& v : req.list(key)) {
    try {
      items.push_back(nlohmann::json::parse(v));
    } catch (const std::exception& e) {
      throw invalid_param(key, std::string("it is not JSON (") + e.what() + ").");
    }
  }
  return items;
}

Response mass_edit_dns_zone(Context& ctx, const Request& req) {
  std::string name = zone_arg(req, "zone");
  Transaction txn(ctx.root);
  Zone zone = load_zone(txn, name);
  long serial = *parse_int(req.require("serial"));
  if (serial != zone.serial())
    throw ApiError("The zone “" + name + "” has changed (serial " + std::to_string(zone.serial()) + ", not " +
                   std::to_string(serial) + "): fetch it again.");
  for (const auto& j : json_items(req, "edit")) {
    if (!j.is_object() || !j.contains("line_index")) throw invalid_param("edit", "each item needs a line_index.");
    int line = j["line_index"].get<int>() + 1;
    ZoneRecord r = record_from_json(name, j, "edit");
    check_cname_conflicts(zone, r, line);
    zone.replace(line, r);
  }
  for (const auto& j : json_items(req, "add")) {
    ZoneRecord r = record_from_json(name, j, "add");
    check_cname_conflicts(zone, r);
    zone.add(r);
  }
  for (const auto& v : req.list("remove")) {
    auto n = parse_int(v);
    if (!n) throw invalid_param("remove", "“" + v + "” is not a line index.");
    zone.remove(static_cast<int>(*n) + 1);
  }
  long new_serial = stage_zone(txn, zone, now());
  txn.commit();
  Response r = zone_changed(ctx.root, name, new_serial);
  r.data = {{"new_serial", new_serial}};
  return r;
}

// ---------------------------------------------------------------- records

// Validates a new record, appends it, bumps the serial and commits (addzonerecord, savemxs).
Response add_record(Context& ctx, Transaction& txn, Zone& zone, const ZoneRecord& r) {
  validate_record(zone.origin(), r);
  check_cname_conflicts(zone, r);
  zone.add(r);
  long serial = stage_zone(txn, zone, now());
  txn.commit();
  return zone_changed(ctx.root, zone.origin(), serial);
}

Response addzonerecord(Context& ctx, const Request& req) {
  std::string name = zone_arg(req, req.has("domain") ? "domain" : "zone");
  Transaction txn(ctx.root);
  Zone zone = load_zone(txn, name);
  ZoneRecord r;
  r.name = absolute_name(name, req.require("name"));
  r.type = to_lower(req.require("type"));
  for (auto& c : r.type) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  r.ttl = ttl_arg(req, 14400);
  r.klass = req.get_or("class", "IN");
  r.rdata = rdata_from_args(r.type, req);
  return add_record(ctx, txn, zone, r);
}

Response editzonerecord(Context& ctx, const Request& req) {
  std::string name = zone_arg(req, req.has("domain") ? "domain" : "zone");
  int line = static_cast<int>(*parse_int(req.require("line")));
  Transaction txn(ctx.root);
  Zone zone = load_zone(txn, name);
  auto current = zone.record_at(line);
  if (!current) throw ApiError("There is no record on line " + std::to_string(line) + " of the zone “" + name + "”.");
  ZoneRecord r = *current;
  if (auto n = req.get("name")) r.name = absolute_name(name, *n);
  if (auto t = req.get("type")) {
    r.type = *t;
    for (auto& c : r.type) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  }
  r.ttl = ttl_arg(req, r.ttl);
  r.rdata = rdata_from_args(r.type, req, r.type == current->type ? current->rdata : std::vector<std::string>{});
  validate_record(name, r);
  check_cname_conflicts(zone, r, line);
  zone.replace(line, r);
  long serial = stage_zone(txn, zone, now());
  txn.commit();
  return zone_changed(ctx.root, name, serial);
}

Response removezonerecord(Context& ctx, const Request& req) {
  std::string name = zone_arg(req, "zone");
  int line = static_cast<int>(*parse_int(req.require("line")));
  Transaction txn(ctx.root);
  Zone zone = load_zone(txn, name);
  if (auto s = req.get("serialnum"); s && !s->empty() && *s != std::to_string(zone.serial()))
    throw ApiError("The zone “" + name + "” has changed (serial " + std::to_string(zone.serial()) + ").");
  zone.remove(line);
  long serial = stage_zone(txn, zone, now());
  txn.commit();
  return zone_changed(ctx.root, name, serial);
}

Response getzonerecord(Context& ctx, const Request& req) {
  std::string name = zone_arg(req, "domain");
  int line = static_cast<int>(*parse_int(req.require("line")));
  Transaction view(ctx.root);
  auto rec = load_zone(view, name).record_at(line);
  if (!rec) throw ApiError("There is no record on line " + std::to_string(line) + " of the zone “" + name + "”.");
  Response r;
  r.reason = "Record obtained.";
  r.data = {{"record", nlohmann::json::array({record_json(line, *rec)})}};
  return r;
}

Response resetzone(Context& ctx, const Request& req) {
  std::string name = zone_arg(req, req.has("domain") ? "domain" : "zone");
  Transaction txn(ctx.root);
  if (!zone_exists(txn, name)) throw ApiError("The zone “" + name + "” does not exist.");
  std::string ip = load_server_config(ctx.root).shared_ip;
  AccountStore store(ctx.root);
  std::string owner = req.get_or("user", zone_owner(ctx.root, name));
  if (owner != "root") ip = store.require(owner).get("IP");
  long old_serial = load_zone(txn, name).serial();
  stage_new_zone(ctx.root, txn, name, ip);
  // The fresh zone's serial must still move forward.
  Zone fresh = Zone::parse(name, *txn.read(zone_rel(name)));
  while (fresh.serial() <= old_serial) fresh.bump_serial(now());
  txn.write(zone_rel(name), fresh.serialize(), 0644);
  txn.commit();
  return zone_changed(ctx.root, name, fresh.serial());
}

Response listmxs(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  Zone zone = load_zone(view, zone_arg(req, "domain"));
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [line, rec] : zone.records())
    if (rec.type == "MX") list.push_back(record_json(line, rec));
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
  r.klass = req.get_or("class", "IN");
  r.ttl = ttl_arg(req, 14400);
  r.rdata = {req.require("preference"), fqdn_target(req.require("exchange"))};
  return add_record(ctx, txn, zone, r);
}

// ---------------------------------------------------------------- nameservers and resolution

Response has_local_authority(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& raw : req.list("domain")) {
    std::string domain = to_lower(raw);
    if (auto why = domain_syntax_error(domain)) throw invalid_param("domain", *why);
    // The closest enclosing zone this server holds.
    std::string zone = domain;
    while (!zone_exists(view, zone) && zone.find('.') != std::string::npos && split(zone, '.').size() > 2)
      zone = zone.substr(zone.find('.') + 1);
    nlohmann::json rec = {{"domain", domain}};
    if (!zone_exists(view, zone)) {
      rec.update({{"local_authority", 0},
                  {"nameservers", nlohmann::json::array()},
                  {"zone", nullptr},
                  {"error", "This server has no zone for “" + domain + "”."}});
    } else {
      nlohmann::json ns = nlohmann::json::array();
      for (const auto& [line, r] : load_zone(view, zone).records())
        if (r.type == "NS" && r.name == zone + "." && !r.rdata.empty()) {
          std::string n = r.rdata[0];
          if (!n.empty() && n.back() == '.') n.pop_back();
          ns.push_back(n);
        }
      rec.update({{"local_authority", 1}, {"nameservers", ns}, {"zone", zone}, {"error", nullptr}});
    }
    list.push_back(rec);
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

// cpanel.config (Tweak Settings): sorted key=value under cPanel's notice.
const char* kCpanelConfigHeader =
    "################################################################################\n"
    "# NOTICE\n"
    "# Manually modifying this file is not recommended! Please use set_tweaksetting\n"
    "# (whmapi1) to change these values.\n"
    "################################################################################\n";

Response set_nameserver(Context& ctx, const Request& req) {
  std::string choice = to_lower(req.require("nameserver"));
  Transaction txn(ctx.root);
  KeyValues config = parse_key_values(txn.read("var/cpanel/cpanel.config").value_or(""));
  config["local_nameserver_type"] = choice;
  txn.write("var/cpanel/cpanel.config", kCpanelConfigHeader + serialize_key_values(config), 0644);
  txn.commit();
  Response r;
  // The setting is recorded; installing or switching the daemon is outside whmkit.
  r.data = {{"message", "Set local_nameserver_type to " + choice +
                            " in cpanel.config; whmkit does not install, start or stop nameserver daemons."},
            {"nameserver", choice}};
  return r;
}

// ---------------------------------------------------------------- registrations

// Record names are relative or absolute host names, not domains; per-type
// fields are checked by validate_record.
std::vector<ParamSpec> record_params(bool edit) {
  auto name = make_param("name");
  auto address = make_param("address");
  std::vector<ParamSpec> p = {name, address};
  if (edit) p.push_back(make_param("ttl", ParamType::Integer));
  return p;
}

const Registration registrations[] = {
    Registration({"adddns", adddns, Access::Write, needs("create-dns", {account_or_self("trueowner")})}),
    Registration({"killdns", killdns, Access::Write, needs("kill-dns", {domain("domain")})}),
    Registration({"listzones", listzones, Access::Read, any_reseller()}),
    Registration(
        {"dumpzone", dumpzone, Access::Read, any_reseller({domain("domain"), domain("zone")}), {make_param("domain")}}),
    Registration({"parse_dns_zone", parse_dns_zone, Access::Read, any_reseller({domain("zone")})}),
    Registration({"mass_edit_dns_zone", mass_edit_dns_zone, Access::Write, needs("edit-dns", {domain("zone")})}),
    Registration(
        {"addzonerecord", addzonerecord, Access::Write, needs("edit-dns", {domain("domain")}), record_params(false)}),
    Registration(
        {"editzonerecord", editzonerecord, Access::Write, needs("edit-dns", {domain("domain")}), record_params(true)}),
    Registration({"removezonerecord", removezonerecord, Access::Write, needs("edit-dns", {domain("zone")})}),
    Registration({"getzonerecord", getzonerecord, Access::Read, any_reseller({domain("domain")})}),
    Registration({"resetzone", resetzone, Access::Write,
                  needs("edit-dns", {domain("domain"), domain("zone"), account_or_self("user")})}),
    Registration({"listmxs", listmxs, Access::Read, any_reseller({domain("domain")})}),
    Registration({"savemxs", savemxs, Access::Write, needs("edit-mx", {domain("domain")})}),
    Registration({"has_local_authority",
                  has_local_authority,
                  Access::Read,
                  any_reseller(),
                  {make_param("domain", ParamType::String, true)}}),
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
};

}  // namespace
}  // namespace whm
