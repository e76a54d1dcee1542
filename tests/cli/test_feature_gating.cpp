// cPanel API functions gated by the account's features: a disabled feature
// refuses the call (also through WHM's passthrough) and changes nothing.
#include <catch2/catch.hpp>

#include "harness.hpp"

using test::cpanel_error;
using test::create_account;
using test::expect_cpanel_refused;
using test::run;
using test::run_cpanel;
using test::run_ok;
using test::TempRoot;
using test::uapi_ok;

TEST_CASE("a feature the account lacks refuses its module's functions", "[features][ftp][cron]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  uapi_ok(root, "bob", {"Ftp", "list_ftp"});
  uapi_ok(root, "bob", {"Cron", "list_cron"});

  SECTION("an override on the account") {
    run_ok(root, {"add_override_features_for_user", "user=bob", R"(features={"ftpaccts":0,"cron":0})"});
  }
  SECTION("the account's feature list") {
    run_ok(root, {"create_featurelist", "featurelist=noftp", "ftpaccts=0", "cron=0"});
    run_ok(root, {"addpkg", "name=noftp", "featurelist=noftp"});
    run_ok(root, {"changepackage", "user=bob", "pkg=noftp"});
  }
  SECTION("the server's \"disabled\" list, whatever the account's list says") {
    run_ok(root, {"update_featurelist", "featurelist=disabled", "ftpaccts=0", "cron=0"});
  }

  expect_cpanel_refused(root, "uapi", "bob", {"Ftp", "add_ftp", "user=web", "pass=Sx9!kd7Qz-2p"},
                        "You do not have the feature “ftpaccts”.");
  expect_cpanel_refused(root, "cpapi2", "bob", {"Ftp", "listftp"}, "You do not have the feature “ftpaccts”.");
  expect_cpanel_refused(root, "uapi", "bob", {"Cron", "list_cron"}, "You do not have the feature “cron”.");
  // Facts about the server are not the account's feature.
  uapi_ok(root, "bob", {"Ftp", "get_port"});
  // FTP Connections is a feature of its own.
  uapi_ok(root, "bob", {"Ftp", "list_sessions"});

  // WHM's passthrough runs the call as the account, with its features.
  auto passthrough = run(root, {"uapi_cpanel", "cpanel.user=bob", "cpanel.module=Ftp", "cpanel.function=list_ftp"});
  REQUIRE(passthrough.status == 0);
  auto j = passthrough.json();
  CHECK(j["metadata"]["result"] == 0);
  CHECK(j["data"]["uapi"]["errors"][0] == "You do not have the feature “ftpaccts”.");
}

TEST_CASE("enabling the feature again lets the call through", "[features][ftp]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  run_ok(root, {"add_override_features_for_user", "user=bob", R"(features={"ftpaccts":0})"});
  auto refused = run_cpanel(root, "uapi", "bob", {"Ftp", "list_ftp"});
  CHECK(cpanel_error(refused.json()) == "You do not have the feature “ftpaccts”.");
  run_ok(root, {"remove_override_features_for_user", "user=bob", R"(features=["ftpaccts"])"});
  uapi_ok(root, "bob", {"Ftp", "list_ftp"});
}
