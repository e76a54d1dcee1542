#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {
int has_feature(const TempRoot& root, const std::string& user, const std::string& feature) {
  return run(root, {"verify_user_has_feature", "user=" + user, "feature=" + feature}).json()["data"]["has_feature"];
}
}  // namespace

TEST_CASE("feature lists: create, update, list, read, delete",
          "[create_featurelist][update_featurelist][get_featurelists][get_featurelist_data][delete_featurelist]") {
  TempRoot root;
  auto c = run(root, {"create_featurelist", "featurelist=pro", "ssh=1", "zoneedit=0", "notafeature=1"});
  REQUIRE(c.status == 0);
  CHECK(c.json()["data"]["featurelist"] == "pro");
  CHECK(c.json()["data"]["invalid_features"] == nlohmann::json::parse(R"([{"notafeature":1}])"));
  CHECK(root.file("var/cpanel/features/pro") == "ssh=1\nzoneedit=0\n");

  auto u = run(root, {"update_featurelist", "featurelist=pro", "zoneedit=1", "cron=0"});
  REQUIRE(u.status == 0);
  CHECK(u.json()["data"]["updated_features"] == nlohmann::json({{"cron", 0}, {"zoneedit", 1}}));
  CHECK(root.file("var/cpanel/features/pro") == "ssh=1\nzoneedit=1\ncron=0\n");  // file order kept

  CHECK(run(root, {"get_featurelists"}).json()["data"]["featurelists"] ==
        nlohmann::json({"default", "disabled", "pro"}));
  auto data = run(root, {"get_featurelist_data", "featurelist=pro"}).json()["data"];
  CHECK(data["featurelist"] == "pro");
  bool seen_cron = false;
  for (const auto& f : data["features"])
    if (f["id"] == "cron") {
      seen_cron = true;
      CHECK(f["value"] == 0);
      CHECK(f["is_disabled"] == 0);
      CHECK(f["name"] == "Cron Jobs");
    }
  CHECK(seen_cron);

  // The disabled list keeps only feature=0 lines.
  REQUIRE(run(root, {"update_featurelist", "featurelist=disabled", "ssh=0", "cron=0"}).status == 0);
  REQUIRE(run(root, {"update_featurelist", "featurelist=disabled", "cron=1"}).status == 0);
  CHECK(root.file("var/cpanel/features/disabled") == "ssh=0\n");

  auto d = run(root, {"delete_featurelist", "featurelist=pro"});
  REQUIRE(d.status == 0);
  CHECK(d.json()["data"]["deleted_featurelist"] == "pro");
  CHECK_FALSE(root.exists("var/cpanel/features/pro"));
}

TEST_CASE("feature list bad input",
          "[create_featurelist][update_featurelist][delete_featurelist][get_featurelist_data][bad-input]") {
  TempRoot root;
  REQUIRE(run(root, {"create_featurelist", "featurelist=pro"}).status == 0);
  REQUIRE(run(root, {"addpkg", "name=gold", "featurelist=pro"}).status == 0);
  expect_refused(root, {"create_featurelist", "featurelist=pro"}, "already exists");
  expect_refused(root, {"create_featurelist", "featurelist=../x"}, "not a valid feature list name");
  expect_refused(root, {"create_featurelist", "featurelist=x.cpaddons"}, "not a valid feature list name");
  expect_refused(root, {"create_featurelist", "featurelist=x", "ssh=yes"}, "use 0 or 1");
  expect_refused(root, {"update_featurelist", "featurelist=nosuch", "ssh=1"}, "does not exist");
  expect_refused(root, {"update_featurelist", "featurelist=pro", "ssh=2"}, "use 0 or 1");
  expect_refused(root, {"delete_featurelist", "featurelist=default"}, "cannot be deleted");
  expect_refused(root, {"delete_featurelist", "featurelist=pro"}, "used by the package “gold”");
  expect_refused(root, {"delete_featurelist", "featurelist=nosuch"}, "does not exist");
  expect_refused(root, {"get_featurelist_data", "featurelist=nosuch"}, "does not exist");
  expect_refused(root, {"get_featurelist_data"}, "Missing required parameter “featurelist”");
  expect_bad_command_line(root, {"get_featurelists", "oops"}, "key=value");
  expect_bad_command_line(root, {"get_feature_names", "=1"}, "key=value");
  expect_bad_command_line(root, {"get_feature_metadata", "bad"}, "key=value");
}

TEST_CASE("feature names and metadata", "[get_feature_names][get_feature_metadata]") {
  TempRoot root;
  root.write("usr/local/cpanel/whostmgr/addonfeatures/myplugin", "myplugin:My Plugin\n");
  auto names = run(root, {"get_feature_names"}).json()["data"]["feature"];
  bool ssl = false, plugin = false;
  for (const auto& f : names) {
    ssl |= f["id"] == "sslmanager" && f["name"] == "SSL Manager";
    plugin |= f["id"] == "myplugin" && f["name"] == "My Plugin";
  }
  CHECK(ssl);
  CHECK(plugin);
  auto meta = run(root, {"get_feature_metadata"}).json()["data"]["features"];
  for (const auto& f : meta) {
    if (f["id"] == "myplugin") CHECK(f["is_plugin"] == 1);
    if (f["id"] == "addondomains") CHECK(f["is_plugin"] == 0);
  }
}

TEST_CASE("feature resolution: default, list, override, disabled",
          "[verify_user_has_feature][add_override_features_for_user][remove_override_features_for_user][get_users_"
          "features_settings]") {
  TempRoot root;
  root.write("var/cpanel/features/default", "ssh=0\nzoneedit=1\n");
  REQUIRE(run(root, {"create_featurelist", "featurelist=pro", "ssh=1"}).status == 0);
  create_account(root, "bob", "bob.example");
  create_account(root, "carol", "carol.example", {"featurelist=pro"});
  CHECK(has_feature(root, "bob", "ssh") == 0);    // default disables
  CHECK(has_feature(root, "carol", "ssh") == 1);  // the list enables
  CHECK(has_feature(root, "bob", "cron") == 1);   // named nowhere: enabled

  auto add = run(root, {"add_override_features_for_user", "user=bob", R"(features={"ssh":1,"cron":0})"});
  REQUIRE(add.status == 0);
  CHECK_THAT(root.file("var/cpanel/users/bob"), Contains("\nFEATURE-CRON=0\n"));
  CHECK_THAT(root.file("var/cpanel/users/bob"), Contains("\nFEATURE-SSH=1\n"));
  CHECK(has_feature(root, "bob", "ssh") == 1);
  CHECK(has_feature(root, "bob", "cron") == 0);

  auto settings =
      run(root, {"get_users_features_settings", "user=bob", "feature=ssh"}).json()["data"]["users_features_settings"];
  REQUIRE(settings.size() == 1);
  CHECK(settings[0] == nlohmann::json({{"cpuser_setting", 1},
                                       {"feature", "ssh"},
                                       {"feature_list", "default"},
                                       {"feature_list_setting", 0},
                                       {"user", "bob"}}));

  REQUIRE(run(root, {"update_featurelist", "featurelist=disabled", "ssh=0"}).status == 0);
  CHECK(has_feature(root, "bob", "ssh") == 0);  // "disabled" always wins
  CHECK(has_feature(root, "carol", "ssh") == 0);

  REQUIRE(run(root, {"remove_override_features_for_user", "user=bob", R"(features=["ssh","cron"])"}).status == 0);
  CHECK(root.file("var/cpanel/users/bob").find("FEATURE-") == std::string::npos);
  CHECK(has_feature(root, "bob", "cron") == 1);
}

TEST_CASE("feature access bad input",
          "[verify_user_has_feature][add_override_features_for_user][remove_override_features_for_user][get_users_"
          "features_settings][bad-input]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  expect_refused(root, {"verify_user_has_feature", "user=bob", "feature=nosuchfeature"}, "does not exist");
  expect_refused(root, {"verify_user_has_feature", "user=ghost", "feature=ssh"}, "does not exist");
  expect_refused(root, {"verify_user_has_feature", "user=bob"}, "Missing required parameter “feature”");
  expect_refused(root, {"add_override_features_for_user", "user=bob", "features=ssh"}, "must be JSON");
  expect_refused(root, {"add_override_features_for_user", "user=bob", R"(features={"ssh":5})"}, "use 0 or 1");
  expect_refused(root, {"add_override_features_for_user", "user=bob", R"(features={"nosuch":1})"}, "does not exist");
  expect_refused(root, {"add_override_features_for_user", "user=bob", R"(features={"SSH=1\n":1})"},
                 "Invalid feature name");
  expect_refused(root, {"add_override_features_for_user", "user=ghost", R"(features={"ssh":1})"}, "does not exist");
  expect_refused(root, {"remove_override_features_for_user", "user=bob", "features=[1]"}, "list feature names");
  expect_refused(root, {"remove_override_features_for_user", "user=bob"}, "Missing required parameter “features”");
  expect_refused(root, {"get_users_features_settings", "user=ghost"}, "does not exist");
  expect_refused(root, {"get_users_features_settings", "user=bob", "feature=nosuch"}, "does not exist");
  expect_refused(root, {"get_users_features_settings"}, "Missing required parameter “user”");
}
