// Two-Factor Authentication (commands/two_factor.cpp): the policy in
// cpanel.config, the issuers and the secrets in var/cpanel/authn/twofactor_auth/.
#include <sys/stat.h>
#include <catch2/catch.hpp>

#include <ctime>

#include "harness.hpp"
#include "two_factor.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {

const char* kSecrets = "var/cpanel/authn/twofactor_auth/tfa_userdata.json";
const char* kIssuers = "var/cpanel/authn/twofactor_auth/issuer_userdata.json";
const char* kSecret = "JBSWY3DPEHPK3PXP";
const char* kOther = "QLLIU5WTY3UTJGNG";

// The code an authentication app shows for `secret` now.
std::string code_for(const std::string& secret) {
  return whm::totp_code(*whm::base32_decode(secret), std::time(nullptr));
}
// A code that is wrong now (the right one with its last digit changed).
std::string wrong_code_for(const std::string& secret) {
  std::string code = code_for(secret);
  code.back() = code.back() == '9' ? '0' : static_cast<char>(code.back() + 1);
  return code;
}

nlohmann::json secrets_file(const TempRoot& root) { return nlohmann::json::parse(root.file(kSecrets)); }

mode_t mode_of(const TempRoot& root, const std::string& rel) {
  struct stat st {};
  ::stat((root.path + "/" + rel).c_str(), &st);
  return st.st_mode & 07777;
}

// bob (a reseller owning carol) and dave (root's).
void accounts(const TempRoot& root) {
  create_account(root, "bob", "bob.example");
  create_account(root, "carol", "carol.example");
  create_account(root, "dave", "dave.example");
  run_ok(root, {"setupreseller", "user=bob"});
  run_ok(root, {"modifyacct", "user=carol", "owner=bob"});
}

}  // namespace

TEST_CASE("the policy: status, enable and disable in cpanel.config", "[two_factor]") {
  TempRoot root;
  CHECK(run_ok(root, {"twofactorauth_policy_status"})["data"] == nlohmann::json({{"is_enabled", 0}}));
  auto enabled = run_ok(root, {"twofactorauth_enable_policy"});
  CHECK(enabled["metadata"]["result"] == 1);
  CHECK_FALSE(enabled.contains("data"));
  CHECK_THAT(root.file("var/cpanel/cpanel.config"), Contains("SecurityPolicy::TwoFactorAuth=1\n"));
  CHECK(run_ok(root, {"twofactorauth_policy_status"})["data"]["is_enabled"] == 1);
  run_ok(root, {"twofactorauth_disable_policy"});
  CHECK_THAT(root.file("var/cpanel/cpanel.config"), Contains("SecurityPolicy::TwoFactorAuth=0\n"));
  CHECK(run_ok(root, {"twofactorauth_policy_status"})["data"]["is_enabled"] == 0);

  // Bad input: a reseller may read the policy but not change it.
  create_account(root, "bob", "bob.example");
  run_ok(root, {"setupreseller", "user=bob"});
  CHECK(run_ok(root, {"--user=bob", "twofactorauth_policy_status"})["data"]["is_enabled"] == 0);
  expect_refused(root, {"--user=bob", "twofactorauth_enable_policy"}, "all");
}

TEST_CASE("the issuer: the hostname by default, root's for the server, a reseller's for its accounts", "[two_factor]") {
  TempRoot root;
  accounts(root);
  root.write("etc/hostname", "host.example.net\n");
  CHECK(run_ok(root, {"twofactorauth_get_issuer"})["data"] ==
        nlohmann::json({{"issuer", "host.example.net"}, {"system_wide_issuer", "host.example.net"}}));
  run_ok(root, {"twofactorauth_set_issuer", "issuer=My Host"});
  run_ok(root, {"--user=bob", "twofactorauth_set_issuer", "issuer='Bob Hosting'"});
  CHECK(nlohmann::json::parse(root.file(kIssuers)) ==
        nlohmann::json({{"system_wide_issuer", "My Host"}, {"bob", "Bob Hosting"}}));
  CHECK(mode_of(root, kIssuers) == 0600);
  CHECK(run_ok(root, {"--user=bob", "twofactorauth_get_issuer"})["data"] ==
        nlohmann::json({{"issuer", "Bob Hosting"}, {"system_wide_issuer", "My Host"}}));
  // bob's account carol gets bob's issuer, root's dave the server's.
  CHECK(uapi_ok(root, "carol", {"TwoFactorAuth", "generate_user_configuration"})["result"]["data"]["otpauth_str"]
            .get<std::string>()
            .rfind("otpauth://totp/Bob%20Hosting:carol?secret=", 0) == 0);
  CHECK(uapi_ok(root, "dave", {"TwoFactorAuth", "generate_user_configuration"})["result"]["data"]["otpauth_str"]
            .get<std::string>()
            .rfind("otpauth://totp/My%20Host:dave?secret=", 0) == 0);
  // Quotes alone unset it.
  run_ok(root, {"--user=bob", "twofactorauth_set_issuer", "issuer=''"});
  CHECK(nlohmann::json::parse(root.file(kIssuers)) == nlohmann::json({{"system_wide_issuer", "My Host"}}));

  // Bad input: characters cPanel refuses; nothing changes.
  const auto before = snapshot(root);
  expect_refused(root, {"twofactorauth_set_issuer", "issuer=my/host"},
                 "Failed to set issuer: The “issuer” parameter must be less than or equal to 32 characters");
  expect_refused(root, {"twofactorauth_set_issuer", "issuer=" + std::string(33, 'a')}, "32 characters");
  CHECK(snapshot(root) == before);
}

TEST_CASE("root's own configuration: generate, set with a valid code only", "[two_factor]") {
  TempRoot root;
  root.write("etc/hostname", "host.example.net\n");
  auto generated = run_ok(root, {"twofactorauth_generate_tfa_config"})["data"];
  const std::string secret = generated["secret"];
  CHECK(secret.size() == 16);
  CHECK(generated["otpauth_str"] ==
        "otpauth://totp/host.example.net:root?secret=" + secret + "&issuer=host.example.net");
  CHECK_FALSE(root.exists(kSecrets));  // generating stores nothing

  // Bad input: a wrong code, a secret that is not base32. Nothing is written.
  const auto before = snapshot(root);
  expect_refused(root, {"twofactorauth_set_tfa_config", "secret=" + secret, "tfa_token=" + wrong_code_for(secret)},
                 "The security code is invalid.");
  expect_refused(root, {"twofactorauth_set_tfa_config", "secret=NOT-BASE32!", "tfa_token=123456"},
                 "Missing or Invalid: “secret”");
  expect_refused(root, {"twofactorauth_set_tfa_config", "secret=" + secret}, "tfa_token");
  CHECK(snapshot(root) == before);

  auto set = run_ok(root, {"twofactorauth_set_tfa_config", "secret=" + secret, "tfa_token=" + code_for(secret)});
  CHECK(set["data"] == nlohmann::json({{"success", 1}}));
  CHECK(secrets_file(root) == nlohmann::json({{"root", {{"secret", secret}}}}));
  CHECK(mode_of(root, kSecrets) == 0600);

  // What whmkitd asks at login: required only while the policy is on.
  whm::StateRoot state(root.path);
  CHECK_FALSE(whm::two_factor_required(state, "root"));
  run_ok(root, {"twofactorauth_enable_policy"});
  CHECK(whm::two_factor_required(state, "root"));
  CHECK_FALSE(whm::two_factor_required(state, "nobody"));
  CHECK(whm::verify_two_factor_code(state, "root", code_for(secret), std::time(nullptr)));
  CHECK_FALSE(whm::verify_two_factor_code(state, "root", wrong_code_for(secret), std::time(nullptr)));
  CHECK_FALSE(whm::verify_two_factor_code(state, "nobody", code_for(secret), std::time(nullptr)));
}

TEST_CASE("get_user_configs and remove_user_config: the users the caller controls", "[two_factor]") {
  TempRoot root;
  accounts(root);
  root.write("etc/hostname", "host.example.net\n");
  run_ok(root, {"twofactorauth_set_tfa_config_for_user",
                std::string(R"(bob={"primary_account":{"secret":")") + kSecret + R"("}})"});
  run_ok(root, {"twofactorauth_set_tfa_config_for_user",
                std::string(R"(carol={"primary_account":{"secret":")") + kOther + R"("}})"});

  CHECK(run_ok(root, {"twofactorauth_get_user_configs"})["data"] ==
        nlohmann::json({{"bob", {{"is_enabled", 1}, {"primary_domain", "bob.example"}}},
                        {"carol", {{"is_enabled", 1}, {"primary_domain", "carol.example"}}},
                        {"dave", {{"is_enabled", 0}, {"primary_domain", "dave.example"}}},
                        {"root", {{"is_enabled", 0}, {"primary_domain", "host.example.net"}}}}));
  CHECK(run_ok(root, {"twofactorauth_get_user_configs", "user=dave"})["data"] ==
        nlohmann::json({{"dave", {{"is_enabled", 0}, {"primary_domain", "dave.example"}}}}));
  CHECK(run_ok(root, {"--user=bob", "twofactorauth_get_user_configs"})["data"] ==
        nlohmann::json({{"carol", {{"is_enabled", 1}, {"primary_domain", "carol.example"}}}}));
  CHECK(run_ok(root, {"--user=bob", "twofactorauth_get_user_configs", "user=bob"})["data"]["bob"]["is_enabled"] == 1);
  expect_refused(root, {"--user=bob", "twofactorauth_get_user_configs", "user=dave"},
                 "You do not have access to an account named “dave”.");

  // bob removes carol's but not dave's or root's.
  auto removed = run_ok(
      root, {"--user=bob", "twofactorauth_remove_user_config", "user-1=carol", "user-2=dave", "user-3=root"})["data"];
  CHECK(removed["users_modified"] == nlohmann::json({"carol"}));
  CHECK(removed["failed"]["dave"] ==
        "You are not authorized to modify “dave”: The user “bob” does not own the account “dave”.");
  CHECK(removed["failed"].contains("root"));
  CHECK(secrets_file(root) == nlohmann::json({{"bob", {{"secret", kSecret}}}}));
  run_ok(root, {"twofactorauth_remove_user_config", "user=bob"});
  CHECK_FALSE(root.exists(kSecrets));  // the last entry gone, the file goes

  // Bad input: no user.
  expect_refused(root, {"twofactorauth_remove_user_config"}, "No users specified.");
}

TEST_CASE("get/set_tfa_config_for_user: an account, its email accounts and team users at once", "[two_factor]") {
  TempRoot root;
  accounts(root);
  root.write("home/bob/etc/bob.example/passwd", "info:x:1001:1001::/home/bob/mail/bob.example/info:/home/bob\n");
  root.write("var/cpanel/team/bob", "bob v1.3\nann:Ann:Email:$6$x:1700000000:ann@example.org,:::,:,\n");
  const nlohmann::json config = {{"primary_account", {{"secret", kSecret}}},
                                 {"email", {{"info@bob.example", {{"secret", kOther}}}}},
                                 {"team", {{"ann@bob", {{"secret", kSecret}}}}}};
  auto set = run_ok(root, {"twofactorauth_set_tfa_config_for_user", "bob=" + config.dump()});
  CHECK_FALSE(set.contains("data"));
  CHECK(run_ok(root, {"twofactorauth_get_tfa_config_for_user", "user=bob"})["data"] ==
        nlohmann::json({{"bob", config}}));
  CHECK(secrets_file(root).size() == 3);

  // It replaces everything the account had.
  run_ok(root, {"twofactorauth_set_tfa_config_for_user",
                std::string(R"(bob={"team":{"ann@bob":{"secret":")") + kOther + R"("}}})"});
  CHECK(secrets_file(root) == nlohmann::json({{"ann@bob", {{"secret", kOther}}}}));
  CHECK(run_ok(root, {"twofactorauth_get_tfa_config_for_user", "user=dave"})["data"] ==
        nlohmann::json({{"dave", nlohmann::json::object()}}));

  // Bad input: a login bob does not own, an unknown key, a bad secret, no account; nothing changes.
  const auto before = snapshot(root);
  expect_refused(root,
                 {"twofactorauth_set_tfa_config_for_user",
                  std::string(R"(bob={"email":{"info@dave.example":{"secret":")") + kSecret + R"("}}})"},
                 "Invalid data detected in input arguments:  ‘bob’ does not own an email account named "
                 "‘info@dave.example’");
  expect_refused(root, {"twofactorauth_set_tfa_config_for_user", R"(bob={"other":{}})"},
                 "‘other’ is not a valid key for ‘bob’");
  expect_refused(root, {"twofactorauth_set_tfa_config_for_user", R"(bob={"primary_account":{"secret":"0000"}})"},
                 "The parameter “secret” specified is not valid");
  expect_refused(root, {"twofactorauth_set_tfa_config_for_user", R"(nobody={})"}, "Invalid user: nobody");
  expect_refused(root, {"twofactorauth_set_tfa_config_for_user", "bob={}", "carol={}"},
                 "Invalid data detected in input arguments.");
  expect_refused(root, {"twofactorauth_get_tfa_config_for_user", "user=nobody"}, "Invalid user: nobody");
  expect_refused(root, {"--user=bob", "twofactorauth_get_tfa_config_for_user", "user=carol"}, "all");
  CHECK(snapshot(root) == before);
}

TEST_CASE("UAPI TwoFactorAuth: a cPanel account sets up, reads and removes its own", "[two_factor]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  root.write("etc/hostname", "host.example.net\n");
  CHECK(uapi_ok(root, "bob", {"TwoFactorAuth", "get_user_configuration"})["result"]["data"] ==
        nlohmann::json({{"is_enabled", 0}}));
  auto generated = uapi_ok(root, "bob", {"TwoFactorAuth", "generate_user_configuration"})["result"]["data"];
  const std::string secret = generated["secret"];
  CHECK(generated["otpauth_str"] ==
        "otpauth://totp/host.example.net:bob?secret=" + secret + "&issuer=host.example.net");

  // Bad input: a wrong code; nothing is written.
  const auto before = snapshot(root);
  expect_cpanel_refused(
      root, "uapi", "bob",
      {"TwoFactorAuth", "set_user_configuration", "secret=" + secret, "tfa_token=" + wrong_code_for(secret)},
      "Failed to set user configuration: The security code is invalid.");
  CHECK(snapshot(root) == before);

  auto set = uapi_ok(root, "bob",
                     {"TwoFactorAuth", "set_user_configuration", "secret=" + secret, "tfa_token=" + code_for(secret)});
  CHECK(set["result"]["data"] == nlohmann::json({{"tfa_configured", 1}}));
  CHECK(secrets_file(root) == nlohmann::json({{"bob", {{"secret", secret}}}}));
  CHECK(uapi_ok(root, "bob", {"TwoFactorAuth", "get_user_configuration"})["result"]["data"] ==
        nlohmann::json({{"is_enabled", 1}, {"issuer", "host.example.net"}}));
  CHECK(uapi_ok(root, "bob", {"TwoFactorAuth", "remove_user_configuration"})["result"]["data"] ==
        nlohmann::json({{"tfa_removed", 1}}));
  CHECK_FALSE(root.exists(kSecrets));

  // A team user of bob's.
  root.write("var/cpanel/team/bob", "bob v1.3\nann:Ann:Email:$6$x:1700000000:ann@example.org,:::,:,\n");
  run_ok(root, {"twofactorauth_set_tfa_config_for_user",
                std::string(R"(bob={"team":{"ann@bob":{"secret":")") + kSecret + R"("}}})"});
  CHECK(uapi_ok(root, "bob", {"TwoFactorAuth", "get_team_user_configuration", "team_user=ann"})["result"]["data"] ==
        nlohmann::json({{"is_enabled", 1}, {"issuer", "host.example.net"}}));
  CHECK(uapi_ok(root, "bob",
                {"TwoFactorAuth", "get_team_user_configuration",
                 "team_user=ann@bob.example"})["result"]["data"]["is_enabled"] == 1);
  expect_cpanel_refused(root, "uapi", "bob", {"TwoFactorAuth", "get_team_user_configuration", "team_user=zed"},
                        "The team user “zed” does not exist.");

  // The feature list can turn the module off.
  root.write("var/cpanel/features/default", "twofactorauth=0\n");
  expect_cpanel_refused(root, "uapi", "bob", {"TwoFactorAuth", "get_user_configuration"},
                        "You do not have the feature “twofactorauth”.");
}

TEST_CASE("the configuration follows the account: rename, removal", "[two_factor]") {
  TempRoot root;
  accounts(root);
  root.write("var/cpanel/team/bob", "bob v1.3\nann:Ann:Email:$6$x:1700000000:ann@example.org,:::,:,\n");
  root.write("home/bob/etc/bob.example/passwd", "info:x:1001:1001::/home/bob/mail/bob.example/info:/home/bob\n");
  const nlohmann::json config = {{"primary_account", {{"secret", kSecret}}},
                                 {"email", {{"info@bob.example", {{"secret", kOther}}}}},
                                 {"team", {{"ann@bob", {{"secret", kSecret}}}}}};
  run_ok(root, {"twofactorauth_set_tfa_config_for_user", "bob=" + config.dump()});
  run_ok(root, {"twofactorauth_set_tfa_config_for_user",
                std::string(R"(dave={"primary_account":{"secret":")") + kOther + R"("}})"});

  run_ok(root, {"modifyacct", "user=bob", "newuser=robert", "domain=robert.example"});
  CHECK(secrets_file(root) == nlohmann::json({{"robert", {{"secret", kSecret}}},
                                              {"info@robert.example", {{"secret", kOther}}},
                                              {"ann@robert", {{"secret", kSecret}}},
                                              {"dave", {{"secret", kOther}}}}));
  run_ok(root, {"removeacct", "user=robert"});
  CHECK(secrets_file(root) == nlohmann::json({{"dave", {{"secret", kOther}}}}));
  run_ok(root, {"removeacct", "user=dave"});
  CHECK_FALSE(root.exists(kSecrets));
}
