// The Email module's mail exchangers, in UAPI and cPanel API 2: the MX
// records of the account's zones (UAPI list_mxs, add_mx, change_mx,
// delete_mx; API 2 listmx, listmxs, addmx, changemx, delmx) and the domain's
// mail exchanger setting (UAPI set_always_accept, API 2 setalwaysaccept).
// The records are WHM DNS's zone edits (lib/store/dns_store.hpp); the setting
// is the cpuser file's MXCHECK-<domain> and the lists Exim reads
// (lib/store/mail_routing.hpp). After an MX change the setting is applied
// again, as cPanel's checkmx does, so "auto" follows the records.
#include "account_store.hpp"
#include "dns_params.hpp"
#include "dns_store.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "mail_routing.hpp"
#include "registry.hpp"
#include "util.hpp"

namespace whm {
namespace {

std::string without_dot(std::string host) {
  if (!host.empty() && host.back() == '.') host.pop_back();
  return host;
}

// ---- the mail exchanger setting --------------------------------------------

// The setting a request asks for: mxcheck, else alwaysaccept (also cPanel's
// older 1 = local, 0 = auto); nullopt when it asks for none.
std::optional<std::string> requested_setting(const Request& req) {
  for (const char* key : {"mxcheck", "alwaysaccept"})
    if (auto v = req.get(key); v && !v->empty()) {
      if (*v == "1") return std::string(mail_exchanger::kLocal);
      if (*v == "0") return std::string(mail_exchanger::kAuto);
      return *v;
    }
  return std::nullopt;
}

// Applies the domain's setting (a new one is saved in the cpuser file first)
// to the lists Exim reads, in `txn`.
MailExchangerState stage_setting(Context& ctx, Transaction& txn, const std::string& domain,
                                 const std::optional<std::string>& requested) {
  AccountStore store(ctx.root);
  CpUser cpuser = store.require(ctx.account.user);
  std::string setting = mx_setting_of(cpuser, domain);
  if (requested && *requested != cpuser.get("MXCHECK-" + domain)) {
    setting = *requested;
    cpuser.set("MXCHECK-" + domain, setting);
    store.save(txn, cpuser, store.domain_rows(ctx.account.user), ctx.account.owner);
  }
  return stage_checkmx(ctx.root, txn, domain, setting);
}

// {local, remote, secondary}: which one the domain's mail exchanger is.
nlohmann::json exchanger_flags(const std::string& detected) {
  return {{"local", detected == mail_exchanger::kLocal ? 1 : 0},
          {"remote", detected == mail_exchanger::kRemote ? 1 : 0},
          {"secondary", detected == mail_exchanger::kSecondary ? 1 : 0}};
}

// cPanel's "checkmx" object.
nlohmann::json checkmx_json(const MailExchangerState& s) {
  nlohmann::json j = exchanger_flags(s.detected);
  j.update({{"changed", s.changed ? 1 : 0},
            {"detected", s.detected},
            {"isprimary", j["local"]},
            {"issecondary", j["secondary"]},
            {"mxcheck", s.setting},
            {"warnings", s.warnings}});
  return j;
}

nlohmann::json set_mail_exchanger(Context& ctx, const Request& req) {
  const std::string domain = req.domain("domain");
  const std::string requested = requested_setting(req).value_or(mail_exchanger::kAuto);
  const MailExchangerState s = stage_setting(ctx, ctx.txn(), domain, requested);
  const std::string message = "Set Always Accept Status to: " + requested;
  nlohmann::json j = exchanger_flags(s.detected);
  j.update({{"checkmx", checkmx_json(s)},
            {"detected", s.detected},
            {"mxcheck", requested},
            {"results", message},
            {"status", 1},
            {"statusmsg", message}});
  return j;
}

Response set_always_accept(Context& ctx, const Request& req) {
  Response r;
  r.data = set_mail_exchanger(ctx, req);
  return r;
}

Response api2_setalwaysaccept(Context& ctx, const Request& req) {
  Response r;
  r.data = nlohmann::json::array({set_mail_exchanger(ctx, req)});
  return r;
}

// ---- listing ----------------------------------------------------------------

// One domain's entry of listmx / list_mxs.
// `cpuser`: the account's, read once for all its domains.
nlohmann::json mx_listing(const Context& ctx, const Transaction& view, const CpUser& cpuser,
                          const std::string& domain) {
  const auto mxs = mx_records(load_zone(view, domain));
  nlohmann::json entries = nlohmann::json::array();
  int count = 0;
  for (const auto& m : mxs) {
    ++count;
    entries.push_back({{"domain", domain},
                       {"entrycount", count},
                       {"mx", without_dot(m.exchange)},
                       {"priority", m.preference},
                       {"row", count % 2 ? "odd" : "even"}});
  }
  const MailExchangerState s = mail_exchanger_state(ctx.root, view, domain, mx_setting_of(cpuser, domain));
  nlohmann::json item = exchanger_flags(s.detected);
  item.update({{"alwaysaccept", item["local"]},
               {"detected", s.detected},
               {"domain", domain},
               {"entries", entries},
               {"mx", mxs.empty() ? "" : without_dot(mxs.front().exchange)},
               {"mxcheck", s.setting},
               {"status", 1},
               {"statusmsg", "Fetched MX List"}});
  return item;
}

// API 2 gives the priority as a string, as the recorded cPanel answer does.
Response api2_listmx(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  nlohmann::json item =
      mx_listing(ctx, view, AccountStore(ctx.root).require(ctx.account.user), zone_arg(req, "domain"));
  for (auto& e : item["entries"]) e["priority"] = std::to_string(e["priority"].get<long>());
  Response r;
  r.data = nlohmann::json::array({item});
  return r;
}

// Every domain of the account with a zone, or the one asked for.
Response list_mxs(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  std::vector<std::string> domains;
  if (req.has("domain"))
    domains = {zone_arg(req, "domain")};
  else
    for (const auto& d : ctx.account.domains)
      if (zone_exists(view, d)) domains.push_back(d);
  Response r;
  r.data = nlohmann::json::array();
  const CpUser cpuser = AccountStore(ctx.root).require(ctx.account.user);
  for (const auto& d : domains) r.data.push_back(mx_listing(ctx, view, cpuser, d));
  return r;
}

// ---- changes ----------------------------------------------------------------

// An MX record at the domain's apex, with cPanel's MX TTL.
ZoneRecord mx_record(const std::string& domain, long preference, const std::string& exchange) {
  ZoneRecord r;
  r.name = domain + ".";
  r.type = "MX";
  r.ttl = 14400;
  r.rdata = {std::to_string(preference), without_dot(exchange) + "."};
  return r;
}

// The MX record with this exchanger (and preference, when given); ApiError if there is none.
MxRecord find_mx(const Zone& zone, const std::string& exchange, std::optional<long> preference) {
  for (const auto& m : mx_records(zone))
    if (to_lower(without_dot(m.exchange)) == to_lower(without_dot(exchange)) &&
        (!preference || m.preference == *preference))
      return m;
  throw ApiError("The domain “" + zone.origin() + "” has no MX record for “" + without_dot(exchange) + "”" +
                 (preference ? " with priority " + std::to_string(*preference) : std::string()) + ".");
}

std::optional<long> preference_param(const Request& req, const char* key) {
  if (!req.has(key)) return std::nullopt;
  return static_cast<long>(req.integer(key, 0, 65535).value_or(0));
}

// The parameter names of UAPI and API 2, and the setting each applies when
// alwaysaccept is left out: UAPI's defaults to 0 (auto), as the reference
// says; API 2's has no default, and the setting stays.
struct MxParamNames {
  const char* exchange;
  const char* old_exchange;
  const char* priority;
  const char* old_priority;
  const char* setting_by_default;  // nullptr: unchanged
};
constexpr MxParamNames kUapiNames{"exchanger", "oldexchanger", "priority", "oldpriority", mail_exchanger::kAuto};
constexpr MxParamNames kApi2Names{"exchange", "oldexchange", "preference", "oldpreference", nullptr};

// What the MX functions change, and what they answer: cPanel's results line
// (what changed, then the reload) and the checkmx after the change.
struct MxChange {
  std::string what;  // "Added entry:", "Removed entry: ...", ...
  MailExchangerState exchanger;
};

// Runs `edit` on the domain's zone in one transaction with the mail
// exchanger setting applied again, then reloads the zone.
template <typename Edit>
MxChange change_mx_records(Context& ctx, const Request& req, const MxParamNames& names, Edit edit) {
  const std::string domain = zone_arg(req, "domain");
  Transaction txn(ctx.root);
  Zone zone = load_zone(txn, domain);
  MxChange change{edit(txn, zone, domain), {}};
  auto setting = requested_setting(req);
  if (!setting && names.setting_by_default) setting = names.setting_by_default;
  change.exchanger = stage_setting(ctx, txn, domain, setting);
  txn.commit();
  change.what += "\n" + reload_zone(ctx.root, domain);
  return change;
}

MxChange add_record(Context& ctx, const Request& req, const MxParamNames& names) {
  return change_mx_records(ctx, req, names, [&](Transaction& txn, Zone& zone, const std::string& domain) {
    ZoneRecord r = mx_record(domain, preference_param(req, names.priority).value_or(0), req.require(names.exchange));
    // An exchanger the domain has already keeps its line and takes the new priority, as cPanel reuses it.
    const auto mxs = mx_records(zone);
    auto existing = std::find_if(mxs.begin(), mxs.end(),
                                 [&](const MxRecord& m) { return to_lower(m.exchange) == to_lower(r.rdata[1]); });
    if (existing == mxs.end())
      stage_added_record(txn, zone, r);
    else if (existing->preference != parse_int(r.rdata[0]))
      stage_edited_record(txn, zone, existing->line, r);
    return std::string("Added entry:");
  });
}

MxChange change_record(Context& ctx, const Request& req, const MxParamNames& names) {
  return change_mx_records(ctx, req, names, [&](Transaction& txn, Zone& zone, const std::string& domain) {
    const MxRecord old = find_mx(zone, req.get_or(names.old_exchange, req.require(names.exchange)),
                                 preference_param(req, names.old_priority));
    ZoneRecord r = *zone.record_at(old.line);
    r.rdata =
        mx_record(domain, preference_param(req, names.priority).value_or(old.preference), req.require(names.exchange))
            .rdata;
    stage_edited_record(txn, zone, old.line, r);
    return "Replacing existing entry on line matched old entry" +
           std::string(req.has(names.old_priority) ? " and old priority" : "") + ": " + std::to_string(old.line) + ":";
  });
}

MxChange delete_record(Context& ctx, const Request& req, const MxParamNames& names) {
  return change_mx_records(ctx, req, names, [&](Transaction& txn, Zone& zone, const std::string& domain) {
    const MxRecord old = find_mx(zone, req.require(names.exchange), preference_param(req, names.priority));
    stage_removed_record(txn, zone, old.line);
    return "Removed entry: " + domain + ". IN MX " + std::to_string(old.preference) + " " + without_dot(old.exchange);
  });
}

nlohmann::json change_answer(const MxChange& c) {
  return {{"checkmx", checkmx_json(c.exchanger)}, {"results", c.what}, {"status", 1}, {"statusmsg", c.what}};
}

Response answer(const MxChange& c) {
  Response r;
  r.data = change_answer(c);
  return r;
}
Response api2_answer(const MxChange& c) {
  Response r;
  r.data = nlohmann::json::array({change_answer(c)});
  return r;
}

Response add_mx(Context& ctx, const Request& req) { return answer(add_record(ctx, req, kUapiNames)); }
Response change_mx(Context& ctx, const Request& req) { return answer(change_record(ctx, req, kUapiNames)); }
Response delete_mx(Context& ctx, const Request& req) { return answer(delete_record(ctx, req, kUapiNames)); }
Response api2_addmx(Context& ctx, const Request& req) { return api2_answer(add_record(ctx, req, kApi2Names)); }
Response api2_changemx(Context& ctx, const Request& req) { return api2_answer(change_record(ctx, req, kApi2Names)); }
Response api2_delmx(Context& ctx, const Request& req) { return api2_answer(delete_record(ctx, req, kApi2Names)); }

// ---- declarations -------------------------------------------------------------

// The feature cPanel gates the changes by; reading needs none.
constexpr const char* kMailExchanger = "changemx";
const std::vector<std::string> kMxTypes = {"auto", "local", "secondary", "remote"};

ParamSpec one_of(ParamSpec p, std::vector<std::string> allowed) {
  p.allowed = std::move(allowed);
  return p;
}
ParamSpec priority(const char* name, bool required, const char* description, long long min = 0) {
  ParamSpec p = described(make_param(name, ParamType::Integer, required), description);
  p.min = min;
  p.max = 65535;
  return p;
}
ParamSpec host(const char* name, const char* description, bool required = true) {
  return described(make_param(name, ParamType::Domain, required), description);
}

ModuleFunction uapi(const char* name, Handler h, Access access, bool gated, std::vector<ParamSpec> params,
                    std::vector<OwnedParam> owned = {domain("domain")}) {
  Authorization auth = gated ? needs_feature(kMailExchanger, std::move(owned)) : own_objects(std::move(owned));
  return {Api::Uapi, "Email", name, std::move(h), access, std::move(auth), std::move(params)};
}
ModuleFunction api2(const char* name, Handler h, Access access, bool gated, std::vector<ParamSpec> params,
                    std::vector<OwnedParam> owned = {domain("domain")}) {
  Authorization auth = gated ? needs_feature(kMailExchanger, std::move(owned)) : own_objects(std::move(owned));
  return {Api::Api2, "Email", name, std::move(h), access, std::move(auth), std::move(params)};
}

const ParamSpec kDomain = host("domain", "One of the account's domains that has a DNS zone.");
const ParamSpec kMxType = one_of(optional_param("mxcheck", ParamType::String, "auto"), kMxTypes);
// alwaysaccept: a setting's name, or cPanel's older 1 (local) and 0 (auto).
const ParamSpec kAlwaysAccept =
    described(one_of(make_param("alwaysaccept"), {"auto", "local", "secondary", "remote", "0", "1"}),
              "The mail exchanger setting: auto, local, secondary, remote; 1 = local, 0 = auto (left out: unchanged).");
ParamSpec with_default(ParamSpec p, const char* value) {
  p.default_value = value;
  return p;
}
const ParamSpec kAlwaysAcceptFlag =
    described(one_of(optional_param("alwaysaccept", ParamType::String, "0"), {"0", "1"}),
              "1: this server always accepts the domain's mail (local); 0: auto-detect.");

WHMKIT_REGISTRATIONS(
    registrations,
    // UAPI
    Registration(uapi("list_mxs", list_mxs, Access::Read, false,
                      {host("domain", "One of the account's domains (left out: all that have a zone).", false)})),
    Registration(uapi("add_mx", add_mx, Access::Write, true,
                      {kDomain, host("exchanger", "The mail exchanger's host name."),
                       priority("priority", true, "The MX priority; lower numbers come first."), kAlwaysAcceptFlag})),
    Registration(uapi(
        "change_mx", change_mx, Access::Write, true,
        {kDomain, host("exchanger", "The mail exchanger's new host name."),
         host("oldexchanger", "The host name the MX record has now."), priority("priority", true, "The new priority."),
         priority("oldpriority", false, "The priority the MX record has now (left out: any)."), kAlwaysAcceptFlag})),
    Registration(uapi("delete_mx", delete_mx, Access::Write, true,
                      {kDomain, host("exchanger", "The mail exchanger's host name."),
                       priority("priority", true, "The MX record's priority.", 1)})),
    Registration(uapi("set_always_accept", set_always_accept, Access::Write, true,
                      {required_param("domain", ParamType::Domain), with_default(kAlwaysAccept, "auto"), kMxType})),
    // cPanel API 2
    Registration(api2("listmx", api2_listmx, Access::Read, false, {kDomain})),
    Registration(api2("listmxs", api2_listmx, Access::Read, false, {kDomain})),
    Registration(api2("addmx", api2_addmx, Access::Write, true,
                      {kDomain, host("exchange", "The mail exchanger's host name."),
                       priority("preference", false, "The MX priority; lower numbers come first."), kAlwaysAccept})),
    Registration(api2("changemx", api2_changemx, Access::Write, true,
                      {kDomain, host("exchange", "The mail exchanger's new host name."),
                       host("oldexchange", "The host name the MX record has now (left out: exchange).", false),
                       priority("oldpreference", false, "The priority the MX record has now (left out: any)."),
                       priority("preference", false, "The new priority (left out: unchanged)."), kAlwaysAccept})),
    Registration(api2("delmx", api2_delmx, Access::Write, true,
                      {kDomain, host("exchange", "The mail exchanger's host name."),
                       priority("preference", false, "The MX record's priority (left out: any).")})),
    Registration(api2("setalwaysaccept", api2_setalwaysaccept, Access::Write, true,
                      {required_param("domain", ParamType::Domain), kAlwaysAccept, kMxType,
                       optional_param("user", ParamType::Username)},
                      {domain("domain"), self("user")})), );

}  // namespace
}  // namespace whm
