// External authentication (OpenID Connect identity providers), stored as
// cPanel's Cpanel::Security::Authn modules keep it:
//
//  * var/cpanel/authn/openid_connect/<service> (0644): the providers enabled
//    for cpaneld, webmaild or whostmgrd, as one JSON object
//    {"<provider id>": "<provider module's Perl namespace>"}.
//  * var/cpanel/authn/client_config/openid_connect/<provider id> (0600, it
//    holds the client secret): the client configuration, a JSON object of
//    the provider's configuration fields plus "redirect_uris".
//  * var/cpanel/authn/client_config/openid_connect/.<provider id>.<service>.display_configurations
//    (0644): a login button's custom appearance, the whole display
//    configuration as one JSON object.
//  * var/cpanel/authn/client_config/openid_connect/.<provider id>.well_known_config:
//    the provider's cached OpenID discovery document (removed when the client
//    configuration changes, as cPanel does; whmkit never fetches it).
//  * var/cpanel/authn/links/openid_connect/login/<provider id>.db (0600): the
//    external accounts linked to local users, {"user": {"<user>": {"<sub>": 1}},
//    "subject_unique_identifier": {"<sub>": {"<user>": {"preferred_username",
//    "link_time", "version"}}}}.
//
// The provider modules themselves are Perl code on a cPanel server; whmkit
// knows the ones cPanel ships: cPanelID (installed), and the samples Google,
// Facebook and WHMCS, which count as installed once the administrator has
// put the module file in place, as cPanel's guide has it
// (var/cpanel/perl/Cpanel/Security/Authn/Provider/<Module>.pm).
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "state.hpp"

namespace whm {

namespace authn {
inline constexpr const char* kEnabledDir = "var/cpanel/authn/openid_connect";
inline constexpr const char* kClientConfigDir = "var/cpanel/authn/client_config/openid_connect";
inline constexpr const char* kLinkDbDir = "var/cpanel/authn/links/openid_connect/login";
// The services that can use external authentication, in cPanel's order.
inline const std::vector<std::string> kServices = {"cpaneld", "webmaild", "whostmgrd"};
}  // namespace authn

// A provider configuration field ("client_id", "client_secret", ...).
struct ProviderField {
  const char* id;
  const char* label;
  const char* description;
  int display_order;
};

// A provider module whmkit knows.
struct ProviderModule {
  const char* id;      // the provider name, lower case: "cpanelid"
  const char* module;  // the Perl module's last name: "cPanelID"
  const char* display_name;
  const char* documentation_url;
  const char* color;
  const char* textcolor;
  const char* icon;  // base64; "" = none
  bool shipped;      // installed with cPanel; otherwise a sample the administrator installs
  std::vector<ProviderField> fields;
  std::string perl_namespace() const;
};

// The providers installed on this server ("available"), sorted by id.
std::vector<const ProviderModule*> available_providers(const StateRoot& root);
// An installed provider, or ApiError “The requested provider “x” is not valid.”
const ProviderModule& require_provider(const StateRoot& root, const std::string& id);

// The providers enabled for `service` (id -> Perl namespace), read leniently.
nlohmann::json enabled_providers(const Transaction& view, const std::string& service);
// Enables or disables a provider for a service (staged into `txn`).
void stage_enabled(Transaction& txn, const std::string& service, const ProviderModule& p, bool enabled);
// Removes `id` from the service's enabled list (a provider that may no longer be installed).
void stage_disabled_id(Transaction& txn, const std::string& service, const std::string& id);

// The stored client configuration (nullopt: not configured), redirect_uris
// set to the server's own, as cPanel reports it.
std::optional<nlohmann::json> client_configuration(const StateRoot& root, const Transaction& view,
                                                   const ProviderModule& p);
// The callback URLs of the cPanel, WHM and Webmail logins, in that order.
nlohmann::json default_redirect_uris(const StateRoot& root, const ProviderModule& p);
// Checks `config` against the provider's fields and stages it.
void stage_client_configuration(const StateRoot& root, Transaction& txn, const ProviderModule& p,
                                const nlohmann::json& config);

// The login button as the provider module draws it.
nlohmann::json default_display_configuration(const ProviderModule& p);
// The custom appearance for `service` if one was saved, else the default.
nlohmann::json display_configuration(const Transaction& view, const ProviderModule& p, const std::string& service);
// Checks and stages a change of the button's appearance for `service`.
void stage_display_configuration(Transaction& txn, const ProviderModule& p, const std::string& service,
                                 const nlohmann::json& changes);

// One external account linked to a local user.
struct AuthnLink {
  std::string provider_id, username, subject_unique_identifier;
  nlohmann::json preferred_username, link_time;  // null where the database has none
};
// Every link of `provider` whose local user `keep` accepts.
std::vector<AuthnLink> authn_links(const Transaction& view, const ProviderModule& p,
                                   const std::function<bool(const std::string&)>& keep);

}  // namespace whm
