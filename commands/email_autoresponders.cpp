// Autoresponders (UAPI Email add_auto_responder, get_auto_responder,
// list_auto_responders, delete_auto_responder, count_auto_responders; API 2
// addautoresponder, listautoresponders, delautoresponder) on the files of
// lib/store/autoresponders.hpp, gated by cPanel's "autoresponders" feature.
// An address's domain must be one of the account's.
#include <regex>

#include "account_store.hpp"
#include "autoresponders.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "mail_routing.hpp"
#include "registry.hpp"
#include "util.hpp"

namespace whm {
namespace {

constexpr const char* kFeature = "autoresponders";

std::string home_rel_of(const CpanelAccount& acct) { return paths::rel_from_abs(acct.home); }

EmailAddress own_address(const CpanelAccount& acct, const std::string& param, const std::string& value) {
  EmailAddress a = parse_email_address(param, value);
  // The address names a file in ~/.autorespond: never a path below it.
  if (a.local.find('/') != std::string::npos)
    throw invalid_param(param, "The part before the “@” may not contain “/”.");
  if (!acct.owns_domain(a.domain))
    throw ApiError("The domain “" + a.domain + "” does not belong to the account “" + acct.user + "”.");
  return a;
}

std::optional<long long> time_param(const Request& req, const std::string& key) {
  return req.integer(key, 0, 253402300799);  // up to the year 9999
}

// The account's autoresponders (of `domain` only, when given), matching `regex` when given.
std::vector<Autoresponder> autoresponders_of(Context& ctx, const Transaction& view, const std::string& domain,
                                             const std::string& regex) {
  std::optional<std::regex> pattern;
  if (!regex.empty()) {
    try {
      pattern.emplace(regex, std::regex::ECMAScript | std::regex::icase);
    } catch (const std::regex_error&) {
      throw invalid_param("regex", "“" + regex + "” is not a valid regular expression.");
    }
  }
  std::vector<Autoresponder> out;
  for (const auto& address : autoresponder_addresses(ctx.root.path(home_rel_of(ctx.account)), ctx.account.home)) {
    if (!ctx.account.owns_domain(address.domain) || (!domain.empty() && address.domain != domain)) continue;
    if (pattern && !std::regex_search(address.full(), *pattern)) continue;
    if (auto a = load_autoresponder(view, home_rel_of(ctx.account), address)) out.push_back(*a);
  }
  return out;
}

// As cPanel does: the address's valiases line pipes its mail to the
// autoresponder program (a mailbox of that address keeps its copy: the
// forwarder router is "unseen" for mailboxes).
void route_to_autoresponder(Context& ctx, const EmailAddress& address, bool on) {
  Transaction& txn = ctx.txn();
  DomainAliases aliases(txn, address.domain);
  const std::string dest = autoresponder_destination(address.full(), ctx.account.home);
  if (on ? aliases.add(address.full(), dest) : aliases.remove(address.full(), dest)) aliases.stage(txn);
}

Response add_auto_responder(Context& ctx, const Request& req) {
  const std::string domain = req.domain("domain");
  std::string email = req.require("email");
  if (email.find('@') == std::string::npos) email += "@" + domain;
  Autoresponder a;
  a.address = own_address(ctx.account, "email", email);
  if (a.address.domain != domain)
    throw invalid_param("email", "“" + email + "” is not an address of the domain “" + domain + "”.");
  a.from = req.get_or("from", "");
  a.subject = req.get_or("subject", "");
  a.body = req.get_or("body", "");
  a.is_html = req.flag("is_html");
  a.charset = req.get_or("charset", "utf-8");
  if (a.charset.empty()) a.charset = "utf-8";
  if (!std::regex_match(a.charset, std::regex("[A-Za-z0-9._:-]{1,40}")))
    throw invalid_param("charset", "“" + a.charset + "” is not a character set's name.");
  a.interval_hours = req.integer("interval", 0, 1000000).value_or(0);
  a.start = time_param(req, "start");
  a.stop = time_param(req, "stop");
  if (a.start && a.stop && *a.stop <= *a.start)
    throw invalid_param("stop", "The autoresponder must stop after it starts.");
  stage_autoresponder(ctx.txn(), home_rel_of(ctx.account), ctx.account.owner, a);
  route_to_autoresponder(ctx, a.address, true);
  return {};
}

nlohmann::json time_json(const std::optional<long long>& t) { return t ? nlohmann::json(*t) : nlohmann::json(); }

Response get_auto_responder(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  const EmailAddress address = own_address(ctx.account, "email", req.require("email"));
  auto a = load_autoresponder(view, home_rel_of(ctx.account), address);
  if (!a) throw ApiError("The email address “" + address.full() + "” has no autoresponder.");
  Response r;
  r.data = {{"from", a->from},
            {"subject", a->subject},
            {"body", a->body},
            {"charset", a->charset},
            {"is_html", a->is_html ? 1 : 0},
            {"interval", a->interval_hours},
            {"start", time_json(a->start)},
            {"stop", time_json(a->stop)}};
  return r;
}

nlohmann::json listing(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& a : autoresponders_of(ctx, view, req.domain("domain"), req.get_or("regex", "")))
    out.push_back({{"email", a.address.full()}, {"subject", a.subject}});
  return out;
}

Response list_auto_responders(Context& ctx, const Request& req) {
  Response r;
  r.data = listing(ctx, req);
  return r;
}

Response delete_auto_responder(Context& ctx, const Request& req) {
  const EmailAddress address = own_address(ctx.account, "email", req.require("email"));
  stage_autoresponder_removal(ctx.txn(), home_rel_of(ctx.account), address);
  route_to_autoresponder(ctx, address, false);
  return {};
}

Response count_auto_responders(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  Response r;
  r.data = autoresponders_of(ctx, view, "", "").size();
  return r;
}

// API 2: the same calls in cPanel API 2's shapes (UNCONFIRMED: docs/email.md).
Response api2_addautoresponder(Context& ctx, const Request& req) {
  add_auto_responder(ctx, req);
  Response r;
  r.data = nlohmann::json::array();
  return r;
}
Response api2_listautoresponders(Context& ctx, const Request& req) {
  Response r;
  r.data = listing(ctx, req);
  return r;
}
Response api2_delautoresponder(Context& ctx, const Request& req) {
  delete_auto_responder(ctx, req);
  Response r;
  r.data = nlohmann::json::array();
  return r;
}

std::vector<ParamSpec> add_params() {
  ParamSpec body = described(make_param("body", ParamType::String, true), "The message's body.");
  body.multiline = true;  // the body follows the headers; nothing reads it line by line
  ParamSpec interval = described(make_param("interval", ParamType::Integer, true),
                                 "Hours between two answers to one sender (0: every message).");
  interval.min = 0;
  ParamSpec charset = described(optional_param("charset"), "The body's character set.");
  charset.default_value = "utf-8";
  return {described(make_param("email", ParamType::String, true), "The address's part before the “@”."),
          described(make_param("domain", ParamType::Domain, true), "The address's domain."),
          described(make_param("from", ParamType::String, true), "The answer's From: name."),
          described(make_param("subject", ParamType::String, true), "The answer's subject."),
          body,
          described(make_param("is_html", ParamType::Boolean, true), "1: the body is HTML."),
          interval,
          described(make_param("start", ParamType::Integer, true), "When it starts answering (Unix time)."),
          described(make_param("stop", ParamType::Integer, true), "When it stops (Unix time)."),
          charset};
}

std::vector<ParamSpec> list_params() {
  return {described(make_param("domain", ParamType::Domain, true), "The domain."),
          described(optional_param("regex"), "Only the addresses this regular expression matches.")};
}

std::vector<ParamSpec> email_param(const char* what) {
  return {described(make_param("email", ParamType::String, true), what)};
}

std::vector<ParamSpec> get_params() {
  // The message is kept in the character set it was written in and returned as it is.
  ParamSpec charset = described(optional_param("temp_charset"),
                                "Accepted for cPanel's clients; the body is "
                                "returned in the character set it was stored in.");
  charset.default_value = "utf-8";
  return {described(make_param("email", ParamType::String, true), "The email address."), charset};
}

ModuleFunction fn(Api api, const char* name, Handler h, Access access, std::vector<ParamSpec> params,
                  std::vector<OwnedParam> owned = {}) {
  return {api, "Email", name, std::move(h), access, needs_feature(kFeature, std::move(owned)), std::move(params)};
}

WHMKIT_REGISTRATIONS(email_autoresponder_functions,
                     Registration(fn(Api::Uapi, "add_auto_responder", add_auto_responder, Access::Write, add_params(),
                                     {domain("domain")})),
                     Registration(fn(Api::Uapi, "get_auto_responder", get_auto_responder, Access::Read, get_params())),
                     Registration(fn(Api::Uapi, "list_auto_responders", list_auto_responders, Access::Read,
                                     list_params(), {domain("domain")})),
                     Registration(fn(Api::Uapi, "delete_auto_responder", delete_auto_responder, Access::Write,
                                     email_param("The email address."))),
                     Registration(fn(Api::Uapi, "count_auto_responders", count_auto_responders, Access::Read, {})),
                     Registration(fn(Api::Api2, "addautoresponder", api2_addautoresponder, Access::Write, add_params(),
                                     {domain("domain")})),
                     Registration(fn(Api::Api2, "listautoresponders", api2_listautoresponders, Access::Read,
                                     list_params(), {domain("domain")})),
                     Registration(fn(Api::Api2, "delautoresponder", api2_delautoresponder, Access::Write,
                                     email_param("The email address."))), );

}  // namespace
}  // namespace whm
