#include "dns_store.hpp"

#include <algorithm>

#include "account_lifecycle.hpp"
#include "account_store.hpp"
#include "dnssec.hpp"
#include "errors.hpp"
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

std::string reload_zone(const StateRoot& root, const std::string& zone) {
  if (!root.is_system_root()) return "";
  if (run_program({"rndc", "status"}) != 0) return "";  // BIND is not running (or rndc is missing)
  std::string host = load_server_config(root).hostname;
  if (run_program({"rndc", "reload", zone}) != 0) return "BIND could not reload the zone [" + zone + "]\n";
  return "Bind reloading on " + host + " using rndc zone: [" + zone + "]\n";
}

// ---------------------------------------------------------------- the account's part

namespace {

void reload_on_commit(const StateRoot& root, Transaction& txn, const std::vector<std::string>& zones) {
  txn.on_commit([&root, zones] {
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

}  // namespace whm
