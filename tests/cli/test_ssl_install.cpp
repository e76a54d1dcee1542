// Installing certificates into the web server: WHM API 1 installssl and
// friends, UAPI SSL, the Apache TLS and Domain TLS datastores, userdata
// <vhost>_SSL and the generated Apache and nginx configuration.
#include <catch2/catch.hpp>

#include "harness.hpp"
#include "util.hpp"
#include "x509.hpp"

using namespace test;

namespace {

struct TestCert {
  std::string key, crt, fingerprint;
};

TestCert make_cert(const std::vector<std::string>& domains, int days = 30) {
  auto key = whm::x509::generate_key(whm::x509::KeyType::Rsa2048);
  whm::x509::Subject s;
  s.domains = domains;
  TestCert c;
  c.key = key.pem;
  c.crt = whm::x509::make_self_signed(key, s, days);
  c.fingerprint = whm::x509::parse_certificate(c.crt).sha256_fingerprint;
  return c;
}

std::string arg(const std::string& key, const std::string& value) { return key + "=" + whm::uri_encode(value); }

const std::string kTls = "var/cpanel/ssl/apache_tls/";
const std::string kDomainTls = "var/cpanel/ssl/domain_tls/";

}  // namespace

TEST_CASE("installssl puts the certificate in the datastores, userdata and the web configuration", "[ssl]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  const TestCert c = make_cert({"bob.example", "www.bob.example"});
  auto out = run_ok(root, {"installssl", "domain=bob.example", arg("crt", c.crt), arg("key", c.key)});
  INFO(out.dump());
  CHECK(out["metadata"]["result"] == 1);
  const auto& d = out["data"];
  CHECK(d["servername"] == "bob.example");
  CHECK(d["user"] == "bob");
  CHECK(d["status"] == 1);
  CHECK(d["action"] == "install");
  CHECK(d["working_domains"] == nlohmann::json({"bob.example", "www.bob.example"}));
  CHECK(d["warning_domains"] == nlohmann::json({"mail.bob.example"}));

  const std::string combined = root.file(kTls + "bob.example/combined");
  CHECK(whm::starts_with(combined, "-----BEGIN RSA PRIVATE KEY-----"));
  CHECK(combined.find("-----BEGIN CERTIFICATE-----") != std::string::npos);
  CHECK(root.file(kTls + "bob.example/certificates").find("PRIVATE KEY") == std::string::npos);
  CHECK(root.file(kDomainTls + "bob.example/combined") == combined);
  CHECK(root.file(kDomainTls + "www.bob.example/combined") == combined);
  CHECK_FALSE(root.exists(kDomainTls + "mail.bob.example/combined"));
  const std::string ssl_userdata = root.file("var/cpanel/userdata/bob/bob.example_SSL");
  CHECK(ssl_userdata.find("ssl: 1") != std::string::npos);
  CHECK(ssl_userdata.find("port: 443") != std::string::npos);
  CHECK(root.exists("var/cpanel/userdata/bob/bob.example_SSL.cache"));
  const std::string httpd = root.file("etc/apache2/conf/httpd.conf");
  CHECK(httpd.find("SSLCertificateFile " + root.path + "/" + kTls + "bob.example/combined") != std::string::npos);
  CHECK(httpd.find("DocumentRoot \"" + root.path + "/home/bob/public_html\"") != std::string::npos);
  const std::string nginx = root.file("etc/nginx/conf.d/users/bob.conf");
  CHECK(nginx.find("ssl_certificate_key " + root.path + "/" + kTls + "bob.example/combined;") != std::string::npos);
  CHECK(nginx.find("server_name bob.example") != std::string::npos);
  // The mail services' SNI files name the covered domains.
  CHECK(root.file("etc/mail_sni_map").find("www.bob.example: ") != std::string::npos);

  // Listed, with the certificate's details.
  auto vhosts = run_ok(root, {"fetch_ssl_vhosts"})["data"]["vhosts"];
  REQUIRE(vhosts.size() == 1);
  CHECK(vhosts[0]["servername"] == "bob.example");
  CHECK(vhosts[0]["user"] == "bob");
  CHECK(vhosts[0]["docroot"] == "/home/bob/public_html");
  CHECK(vhosts[0]["crt"]["is_self_signed"] == 1);
  CHECK(vhosts[0]["crt"]["domains"] == nlohmann::json({"bob.example", "www.bob.example"}));
  auto components = run_ok(root, {"fetch_vhost_ssl_components"})["data"]["components"];
  REQUIRE(components.size() == 1);
  CHECK(components[0]["certificate"] == whm::x509::parse_certificate(c.crt).pem);
  CHECK(components[0]["cabundle"].is_null());
  auto fqdns = run_ok(root, {"fetch_ssl_certificates_for_fqdns", "domains=www.bob.example"})["data"]["payload"];
  REQUIRE(fqdns.size() == 1);
  CHECK(fqdns[0]["users"] == nlohmann::json({"bob"}));
  CHECK(run_ok(root, {"fetch_ssl_certificates_for_fqdns", "domains=other.example"})["data"]["payload"].empty());
  expect_check_clean(root);

  // Replaced by another certificate; then removed.
  const TestCert c2 = make_cert({"bob.example"});
  auto again = run_ok(root, {"installssl", "domain=bob.example", arg("crt", c2.crt), arg("key", c2.key)});
  CHECK(again["data"]["action"] == "update");
  CHECK_FALSE(root.exists(kDomainTls + "www.bob.example/combined"));
  auto removed = run_ok(root, {"delete_ssl_vhost", "host=bob.example"});
  INFO(removed.dump());
  CHECK(removed["data"]["output"][0] == "Deleting the SSL host for bob.example");
  CHECK(removed["data"]["removed_vhost_data"][0]["vhost_entry"].get<std::string>().find("SSLEngine on") !=
        std::string::npos);
  CHECK_FALSE(root.exists(kTls + "bob.example/combined"));
  CHECK_FALSE(root.exists(kDomainTls + "bob.example/combined"));
  CHECK_FALSE(root.exists("var/cpanel/userdata/bob/bob.example_SSL"));
  CHECK(root.file("etc/apache2/conf/httpd.conf").find("SSLEngine") == std::string::npos);
  CHECK(run_ok(root, {"fetch_ssl_vhosts"})["data"]["vhosts"].empty());
}

TEST_CASE("installssl refuses what cannot be installed, and changes nothing", "[ssl]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  const TestCert c = make_cert({"bob.example"});
  const TestCert other = make_cert({"bob.example"});
  expect_refused(root, {"installssl", "domain=bob.example", arg("crt", "not a certificate"), arg("key", c.key)},
                 "The certificate text was not valid.");
  expect_refused(root, {"installssl", "domain=bob.example", arg("crt", c.crt), arg("key", "garbage")},
                 "The key text was not valid.");
  expect_refused(root, {"installssl", "domain=bob.example", arg("crt", c.crt), arg("key", other.key)},
                 "does not match the private key");
  const TestCert elsewhere = make_cert({"other.example"});
  expect_refused(root, {"installssl", "domain=bob.example", arg("crt", elsewhere.crt), arg("key", elsewhere.key)},
                 "does not secure the website “bob.example”");
  const TestCert expired = make_cert({"bob.example"}, -1);
  expect_refused(root, {"installssl", "domain=bob.example", arg("crt", expired.crt), arg("key", expired.key)},
                 "The certificate expired on");
  expect_refused(root, {"installssl", "domain=nobody.example", arg("crt", c.crt), arg("key", c.key)}, "nobody.example");
  expect_refused(root, {"delete_ssl_vhost", "host=bob.example"}, "does not have an SSL virtual host");
}

TEST_CASE("uapi SSL install_ssl, installed_host(s), delete_ssl", "[ssl]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  create_account(root, "amy", "amy.example");
  run_ok(root, {"create_subdomain", "domain=blog.bob.example", "document_root=public_html/blog"});
  const TestCert c = make_cert({"blog.bob.example"});
  auto out =
      uapi_ok(root, "bob", {"SSL", "install_ssl", "domain=blog.bob.example", arg("cert", c.crt), arg("key", c.key)});
  INFO(out.dump());
  CHECK(out["result"]["data"]["domain"] == "blog.bob.example");
  CHECK(out["result"]["data"]["working_domains"] == nlohmann::json({"blog.bob.example"}));
  CHECK(root.exists(kTls + "blog.bob.example/combined"));
  CHECK(root.file("etc/apache2/conf/httpd.conf").find("DocumentRoot \"" + root.path + "/home/bob/public_html/blog\"") !=
        std::string::npos);

  auto host = uapi_ok(root, "bob", {"SSL", "installed_host", "domain=blog.bob.example"});
  CHECK(host["result"]["data"]["host"] == "blog.bob.example");
  CHECK(host["result"]["data"]["certificate"]["domains"] == nlohmann::json({"blog.bob.example"}));
  auto hosts = uapi_ok(root, "bob", {"SSL", "installed_hosts"})["result"]["data"];
  REQUIRE(hosts.size() == 1);
  CHECK(hosts[0]["servername"] == "blog.bob.example");
  CHECK(hosts[0]["docroot"] == "/home/bob/public_html/blog");
  CHECK(uapi_ok(root, "amy", {"SSL", "installed_hosts"})["result"]["data"].empty());
  auto fq = uapi_ok(root, "bob", {"SSL", "fetch_certificates_for_fqdns", "domains=blog.bob.example"});
  CHECK(fq["result"]["data"].size() == 1);
  CHECK(uapi_ok(root, "bob", {"SSL", "is_sni_supported"})["result"]["data"] == 1);

  // Another account's domain is refused (its owned parameter), nothing changes.
  expect_cpanel_refused(root, "uapi", "amy",
                        {"SSL", "install_ssl", "domain=blog.bob.example", arg("cert", c.crt), arg("key", c.key)},
                        "blog.bob.example");
  expect_cpanel_refused(root, "uapi", "amy", {"SSL", "delete_ssl", "domain=blog.bob.example"}, "blog.bob.example");

  // The redirect to HTTPS goes into the web configuration.
  auto toggled =
      uapi_ok(root, "bob", {"SSL", "toggle_ssl_redirect_for_domains", "domains=blog.bob.example", "state=1"});
  CHECK(toggled["result"]["data"] == nlohmann::json({"blog.bob.example"}));
  CHECK(root.file("etc/nginx/conf.d/users/bob.conf").find("return 301 https://") != std::string::npos);
  expect_cpanel_refused(root, "uapi", "bob",
                        {"SSL", "toggle_ssl_redirect_for_domains", "domains=bob.example", "state=1"},
                        "no SSL certificate installed");

  uapi_ok(root, "bob", {"SSL", "delete_ssl", "domain=blog.bob.example"});
  CHECK_FALSE(root.exists(kTls + "blog.bob.example"));
  CHECK_FALSE(root.exists("var/cpanel/userdata/bob/blog.bob.example_SSL"));
  expect_cpanel_refused(root, "uapi", "bob", {"SSL", "installed_host", "domain=blog.bob.example"},
                        "does not have an SSL certificate installed");
}

TEST_CASE("SSL certificates follow the account: archive, removal, restore", "[ssl]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  const TestCert c = make_cert({"bob.example", "www.bob.example"});
  run_ok(root, {"installssl", "domain=bob.example", arg("crt", c.crt), arg("key", c.key)});
  CHECK(root.file("etc/apache2/conf/httpd.conf").find("# whmkit vhosts of bob") != std::string::npos);
  run_ok(root, {"start_background_pkgacct", "user=bob"});
  run_ok(root, {"removeacct", "user=bob"});
  CHECK_FALSE(root.exists(kTls + "bob.example"));
  CHECK_FALSE(root.exists(kDomainTls + "bob.example"));
  CHECK(root.file("etc/apache2/conf/httpd.conf").find("bob") == std::string::npos);
  CHECK_FALSE(root.exists("etc/nginx/conf.d/users/bob.conf"));
  run_ok(root, {"start_local_cpmove_restore", "cpmovepath=/home/cpmove-bob.tar.gz"});
  CHECK(root.exists(kTls + "bob.example/combined"));
  CHECK(root.exists(kDomainTls + "www.bob.example/combined"));
  auto vhosts = run_ok(root, {"fetch_ssl_vhosts"})["data"]["vhosts"];
  REQUIRE(vhosts.size() == 1);
  CHECK(vhosts[0]["user"] == "bob");
  expect_check_clean(root);
}
