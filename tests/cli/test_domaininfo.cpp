#include <catch2/catch.hpp>
#include <cstdio>

#include "harness.hpp"

using namespace test;

TEST_CASE("DomainInfo list_domains and main_domain_builtin_subdomain_aliases", "[domaininfo]") {
  TempRoot root;
  create_account(root, "bob", "bob.example", {"maxsub=5", "maxpark=2", "maxaddon=2"});
  run_ok(root, {"create_subdomain", "domain=blog.bob.example", "document_root=public_html/blog"});
  run_ok(root, {"create_parked_domain_for_user", "domain=bob.net", "username=bob", "web_vhost_domain=bob.example"});
  run_ok(root,
         {"create_parked_domain_for_user", "domain=addon.org", "username=bob", "web_vhost_domain=blog.bob.example"});
  const auto before = snapshot(root);

  auto list = uapi_ok(root, "bob", {"DomainInfo", "list_domains"});
  CHECK(list["result"]["data"] == nlohmann::json({{"addon_domains", {"addon.org"}},
                                                  {"main_domain", "bob.example"},
                                                  {"parked_domains", {"bob.net"}},
                                                  {"sub_domains", {"blog.bob.example"}}}));
  CHECK(list["result"]["metadata"] == nlohmann::json::object());

  // The main vhost also answers for the parked domain: only mail. and www. of the main domain count.
  auto aliases = uapi_ok(root, "bob", {"DomainInfo", "main_domain_builtin_subdomain_aliases"});
  CHECK(aliases["result"]["data"] == nlohmann::json({"mail", "www"}));
  CHECK(aliases["result"]["metadata"]["transformed"] == 1);
  CHECK(snapshot(root) == before);  // reading changed nothing

  // A fresh account: no other domains, as empty lists.
  create_account(root, "amy", "amy.example");
  auto amy = uapi_ok(root, "amy", {"DomainInfo", "list_domains"});
  CHECK(amy["result"]["data"] == nlohmann::json({{"addon_domains", nlohmann::json::array()},
                                                 {"main_domain", "amy.example"},
                                                 {"parked_domains", nlohmann::json::array()},
                                                 {"sub_domains", nlohmann::json::array()}}));
}

TEST_CASE("DomainInfo bad input: no such account, unreadable userdata", "[domaininfo]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  expect_cpanel_refused(root, "uapi", "ghost", {"DomainInfo", "list_domains"}, "not a cPanel account");
  root.write("var/cpanel/userdata/bob/main", "--- [unclosed\n");
  expect_cpanel_refused(root, "uapi", "bob", {"DomainInfo", "list_domains"}, "Invalid YAML");
  root.write("var/cpanel/userdata/bob/bob.example", "");
  expect_cpanel_refused(root, "uapi", "bob", {"DomainInfo", "main_domain_builtin_subdomain_aliases"}, "cannot be read");
}

namespace {
// bob: main bob.example, alias bob.net, subdomain blog.bob.example serving the addon addon.org, and shop.bob.example.
void make_domains(const TempRoot& root) {
  create_account(root, "bob", "bob.example", {"maxsub=5", "maxpark=2", "maxaddon=2"});
  run_ok(root, {"create_subdomain", "domain=blog.bob.example", "document_root=public_html/blog"});
  run_ok(root, {"create_subdomain", "domain=shop.bob.example", "document_root=public_html/shop"});
  run_ok(root, {"create_parked_domain_for_user", "domain=bob.net", "username=bob", "web_vhost_domain=bob.example"});
  run_ok(root,
         {"create_parked_domain_for_user", "domain=addon.org", "username=bob", "web_vhost_domain=blog.bob.example"});
}
}  // namespace

TEST_CASE("DomainInfo domains_data and single_domain_data: the vhosts' userdata", "[domaininfo]") {
  TempRoot root;
  make_domains(root);
  const auto before = snapshot(root);

  auto hash = uapi_ok(root, "bob", {"DomainInfo", "domains_data"})["result"]["data"];
  const auto main = hash["main_domain"];
  CHECK(main["domain"] == "bob.example");
  CHECK(main["type"] == "main_domain");
  CHECK(main["documentroot"] == "/home/bob/public_html");
  CHECK(main["serveralias"] == "bob.net mail.bob.example mail.bob.net www.bob.example www.bob.net");
  // Scalars as cPanel's YAML reader gives them: strings.
  CHECK(main["hascgi"] == "1");
  CHECK(main["port"] == "80");
  CHECK(main["can_https_redirect"] == "0");
  CHECK(main["is_https_redirecting"] == "0");
  CHECK(main["customlog"][0]["format"] == "combined");
  CHECK(hash["parked_domains"] == nlohmann::json({"bob.net"}));
  // The addon domain is served by its subdomain's vhost; that subdomain is not listed again.
  REQUIRE(hash["addon_domains"].size() == 1);
  CHECK(hash["addon_domains"][0]["domain"] == "addon.org");
  CHECK(hash["addon_domains"][0]["type"] == "addon_domain");
  CHECK(hash["addon_domains"][0]["servername"] == "blog.bob.example");
  CHECK(hash["addon_domains"][0]["documentroot"] == "/home/bob/public_html/blog");
  REQUIRE(hash["sub_domains"].size() == 1);
  CHECK(hash["sub_domains"][0]["domain"] == "shop.bob.example");
  CHECK(hash["sub_domains"][0]["type"] == "sub_domain");

  auto list = uapi_ok(root, "bob", {"DomainInfo", "domains_data", "format=list"})["result"];
  REQUIRE(list["data"].size() == 3);
  CHECK(list["data"][0]["domain"] == "bob.example");
  CHECK(list["data"][1]["domain"] == "addon.org");
  CHECK(list["data"][2]["domain"] == "shop.bob.example");
  CHECK(list["metadata"]["transformed"] == 1);

  // With the redirect status: no SSL vhost, so no alias can redirect.
  auto redirects = uapi_ok(root, "bob", {"DomainInfo", "domains_data", "return_https_redirects_status=1"});
  CHECK(redirects["result"]["data"]["main_domain"]["parked_capable_of_https_redirects"] == nlohmann::json::array());
  CHECK(redirects["result"]["data"]["main_domain"]["parked_with_https_redirects"] == nlohmann::json::array());

  auto single = uapi_ok(root, "bob", {"DomainInfo", "single_domain_data", "domain=addon.org"})["result"]["data"];
  CHECK(single == hash["addon_domains"][0]);
  CHECK(uapi_ok(root, "bob", {"DomainInfo", "single_domain_data", "domain=bob.example"})["result"]["data"] == main);
  CHECK(snapshot(root) == before);
}

TEST_CASE("DomainInfo: an SSL vhost that covers a domain lets it redirect", "[domaininfo]") {
  TempRoot root;
  make_domains(root);
  // An SSL vhost as cPanel writes it when a certificate is installed, and a redirect.
  root.write(
      "var/cpanel/userdata/bob/bob.example_SSL",
      "---\nservername: bob.example\nserveralias: bob.net mail.bob.example mail.bob.net www.bob.example www.bob.net\n");
  std::string vhost = root.file("var/cpanel/userdata/bob/bob.example");
  root.write("var/cpanel/userdata/bob/bob.example", vhost + "ssl_redirect: 1\n");
  std::remove((root.path + "/var/cpanel/userdata/bob/bob.example.cache").c_str());  // the JSON twin is stale now
  auto data = uapi_ok(root, "bob", {"DomainInfo", "domains_data", "return_https_redirects_status=1"})["result"]["data"];
  CHECK(data["main_domain"]["can_https_redirect"] == "1");
  CHECK(data["main_domain"]["is_https_redirecting"] == "1");
  CHECK(data["main_domain"]["all_aliases_valid"] == "1");
  CHECK(data["main_domain"]["parked_capable_of_https_redirects"] == nlohmann::json({"bob.net"}));
  CHECK(data["addon_domains"][0]["can_https_redirect"] == "0");

  auto vhosts = uapi_ok(root, "bob", {"WebVhosts", "list_domains"})["result"]["data"];
  CHECK(vhosts[0]["vhost_is_ssl"] == 1);
}

TEST_CASE("DomainInfo single_domain_data bad input: an alias, another account's domain", "[domaininfo]") {
  TempRoot root;
  make_domains(root);
  create_account(root, "amy", "amy.example");
  expect_cpanel_refused(root, "uapi", "bob", {"DomainInfo", "single_domain_data", "domain=bob.net"}, "alias");
  expect_cpanel_refused(root, "uapi", "bob", {"DomainInfo", "single_domain_data", "domain=amy.example"},
                        "does not belong to the account");
  expect_cpanel_refused(root, "uapi", "bob", {"DomainInfo", "single_domain_data"}, "domain");
  expect_cpanel_refused(root, "uapi", "bob", {"DomainInfo", "domains_data", "format=table"}, "format");
}

TEST_CASE("WebVhosts list_domains and list_ssl_capable_domains", "[domaininfo][webvhosts]") {
  TempRoot root;
  make_domains(root);
  auto list = uapi_ok(root, "bob", {"WebVhosts", "list_domains"})["result"];
  CHECK(list["data"] == nlohmann::json::parse(R"([
    {"domain":"bob.example","proxy_subdomains":["cpanel","webmail","autodiscover","whm","webdisk"],"vhost_is_ssl":0,"vhost_name":"bob.example"},
    {"domain":"bob.net","proxy_subdomains":["cpanel","webmail","autodiscover","whm","webdisk"],"vhost_is_ssl":0,"vhost_name":"bob.example"},
    {"domain":"addon.org","proxy_subdomains":["cpanel","webmail","autodiscover","whm","webdisk"],"vhost_is_ssl":0,"vhost_name":"blog.bob.example"},
    {"domain":"blog.bob.example","proxy_subdomains":null,"vhost_is_ssl":0,"vhost_name":"blog.bob.example"},
    {"domain":"shop.bob.example","proxy_subdomains":null,"vhost_is_ssl":0,"vhost_name":"shop.bob.example"}])"));

  auto ssl = uapi_ok(root, "bob", {"WebVhosts", "list_ssl_capable_domains"})["result"]["data"];
  auto entry = [&](const std::string& name) {
    for (const auto& e : ssl)
      if (e["domain"] == name) return e;
    return nlohmann::json();
  };
  CHECK(entry("www.bob.net") ==
        nlohmann::json({{"domain", "www.bob.net"}, {"is_proxy", 0}, {"vhost_name", "bob.example"}}));
  CHECK(entry("www.addon.org")["vhost_name"] == "blog.bob.example");
  CHECK(entry("cpanel.addon.org") ==
        nlohmann::json({{"domain", "cpanel.addon.org"}, {"is_proxy", 1}, {"vhost_name", "blog.bob.example"}}));
  CHECK(entry("cpanel.shop.bob.example").is_null());

  // Tweak Settings turn the service subdomains off.
  root.write("var/cpanel/cpanel.config", "proxysubdomains=0\n");
  auto off = uapi_ok(root, "bob", {"WebVhosts", "list_domains"})["result"]["data"];
  CHECK(off[0]["proxy_subdomains"].is_null());
}
