// Email's mail exchangers: the MX records of the account's zones (UAPI
// list_mxs, add_mx, change_mx, delete_mx; API 2 listmx, listmxs, addmx,
// changemx, delmx) and the setting they are checked against (checkmx).
#include <catch2/catch.hpp>

#include "harness.hpp"

using Catch::Matchers::Contains;
using test::api2_data;
using test::create_account;
using test::expect_cpanel_refused;
using test::run_ok;
using test::TempRoot;
using test::uapi_ok;

namespace {

std::string zone_file(const TempRoot& root, const std::string& zone) { return root.file("var/named/" + zone + ".db"); }

bool listed(const TempRoot& root, const std::string& list, const std::string& domain) {
  return ("\n" + root.file("etc/" + list)).find("\n" + domain + "\n") != std::string::npos;
}

}  // namespace

TEST_CASE("API 2 Email MX functions edit the zone's MX records", "[email_mx][api2_email_mx]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto list = api2_data(root, "bob", {"Email", "listmx", "domain=bob.example"});
  REQUIRE(list.size() == 1);
  CHECK(list[0]["statusmsg"] == "Fetched MX List");
  CHECK(list[0]["detected"] == "local");
  CHECK(list[0]["mxcheck"] == "local");
  REQUIRE(list[0]["entries"].size() == 1);
  CHECK(list[0]["entries"][0]["mx"] == "bob.example");
  CHECK(list[0]["entries"][0]["priority"] == "0");

  auto added =
      api2_data(root, "bob", {"Email", "addmx", "domain=bob.example", "exchange=mx.remote.example", "preference=20"});
  CHECK(added[0]["status"] == 1);
  CHECK(added[0]["checkmx"]["changed"] == 0);  // the setting is "local": the lists stay
  CHECK_THAT(added[0]["statusmsg"].get<std::string>(), Contains("Added entry:"));
  CHECK_THAT(zone_file(root, "bob.example"), Contains("bob.example.\t14400\tIN\tMX\t20\tmx.remote.example.\n"));
  api2_data(root, "bob",
            {"Email", "changemx", "domain=bob.example", "exchange=mx2.remote.example", "oldexchange=mx.remote.example",
             "oldpreference=20", "preference=5"});
  CHECK_THAT(zone_file(root, "bob.example"), Contains("\tMX\t5\tmx2.remote.example.\n"));
  // alwaysaccept=auto: with the server's own exchanger gone, the remote one is the most preferred.
  auto removed =
      api2_data(root, "bob", {"Email", "delmx", "domain=bob.example", "exchange=bob.example", "alwaysaccept=auto"});
  CHECK(removed[0]["checkmx"]["detected"] == "remote");
  CHECK(removed[0]["checkmx"]["mxcheck"] == "auto");
  CHECK(removed[0]["checkmx"]["changed"] == 1);
  CHECK(listed(root, "remotedomains", "bob.example"));
  CHECK_FALSE(listed(root, "localdomains", "bob.example"));
  CHECK_THAT(root.file("var/cpanel/users/bob"), Contains("MXCHECK-bob.example=auto\n"));
  auto remote = api2_data(root, "bob", {"Email", "listmxs", "domain=bob.example"});
  CHECK(remote[0]["detected"] == "remote");
  CHECK(remote[0]["mx"] == "mx2.remote.example");
  api2_data(root, "bob", {"Email", "delmx", "domain=bob.example", "exchange=mx2.remote.example", "preference=5"});
  CHECK(zone_file(root, "bob.example").find("mx2.remote.example") == std::string::npos);
  // No MX record left: auto means local again.
  CHECK(listed(root, "localdomains", "bob.example"));
  expect_cpanel_refused(root, "cpapi2", "bob", {"Email", "delmx", "domain=bob.example", "exchange=nosuch.example"},
                        "no MX record");
  expect_cpanel_refused(root, "cpapi2", "bob",
                        {"Email", "addmx", "domain=bob.example", "exchange=bad host", "preference=1"}, "exchange");
}

TEST_CASE("UAPI Email add_mx, change_mx, delete_mx and list_mxs", "[email_mx]") {
  TempRoot root;
  create_account(root, "bob", "bob.example", {"maxpark=unlimited"});
  run_ok(root,
         {"create_parked_domain_for_user", "username=bob", "domain=park.example", "web_vhost_domain=bob.example"});

  auto all = uapi_ok(root, "bob", {"Email", "list_mxs"})["result"]["data"];
  REQUIRE(all.size() == 2);  // every domain of the account with a zone
  CHECK(all[0]["domain"] == "bob.example");
  CHECK(all[1]["domain"] == "park.example");
  CHECK(all[0]["entries"][0]["priority"] == 0);  // UAPI: a number

  auto added = uapi_ok(
      root, "bob", {"Email", "add_mx", "domain=bob.example", "exchanger=mx.remote.example", "priority=5"})["result"];
  CHECK(added["data"]["status"] == 1);
  CHECK(added["data"]["checkmx"]["mxcheck"] == "auto");  // alwaysaccept's default, 0
  CHECK_THAT(root.file("var/cpanel/users/bob"), Contains("MXCHECK-bob.example=auto\n"));
  CHECK(added["data"]["checkmx"]["detected"] == "local");
  CHECK(added["data"]["checkmx"]["isprimary"] == 1);
  CHECK(added["data"]["results"] == "Added entry:\n");
  CHECK_THAT(zone_file(root, "bob.example"), Contains("bob.example.\t14400\tIN\tMX\t5\tmx.remote.example.\n"));

  // The server's own exchanger replaced: the remote one is now the most preferred.
  auto changed = uapi_ok(root, "bob",
                         {"Email", "change_mx", "domain=bob.example", "exchanger=mx2.remote.example",
                          "oldexchanger=bob.example", "priority=1", "oldpriority=0", "alwaysaccept=0"})["result"];
  CHECK(changed["data"]["checkmx"]["mxcheck"] == "auto");
  CHECK(changed["data"]["checkmx"]["detected"] == "remote");
  CHECK(changed["data"]["checkmx"]["remote"] == 1);
  CHECK(changed["data"]["checkmx"]["changed"] == 1);
  CHECK_THAT(changed["data"]["results"].get<std::string>(),
             Contains("Replacing existing entry on line matched old entry and old priority: "));
  CHECK_THAT(zone_file(root, "bob.example"), Contains("\tMX\t1\tmx2.remote.example.\n"));
  CHECK(listed(root, "remotedomains", "bob.example"));

  auto one = uapi_ok(root, "bob", {"Email", "list_mxs", "domain=bob.example"})["result"]["data"];
  REQUIRE(one.size() == 1);
  CHECK(one[0]["mx"] == "mx2.remote.example");
  CHECK(one[0]["mxcheck"] == "auto");
  CHECK(one[0]["detected"] == "remote");
  CHECK(one[0]["alwaysaccept"] == 0);
  REQUIRE(one[0]["entries"].size() == 2);
  CHECK(one[0]["entries"][1]["row"] == "even");

  auto deleted =
      uapi_ok(root, "bob", {"Email", "delete_mx", "domain=bob.example", "exchanger=mx2.remote.example", "priority=1"});
  CHECK(deleted["result"]["data"]["results"] == "Removed entry: bob.example. IN MX 1 mx2.remote.example\n");
  CHECK(deleted["result"]["data"]["checkmx"]["detected"] == "remote");
  // No MX record left: auto means local again.
  deleted =
      uapi_ok(root, "bob", {"Email", "delete_mx", "domain=bob.example", "exchanger=mx.remote.example", "priority=5"});
  CHECK(deleted["result"]["data"]["checkmx"]["detected"] == "local");
  CHECK(listed(root, "localdomains", "bob.example"));
  CHECK_FALSE(listed(root, "remotedomains", "bob.example"));
  test::expect_check_clean(root);

  // Bad input changes nothing.
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Email", "delete_mx", "domain=bob.example", "exchanger=mx2.remote.example", "priority=1"},
                        "has no MX record for “mx2.remote.example” with priority 1");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Email", "add_mx", "domain=bob.example", "exchanger=mx.example%0aevil", "priority=1"},
                        "exchanger");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Email", "add_mx", "domain=bob.example", "exchanger=mx.example", "priority=70000"},
                        "priority");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "add_mx", "domain=bob.example", "exchanger=mx.example"},
                        "priority");
  create_account(root, "eve", "eve.example");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Email", "add_mx", "domain=eve.example", "exchanger=mx.example", "priority=1"}, "eve.example");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "list_mxs", "domain=eve.example"}, "eve.example");
  run_ok(root, {"add_override_features_for_user", "user=bob", R"(features={"changemx":0})"});
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Email", "add_mx", "domain=bob.example", "exchanger=mx.example", "priority=1"},
                        "You do not have the feature “changemx”.");
  uapi_ok(root, "bob", {"Email", "list_mxs"});  // reading needs no feature
}
