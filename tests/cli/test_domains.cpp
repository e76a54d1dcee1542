#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {
void check_zone(const TempRoot& root, const std::string& zone) {
  auto r = run_program({"/usr/bin/named-checkzone", zone, root.path + "/var/named/" + zone + ".db"});
  INFO(r.out << r.err);
  CHECK(r.status == 0);
}
}  // namespace

TEST_CASE("subdomains, parked and addon domains, and their removal",
          "[create_subdomain][create_parked_domain_for_user][delete_domain]") {
  TempRoot root;
  create_account(root, "bob", "bob.example", {"maxsub=5", "maxpark=2", "maxaddon=2"});
  auto sub = run(root, {"create_subdomain", "domain=blog.bob.example", "document_root=public_html/blog"});
  REQUIRE(sub.status == 0);
  CHECK(sub.json()["data"]["username"] == "bob");
  CHECK(root.exists("home/bob/public_html/blog"));
  CHECK_THAT(root.file("var/cpanel/users/bob"), Contains("\nDNS1=blog.bob.example\n"));
  CHECK_THAT(root.file("var/cpanel/userdata/bob/main"), Contains("sub_domains: \n  - blog.bob.example\n"));
  CHECK_THAT(root.file("var/cpanel/userdata/bob/blog.bob.example"),
             Contains("documentroot: /home/bob/public_html/blog\n"));
  CHECK_THAT(root.file("var/cpanel/userdata/bob/blog.bob.example"), Contains("serveralias: www.blog.bob.example\n"));
  CHECK_THAT(root.file("etc/userdomains"), Contains("blog.bob.example: bob\n"));
  CHECK_THAT(root.file("etc/userdatadomains"),
             Contains("blog.bob.example: bob==root==sub==bob.example==/home/bob/public_html/blog=="));
  CHECK_THAT(root.file("var/named/bob.example.db"), Contains("blog\t14400\tIN\tA\t127.0.0.1\n"));
  check_zone(root, "bob.example");

  REQUIRE(run(root, {"create_parked_domain_for_user", "domain=bob.net", "username=bob", "web_vhost_domain=bob.example"})
              .status == 0);
  CHECK_THAT(root.file("var/cpanel/userdata/bob/main"), Contains("parked_domains: \n  - bob.net\n"));
  CHECK_THAT(root.file("var/cpanel/userdata/bob/bob.example"),
             Contains("serveralias: bob.net mail.bob.example mail.bob.net www.bob.example www.bob.net\n"));
  CHECK(root.exists("var/named/bob.net.db"));
  check_zone(root, "bob.net");
  REQUIRE(run(root, {"create_parked_domain_for_user", "domain=addon.org", "username=bob",
                     "web_vhost_domain=blog.bob.example"})
              .status == 0);
  CHECK_THAT(root.file("var/cpanel/userdata/bob/main"), Contains("addon_domains: \n  addon.org: blog.bob.example\n"));
  CHECK_THAT(root.file("etc/userdatadomains"),
             Contains("addon.org: bob==root==addon==blog.bob.example==/home/bob/public_html/blog=="));
  CHECK(run(root, {"getdomainowner", "domain=addon.org"}).json()["data"]["user"] == "bob");

  expect_refused(root, {"delete_domain", "domain=blog.bob.example"}, "serves the addon domain “addon.org”");
  auto d1 = run(root, {"delete_domain", "domain=addon.org"}).json();
  CHECK(d1["data"] == nlohmann::json({{"type", "addon"}, {"username", "bob"}}));
  CHECK(run(root, {"delete_domain", "domain=blog.bob.example"}).json()["data"]["type"] == "sub");
  CHECK(run(root, {"delete_domain", "domain=bob.net"}).json()["data"]["type"] == "parked");
  CHECK(root.file("var/cpanel/userdata/bob/main") ==
        "--- \naddon_domains: {}\n\nmain_domain: bob.example\nparked_domains: []\n\nsub_domains: []\n\n");
  CHECK(root.file("etc/userdomains") == "bob.example: bob\n*: nobody\n");
  CHECK_FALSE(root.exists("var/cpanel/userdata/bob/blog.bob.example"));
  CHECK_FALSE(root.exists("var/named/bob.net.db"));
  CHECK(root.file("var/named/bob.example.db").find("blog") == std::string::npos);
  CHECK(root.file("var/cpanel/users/bob").find("DNS1=") == std::string::npos);
  check_zone(root, "bob.example");
}

TEST_CASE("domain management bad input",
          "[create_subdomain][create_parked_domain_for_user][delete_domain][bad-input]") {
  TempRoot root;
  create_account(root, "bob", "bob.example", {"maxsub=1", "maxpark=0"});
  create_account(root, "amy", "amy.example");
  REQUIRE(run(root, {"create_subdomain", "domain=one.bob.example", "document_root=public_html/one"}).status == 0);
  expect_refused(root, {"create_subdomain", "domain=two.bob.example", "document_root=public_html/two"},
                 "limit of 1 subdomains");
  expect_refused(root, {"create_subdomain", "domain=x.nobody.example", "document_root=public_html/x"},
                 "No account owns");
  expect_refused(root, {"create_subdomain", "domain=one.bob.example", "document_root=public_html/one"},
                 "already belongs");
  expect_refused(root, {"create_subdomain", "domain=y.amy.example", "document_root=/home/bob/public_html"},
                 "must be inside /home/amy");
  expect_refused(root, {"create_subdomain", "domain=y.amy.example", "document_root=public_html/../../../etc"},
                 "Invalid path component");
  expect_refused(root, {"create_subdomain", "domain=y.amy.example"}, "“document_root”");
  expect_refused(root, {"create_subdomain", "domain=bad_name.amy.example", "document_root=public_html"}, "“domain”");
  expect_refused(root,
                 {"create_parked_domain_for_user", "domain=bob.net", "username=bob", "web_vhost_domain=bob.example"},
                 "limit of 0 parked domains");
  expect_refused(
      root, {"create_parked_domain_for_user", "domain=amy.example", "username=bob", "web_vhost_domain=bob.example"},
      "already belongs");
  expect_refused(root,
                 {"create_parked_domain_for_user", "domain=x.net", "username=bob", "web_vhost_domain=amy.example"},
                 "has no web virtual host");
  expect_refused(root,
                 {"create_parked_domain_for_user", "domain=x.net", "username=ghost", "web_vhost_domain=bob.example"},
                 "does not exist");
  expect_refused(root, {"delete_domain", "domain=bob.example"}, "main domain");
  expect_refused(root, {"delete_domain", "domain=unowned.example"}, "does not belong");
  expect_refused(root, {"delete_domain"}, "Missing required parameter “domain”");
}
