// The Email module's forwarders, domain forwarders, default (catch-all)
// addresses and manual MX redirects, in UAPI and cPanel API 2 (the mail
// exchanger setting is in email_mx.cpp). The files
// are cPanel's, under the state root (lib/store/mail_routing.hpp).
#include <arpa/inet.h>

#include <map>
#include <regex>

#include "account_store.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "mail_paths.hpp"
#include "mail_routing.hpp"
#include "registry.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {
namespace {

// ---- shared pieces -------------------------------------------------------

constexpr const char* kDefaultFailMessage = "No such person at this address";

// A domain parameter (the dispatcher has checked it is the account's own).
std::string domain_param(const Context& ctx, const Request& req, const char* key = "domain") {
  auto v = req.get(key);
  return v && !v->empty() ? to_lower(*v) : ctx.account.main_domain;
}

void require_own_domain(const Context& ctx, const std::string& param, const std::string& domain) {
  if (!ctx.account.owns_domain(domain))
    throw invalid_param(param,
                        "The domain “" + domain + "” does not belong to the account “" + ctx.account.user + "”.");
}

// "|/home/bob/prog args" from pipefwd, a program given relative to the home
// (cPanel's way) or by its absolute path inside the home.
std::string pipe_destination(const Context& ctx, const std::string& param, const std::string& value) {
  std::string command = trim(value);
  if (starts_with(command, "|")) command = trim(command.substr(1));
  if (command.empty()) throw missing_param(param);
  const std::string& home = ctx.account.home;
  if (!starts_with(command, home + "/")) {
    if (command[0] == '/') throw invalid_param(param, "The program must be inside the home directory " + home + ".");
    command = home + "/" + command;
  }
  const std::string dest = "|" + command;
  if (auto why = destination_error(dest, home)) throw invalid_param(param, *why);
  return dest;
}

// The destinations fwdopt asks for: fwd (fwdemail, a comma-separated list),
// fail (failmsgs), blackhole, pipe (pipefwd), system (fwdsystem, the account's
// own user: its main mailbox).
std::vector<std::string> requested_destinations(const Context& ctx, const Request& req) {
  const std::string how = req.require("fwdopt");
  if (how == "fail") {
    const std::string message = trim(req.get_or("failmsgs", kDefaultFailMessage));
    return {":fail: " + (message.empty() ? std::string(kDefaultFailMessage) : message)};
  }
  if (how == "blackhole") return {":blackhole:"};
  if (how == "pipe") return {pipe_destination(ctx, "pipefwd", req.require("pipefwd"))};
  if (how == "system") {
    const std::string user = req.require("fwdsystem");
    if (user != ctx.account.user)
      throw invalid_param("fwdsystem", "Mail may only be forwarded to the account's own user “" + ctx.account.user +
                                           "”, not “" + user + "”.");
    return {user};
  }
  std::vector<std::string> out;
  for (const auto& item : split(req.require("fwdemail"), ',')) {
    const std::string address = trim(item);
    if (address.empty()) continue;
    // The account's user name stands for its main mailbox, as cPanel's default address has it.
    out.push_back(address == ctx.account.user ? address : parse_email_address("fwdemail", address).full());
  }
  if (out.empty()) throw missing_param("fwdemail");
  return out;
}

// The addresses of `email` (a comma-separated list; a bare local part is in `domain`).
std::vector<EmailAddress> forwarded_addresses(const Context& ctx, const Request& req, const std::string& domain) {
  std::vector<EmailAddress> out;
  for (const auto& item : split(req.require("email"), ',')) {
    std::string text = trim(item);
    if (text.empty()) continue;
    if (text.find('@') == std::string::npos) text += "@" + domain;
    EmailAddress a = parse_email_address("email", text);
    require_own_domain(ctx, "email", a.domain);
    out.push_back(a);
  }
  if (out.empty()) throw missing_param("email");
  return out;
}

// The account's DomainAliases being changed, one per domain, staged together.
class AliasEdits {
 public:
  explicit AliasEdits(Transaction& txn) : txn_(txn) {}
  DomainAliases& of(const std::string& domain) {
    auto it = files_.find(domain);
    if (it == files_.end()) it = files_.emplace(domain, DomainAliases(txn_, domain)).first;
    return it->second;
  }
  void stage() {
    for (auto& [domain, aliases] : files_) aliases.stage(txn_);
  }

 private:
  Transaction& txn_;
  std::map<std::string, DomainAliases> files_;
};

nlohmann::json forwarder_row(const std::string& address, const std::string& dest) {
  return {{"dest", address},
          {"forward", dest},
          {"html_dest", html_escape(address)},
          {"html_forward", html_escape(dest)},
          {"uri_dest", uri_encode(address)},
          {"uri_forward", uri_encode(dest)}};
}

// The forwarders of `domains` whose address matches `regex` (all if empty).
nlohmann::json forwarder_rows(const Context& ctx, const std::vector<std::string>& domains, const std::string& regex) {
  std::optional<std::regex> filter;
  if (!regex.empty()) try {
      filter.emplace(regex);
    } catch (const std::regex_error&) {
      throw invalid_param("regex", "“" + regex + "” is not a valid regular expression.");
    }
  Transaction view(ctx.root);
  nlohmann::json rows = nlohmann::json::array();
  for (const auto& d : domains) {
    DomainAliases aliases(view, d);
    for (const auto& e : aliases.entries()) {
      if (filter && !std::regex_search(e.address, *filter)) continue;
      // An autoresponder's pipe is listed with the autoresponders, not as a forwarder.
      for (const auto& dest : e.destinations)
        if (!is_autoresponder_destination(dest)) rows.push_back(forwarder_row(e.address, dest));
    }
  }
  return rows;
}

// ---- forwarders ----------------------------------------------------------

Response add_forwarder(Context& ctx, const Request& req) {
  const std::string domain = domain_param(ctx, req);
  const auto addresses = forwarded_addresses(ctx, req, domain);
  const auto dests = requested_destinations(ctx, req);
  AliasEdits edits(ctx.txn());
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& a : addresses)
    for (const auto& dest : dests) {
      if (dest == a.full()) throw invalid_param("fwdemail", "“" + dest + "” may not forward to itself.");
      edits.of(a.domain).add(a.full(), dest);
      r.data.push_back({{"domain", a.domain}, {"email", a.full()}, {"forward", dest}});
    }
  edits.stage();
  return r;
}

// Deletes the forwarder from `address_param` to `dest_param`.
void delete_forwarder_of(Context& ctx, const Request& req, const char* address_param, const char* dest_param) {
  const EmailAddress a = parse_email_address(address_param, req.require(address_param));
  require_own_domain(ctx, address_param, a.domain);
  std::string dest = trim(req.require(dest_param));
  if (destination_kind(dest) == DestinationKind::Address) dest = to_lower(dest);
  DomainAliases aliases(ctx.txn(), a.domain);
  if (!aliases.remove(a.full(), dest))
    throw ApiError("The forwarder from “" + a.full() + "” to “" + dest + "” does not exist.");
  aliases.stage(ctx.txn());
}

Response delete_forwarder(Context& ctx, const Request& req) {
  delete_forwarder_of(ctx, req, "address", "forwarder");
  return {};
}

Response list_forwarders(Context& ctx, const Request& req) {
  Response r;
  r.data = forwarder_rows(ctx, {domain_param(ctx, req)}, req.get_or("regex", ""));
  return r;
}

Response count_forwarders(Context& ctx, const Request&) {
  Response r;
  r.data = forwarder_rows(ctx, ctx.account.domains, "").size();
  return r;
}

// ---- domain forwarders -----------------------------------------------------

Response add_domain_forwarder(Context& ctx, const Request& req) {
  const std::string domain = req.domain("domain");
  const std::string target = req.domain("destdomain");
  if (target == domain) throw invalid_param("destdomain", "A domain may not forward its mail to itself.");
  stage_domain_forward(ctx.txn(), domain, target);
  Response r;
  r.data = "File updated \"" + server_path(mail_paths::vdomainaliases(domain)) + "\"";
  return r;
}

Response delete_domain_forwarder(Context& ctx, const Request& req) {
  const std::string domain = req.domain("domain");
  if (!stage_remove_domain_forward(ctx.txn(), domain))
    throw ApiError("The domain “" + domain + "” has no domain forwarder.");
  return {};
}

Response list_domain_forwarders(Context& ctx, const Request& req) {
  std::vector<std::string> domains = ctx.account.domains;
  if (req.has("domain")) domains = {domain_param(ctx, req)};
  Transaction view(ctx.root);
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& d : domains)
    if (auto target = domain_forward_target(view, d)) r.data.push_back({{"dest", d}, {"forward", *target}});
  return r;
}

// ---- default addresses -----------------------------------------------------

// What Exim does with a domain's unknown addresses when its file has no "*" line.
constexpr const char* kNoDefaultAddress = ":fail: No Such User Here";

Response list_default_address(Context& ctx, const Request& req) {
  std::vector<std::string> domains = ctx.account.domains;
  if (req.has("domain")) domains = {domain_param(ctx, req)};
  Transaction view(ctx.root);
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& d : domains) {
    DomainAliases aliases(view, d);
    r.data.push_back({{"defaultaddress", aliases.default_address().value_or(kNoDefaultAddress)}, {"domain", d}});
  }
  return r;
}

Response set_default_address(Context& ctx, const Request& req) {
  const std::string domain = domain_param(ctx, req);
  const auto dests = requested_destinations(ctx, req);
  const std::string dest = dests.front();
  if (dests.size() > 1) throw invalid_param("fwdemail", "The default address forwards to one address only.");
  DomainAliases aliases(ctx.txn(), domain);
  aliases.set_default(dest);
  aliases.stage(ctx.txn());
  Response r;
  r.data = nlohmann::json::array({{{"dest", dest}, {"domain", domain}}});
  return r;
}

// ---- manual MX redirects (etc/manualmx) ------------------------------------

// A host Exim can deliver to: a domain name, an IPv4 or an IPv6 address.
bool is_mx_host(const std::string& host) {
  in6_addr v6;
  return !domain_syntax_error(host) || is_valid_ipv4(host) || inet_pton(AF_INET6, host.c_str(), &v6) == 1;
}

// domain, domain-1, ... (through UAPI, each the account's own; WHM API 1's
// root may redirect any domain, as cPanel's /etc/manualmx takes any).
std::vector<std::string> redirect_domains(const Context& ctx, const Request& req) {
  std::vector<std::string> out;
  for (const auto& d : req.list("domain")) {
    const std::string domain = to_lower(trim(d));
    if (auto why = domain_syntax_error(domain)) throw invalid_param("domain", *why);
    if (!ctx.account.user.empty()) require_own_domain(ctx, "domain", domain);
    out.push_back(domain);
  }
  if (out.empty()) throw missing_param("domain");
  return out;
}

Response set_manual_mx_redirects(Context& ctx, const Request& req) {
  const auto domains = redirect_domains(ctx, req);
  const auto& hosts = req.list("mx_host");
  if (hosts.size() != domains.size())
    throw invalid_param("mx_host", "Give one mx_host for each domain (" + std::to_string(domains.size()) + ").");
  Response r;
  r.data = nlohmann::json::object();
  for (size_t i = 0; i < domains.size(); ++i) {
    const std::string host = to_lower(trim(hosts[i]));
    if (!is_mx_host(host)) throw invalid_param("mx_host", "“" + host + "” is not a domain or an IP address.");
    stage_manual_mx(ctx.txn(), domains[i], host);
    r.data[domains[i]] = host;
  }
  return r;
}

Response unset_manual_mx_redirects(Context& ctx, const Request& req) {
  Response r;
  r.data = nlohmann::json::object();
  for (const auto& domain : redirect_domains(ctx, req)) {
    auto before = stage_manual_mx(ctx.txn(), domain, std::nullopt);
    r.data[domain] = before ? nlohmann::json(*before) : nlohmann::json(nullptr);
  }
  return r;
}

// WHM API 1 answers the same map as {"payload": {...}}.
Response whm_set_manual_mx_redirects(Context& ctx, const Request& req) {
  Response r = set_manual_mx_redirects(ctx, req);
  r.data = {{"payload", r.data}};
  return r;
}
Response whm_unset_manual_mx_redirects(Context& ctx, const Request& req) {
  Response r = unset_manual_mx_redirects(ctx, req);
  r.data = {{"payload", r.data}};
  return r;
}

// ---- mail domains ----------------------------------------------------------

// The account's domains that receive mail, main first; www. names and
// wildcard subdomains when asked for.
nlohmann::json mail_domain_rows(const Context& ctx, const Request& req, bool skip_main) {
  const bool add_www = req.flag("add_www"), wildcard = req.flag("include_wildcard");
  const std::string select = to_lower(req.get_or("select", ""));
  nlohmann::json rows = nlohmann::json::array();
  auto add = [&](const std::string& d) {
    nlohmann::json row = {{"domain", d}};
    if (!select.empty() && d == select) row["select"] = 1;
    rows.push_back(row);
  };
  for (const auto& d : ctx.account.domains) {
    if (skip_main && d == ctx.account.main_domain) continue;
    if (starts_with(d, "*.") && !wildcard) continue;
    add(d);
    if (add_www && !starts_with(d, "*.")) add("www." + d);
  }
  return rows;
}

Response list_mail_domains(Context& ctx, const Request& req) {
  Response r;
  r.data = mail_domain_rows(ctx, req, false);
  return r;
}

// ---- cPanel API 2 ----------------------------------------------------------

Response api2_delforward(Context& ctx, const Request& req) {
  delete_forwarder_of(ctx, req, "email", "emaildest");
  Response r;
  r.data = nlohmann::json::array({{{"email", req.require("email")}, {"dest", req.require("emaildest")}}});
  return r;
}

Response api2_listforwards(Context& ctx, const Request& req) {
  std::vector<std::string> domains = ctx.account.domains;
  if (req.has("domain")) domains = {domain_param(ctx, req)};
  Response r;
  r.data = forwarder_rows(ctx, domains, req.get_or("regex", ""));
  return r;
}

Response api2_listmaildomains(Context& ctx, const Request& req) {
  Response r;
  r.data = mail_domain_rows(ctx, req, req.flag("skipmain"));
  return r;
}

// ---- declarations ----------------------------------------------------------

ParamSpec one_of(ParamSpec p, std::vector<std::string> allowed) {
  p.allowed = std::move(allowed);
  return p;
}

// The features cPanel gates these functions by (Feature Manager names).
constexpr const char* kForwarders = "forwarders";
constexpr const char* kDomainForwarders = "emaildomainfwd";
constexpr const char* kDefaultAddress = "defaultaddress";
constexpr const char* kMailExchanger = "changemx";

std::vector<ParamSpec> add_forwarder_params(bool domain_required) {
  return {domain_required ? required_param("domain") : optional_param("domain"),
          required_param("email"),
          one_of(required_param("fwdopt"), {"fwd", "fail", "blackhole", "pipe", "system"}),
          optional_param("failmsgs", ParamType::String, kDefaultFailMessage),
          optional_param("fwdemail"),
          optional_param("fwdsystem"),
          optional_param("pipefwd")};
}
const std::vector<ParamSpec> kSetDefaultParams = {
    one_of(required_param("fwdopt"), {"fwd", "fail", "blackhole", "pipe"}), optional_param("domain", ParamType::Domain),
    optional_param("failmsgs", ParamType::String, kDefaultFailMessage), optional_param("fwdemail"),
    optional_param("pipefwd")};
const std::vector<ParamSpec> kMailDomainParams = {optional_param("add_www", ParamType::Boolean, "0"),
                                                  optional_param("include_wildcard", ParamType::Boolean, "0"),
                                                  optional_param("select", ParamType::Domain)};

ModuleFunction uapi(const char* name, Handler h, Access access, const char* feature, std::vector<ParamSpec> params,
                    std::vector<OwnedParam> owned = {domain("domain")}) {
  Authorization auth = *feature ? needs_feature(feature, std::move(owned)) : own_objects(std::move(owned));
  return {Api::Uapi, "Email", name, std::move(h), access, std::move(auth), std::move(params)};
}
ModuleFunction api2(const char* name, Handler h, Access access, const char* feature, std::vector<ParamSpec> params,
                    std::vector<OwnedParam> owned = {domain("domain")}) {
  Authorization auth = *feature ? needs_feature(feature, std::move(owned)) : own_objects(std::move(owned));
  return {Api::Api2, "Email", name, std::move(h), access, std::move(auth), std::move(params)};
}

WHMKIT_REGISTRATIONS(
    registrations,
    // UAPI
    Registration(uapi("add_forwarder", add_forwarder, Access::Write, kForwarders, add_forwarder_params(true))),
    Registration(uapi("delete_forwarder", delete_forwarder, Access::Write, kForwarders,
                      {required_param("address", ParamType::Email), required_param("forwarder")})),
    Registration(uapi("list_forwarders", list_forwarders, Access::Read, kForwarders,
                      {required_param("domain", ParamType::Domain), optional_param("regex")})),
    Registration(uapi("count_forwarders", count_forwarders, Access::Read, kForwarders, {})),
    Registration(uapi("add_domain_forwarder", add_domain_forwarder, Access::Write, kDomainForwarders,
                      {required_param("destdomain", ParamType::Domain), required_param("domain", ParamType::Domain)})),
    Registration(uapi("delete_domain_forwarder", delete_domain_forwarder, Access::Write, kDomainForwarders,
                      {required_param("domain", ParamType::Domain)})),
    Registration(uapi("list_domain_forwarders", list_domain_forwarders, Access::Read, kDomainForwarders,
                      {optional_param("domain", ParamType::Domain)})),
    Registration(uapi("list_default_address", list_default_address, Access::Read, kDefaultAddress,
                      {required_param("user", ParamType::Username), optional_param("domain", ParamType::Domain)},
                      {domain("domain"), self("user")})),
    Registration(uapi("set_default_address", set_default_address, Access::Write, kDefaultAddress, kSetDefaultParams)),
    Registration(uapi("list_mail_domains", list_mail_domains, Access::Read, "", kMailDomainParams, {})),
    Registration(uapi("set_manual_mx_redirects", set_manual_mx_redirects, Access::Write, kMailExchanger,
                      {list_param("domain", ParamType::Domain, true), list_param("mx_host", ParamType::String, true)})),
    Registration(uapi("unset_manual_mx_redirects", unset_manual_mx_redirects, Access::Write, kMailExchanger,
                      {list_param("domain", ParamType::Domain, true)})),
    // WHM API 1: /etc/manualmx is the server's.
    Registration(Implementation{
        "set_manual_mx_redirects",
        whm_set_manual_mx_redirects,
        Access::Write,
        root_only(),
        {list_param("domain", ParamType::Domain, true), list_param("mx_host", ParamType::String, true)}}),
    Registration(Implementation{"unset_manual_mx_redirects",
                                whm_unset_manual_mx_redirects,
                                Access::Write,
                                root_only(),
                                {list_param("domain", ParamType::Domain, true)}}),
    // cPanel API 2
    Registration(api2("addforward", add_forwarder, Access::Write, kForwarders, add_forwarder_params(false))),
    Registration(api2("delforward", api2_delforward, Access::Write, kForwarders,
                      {required_param("email", ParamType::Email), required_param("emaildest")})),
    Registration(api2("listforwards", api2_listforwards, Access::Read, kForwarders,
                      {optional_param("domain", ParamType::Domain), optional_param("regex")})),
    Registration(api2("listdefaultaddresses", list_default_address, Access::Read, kDefaultAddress,
                      {optional_param("domain", ParamType::Domain)})),
    Registration(api2("setdefaultaddress", set_default_address, Access::Write, kDefaultAddress, kSetDefaultParams)),
    Registration(
        api2("listmaildomains", api2_listmaildomains, Access::Read, "",
             {optional_param("skipmain", ParamType::Boolean, "0"), optional_param("add_www", ParamType::Boolean, "0"),
              optional_param("include_wildcard", ParamType::Boolean, "0"), optional_param("select", ParamType::Domain)},
             {})), );

}  // namespace
}  // namespace whm
