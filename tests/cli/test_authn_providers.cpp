#include <catch2/catch.hpp>

#include <cstdio>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {

const char* kEnabledCpaneld = "var/cpanel/authn/openid_connect/cpaneld";
const char* kEnabledWhm = "var/cpanel/authn/openid_connect/whostmgrd";
const char* kGoogleClient = "var/cpanel/authn/client_config/openid_connect/google";
const char* kGoogleModule = "var/cpanel/perl/Cpanel/Security/Authn/Provider/Google.pm";

// A root whose hostname is known and where the Google sample module is installed.
void prepare(const TempRoot& root) {
  root.write("etc/hostname", "host.example.com\n");
  root.write(kGoogleModule, "package Cpanel::Security::Authn::Provider::Google;\n1;\n");
}

nlohmann::json provider_entry(const nlohmann::json& envelope, const std::string& id) {
  for (const auto& p : envelope["data"]["providers"])
    if (p["id"] == id) return p;
  return nullptr;
}

}  // namespace

TEST_CASE("the installed identity providers are listed with their state per service",
          "[authn][get_available_authentication_providers]") {
  TempRoot root;
  root.write("etc/hostname", "host.example.com\n");
  // Without the sample module installed, only cPanelID (shipped with cPanel) is available.
  auto only = run_ok(root, {"get_available_authentication_providers"});
  REQUIRE(only["data"]["providers"].size() == 1);
  const nlohmann::json cpanelid = only["data"]["providers"][0];
  CHECK(cpanelid["id"] == "cpanelid");
  CHECK(cpanelid["display_name"] == "cPanelID");
  CHECK(cpanelid["label"] == "Log in via cPanelID");
  CHECK(cpanelid["color"] == "FF6C2C");
  CHECK(cpanelid["configured"] == 0);
  CHECK(cpanelid["cpaneld_link"] == "/openid_connect/cpanelid");
  for (const char* key : {"cpaneld_enabled", "webmaild_enabled", "whostmgrd_enabled"}) CHECK(cpanelid[key] == 0);
  CHECK_FALSE(cpanelid.contains("link"));

  prepare(root);
  run_ok(root, {"enable_authentication_provider", "service_name=cpaneld", "provider_id=google"});
  auto both = run_ok(root, {"get_available_authentication_providers"});
  const nlohmann::json google = provider_entry(both, "google");
  CHECK(google["cpaneld_enabled"] == 1);
  CHECK(google["whostmgrd_enabled"] == 0);
  CHECK(google["icon_type"] == "image/svg+xml");
  CHECK(google["documentation_url"] == "https://developers.google.com/identity/protocols/OpenIDConnect");
}

TEST_CASE("enabling and disabling a provider edits the service's list as cPanel stores it",
          "[authn][enable_authentication_provider][disable_authentication_provider]") {
  TempRoot root;
  prepare(root);
  run_ok(root, {"enable_authentication_provider", "service_name=cpaneld", "provider_id=google"});
  run_ok(root, {"enable_authentication_provider", "service_name=cpaneld", "provider_id=cpanelid"});
  run_ok(root, {"enable_authentication_provider", "service_name=whostmgrd", "provider_id=cpanelid"});
  CHECK(nlohmann::json::parse(root.file(kEnabledCpaneld)) ==
        nlohmann::json({{"cpanelid", "Cpanel::Security::Authn::Provider::cPanelID"},
                        {"google", "Cpanel::Security::Authn::Provider::Google"}}));
  run_ok(root, {"disable_authentication_provider", "service_name=cpaneld", "provider_id=google"});
  CHECK(nlohmann::json::parse(root.file(kEnabledCpaneld)) ==
        nlohmann::json({{"cpanelid", "Cpanel::Security::Authn::Provider::cPanelID"}}));
  CHECK(nlohmann::json::parse(root.file(kEnabledWhm)) ==
        nlohmann::json({{"cpanelid", "Cpanel::Security::Authn::Provider::cPanelID"}}));

  // A provider whose module is not installed, an unknown service, a hostile name: refused, nothing written.
  expect_refused(root, {"enable_authentication_provider", "service_name=cpaneld", "provider_id=facebook"},
                 "The requested provider “facebook” is not valid.");
  expect_refused(root, {"enable_authentication_provider", "service_name=ftpd", "provider_id=google"}, "service_name");
  expect_refused(root, {"disable_authentication_provider", "service_name=cpaneld", "provider_id=../../etc/passwd"},
                 "is not a valid provider name");
}

TEST_CASE("a provider's client configuration is stored with the server's callback URLs",
          "[authn][set_provider_client_configurations][get_provider_client_configurations]"
          "[get_provider_configuration_fields]") {
  TempRoot root;
  prepare(root);
  const nlohmann::json callbacks = {"https://host.example.com:2083/openid_connect_callback/google",
                                    "https://host.example.com:2087/openid_connect_callback/google",
                                    "https://host.example.com:2096/openid_connect_callback/google"};
  auto before = run_ok(root, {"get_provider_client_configurations", "service_name=cpaneld", "provider_id=google"});
  CHECK(before["data"]["client_configurations"] == nlohmann::json({{"redirect_uris", callbacks}}));

  root.write("var/cpanel/authn/client_config/openid_connect/.google.well_known_config", "{}");
  run_ok(root, {"set_provider_client_configurations", "service_name=cpaneld", "provider_id=google",
                R"(configurations={"client_id":"victoria","client_secret":"secret"})"});
  CHECK(nlohmann::json::parse(root.file(kGoogleClient)) ==
        nlohmann::json({{"client_id", "victoria"}, {"client_secret", "secret"}, {"redirect_uris", callbacks}}));
  CHECK_FALSE(root.exists("var/cpanel/authn/client_config/openid_connect/.google.well_known_config"));

  auto after = run_ok(root, {"get_provider_client_configurations", "service_name=cpaneld", "provider_id=google"});
  CHECK(after["data"]["client_configurations"]["client_id"] == "victoria");
  auto fields = run_ok(root, {"get_provider_configuration_fields", "service_name=cpaneld", "provider_id=google"});
  CHECK(fields["data"]["configuration_fields"] == nlohmann::json::array({{{"description", "The ID of the Client"},
                                                                          {"display_order", 0},
                                                                          {"field_id", "client_id"},
                                                                          {"label", "Client ID"},
                                                                          {"value", "victoria"}},
                                                                         {{"description", "The Secret of the Client"},
                                                                          {"display_order", 1},
                                                                          {"field_id", "client_secret"},
                                                                          {"label", "Client Secret"},
                                                                          {"value", "secret"}}}));
  auto listed = run_ok(root, {"get_available_authentication_providers"});
  CHECK(provider_entry(listed, "google")["configured"] == 1);

  expect_refused(root,
                 {"set_provider_client_configurations", "service_name=cpaneld", "provider_id=google",
                  R"(configurations={"client_id":"x"})"},
                 "The configuration is missing the required parameter key “client_secret”.");
  expect_refused(root,
                 {"set_provider_client_configurations", "service_name=cpaneld", "provider_id=google",
                  R"(configurations={"client_id":"x","client_secret":"y","scope":"all"})"},
                 "The configuration key “scope” is not a valid configuration field for the provider “Google”.");
  expect_refused(
      root,
      {"set_provider_client_configurations", "service_name=cpaneld", "provider_id=google", "configurations=not json"},
      "it is not valid JSON");
}

TEST_CASE("a login button's appearance is customised per service",
          "[authn][set_provider_display_configurations][get_provider_display_configurations]") {
  TempRoot root;
  prepare(root);
  auto defaults = run_ok(root, {"get_provider_display_configurations", "provider_id=google"});
  const nlohmann::json configs = defaults["data"]["configurations"];
  REQUIRE(configs.size() == 3);
  CHECK(configs[0]["service"] == "cpaneld");
  CHECK(configs[2]["service"] == "whostmgrd");
  CHECK(configs[0]["label"] == "Log in via Google");
  CHECK(configs[0]["link"] == "/openid_connect/google");
  CHECK(configs[0]["color"] == "dd4b39");

  run_ok(root, {"set_provider_display_configurations", "service_name=webmaild", "provider_id=google",
                R"(configurations={"color":"00FF00","label":"Google login"})"});
  const std::string file = "var/cpanel/authn/client_config/openid_connect/.google.webmaild.display_configurations";
  auto stored = nlohmann::json::parse(root.file(file));
  CHECK(stored["color"] == "00FF00");
  CHECK(stored["label"] == "Google login");
  CHECK(stored["provider_name"] == "google");
  auto changed = run_ok(root, {"get_provider_display_configurations", "provider_id=google"});
  CHECK(changed["data"]["configurations"][1]["label"] == "Google login");
  CHECK(changed["data"]["configurations"][0]["label"] == "Log in via Google");

  expect_refused(root,
                 {"set_provider_display_configurations", "service_name=cpaneld", "provider_id=google",
                  R"(configurations={"color":"#FF0000"})"},
                 "requires a hex color code without a Number symbol");
  expect_refused(root,
                 {"set_provider_display_configurations", "service_name=cpaneld", "provider_id=google",
                  R"(configurations={"onclick":"x"})"},
                 "does not contain the “onclick” display configuration parameter");
}

TEST_CASE("enabled providers whose module is gone are disabled and reported",
          "[authn][disable_failing_authentication_providers]") {
  TempRoot root;
  prepare(root);
  run_ok(root, {"enable_authentication_provider", "service_name=cpaneld", "provider_id=google"});
  run_ok(root, {"enable_authentication_provider", "service_name=webmaild", "provider_id=google"});
  run_ok(root, {"enable_authentication_provider", "service_name=cpaneld", "provider_id=cpanelid"});
  auto none = run_ok(root, {"disable_failing_authentication_providers"});
  CHECK(none["data"]["payload"] == nlohmann::json::array());

  std::remove((root.path + "/" + kGoogleModule).c_str());
  auto out = run_ok(root, {"disable_failing_authentication_providers"});
  REQUIRE(out["data"]["payload"].size() == 1);
  const nlohmann::json report = out["data"]["payload"][0];
  CHECK(report["provider_name"] == "google");
  CHECK(report["provider_namespace"] == "Cpanel::Security::Authn::Provider::Google");
  CHECK(report["disabled_services"] == nlohmann::json({"cpaneld", "webmaild"}));
  CHECK(report["failures_to_disable"] == nlohmann::json::array());
  CHECK_THAT(report["provider_failure"].get<std::string>(),
             Contains("Can't locate Cpanel/Security/Authn/Provider/Google.pm"));
  CHECK(nlohmann::json::parse(root.file(kEnabledCpaneld)) ==
        nlohmann::json({{"cpanelid", "Cpanel::Security::Authn::Provider::cPanelID"}}));
}

TEST_CASE("linked external accounts of existing users are listed", "[authn][get_users_authn_linked_accounts]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  root.write("var/cpanel/authn/links/openid_connect/login/cpanelid.db",
             R"({"subject_unique_identifier":{"123456789012345678901":{"bob":{"link_time":1443124003,)"
             R"("preferred_username":"bob@mail.example","version":"1.1"}},)"
             R"("42":{"gone":{"link_time":1,"preferred_username":"x","version":"1.1"}}},)"
             R"("user":{"bob":{"123456789012345678901":1},"gone":{"42":1}}})");
  auto out = run_ok(root, {"get_users_authn_linked_accounts"});
  CHECK(out["data"]["username_linked_accounts"] ==
        nlohmann::json::array({{{"link_time", 1443124003},
                                {"preferred_username", "bob@mail.example"},
                                {"provider_id", "cpanelid"},
                                {"provider_protocol", "openid_connect"},
                                {"subject_unique_identifier", "123456789012345678901"},
                                {"username", "bob"}}}));
  // A damaged database is reported, not fatal.
  root.write("var/cpanel/authn/links/openid_connect/login/cpanelid.db", "{not json");
  auto damaged = run_ok(root, {"get_users_authn_linked_accounts"});
  CHECK(damaged["data"]["username_linked_accounts"] == nlohmann::json::array());
  CHECK_THAT(damaged["metadata"]["output"]["warnings"].dump(), Contains("cpanelid.db"));
}
