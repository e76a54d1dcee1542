// Updates (commands/updates.cpp): cpupdate.conf, the cached tier list, the
// EULA touch file, installed versions from the package database, and the
// honest refusals of what only cPanel's update servers or updater can do.
#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {

// The shape of cPanel's TIERS.json (as its updater caches it).
const char* kTiers = R"({
  "branch": {"11.118.0": [{"build": "11.118.0.15", "is_main": 1}]},
  "flags": {"is_main": 1},
  "tiers": {
    "11.116": [{"build": "11.116.0.20", "expires": "1700000000", "is_lts": 1, "is_main": 1}],
    "11.118": [{"build": "11.118.0.14", "is_main": 0, "named": ["stable"]},
               {"build": "11.118.0.15", "expires": "4102444800", "is_lts": 1, "is_main": 1, "named": ["lts"]}],
    "11.120": [{"build": "11.120.0.16", "is_main": 1, "named": ["current", "edge", "release"]}]
  }
})";

}  // namespace

TEST_CASE("set_tier and set_cpanel_updates write cpupdate.conf", "[updates]") {
  TempRoot root;
  auto tier = run_ok(root, {"set_tier", "tier=current"});
  CHECK(tier["metadata"]["reason"] == "Update tier successfully changed to current");
  CHECK(tier["data"] == nlohmann::json({{"tier", "current"}}));
  CHECK(root.file("etc/cpupdate.conf") ==
        "CPANEL=current\nRPMUP=daily\nSARULESUP=daily\nSTAGING_DIR=/usr/local/cpanel\nUPDATES=daily\n");
  auto updates = run_ok(root, {"set_cpanel_updates", "updates=manual"});
  CHECK(updates["metadata"]["reason"] == "Cpanel update frequency set to manual");
  CHECK(updates["data"] == nlohmann::json({{"updates", "manual"}}));
  CHECK_THAT(root.file("etc/cpupdate.conf"), Contains("\nUPDATES=manual\n"));
  // An explicit build is a tier too; a tier the cached list knows as well.
  run_ok(root, {"set_tier", "tier=11.118.0.15"});
  CHECK_THAT(root.file("etc/cpupdate.conf"), Contains("CPANEL=11.118.0.15\n"));
  root.write("etc/cpanel/TIERS.json", kTiers);
  run_ok(root, {"set_tier", "tier=11.116"});
  // Bad input: cPanel's wordings, nothing changed.
  expect_refused(root, {"set_tier", "tier=bleeding"}, "Error: \"bleeding\" is an invalid tier. Tier is set to 11.116");
  expect_refused(root, {"set_cpanel_updates", "updates=hourly"},
                 "Error: hourly is an unsupported update frequency (daily/manual/never). Frequency is now manual");
}

TEST_CASE("accept_eula: the touch file under var/cpanel/activate", "[updates]") {
  TempRoot root;
  auto out = run_ok(root, {"accept_eula"});
  CHECK(out["metadata"]["result"] == 1);
  CHECK(root.exists("var/cpanel/activate/2024-05.v01.GDPR.CPWHMEULA"));
  expect_refused(root, {"--strict", "accept_eula", "agree=1"}, "“agree”");
}

TEST_CASE("the tier list: read from the cached TIERS.json, never invented", "[updates]") {
  TempRoot root;
  // Without the cached list: honest refusals naming where it comes from.
  expect_refused(root, {"get_available_tiers"}, "httpupdate.cpanel.net");
  expect_refused(root, {"get_lts_wexpire"}, "Failed to retrieve long term support information.");
  expect_refused(root, {"get_current_lts_expiration_status"}, "Not a long term support version");
  expect_refused(root, {"get_update_availability"}, "/usr/local/cpanel/version");

  root.write("etc/cpanel/TIERS.json", kTiers);
  auto tiers = run_ok(root, {"get_available_tiers"});
  CHECK(tiers["metadata"]["reason"] == "Got tiers list");
  CHECK(tiers["data"] == nlohmann::json::parse(R"({"11.116":"11.116.0.20","11.118":"11.118.0.15",
      "11.120":"11.120.0.16","current":"11.120.0.16","edge":"11.120.0.16","lts":"11.118.0.15",
      "release":"11.120.0.16","stable":"11.118.0.14"})"));
  CHECK(run_ok(root, {"get_lts_wexpire"})["data"] == nlohmann::json::parse(kTiers));

  root.write("usr/local/cpanel/version", "11.118.0.14\n");
  auto lts = run_ok(root, {"get_current_lts_expiration_status"});
  CHECK(lts["data"] ==
        nlohmann::json(
            {{"expiration", 4102444800LL}, {"expires_in_next_three_months", 0}, {"full_version", "11.118.0.14"}}));
  auto available = run_ok(root, {"get_update_availability"});
  CHECK(available["data"] == nlohmann::json({{"current_version", "118.0.14"},
                                             {"newest_version", "120.0.16"},
                                             {"tier", "release"},
                                             {"update_available", 1}}));
}

TEST_CASE("start_cpanel_update refuses: whmkit is not updated by cPanel's updater", "[updates]") {
  TempRoot root;
  expect_refused(root, {"start_cpanel_update"}, "not updated by cPanel’s updater");
  expect_refused(root, {"start_cpanel_update", "mode=bogus"}, "mode");
}

TEST_CASE("installed_versions: from the package database and os-release", "[updates]") {
  TempRoot root;
  root.write("var/lib/dpkg/status",
             "Package: bind9\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1:9.18.28-1~deb12u2\n\n"
             "Package: pure-ftpd\nStatus: install ok installed\nArchitecture: amd64\nVersion: 1.0.50-2.1\n\n"
             "Package: exim4-base\nStatus: deinstall ok config-files\nArchitecture: amd64\nVersion: 4.96-15\n\n"
             "Package: php8.2\nStatus: install ok installed\nArchitecture: all\nVersion: 8.2.20-1\n");
  root.write("etc/os-release", "ID=debian\nVERSION_ID=\"12\"\n");
  auto out = run_ok(root, {"installed_versions"});
  const auto& data = out["data"];
  CHECK(data["bind"] == "9.18.28-1~deb12u2");
  CHECK(data["pureftpd"] == "1.0.50");
  CHECK(data["exim"] == 0);  // only its configuration is left
  CHECK(data["apache_php_versions"] == nlohmann::json({"8.2"}));
  CHECK(data["operating_system_name"] == "debian");
  CHECK(data["operating_system_version"] == "12");
  CHECK_FALSE(data.contains("os_packages"));
  auto with = run_ok(root, {"installed_versions", "packages=1"});
  CHECK(with["data"]["os_packages"] ==
        nlohmann::json({"bind9-9.18.28-1~deb12u2.amd64", "php8.2-8.2.20-1.all", "pure-ftpd-1.0.50-2.1.amd64"}));
  expect_refused(root, {"installed_versions", "packages=2"}, "packages");
}

TEST_CASE("manage_features: whmkit ships no Feature Showcase drivers", "[updates]") {
  TempRoot root;
  CHECK(run_ok(root, {"manage_features", "action=info"})["data"] == nlohmann::json::object());
  expect_refused(root, {"manage_features", "action=list"}, "No features found.");
  auto enable = run(root, {"manage_features", "action=enable", "features=piped_logging"}).json();
  CHECK(enable["metadata"]["result"] == 0);
  CHECK(enable["metadata"]["reason"] == "errors recorded");
  CHECK(enable["metadata"]["errors"]["error"] == nlohmann::json({"piped_logging is not a valid feature."}));
  CHECK(enable["data"]["action"][0] == nlohmann::json({{"feature", "piped_logging"}, {"status", "skipped"}}));
  expect_refused(root, {"manage_features", "action=explode"}, "action");
}

TEST_CASE("update_updateconf changes the keys given and keeps the others", "[updates]") {
  TempRoot root;
  run_ok(root, {"set_tier", "tier=stable"});
  auto r = run_ok(root, {"update_updateconf", "RPMUP=manual", "UPDATES=Never", "STAGING_DIR=/home/cpupdate"});
  CHECK(r["metadata"]["reason"] == "OK");
  CHECK(root.file("etc/cpupdate.conf") ==
        "CPANEL=stable\nRPMUP=manual\nSARULESUP=daily\nSTAGING_DIR=/home/cpupdate\nUPDATES=never\n");
  run_ok(root, {"update_updateconf", "CPANEL=RELEASE"});
  CHECK_THAT(root.file("etc/cpupdate.conf"), Contains("CPANEL=release\nRPMUP=manual\n"));

  // Bad input: every value is checked first, and the file stays as it was.
  const std::string before = root.file("etc/cpupdate.conf");
  for (const auto& bad : std::vector<std::string>{"SARULESUP=weekly", "CPANEL=tomorrow", "STAGING_DIR=relative/dir",
                                                  "STAGING_DIR=/usr/../etc", "STAGING_DIR=/a\nUPDATES=never"}) {
    auto refused = run(root, {"update_updateconf", "RPMUP=daily", bad});
    CHECK(refused.json()["metadata"]["result"] == 0);
    CHECK(root.file("etc/cpupdate.conf") == before);
  }
}
