// API tokens (commands/api_tokens.cpp): WHM API 1's api_token_* for root and
// a reseller, UAPI's Tokens module, accesshash. Each call's answer and the
// token file it leaves (only digests, cPanel's modes), and bad input that
// changes nothing.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <regex>

#include "api_tokens.hpp"
#include "file_checks.hpp"
#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {

const char* kRootTokens = "var/cpanel/authn/api_tokens_v2/whostmgr/root.json";

bool is_token(const std::string& s) { return std::regex_match(s, std::regex("[0-9A-Z]{32}")); }

nlohmann::json tokens_file(const TempRoot& root, const std::string& rel) {
  return nlohmann::json::parse(root.file(rel))["tokens"];
}

RunResult as_user(const TempRoot& root, const std::string& user, std::vector<std::string> args) {
  args.insert(args.begin(), "--user=" + user);
  return run(root, args);
}

}  // namespace

TEST_CASE("api_token_create: the token once, only its SHA-512 on disk", "[api_tokens]") {
  TempRoot root;
  auto created = run_ok(
      root, {"api_token_create", "token_name=deploy", "acl-0=list-accts", "acl-1=create-acct", "acl-2=list-accts",
             "expires_at=4102444800", "whitelist_ip-0=192.0.2.9", "whitelist_ip-1=fc00:abcd::f",
             "whitelist_ip-2=192.0.2.8/29", "whitelist_ip-3=192.0.2.9/32", "whitelist_ip-4=2620:0:28a4::/48"})["data"];
  const std::string token = created["token"];
  CHECK(is_token(token));
  CHECK(created["name"] == "deploy");
  CHECK(created["acls"] == nlohmann::json({"create-acct", "list-accts"}));
  CHECK(created["expires_at"] == 4102444800);
  CHECK(created["whitelist_ips"] ==
        nlohmann::json({"192.0.2.8/29", "192.0.2.9", "2620:0000:28a4:0000:0000:0000:0000:0000/48",
                        "fc00:abcd:0000:0000:0000:0000:0000:000f"}));

  auto stored = tokens_file(root, kRootTokens);
  REQUIRE(stored.size() == 1);
  CHECK(stored.begin().key() == whm::sha512_hex(token));
  auto entry = stored.begin().value();
  created.erase("token");
  CHECK(entry == created);
  CHECK(root.file(kRootTokens).find(token) == std::string::npos);
  CHECK((lstat_of(root, kRootTokens).st_mode & 07777) == 0600);
  CHECK((lstat_of(root, "var/cpanel/authn/api_tokens_v2/whostmgr").st_mode & 07777) == 0700);
  CHECK((lstat_of(root, "var/cpanel/authn/api_tokens_v2").st_mode & 07777) == 0711);
  CHECK((lstat_of(root, "var/cpanel/authn").st_mode & 07777) == 0711);
  CHECK_THAT(root.file("var/cpanel/accounting.log"), Contains(":CREATEAPITOKEN:root:root:not-applicable:deploy"));

  // Without acl, expires_at or whitelist_ip: every privilege, no expiry, any address.
  auto plain = run_ok(root, {"api_token_create", "token_name=full"})["data"];
  CHECK(plain.contains("acls") == false);
  CHECK(plain["expires_at"].is_null());
  CHECK(plain.contains("whitelist_ips") == false);
  CHECK(plain["token"] != token);
}

TEST_CASE("api_token_create refuses bad names, ACLs, addresses and past expiry", "[api_tokens]") {
  TempRoot root;
  run_ok(root, {"api_token_create", "token_name=taken"});
  expect_refused(root, {"api_token_create", "token_name=taken"},
                 "The system failed to create the API token: A conflicting API token with the name “taken” already "
                 "exists.");
  expect_refused(root, {"api_token_create", "token_name=bad name"}, "“bad name” is not a valid API token name.");
  expect_refused(root, {"api_token_create", "token_name=" + std::string(51, 'a')},
                 "must not be longer than 50 characters");
  expect_refused(root, {"api_token_create", "token_name=t", "acl=list-accts", "acl-1=bogus", "acl-2=nope"},
                 "Invalid or unauthorized ACLs specified: bogus and nope");
  expect_refused(root, {"api_token_create", "token_name=t", "whitelist_ip=192.0.2.9/29"},
                 "Invalid IP address or CIDR range specified: 192.0.2.9/29");
  expect_refused(root, {"api_token_create", "token_name=t", "whitelist_ip=example.com"},
                 "Invalid IP address or CIDR range specified: example.com");
  expect_refused(root, {"api_token_create", "token_name=t", "expires_at=1000"},
                 "The “1000” value must be a future date.");
  expect_refused(root, {"api_token_create"}, "token_name");
}

TEST_CASE("api_token_list: each token by name with the ACLs it has", "[api_tokens]") {
  TempRoot root;
  run_ok(root, {"api_token_create", "token_name=reader", "acl=list-accts"});
  run_ok(root, {"api_token_create", "token_name=everything", "whitelist_ip=192.0.2.1"});
  auto tokens = run_ok(root, {"api_token_list"})["data"]["tokens"];
  REQUIRE(tokens.size() == 2);
  CHECK(tokens["reader"]["name"] == "reader");
  CHECK(tokens["reader"]["acls"]["list-accts"] == 1);
  CHECK(tokens["reader"]["acls"]["create-acct"] == 0);
  CHECK(tokens["reader"]["acls"]["all"] == 0);
  CHECK(tokens["reader"]["whitelist_ips"].is_null());
  CHECK(tokens["reader"]["expires_at"].is_null());
  CHECK(tokens["everything"]["acls"]["create-acct"] == 1);
  CHECK(tokens["everything"]["whitelist_ips"] == nlohmann::json({"192.0.2.1"}));
  CHECK(tokens["reader"]["acls"].size() == tokens["everything"]["acls"].size());
}

TEST_CASE("api_token_get_details: by the token itself; unknown or expired: no data", "[api_tokens]") {
  TempRoot root;
  const std::string token = run_ok(root, {"api_token_create", "token_name=ci", "acl=list-accts"})["data"]["token"];
  auto details = run_ok(root, {"api_token_get_details", "token=" + token});
  CHECK(details["data"]["name"] == "ci");
  CHECK(details["data"]["acls"] == nlohmann::json({"list-accts"}));
  CHECK(details["data"].contains("token") == false);
  auto unknown = run_ok(root, {"api_token_get_details", "token=" + std::string(32, 'A')});
  CHECK(unknown["metadata"]["result"] == 1);
  CHECK(unknown.contains("data") == false);

  const std::string soon =
      run_ok(root, {"api_token_create", "token_name=soon", "expires_at=1800000000"})["data"]["token"];
  auto later =
      run_program({WHMAPI1_PATH, "--root=" + root.path, "--output=json", "api_token_get_details", "token=" + soon},
                  {{"WHMKIT_NOW", "1800000001"}});
  CHECK(nlohmann::json::parse(later.out).contains("data") == false);
}

TEST_CASE("api_token_update: rename, new ACLs, expiry and addresses; whitelist_ip=any clears", "[api_tokens]") {
  TempRoot root;
  const std::string token =
      run_ok(root, {"api_token_create", "token_name=ci", "acl=list-accts", "whitelist_ip=192.0.2.1"})["data"]["token"];
  auto updated = run_ok(root, {"api_token_update", "token_name=ci", "new_name=deploy", "acl-0=kill-acct",
                               "acl-1=create-acct", "expires_at=4102444800"})["data"];
  CHECK(updated["name"] == "deploy");
  CHECK(updated["acls"] == nlohmann::json({"create-acct", "kill-acct"}));
  CHECK(updated["expires_at"] == 4102444800);
  CHECK(updated["whitelist_ips"] == nlohmann::json({"192.0.2.1"}));
  // The token itself is unchanged: the same digest names the entry.
  auto stored = tokens_file(root, kRootTokens);
  CHECK(stored[whm::sha512_hex(token)]["name"] == "deploy");

  auto cleared = run_ok(root, {"api_token_update", "token_name=deploy", "whitelist_ip=any", "expires_at=0"})["data"];
  CHECK(cleared.contains("whitelist_ips") == false);
  CHECK(cleared["expires_at"].is_null());
  CHECK(cleared["acls"] == nlohmann::json({"create-acct", "kill-acct"}));  // no acl: kept
}

TEST_CASE("api_token_update refuses nothing to change, unknown tokens and taken names", "[api_tokens]") {
  TempRoot root;
  run_ok(root, {"api_token_create", "token_name=one"});
  run_ok(root, {"api_token_create", "token_name=two"});
  expect_refused(root, {"api_token_update", "token_name=one"},
                 "The system failed to update the API token: Specify a new name, updated ACLs, or IPs.");
  expect_refused(root, {"api_token_update", "token_name=ghost", "new_name=x"}, "The API token “ghost” does not exist.");
  expect_refused(root, {"api_token_update", "token_name=one", "new_name=two"},
                 "An API token with the name “two” already exists.");
  expect_refused(root, {"api_token_update", "token_name=one", "new_name=no/slash"}, "is not a valid API token name");
}

TEST_CASE("api_token_revoke: one or several by name; unknown names are passed over", "[api_tokens]") {
  TempRoot root;
  for (const char* name : {"a", "b", "c"}) run_ok(root, {"api_token_create", std::string("token_name=") + name});
  run_ok(root, {"api_token_revoke", "token_name-1=a", "token_name-2=c", "token_name-3=ghost"});
  auto tokens = run_ok(root, {"api_token_list"})["data"]["tokens"];
  CHECK(tokens.size() == 1);
  CHECK(tokens.contains("b"));
  CHECK_THAT(root.file("var/cpanel/accounting.log"), Contains(":REVOKEAPITOKEN:root:root:not-applicable:c"));
  expect_refused(root, {"api_token_revoke"}, "token_name");
}

TEST_CASE("a reseller's tokens: its own file, only privileges it has", "[api_tokens]") {
  TempRoot root;
  create_account(root, "res", "res.example", {"reseller=1"});
  run_ok(root, {"setacls", "reseller=res", "acl-manage-api-tokens=1", "acl-list-accts=1"});
  auto created = as_user(root, "res", {"api_token_create", "token_name=mine", "acl=list-accts"}).json();
  REQUIRE(created["metadata"]["result"] == 1);
  CHECK(root.exists("var/cpanel/authn/api_tokens_v2/whostmgr/res.json"));
  CHECK(!root.exists(kRootTokens));

  auto refused = as_user(root, "res", {"api_token_create", "token_name=more", "acl=kill-acct"}).json();
  CHECK(refused["metadata"]["result"] == 0);
  CHECK_THAT(refused["metadata"]["reason"].get<std::string>(),
             Contains("Invalid or unauthorized ACL specified: kill-acct"));

  // The list shows only the reseller's own privileges.
  auto tokens = as_user(root, "res", {"api_token_list"}).json()["data"]["tokens"];
  CHECK(tokens["mine"]["acls"] == nlohmann::json({{"list-accts", 1}, {"manage-api-tokens", 0}}));
  // root does not see them among its own.
  CHECK(run_ok(root, {"api_token_list"})["data"]["tokens"].empty());

  // Without manage-api-tokens the functions are refused.
  run_ok(root, {"setacls", "reseller=res", "acl-list-accts=1"});
  auto denied = as_user(root, "res", {"api_token_list"}).json();
  CHECK(denied["metadata"]["result"] == 0);
  CHECK_THAT(denied["metadata"]["reason"].get<std::string>(), Contains("manage-api-tokens"));

  // Removing the reseller's account removes its WHM tokens too.
  run_ok(root, {"removeacct", "user=res"});
  CHECK(!root.exists("var/cpanel/authn/api_tokens_v2/whostmgr/res.json"));
}

TEST_CASE("UAPI Tokens: create_full_access, list, rename, revoke", "[api_tokens]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  const char* rel = "var/cpanel/authn/api_tokens_v2/cpanel/bob.json";
  auto created = uapi_ok(root, "bob", {"Tokens", "create_full_access", "name=deploy", "expires_at=4102444800"});
  const auto& data = created["result"]["data"];
  CHECK(data.size() == 2);
  CHECK(is_token(data["token"]));
  auto stored = tokens_file(root, rel);
  CHECK(stored.begin().key() == whm::sha512_hex(data["token"].get<std::string>()));
  CHECK(stored.begin().value() == nlohmann::json({{"name", "deploy"},
                                                  {"create_time", data["create_time"]},
                                                  {"expires_at", 4102444800},
                                                  {"has_full_access", 1},
                                                  {"features", nlohmann::json::array()}}));
  auto st = lstat_of(root, rel);
  CHECK((st.st_mode & 07777) == 0640);
  CHECK((lstat_of(root, "var/cpanel/authn/api_tokens_v2/cpanel").st_mode & 07777) == 0711);

  uapi_ok(root, "bob", {"Tokens", "create_full_access", "name=another"});
  auto listed = uapi_ok(root, "bob", {"Tokens", "list"})["result"]["data"];
  REQUIRE(listed.size() == 2);
  CHECK(listed[0]["name"] == "another");
  CHECK(listed[0]["expires_at"].is_null());
  CHECK(listed[1]["has_full_access"] == 1);

  uapi_ok(root, "bob", {"Tokens", "rename", "name=another", "new_name=renamed"});
  CHECK(uapi_ok(root, "bob", {"Tokens", "list"})["result"]["data"][1]["name"] == "renamed");
  CHECK(uapi_ok(root, "bob", {"Tokens", "revoke", "name=renamed"})["result"]["data"] == 1);
  CHECK(uapi_ok(root, "bob", {"Tokens", "revoke", "name=renamed"})["result"]["data"] == 1);
  CHECK(uapi_ok(root, "bob", {"Tokens", "list"})["result"]["data"].size() == 1);
}

TEST_CASE("UAPI Tokens refuses bad names, a rename to itself and unknown tokens", "[api_tokens]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  uapi_ok(root, "bob", {"Tokens", "create_full_access", "name=one"});
  uapi_ok(root, "bob", {"Tokens", "create_full_access", "name=two"});
  expect_cpanel_refused(root, "uapi", "bob", {"Tokens", "create_full_access", "name=one"},
                        "A conflicting API token with the name “one” already exists.");
  expect_cpanel_refused(root, "uapi", "bob", {"Tokens", "create_full_access", "name=a.b"},
                        "“a.b” is not a valid API token name.");
  expect_cpanel_refused(root, "uapi", "bob", {"Tokens", "create_full_access", "name=x", "expires_at=5"},
                        "must be a future date");
  expect_cpanel_refused(root, "uapi", "bob", {"Tokens", "rename", "name=one", "new_name=one"},
                        "“new_name” must be a different value from “name”.");
  expect_cpanel_refused(root, "uapi", "bob", {"Tokens", "rename", "name=ghost", "new_name=x"},
                        "The API token “ghost” does not exist.");
  expect_cpanel_refused(root, "uapi", "bob", {"Tokens", "rename", "name=one", "new_name=two"},
                        "An API token with the name “two” already exists.");
}

TEST_CASE("cPanel tokens follow the account: rename moves them, removal deletes them", "[api_tokens]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  uapi_ok(root, "bob", {"Tokens", "create_full_access", "name=deploy"});
  const std::string before = root.file("var/cpanel/authn/api_tokens_v2/cpanel/bob.json");
  run_ok(root, {"modifyacct", "user=bob", "newuser=robert"});
  CHECK(!root.exists("var/cpanel/authn/api_tokens_v2/cpanel/bob.json"));
  CHECK(root.file("var/cpanel/authn/api_tokens_v2/cpanel/robert.json") == before);
  run_ok(root, {"removeacct", "user=robert"});
  CHECK(!root.exists("var/cpanel/authn/api_tokens_v2/cpanel/robert.json"));
}

TEST_CASE("accesshash: generate writes root's, read gives it without line breaks", "[api_tokens]") {
  TempRoot root;
  expect_refused(root, {"accesshash", "user=root", "generate=0"}, "No accesshash exists for root");
  auto made = run_ok(root, {"accesshash", "user=root", "generate=1"})["data"]["accesshash"].get<std::string>();
  CHECK(std::regex_match(made, std::regex("[0-9a-f]{928}")));
  const std::string file = root.file("root/.accesshash");
  CHECK(file.find('\n') != std::string::npos);
  CHECK((lstat_of(root, "root/.accesshash").st_mode & 07777) == 0600);
  CHECK(run_ok(root, {"accesshash", "user=root", "generate=0"})["data"]["accesshash"] == made);
  CHECK(run_ok(root, {"accesshash", "user=root", "generate=1"})["data"]["accesshash"] != made);
}

TEST_CASE("accesshash: a reseller's in its home, never through a symlink; others refused", "[api_tokens]") {
  TempRoot root;
  create_account(root, "res", "res.example", {"reseller=1"});
  create_account(root, "bob", "bob.example");
  auto made = run_ok(root, {"accesshash", "user=res", "generate=1"})["data"]["accesshash"];
  CHECK(root.exists("home/res/.accesshash"));
  CHECK(lstat_of(root, "home/res/.accesshash").st_uid == (::geteuid() == 0 ? uid_of(root, "res") : ::geteuid()));
  auto own = as_user(root, "res", {"accesshash", "user=res", "generate=0"}).json();
  CHECK(own["data"]["accesshash"] == made);
  expect_refused(root, {"accesshash", "user=bob", "generate=1"}, "User bob is not a reseller.");
  auto other = as_user(root, "res", {"accesshash", "user=root", "generate=0"}).json();
  CHECK(other["metadata"]["result"] == 0);

  ::unlink((root.path + "/home/res/.accesshash").c_str());
  REQUIRE(::symlink((root.path + "/etc/shadow").c_str(), (root.path + "/home/res/.accesshash").c_str()) == 0);
  expect_refused(root, {"accesshash", "user=res", "generate=0"}, "it is a symbolic link");
  expect_refused(root, {"accesshash", "user=res", "generate=1"}, "it is a symbolic link");
}
