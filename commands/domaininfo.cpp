// The UAPI DomainInfo module: the domains of the account the call runs as,
// read from its userdata (var/cpanel/userdata/<user>/main and the vhost
// files, lib/store/vhosts.hpp).
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"
#include "util.hpp"
#include "vhosts.hpp"

namespace whm {
namespace {

nlohmann::json json_list(const std::vector<std::string>& items) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& item : items) out.push_back(item);
  return out;
}

Response list_domains(Context& ctx, const Request&) {
  const auto vhosts = AccountVhosts::load(ctx.root, ctx.account.user);
  std::vector<std::string> addons;
  for (const auto& [addon, sub] : vhosts.addons) addons.push_back(addon);
  Response r;
  r.data = {{"addon_domains", json_list(addons)},
            {"main_domain", vhosts.main_domain.empty() ? ctx.account.main_domain : vhosts.main_domain},
            {"parked_domains", json_list(vhosts.parked_domains)},
            {"sub_domains", json_list(vhosts.sub_domains)}};
  return r;
}

// The labels that the main domain's vhost answers for besides the domain
// itself ("mail", "www"), from its serveralias.
Response main_domain_builtin_subdomain_aliases(Context& ctx, const Request&) {
  const std::string& domain = ctx.account.main_domain;
  auto vhost = vhost_userdata(ctx.root, ctx.account.user, domain);
  if (!vhost) throw ApiError("The userdata of the domain “" + domain + "” cannot be read.");
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& alias : split(vhost->value("serveralias", ""), ' '))
    if (ends_with(alias, "." + domain)) r.data.push_back(alias.substr(0, alias.size() - domain.size() - 1));
  return r;
}

// cPanel reads userdata with YAML::Syck, which gives every scalar as a
// string: "hascgi": "1", "port": "80" (the reference's examples show so).
nlohmann::json as_perl_strings(const nlohmann::json& v) {
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) return v.dump();
  if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
  if (v.is_array() || v.is_object()) {
    nlohmann::json out = v;
    for (auto& item : out) item = as_perl_strings(item);
    return out;
  }
  return v;
}

// Whether the domain redirects to HTTPS and could: a redirect needs an SSL
// vhost whose names cover the domain (whmkit installs no certificates yet,
// so this holds only where one was installed by other means).
struct HttpsStatus {
  bool capable, redirecting, all_aliases_valid;
};
HttpsStatus https_status(const Context& ctx, const std::string& vhost, const std::string& domain,
                         const nlohmann::json& data) {
  auto ssl = vhost_userdata(ctx.root, ctx.account.user, vhost + "_SSL");
  if (!ssl) return {false, false, false};
  std::vector<std::string> names = split(ssl->value("serveralias", ""), ' ');
  names.push_back(ssl->value("servername", ""));
  bool covered = std::find(names.begin(), names.end(), domain) != names.end();
  bool all = true;
  for (const auto& alias : split(data.value("serveralias", ""), ' '))
    if (!alias.empty() && std::find(names.begin(), names.end(), alias) == names.end()) all = false;
  const auto redirect = as_perl_strings(data.value("ssl_redirect", nlohmann::json("0")));
  return {covered, covered && redirect == "1", all};
}

// One domain's entry: its vhost's userdata, with the domain, its type and its HTTPS status.
nlohmann::json domain_entry(const Context& ctx, const AccountVhosts& vhosts, const std::string& domain) {
  const std::string vhost = *vhosts.vhost_of(domain);
  auto data = vhost_userdata(ctx.root, ctx.account.user, vhost);
  if (!data) throw ApiError("The userdata of the domain “" + vhost + "” cannot be read.");
  const HttpsStatus https = https_status(ctx, vhost, domain, *data);
  nlohmann::json entry = as_perl_strings(*data);
  entry["domain"] = domain;
  entry["type"] = *vhosts.type_of(domain);
  entry["all_aliases_valid"] = https.all_aliases_valid ? "1" : "0";
  entry["can_https_redirect"] = https.capable ? "1" : "0";
  entry["is_https_redirecting"] = https.redirecting ? "1" : "0";
  if (!entry.contains("userdirprotect")) entry["userdirprotect"] = "";
  return entry;
}

// The aliases (parked domains) an SSL certificate covers, and those of them that redirect.
void add_parked_https_status(const Context& ctx, const AccountVhosts& vhosts, nlohmann::json& capable,
                             nlohmann::json& redirecting) {
  auto main = vhost_userdata(ctx.root, ctx.account.user, vhosts.main_domain);
  for (const auto& parked : vhosts.parked_domains) {
    const HttpsStatus https = https_status(ctx, vhosts.main_domain, parked, main.value_or(nlohmann::json::object()));
    if (https.capable) capable.push_back(parked);
    if (https.redirecting) redirecting.push_back(parked);
  }
}

Response domains_data(Context& ctx, const Request& req) {
  const auto vhosts = AccountVhosts::load(ctx.root, ctx.account.user);
  const bool with_redirects = req.flag("return_https_redirects_status");
  nlohmann::json main = domain_entry(ctx, vhosts, vhosts.main_domain);
  nlohmann::json addons = nlohmann::json::array(), subs = nlohmann::json::array();
  for (const auto& [addon, sub] : vhosts.addons) addons.push_back(domain_entry(ctx, vhosts, addon));
  for (const auto& sub : vhosts.plain_sub_domains()) subs.push_back(domain_entry(ctx, vhosts, sub));
  nlohmann::json capable = nlohmann::json::array(), redirecting = nlohmann::json::array();
  if (with_redirects) add_parked_https_status(ctx, vhosts, capable, redirecting);
  Response r;
  if (req.get_or("format", "hash") == "list") {
    r.data = nlohmann::json::array({main});
    if (with_redirects) {
      r.data.push_back({{"parked_with_https_redirects", redirecting}});
      r.data.push_back({{"parked_capable_of_https_redirects", capable}});
    }
    for (auto& a : addons) r.data.push_back(std::move(a));
    for (auto& s : subs) r.data.push_back(std::move(s));
    r.metadata["transformed"] = 1;
    return r;
  }
  if (with_redirects) {
    main["parked_capable_of_https_redirects"] = capable;
    main["parked_with_https_redirects"] = redirecting;
  }
  r.data = {{"addon_domains", addons},
            {"main_domain", main},
            {"parked_domains", json_list(vhosts.parked_domains)},
            {"sub_domains", subs}};
  return r;
}

Response single_domain_data(Context& ctx, const Request& req) {
  const std::string domain = to_lower(req.require("domain"));
  const auto vhosts = AccountVhosts::load(ctx.root, ctx.account.user);
  auto type = vhosts.type_of(domain);
  if (!type) throw ApiError("The domain “" + domain + "” does not belong to the account “" + ctx.account.user + "”.");
  if (*type == "parked_domain")
    throw ApiError("“" + domain + "” is an alias (parked domain), which has no userdata of its own; ask for “" +
                   vhosts.main_domain + "” instead.");
  Response r;
  r.data = domain_entry(ctx, vhosts, domain);
  return r;
}

ParamSpec flag_param(const char* name) {
  ParamSpec p = optional_param(name, ParamType::Boolean);
  p.default_value = "0";
  return p;
}

WHMKIT_REGISTRATIONS(domaininfo_functions,
                     Registration({Api::Uapi,
                                   "DomainInfo",
                                   "list_domains",
                                   list_domains,
                                   Access::Read,
                                   own_objects(),
                                   {},
                                   "Return cPanel account's domains"}),
                     Registration({Api::Uapi,
                                   "DomainInfo",
                                   "main_domain_builtin_subdomain_aliases",
                                   main_domain_builtin_subdomain_aliases,
                                   Access::Read,
                                   own_objects(),
                                   {},
                                   "Return built-in subdomain aliases"}),
                     Registration({Api::Uapi,
                                   "DomainInfo",
                                   "domains_data",
                                   domains_data,
                                   Access::Read,
                                   own_objects(),
                                   {[] {
                                      ParamSpec p = optional_param("format");
                                      p.allowed = {"hash", "list"};
                                      p.default_value = "hash";
                                      return p;
                                    }(),
                                    flag_param("return_https_redirects_status")},
                                   "Return all domains' hosting configuration"}),
                     Registration({Api::Uapi,
                                   "DomainInfo",
                                   "single_domain_data",
                                   single_domain_data,
                                   Access::Read,
                                   own_objects({domain("domain")}),
                                   {make_param("domain", ParamType::Domain, true),
                                    flag_param("return_https_redirect_status")},
                                   "Return domain's hosting configuration"}), );

}  // namespace
}  // namespace whm
