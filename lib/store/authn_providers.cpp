#include "authn_providers.hpp"

#include <algorithm>
#include <regex>

#include "damage.hpp"
#include "errors.hpp"
#include "hostname.hpp"
#include "notices.hpp"
#include "output.hpp"
#include "util.hpp"

namespace whm {

namespace {

// The login buttons' images, base64 SVG, as the provider modules carry them.
// clang-format off
const char* const kCpanelIdIcon =
    "PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRoPSIzNTlwdCIg"
    "aGVpZ2h0PSIzMjAiIHZpZXdCb3g9IjAgMCAzNTkgMjQwIj48ZGVmcz48Y2xpcFBhdGggaWQ9"
    "ImEiPjxwYXRoIGQ9Ik0xMjMgMGgyMzUuMzd2MjQwSDEyM3ptMCAwIi8+PC9jbGlwUGF0aD48"
    "L2RlZnM+PHBhdGggZD0iTTg5LjY5IDU5LjEwMmg2Ny44MDJsLTEwLjUgNDAuMmMtMS42MDUg"
    "NS42LTQuNjA1IDEwLjEtOSAxMy41LTQuNDAyIDMuNC05LjUwNCA1LjA5Ni0xNS4zIDUuMDk2"
    "aC0zMS41Yy03LjIgMC0xMy41NSAyLjEwMi0xOS4wNSA2LjMtNS41MDUgNC4yLTkuMzUzIDku"
    "OTA0LTExLjU1MiAxNy4xMDMtMS40IDUuNDAzLTEuNTUgMTAuNS0uNDUgMTUuMzAyIDEuMDk4"
    "IDQuNzk2IDMuMDQ3IDkuMDUgNS44NTIgMTIuNzUgMi43OTcgMy43MDMgNi40IDYuNjUyIDEw"
    "Ljc5NyA4Ljg1IDQuMzk3IDIuMiA5LjE5OCAzLjI5OCAxNC40IDMuMjk4aDE5LjJjMy42MDIg"
    "MCA2LjU0NyAxLjQ1MyA4Ljg1MiA0LjM1MiAyLjI5NyAyLjkwMiAyLjk0NSA2LjE0OCAxLjk1"
    "IDkuNzVsLTEyIDQ0LjM5OGgtMjFjLTE0LjQwMyAwLTI3LjY1My0zLjE0OC0zOS43NS05LjQ1"
    "LTEyLjEwMi02LjMtMjIuMTUzLTE0LjY0OC0zMC4xNTMtMjUuMDUtOC0xMC4zOTUtMTMuNDU0"
    "LTIyLjI0Ni0xNi4zNS0zNS41NDctMi45LTEzLjMtMi41NS0yNi45NSAxLjA1Mi00MC45NTNs"
    "MS4yLTQuNWMyLjU5Ny05LjYwMiA2LjY0OC0xOC40NSAxMi4xNDgtMjYuNTUgNS41LTguMDk4"
    "IDEyLTE1IDE5LjUtMjAuNyA3LjUtNS43IDE1Ljg1LTEwLjE0OCAyNS4wNS0xMy4zNTIgOS4y"
    "LTMuMTk1IDE4Ljc5Ny00Ljc5NiAyOC44LTQuNzk2IiBmaWxsPSIjZmZmIi8+PGcgY2xpcC1w"
    "YXRoPSJ1cmwoI2EpIj48cGF0aCBkPSJNMTIzLjg5IDI0MEwxODIuOTkgMTguNjAyYzEuNTk4"
    "LTUuNTk4IDQuNTk4LTEwLjA5OCA5LTEzLjVDMTk2LjM4OCAxLjcgMjAxLjQ4NCAwIDIwNy4y"
    "ODggMGg2Mi43YzE0LjQwMyAwIDI3LjY1IDMuMTQ4IDM5Ljc1IDkuNDUgMTIuMTAyIDYuMyAy"
    "Mi4xNTMgMTQuNjU1IDMwLjE1MyAyNS4wNSA3Ljk5NyAxMC40MDIgMTMuNSAyMi4yNTQgMTYu"
    "NSAzNS41NSAzIDEzLjMwNSAyLjU5NCAyNi45NTQtMS4yMDIgNDAuOTVsLTEuMiA0LjVjLTIu"
    "NTk3IDkuNjAyLTYuNTk3IDE4LjQ1LTEyIDI2LjU1LTUuMzk4IDguMDk4LTExLjg0NyAxNS4w"
    "NTItMTkuMzQ3IDIwLjg0OC03LjUgNS44MDUtMTUuODU1IDEwLjMwNS0yNS4wNSAxMy41LTku"
    "MiAzLjIwNC0xOC44MDUgNC44MDUtMjguODA1IDQuODA1aC01NC4yOTdsMTAuOC00MC41YzEu"
    "Ni01LjQwMiA0LjYtOS44IDktMTMuMjAzIDQuMzk2LTMuMzk4IDkuNDk3LTUuMTAyIDE1LjMw"
    "Mi01LjEwMmgxNy4zOThjNy4yIDAgMTMuNjUzLTIuMiAxOS4zNTItNi41OTcgNS42OTUtNC4z"
    "OTggOS40NDUtMTAuMDk3IDExLjI1LTE3LjEgMS4zOTQtNC45OTcgMS41NDctOS45LjQ0NS0x"
    "NC43LTEuMS00LjgtMy4wNS05LjA0Ny01Ljg0OC0xMi43NS0yLjgtMy42OTUtNi40MDItNi42"
    "OTUtMTAuNzk2LTktNC40MDYtMi4yOTctOS4yMDYtMy40NS0xNC40MDItMy40NUgyMzMuMzls"
    "LTQzLjggMTYyLjkwM2MtMS42MDYgNS40LTQuNjA2IDkuNzk3LTkgMTMuMTk1LTQuNDAzIDMu"
    "NDA3LTkuNDA2IDUuMTAyLTE1IDUuMTAyaC00MS43IiBmaWxsPSIjZmZmIi8+PC9nPjwvc3Zn"
    "Pg==";
const char* const kGoogleIcon =
    "PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRoPSIyMiIgaGVp"
    "Z2h0PSIxNCIgdmlld0JveD0iMCAwIDIyIDE0Ij48ZyBmaWxsPSIjZmZmIiBmaWxsLXJ1bGU9"
    "ImV2ZW5vZGQiPjxwYXRoIGQ9Ik03IDZ2Mi40aDMuOTdjLS4xNiAxLjAzLTEuMiAzLjAyLTMu"
    "OTcgMy4wMi0yLjM5IDAtNC4zNC0xLjk4LTQuMzQtNC40MlM0LjYxIDIuNTggNyAyLjU4YzEu"
    "MzYgMCAyLjI3LjU4IDIuNzkgMS4wOGwxLjktMS44M0MxMC40Ny42OSA4Ljg5IDAgNyAwIDMu"
    "MTMgMCAwIDMuMTMgMCA3czMuMTMgNyA3IDdjNC4wNCAwIDYuNzItMi44NCA2LjcyLTYuODQg"
    "MC0uNDYtLjA1LS44MS0uMTEtMS4xNkg3ek0yMiA2aC0yVjRoLTJ2MmgtMnYyaDJ2MmgyVjho"
    "MiIvPjwvZz48L3N2Zz4=";
const char* const kFacebookIcon =
    "PHN2ZyB4bWxucz0iaHR0cDovL3d3dy53My5vcmcvMjAwMC9zdmciIHdpZHRoPSIxNTYuODkx"
    "IiBoZWlnaHQ9IjMwMi4xMSIgdmlld0JveD0iMCAwIDExNy42Njc5NyAyMjYuNTgyMjEiPjxw"
    "YXRoIGQ9Ik0zNC43OCAyMjYuNTgyVjEyMy4yM0gwVjgyLjk1aDM0Ljc4VjUzLjI0QzM0Ljc4"
    "IDE4Ljc3IDU1LjgzNyAwIDg2LjU4NyAwYzE0LjczIDAgMjcuMzkgMS4wOTggMzEuMDgyIDEu"
    "NTg2djM2LjAyN2wtMjEuMzI4LjAwOGMtMTYuNzI3IDAtMTkuOTY1IDcuOTUtMTkuOTY1IDE5"
    "LjYxdjI1LjcyaDM5Ljg4N2wtNS4xOTIgNDAuMjhINzYuMzc1djEwMy4zNTIiIGZpbGw9IiNm"
    "ZmYiLz48L3N2Zz4=";
// clang-format on

const std::vector<ProviderField> kClientFields = {
    {"client_id", "Client ID", "The ID of the Client", 0},
    {"client_secret", "Client Secret", "The Secret of the Client", 1},
};

// cPanel's provider modules (Cpanel/Security/Authn/Provider/*.pm): cPanelID
// is installed with cPanel, the others are the samples cPanel provides.
const std::vector<ProviderModule>& known_providers() {
  static const std::vector<ProviderModule> providers = {
      {"cpanelid", "cPanelID", "cPanelID", "https://go.cpanel.net/cpanelidmanage", "FF6C2C", "FFFFFF", kCpanelIdIcon,
       true, kClientFields},
      {"facebook",
       "Facebook",
       "Facebook",
       "https://developers.facebook.com/docs/facebook-login/",
       "3B5998",
       "FFFFFF",
       kFacebookIcon,
       false,
       {{"client_id", "App ID", "The ID of the Facebook Application", 0},
        {"client_secret", "App Secret", "The Secret of the Facebook Application", 1}}},
      {"google", "Google", "Google", "https://developers.google.com/identity/protocols/OpenIDConnect", "dd4b39",
       "FFFFFF", kGoogleIcon, false, kClientFields},
  };
  return providers;
}

// Where an administrator installs a provider module (cPanel's search roots).
bool module_installed(const StateRoot& root, const ProviderModule& p) {
  if (p.shipped) return true;
  const std::string file = std::string("Cpanel/Security/Authn/Provider/") + p.module + ".pm";
  return root.exists("var/cpanel/perl/" + file) || root.exists("usr/local/cpanel/" + file);
}

const std::map<std::string, int>& service_ports() {
  static const std::map<std::string, int> ports = {{"cpaneld", 2083}, {"whostmgrd", 2087}, {"webmaild", 2096}};
  return ports;
}

std::string enabled_file(const std::string& service) { return std::string(authn::kEnabledDir) + "/" + service; }
std::string client_file(const ProviderModule& p) { return std::string(authn::kClientConfigDir) + "/" + p.id; }
std::string display_file(const ProviderModule& p, const std::string& service) {
  return std::string(authn::kClientConfigDir) + "/." + p.id + "." + service + ".display_configurations";
}
std::string well_known_file(const ProviderModule& p) {
  return std::string(authn::kClientConfigDir) + "/." + p.id + ".well_known_config";
}

// A JSON object file, read leniently: a damaged one adds a warning and
// counts as missing (nullopt also when there is no file).
std::optional<nlohmann::json> read_object(const Transaction& view, const std::string& rel) {
  auto text = view.read(rel);
  if (!text) return std::nullopt;
  FileProblems problems;
  nlohmann::json doc = parse_json_object(*text, problems);
  if (!problems.empty()) {
    add_notice(damage_summary(rel, problems));
    return std::nullopt;
  }
  return doc;
}

// The same for a file about to be replaced: damage refuses the change.
nlohmann::json read_object_for_change(const Transaction& txn, const std::string& rel) {
  auto text = txn.read(rel);
  if (!text) return nlohmann::json::object();
  FileProblems problems;
  nlohmann::json doc = parse_json_object(*text, problems);
  refuse_if_damaged(rel, problems);
  return doc;
}

bool is_hex_color(const nlohmann::json& v) {
  static const std::regex hex("[0-9a-fA-F]{3,6}");
  return v.is_string() && std::regex_match(v.get<std::string>(), hex);
}

}  // namespace

std::string ProviderModule::perl_namespace() const {
  return std::string("Cpanel::Security::Authn::Provider::") + module;
}

std::vector<const ProviderModule*> available_providers(const StateRoot& root) {
  std::vector<const ProviderModule*> out;
  for (const auto& p : known_providers())
    if (module_installed(root, p)) out.push_back(&p);
  return out;
}

const ProviderModule& require_provider(const StateRoot& root, const std::string& id) {
  for (const auto* p : available_providers(root))
    if (id == p->id) return *p;
  throw ValidationError("The requested provider “" + id + "” is not valid.");
}

nlohmann::json enabled_providers(const Transaction& view, const std::string& service) {
  return read_object(view, enabled_file(service)).value_or(nlohmann::json::object());
}

void stage_enabled(Transaction& txn, const std::string& service, const ProviderModule& p, bool enabled) {
  if (!enabled) return stage_disabled_id(txn, service, p.id);
  nlohmann::json list = read_object_for_change(txn, enabled_file(service));
  list[p.id] = p.perl_namespace();
  txn.write(enabled_file(service), json_text(list), 0644);
}

void stage_disabled_id(Transaction& txn, const std::string& service, const std::string& id) {
  nlohmann::json list = read_object_for_change(txn, enabled_file(service));
  list.erase(id);
  txn.write(enabled_file(service), json_text(list), 0644);
}

nlohmann::json default_redirect_uris(const StateRoot& root, const ProviderModule& p) {
  const std::string host = server_hostname(root);
  nlohmann::json uris = nlohmann::json::array();
  for (const char* service : {"cpaneld", "whostmgrd", "webmaild"})
    uris.push_back("https://" + host + ":" + std::to_string(service_ports().at(service)) + "/openid_connect_callback/" +
                   p.id);
  return uris;
}

std::optional<nlohmann::json> client_configuration(const StateRoot& root, const Transaction& view,
                                                   const ProviderModule& p) {
  auto config = read_object(view, client_file(p));
  if (!config) return std::nullopt;
  // Always the server's own callbacks: its hostname or certificate may have changed.
  (*config)["redirect_uris"] = default_redirect_uris(root, p);
  return config;
}

void stage_client_configuration(const StateRoot& root, Transaction& txn, const ProviderModule& p,
                                const nlohmann::json& config) {
  for (const auto& field : p.fields) {
    auto it = config.find(field.id);
    if (it == config.end() || it->is_null() || (it->is_string() && it->get<std::string>().empty()))
      throw ValidationError(std::string("The configuration is missing the required parameter key “") + field.id + "”.");
    if (it->is_object() || it->is_array())
      throw ValidationError(std::string("The value of “") + field.id +
                            "” is not valid. Configuration field values are limited to strings.");
  }
  nlohmann::json stored = nlohmann::json::object();
  for (const auto& item : config.items()) {
    const std::string& key = item.key();  // a plain name: clang 14 lambdas cannot capture a structured binding
    const auto& value = item.value();
    const bool known =
        std::any_of(p.fields.begin(), p.fields.end(), [&](const ProviderField& f) { return key == f.id; });
    if (!known)
      throw ValidationError("The configuration key “" + key +
                            "” is not a valid configuration field for the provider “" + p.display_name + "”.");
    stored[key] = value.is_string() ? value.get<std::string>() : value.dump();
  }
  stored["redirect_uris"] = default_redirect_uris(root, p);
  txn.write(client_file(p), json_text(stored), 0600);
  // The discovery document may belong to the old client: fetched again when next needed.
  if (txn.exists(well_known_file(p))) txn.remove(well_known_file(p));
}

nlohmann::json default_display_configuration(const ProviderModule& p) {
  nlohmann::json d = {{"label", std::string("Log in via ") + p.display_name},
                      {"link", std::string("/openid_connect/") + p.id},
                      {"color", p.color},
                      {"textcolor", p.textcolor},
                      {"icon_type", "image/svg+xml"},
                      {"display_name", p.display_name},
                      {"provider_name", p.id},
                      {"documentation_url", p.documentation_url}};
  if (*p.icon) d["icon"] = p.icon;
  return d;
}

nlohmann::json display_configuration(const Transaction& view, const ProviderModule& p, const std::string& service) {
  return read_object(view, display_file(p, service)).value_or(default_display_configuration(p));
}

void stage_display_configuration(Transaction& txn, const ProviderModule& p, const std::string& service,
                                 const nlohmann::json& changes) {
  auto custom = txn.read(display_file(p, service));
  nlohmann::json display =
      custom ? read_object_for_change(txn, display_file(p, service)) : default_display_configuration(p);
  for (const auto& [key, value] : changes.items()) {
    if (!display.contains(key) || display[key].is_null())
      throw ValidationError(std::string("You can only update display configurations that already exist in the provider "
                                        "module, and the “") +
                            p.id + "” provider does not contain the “" + key + "” display configuration parameter.");
    if ((key == "color" || key == "textcolor") && !is_hex_color(value))
      throw ValidationError("The display configuration parameter “" + key +
                            "” requires a hex color code without a Number symbol (#). For "
                            "example, FF0000 represents red.");
    if (!value.is_string())
      throw ValidationError("The display configuration parameter “" + key + "” must be a string.");
    display[key] = value;
  }
  txn.write(display_file(p, service), json_text(display), 0644);
}

std::vector<AuthnLink> authn_links(const Transaction& view, const ProviderModule& p,
                                   const std::function<bool(const std::string&)>& keep) {
  std::vector<AuthnLink> out;
  auto db = read_object(view, std::string(authn::kLinkDbDir) + "/" + p.id + ".db");
  if (!db || !db->contains("user") || !(*db)["user"].is_object()) return out;
  const nlohmann::json& subjects =
      db->contains("subject_unique_identifier") ? (*db)["subject_unique_identifier"] : nlohmann::json::object();
  for (const auto& [user, subs] : (*db)["user"].items()) {
    if (!subs.is_object() || !keep(user)) continue;
    for (const auto& [sub, ignored] : subs.items()) {
      (void)ignored;
      AuthnLink link{p.id, user, sub, nullptr, nullptr};
      if (subjects.is_object() && subjects.contains(sub) && subjects[sub].is_object() && subjects[sub].contains(user)) {
        const nlohmann::json& info = subjects[sub][user];
        if (info.is_object()) {
          if (info.contains("preferred_username")) link.preferred_username = info["preferred_username"];
          if (info.contains("link_time")) link.link_time = info["link_time"];
        }
      }
      out.push_back(std::move(link));
    }
  }
  return out;
}

}  // namespace whm
