// UAPI EmailAuth: DKIM keys (lib/store/domain_keys.hpp) and the DKIM, SPF
// and DMARC records of the account's zones (lib/store/mail_auth_records.hpp),
// and the validate_* checks of them and of the sending address's PTR.
// docs/email-auth.md says what each answers and what is UNCONFIRMED.
#include <arpa/inet.h>
#include <arpa/nameser.h>

#include <map>
#include <set>

#include "account_store.hpp"
#include "dmarc_default.hpp"
#include "dns_store.hpp"
#include "domain_keys.hpp"
#include "errors.hpp"
#include "hostname.hpp"
#include "lazy_registrations.hpp"
#include "mail_auth_records.hpp"
#include "registry.hpp"
#include "resolver.hpp"
#include "util.hpp"

namespace whm {
namespace {

std::string no_zone(const std::string& domain) { return "This server has no DNS zone for “" + domain + "”."; }

// Every domain the caller may act on: a cPanel account's own, or those of
// every account a WHM caller sees.
std::vector<std::string> caller_domains(const Context& ctx) {
  if (!ctx.account.user.empty()) return ctx.account.domains;
  Transaction view(ctx.root);
  std::vector<std::string> out;
  for (const auto& account : AccountStore(ctx.root).indexes(view))
    if (ctx.rights.sees(account.cpuser.user(), account.cpuser.get("OWNER", "root")))
      for (const auto& row : account.domains) out.push_back(row.domain);
  return out;
}

// The `domain` values, canonical; every domain the caller may act on when
// there are none and `all_when_absent` (the DMARC functions).
std::vector<std::string> domains_arg(const Context& ctx, const Request& req, bool all_when_absent) {
  std::vector<std::string> out;
  for (const auto& raw : req.list("domain"))
    if (!raw.empty()) out.push_back(zone_name_arg(raw, "domain"));
  if (out.empty() && all_when_absent) return caller_domains(ctx);
  if (out.empty()) throw missing_param("domain");
  if (ctx.account.user.empty()) {  // WHM: an account's domain (a reseller's own accounts' is checked before)
    const AccountStore store(ctx.root);
    for (const auto& d : out)
      if (!store.domain_owner(d)) throw invalid_param("domain", "No account has the domain “" + d + "”.");
  }
  return out;
}

// The values of a parameter given once per domain (install_spf_records'
// `record`, install_dkim_private_keys' `key`).
std::vector<std::string> one_per_domain(const Request& req, const char* param, size_t domains) {
  std::vector<std::string> values = req.list(param);
  if (values.size() != domains)
    throw invalid_param(param, "give one “" + std::string(param) + "” for each “domain” (" + std::to_string(domains) +
                                   " domains, " + std::to_string(values.size()) + " values).");
  return values;
}

nlohmann::json item(const std::string& domain, const std::string& msg, bool ok) {
  return {{"domain", domain}, {"msg", msg}, {"status", ok ? 1 : 0}};
}

// The zones a call edits, loaded once and staged once (several domains of
// the account can share a zone); each is reloaded after the commit.
class ZoneEdits {
 public:
  ZoneEdits(const StateRoot& root, Transaction& txn) : root_(root), txn_(txn) {}
  // The zone `domain` is in, or nullptr when this server has none.
  Zone* zone_of(const std::string& domain) {
    auto name = enclosing_zone(txn_, domain);
    if (!name) return nullptr;
    auto it = zones_.find(*name);
    if (it == zones_.end()) it = zones_.emplace(*name, load_zone(txn_, *name)).first;
    return &it->second;
  }
  void changed(const Zone& zone) { changed_.insert(zone.origin()); }
  void stage() {
    for (const auto& name : changed_) {
      stage_zone(txn_, zones_.at(name), now());
      txn_.on_commit("reload the zone " + name, [&root = root_, name] { reload_zone(root, name); });
    }
  }

 private:
  const StateRoot& root_;
  Transaction& txn_;
  std::map<std::string, Zone> zones_;
  std::set<std::string> changed_;
};

// One record kind put in (or taken out of) each domain's zone.
Response edit_records(Context& ctx, const std::vector<std::string>& domains,
                      const std::function<AuthEdit(Zone&, const std::string& domain)>& edit) {
  ZoneEdits zones(ctx.root, ctx.txn());
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& d : domains) {
    Zone* zone = zones.zone_of(d);
    if (!zone) {
      r.data.push_back(item(d, no_zone(d), false));
      continue;
    }
    const AuthEdit done = edit(*zone, d);
    if (done.changed) zones.changed(*zone);
    r.data.push_back(item(d, done.msg, true));
  }
  zones.stage();
  return r;
}

// ---------------------------------------------------------------- DKIM

Response enable_dkim(Context& ctx, const Request& req) {
  const auto domains = domains_arg(ctx, req, false);
  return edit_records(ctx, domains, [&](Zone& zone, const std::string& d) {
    auto key = load_dkim_key(ctx.txn(), d);
    if (!key) {  // none, or a file that is no key: the record needs one
      key = new_dkim_key();
      stage_dkim_key(ctx.txn(), d, *key);
    }
    const std::string name = dkim_record_name(d);
    return put_auth_record(zone, name, AuthRecord::Dkim, dkim_record(*key), written_name(zone.origin(), name + "."));
  });
}

Response disable_dkim(Context& ctx, const Request& req) {
  const auto domains = domains_arg(ctx, req, false);
  return edit_records(ctx, domains, [&](Zone& zone, const std::string& d) {
    const std::string name = dkim_record_name(d);
    return remove_auth_records(zone, name, AuthRecord::Dkim, written_name(zone.origin(), name + "."));
  });
}

Response ensure_dkim_keys_exist(Context& ctx, const Request& req) {
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& d : domains_arg(ctx, req, false)) {
    std::string problem;
    auto key = load_dkim_key(ctx.txn(), d, &problem);
    if (key && key->bits >= domain_keys::kDefaultBits) {
      r.data.push_back(item(d, "key already exists", true));
      continue;
    }
    stage_dkim_key(ctx.txn(), d, new_dkim_key());
    r.data.push_back(
        item(d, key || !problem.empty() ? "replaced key that did not meet the requirements" : "created new key", true));
  }
  return r;
}

Response fetch_dkim_private_keys(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& d : domains_arg(ctx, req, false)) {
    auto pem = view.read(domain_keys::private_rel(d));
    if (!pem) throw ApiError("The domain “" + d + "” has no DKIM key.");
    r.data.push_back({{"domain", d}, {"pem", *pem}});
  }
  return r;
}

// Only the key files: the description says the zone is enable_dkim's work.
Response install_dkim_private_keys(Context& ctx, const Request& req) {
  const auto domains = domains_arg(ctx, req, false);
  const auto pems = one_per_domain(req, "key", domains.size());
  std::vector<DkimKey> keys;
  for (const auto& pem : pems) {  // every key checked before anything is written
    std::string why;
    auto key = parse_dkim_key(pem, why);
    if (!key) throw invalid_param("key", why);
    keys.push_back(*key);
  }
  Response r;
  r.data = nlohmann::json::array();
  for (size_t i = 0; i < domains.size(); ++i) {
    stage_dkim_key(ctx.txn(), domains[i], keys[i]);
    r.data.push_back(item(domains[i], "installed key", true));
  }
  return r;
}

// ---------------------------------------------------------------- SPF and DMARC

Response install_spf_records(Context& ctx, const Request& req) {
  const auto domains = domains_arg(ctx, req, false);
  auto records = one_per_domain(req, "record", domains.size());
  for (auto& text : records) {
    // The reference's example quotes the record, as a zone file would.
    if (text.size() >= 2 && text.front() == '"' && text.back() == '"') text = text.substr(1, text.size() - 2);
    if (auto why = spf_problem(text)) throw invalid_param("record", *why);
  }
  size_t i = 0;
  return edit_records(ctx, domains, [&](Zone& zone, const std::string& d) {
    const std::string& text = records[i++];
    return put_auth_record(zone, d, AuthRecord::Spf, text, written_name(zone.origin(), d + "."));
  });
}

Response apply_dmarc(Context& ctx, const Request& req) {
  const std::string policy = trim(req.require("policy"));
  if (auto why = dmarc_problem(policy)) throw invalid_param("policy", *why);
  return edit_records(ctx, domains_arg(ctx, req, true), [&](Zone& zone, const std::string& d) {
    return put_auth_record(zone, "_dmarc." + d, AuthRecord::Dmarc, policy, "_dmarc." + d);
  });
}

Response remove_dmarc(Context& ctx, const Request& req) {
  return edit_records(ctx, domains_arg(ctx, req, true), [&](Zone& zone, const std::string& d) {
    return remove_auth_records(zone, "_dmarc." + d, AuthRecord::Dmarc, "_dmarc." + d);
  });
}

// ---------------------------------------------------------------- validation (of what the zones publish)

// The checks read the zones this server serves, loaded once per call.
class ZoneView {
 public:
  explicit ZoneView(const StateRoot& root) : view_(root) {}
  const Transaction& txn() const { return view_; }
  const Zone* zone_of(const std::string& domain) {
    auto name = enclosing_zone(view_, domain);
    if (!name) return nullptr;
    auto it = zones_.find(*name);
    if (it == zones_.end()) it = zones_.emplace(*name, load_zone(view_, *name)).first;
    return &it->second;
  }
  // The A and AAAA addresses of `name` (mx: of its mail exchangers), or
  // nullopt when a name is outside this server's zones.
  std::optional<std::vector<std::string>> addresses(const std::string& name, bool mx) {
    const Zone* zone = zone_of(name);
    if (!zone) return std::nullopt;
    std::vector<std::string> out;
    for (const auto& [line, r] : zone->records()) {
      if (to_lower(r.name) != to_lower(name) + "." || r.rdata.empty()) continue;
      if (!mx && (r.type == "A" || r.type == "AAAA")) out.push_back(r.rdata[0]);
      if (mx && r.type == "MX" && r.rdata.size() == 2) {
        std::string exchange = r.rdata[1];
        if (!exchange.empty() && exchange.back() == '.') exchange.pop_back();
        auto found = addresses(exchange, false);
        if (!found) return std::nullopt;
        out.insert(out.end(), found->begin(), found->end());
      }
    }
    return out;
  }

 private:
  Transaction view_;
  std::map<std::string, Zone> zones_;
};

std::string dkim_key_of(const std::string& record) {
  for (const auto& part : split(record, ';')) {
    const std::string t = trim(part);
    if (starts_with(t, "p=")) {
      std::string b64;
      for (char c : t.substr(2))
        if (!std::isspace(static_cast<unsigned char>(c))) b64 += c;
      return b64;
    }
  }
  return "";
}

nlohmann::json dkim_validation(ZoneView& zones, const std::string& d) {
  const std::string name = dkim_record_name(d);
  auto key = load_dkim_key(zones.txn(), d);
  nlohmann::json out = {{"domain", name},
                        {"expected", key ? dkim_record(*key) : ""},
                        {"records", nlohmann::json::array()},
                        {"validity_cache_update", "none"}};
  const Zone* zone = zones.zone_of(d);
  if (!zone) {
    out["state"] = "ERROR";
    out["error"] = no_zone(d);
    return out;
  }
  const auto current = auth_records(*zone, name, AuthRecord::Dkim);
  bool all_malformed = !current.empty();
  for (const auto& text : current) {
    nlohmann::json rec = {{"current", text}};
    if (auto why = dkim_problem(text)) {
      rec["state"] = "PERMFAIL";
      rec["reason"] = d + ": " + *why;
    } else {
      all_malformed = false;
      const bool same = key && dkim_key_of(text) == key->public_der_b64;
      rec["state"] = same ? "VALID" : "MISMATCH";
      if (!same) rec["reason"] = d + ": the record's key is not the key this server signs with.";
    }
    out["records"].push_back(rec);
  }
  if (!key)
    out["state"] = "NOPUB";
  else if (current.empty())
    out["state"] = "MISSING";
  else if (current.size() > 1)
    out["state"] = "MULTIPLE";
  else if (all_malformed)
    out["state"] = "MALFORMED";
  else
    out["state"] = out["records"][0]["state"] == "VALID" ? "VALID" : "MISMATCH";
  return out;
}

// The address a domain's mail leaves from: its account's cpuser IP.
std::string sending_ip(const StateRoot& root, const std::string& domain) {
  const AccountStore store(root);
  auto owner = store.domain_owner(domain);
  if (!owner) throw ApiError("No account has the domain “" + domain + "”.");
  return store.require(*owner).get("IP");
}

nlohmann::json spf_validation(ZoneView& zones, const std::string& d, const std::string& ip) {
  const bool v6 = ip.find(':') != std::string::npos;
  nlohmann::json out = {{"domain", d},
                        {"ip_address", ip},
                        {"ip_version", v6 ? 6 : 4},
                        {"expected", (v6 ? "ip6:" : "ip4:") + ip},
                        {"records", nlohmann::json::array()}};
  const Zone* zone = zones.zone_of(d);
  if (!zone) {
    out["state"] = "ERROR";
    out["error"] = no_zone(d);
    return out;
  }
  const auto current = auth_records(*zone, d, AuthRecord::Spf);
  for (const auto& text : current) {
    const SpfResult result =
        evaluate_spf(text, d, ip, [&](const std::string& name, bool mx) { return zones.addresses(name, mx); });
    out["records"].push_back({{"current", text}, {"state", result.state}, {"reason", result.reason}});
  }
  if (current.empty())
    out["state"] = "MISSING";
  else if (current.size() > 1)
    out["state"] = "MULTIPLE";
  else
    out["state"] = out["records"][0]["state"] == "PASS" ? "VALID" : "MISMATCHED";
  return out;
}

Response validate_current_dkims(Context& ctx, const Request& req) {
  ZoneView zones(ctx.root);
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& d : domains_arg(ctx, req, false)) r.data.push_back(dkim_validation(zones, d));
  return r;
}

Response validate_current_spfs(Context& ctx, const Request& req) {
  ZoneView zones(ctx.root);
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& d : domains_arg(ctx, req, false))
    r.data.push_back(spf_validation(zones, d, sending_ip(ctx.root, d)));
  return r;
}

// A DMARC record is only as good as the DKIM and SPF it relies on.
Response validate_current_dmarcs(Context& ctx, const Request& req) {
  ZoneView zones(ctx.root);
  const std::string suggested = default_dmarc_record(Transaction(ctx.root));  // the server's default
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& d : domains_arg(ctx, req, true)) {
    nlohmann::json out = {{"domain", d}, {"subdomain", "_dmarc." + d}, {"suggested", suggested}};
    const Zone* zone = zones.zone_of(d);
    if (!zone) {
      out.update({{"state", "DNS_ERROR"}, {"error", no_zone(d)}, {"record", ""}});
      r.data.push_back(out);
      continue;
    }
    const auto current = auth_records(*zone, "_dmarc." + d, AuthRecord::Dmarc);
    out["record"] = current.empty() ? "" : current[0];
    if (current.empty()) {
      out["state"] = "MISSING";
    } else if (current.size() > 1 || dmarc_problem(current[0])) {
      out["state"] = "MALFORMED";  // several records mean no policy at all (RFC 7489 6.6.3)
    } else {
      const bool dkim_ok = dkim_validation(zones, d)["state"] == "VALID";
      const bool spf_ok = spf_validation(zones, d, sending_ip(ctx.root, d))["state"] == "VALID";
      out["state"] = dkim_ok && spf_ok     ? "VALID"
                     : !dkim_ok && !spf_ok ? "DKIM_SPF_ERROR"
                     : !dkim_ok            ? "DKIM_ERROR"
                                           : "SPF_ERROR";
    }
    r.data.push_back(out);
  }
  return r;
}

// ---------------------------------------------------------------- PTR (asked of real DNS)

// Addresses no reverse zone on the Internet answers for.
bool is_private_address(const std::string& ip) {
  unsigned char a[16];
  if (inet_pton(AF_INET, ip.c_str(), a) == 1)
    return a[0] == 10 || a[0] == 127 || (a[0] == 172 && (a[1] & 0xf0) == 16) || (a[0] == 192 && a[1] == 168) ||
           (a[0] == 169 && a[1] == 254) || (a[0] == 100 && (a[1] & 0xc0) == 64) || a[0] == 0;
  if (inet_pton(AF_INET6, ip.c_str(), a) == 1) {
    static const unsigned char loopback[16] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    return (a[0] & 0xfe) == 0xfc || (a[0] == 0xfe && (a[1] & 0xc0) == 0x80) || std::equal(a, a + 16, loopback);
  }
  return false;
}

// "1.0.0.10.in-addr.arpa" / the nibbles of an IPv6 address under ip6.arpa.
std::string arpa_name(const std::string& ip) {
  if (ip.find(':') == std::string::npos) return reverse_name(ip);
  unsigned char a[16];
  inet_pton(AF_INET6, ip.c_str(), a);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (int i = 15; i >= 0; --i) {
    out += hex[a[i] & 0xf];
    out += '.';
    out += hex[a[i] >> 4];
    out += '.';
  }
  return out + "ip6.arpa";
}

Response validate_current_ptrs(Context& ctx, const Request& req) {
  const std::string helo = server_hostname(ctx.root);
  const Resolver resolver(ctx.root);
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& d : domains_arg(ctx, req, false)) {
    const std::string ip = sending_ip(ctx.root, d);
    const bool v6 = ip.find(':') != std::string::npos;
    const std::string arpa = arpa_name(ip);
    nlohmann::json out = {{"domain", d},
                          {"ip_address", ip},
                          {"ip_version", v6 ? 6 : 4},
                          {"arpa_domain", arpa},
                          {"helo", helo},
                          {"nameservers", nlohmann::json::array()},
                          {"ptr_records", nlohmann::json::array()}};
    if (is_private_address(ip)) {
      out["state"] = "IP_IS_PRIVATE";
      r.data.push_back(out);
      continue;
    }
    // The reverse zone's nameservers: the NS records of the closest name above the address that has some.
    for (std::string name = arpa; name.find('.') != std::string::npos; name = name.substr(name.find('.') + 1)) {
      const DnsAnswer ns = resolver.query(name, ns_t_ns);
      if (ns.status == DnsAnswer::Ok) {
        out["nameservers"] = ns.records;
        break;
      }
      if (ns.status == DnsAnswer::Failed || name == "in-addr.arpa" || name == "ip6.arpa") break;
    }
    const DnsAnswer ptr = resolver.query(arpa, ns_t_ptr);
    if (ptr.status == DnsAnswer::Failed) {
      out["state"] = "ERROR";
      out["error"] = "The DNS query for the PTR records of “" + arpa + "” failed: " + ptr.error + ".";
      r.data.push_back(out);
      continue;
    }
    bool helo_valid = false;
    for (const auto& name : ptr.records) {
      const DnsAnswer fwd = resolver.query(name, v6 ? ns_t_aaaa : ns_t_a);
      std::string state = "MISSING_FWD";
      if (!fwd.records.empty())
        state = std::find(fwd.records.begin(), fwd.records.end(), ip) != fwd.records.end() ? "VALID" : "FWD_MISMATCH";
      helo_valid = helo_valid || (state == "VALID" && to_lower(name) == to_lower(helo));
      out["ptr_records"].push_back({{"domain", name}, {"forward_records", fwd.records}, {"state", state}});
    }
    // Receivers compare the PTR with the name the server greets them with (its HELO).
    out["state"] = ptr.records.empty() ? "MISSING_PTR" : helo_valid ? "VALID" : "PTR_MISMATCH";
    r.data.push_back(out);
  }
  return r;
}

// ---------------------------------------------------------------- registrations

ParamSpec domains_param(bool required, const std::string& what) {
  return described(list_param("domain", ParamType::Domain, required),
                   what + " Repeat it (domain=a domain=b, or domain-1, domain-2...) for several.");
}

ModuleFunction emailauth(const char* name, Handler h, Access access, std::vector<ParamSpec> params,
                         const char* summary) {
  return {Api::Uapi,         "EmailAuth", name, std::move(h), access, needs_feature("emailauth", {domain("domain")}),
          std::move(params), summary};
}

ParamSpec pem_param() {
  ParamSpec p = described(list_param("key", ParamType::String, true),
                          "An RSA private key in PEM format, one for each domain, in the same order.");
  p.multiline = true;  // a PEM file; it is parsed and written back canonical, never as a line
  return p;
}

// WHM API 1's Mail functions of the same names: the same work on any
// account's domains (a reseller: its own accounts'), the items in data.payload.
Handler whm_payload(Handler uapi_handler) {
  return [uapi_handler](Context& ctx, const Request& req) {
    Response r = uapi_handler(ctx, req);
    r.data = {{"payload", std::move(r.data)}};
    return r;
  };
}

Implementation whm(const char* name, Handler h, Access access, std::vector<ParamSpec> params) {
  // Editing a domain's mail records is DNS work: the edit-dns privilege (UNCONFIRMED).
  return {name, whm_payload(std::move(h)), access, needs("edit-dns", {domain("domain")}), std::move(params)};
}

WHMKIT_REGISTRATIONS(
    registrations,
    Registration(whm("enable_dkim", enable_dkim, Access::Write, {domains_param(true, "A domain of an account.")})),
    Registration(whm("disable_dkim", disable_dkim, Access::Write, {domains_param(true, "A domain of an account.")})),
    Registration(whm("ensure_dkim_keys_exist", ensure_dkim_keys_exist, Access::Write,
                     {domains_param(true, "A domain of an account.")})),
    Registration(whm("fetch_dkim_private_keys", fetch_dkim_private_keys, Access::Read,
                     {domains_param(true, "A domain of an account with a DKIM key.")})),
    Registration(whm("install_dkim_private_keys", install_dkim_private_keys, Access::Write,
                     {domains_param(true, "A domain of an account."), pem_param()})),
    Registration(whm("install_spf_records", install_spf_records, Access::Write,
                     {domains_param(true, "A domain of an account."),
                      described(list_param("record", ParamType::String, true),
                                "An SPF record (v=spf1 ...), one for each domain, in the same order.")})),
    Registration(whm("apply_dmarc", apply_dmarc, Access::Write,
                     {described(required_param("policy"), "The DMARC record (v=DMARC1; p=...)."),
                      domains_param(false, "A domain of an account (left out: every account's the caller sees).")})),
    Registration(whm("remove_dmarc", remove_dmarc, Access::Write,
                     {domains_param(false, "A domain of an account (left out: every account's the caller sees).")})),
    Registration(whm("validate_current_dkims", validate_current_dkims, Access::Read,
                     {domains_param(true, "A domain of an account.")})),
    Registration(whm("validate_current_spfs", validate_current_spfs, Access::Read,
                     {domains_param(true, "A domain of an account.")})),
    Registration(whm("validate_current_dmarcs", validate_current_dmarcs, Access::Read,
                     {domains_param(false, "A domain of an account (left out: every account's the caller sees).")})),
    Registration(whm("validate_current_ptrs", validate_current_ptrs, Access::Read,
                     {domains_param(true, "A domain of an account.")})),
    Registration(emailauth("enable_dkim", enable_dkim, Access::Write,
                           {domains_param(true,
                                          "One of the account's domains: its DKIM record goes in its zone "
                                          "(a new key is made if it has none).")},
                           "Enable domains' DKIM records")),
    Registration(emailauth("disable_dkim", disable_dkim, Access::Write,
                           {domains_param(true,
                                          "One of the account's domains: its DKIM record leaves its zone (the "
                                          "key stays).")},
                           "Remove domains' DKIM records")),
    Registration(emailauth("ensure_dkim_keys_exist", ensure_dkim_keys_exist, Access::Write,
                           {domains_param(true,
                                          "One of the account's domains: it gets a 2048-bit key unless it has "
                                          "one of at least that size.")},
                           "Validate domains' DKIM private keys")),
    Registration(emailauth("fetch_dkim_private_keys", fetch_dkim_private_keys, Access::Read,
                           {domains_param(true, "One of the account's domains with a DKIM key.")},
                           "Return domains' DKIM private keys")),
    Registration(emailauth("install_dkim_private_keys", install_dkim_private_keys, Access::Write,
                           {domains_param(true, "One of the account's domains."), pem_param()},
                           "Add domains' DKIM record keys")),
    Registration(emailauth("install_spf_records", install_spf_records, Access::Write,
                           {domains_param(true, "One of the account's domains: the record goes at its name."),
                            described(list_param("record", ParamType::String, true),
                                      "An SPF record (v=spf1 ...), one for each domain, in the same order.")},
                           "Add domains' SPF records")),
    Registration(emailauth("apply_dmarc", apply_dmarc, Access::Write,
                           {described(required_param("policy"), "The DMARC record (v=DMARC1; p=...)."),
                            domains_param(false, "One of the account's domains (left out: all of them).")},
                           "Apply DMARC records to domains")),
    Registration(emailauth("remove_dmarc", remove_dmarc, Access::Write,
                           {domains_param(false, "One of the account's domains (left out: all of them).")},
                           "Remove DMARC record from domain(s)")),
    Registration(emailauth("validate_current_dkims", validate_current_dkims, Access::Read,
                           {domains_param(true, "One of the account's domains.")}, "Validate domains' DKIM records")),
    Registration(emailauth("validate_current_spfs", validate_current_spfs, Access::Read,
                           {domains_param(true, "One of the account's domains.")}, "Validate domains' SPF records")),
    Registration(emailauth("validate_current_dmarcs", validate_current_dmarcs, Access::Read,
                           {domains_param(false, "One of the account's domains (left out: all of them).")},
                           "Validate domains' DMARC records")),
    Registration(emailauth("validate_current_ptrs", validate_current_ptrs, Access::Read,
                           {domains_param(true, "One of the account's domains.")}, "Validate domains' PTR records")), );

}  // namespace
}  // namespace whm
