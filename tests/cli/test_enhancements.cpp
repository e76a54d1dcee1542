// Account Enhancements and their reseller limits (commands/enhancements.cpp),
// and the public contact information (commands/public_contact.cpp): each
// function's output and the files it writes, and bad input that changes nothing.
#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {

const char* kInstalled = "var/cpanel/account_enhancements/config/installed.json";
const char* kDeluxe = "var/cpanel/account_enhancements/WP Deluxe.json";

// What a plugin's installer leaves: the ids an enhancement may use.
void install_plugins(const TempRoot& root) {
  root.write(kInstalled, R"({"WP Toolkit Deluxe":{"id":"wp-toolkit-deluxe","plugin_id":"wp-toolkit"},)"
                         R"("Quacken":{"id":"quacken","plugin_id":"release-the-quacken"}})");
}

// A reseller alice with carol and erin, root's bob, one enhancement.
void build_server(const TempRoot& root) {
  install_plugins(root);
  create_account(root, "alice", "alice.example");
  run_ok(root, {"setupreseller", "user=alice"});
  create_account(root, "carol", "carol.example", {"owner=alice"});
  create_account(root, "erin", "erin.example", {"owner=alice"});
  create_account(root, "bob", "bob.example");
  run_ok(root, {"create_account_enhancement", "name=WP Deluxe", "id=wp-toolkit-deluxe"});
}

std::string cpuser(const TempRoot& root, const std::string& user) { return root.file("var/cpanel/users/" + user); }

}  // namespace

TEST_CASE("create, list, modify and delete account enhancements", "[enhancements]") {
  TempRoot root;
  install_plugins(root);
  auto created = run_ok(root, {"create_account_enhancement", "name=WP Deluxe", "id=wp-toolkit-deluxe"});
  CHECK(created["data"] == nlohmann::json({{"name", "WP Deluxe"}}));
  CHECK(nlohmann::json::parse(root.file(kDeluxe)) ==
        nlohmann::json({{"id", "wp-toolkit-deluxe"}, {"name", "WP Deluxe"}}));
  run_ok(root, {"create_account_enhancement", "name=another", "id=quacken"});
  auto listed = run_ok(root, {"list_account_enhancements"});
  CHECK(listed["data"]["enhancements"] ==
        nlohmann::json::parse(R"([{"id":"quacken","name":"another"},{"id":"wp-toolkit-deluxe","name":"WP Deluxe"}])"));
  CHECK(listed["metadata"]["output"].is_null());

  auto modified = run_ok(root, {"modify_account_enhancement", "name=WP Deluxe", "id=quacken"});
  CHECK(modified["data"] == nlohmann::json({{"id", "quacken"}, {"name", "WP Deluxe"}}));
  CHECK(nlohmann::json::parse(root.file(kDeluxe))["id"] == "quacken");

  // A file whose id no plugin defines is listed with a warning, as cPanel does.
  root.write("var/cpanel/account_enhancements/old.json", R"({"id":"bad-id","name":"old"})");
  auto warned = run_ok(root, {"list_account_enhancements"});
  CHECK(warned["data"]["enhancements"].size() == 3);
  CHECK_THAT(warned["metadata"]["output"]["warnings"][0].get<std::string>(),
             Contains("“/var/cpanel/account_enhancements/old.json” contains an invalid enhancement “id”: “bad-id”"));

  run_ok(root, {"delete_account_enhancement", "name=another"});
  CHECK_FALSE(root.exists("var/cpanel/account_enhancements/another.json"));

  // Bad input changes nothing.
  expect_refused(root, {"create_account_enhancement", "name=x", "id=not-installed"},
                 "The “not-installed” enhancement ID is not valid.");
  expect_refused(root, {"create_account_enhancement", "name=wp deluxe", "id=quacken"},
                 "The “wp deluxe” enhancement name already exists on the system.");
  expect_refused(root, {"create_account_enhancement", "name=../escape", "id=quacken"},
                 "enhancement name is reserved or contains unsupported characters");
  expect_refused(root, {"create_account_enhancement", "name=KEY=VALUE", "id=quacken"},
                 "reserved or contains unsupported characters");
  expect_refused(root, {"create_account_enhancement", "name=" + std::string(81, 'x'), "id=quacken"},
                 "must be between “1” and “80” characters");
  expect_refused(root, {"modify_account_enhancement", "name=WP Deluxe"},
                 "You must provide updated values to update an enhancement.");
  expect_refused(root, {"delete_account_enhancement", "name=nothing"},
                 "The system was unable to find the “nothing” enhancement.");
}

TEST_CASE("assign and unassign: the cpuser key, and the reseller's usage", "[enhancements]") {
  TempRoot root;
  build_server(root);
  run_ok(root, {"assign_account_enhancement", "account=bob", "name=WP Deluxe"});
  CHECK_THAT(cpuser(root, "bob"), Contains("\nACCOUNT-ENHANCEMENT-WP Deluxe=wp-toolkit-deluxe\n"));
  expect_refused(root, {"assign_account_enhancement", "account=bob", "name=WP Deluxe"},
                 "The “bob” account already has access to the “WP Deluxe” enhancement.");
  expect_refused(root, {"assign_account_enhancement", "account=bob", "name=nothing"},
                 "The system was unable to find the “nothing” enhancement.");
  expect_refused(root, {"assign_account_enhancement", "account=nobody", "name=WP Deluxe"}, "nobody");

  // Root assigns to a reseller's account without limits; the usage is counted.
  run_ok(root, {"assign_account_enhancement", "account=carol", "name=WP Deluxe"});
  auto limits = run_ok(root, {"list_enhancement_limits", "account=alice"});
  CHECK(limits["data"]["limits"] ==
        nlohmann::json::parse(R"({"wp-toolkit-deluxe":{"limit":0,"limited":1,"usage":1}})"));
  CHECK_THAT(root.file("var/cpanel/reseller-limits.yaml"), Contains("usage: 1"));

  run_ok(root, {"unassign_account_enhancement", "account=carol", "name=WP Deluxe"});
  CHECK_THAT(cpuser(root, "carol"), !Contains("ACCOUNT-ENHANCEMENT-"));
  CHECK(run_ok(root, {"list_enhancement_limits", "account=alice"})["data"]["limits"]["wp-toolkit-deluxe"]["usage"] ==
        0);
  expect_refused(root, {"unassign_account_enhancement", "account=carol", "name=WP Deluxe"},
                 "The “carol” account does not have access to the “WP Deluxe” enhancement.");

  // A deleted enhancement's assignment can still be taken away.
  run_ok(root, {"delete_account_enhancement", "name=WP Deluxe"});
  run_ok(root, {"unassign_account_enhancement", "account=bob", "name=WP Deluxe"});
  CHECK_THAT(cpuser(root, "bob"), !Contains("ACCOUNT-ENHANCEMENT-"));
  expect_check_clean(root);
}

TEST_CASE("a reseller assigns within its limits, to its own accounts only", "[enhancements]") {
  TempRoot root;
  build_server(root);
  run_ok(root, {"setacls", "reseller=alice", "acl-assign-root-account-enhancements=1"});
  // No limit set: cPanel's default is limited to none.
  expect_refused(root, {"--user=alice", "assign_account_enhancement", "account=carol", "name=WP Deluxe"},
                 "You have reached the maximum number of “0” assignments for the “wp-toolkit-deluxe” Account "
                 "Enhancement ID.");
  run_ok(root, {"set_enhancement_limit", "account=alice", "id=wp-toolkit-deluxe", "limited=1", "limit=1"});
  run_ok(root, {"--user=alice", "assign_account_enhancement", "account=carol", "name=WP Deluxe"});
  expect_refused(root, {"--user=alice", "assign_account_enhancement", "account=erin", "name=WP Deluxe"},
                 "maximum number of “1” assignments");
  // Not root's account, nor its own limits of another reseller.
  expect_refused(root, {"--user=alice", "assign_account_enhancement", "account=bob", "name=WP Deluxe"},
                 "does not own the account “bob”");
  expect_refused(root, {"--user=alice", "set_enhancement_limit", "account=alice", "id=wp-toolkit-deluxe", "limited=0"},
                 "“all” privilege");
  CHECK(run_ok(root, {"--user=alice", "list_enhancement_limits", "account=alice"})["data"]["limits"] ==
        nlohmann::json::parse(R"({"wp-toolkit-deluxe":{"limit":1,"limited":1,"usage":1}})"));

  run_ok(root, {"set_enhancement_limit", "account=alice", "id=wp-toolkit-deluxe", "limited=0"});
  run_ok(root, {"--user=alice", "assign_account_enhancement", "account=erin", "name=WP Deluxe"});
  CHECK(run_ok(root, {"list_enhancement_limits", "account=alice"})["data"]["limits"]["wp-toolkit-deluxe"] ==
        nlohmann::json::parse(R"({"limit":1,"limited":0,"usage":2})"));

  // Bad input.
  expect_refused(root, {"set_enhancement_limit", "account=bob", "id=wp-toolkit-deluxe", "limited=0"},
                 "The “bob” cPanel account is not a reseller.");
  expect_refused(root, {"set_enhancement_limit", "account=alice", "id=wp-toolkit-deluxe", "limited=1"},
                 "Missing required parameter “limit”");
  expect_refused(root, {"set_enhancement_limit", "account=alice", "id=nope", "limited=0"},
                 "The “nope” enhancement ID is not valid.");
  expect_refused(root, {"list_enhancement_limits", "account=bob"}, "The “bob” cPanel account is not a reseller.");
}

TEST_CASE("assignments follow the account: removal, rename and restore keep the usage right", "[enhancements]") {
  TempRoot root;
  build_server(root);
  run_ok(root, {"assign_account_enhancement", "account=carol", "name=WP Deluxe"});
  run_ok(root, {"assign_account_enhancement", "account=erin", "name=WP Deluxe"});
  auto usage = [&] {
    return run_ok(root, {"list_enhancement_limits", "account=alice"})["data"]["limits"]["wp-toolkit-deluxe"]["usage"];
  };
  CHECK(usage() == 2);
  // pkgacct keeps the assignment in the cpuser file; removal drops the usage.
  run_ok(root, {"suspendacct", "user=erin"});
  CHECK_THAT(cpuser(root, "erin"), Contains("ACCOUNT-ENHANCEMENT-WP Deluxe=wp-toolkit-deluxe"));
  run_ok(root, {"removeacct", "user=erin"});
  CHECK(usage() == 1);
  CHECK_THAT(root.file("var/cpanel/reseller-limits.yaml"), Contains("usage: 1"));
  expect_check_clean(root);

  // A stale count is reported by whmkit-check.
  auto yaml = root.file("var/cpanel/reseller-limits.yaml");
  root.write("var/cpanel/reseller-limits.yaml", yaml.replace(yaml.find("usage: 1"), 8, "usage: 5"));
  auto check = run_program({std::string(WHMKIT_CHECK_PATH), "--root=" + root.path});
  CHECK_THAT(check.out + check.err, Contains("counts 5 assignments"));
}

TEST_CASE("get_public_contact and set_public_contact", "[public_contact]") {
  TempRoot root;
  create_account(root, "alice", "alice.example");
  run_ok(root, {"setupreseller", "user=alice"});
  run_ok(root, {"setacls", "reseller=alice", "acl-public-contact=1"});
  CHECK(run_ok(root, {"get_public_contact"})["data"] == nlohmann::json({{"name", ""}, {"url", ""}}));

  run_ok(root, {"set_public_contact", "name=Root Hosting", "url=roothosting.example"});
  CHECK(nlohmann::json::parse(root.file("var/cpanel/public_contact/root")) ==
        nlohmann::json({{"name", "Root Hosting"}, {"url", "http://roothosting.example"}}));
  // A reseller without its own shows root's, then sets its own (only the name: the url stays empty).
  CHECK(run_ok(root, {"--user=alice", "get_public_contact"})["data"]["name"] == "Root Hosting");
  run_ok(root, {"--user=alice", "set_public_contact", "name=Alice's Hosting"});
  CHECK(nlohmann::json::parse(root.file("var/cpanel/public_contact/alice")) ==
        nlohmann::json({{"name", "Alice's Hosting"}, {"url", ""}}));
  run_ok(root, {"--user=alice", "set_public_contact", "url=mailto:help@alice.example"});
  CHECK(run_ok(root, {"--user=alice", "get_public_contact"})["data"] ==
        nlohmann::json({{"name", "Alice's Hosting"}, {"url", "mailto:help@alice.example"}}));
  CHECK(nlohmann::json::parse(root.file("var/cpanel/public_contact/root"))["name"] == "Root Hosting");

  // The reseller's file follows its account.
  run_ok(root, {"removeacct", "user=alice"});
  CHECK_FALSE(root.exists("var/cpanel/public_contact/alice"));

  // Bad input.
  expect_refused(root, {"set_public_contact"}, "Need at least one of: url, name");
  expect_refused(root, {"set_public_contact", "name=" + std::string(1025, 'x')}, "at most 1024 bytes");
}
