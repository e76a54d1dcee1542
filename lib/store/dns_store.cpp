#include "dns_store.hpp"
#include "base64.hpp"

#include <openssl/evp.h>

#include <algorithm>

#include "account_lifecycle.hpp"
#include "account_store.hpp"
#include "dnssec.hpp"
#include "errors.hpp"
#include "output.hpp"
#include "process.hpp"
#include "state.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {

namespace {
const char* kNamedConf = "etc/named.conf";

// A signed zone is served from the file dnssec-signzone wrote (dnssec.hpp).
std::string stanza(const std::string& zone, bool signed_zone = false) {
  return "\nzone \"" + zone + "\" {\n\ttype master;\n\tfile \"/var/named/" + zone +
         (signed_zone ? ".db.signed" : ".db") + "\";\n};\n\n";
}

// The text without the zone's stanza (as whmkit writes it, else from
// 'zone "name"' to the closing "};"); false if it has none.
bool erase_stanza(std::string& conf, const std::string& zone) {
  for (bool signed_zone : {false, true}) {
    std::string s = stanza(zone, signed_zone);
    auto pos = conf.find(s);
    if (pos != std::string::npos) {
      conf.erase(pos, s.size());
      return true;
    }
  }
  auto start = conf.find("zone \"" + zone + "\"");
  if (start == std::string::npos) return false;
  auto end = conf.find("};", start);
  if (end == std::string::npos) return false;
  conf.erase(start, end + 2 - start);
  return true;
}

}  // namespace

std::string zone_rel(const std::string& zone) {
  if (auto why = domain_syntax_error(zone)) throw ValidationError("Invalid zone name: " + *why);
  return "var/named/" + zone + ".db";
}

bool zone_exists(const Transaction& txn, const std::string& zone) { return txn.read(zone_rel(zone)).has_value(); }

Zone load_zone(const Transaction& txn, const std::string& zone) {
  auto text = txn.read(zone_rel(zone));
  if (!text) throw ApiError("The zone “" + zone + "” does not exist.");
  return Zone::parse(zone, *text);
}

long stage_zone(Transaction& txn, Zone& zone, std::time_t now) {
  long serial = zone.bump_serial(now);
  zone.touch_header(now);
  std::string text = zone.serialize();
  txn.write(zone_rel(zone.origin()), text, 0644);
  stage_zone_signature(txn, zone.origin(), text);
  return serial;
}

std::vector<std::string> default_nameservers(const StateRoot& root, const std::string& zone) {
  ServerConfig c = load_server_config(root);
  if (!c.nameservers.empty()) return c.nameservers;
  auto labels = split(to_lower(c.hostname), '.');
  std::string base = labels.size() >= 3 ? to_lower(c.hostname).substr(labels[0].size() + 1) : zone;
  return {"ns1." + base, "ns2." + base};
}

std::string new_zone_text(const StateRoot& root, const std::string& domain, const std::string& ip,
                          const std::string& ipv6, const std::string& template_name) {
  check_path_component(template_name, "zone template");
  ServerConfig c = load_server_config(root);
  ZoneTemplateValues v;
  v.domain = domain;
  v.ip = ip;
  v.ipv6 = ipv6;
  v.nameservers = default_nameservers(root, domain);
  v.nameserver_ip = c.shared_ip;
  v.hostname = c.hostname.empty() ? "localhost" : c.hostname;
  v.version = WHMKIT_VERSION;
  std::string contact =
      "hostmaster." +
      (split(v.nameservers[0], '.').size() > 2 ? v.nameservers[0].substr(v.nameservers[0].find('.') + 1) : domain);
  if (auto conf = root.read("etc/wwwacct.conf")) {
    auto kv = parse_key_values(*conf, ' ');
    std::string email = kv["CONTACTEMAIL"];
    if (is_valid_email(email)) {
      contact = email;
      std::replace(contact.begin(), contact.end(), '@', '.');
    }
  }
  v.rpemail = contact;
  auto custom = root.read("var/cpanel/zonetemplates/" + template_name);
  return zone_from_template(v, now(), custom);
}

void stage_new_zone(const StateRoot& root, Transaction& txn, const std::string& domain, const std::string& ip,
                    const std::string& ipv6, const std::string& template_name) {
  stage_zone_text(txn, domain, new_zone_text(root, domain, ip, ipv6, template_name));
}

void stage_zone_text(Transaction& txn, const std::string& zone, const std::string& text) {
  txn.write(zone_rel(zone), text, 0644);
  std::string conf = txn.read(kNamedConf).value_or("");
  if (conf.find("zone \"" + zone + "\"") == std::string::npos) txn.write(kNamedConf, conf + stanza(zone), 0644);
  stage_zone_signature(txn, zone, text);
}

void stage_zone_stanza(Transaction& txn, const std::string& zone, bool signed_zone) {
  std::string conf = txn.read(kNamedConf).value_or("");
  if (conf.find(stanza(zone, signed_zone)) != std::string::npos) return;
  erase_stanza(conf, zone);
  txn.write(kNamedConf, conf + stanza(zone, signed_zone), 0644);
}

void stage_remove_zone(Transaction& txn, const std::string& zone) {
  txn.remove(zone_rel(zone));
  ZoneKeys::stage_remove(txn, zone);  // its DNSSEC keys go with it
  std::string conf = txn.read(kNamedConf).value_or("");
  if (erase_stanza(conf, zone)) txn.write(kNamedConf, conf, 0644);
}

std::vector<std::string> configured_zones(const Transaction& txn) {
  std::vector<std::string> zones;
  std::string conf = txn.read(kNamedConf).value_or("");
  for (size_t pos = 0; (pos = conf.find("zone \"", pos)) != std::string::npos;) {
    pos += 6;
    auto end = conf.find('"', pos);
    if (end == std::string::npos) break;
    zones.push_back(conf.substr(pos, end - pos));
  }
  return zones;
}

// ---------------------------------------------------------------- edits shared by WHM and cPanel

std::string zone_name_arg(const std::string& value, const char* param) {
  std::string z = to_lower(value);
  if (!z.empty() && z.back() == '.') z.pop_back();
  if (auto why = domain_syntax_error(z)) throw invalid_param(param, *why);
  return z;
}

void check_serial(const Zone& zone, long expected) {
  if (expected != zone.serial())
    throw ApiError("The zone “" + zone.origin() + "” has changed (serial " + std::to_string(zone.serial()) + ", not " +
                   std::to_string(expected) + "): fetch it again.");
}

void check_cname_conflicts(const Zone& zone, const ZoneRecord& r, int ignore_line) {
  for (const auto& e : zone.entries()) {  // in place: zones can hold 10,000 records
    if (e.kind != Zone::Entry::Record || e.removed || e.line == ignore_line || e.record.name != r.name) continue;
    if (r.type == "CNAME" || e.record.type == "CNAME")
      throw ValidationError("“" + r.name + "” cannot have a CNAME record beside other records.");
  }
}

long stage_added_record(Transaction& txn, Zone& zone, const ZoneRecord& r) {
  validate_record(zone.origin(), r);
  check_cname_conflicts(zone, r);
  zone.add(r);
  return stage_zone(txn, zone, now());
}

long stage_edited_record(Transaction& txn, Zone& zone, int line, const ZoneRecord& r) {
  validate_record(zone.origin(), r);
  check_cname_conflicts(zone, r, line);
  zone.replace(line, r);
  return stage_zone(txn, zone, now());
}

long stage_removed_record(Transaction& txn, Zone& zone, int line) {
  zone.remove(line);
  return stage_zone(txn, zone, now());
}

namespace {
std::string fqdn_target(const std::string& t) { return t.empty() || t.back() == '.' ? t : t + "."; }
}  // namespace

std::vector<std::string> rdata_from_fields(const std::string& type,
                                           const std::function<std::optional<std::string>(const std::string&)>& field,
                                           const std::vector<std::string>& current) {
  const auto& fields = rdata_fields(type);
  if (fields.empty()) throw invalid_param("type", "whmkit cannot write “" + type + "” records.");
  auto missing = [&](const RdataField& f) { return missing_param(f.name, "for a " + type + " record"); };
  if (fields[0].kind == RdataField::Strings) {
    if (auto v = field(fields[0].name)) return {*v};
    if (current.empty()) throw missing(fields[0]);
    return current;
  }
  std::vector<std::string> data;
  for (size_t i = 0; i < fields.size(); ++i) {
    if (auto v = field(fields[i].name))
      data.push_back(fields[i].kind == RdataField::Host ? fqdn_target(*v) : *v);
    else if (i < current.size())
      data.push_back(current[i]);
    else
      throw missing(fields[i]);
  }
  return data;
}

long ttl_value(const std::optional<std::string>& text, long fallback) {
  if (!text) return fallback;
  auto n = parse_int(*text);
  if (!n || *n < 1 || *n > 2147483647LL) throw invalid_param("ttl", "the TTL must be between 1 and 2147483647.");
  return static_cast<long>(*n);
}

namespace {

nlohmann::json json_items(const std::vector<std::string>& values, const char* param) {
  nlohmann::json items = nlohmann::json::array();
  for (const auto& v : values) {
    try {
      items.push_back(nlohmann::json::parse(v));
    } catch (const std::exception& e) {
      throw invalid_param(param, std::string("it is not JSON (") + e.what() + ").");
    }
  }
  return items;
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

bool has_record(const Zone& zone, const ZoneRecord& r) {
  for (const auto& [line, x] : zone.records())
    if (x.name == r.name && x.type == r.type && x.rdata == r.rdata) return true;
  return false;
}

}  // namespace

long stage_mass_edit(Transaction& txn, const std::string& name, long serial, const MassEdit& edits) {
  Zone zone = load_zone(txn, name);
  check_serial(zone, serial);
  for (const auto& j : json_items(edits.edit, "edit")) {
    if (!j.is_object() || !j.contains("line_index") || !j["line_index"].is_number_integer())
      throw invalid_param("edit", "each item needs a line_index (a number).");
    int line = j["line_index"].get<int>() + 1;
    ZoneRecord r = record_from_json(name, j, "edit");
    check_cname_conflicts(zone, r, line);
    zone.replace(line, r);
  }
  for (const auto& j : json_items(edits.add, "add")) {
    ZoneRecord r = record_from_json(name, j, "add");
    check_cname_conflicts(zone, r);
    zone.add(r);
  }
  for (const auto& v : edits.remove) {
    auto n = parse_int(v);
    if (!n || *n < 0 || *n > 1000000000) throw invalid_param("remove", "“" + v + "” is not a line index.");
    zone.remove(static_cast<int>(*n) + 1);
  }
  return stage_zone(txn, zone, now());
}

// Owners as cPanel writes them: the UAPI reference's parse_zone says an
// owner without a trailing period is below the zone. TXT data holds one item
// per character string, as the file holds them.
nlohmann::json zone_line_model(const Zone& zone) {
  nlohmann::json payload = nlohmann::json::array();
  for (const auto& e : zone.entries()) {
    int index = e.line - 1;
    if (e.kind == Zone::Entry::Record) {
      nlohmann::json data = nlohmann::json::array();
      for (const auto& d : e.record.rdata) data.push_back(base64_encode(d));
      payload.push_back({{"line_index", index},
                         {"type", "record"},
                         {"record_type", e.record.type},
                         {"ttl", e.record.ttl},
                         {"dname_b64", base64_encode(written_name(zone.origin(), e.record.name))},
                         {"data_b64", data}});
    } else if (e.kind == Zone::Entry::Directive) {
      payload.push_back({{"line_index", index}, {"type", "control"}, {"text_b64", base64_encode(e.text)}});
    } else if (e.kind == Zone::Entry::Comment) {
      payload.push_back({{"line_index", index}, {"type", "comment"}, {"text_b64", base64_encode(trim(e.text))}});
    }
  }
  return payload;
}

void stage_reset_zone(const StateRoot& root, Transaction& txn, const std::string& name, const std::string& ip) {
  auto old_text = txn.read(zone_rel(name));
  if (!old_text) throw ApiError("The zone “" + name + "” does not exist.");
  Zone fresh = Zone::parse(name, new_zone_text(root, name, ip));
  std::optional<long> old_serial;
  for (const auto& r : salvage_records(name, *old_text)) {
    if (r.type == "SOA" && !old_serial && r.rdata.size() >= 3)
      if (auto n = parse_int(r.rdata[2])) old_serial = static_cast<long>(*n);
    if ((r.type == "TXT" || r.type == "SPF") && !record_problem(name, r) && !has_record(fresh, r)) fresh.add(r);
  }
  if (old_serial) fresh.bump_serial(now(), *old_serial);
  stage_zone_text(txn, name, fresh.serialize());
}

std::optional<std::string> enclosing_zone(const Transaction& txn, const std::string& domain) {
  std::string zone = domain;
  while (!zone_exists(txn, zone) && zone.find('.') != std::string::npos && split(zone, '.').size() > 2)
    zone = zone.substr(zone.find('.') + 1);
  if (!zone_exists(txn, zone)) return std::nullopt;
  return zone;
}

nlohmann::json local_authority(const Transaction& txn, const std::string& domain) {
  const auto found = enclosing_zone(txn, domain);
  nlohmann::json rec = {{"domain", domain}};
  if (!found) {
    rec.update({{"local_authority", 0},
                {"nameservers", nlohmann::json::array()},
                {"zone", nullptr},
                {"error", "This server has no zone for “" + domain + "”."}});
    return rec;
  }
  const std::string& zone = *found;
  nlohmann::json ns = nlohmann::json::array();
  for (const auto& [line, r] : load_zone(txn, zone).records())
    if (r.type == "NS" && r.name == zone + "." && !r.rdata.empty()) {
      std::string n = r.rdata[0];
      if (!n.empty() && n.back() == '.') n.pop_back();
      ns.push_back(n);
    }
  rec.update({{"local_authority", 1}, {"nameservers", ns}, {"zone", zone}, {"error", nullptr}});
  return rec;
}

std::string reload_zone(const StateRoot& root, const std::string& zone) {
  if (!root.is_system_root()) return "";
  if (run_query({"rndc", "status"}) != 0) return "";  // BIND is not running (or rndc is missing)
  std::string host = load_server_config(root).hostname;
  if (run_program({"rndc", "reload", zone}) != 0) return "BIND could not reload the zone [" + zone + "]\n";
  return "Bind reloading on " + host + " using rndc zone: [" + zone + "]\n";
}

// ---------------------------------------------------------------- the account's part

namespace {

void reload_on_commit(const StateRoot& root, Transaction& txn, const std::vector<std::string>& zones) {
  txn.on_commit("reload the zones " + join(zones, ", "), [&root, zones] {
    for (const auto& z : zones) reload_zone(root, z);
  });
}

// The zones of the account's domains (var/named/<domain>.db) and their named.conf stanzas.
class DnsPart : public AccountPart {
 public:
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    std::vector<std::string> rels;
    for (const auto& d : a.domains) {
      rels.push_back(zone_rel(d));
      rels.push_back(signed_zone_rel(d));
      for (const auto& f : root.list_dir(dnssec_dir_rel(d))) rels.push_back(dnssec_dir_rel(d) + "/" + f);
    }
    return existing(root, rels);
  }
  void create(const StateRoot& root, Transaction& txn, const NewAccount& n, std::string& raw) const override {
    stage_new_zone(root, txn, n.facts.main_domain, n.cpuser.get("IP"));
    reload_on_commit(root, txn, {n.facts.main_domain});
    raw += "Configuring DNS...Zone " + n.facts.main_domain + " has been successfully added\n";
  }
  // A new main domain gets the old zone with its names moved to the new origin.
  void rename(const StateRoot& root, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string& raw) const override {
    if (from.main_domain == to.main_domain) return;
    auto text = txn.read(zone_rel(from.main_domain));
    if (!text) return;
    // Keys and their DS are made for a name: the new zone starts unsigned.
    if (ZoneKeys::load(txn, from.main_domain).enabled())
      raw += "The DNSSEC keys of " + from.main_domain + " were removed; " + to.main_domain + " is served unsigned.\n";
    if (zone_exists(txn, to.main_domain)) throw ApiError("A DNS zone for “" + to.main_domain + "” already exists.");
    stage_zone_text(txn, to.main_domain, replace_domain(*text, from.main_domain, to.main_domain));
    stage_remove_zone(txn, from.main_domain);
    reload_on_commit(root, txn, {to.main_domain});
  }
  void suspend(const StateRoot&, Transaction&, const AccountFacts&, const SuspendOptions&,
               std::string&) const override {}
  void unsuspend(const StateRoot&, Transaction&, const AccountFacts&, std::string&) const override {}
  void remove(const StateRoot&, Transaction& txn, const AccountFacts& a, const RemoveOptions& opts,
              std::string& raw) const override {
    if (opts.keep_dns) return;
    for (const auto& domain : a.domains)
      if (zone_exists(txn, domain)) {
        stage_remove_zone(txn, domain);
        raw += "Removing DNS zone " + domain + "...Done\n";
      }
  }
  void archive(const StateRoot&, const Transaction& txn, const AccountFacts& a, const PkgacctOptions& opts,
               ArchiveOut& out) const override {
    if (opts.skip_dnszones) return;
    for (const auto& d : a.domains) {
      if (auto zone = txn.read(zone_rel(d))) out.file("dnszones/" + d + ".db", *zone);
      for (const auto& [name, content] : dnssec_files(txn, d)) out.file("dnssec/" + d + "/" + name, content);
    }
  }
  void restore(const StateRoot& root, Transaction& txn, const RestoreSource& src, std::string& raw) const override {
    const auto& domains = src.facts.domains;
    for (const auto& name : src.archive.under("dnszones")) {
      if (!ends_with(name, ".db")) continue;
      std::string zone = to_lower(name.substr(0, name.size() - 3));
      if (std::find(domains.begin(), domains.end(), zone) == domains.end())
        throw ApiError("The archive has a zone for “" + zone + "”, which is not one of the account's domains.");
      if (zone_exists(txn, zone)) throw ApiError("A DNS zone for “" + zone + "” already exists on this server.");
      // Refused, not cleaned: a zone cPanel wrote never holds $INCLUDE or
      // names of other zones, so such a file was made by hand to reach
      // outside the account; installing a cleaned copy would silently serve
      // something else than the archive says. The restore stops and names
      // the line; nothing is written.
      std::string text = *src.archive.file("dnszones/" + name);
      if (auto why = foreign_zone_problem(zone, text))
        throw ApiError("The archive's DNS zone “" + zone + "” cannot be installed: " + *why);
      // The keys first: staging the zone text signs it with them.
      std::vector<std::pair<std::string, std::string>> keys;
      for (const auto& file : src.archive.under("dnssec/" + zone))
        keys.emplace_back(file, *src.archive.file("dnssec/" + zone + "/" + file));
      stage_restored_dnssec(txn, zone, keys);
      stage_zone_text(txn, zone, text);
      raw += "Restoring DNS zone " + zone + "...Done\n";
    }
    reload_on_commit(root, txn, domains);
  }
  void check(const StateRoot&, const Transaction& view, const SystemUsers&, const AccountFacts& a,
             Problems& out) const override {
    if (!zone_exists(view, a.main_domain)) report_missing(out, a.user, "the DNS zone of " + a.main_domain);
    // Signed zones are signed again only when they change (dnssec.hpp).
    for (const auto& d : a.domains) {
      auto signed_text = view.read(signed_zone_rel(d));
      auto expiry = signed_text ? earliest_signature_expiry(*signed_text) : std::nullopt;
      if (expiry && *expiry < now() + kSignatureWarningSeconds)
        out.push_back("The DNSSEC signatures of " + d + " expire on " +
                      format_time(*expiry, "%Y-%m-%d %H:%M UTC", true) + ": change the zone to sign it again.");
    }
  }
  // Not per account (a zone may have no account), but zones and named.conf must agree.
  void orphans(const StateRoot& root, const Transaction& view, const std::set<std::string>&,
               Problems& out) const override {
    auto zones = configured_zones(view);
    std::set<std::string> configured(zones.begin(), zones.end());
    for (const auto& z : zones)
      if (!root.exists("var/named/" + z + ".db"))
        out.push_back("named.conf names zone “" + z + "” but its file is missing.");
    for (const auto& file : root.list_dir("var/named"))
      if (ends_with(file, ".db") && !configured.count(file.substr(0, file.size() - 3)))
        out.push_back("Zone file var/named/" + file + " has no named.conf stanza.");
    for (const auto& z : root.list_dir("var/cpanel/dnssec"))
      if (!root.exists("var/named/" + z + ".db"))
        out.push_back("DNSSEC keys var/cpanel/dnssec/" + z + " belong to no zone.");
  }
};

}  // namespace

const AccountPart& dns_part() { return part_instance<DnsPart>(); }

// ---- MX records ----

std::vector<MxRecord> mx_records(const Zone& zone) {
  std::vector<MxRecord> out;
  for (const auto& [line, r] : zone.records())
    if (r.type == "MX" && r.name == zone.origin() + "." && r.rdata.size() == 2)
      if (auto preference = parse_int(r.rdata[0])) out.push_back({line, *preference, r.rdata[1]});
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.preference < b.preference; });
  return out;
}

}  // namespace whm
