// Hosting Plans: WHM's applications from the theme's dynamicui files, and
// the in-product survey banner.
#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {

const char* kTheme = "usr/local/cpanel/whostmgr/docroot/themes/x/";

// A small dynamicui.conf in the documented layout: two groups, their
// applications (one for resellers with create-acct), a subitem, raw text.
void install_theme(const TempRoot& root) {
  root.write(std::string(kTheme) + "dynamicui.conf", R"([
 {"type":"group","group":"server_configuration","groupdesc":"Server Configuration","grouporder":2,"acl":"ACL=all","key":"server_configuration"},
 {"type":"group","group":"account_functions","groupdesc":"Account Functions","grouporder":1,"acl":"ACL=create-acct,ACL=kill-acct","key":"account_functions"},
 {"group":"server_configuration","file":"tweak_settings.png","itemdesc":"Tweak Settings","itemorder":1,"acl":"ACL=all","key":"tweak_settings","url":"/scripts2/tweaksettings"},
 {"group":"account_functions","file":"terminate_accounts.png","itemdesc":"Terminate Accounts","itemorder":2,"acl":"ACL=kill-acct","key":"terminate_accounts","url":"/scripts/killacct"},
 {"group":"account_functions","file":"create_a_new_account.png","itemdesc":"Create a New Account","itemorder":1,"acl":"ACL=create-acct","key":"create_a_new_account","url":"/scripts5/wwwacctform"},
 {"type":"subitem","key":"create_a_new_account","itemdesc":"Skeleton Directory","acl":"ACL=create-acct","url":"/scripts/skeldir","parent":1},
 {"type":"raw","itemdesc":"[% PROCESS 'menu/plugins_list.tmpl' target='mainFrame' -%]"}
])");
  root.write(std::string(kTheme) + "dynamicui/dynamicui_plugin.conf", R"([
 {"group":"server_configuration","file":"my_plugin.png","itemdesc":"My Plugin","itemorder":0,"acl":"ACL=all","key":"my_plugin","url":"/cgi/my_plugin.cgi"}
])");
}

std::vector<std::string> keys_of(const nlohmann::json& list) {
  std::vector<std::string> out;
  for (const auto& e : list) out.push_back(e["key"]);
  return out;
}

}  // namespace

TEST_CASE("get_available_applications: the theme's groups and applications, in their order", "[applications]") {
  TempRoot root;
  install_theme(root);
  const auto r = run_ok(root, {"get_available_applications"});
  CHECK(r["metadata"]["result"] == 1);
  const auto groups = r["data"]["groups"];
  REQUIRE(keys_of(groups) == std::vector<std::string>{"account_functions", "server_configuration"});
  CHECK(keys_of(groups[0]["items"]) == std::vector<std::string>{"create_a_new_account", "terminate_accounts"});
  CHECK(keys_of(groups[1]["items"]) == std::vector<std::string>{"my_plugin", "tweak_settings"});  // a plugin's file too
  CHECK(groups[0]["items"][0]["subitems"][0]["url"] == "/scripts/skeldir");
  CHECK(groups[0]["groupdesc"] == "Account Functions");
  CHECK(r["data"]["raw"][0]["type"] == "raw");

  // applications_list: the file names without their extension.
  const auto some = run_ok(root, {"get_available_applications", "applications_list=tweak_settings,my_plugin"});
  REQUIRE(keys_of(some["data"]["groups"]) == std::vector<std::string>{"server_configuration"});
  CHECK(keys_of(some["data"]["groups"][0]["items"]) == std::vector<std::string>{"my_plugin", "tweak_settings"});

  // A reseller sees what its privileges reach.
  create_account(root, "alice", "alice.example");
  run_ok(root, {"setupreseller", "user=alice"});
  run_ok(root, {"setacls", "reseller=alice", "acl-create-acct=1"});
  const auto mine = run_ok(root, {"--user=alice", "get_available_applications"});
  REQUIRE(keys_of(mine["data"]["groups"]) == std::vector<std::string>{"account_functions"});
  CHECK(keys_of(mine["data"]["groups"][0]["items"]) == std::vector<std::string>{"create_a_new_account"});
}

TEST_CASE("get_available_applications refuses a file outside the theme, or one that is missing", "[applications]") {
  TempRoot root;
  install_theme(root);
  expect_refused(root, {"get_available_applications", "file=../../../../../../etc/passwd"}, "file");
  expect_refused(root, {"get_available_applications", "file=/etc/passwd"}, "file");
  expect_refused(root, {"get_available_applications", "file=other.conf"},
                 "The dynamicui file “/usr/local/cpanel/whostmgr/docroot/themes/x/other.conf” does not exist.");
  root.write(std::string(kTheme) + "broken.conf", "{not json");
  const auto r = run_ok(root, {"get_available_applications", "file=broken.conf"});
  CHECK(r["data"]["groups"].empty());
  CHECK_THAT(r["metadata"]["output"]["warnings"].dump(), Contains("is not a JSON array"));
}

TEST_CASE("get_in_product_survey_url: nothing without a survey; the link from the server's facts", "[applications]") {
  TempRoot root;
  auto r = run_ok(root, {"get_in_product_survey_url"});
  CHECK(r["metadata"]["result"] == 1);
  CHECK(r["data"] == nlohmann::json::object());

  root.write("var/cpanel/cpanel.uuid", "3f2b9c1e-aaaa-bbbb-cccc-0123456789ab\n");
  root.write("var/cpanel/in_product_survey.json",
             R"({"link":"https://survey.example/whm?v={version}&id={server_uuid}&u={user}&t={server_type}&x={other}",)"
             R"("max_dismiss":"3","submit_event":"survey_submitted"})");
  const std::string version = run_ok(root, {"version"})["data"]["version"];
  r = run_ok(root, {"get_in_product_survey_url"});
  CHECK(r["data"]["display"] == "1");
  CHECK(r["data"]["link"] ==
        "https://survey.example/whm?v=" + version + "&id=3f2b9c1e-aaaa-bbbb-cccc-0123456789ab&u=root&t=whm&x={other}");
  CHECK(r["data"]["max_dismiss"] == "3");
  CHECK(r["data"]["submit_event"] == "survey_submitted");
  CHECK(r["data"]["server_type"] == "whm");
  CHECK(r["data"]["user_type"] == "whm");

  // A survey file that is not one: no banner, and a warning.
  root.write("var/cpanel/in_product_survey.json", "[1,2]");
  r = run_ok(root, {"get_in_product_survey_url"});
  CHECK(r["data"] == nlohmann::json::object());
  CHECK_THAT(r["metadata"]["output"]["warnings"].dump(), Contains("in_product_survey.json"));
}
