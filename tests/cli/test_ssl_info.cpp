// The SSL functions beside storage and installation: WHM API 1
// fetchsslinfo, UAPI SSL fetch_best_for_domain,
// fetch_key_and_cabundle_for_certificate, set_primary_ssl,
// can_ssl_redirect, enable/disable_mail_sni, and API 2 SSL installssl,
// listkeys, listcrts, listcsrs, fetchcabundle.
#include <catch2/catch.hpp>

#include "harness.hpp"
#include "util.hpp"
#include "x509.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using namespace test;

namespace {

std::string arg(const std::string& key, const std::string& value) { return key + "=" + whm::uri_encode(value); }

struct Pair {
  std::string key, crt;
};

Pair self_signed(const std::vector<std::string>& domains) {
  auto key = whm::x509::generate_key(whm::x509::KeyType::Rsa2048);
  whm::x509::Subject s;
  s.domains = domains;
  return {key.pem, whm::x509::make_self_signed(key, s, 30)};
}

const std::vector<std::string> kSubject = {"countryName=US", "stateOrProvinceName=TX", "localityName=Houston",
                                           "organizationName=Bob Inc"};

// A key and a self-signed certificate for `domains` in bob's store; the key's text.
std::string stored_pair(const TempRoot& root, const std::string& domains) {
  auto key = uapi_ok(root, "bob", {"SSL", "generate_key", "keytype=rsa-2048"})["result"]["data"];
  std::vector<std::string> args = {"SSL", "generate_cert", "key_id=" + key["id"].get<std::string>(),
                                   "domains=" + domains};
  args.insert(args.end(), kSubject.begin(), kSubject.end());
  uapi_ok(root, "bob", args);
  return whm::trim(key["text"].get<std::string>());  // stored without the final newline
}

}  // namespace

TEST_CASE("fetch_best_for_domain and fetchsslinfo find the stored certificate and its key", "[ssl][ssl_info]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  create_account(root, "amy", "amy.example");
  const std::string key = stored_pair(root, "bob.example,www.bob.example");

  auto best = uapi_ok(root, "bob", {"SSL", "fetch_best_for_domain", "domain=www.bob.example"})["result"];
  INFO(best.dump());
  const auto& d = best["data"];
  CHECK(d["status"] == 1);
  CHECK(d["statusmsg"] == "ok");
  CHECK(d["domain"] == "www.bob.example");
  CHECK(d["user"] == "bob");
  CHECK(d["crt_origin"] == "bob");
  CHECK(d["key_origin"] == "bob");
  CHECK(d["searched_users"] == nlohmann::json({"bob"}));
  CHECK(whm::trim(d["key"].get<std::string>()) == key);
  CHECK(d["cab"] == "");  // self-signed
  CHECK_THAT(d["crt"].get<std::string>(), StartsWith("-----BEGIN CERTIFICATE-----"));
  CHECK(whm::x509::parse_certificate(d["crt"]).domains == std::vector<std::string>{"bob.example", "www.bob.example"});
  CHECK(d["ip"] == "127.0.0.1");

  // No certificate: a message, not an error.
  auto none = uapi_ok(root, "bob", {"SSL", "fetch_best_for_domain", "domain=other.example"})["result"];
  CHECK(none["data"]["status"] == 1);
  CHECK(none["messages"][0] == "No certificate for the domain other.example could be found.");
  // amy's store does not have bob's certificate.
  CHECK_FALSE(
      uapi_ok(root, "amy", {"SSL", "fetch_best_for_domain", "domain=bob.example"})["result"]["data"].contains("crt"));
  expect_cpanel_refused(root, "uapi", "bob", {"SSL", "fetch_best_for_domain", "domain=../x"}, "Invalid domain");

  // By certificate: its key and CA bundle; a certificate of no stored key.
  const std::string crt = d["crt"];
  auto by_cert = uapi_ok(root, "bob", {"SSL", "fetch_key_and_cabundle_for_certificate", arg("certificate", crt)});
  CHECK(whm::trim(by_cert["result"]["data"]["key"].get<std::string>()) == key);
  CHECK(by_cert["result"]["data"]["domain"] == "bob.example");
  const Pair loose = self_signed({"bob.example"});
  auto no_key = uapi_ok(root, "bob", {"SSL", "fetch_key_and_cabundle_for_certificate", arg("certificate", loose.crt)});
  CHECK(no_key["result"]["data"]["key"] == "Sorry, no SSL key file was found for the domain bob.example.");
  CHECK(no_key["result"]["data"]["key_origin"].is_null());
  expect_cpanel_refused(root, "uapi", "bob",
                        {"SSL", "fetch_key_and_cabundle_for_certificate", "certificate=not a certificate"}, "");

  // WHM: root searches its own store and the owner's.
  auto whm = run_ok(root, {"fetchsslinfo", "domain=bob.example"});
  INFO(whm.dump());
  CHECK(whm["metadata"]["result"] == 1);
  CHECK(whm["data"]["searched_users"] == nlohmann::json({"root", "bob"}));
  CHECK(whm["data"]["crt_origin"] == "bob");
  CHECK(whm::trim(whm["data"]["key"].get<std::string>()) == key);
  CHECK_FALSE(whm["data"].contains("status"));
  // An installed certificate is found through the vhost when the store has none.
  const Pair amy = self_signed({"amy.example"});
  run_ok(root, {"installssl", "domain=amy.example", arg("crt", amy.crt), arg("key", amy.key)});
  auto installed = run_ok(root, {"fetchsslinfo", "domain=amy.example"})["data"];
  CHECK(installed["crt_origin"] == "amy");
  CHECK(installed["key"] == amy.key);
  CHECK(run_ok(root, {"fetchsslinfo", arg("crtdata", amy.crt)})["data"]["domain"] == "amy.example");
  expect_refused(root, {"fetchsslinfo"}, "No domain or certificate provided.");
}

TEST_CASE("set_primary_ssl needs a dedicated IP and one of the account's SSL vhosts", "[ssl][ssl_info]") {
  TempRoot root;
  root.write("etc/wwwacct.conf", "ADDR 192.0.2.10\nETHDEV eth0\n");
  root.write("var/cpanel/mainip", "192.0.2.10");
  root.write("etc/ips", "192.0.2.11:255.255.255.0:192.0.2.255\n");
  create_account(root, "bob", "bob.example");
  run_ok(root, {"create_subdomain", "domain=blog.bob.example", "document_root=public_html/blog"});
  const Pair main = self_signed({"bob.example"}), blog = self_signed({"blog.bob.example"});

  expect_cpanel_refused(root, "uapi", "bob", {"SSL", "set_primary_ssl", "servername=bob.example"},
                        "Your IP address (192.0.2.10) is shared with other users.");
  run_ok(root, {"setsiteip", "user=bob", "ip=192.0.2.11"});
  run_ok(root, {"installssl", "domain=bob.example", arg("crt", main.crt), arg("key", main.key)});
  run_ok(root, {"installssl", "domain=blog.bob.example", arg("crt", blog.crt), arg("key", blog.key)});
  auto primary_of = [&](const std::string& vhost) {
    const auto listed = run_ok(root, {"fetch_ssl_vhosts"});
    for (const auto& v : listed["data"]["vhosts"])
      if (v["servername"] == vhost) return v["is_primary_on_ip"].get<int>();
    return -1;
  };
  CHECK(primary_of("blog.bob.example") == 1);  // first by name until one is set
  CHECK(primary_of("bob.example") == 0);

  expect_cpanel_refused(root, "uapi", "bob", {"SSL", "set_primary_ssl", "servername=www.bob.example"},
                        "has no SSL virtual host named “www.bob.example”");
  uapi_ok(root, "bob", {"SSL", "set_primary_ssl", "servername=bob.example"});
  const std::string file = root.file("var/cpanel/conf/apache/primary_virtual_hosts.conf");
  CHECK_THAT(file, StartsWith("#============\n"));
  CHECK_THAT(file, Contains("\n192.0.2.11:SSL=bob.example\n"));
  CHECK(primary_of("bob.example") == 1);
  CHECK(primary_of("blog.bob.example") == 0);
  const auto hosts = uapi_ok(root, "bob", {"SSL", "installed_hosts"});
  for (const auto& h : hosts["result"]["data"])
    CHECK(h["is_primary_on_ip"] == (h["servername"] == "bob.example" ? 1 : 0));
}

TEST_CASE("can_ssl_redirect, enable_mail_sni and disable_mail_sni", "[ssl][ssl_info]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto can = uapi_ok(root, "bob", {"SSL", "can_ssl_redirect"})["result"];
  CHECK(can["data"] == 1);
  CHECK(can["messages"][0] == "Server can redirect to ssl for user domains.");
  run_ok(root, {"set_tweaksetting", "key=allowcpsslinstall", "value=0"});
  expect_cpanel_refused(root, "uapi", "bob", {"SSL", "can_ssl_redirect"},
                        "The administrator has disabled the “allowcpsslinstall” feature");

  auto sni = uapi_ok(root, "bob", {"SSL", "enable_mail_sni", "domains=bob.example|other.example"})["result"];
  INFO(sni.dump());
  CHECK(sni["data"]["updated_domains"] == nlohmann::json({{"bob.example", 1}}));
  CHECK(sni["data"]["failed_domains"]["other.example"] ==
        "Sorry, other.example is not one of the domains on your account.");
  CHECK(sni["messages"][0] == "cPanel & WHM always enables mail SNI from now on.");
  expect_cpanel_refused(root, "uapi", "bob", {"SSL", "enable_mail_sni", "domains="}, "domains");
  expect_cpanel_refused(root, "uapi", "bob", {"SSL", "disable_mail_sni", "domains=bob.example"},
                        "cPanel & WHM always enables mail SNI from now on.");
  CHECK(uapi_ok(root, "bob", {"SSL", "mail_sni_status", "domain=bob.example"})["result"]["data"]["enabled"] == 1);
}

TEST_CASE("API 2 SSL installssl, listkeys, listcrts, listcsrs and fetchcabundle", "[ssl][ssl_info]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  const Pair p = self_signed({"bob.example", "www.bob.example"});
  auto done = api2_data(root, "bob", {"SSL", "installssl", "domain=bob.example", arg("crt", p.crt), arg("key", p.key)});
  INFO(done.dump());
  CHECK(done[0]["result"] == 1);
  CHECK(done[0]["output"] == "The certificate was successfully installed on the domain “bob.example”.");
  CHECK(root.exists("var/cpanel/ssl/apache_tls/bob.example/combined"));

  // A refusal is the data's result 0 with the reason, and changes nothing.
  const auto before = snapshot(root);
  const Pair other = self_signed({"other.example"});
  auto refused =
      api2_data(root, "bob", {"SSL", "installssl", "domain=bob.example", arg("crt", other.crt), arg("key", p.key)});
  CHECK(refused[0]["result"] == 0);
  CHECK_THAT(refused[0]["output"].get<std::string>(), Contains("does not match the private key"));
  CHECK(snapshot(root) == before);

  // The store's items by friendly name.
  stored_pair(root, "bob.example");
  auto keys = api2_data(root, "bob", {"SSL", "listkeys"});
  REQUIRE(keys.size() == 1);
  CHECK(keys[0]["host"].is_string());
  auto crts = api2_data(root, "bob", {"SSL", "listcrts"});
  REQUIRE(crts.size() == 1);
  CHECK(crts[0]["host"] == "bob.example");
  CHECK_THAT(crts[0]["ssltxt"].get<std::string>(), Contains("Certificate:"));
  CHECK(crts[0]["issuer"] == "bob.example");
  CHECK(api2_data(root, "bob", {"SSL", "listcsrs"}).empty());
  auto cab = api2_data(root, "bob", {"SSL", "fetchcabundle", arg("crt", p.crt)});
  CHECK(cab[0]["domain"] == "bob.example");
  CHECK(cab[0]["bundle"] == "");
}

TEST_CASE("the web configuration follows subdomains, addon domains and renames", "[ssl][ssl_info][web_config]") {
  TempRoot root;
  create_account(root, "bob", "bob.example", {"maxsub=unlimited", "maxaddon=unlimited"});
  const std::string httpd = "etc/apache2/conf/httpd.conf", nginx = "etc/nginx/conf.d/users/bob.conf";
  run_ok(root, {"create_subdomain", "domain=blog.bob.example", "document_root=public_html/blog"});
  CHECK_THAT(root.file(httpd), Contains("ServerName blog.bob.example"));
  CHECK_THAT(root.file(nginx), Contains("server_name blog.bob.example"));
  run_ok(root,
         {"create_parked_domain_for_user", "domain=shop.example", "username=bob", "web_vhost_domain=blog.bob.example"});
  CHECK_THAT(root.file(httpd), Contains("shop.example"));
  CHECK_THAT(root.file(nginx), Contains("shop.example"));
  run_ok(root, {"delete_domain", "domain=shop.example"});
  CHECK(root.file(httpd).find("shop.example") == std::string::npos);
  run_ok(root, {"delete_domain", "domain=blog.bob.example"});
  CHECK(root.file(httpd).find("blog.bob.example") == std::string::npos);
  CHECK(root.file(nginx).find("blog.bob.example") == std::string::npos);

  // A renamed account (user and domain) is served under its new names at once.
  const Pair p = self_signed({"bob.example"});
  run_ok(root, {"installssl", "domain=bob.example", arg("crt", p.crt), arg("key", p.key)});
  run_ok(root, {"modifyacct", "user=bob", "newuser=robert", "domain=robert.example"});
  const std::string conf = root.file(httpd);
  CHECK_THAT(conf, Contains("# whmkit vhosts of robert"));
  CHECK(conf.find("# whmkit vhosts of bob\n") == std::string::npos);
  CHECK_THAT(conf, Contains("ServerName robert.example"));
  CHECK_THAT(conf, Contains("var/cpanel/ssl/apache_tls/robert.example/combined"));
  CHECK_FALSE(root.exists(nginx));
  CHECK_THAT(root.file("etc/nginx/conf.d/users/robert.conf"), Contains("server_name robert.example"));
  // A bad change is refused and leaves the configuration as it was.
  expect_refused(root, {"create_subdomain", "domain=../x.robert.example", "document_root=public_html/x"}, "");
}
