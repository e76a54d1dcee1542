// The account settings functions (commands/account_settings.cpp): each one's
// output and the files it writes, and a bad-input case that changes nothing.
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {

const char* kPassword = "Secret-pass1";                         // create_account's
const char* kDigestOfBob = "e90b9148a5684295a5f93d42f4406fde";  // md5("bob:cPanel:Secret-pass1")

void bob_and_carol(const TempRoot& root) {
  create_account(root, "bob", "bob.example", {"quota=500"});
  create_account(root, "carol", "carol.example");
}

std::string warnings_of(const nlohmann::json& envelope) { return envelope["metadata"]["output"]["warnings"].dump(); }

}  // namespace

TEST_CASE("list_users: the accounts the caller sees, itself, and root for root", "[account_settings]") {
  TempRoot root;
  bob_and_carol(root);
  CHECK(run_ok(root, {"list_users"})["data"]["users"] == nlohmann::json({"bob", "carol", "root"}));
  run_ok(root, {"setupreseller", "user=bob"});
  run_ok(root, {"modifyacct", "user=carol", "owner=bob"});
  CHECK(run_ok(root, {"--user=bob", "list_users"})["data"]["users"] == nlohmann::json({"bob", "carol"}));
  // Bad input: an undeclared parameter with --strict.
  expect_refused(root, {"--strict", "list_users", "user=carol"}, "“user”");
}

TEST_CASE("get_maximum_users: the license file's maxusers, else no limit", "[account_settings]") {
  TempRoot root;
  auto none = run_ok(root, {"get_maximum_users"});
  CHECK(none["data"]["users"] == 0);
  CHECK_THAT(warnings_of(none), Contains("no limit"));
  root.write("usr/local/cpanel/cpanel.lisc", "client: Example\nmaxusers: 30\nproducts: cpanel\n");
  auto licensed = run_ok(root, {"get_maximum_users"});
  CHECK(licensed["data"]["users"] == 30);
  CHECK(licensed["metadata"]["output"].is_null());
  expect_refused(root, {"--strict", "get_maximum_users", "limit=5"}, "“limit”");
}

TEST_CASE("get_homedir_roots and quota_enabled", "[account_settings]") {
  TempRoot root;
  bob_and_carol(root);
  CHECK(run_ok(root, {"get_homedir_roots"})["data"]["payload"] == nlohmann::json::parse(R"([{"path":"/home"}])"));
  root.write("etc/wwwacct.conf", "HOMEDIR /home\nHOMEMATCH home\n");
  root.write("home2/.keep", "");
  auto roots = run_ok(root, {"get_homedir_roots"})["data"]["payload"];
  REQUIRE(roots.size() == 2);
  CHECK(roots.dump().find("/home2") != std::string::npos);
  // A temporary directory has no user quotas.
  CHECK(run_ok(root, {"quota_enabled"})["data"]["quota_enabled"] == 0);
  expect_refused(root, {"--strict", "quota_enabled", "user=bob"}, "“user”");
}

TEST_CASE("get_disk_usage: limits, and usage unknown where quotas are off", "[account_settings]") {
  TempRoot root;
  bob_and_carol(root);
  auto j = run_ok(root, {"get_disk_usage"});
  auto accounts = j["data"]["accounts"];
  REQUIRE(accounts.size() == 2);
  CHECK(accounts[0]["user"] == "bob");
  CHECK(accounts[0]["blocks_limit"] == 512000);  // 500 MB in 1 KiB blocks
  CHECK(accounts[0]["blocks_used"].is_null());
  CHECK(accounts[1]["blocks_limit"].is_null());  // unlimited
  CHECK_THAT(warnings_of(j), Contains("not enabled"));
  expect_refused(root, {"get_disk_usage", "cache_mode=sometimes"}, "“cache_mode”");
}

TEST_CASE("password strengths: rated, read, set, and enforced", "[account_settings][password]") {
  TempRoot root;
  CHECK(run_ok(root, {"get_password_strength", "password=12345luggage"})["data"]["strength"] == 63);
  expect_refused(root, {"get_password_strength"}, "“password”");

  auto defaults = run_ok(root, {"getminimumpasswordstrengths"})["data"];
  CHECK(defaults.size() == 9);
  CHECK(defaults["default"] == 65);
  CHECK(defaults["virtual"] == 65);

  run_ok(root, {"setminimumpasswordstrengths", "default=50", "createacct=95"});
  std::string config = root.file("var/cpanel/cpanel.config");
  CHECK_THAT(config, Contains("\nminpwstrength=50\n"));
  CHECK_THAT(config, Contains("\nminpwstrength_createacct=95\n"));
  CHECK(run_ok(root, {"getminimumpasswordstrengths", "name=createacct"})["data"] ==
        nlohmann::json({{"createacct", 95}}));
  CHECK(run_ok(root, {"getminimumpasswordstrengths"})["data"]["passwd"] == 50);

  // createacct now needs 95: "S3cure.pass" (93) is refused, passwd accepts a 63.
  expect_refused(root, {"createacct", "username=bob", "domain=bob.example", "password=S3cure.pass"},
                 "strength rating of 95");
  create_account(root, "bob", "bob.example");
  run_ok(root, {"passwd", "user=bob", "password=12345luggage"});
  // An empty value removes the setting: createacct follows the default again.
  run_ok(root, {"setminimumpasswordstrengths", "createacct="});
  CHECK(root.file("var/cpanel/cpanel.config").find("minpwstrength_createacct") == std::string::npos);
  CHECK(run_ok(root, {"getminimumpasswordstrengths", "name=createacct"})["data"]["createacct"] == 50);

  expect_refused(root, {"setminimumpasswordstrengths", "virtual=101"}, "“virtual”");
  expect_refused(root, {"setminimumpasswordstrengths", "default="}, "may not be empty");
  expect_refused(root, {"setminimumpasswordstrengths"}, "No new values were given.");
  expect_refused(root, {"getminimumpasswordstrengths", "name=email"}, "“name”");
}

TEST_CASE("forcepasswordchange: the home's passwordforce list, lifted by passwd", "[account_settings]") {
  TempRoot root;
  bob_and_carol(root);
  auto j = run_ok(root, {"forcepasswordchange", R"(users_json={"bob":1,"carol":1})"});
  CHECK(j["data"]["updated"] == nlohmann::json({"bob", "carol"}));
  CHECK(root.file("home/bob/.cpanel/passwordforce") == "bob\n");
  struct stat st {};
  REQUIRE(::stat((root.path + "/home/bob/.cpanel/passwordforce").c_str(), &st) == 0);
  CHECK(st.st_mode % 01000 == 0600);
  CHECK(run_ok(root, {"forcepasswordchange", R"(users_json={"bob":1})"})["metadata"]["reason"] == "Nothing to do.");
  // Changing the password meets the demand.
  run_ok(root, {"passwd", "user=bob", std::string("password=") + kPassword});
  CHECK_FALSE(root.exists("home/bob/.cpanel/passwordforce"));
  run_ok(root, {"forcepasswordchange", R"(users_json={"carol":0})"});
  CHECK_FALSE(root.exists("home/carol/.cpanel/passwordforce"));

  expect_refused(root, {"forcepasswordchange", "users_json={bob:1}"}, "not valid JSON");
  expect_refused(root, {"forcepasswordchange", R"(users_json={"bob":1,"ghost":1})"}, "Invalid user(s): ghost");
  // A reseller names only its own accounts.
  run_ok(root, {"setupreseller", "user=bob"});
  run_ok(root, {"setacls", "reseller=bob", "acl-passwd=1"});
  expect_refused(root, {"--user=bob", "forcepasswordchange", R"(users_json={"carol":1})"}, "Invalid user(s): carol");
}

TEST_CASE("Digest Authentication: enabled with the password, locked while suspended, gone with the account",
          "[account_settings][digest]") {
  TempRoot root;
  bob_and_carol(root);
  CHECK(run_ok(root, {"has_digest_auth", "user=bob"})["data"]["digestauth"] == 0);
  expect_refused(root, {"set_digest_auth", "user=bob", "enabledigest=1", "password=wrong-one"},
                 "the supplied password was not correct");
  expect_refused(root, {"set_digest_auth", "user=bob", "password=x"}, "“enabledigest”");
  expect_refused(root, {"has_digest_auth", "user=ghost"}, "ghost");

  auto on = run_ok(root, {"set_digest_auth", "user=bob", "digestauth=1", std::string("password=") + kPassword});
  CHECK(on["metadata"]["reason"] == "Digest Authentication enabled.");
  CHECK(root.file("etc/digestshadow") == std::string("bob:") + kDigestOfBob + "\n");
  CHECK(run_ok(root, {"has_digest_auth", "user=bob"})["data"]["digestauth"] == 1);

  run_ok(root, {"suspendacct", "user=bob"});
  CHECK(root.file("etc/digestshadow") == std::string("bob:*LOCKED*") + kDigestOfBob + "\n");
  run_ok(root, {"unsuspendacct", "user=bob"});
  CHECK(root.file("etc/digestshadow") == std::string("bob:") + kDigestOfBob + "\n");

  // passwd keeps it in step with the new password.
  auto apps = run_ok(root, {"passwd", "user=bob", "password=S3cure.pass"})["data"]["app"];
  CHECK(apps.dump().find("digest") != std::string::npos);
  CHECK(root.file("etc/digestshadow").find(kDigestOfBob) == std::string::npos);

  CHECK(run_ok(root, {"set_digest_auth", "user=bob", "enabledigest=0"})["metadata"]["reason"] ==
        "Digest Authentication disabled.");
  CHECK_FALSE(root.exists("etc/digestshadow"));
  run_ok(root, {"set_digest_auth", "user=bob", "enabledigest=1", "password=S3cure.pass"});
  run_ok(root, {"removeacct", "user=bob"});
  CHECK_FALSE(root.exists("etc/digestshadow"));
}

TEST_CASE("has_mycnf_for_cpuser reads the home's .my.cnf, never through a symlink", "[account_settings]") {
  TempRoot root;
  bob_and_carol(root);
  CHECK(run_ok(root, {"has_mycnf_for_cpuser", "user=bob"})["data"]["has_mycnf_for_cpuser"] == 0);
  root.write("home/bob/.my.cnf", "[mysqld]\nuser=mysql\n[client]\nuser=\"bob\"\npassword=\"x\"\n");
  CHECK(run_ok(root, {"has_mycnf_for_cpuser", "user=bob"})["data"]["has_mycnf_for_cpuser"] == 1);
  root.write("home/carol/.my.cnf", "[client]\nuser=bob\n");
  CHECK(run_ok(root, {"has_mycnf_for_cpuser", "user=carol"})["data"]["has_mycnf_for_cpuser"] == 0);
  ::unlink((root.path + "/home/carol/.my.cnf").c_str());
  REQUIRE(::symlink((root.path + "/home/bob/.my.cnf").c_str(), (root.path + "/home/carol/.my.cnf").c_str()) == 0);
  expect_refused(root, {"has_mycnf_for_cpuser", "user=carol"}, "symbolic link");
  expect_refused(root, {"has_mycnf_for_cpuser", "user=ghost"}, "ghost");
}

TEST_CASE("personalization_set and personalization_get: the caller's NVData store", "[account_settings]") {
  TempRoot root;
  bob_and_carol(root);
  auto missing = run_ok(root, {"personalization_get", "names=coffee"})["data"]["personalization"]["coffee"];
  CHECK(missing["success"] == 0);

  auto set = run_ok(root, {"personalization_set", R"(personalization={"coffee":"hot","milk":"cold"})"});
  CHECK(set["data"]["personalization"]["coffee"] ==
        nlohmann::json({{"reason", "OK"}, {"success", 1}, {"value", "hot"}}));
  CHECK(root.file("var/cpanel/whm/nvdata/root.yaml") == "--- \ncoffee: hot\nmilk: cold\n");
  CHECK(nlohmann::json::parse(root.file("var/cpanel/whm/nvdata/root.cache"))["milk"] == "cold");
  auto got = run_ok(root, {"personalization_get", "names=milk", "names=tea"})["data"]["personalization"];
  CHECK(got["milk"] == nlohmann::json({{"reason", "OK"}, {"success", 1}, {"value", "cold"}}));
  CHECK(got["tea"] == nlohmann::json({{"reason", "OK"}, {"success", 1}, {"value", nullptr}}));

  // Root names a store; a reseller's "store" is ignored: it has its own file.
  run_ok(root, {"personalization_set", "store=beverages", R"(personalization={"tea":"green"})"});
  CHECK(root.file("var/cpanel/whm/nvdata/root/beverages.yaml") == "--- \ntea: green\n");
  run_ok(root, {"setupreseller", "user=bob"});
  run_ok(root, {"--user=bob", "personalization_set", "store=beverages", R"(personalization={"tea":"black"})"});
  CHECK(root.file("var/cpanel/whm/nvdata/bob.yaml") == "--- \ntea: black\n");
  CHECK(run_ok(root, {"--user=bob", "personalization_get", "names=tea"})["data"]["personalization"]["tea"]["value"] ==
        "black");
  // The reseller's store goes with its account.
  run_ok(root, {"modifyacct", "user=bob", "newuser=robert"});
  CHECK(root.file("var/cpanel/whm/nvdata/robert.yaml") == "--- \ntea: black\n");
  CHECK_FALSE(root.exists("var/cpanel/whm/nvdata/bob.yaml"));

  expect_refused(root, {"personalization_set", "personalization=coffee"}, "not valid JSON");
  expect_refused(root, {"personalization_set", R"(personalization=["hot"])"}, "“personalization”");
  expect_refused(root, {"personalization_get", "names=" + std::string(129, 'n')}, "128 characters");
}

TEST_CASE("get_upgrade_opportunities: bandwidth against the limit, disk where known", "[account_settings]") {
  TempRoot root;
  bob_and_carol(root);
  run_ok(root, {"limitbw", "user=bob", "bwlimit=1"});  // 1 MB
  // 900,000 bytes served today: 86% of the limit.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open((root.path + "/var/cpanel/bandwidth/bob.sqlite").c_str(), &db) == SQLITE_OK);
  const std::string insert = "INSERT INTO bandwidth_daily SELECT id, 'http', " + std::to_string(time(nullptr)) +
                             ", 900000 FROM domains WHERE name = 'bob.example';";
  REQUIRE(sqlite3_exec(db, insert.c_str(), nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);

  auto j = run_ok(root, {"get_upgrade_opportunities"});
  auto bob = j["data"]["upgrade_opportunities"]["bob"];
  CHECK(bob["bw_limit"]["this_month"] == nlohmann::json({{"fraction", 0.86}, {"near", 1}, {"reached", 0}}));
  CHECK(bob["messages"][0] == "This account has used 86% of its bandwidth quota for this month.");
  CHECK(bob["disk_usage"]["relative_to_quota"]["fraction"].is_null());  // no quotas here
  auto carol = j["data"]["upgrade_opportunities"]["carol"];
  CHECK(carol["bw_limit"]["this_month"]["near"] == 0);
  CHECK(carol["messages"].empty());
  CHECK(j["data"]["supplemental"]["friendly_name"]["opportunity"]["bw_limit"] == "Bandwidth Limit");

  expect_refused(root, {"get_upgrade_opportunities", "nearness_fraction=1.5"}, "greater than 0 and less than 1");
}
