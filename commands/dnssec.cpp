// DNSSEC: enable/disable_dnssec_for_domains, fetch_ds_records_for_domains,
// add/remove/activate/deactivate/import/export_zone_key, export_zone_dnskey,
// set/unset_nsec3_for_domains. cPanel runs them on PowerDNS; whmkit signs
// the zones for BIND with BIND's tools (lib/store/dnssec.hpp, docs/dnssec.md).
#include <algorithm>

#include "dns_store.hpp"
#include "dnssec.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "process.hpp"
#include "registry.hpp"
#include "state.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {
namespace {

std::string zone_name(const std::string& raw, const char* param) {
  std::string z = to_lower(raw);
  if (!z.empty() && z.back() == '.') z.pop_back();
  if (auto why = domain_syntax_error(z)) throw invalid_param(param, *why);
  return z;
}

// The zones the `domain` parameters name; each must exist (nothing is done otherwise).
std::vector<std::string> zones_arg(const Transaction& txn, const Request& req) {
  std::vector<std::string> zones;
  for (const auto& raw : req.list("domain")) {
    std::string z = zone_name(raw, "domain");
    if (!zone_exists(txn, z)) throw ApiError("The zone “" + z + "” does not exist.");
    if (std::find(zones.begin(), zones.end(), z) == zones.end()) zones.push_back(z);
  }
  return zones;
}

std::string zone_arg(const Transaction& txn, const Request& req) {
  std::string z = zone_name(req.require("domain"), "domain");
  if (!zone_exists(txn, z)) throw ApiError("The zone “" + z + "” does not exist.");
  return z;
}

int key_id_arg(const Request& req) { return static_cast<int>(*req.integer("key_id", 1, 2147483647)); }

std::string key_type_arg(const Request& req) {
  std::string t = req.require("key_type");
  if (t != "ksk" && t != "zsk") throw invalid_param("key_type", "it must be “ksk” or “zsk” (in lower case).");
  return t == "ksk" ? "KSK" : "ZSK";
}

// BIND serves what changed once it reloads: the stanza may now name another file.
void reload_after_commit(Context& ctx, const std::vector<std::string>& zones) {
  const StateRoot& root = ctx.root;
  ctx.txn().on_commit("rndc reconfig; reload the zones " + join(zones, ", "), [&root, zones] {
    if (!root.is_system_root() || run_query({"rndc", "status"}) != 0) return;
    run_program({"rndc", "reconfig"});
    for (const auto& z : zones) reload_zone(root, z);
  });
}

// The NSEC3 parameters as given; iterations within what BIND signs with.
NsecSettings nsec3_args(const Request& req) {
  NsecSettings n;
  n.nsec3 = true;
  n.iterations = static_cast<long>(req.integer("nsec3_iterations", 0, 500).value_or(7));
  if (n.iterations > kMaxNsec3Iterations)
    throw invalid_param("nsec3_iterations",
                        "BIND signs with at most " + std::to_string(kMaxNsec3Iterations) + " NSEC3 iterations.");
  n.narrow = req.flag("nsec3_narrow", true);
  n.opt_out = req.flag("nsec3_opt_out", false);
  n.salt = to_lower(req.get_or("nsec3_salt", ""));
  if (n.salt == "-") n.salt.clear();
  bool hex = n.salt.size() % 2 == 0 && n.salt.size() <= 510;
  for (char c : n.salt) hex &= isxdigit(static_cast<unsigned char>(c)) != 0;
  if (!hex) throw invalid_param("nsec3_salt", "the salt is an even number of hexadecimal digits (up to 255 bytes).");
  return n;
}

// Why the zone's keys cannot sign with NSEC3, if they cannot (RFC 5155 section 2).
std::optional<std::string> nsec3_problem(const ZoneKeys& keys) {
  for (const auto& k : keys.keys())
    if (k.algorithm() == 5)
      return "Key " + std::to_string(k.id) +
             " uses algorithm 5 (RSASHA1), which cannot sign with NSEC3; the zone keeps NSEC.";
  return std::nullopt;
}

// ---------------------------------------------------------------- enabling

Response enable_dnssec_for_domains(Context& ctx, const Request& req) {
  Transaction& txn = ctx.txn();
  auto zones = zones_arg(txn, req);
  int algorithm = static_cast<int>(req.integer("algo_num", 0, 255).value_or(8));
  bool simple = req.get_or("key_setup", "classic") == "simple";
  bool active = req.flag("active", true), use_nsec3 = req.flag("use_nsec3", true);
  NsecSettings nsec3 = use_nsec3 ? nsec3_args(req) : NsecSettings{};
  std::time_t t = now();
  nlohmann::json list = nlohmann::json::array();
  for (const auto& zone : zones) {
    ZoneKeys keys = ZoneKeys::load(txn, zone);
    if (!keys.keys().empty()) {
      list.push_back({{"domain", zone}, {"enabled", 0}, {"error", "DNSSEC is already enabled on “" + zone + "”."}});
      continue;
    }
    int id = 0;
    for (const char* type : simple ? std::vector<const char*>{"CSK"} : std::vector<const char*>{"KSK", "ZSK"}) {
      id = keys.add(make_key(zone, algorithm, 0, type));
      if (!active) keys.set_active(id, false, t);
    }
    nlohmann::json item = {{"domain", zone}, {"enabled", 1}, {"new_key_id", std::to_string(id)}};
    keys.nsec = nsec3;
    if (auto why = use_nsec3 ? nsec3_problem(keys) : std::nullopt) {
      keys.nsec = NsecSettings{};
      item["nsec_error"] = *why;
    }
    item["nsec_version"] = keys.nsec.nsec3 ? "NSEC3" : "NSEC";
    keys.stage(txn);
    list.push_back(item);
  }
  reload_after_commit(ctx, zones);
  Response r;
  r.data = {{"domains", list}};
  return r;
}

Response disable_dnssec_for_domains(Context& ctx, const Request& req) {
  Transaction& txn = ctx.txn();
  auto zones = zones_arg(txn, req);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& zone : zones) {
    if (!ZoneKeys::load(txn, zone).enabled()) {
      list.push_back({{"domain", zone}, {"disabled", 0}, {"error", "DNSSEC is not enabled on “" + zone + "”."}});
      continue;
    }
    ZoneKeys::stage_remove(txn, zone);
    stage_zone_stanza(txn, zone, false);
    list.push_back({{"domain", zone}, {"disabled", 1}});
  }
  reload_after_commit(ctx, zones);
  Response r;
  r.data = {{"domains", list}};
  return r;
}

// ---------------------------------------------------------------- reading

nlohmann::json nsec_details(const NsecSettings& n) {
  if (!n.nsec3) return {{"nsec_version", "NSEC"}};
  return {{"nsec3_hash_algo_desc", "SHA-1"},  {"nsec3_hash_algo_num", 1},           {"nsec3_iterations", n.iterations},
          {"nsec3_narrow", n.narrow ? 1 : 0}, {"nsec3_opt_out", n.opt_out ? 1 : 0}, {"nsec3_salt", n.salt},
          {"nsec_version", "NSEC3"}};
}

nlohmann::json key_json(const std::string& zone, const DnssecKey& k, std::time_t t) {
  const DnssecAlgorithm* alg = dnssec_algorithm(k.algorithm());
  nlohmann::json digests = nlohmann::json::array();
  if (k.flags() & 1)  // a DS names a key that signs the DNSKEY set
    for (auto [num, desc] : {std::pair{1, "SHA-1"}, {2, "SHA-256"}, {4, "SHA-384"}})
      digests.push_back({{"algo_desc", desc}, {"algo_num", num}, {"digest", ds_digest(zone, k, num)}});
  return {{"active", k.active(t) ? 1 : 0},
          {"algo_desc", alg ? alg->description : ""},
          {"algo_num", k.algorithm()},
          {"algo_tag", alg ? alg->tag : ""},
          {"bits", k.bits()},
          {"created", k.created()},
          {"digests", digests},
          {"flags", k.flags()},
          {"key_id", k.id},
          {"key_tag", k.tag()},
          {"key_type", k.type},
          {"privatekey", k.private_text}};
}

Response fetch_ds_records_for_domains(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  std::time_t t = now();
  nlohmann::json list = nlohmann::json::array();
  for (const auto& zone : zones_arg(view, req)) {
    ZoneKeys keys = ZoneKeys::load(view, zone);
    nlohmann::json ds = nlohmann::json::object();
    if (keys.enabled()) {
      nlohmann::json by_tag = nlohmann::json::object();
      for (const auto& k : keys.keys()) by_tag[std::to_string(k.tag())] = key_json(zone, k, t);
      ds = {{"keys", by_tag}, {"nsec_details", nsec_details(keys.nsec)}};
    }
    list.push_back({{"domain", zone}, {"ds_records", ds}});
  }
  Response r;
  r.data = {{"domains", list}};
  return r;
}

Response export_zone_key(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  std::string zone = zone_arg(view, req);
  const ZoneKeys keys = ZoneKeys::load(view, zone);
  const DnssecKey& k = keys.key(key_id_arg(req));
  Response r;
  r.data = {{"domain", zone},     {"key_content", k.private_text},
            {"key_id", k.id},     {"key_tag", k.tag()},
            {"key_type", k.type}, {"success", 1}};
  return r;
}

Response export_zone_dnskey(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  std::string zone = zone_arg(view, req);
  const ZoneKeys keys = ZoneKeys::load(view, zone);
  const DnssecKey& k = keys.key(key_id_arg(req));
  Response r;
  r.data = {{"dnskey", k.public_key()}, {"key_id", k.id}};
  return r;
}

// ---------------------------------------------------------------- one key

// Loads the zone's keys, applies `change`, stages and reloads: the answer has no data.
Response change_keys(Context& ctx, const Request& req, const std::function<void(ZoneKeys&)>& change) {
  Transaction& txn = ctx.txn();
  std::string zone = zone_arg(txn, req);
  ZoneKeys keys = ZoneKeys::load(txn, zone);
  change(keys);
  keys.stage(txn);
  reload_after_commit(ctx, {zone});
  return {};
}

Response add_zone_key(Context& ctx, const Request& req) {
  int id = 0;
  std::string type = key_type_arg(req);
  int algorithm = static_cast<int>(*req.integer("algo_num", 0, 255));
  int bits = static_cast<int>(req.integer("key_size", 0, 4096).value_or(0));
  bool active = req.flag("active", true);
  Response r = change_keys(ctx, req, [&](ZoneKeys& keys) {
    id = keys.add(make_key(keys.zone(), algorithm, bits, type));
    if (!active) keys.set_active(id, false, now());
    if (keys.nsec.nsec3)
      if (auto why = nsec3_problem(keys)) throw invalid_param("algo_num", *why);
  });
  r.data = {{"new_key_id", std::to_string(id)}};
  return r;
}

Response import_zone_key(Context& ctx, const Request& req) {
  int id = 0;
  std::string type = key_type_arg(req);
  Response r = change_keys(ctx, req, [&](ZoneKeys& keys) {
    id = keys.add(import_key(keys.zone(), type, req.require("key_data"), now()));
    if (keys.nsec.nsec3)
      if (auto why = nsec3_problem(keys)) throw invalid_param("key_data", *why);
  });
  r.data = {{"import_key_id", id}};
  return r;
}

Response remove_zone_key(Context& ctx, const Request& req) {
  return change_keys(ctx, req, [&](ZoneKeys& keys) { keys.remove(key_id_arg(req)); });
}

Response activate_zone_key(Context& ctx, const Request& req) {
  return change_keys(ctx, req, [&](ZoneKeys& keys) { keys.set_active(key_id_arg(req), true, now()); });
}

Response deactivate_zone_key(Context& ctx, const Request& req) {
  return change_keys(ctx, req, [&](ZoneKeys& keys) { keys.set_active(key_id_arg(req), false, now()); });
}

// ---------------------------------------------------------------- NSEC / NSEC3

// For each zone: nullopt once `change` applied, else why it was not.
Response change_nsec(Context& ctx, const Request& req, const char* done_key,
                     const std::function<std::optional<std::string>(ZoneKeys&)>& change) {
  Transaction& txn = ctx.txn();
  auto zones = zones_arg(txn, req);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& zone : zones) {
    ZoneKeys keys = ZoneKeys::load(txn, zone);
    std::optional<std::string> error;
    if (!keys.enabled())
      error = "DNSSEC is not enabled on “" + zone + "”.";
    else
      error = change(keys);
    if (error) {
      list.push_back({{"domain", zone}, {done_key, 0}, {"error", *error}});
      continue;
    }
    keys.stage(txn);
    list.push_back({{"domain", zone}, {done_key, 1}});
  }
  reload_after_commit(ctx, zones);
  Response r;
  r.data = {{"domains", list}};
  return r;
}

Response set_nsec3_for_domains(Context& ctx, const Request& req) {
  NsecSettings n = nsec3_args(req);
  return change_nsec(ctx, req, "enabled", [&](ZoneKeys& keys) -> std::optional<std::string> {
    if (auto why = nsec3_problem(keys)) return why;
    keys.nsec = n;
    return std::nullopt;
  });
}

Response unset_nsec3_for_domains(Context& ctx, const Request& req) {
  return change_nsec(ctx, req, "disabled", [](ZoneKeys& keys) -> std::optional<std::string> {
    keys.nsec = NsecSettings{};
    return std::nullopt;
  });
}

// ---------------------------------------------------------------- registrations

ParamSpec domains_param() {
  ParamSpec p = list_param("domain", ParamType::Domain, true);
  p.description =
      "The zone (a domain with a DNS zone on this server). Repeat it for several: domain=a.example "
      "domain=b.example, or domain-1=, domain-2=.";
  return p;
}

ParamSpec key_type_param() {
  ParamSpec p = make_param("key_type", ParamType::String, true);
  p.allowed = {"ksk", "zsk"};
  p.description = "The key's type: ksk (Key Signing Key, flags 257) or zsk (Zone Signing Key, flags 256).";
  return p;
}

ParamSpec iterations_param(long long min) {
  ParamSpec p = make_param("nsec3_iterations", ParamType::Integer);
  p.min = min;
  p.max = 500;
  p.description = "The number of extra hash iterations (RFC 5155). BIND signs with at most " +
                  std::to_string(kMaxNsec3Iterations) + "; more is refused.";
  return p;
}

ParamSpec key_data_param() {
  ParamSpec p = make_param("key_data", ParamType::String, true);
  p.multiline = true;
  p.description =
      "The private key file (\"Private-key-format: v1.2\", \"Algorithm: 13 (ECDSAP256SHA256)\", \"PrivateKey: ...\"), "
      "as pdnsutil export-zone-key or BIND's dnssec-keygen write it: RSA (5, 7, 8, 10) or ECDSA (13, 14).";
  return p;
}

Authorization edit_zone() { return needs("edit-dns", {domain("domain")}); }

WHMKIT_REGISTRATIONS(
    registrations,
    Registration({"enable_dnssec_for_domains",
                  enable_dnssec_for_domains,
                  Access::Write,
                  edit_zone(),
                  {domains_param(), iterations_param(1)}}),
    Registration(
        {"disable_dnssec_for_domains", disable_dnssec_for_domains, Access::Write, edit_zone(), {domains_param()}}),
    Registration(
        {"fetch_ds_records_for_domains", fetch_ds_records_for_domains, Access::Read, edit_zone(), {domains_param()}}),
    Registration({"add_zone_key", add_zone_key, Access::Write, edit_zone(), {key_type_param()}}),
    Registration({"remove_zone_key", remove_zone_key, Access::Write, edit_zone()}),
    Registration({"activate_zone_key", activate_zone_key, Access::Write, edit_zone()}),
    Registration({"deactivate_zone_key", deactivate_zone_key, Access::Write, edit_zone()}),
    Registration(
        {"import_zone_key", import_zone_key, Access::Write, edit_zone(), {key_type_param(), key_data_param()}}),
    Registration({"export_zone_key", export_zone_key, Access::Read, edit_zone()}),
    Registration({"export_zone_dnskey", export_zone_dnskey, Access::Read, edit_zone()}),
    Registration({"set_nsec3_for_domains",
                  set_nsec3_for_domains,
                  Access::Write,
                  edit_zone(),
                  {domains_param(), iterations_param(0)}}),
    Registration(
        {"unset_nsec3_for_domains", unset_nsec3_for_domains, Access::Write, edit_zone(), {domains_param()}}), );

}  // namespace
}  // namespace whm
