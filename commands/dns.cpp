// DNS zones: adddns, killdns, listzones, dumpzone, parse_dns_zone,
// mass_edit_dns_zone, add/edit/remove/getzonerecord, resetzone, listmxs,
// savemxs, has_local_authority, get_nameserver_config, lookupnsip(s),
// resolvedomainname, setresolvers, set_nameserver, update_nameservers_config,
// export_zone_files, is_alias_available, updateuserdomains.
#include <arpa/inet.h>
#include <netdb.h>
#include <openssl/evp.h>
#include <algorithm>

#include "account_common.hpp"
#include "dns_store.hpp"
#include "errors.hpp"
#include "kvfile.hpp"
#include "lookup.hpp"
#include "output.hpp"
#include "registry.hpp"
#include "tweak_settings.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {
namespace {

// addzonerecord's TTL when none is given, as the reference documents it.
constexpr long kAddedRecordTtl = 86400;

std::string zone_arg(const Request& req, const char* key) {
  std::string z = to_lower(req.require(key));
  if (!z.empty() && z.back() == '.') z.pop_back();
  if (auto why = domain_syntax_error(z)) throw invalid_param(key, *why);
  return z;
}

// dumpzone and resetzone name the zone by `domain`, or by `zone`, which the
// reference gives as the file name ("example.com.db").
std::string zone_or_file_arg(const Request& req) {
  if (req.has("domain") || !req.has("zone")) return zone_arg(req, "domain");
  std::string z = to_lower(req.require("zone"));
  if (ends_with(z, ".db")) z.resize(z.size() - 3);
  if (auto why = domain_syntax_error(z)) throw invalid_param("zone", *why);
  return z;
}

long ttl_arg(const Request& req, long fallback) {
  auto v = req.get("ttl");
  if (!v) return fallback;
  auto n = parse_int(*v);
  if (!n || *n < 1 || *n > 2147483647LL) throw invalid_param("ttl", "the TTL must be between 1 and 2147483647.");
  return static_cast<long>(*n);
}

std::string fqdn_target(const std::string& t) { return t.empty() || t.back() == '.' ? t : t + "."; }

// A record's data from its type's parameters (address, exchange, txtdata...:
// the fields rdata_fields names). A field left out keeps its `current`
// value as the file has it; a host name given gets its trailing period.
std::vector<std::string> rdata_from_args(const std::string& type, const Request& req,
                                         const std::vector<std::string>& current = {}) {
  const auto& fields = rdata_fields(type);
  if (fields.empty()) throw invalid_param("type", "whmkit cannot write “" + type + "” records.");
  auto missing = [&](const RdataField& f) { return missing_param(f.name, "for a " + type + " record"); };
  if (fields[0].kind == RdataField::Strings) {
    if (auto v = req.get(fields[0].name)) return {*v};
    if (current.empty()) throw missing(fields[0]);
    return current;
  }
  std::vector<std::string> data;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (auto v = req.get(fields[i].name))
      data.push_back(fields[i].kind == RdataField::Host ? fqdn_target(*v) : *v);
    else if (i < current.size())
      data.push_back(current[i]);
    else
      throw missing(fields[i]);
  }
  return data;
}

// No CNAME beside other data at the same name (RFC 1034).
void check_cname_conflicts(const Zone& zone, const ZoneRecord& r, int ignore_line = 0) {
  for (const auto& e : zone.entries()) {  // in place: zones can hold 10,000 records
    if (e.kind != Zone::Entry::Record || e.removed || e.line == ignore_line || e.record.name != r.name) continue;
    if (r.type == "CNAME" || e.record.type == "CNAME")
      throw ValidationError("“" + r.name + "” cannot have a CNAME record beside other records.");
  }
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
  Zone zone = load_zone(view, zone_or_file_arg(req));
  Response r;
  r.reason = "Zone Serialized";
  r.data = {{"zone", dump_zone(zone)}};
  return r;
}

std::string b64(const std::string& s) {
  std::string out(4 * ((s.size() + 2) / 3) + 1, '\0');
  int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                          reinterpret_cast<const unsigned char*>(s.data()), static_cast<int>(s.size()));
  out.resize(static_cast<size_t>(n));
  return out;
}

// Owners as cPanel writes them: the UAPI reference's parse_zone (the same
// payload) says an owner without a trailing period is below the zone. TXT
// data holds one item per character string, as the file holds them.
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
                         {"dname_b64", b64(written_name(zone.origin(), e.record.name))},
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
  const auto& fields = rdata_fields(r.type);
  for (size_t i = 0; i < r.rdata.size() && i < fields.size(); ++i)
    if (fields[i].kind == RdataField::Host) r.rdata[i] = fqdn_target(r.rdata[i]);
  if (auto p = record_problem(origin, r)) {
    // The item's own keys: dname, ttl, record_type, data.
    std::string key = p->field == "name"   ? "dname"
                      : p->field == "type" ? "record_type"
                      : p->field == "ttl"  ? "ttl"
                                           : "data";
    throw invalid_param(param, "“" + key + "”: " + p->why);
  }
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
    if (!j.is_object() || !j.contains("line_index") || !j["line_index"].is_number_integer())
      throw invalid_param("edit", "each item needs a line_index (a number).");
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
  Response r = zone_changed(ctx.root, name);
  r.data = {{"new_serial", std::to_string(new_serial)}};  // a string, as real servers send it
  return r;
}

// ---------------------------------------------------------------- records

// Validates a new record, appends it, bumps the serial and commits (addzonerecord, savemxs).
Response add_record(Context& ctx, Transaction& txn, Zone& zone, const ZoneRecord& r) {
  validate_record(zone.origin(), r);
  check_cname_conflicts(zone, r);
  zone.add(r);
  stage_zone(txn, zone, now());
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
  validate_record(name, r);
  check_cname_conflicts(zone, r, line);
  zone.replace(line, r);
  stage_zone(txn, zone, now());
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
  zone.remove(line);
  stage_zone(txn, zone, now());
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

bool has_record(const Zone& zone, const ZoneRecord& r) {
  for (const auto& [line, x] : zone.records())
    if (x.name == r.name && x.type == r.type && x.rdata == r.rdata) return true;
  return false;
}

// A new zone from the template and the owner's IP address, written without
// reading the old file as a whole: a zone that no longer parses is what a
// reset repairs. What can still be read of the old file gives the serial to
// move past and the TXT records, which a reset keeps (as cPanel's does).
Response resetzone(Context& ctx, const Request& req) {
  std::string name = zone_or_file_arg(req);
  Transaction txn(ctx.root);
  auto old_text = txn.read(zone_rel(name));
  if (!old_text) throw ApiError("The zone “" + name + "” does not exist.");
  std::string ip = load_server_config(ctx.root).shared_ip;
  std::string owner = req.get_or("user", zone_owner(ctx.root, name));
  if (owner != "root") ip = AccountStore(ctx.root).require(owner).get("IP");
  Zone fresh = Zone::parse(name, new_zone_text(ctx.root, name, ip));
  std::optional<long> old_serial;
  for (const auto& r : salvage_records(name, *old_text)) {
    if (r.type == "SOA" && !old_serial && r.rdata.size() >= 3)
      if (auto n = parse_int(r.rdata[2])) old_serial = static_cast<long>(*n);
    if ((r.type == "TXT" || r.type == "SPF") && !record_problem(name, r) && !has_record(fresh, r)) fresh.add(r);
  }
  if (old_serial) fresh.bump_serial(now(), *old_serial);
  stage_zone_text(txn, name, fresh.serialize());
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
    payload.push_back({{"text_b64", b64(*text)}, {"zone", zone}});
  }
  Response r;
  r.data = {{"payload", payload}};
  return r;
}

// ALIAS records need a nameserver that resolves their target when asked:
// cPanel's PowerDNS with a resolver set in pdns.conf. BIND has none; ANAME
// is not offered by either.
Response is_alias_available(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  std::string resolver;
  if (read_tweak_setting(view, "local_nameserver_type") == "powerdns")
    for (const auto& line : split(view.read("etc/pdns/pdns.conf").value_or(""), '\n'))
      if (starts_with(trim(line), "resolver=")) resolver = trim(trim(line).substr(9));
  Response r;
  r.data = {{"alias", resolver.empty() ? 0 : 1},
            {"aname", 0},
            {"resolver", resolver.empty() ? nlohmann::json(nullptr) : nlohmann::json(resolver)}};
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

ParamSpec number_param(const char* name, long long max, const std::string& description) {
  ParamSpec p = described(name, ParamType::Integer, description);
  p.min = 0;
  p.max = max;
  return p;
}

// "A, AAAA: address" ...: which data parameters each record type takes.
std::string fields_per_type() {
  std::string out;
  for (const auto& type : writable_record_types()) {
    std::vector<std::string> names;
    for (const auto& f : rdata_fields(type)) names.push_back(f.name);
    out += "\n  " + type + ": " + join(names, ", ");
  }
  return out;
}

// addzonerecord's and editzonerecord's parameters: the reference documents
// the A record's only. Record names are relative or absolute host names, not
// domains; the data fields are checked by validate_record.
std::vector<ParamSpec> record_params(bool edit) {
  const std::string keeps = edit ? " Left out: the record keeps its current one." : "";
  auto host = [&](const char* name, const std::string& what) {
    return described(name, ParamType::String,
                     what + " A name without a trailing period gets one (it is not relative to the zone)." + keeps);
  };
  ParamSpec name = described(
      "name", ParamType::String,
      "The record's name: relative to the zone (\"www\"), absolute with a trailing period (\"www.example.com.\"), "
      "or \"@\" for the zone itself. It must lie inside the zone." +
          keeps);
  ParamSpec type =
      described("type", ParamType::String,
                "The record type (any case), and the parameters that carry each type's data:" + fields_per_type() +
                    (edit ? "\nLeft out: the record keeps its type." : ""));
  ParamSpec klass = described("class", ParamType::String, "The record's class; only IN is accepted." + keeps);
  ParamSpec ttl = described("ttl", ParamType::Integer, "The record's Time To Live (TTL), in seconds." + keeps);
  ttl.min = 1;
  ttl.max = 2147483647;
  name.required = type.required = !edit;
  if (!edit) {
    klass.default_value = "IN";
    ttl.default_value = std::to_string(kAddedRecordTtl);
  }
  return {
      name,
      type,
      klass,
      ttl,
      described("address", ParamType::String, "A and AAAA records: the IPv4 (A) or IPv6 (AAAA) address." + keeps),
      host("cname", "CNAME records: the host name the record is an alias of."),
      host("exchange", "MX records: the mail server's host name."),
      number_param("preference", 65535, "MX records: the mail server's priority; lower numbers come first." + keeps),
      host("nsdname", "NS records: the name server's host name."),
      host("ptrdname", "PTR records: the host name the address points to."),
      number_param("priority", 65535, "SRV records: the target's priority; lower numbers come first." + keeps),
      number_param("weight", 65535, "SRV records: the relative weight of targets of the same priority." + keeps),
      number_param("port", 65535, "SRV records: the service's port on the target." + keeps),
      host("target", "SRV records: the host name that offers the service."),
      number_param("flag", 255, "CAA records: the flags (128: issuer critical)." + keeps),
      described("tag", ParamType::String,
                "CAA records: the property, for example issue, issuewild or iodef (letters and digits)." + keeps),
      described("value", ParamType::String, "CAA records: the property's value, for example letsencrypt.org." + keeps),
      described("txtdata", ParamType::String,
                "TXT and SPF records: the text. Text longer than 255 bytes is written as several character strings, "
                "as DNS requires, and read back as one value. A record carries at most " +
                    std::to_string(kMaxRdataBytes) + " bytes of data (a byte per string besides the text)." + keeps),
  };
}

const Registration registrations[] = {
    Registration({"adddns", adddns, Access::Write, needs("create-dns", {account_or_self("trueowner")})}),
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
    Registration(
        {"addzonerecord", addzonerecord, Access::Write, needs("edit-dns", {domain("domain")}), record_params(false)}),
    Registration(
        {"editzonerecord", editzonerecord, Access::Write, needs("edit-dns", {domain("domain")}), record_params(true)}),
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
    Registration({"updateuserdomains", updateuserdomains, Access::Write, root_only()}),
};

}  // namespace
}  // namespace whm
