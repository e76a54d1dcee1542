#include <catch2/catch.hpp>

#include <ctime>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {

long long local_midnight(int year, int month, int day) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_isdst = -1;
  return static_cast<long long>(std::mktime(&tm));
}

nlohmann::json named(const nlohmann::json& list, const std::string& name) {
  for (const auto& app : list)
    if (app["name"] == name) return app;
  return nullptr;
}

}  // namespace

TEST_CASE("cPanel API 1 usage is read from the analytics summaries", "[api_dev_tools][get_api_calls][get_api_pages]") {
  TempRoot root;
  CHECK(run_ok(root, {"get_api_calls"})["data"] == nlohmann::json({{"result", nlohmann::json::array()}}));
  root.write("var/cpanel/analytics/data/api1.2019-01-30.log.summary",
             R"({"api1_calls":{"Email::printdomainoptions":200000},)"
             R"("api1_pages":{"/usr/local/cpanel/base/frontend/jupiter/plugin1/index.html.tt":7}})");
  root.write("var/cpanel/analytics/data/operations.log", "not a summary\n");
  auto calls = run_ok(root, {"get_api_calls", "type=cpapi1"});
  CHECK(calls["data"]["result"] ==
        nlohmann::json::array(
            {{{"count", 200000}, {"entry", "Email::printdomainoptions"}, {"timestamp", local_midnight(2019, 1, 30)}}}));
  auto pages = run_ok(root, {"get_api_pages"});
  CHECK(pages["data"]["result"][0]["entry"] == "/usr/local/cpanel/base/frontend/jupiter/plugin1/index.html.tt");
  CHECK(pages["data"]["result"][0]["count"] == 7);

  expect_refused(root, {"get_api_calls", "type=uapi"}, "Invalid type specified.");
  root.write("var/cpanel/analytics/data/api1.2019-01-31.log.summary", "{broken");
  auto warned = run_ok(root, {"get_api_calls"});
  CHECK(warned["data"]["result"].size() == 1);
  CHECK_THAT(warned["metadata"]["output"]["warnings"].dump(), Contains("api1.2019-01-31.log.summary"));
}

TEST_CASE("AppConfig applications: cPanel's own and the registered files",
          "[api_dev_tools][get_appconfig_application_list]") {
  TempRoot root;
  auto builtin = run_ok(root, {"get_appconfig_application_list"});
  CHECK(builtin["metadata"]["reason"] == "Got application list");
  CHECK(named(builtin["data"]["whostmgr"], "internal_apishell")["url"] == "/cgi/api_shell/index.cgi");
  CHECK(named(builtin["data"]["webmail"], "roundcube")["features"] == nlohmann::json({"webmail"}));

  root.write("etc/passwd", "root:x:0:0:root:/root:/bin/bash\nroundcube:x:501:501::/home/roundcube:/bin/false\n");
  root.write("var/cpanel/apps/roundcube.conf",
             "service=cpanel|webmail\nurl=/3rdparty/roundcube\nurl1=/3rdparty/roundcube/index.php\n"
             "user=roundcube\ngroup=mailman\nfeatures=roundcube, webmail\ndisplayname=Roundcube\n");
  root.write("var/cpanel/apps/whmplugin.conf",
             "service=whostmgr\nurl=/cgi/whmplugin/index.cgi\nacls=all\nname=whmplugin\n");
  root.write("var/cpanel/apps/bad.conf", "service=whostmgr\nurl=/cgi\n");
  root.write("var/cpanel/apps/notes.txt", "service=whostmgr\nurl=/cgi/x.cgi\n");
  auto out = run_ok(root, {"get_appconfig_application_list"});
  const nlohmann::json expected = {
      {"displayname", "Roundcube"}, {"features", {"roundcube", "webmail"}},
      {"group", "mailman"},         {"name", "roundcube"},
      {"origin", "roundcube.conf"}, {"url", {"/3rdparty/roundcube", "/3rdparty/roundcube/index.php"}},
      {"user", "roundcube"}};
  const nlohmann::json cpanel = out["data"]["cpanel"];
  CHECK(cpanel.back() == expected);
  CHECK(out["data"]["webmail"].back() == expected);
  const nlohmann::json plugin = out["data"]["whostmgr"].back();
  CHECK(plugin["name"] == "whmplugin");
  CHECK(plugin["user"] == "root");
  CHECK(plugin["acls"] == nlohmann::json({"all"}));
  CHECK(named(out["data"]["whostmgr"], "bad").is_null());
  CHECK_THAT(out["metadata"]["output"]["warnings"].dump(), Contains("may not match the cgi or entire WHM url space"));
}

TEST_CASE("cors_proxy_get fetches only http(s) URLs, and only on loopback off the real root",
          "[api_dev_tools][cors_proxy_get]") {
  TempRoot root;
  expect_refused(root, {"cors_proxy_get", "url=file:///etc/passwd"}, "is not a valid http or https URL");
  expect_refused(root, {"cors_proxy_get", "url=gopher://example.com/"}, "is not a valid http or https URL");
  expect_refused(root, {"cors_proxy_get", "url=http://www.example.com/"}, "Could not resolve host");
}

TEST_CASE("execute_remote_whmapi1_with_password refuses what it must not send",
          "[api_dev_tools][execute_remote_whmapi1_with_password]") {
  TempRoot root;
  const std::vector<std::string> base = {"execute_remote_whmapi1_with_password", "host=127.0.0.1", "username=root",
                                         "password=luggage12345"};
  auto with = [&](std::vector<std::string> extra) {
    std::vector<std::string> args = base;
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  expect_refused(root, with({"function=execute_remote_whmapi1_with_password"}), "Multi-level proxying is unsupported.");
  expect_refused(
      root,
      with({"function=batch", "parameter_name=command", "parameter_value=execute_remote_whmapi1_with_password?host=x"}),
      "Multi-level proxying is unsupported.");
  expect_refused(root, with({"function=version", "tls_verification=maybe"}), "bad “tls_verification”: “maybe”");
  expect_refused(root,
                 with({"function=passwd", "parameter_name-0=user", "parameter_name-1=password", "parameter_value=bob"}),
                 "mismatch names/values");
  expect_refused(root, with({"function=../cpsess/x"}), "is not a valid function name");
  expect_refused(
      root,
      {"execute_remote_whmapi1_with_password", "host=bad host", "username=root", "password=x", "function=version"},
      "is not a valid hostname or IP address");
  // Off the real root nothing beyond loopback is reached; the password never shows.
  auto refused = run(root, {"execute_remote_whmapi1_with_password", "host=cpanel.example.net", "username=root",
                            "password=luggage12345", "function=version"});
  CHECK(refused.json()["metadata"]["result"] == 0);
  CHECK_THAT(refused.out, Contains("Could not resolve host"));
  CHECK(refused.out.find("luggage12345") == std::string::npos);
}
