// WHM API 1 Authentication / External Authentication: the OpenID Connect
// identity providers a server's logins offer (lib/store/authn_providers.hpp),
// their client and login-button configuration per service, and the external
// accounts linked to local users.
#include <algorithm>
#include <set>

#include "account_store.hpp"
#include "authn_providers.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "lookup.hpp"
#include "registry.hpp"
#include "util.hpp"

namespace whm {
namespace {

// A JSON object given as a parameter's value.
nlohmann::json json_object_param(const Request& req, const std::string& key) {
  auto doc = nlohmann::json::parse(req.require(key), nullptr, false);
  if (doc.is_discarded()) throw invalid_param(key, "it is not valid JSON.");
  if (!doc.is_object()) throw invalid_param(key, "it must be a JSON object.");
  return doc;
}

// cPanel checks the name's syntax only when disabling: a provider whose
// module is gone can still be taken off a login (UNCONFIRMED wording).
std::string provider_name_param(const Request& req) {
  std::string id = req.require("provider_id");
  const bool plain = std::all_of(id.begin(), id.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
  });
  if (!plain) throw invalid_param("provider_id", "“" + id + "” is not a valid provider name.");
  return id;
}

Response get_available_authentication_providers(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  std::map<std::string, nlohmann::json> enabled;
  for (const auto& service : authn::kServices) enabled[service] = enabled_providers(view, service);
  nlohmann::json providers = nlohmann::json::array();
  for (const auto* p : available_providers(ctx.root)) {
    nlohmann::json entry = default_display_configuration(*p);
    const std::string link = entry["link"];
    entry.erase("link");
    entry["id"] = p->id;
    entry["configured"] = client_configuration(ctx.root, view, *p) ? 1 : 0;
    for (const auto& service : authn::kServices) {
      entry[service + "_link"] = link;
      entry[service + "_enabled"] = enabled[service].contains(p->id) ? 1 : 0;
    }
    providers.push_back(entry);
  }
  Response r;
  r.data = {{"providers", providers}};
  return r;
}

Response enable_authentication_provider(Context& ctx, const Request& req) {
  const ProviderModule& p = require_provider(ctx.root, req.require("provider_id"));
  stage_enabled(ctx.txn(), req.require("service_name"), p, true);
  return {};
}

Response disable_authentication_provider(Context& ctx, const Request& req) {
  stage_disabled_id(ctx.txn(), req.require("service_name"), provider_name_param(req));
  return {};
}

// A provider is enabled by its module's Perl namespace; one whose module is
// not installed (any more) cannot load, and is taken off every service.
Response disable_failing_authentication_providers(Context& ctx, const Request&) {
  std::set<std::string> loadable;
  for (const auto* p : available_providers(ctx.root)) loadable.insert(p->perl_namespace());
  std::map<std::string, nlohmann::json> failing;  // provider id -> report
  for (const auto& service : authn::kServices) {
    const nlohmann::json enabled = enabled_providers(ctx.txn(), service);
    for (const auto& [id, ns_json] : enabled.items()) {
      const std::string ns = ns_json.is_string() ? ns_json.get<std::string>() : "";
      if (loadable.count(ns)) continue;
      auto& report = failing[id];
      if (report.is_null()) {
        std::string file = ns;
        for (size_t at; (at = file.find("::")) != std::string::npos;) file.replace(at, 2, "/");
        report = {{"provider_name", id},
                  {"provider_namespace", ns},
                  {"provider_failure", "The system failed to load the module “" + ns +
                                           "” because of an error: Can't locate " + file +
                                           ".pm in @INC (@INC contains: /usr/local/cpanel /var/cpanel/perl)."},
                  {"disabled_services", nlohmann::json::array()},
                  {"failures_to_disable", nlohmann::json::array()}};
      }
      stage_disabled_id(ctx.txn(), service, id);
      report["disabled_services"].push_back(service);
    }
  }
  nlohmann::json payload = nlohmann::json::array();
  for (auto& [id, report] : failing) payload.push_back(report);
  Response r;
  r.data = {{"payload", payload}};
  return r;
}

Response get_provider_client_configurations(Context& ctx, const Request& req) {
  const ProviderModule& p = require_provider(ctx.root, req.require("provider_id"));
  Transaction view(ctx.root);
  // Not configured yet: the callback URLs, which the provider needs to be told.
  nlohmann::json config = client_configuration(ctx.root, view, p)
                              .value_or(nlohmann::json{{"redirect_uris", default_redirect_uris(ctx.root, p)}});
  Response r;
  r.data = {{"client_configurations", config}};
  return r;
}

Response set_provider_client_configurations(Context& ctx, const Request& req) {
  const nlohmann::json config = json_object_param(req, "configurations");
  const ProviderModule& p = require_provider(ctx.root, req.require("provider_id"));
  stage_client_configuration(ctx.root, ctx.txn(), p, config);
  return {};
}

Response get_provider_configuration_fields(Context& ctx, const Request& req) {
  const ProviderModule& p = require_provider(ctx.root, req.require("provider_id"));
  Transaction view(ctx.root);
  const nlohmann::json config = client_configuration(ctx.root, view, p).value_or(nlohmann::json::object());
  nlohmann::json fields = nlohmann::json::array();
  for (const auto& f : p.fields)
    fields.push_back({{"field_id", f.id},
                      {"label", f.label},
                      {"description", f.description},
                      {"display_order", f.display_order},
                      {"value", config.contains(f.id) ? config[f.id] : nlohmann::json()}});
  Response r;
  r.data = {{"configuration_fields", fields}};
  return r;
}

Response get_provider_display_configurations(Context& ctx, const Request& req) {
  const ProviderModule& p = require_provider(ctx.root, req.require("provider_id"));
  Transaction view(ctx.root);
  nlohmann::json configurations = nlohmann::json::array();
  for (const auto& service : authn::kServices) {
    nlohmann::json d = display_configuration(view, p, service);
    d["service"] = service;
    configurations.push_back(d);
  }
  Response r;
  r.data = {{"configurations", configurations}};
  return r;
}

Response set_provider_display_configurations(Context& ctx, const Request& req) {
  const nlohmann::json changes = json_object_param(req, "configurations");
  const ProviderModule& p = require_provider(ctx.root, req.require("provider_id"));
  stage_display_configuration(ctx.txn(), p, req.require("service_name"), changes);
  return {};
}

// The links of the cPanel accounts and of their email and Webmail users
// ("name@domain" for one of the account's domains).
Response get_users_authn_linked_accounts(Context& ctx, const Request&) {
  std::set<std::string> users;
  for (const auto& u : AccountStore(ctx.root).usernames()) users.insert(u);
  std::set<std::string> domains;
  for (const auto& [domain, owner] : read_lookup_pairs(ctx.root, "etc/userdomains"))
    if (users.count(owner)) domains.insert(domain);
  auto keep = [&](const std::string& name) {
    const auto at = name.rfind('@');
    return at == std::string::npos ? users.count(name) > 0 : domains.count(name.substr(at + 1)) > 0;
  };
  Transaction view(ctx.root);
  nlohmann::json linked = nlohmann::json::array();
  for (const auto* p : available_providers(ctx.root))
    for (const auto& link : authn_links(view, *p, keep))
      linked.push_back({{"username", link.username},
                        {"provider_protocol", "openid_connect"},
                        {"provider_id", link.provider_id},
                        {"subject_unique_identifier", link.subject_unique_identifier},
                        {"link_time", link.link_time},
                        {"preferred_username", link.preferred_username}});
  Response r;
  r.data = {{"username_linked_accounts", linked}};
  return r;
}

ParamSpec configurations_param(const char* what) {
  return described(make_param("configurations", ParamType::String, true), what);
}

WHMKIT_REGISTRATIONS(
    registrations,
    Registration({"get_available_authentication_providers", get_available_authentication_providers, Access::Read,
                  root_only()}),
    Registration({"enable_authentication_provider", enable_authentication_provider, Access::Write, root_only()}),
    Registration({"disable_authentication_provider", disable_authentication_provider, Access::Write, root_only()}),
    Registration({"disable_failing_authentication_providers", disable_failing_authentication_providers, Access::Write,
                  root_only()}),
    Registration({"get_provider_client_configurations", get_provider_client_configurations, Access::Read, root_only()}),
    Registration({"set_provider_client_configurations", set_provider_client_configurations, Access::Write,
                  root_only()}),
    Registration({"get_provider_configuration_fields", get_provider_configuration_fields, Access::Read, root_only()}),
    Registration({"get_provider_display_configurations", get_provider_display_configurations, Access::Read,
                  root_only()}),
    Registration({"set_provider_display_configurations",
                  set_provider_display_configurations,
                  Access::Write,
                  root_only(),
                  {configurations_param("The login button's new appearance, as a JSON object of display "
                                        "configuration keys (label, color, textcolor, icon, icon_type, "
                                        "display_name, ...) and their values.")}}),
    Registration({"get_users_authn_linked_accounts", get_users_authn_linked_accounts, Access::Read, root_only()}), );

}  // namespace
}  // namespace whm
