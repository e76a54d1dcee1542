// AutoSSL on a temporary root: the provider configuration and metadata
// (var/cpanel/autossl.json), excluded domains (var/cpanel/ssl/autossl/
// excludes/<user>.json), a check whose domains fail the local DCV (no DNS
// answers here): its log, catalog and problems database. The real ACME
// conversation (pebble, named, Apache) is tests/shell/test_autossl.sh.
#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {

nlohmann::json file_json(const TempRoot& root, const std::string& rel) { return nlohmann::json::parse(root.file(rel)); }

}  // namespace

TEST_CASE("AutoSSL provider and metadata", "[autossl]") {
  TempRoot root;
  auto r = run_ok(root, {"get_autossl_providers"});
  REQUIRE(r["data"]["payload"].size() == 1);
  CHECK(r["data"]["payload"][0]["module_name"] == "LetsEncrypt");
  CHECK(r["data"]["payload"][0]["enabled"] == 0);

  run_ok(root, {"set_autossl_provider", "provider=LetsEncrypt", "x_directory_url=https://127.0.0.1:23001/dir",
                "x_terms_of_service_accepted=https://example.com/tos"});
  auto conf = file_json(root, "var/cpanel/autossl.json");
  CHECK(conf["provider"] == "LetsEncrypt");
  CHECK(conf["_schema_version"] == 1);
  CHECK(conf["provider_properties"]["LetsEncrypt"]["directory_url"] == "https://127.0.0.1:23001/dir");
  r = run_ok(root, {"get_autossl_providers"});
  CHECK(r["data"]["payload"][0]["enabled"] == 1);
  CHECK(r["data"]["payload"][0]["x_directory_url"] == "https://127.0.0.1:23001/dir");

  // Metadata: cPanel's defaults, then one key, then the whole set.
  r = run_ok(root, {"get_autossl_metadata"});
  CHECK(r["data"]["payload"]["clobber_externally_signed"] == 0);
  CHECK(r["data"]["payload"]["notify_autossl_expiry"] == 1);
  CHECK(r["data"]["payload"].size() == 13);
  run_ok(root, {"set_autossl_metadata_key", "key=clobber_externally_signed", "value=1"});
  CHECK(file_json(root, "var/cpanel/autossl.json")["metadata"]["clobber_externally_signed"] == 1);
  run_ok(root, {"set_autossl_metadata", R"(metadata_json={"notify_autossl_renewal":"1"})"});
  r = run_ok(root, {"get_autossl_metadata"});
  CHECK(r["data"]["payload"]["notify_autossl_renewal"] == 1);
  CHECK(r["data"]["payload"]["clobber_externally_signed"] == 0);  // back to its default

  expect_refused(root, {"set_autossl_provider", "provider=Nope"}, "is not a valid AutoSSL provider");
  expect_refused(root, {"set_autossl_metadata", R"(metadata_json={"bogus":1})"}, "bogus");
  expect_refused(root, {"set_autossl_metadata", "metadata_json=[1]"}, "JSON object");
  expect_refused(root, {"set_autossl_provider", "provider=LetsEncrypt", "x_http_port=99999"}, "port");

  run_ok(root, {"disable_autossl"});
  CHECK(file_json(root, "var/cpanel/autossl.json")["provider"].is_null());
  expect_refused(root, {"start_autossl_check_for_one_user", "username=bob"}, "");
}

TEST_CASE("AutoSSL excluded domains (WHM API 1 and UAPI)", "[autossl]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  const std::string file = "var/cpanel/ssl/autossl/excludes/bob.json";
  run_ok(root,
         {"add_autossl_user_excluded_domains", "username=bob", "domain=www.bob.example", "domain=mail.bob.example"});
  CHECK(file_json(root, file)["excluded_domains"] == nlohmann::json({"www.bob.example", "mail.bob.example"}));
  auto r = run_ok(root, {"get_autossl_user_excluded_domains", "username=bob"});
  CHECK(r["data"]["payload"] ==
        nlohmann::json::parse(R"([{"excluded_domain":"www.bob.example"},{"excluded_domain":"mail.bob.example"}])"));
  run_ok(root, {"remove_autossl_user_excluded_domains", "username=bob", "domain=www.bob.example"});
  CHECK(file_json(root, file)["excluded_domains"] == nlohmann::json({"mail.bob.example"}));
  run_ok(root, {"set_autossl_user_excluded_domains", "username=bob", "domain=cpanel.bob.example"});
  CHECK(file_json(root, file)["excluded_domains"] == nlohmann::json({"cpanel.bob.example"}));
  expect_refused(root, {"add_autossl_user_excluded_domains", "username=bob", "domain=other.example"},
                 "does not control the domain");
  expect_refused(root, {"get_autossl_user_excluded_domains", "username=nobody"}, "");

  // UAPI: the account's own list.
  uapi_ok(root, "bob", {"SSL", "add_autossl_excluded_domains", "domains=bob.example,www.bob.example"});
  auto u = uapi_ok(root, "bob", {"SSL", "get_autossl_excluded_domains"});
  CHECK(u["result"]["data"].size() == 3);
  uapi_ok(root, "bob", {"SSL", "remove_autossl_excluded_domains", "domains=bob.example"});
  uapi_ok(root, "bob", {"SSL", "set_autossl_excluded_domains", "domains=webmail.bob.example"});
  CHECK(file_json(root, file)["excluded_domains"] == nlohmann::json({"webmail.bob.example"}));
  expect_cpanel_refused(root, "uapi", "bob", {"SSL", "add_autossl_excluded_domains", "domains=evil.example"},
                        "does not control");
  u = uapi_ok(root, "bob", {"SSL", "is_autossl_check_in_progress"});
  CHECK(u["result"]["data"] == 0);

  // The list follows the account: gone with it.
  run_ok(root, {"removeacct", "user=bob"});
  CHECK_FALSE(root.exists(file));
}

TEST_CASE("AutoSSL check without DNS: problems, log and catalog", "[autossl]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  // A nameserver that refuses at once: every domain fails the local DCV.
  root.write("etc/resolv.conf", "nameserver 127.0.0.2\n");
  run_ok(root, {"set_autossl_provider", "provider=LetsEncrypt", "x_directory_url=https://127.0.0.1:1/dir"});
  run_ok(root, {"add_autossl_user_excluded_domains", "username=bob", "domain=mail.bob.example"});
  auto r = run_ok(root, {"start_autossl_check_for_one_user", "username=bob"});
  CHECK(r["data"]["pid"].is_number_integer());

  r = run_ok(root, {"get_autossl_problems_for_user", "username=bob"});
  auto problems = r["data"]["problems_by_domain"];
  REQUIRE(problems.size() >= 1);
  bool main_found = false;
  for (const auto& p : problems) {
    CHECK(p["domain"] != "mail.bob.example");
    if (p["domain"] == "bob.example") {
      main_found = true;
      CHECK(p["problem"] == "bob.example does not resolve to any IPv4 addresses on the internet.");
    }
  }
  CHECK(main_found);
  CHECK(root.exists("var/cpanel/autossl_problems.sqlite"));
  r = run_ok(root, {"get_autossl_problems_for_domain", "domain=bob.example"});
  CHECK(r["data"]["problems_by_domain"].size() == 1);
  auto u = uapi_ok(root, "bob", {"SSL", "get_autossl_problems"});
  CHECK_THAT(u["result"]["data"][0]["time"].get<std::string>(), Contains("+00:00"));

  r = run_ok(root, {"get_autossl_logs_catalog"});
  REQUIRE(r["data"]["payload"].size() == 1);
  auto entry = r["data"]["payload"][0];
  CHECK(entry["username"] == "bob");
  CHECK(entry["provider"] == "LetsEncrypt");
  CHECK(entry["in_progress"] == 0);
  r = run_ok(root, {"get_autossl_log", "start_time=" + entry["start_time"].get<std::string>()});
  const std::string log = r["data"]["payload"].dump();
  CHECK_THAT(log, Contains("mail.bob.example” is excluded"));
  CHECK_THAT(log, Contains("does not resolve"));
  CHECK(r["data"]["payload"][0]["type"] == "out");

  expect_refused(root, {"get_autossl_log", "start_time=yesterday"}, "start_time");
  expect_refused(root, {"get_autossl_log", "start_time=2001-01-01T00:00:00Z"}, "No AutoSSL log");
  run_ok(root, {"removeacct", "user=bob"});
  r = run_ok(root, {"get_autossl_problems_for_domain", "domain=bob.example"});
  CHECK(r["data"]["problems_by_domain"].empty());
}
