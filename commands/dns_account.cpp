// DNS for a cPanel account, on its own zones only: UAPI DNS (parse_zone,
// mass_edit_zone, lookup, has_local_authority), API 2 ZoneEdit (fetchzone,
// fetchzones, fetchzone_records, add/edit/remove_zone_record, resetzone);
// Email's MX functions are in email_mx.cpp. The zone edits are WHM DNS's (lib/store/dns_store.hpp); docs/dns-account.md
// says what each answers.
#include <arpa/inet.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>

#include <algorithm>
#include <set>

#include "dns_params.hpp"
#include "dns_store.hpp"
#include "dns_swap.hpp"
#include "errors.hpp"
#include "ip_addresses.hpp"
#include "lazy_registrations.hpp"
#include "output.hpp"
#include "registry.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {
namespace {

// The line a record starts on (API 2 takes it as "line" or "Line").
int line_param(const Request& req) {
  auto v = req.has("line") ? req.get("line") : req.get("Line");
  if (!v) throw missing_param("line");
  auto n = parse_int(*v);
  if (!n || *n < 1 || *n > 1000000000) throw invalid_param("line", "“" + *v + "” is not a line number.");
  return static_cast<int>(*n);
}

// What API 2 ZoneEdit's changes answer: [{result: {status, statusmsg, newserial}}].
Response api2_change(const StateRoot& root, const std::string& zone, std::optional<long> new_serial) {
  nlohmann::json result = {{"status", 1}, {"statusmsg", reload_zone(root, zone)}};
  if (new_serial) result["newserial"] = std::to_string(*new_serial);  // a string, as WHM's new_serial
  Response r;
  r.data = nlohmann::json::array({{{"result", result}}});
  return r;
}

// ---------------------------------------------------------------- UAPI DNS

Response parse_zone(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  Response r;
  r.data = zone_line_model(load_zone(view, zone_arg(req, "zone")));
  return r;
}

// The serial is the point: two clients that both read serial N cannot both
// write, the second is refused and must read the zone again, so neither
// loses the other's records.
Response mass_edit_zone(Context& ctx, const Request& req) {
  std::string zone = zone_arg(req, "zone");
  Transaction txn(ctx.root);
  MassEdit edits{req.list("add"), req.list("edit"), req.list("remove")};
  long new_serial = stage_mass_edit(txn, zone, *parse_int(req.require("serial")), edits);
  txn.commit();
  reload_zone(ctx.root, zone);
  Response r;
  r.data = {{"new_serial", std::to_string(new_serial)}};  // a string, as real servers send it
  return r;
}

Response has_local_authority(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& raw : req.list("domain")) {
    nlohmann::json item = local_authority(view, zone_name_arg(raw, "domain"));
    if (item["error"].is_null()) item.erase("error");  // UAPI sends it only when the check fails
    r.data.push_back(std::move(item));
  }
  return r;
}

// One DNS question through the system resolver (/etc/resolv.conf), answered
// as `host` prints it: "NAME has address A", "has IPv6 address",
// "mail is handled by PREF EXCHANGE". Returns false when the name does not exist.
bool ask(res_state state, const std::string& name, int type, std::vector<std::string>& out) {
  unsigned char answer[NS_MAXMSG];
  int len = res_nquery(state, name.c_str(), ns_c_in, type, answer, sizeof answer);
  if (len < 0) {
    if (state->res_h_errno == HOST_NOT_FOUND) return false;
    if (state->res_h_errno == NO_DATA) return true;
    throw ApiError("The DNS lookup of “" + name + "” failed: " + hstrerror(state->res_h_errno) + ".");
  }
  const unsigned char *p = answer + NS_HFIXEDSZ, *end = answer + len;
  int questions = (answer[4] << 8) | answer[5], answers = (answer[6] << 8) | answer[7];
  auto fail = [&] { return ApiError("The DNS answer for “" + name + "” cannot be read."); };
  for (int i = 0; i < questions; ++i) {
    int n = dn_skipname(p, end);
    if (n < 0 || p + n + NS_QFIXEDSZ > end) throw fail();
    p += n + NS_QFIXEDSZ;
  }
  for (int i = 0; i < answers; ++i) {
    char owner[NS_MAXDNAME];
    int n = dn_expand(answer, end, p, owner, sizeof owner);
    if (n < 0 || p + n + NS_RRFIXEDSZ > end) throw fail();
    p += n;
    int rr_type = (p[0] << 8) | p[1], rdlength = (p[8] << 8) | p[9];
    p += NS_RRFIXEDSZ;
    if (p + rdlength > end) throw fail();
    char text[NS_MAXDNAME];
    if (rr_type == ns_t_a && rdlength == 4 && inet_ntop(AF_INET, p, text, sizeof text))
      out.push_back(std::string(owner) + " has address " + text);
    else if (rr_type == ns_t_aaaa && rdlength == 16 && inet_ntop(AF_INET6, p, text, sizeof text))
      out.push_back(std::string(owner) + " has IPv6 address " + text);
    else if (rr_type == ns_t_mx && rdlength > 2 && dn_expand(answer, end, p + 2, text, sizeof text) >= 0)
      out.push_back(std::string(owner) + " mail is handled by " + std::to_string((p[0] << 8) | p[1]) + " " +
                    (text[0] ? std::string(text) + "." : std::string(".")));
    else if (rr_type == ns_t_cname && dn_expand(answer, end, p, text, sizeof text) >= 0)
      out.push_back(std::string(owner) + " is an alias for " + text + ".");
    p += rdlength;
  }
  return true;
}

Response lookup(Context&, const Request& req) {
  std::string domain = zone_name_arg(req.require("domain"), "domain");
  struct __res_state state {};
  if (res_ninit(&state) != 0) throw ApiError("The system resolver cannot be set up (/etc/resolv.conf).");
  std::vector<std::string> lines;
  bool exists = true;
  try {
    for (int type : {ns_t_a, ns_t_aaaa, ns_t_mx}) exists = ask(&state, domain, type, lines) && exists;
  } catch (...) {
    res_nclose(&state);
    throw;
  }
  res_nclose(&state);
  if (!exists) throw ApiError("Host " + domain + " not found: 3(NXDOMAIN)");
  // A CNAME comes back with each question; host prints it once.
  std::vector<std::string> unique;
  for (const auto& l : lines)
    if (std::find(unique.begin(), unique.end(), l) == unique.end()) unique.push_back(l);
  Response r;
  r.data = unique;
  return r;
}

// cPanel's ALIAS availability, the same answer as WHM's is_alias_available.
Response is_alias_available(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  Response r;
  r.data = alias_availability(view);
  return r;
}

// "a", "a and b", "a, b, and c" (cPanel's list_and).
std::string list_and(const std::vector<std::string>& items) {
  if (items.size() <= 2) return join(items, " and ");
  return join(std::vector<std::string>(items.begin(), items.end() - 1), ", ") + ", and " + items.back();
}

// The addresses that are this server's: the main and shared IPs, etc/ips,
// their 1:1 NAT public addresses and, on the live system, every address an
// interface carries.
std::set<std::string> local_ipv4_addresses(const StateRoot& root) {
  Transaction view(root);
  std::set<std::string> out;
  for (const auto& ip : server_ips(root)) out.insert(ip);
  for (const auto& [local, pub] : read_nat_map(view)) out.insert({local, pub});
  if (root.is_system_root())
    for (const auto& [ip, iface] : live_addresses(AF_INET)) out.insert(ip);
  return out;
}

// For each domain, as cPanel answers it: null when its IPv4 addresses on the
// internet (through the system resolver) are all this server's, else why not.
Response ensure_domains_reside_only_locally(Context& ctx, const Request& req) {
  std::vector<std::string> domains;
  for (const auto& raw : req.list("domain")) domains.push_back(zone_name_arg(raw, "domain"));
  if (domains.empty()) throw missing_param("domain");
  const std::set<std::string> local = local_ipv4_addresses(ctx.root);
  struct __res_state state {};
  if (res_ninit(&state) != 0) throw ApiError("The system resolver cannot be set up (/etc/resolv.conf).");
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& domain : domains) {
    std::vector<std::string> lines;
    bool exists = false;
    try {
      exists = ask(&state, domain, ns_t_a, lines);
    } catch (const ApiError& e) {
      r.data.push_back(e.what());
      continue;
    }
    std::vector<std::string> remote;
    size_t addresses = 0;
    const std::string marker = " has address ";
    for (const auto& line : lines)
      if (auto at = line.find(marker); at != std::string::npos) {
        ++addresses;
        const std::string ip = line.substr(at + marker.size());
        if (!local.count(ip) && std::find(remote.begin(), remote.end(), ip) == remote.end()) remote.push_back(ip);
      }
    std::sort(remote.begin(), remote.end(), [](const std::string& a, const std::string& b) {
      return parse_ipv4(a).value_or(0) < parse_ipv4(b).value_or(0);
    });
    if (!exists)
      r.data.push_back("“" + domain + "” is not a registered internet domain.");
    else if (addresses == 0)
      r.data.push_back("“" + domain + "” does not resolve to any IPv4 addresses on the internet.");
    else if (!remote.empty())
      r.data.push_back("“" + domain + "” resolves to the following IPv4 " +
                       (remote.size() == 1 ? "address, which does not" : "addresses, which do not") +
                       " exist on this server: " + list_and(remote));
    else
      r.data.push_back(nullptr);
  }
  res_nclose(&state);
  return r;
}

std::string ipv4_arg(const std::string& name, const std::string& value) {
  if (!is_valid_ipv4(value)) throw invalid_param(name, "“" + value + "” is not a valid IPv4 address.");
  return value;
}

// cPanel's swapip on the zones of the named domains (lib/store/dns_swap.hpp):
// the A records that hold the source address (given, or detected in each
// zone) get dest_ip, or ftp_ip for "ftp." names; the nameservers and the
// hostname are never changed. A domain without a zone of its own changes nothing.
Response swap_ip_in_zones(Context& ctx, const Request& req) {
  std::vector<std::string> domains;
  for (const auto& raw : req.list("domain")) domains.push_back(zone_name_arg(raw, "domain"));
  if (domains.empty()) throw missing_param("domain");
  const std::string dest = ipv4_arg("dest_ip", req.require("dest_ip"));
  const std::string ftp = req.has("ftp_ip") ? ipv4_arg("ftp_ip", req.require("ftp_ip")) : dest;
  std::set<std::string> sources;
  if (auto source = req.get("source_ip"); source && *source != "-1") sources.insert(ipv4_arg("source_ip", *source));

  Transaction txn(ctx.root);
  const std::set<std::string> static_names = swap_static_names(ctx.root, txn);
  std::vector<std::string> changed;
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& domain : domains) {
    if (!zone_exists(txn, domain) || std::find(changed.begin(), changed.end(), domain) != changed.end()) continue;
    Zone zone = load_zone(txn, domain);
    const auto swapped = swap_ip_in_zone(zone, sources, dest, ftp, static_names);
    for (const auto& s : swapped)
      r.data.push_back({{"zone_name", s.zone_name},
                        {"record_name", s.record_name},
                        {"record_type", s.record_type},
                        {"old_value", s.old_value},
                        {"new_value", s.new_value}});
    if (swapped.empty()) continue;
    stage_zone(txn, zone, now());
    changed.push_back(domain);
  }
  txn.commit();
  for (const auto& zone : changed) reload_zone(ctx.root, zone);
  return r;
}

// ---------------------------------------------------------------- API 2 ZoneEdit

// fetchzone's records: dumpzone's items with "line" (= Line) and "record"
// (the address, cname or txtdata), filtered as cPanel does: each of these
// parameters given keeps the items whose key holds one of its values
// ("A|CNAME" or "A,CNAME"). customonly=1 keeps only the records an account
// edits: no comments, $TTL lines, SOA or NS records at the apex.
nlohmann::json fetched_records(const Zone& zone, const Request& req) {
  static const std::vector<std::pair<const char*, const char*>> filters = {
      {"line", "Line"},        {"ttl", "ttl"},   {"name", "name"},       {"class", "class"},
      {"address", "address"},  {"type", "type"}, {"txtdata", "txtdata"}, {"preference", "preference"},
      {"exchange", "exchange"}};
  const bool custom_only = req.flag("customonly");
  const nlohmann::json dump = dump_zone(zone);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& entry : dump) {
    nlohmann::json item = entry;
    const std::string type = item.value("type", "");
    if (custom_only &&
        (type == ":RAW" || type == "$TTL" || type == "SOA" || (type == "NS" && item["name"] == zone.origin() + ".")))
      continue;
    item["line"] = item["Line"];
    for (const char* key : {"address", "cname", "txtdata"})
      if (item.contains(key)) {
        item["record"] = item[key];
        break;
      }
    bool keep = true;
    for (const auto& [param, key] : filters) {
      auto wanted = req.get(param);
      if (!wanted || !keep) continue;
      std::set<std::string> values;
      for (const auto& part : split(*wanted, '|'))
        for (const auto& v : split(part, ',')) values.insert(v);
      const nlohmann::json& have = item.contains(key) ? item[key] : nlohmann::json();
      keep = !have.is_null() && values.count(have.is_string() ? have.get<std::string>() : json_text(have)) > 0;
    }
    if (keep) out.push_back(std::move(item));
  }
  return out;
}

Response fetchzone(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  Zone zone = load_zone(view, zone_arg(req, "domain"));
  Response r;
  r.data = nlohmann::json::array({{{"record", fetched_records(zone, req)},
                                   {"serialnum", std::to_string(zone.serial())},
                                   {"status", 1},
                                   {"statusmsg", ""}}});
  return r;
}

Response fetchzone_records(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  Response r;
  r.data = fetched_records(load_zone(view, zone_arg(req, "domain")), req);
  return r;
}

// Every zone of the account's domains, as the file's lines.
Response fetchzones(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  nlohmann::json zones = nlohmann::json::object();
  for (const auto& domain : ctx.account.domains)
    if (auto text = view.read(zone_rel(domain))) {
      std::vector<std::string> lines = split(*text, '\n');
      if (!lines.empty() && lines.back().empty()) lines.pop_back();
      zones[domain] = lines;
    }
  Response r;
  r.data = nlohmann::json::array({{{"status", 1}, {"statusmsg", "Zones fetched"}, {"zones", zones}}});
  return r;
}

std::string upper(std::string v) {
  for (auto& c : v) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  return v;
}

auto request_fields(const Request& req) {
  return [&req](const std::string& key) { return req.get(key); };
}

Response add_zone_record(Context& ctx, const Request& req) {
  std::string name = zone_arg(req, "domain");
  Transaction txn(ctx.root);
  Zone zone = load_zone(txn, name);
  ZoneRecord r;
  r.name = absolute_name(name, req.require("name"));
  r.type = upper(req.require("type"));
  r.klass = upper(req.get_or("class", "IN"));
  r.ttl = ttl_value(req.get("ttl"), kAddedRecordTtl);
  r.rdata = rdata_from_fields(r.type, request_fields(req));
  long serial = stage_added_record(txn, zone, r);
  txn.commit();
  return api2_change(ctx.root, name, serial);
}

Response edit_zone_record(Context& ctx, const Request& req) {
  std::string name = zone_arg(req, "domain");
  int line = line_param(req);
  Transaction txn(ctx.root);
  Zone zone = load_zone(txn, name);
  auto current = zone.record_at(line);
  if (!current) throw ApiError("There is no record on line " + std::to_string(line) + " of the zone “" + name + "”.");
  ZoneRecord r = *current;
  if (auto n = req.get("name")) r.name = absolute_name(name, *n);
  r.type = upper(req.get_or("type", r.type));
  r.klass = upper(req.get_or("class", r.klass));
  r.ttl = ttl_value(req.get("ttl"), r.ttl);
  r.rdata = rdata_from_fields(r.type, request_fields(req),
                              r.type == current->type ? current->rdata : std::vector<std::string>{});
  long serial = stage_edited_record(txn, zone, line, r);
  txn.commit();
  return api2_change(ctx.root, name, serial);
}

Response remove_zone_record(Context& ctx, const Request& req) {
  std::string name = zone_arg(req, "domain");
  int line = line_param(req);
  Transaction txn(ctx.root);
  Zone zone = load_zone(txn, name);
  long serial = stage_removed_record(txn, zone, line);
  txn.commit();
  return api2_change(ctx.root, name, serial);
}

// The zone made again from the template with the account's IP address.
Response resetzone(Context& ctx, const Request& req) {
  std::string name = zone_arg(req, "domain");
  Transaction txn(ctx.root);
  stage_reset_zone(ctx.root, txn, name, AccountStore(ctx.root).require(ctx.account.user).get("IP"));
  txn.commit();
  return api2_change(ctx.root, name, std::nullopt);
}

// ---------------------------------------------------------------- registrations

ParamSpec text(const char* name, const std::string& description, bool required = false) {
  return described(make_param(name, ParamType::String, required), description);
}

ParamSpec number(const char* name, long long max, const std::string& description, bool required = false) {
  ParamSpec p = described(make_param(name, ParamType::Integer, required), description);
  p.min = 0;
  p.max = max;
  return p;
}

ParamSpec listed(const char* name, const std::string& description) { return described(list_param(name), description); }

const ParamSpec kDomain = text("domain", "One of the account's domains that has a DNS zone.", true);

// fetchzone's and fetchzone_records' filters.
std::vector<ParamSpec> fetch_params() {
  std::vector<ParamSpec> params = {
      kDomain,
      described(make_param("customonly", ParamType::Boolean),
                "1: only the records the account edits (no comments, $TTL lines, SOA or apex NS records)."),
  };
  for (const char* f : {"line", "ttl", "name", "class", "address", "type", "txtdata", "preference", "exchange"})
    params.push_back(text(
        f, std::string("Only the records whose ") + f + " is one of these values, separated by | or , (\"A|CNAME\")."));
  return params;
}

std::vector<ParamSpec> line_params(std::vector<ParamSpec> params) {
  params.insert(params.begin(),
                {kDomain, number("line", 1000000000, "The line the record starts on (fetchzone's Line)."),
                 number("Line", 1000000000, "The same as line (the reference's spelling).")});
  return params;
}

std::vector<ParamSpec> with_domain(std::vector<ParamSpec> params) {
  params.insert(params.begin(), kDomain);
  return params;
}

WHMKIT_REGISTRATIONS(
    registrations,
    // UAPI DNS
    Registration({Api::Uapi,
                  "DNS",
                  "parse_zone",
                  parse_zone,
                  Access::Read,
                  needs_feature("zoneedit", {zone("zone")}),
                  {text("zone", "The name of one of the account's DNS zones.", true)},
                  "Return a parsed DNS zone"}),
    Registration(
        {Api::Uapi,
         "DNS",
         "mass_edit_zone",
         mass_edit_zone,
         Access::Write,
         needs_feature("zoneedit", {zone("zone")}),
         {text("zone", "The name of one of the account's DNS zones.", true),
          number("serial", 4294967295LL,
                 "The zone's current SOA serial (parse_zone's SOA record). A zone that changed since is refused: "
                 "read it again.",
                 true),
          listed("add", "A record to add, as JSON: {\"dname\", \"ttl\", \"record_type\", \"data\": [...]}. Repeat it."),
          listed("edit", "A record to put on a line, as JSON: add's keys and \"line_index\" (0-based). Repeat it."),
          listed("remove", "The line_index (0-based) of a record to remove. Repeat it.")},
         "Update a DNS zone"}),
    Registration({Api::Uapi,
                  "DNS",
                  "lookup",
                  lookup,
                  Access::Read,
                  own_objects({domain("domain")}),
                  {text("domain", "One of the account's domains, looked up through the system resolver.", true)},
                  "Return domain's DNS information"}),
    Registration({Api::Uapi,
                  "DNS",
                  "has_local_authority",
                  has_local_authority,
                  Access::Read,
                  own_objects({domain("domain")}),
                  {described(list_param("domain", ParamType::String, true),
                             "One of the account's domains; repeat it (domain-0, domain-1...) for several.")},
                  "Return whether local DNS server is authoritative"}),
    Registration({Api::Uapi,
                  "DNS",
                  "is_alias_available",
                  is_alias_available,
                  Access::Read,
                  own_objects(),
                  {},
                  "Return ALIAS DNS record availability & resolver"}),
    Registration({Api::Uapi,
                  "DNS",
                  "ensure_domains_reside_only_locally",
                  ensure_domains_reside_only_locally,
                  Access::Read,
                  own_objects({domain("domain")}),
                  {described(list_param("domain", ParamType::String, true),
                             "One of the account's domains; repeat it (domain-1, domain-2...) for several.")},
                  "Return whether domains only resolve locally"}),
    Registration({Api::Uapi,
                  "DNS",
                  "swap_ip_in_zones",
                  swap_ip_in_zones,
                  Access::Write,
                  needs_feature("zoneedit", {domain("domain")}),
                  {described(list_param("domain", ParamType::String, true),
                             "One of the account's domains whose zone is updated; repeat it for several."),
                   text("dest_ip", "The IPv4 address the records get.", true),
                   text("ftp_ip", "The IPv4 address \"ftp.\" records get (default: dest_ip)."),
                   text("source_ip",
                        "The IPv4 address to replace (default, or -1: detected in each zone from its A records).")},
                  "Update IP addresses in zone files"}),
    // API 2 ZoneEdit
    Registration({Api::Api2, "ZoneEdit", "fetchzone", fetchzone, Access::Read, own_objects({domain("domain")}),
                  fetch_params(), "Retrieve a zone file"}),
    Registration({Api::Api2, "ZoneEdit", "fetchzone_records", fetchzone_records, Access::Read,
                  own_objects({domain("domain")}), fetch_params(), "Retrieve a zone's records"}),
    Registration({Api::Api2,
                  "ZoneEdit",
                  "fetchzones",
                  fetchzones,
                  Access::Read,
                  own_objects(),
                  {},
                  "Fetch all of the account's zone files"}),
    Registration({Api::Api2, "ZoneEdit", "add_zone_record", add_zone_record, Access::Write,
                  needs_feature("zoneedit", {domain("domain")}), with_domain(zone_record_params(false)),
                  "Add a zone record"}),
    Registration({Api::Api2, "ZoneEdit", "edit_zone_record", edit_zone_record, Access::Write,
                  needs_feature("zoneedit", {domain("domain")}), line_params(zone_record_params(true)),
                  "Edit a zone record"}),
    Registration({Api::Api2, "ZoneEdit", "remove_zone_record", remove_zone_record, Access::Write,
                  needs_feature("zoneedit", {domain("domain")}), line_params({}), "Remove a zone record"}),
    Registration({Api::Api2,
                  "ZoneEdit",
                  "resetzone",
                  resetzone,
                  Access::Write,
                  needs_feature("zoneedit", {domain("domain")}),
                  {kDomain},
                  "Reset a zone file to its original state"}), );

}  // namespace
}  // namespace whm
