// The cPanel SubDomain, Park and AddonDomain modules: the --user account's
// own domains, in userdata, the lookup files, the zones and the home.
#include <catch2/catch.hpp>

#include "harness.hpp"
#include "recordings.hpp"

using Catch::Matchers::Contains;
using test::api2_data;
using test::create_account;
using test::expect_cpanel_refused;
using test::run;
using test::run_cpanel;
using test::run_ok;
using test::TempRoot;
using test::uapi_ok;

namespace {

void check_zone(const TempRoot& root, const std::string& zone) {
  auto r = test::run_program({"/usr/bin/named-checkzone", zone, root.path + "/var/named/" + zone + ".db"});
  INFO(r.out << r.err);
  CHECK(r.status == 0);
}

const char* kUnlimited[] = {"maxsub=unlimited", "maxpark=unlimited", "maxaddon=unlimited"};
std::vector<std::string> unlimited() { return {std::begin(kUnlimited), std::end(kUnlimited)}; }

}  // namespace

TEST_CASE("SubDomain: add, list, change the document root, delete", "[cpanel][subdomain]") {
  TempRoot root;
  create_account(root, "bob", "bob.example", unlimited());
  auto added = api2_data(root, "bob", {"SubDomain", "addsubdomain", "domain=blog", "rootdomain=bob.example"});
  CHECK(added[0]["reason"] ==
        "The zone file for 'bob.example' has been edited and your new data has been added to it.\r\nsaved "
        "bob.example\nThe subdomain, blog.bob.example has been added.");
  CHECK(root.exists("home/bob/public_html/blog"));
  CHECK_THAT(root.file("var/cpanel/users/bob"), Contains("\nDNS1=blog.bob.example\n"));
  CHECK_THAT(root.file("var/cpanel/userdata/bob/main"), Contains("sub_domains: \n  - blog.bob.example\n"));
  CHECK_THAT(root.file("var/cpanel/userdata/bob/blog.bob.example"),
             Contains("documentroot: /home/bob/public_html/blog\n"));
  CHECK_THAT(root.file("etc/userdatadomains"),
             Contains("blog.bob.example: bob==root==sub==bob.example==/home/bob/public_html/blog=="));
  CHECK_THAT(root.file("var/named/bob.example.db"), Contains("blog\t14400\tIN\tA\t127.0.0.1\n"));
  check_zone(root, "bob.example");

  // UAPI's twin; dir relative to the home even with a leading "/"; disallowdot.
  auto u = uapi_ok(root, "bob",
                   {"SubDomain", "addsubdomain", "domain=shop.eu", "rootdomain=bob.example", "disallowdot=1",
                    "dir=/public_html/shop-eu", "canoff=0"});
  CHECK(u["result"]["data"].is_null());
  CHECK(root.exists("home/bob/public_html/shop-eu"));
  CHECK_THAT(root.file("var/cpanel/userdata/bob/shopeu.bob.example"), Contains("usecanonicalname: 'On'\n"));

  auto list = api2_data(root, "bob", {"SubDomain", "listsubdomains"});
  REQUIRE(list.size() == 2);
  CHECK(list[0] == nlohmann::json({{"basedir", "public_html/blog"},
                                   {"dir", "/home/bob/public_html/blog"},
                                   {"domain", "blog.bob.example"},
                                   {"domainkey", "blog_bob.example"},
                                   {"reldir", "home:public_html/blog"},
                                   {"rootdomain", "bob.example"},
                                   {"status", "not redirected"},
                                   {"subdomain", "blog"}}));
  CHECK(api2_data(root, "bob", {"SubDomain", "listsubdomains", "regex=^shop"}).size() == 1);

  auto moved = api2_data(root, "bob",
                         {"SubDomain", "changedocroot", "subdomain=blog", "rootdomain=bob.example", "dir=sites/blog"});
  CHECK(moved[0] == nlohmann::json({{"dir", "/home/bob/sites/blog"}, {"reldir", "sites/blog"}, {"result", 1}}));
  CHECK(root.exists("home/bob/sites/blog"));
  CHECK_THAT(root.file("var/cpanel/userdata/bob/blog.bob.example"), Contains("documentroot: /home/bob/sites/blog\n"));
  CHECK_THAT(root.file("var/cpanel/userdata/bob/blog.bob.example"), Contains("path: /home/bob/sites/blog/cgi-bin\n"));
  CHECK_THAT(root.file("etc/userdatadomains"),
             Contains("blog.bob.example: bob==root==sub==bob.example==/home/bob/sites/blog=="));
  CHECK_THAT(root.file("var/cpanel/userdata/bob/cache"), Contains("/home/bob/sites/blog"));

  auto removed = api2_data(root, "bob", {"SubDomain", "delsubdomain", "domain=blog.bob.example"});
  CHECK_THAT(removed[0]["reason"].get<std::string>(), Contains("The subdomain, blog.bob.example has been removed."));
  CHECK_FALSE(root.exists("var/cpanel/userdata/bob/blog.bob.example"));
  CHECK(root.file("var/named/bob.example.db").find("\nblog\t") == std::string::npos);
  CHECK(root.file("etc/userdomains").find("blog.bob.example") == std::string::npos);
  CHECK(root.exists("home/bob/sites/blog"));  // the files stay, as cPanel leaves them
  check_zone(root, "bob.example");
  test::expect_check_clean(root);
}

TEST_CASE("Park: park, list and unpark an alias; park on a subdomain makes an addon domain", "[cpanel][park]") {
  TempRoot root;
  create_account(root, "bob", "bob.example", unlimited());
  auto parked = api2_data(root, "bob", {"Park", "park", "domain=bob.net"});
  CHECK(parked[0]["reason"] == "bob.net was successfully parked on top of bob.example");
  CHECK_THAT(root.file("var/cpanel/userdata/bob/main"), Contains("parked_domains: \n  - bob.net\n"));
  CHECK_THAT(root.file("var/cpanel/userdata/bob/bob.example"),
             Contains("serveralias: bob.net mail.bob.example mail.bob.net www.bob.example www.bob.net\n"));
  CHECK_THAT(root.file("etc/userdomains"), Contains("bob.net: bob\n"));
  check_zone(root, "bob.net");
  auto list = api2_data(root, "bob", {"Park", "listparkeddomains"});
  CHECK(list == nlohmann::json::parse(R"([{"basedir": "public_html", "dir": "/home/bob/public_html",
      "domain": "bob.net", "reldir": "home:public_html", "status": "not redirected"}])"));

  api2_data(root, "bob", {"SubDomain", "addsubdomain", "domain=shop", "rootdomain=bob.example"});
  api2_data(root, "bob", {"Park", "park", "domain=shop.org", "topdomain=shop.bob.example"});
  CHECK_THAT(root.file("var/cpanel/userdata/bob/main"), Contains("addon_domains: \n  shop.org: shop.bob.example\n"));
  CHECK(api2_data(root, "bob", {"AddonDomain", "listaddondomains"}).size() == 1);

  auto unparked = api2_data(root, "bob", {"Park", "unpark", "domain=bob.net"});
  CHECK(unparked[0]["reason"] == "bob.net was successfully unparked");
  CHECK_FALSE(root.exists("var/named/bob.net.db"));
  CHECK(root.file("etc/named.conf").find("bob.net") == std::string::npos);
  CHECK_THAT(root.file("var/cpanel/userdata/bob/bob.example"),
             Contains("serveralias: mail.bob.example www.bob.example\n"));
  // An addon domain unparks too; its subdomain stays.
  api2_data(root, "bob", {"Park", "unpark", "domain=shop.org", "subdomain=shop_bob.example"});
  CHECK(root.exists("var/cpanel/userdata/bob/shop.bob.example"));
  CHECK(api2_data(root, "bob", {"AddonDomain", "listaddondomains"}).empty());
  test::expect_check_clean(root);
}

TEST_CASE("AddonDomain: add, list and delete an addon domain with its subdomain", "[cpanel][addondomain]") {
  TempRoot root;
  create_account(root, "bob", "bob.example", {"maxsub=0", "maxaddon=1"});
  auto added = api2_data(root, "bob", {"AddonDomain", "addaddondomain", "newdomain=shop.org", "subdomain=shop"});
  CHECK(added[0]["reason"] == "shop.org was successfully parked on top of shop.bob.example");
  CHECK(root.exists("home/bob/public_html/shop.org"));
  CHECK_THAT(root.file("var/cpanel/userdata/bob/main"), Contains("addon_domains: \n  shop.org: shop.bob.example\n"));
  CHECK_THAT(root.file("var/cpanel/userdata/bob/main"), Contains("sub_domains: \n  - shop.bob.example\n"));
  CHECK_THAT(root.file("etc/userdatadomains"),
             Contains("shop.org: bob==root==addon==shop.bob.example==/home/bob/public_html/shop.org=="));
  CHECK_THAT(root.file("var/cpanel/userdata/bob/shop.bob.example"),
             Contains("serveralias: mail.shop.org shop.org www.shop.bob.example www.shop.org\n"));
  check_zone(root, "shop.org");
  check_zone(root, "bob.example");

  auto list = api2_data(root, "bob", {"AddonDomain", "listaddondomains"});
  CHECK(list == nlohmann::json::parse(R"([{"basedir": "public_html/shop.org", "dir": "/home/bob/public_html/shop.org",
      "domain": "shop.org", "domainkey": "shop_bob.example", "fullsubdomain": "shop.bob.example",
      "reldir": "home:public_html/shop.org", "rootdomain": "bob.example", "status": "not redirected",
      "subdomain": "shop"}])"));
  // changedocroot moves the addon domain with its subdomain.
  api2_data(root, "bob", {"SubDomain", "changedocroot", "subdomain=shop", "rootdomain=bob.example", "dir=shop"});
  CHECK_THAT(root.file("etc/userdatadomains"),
             Contains("shop.org: bob==root==addon==shop.bob.example==/home/bob/shop=="));

  // The addon's subdomain goes with it, not before it.
  expect_cpanel_refused(root, "cpapi2", "bob", {"SubDomain", "delsubdomain", "domain=shop.bob.example"},
                        "serves the addon domain “shop.org”");
  api2_data(root, "bob", {"AddonDomain", "deladdondomain", "domain=shop.org", "subdomain=shop_bob.example"});
  CHECK(root.file("var/cpanel/userdata/bob/main") ==
        "--- \naddon_domains: {}\n\nmain_domain: bob.example\nparked_domains: []\n\nsub_domains: []\n\n");
  CHECK_FALSE(root.exists("var/named/shop.org.db"));
  CHECK_FALSE(root.exists("var/cpanel/userdata/bob/shop.bob.example"));
  CHECK(root.file("etc/userdomains") == "bob.example: bob\n*: nobody\n");
  check_zone(root, "bob.example");
  test::expect_check_clean(root);
}

TEST_CASE("account domain changes: bad input and other accounts' names are refused, nothing changes",
          "[cpanel][subdomain][park][addondomain][bad-input]") {
  TempRoot root;
  create_account(root, "bob", "bob.example", {"maxsub=1", "maxpark=0", "maxaddon=0"});
  create_account(root, "amy", "amy.example");
  api2_data(root, "bob", {"SubDomain", "addsubdomain", "domain=one", "rootdomain=bob.example"});
  auto refused = [&](const std::vector<std::string>& args, const std::string& reason) {
    expect_cpanel_refused(root, "cpapi2", "bob", args, reason);
  };
  refused({"SubDomain", "addsubdomain", "domain=two", "rootdomain=bob.example"}, "limit of 1 subdomains");
  refused({"SubDomain", "addsubdomain", "domain=one", "rootdomain=bob.example"},
          "Domain already exists, it was not added.: one.bob.example");
  refused({"SubDomain", "addsubdomain", "domain=x", "rootdomain=amy.example"},
          "The domain “amy.example” does not belong to the account “bob”.");
  refused({"SubDomain", "addsubdomain", "domain=bad_name", "rootdomain=bob.example"}, "“domain”");
  refused({"SubDomain", "addsubdomain", "domain=x", "rootdomain=bob.example", "dir=public_html/../../amy"},
          "Invalid path component");
  refused({"SubDomain", "addsubdomain", "rootdomain=bob.example"}, "Missing required parameter “domain”");
  refused({"SubDomain", "delsubdomain", "domain=amy.example"}, "does not belong to the account “bob”");
  refused({"SubDomain", "delsubdomain", "domain=bob.example"}, "is not a subdomain");
  refused({"SubDomain", "changedocroot", "subdomain=nope", "rootdomain=bob.example", "dir=x"}, "has no subdomain");
  refused({"SubDomain", "listsubdomains", "regex=("}, "not a valid regular expression");
  refused({"Park", "park", "domain=bob.net"}, "limit of 0 parked domains");
  refused({"Park", "park", "domain=amy.example"}, "Domain already exists");
  refused({"Park", "park", "domain=x.net", "topdomain=amy.example"}, "does not belong to the account “bob”");
  refused({"Park", "unpark", "domain=bob.example"}, "is not a parked or addon domain");
  refused({"AddonDomain", "addaddondomain", "newdomain=shop.org", "subdomain=shop"}, "limit of 0 addon domains");
  refused({"AddonDomain", "addaddondomain", "newdomain=shop.org", "subdomain=one"}, "Domain already exists");
  refused({"AddonDomain", "deladdondomain", "domain=one.bob.example", "subdomain=one_bob.example"},
          "is not an addon domain");
  // A zone left on the server (no account has the name) keeps the name taken.
  root.write("var/named/stray.org.db", "$TTL 14400\n");
  run_ok(root, {"modifyacct", "user=bob", "MAXPARK=1"});
  refused({"Park", "park", "domain=stray.org"}, "Domain already exists");
}

TEST_CASE("the domain modules are gated by their features, also through WHM's passthrough",
          "[cpanel][subdomain][park][addondomain][features]") {
  TempRoot root;
  create_account(root, "bob", "bob.example", unlimited());
  run_ok(root, {"add_override_features_for_user", "user=bob",
                R"(features={"subdomains":0,"parkeddomains":0,"addondomains":0})"});
  expect_cpanel_refused(root, "cpapi2", "bob", {"SubDomain", "addsubdomain", "domain=a", "rootdomain=bob.example"},
                        "You do not have the feature “subdomains”.");
  expect_cpanel_refused(root, "uapi", "bob", {"SubDomain", "addsubdomain", "domain=a", "rootdomain=bob.example"},
                        "You do not have the feature “subdomains”.");
  expect_cpanel_refused(root, "cpapi2", "bob", {"Park", "listparkeddomains"},
                        "You do not have the feature “parkeddomains”.");
  expect_cpanel_refused(root, "cpapi2", "bob", {"AddonDomain", "addaddondomain", "newdomain=a.org", "subdomain=a"},
                        "You do not have the feature “addondomains”.");
  // Parking on a subdomain makes an addon domain: both features.
  run_ok(root, {"add_override_features_for_user", "user=bob", R"(features={"subdomains":1,"parkeddomains":1})"});
  api2_data(root, "bob", {"SubDomain", "addsubdomain", "domain=a", "rootdomain=bob.example"});
  expect_cpanel_refused(root, "cpapi2", "bob", {"Park", "park", "domain=a.org", "topdomain=a.bob.example"},
                        "You do not have the feature “addondomains”.");

  // WHM's passthrough runs them as the account.
  auto through = run_ok(root, {"cpanel", "cpanel_jsonapi_user=bob", "cpanel_jsonapi_module=Park",
                               "cpanel_jsonapi_func=park", "cpanel_jsonapi_apiversion=2", "domain=bob.net"});
  INFO(through.dump());
  CHECK(through["data"]["cpanelresult"]["data"][0]["reason"] ==
        "bob.net was successfully parked on top of bob.example");
  CHECK_THAT(root.file("etc/userdomains"), Contains("bob.net: bob\n"));
}

// Calls recorded on real cPanel servers (tests/recordings/api2-domains/, from
// the VCR cassettes of the lumberg client library), replayed and compared
// field by field.
TEST_CASE("API 2 SubDomain, Park and AddonDomain answer what real servers recorded",
          "[cpanel][subdomain][park][addondomain][recordings]") {
  for (const std::string name : {"subdomain", "addondomain", "park"}) {
    DYNAMIC_SECTION(name) {
      TempRoot root;
      create_account(root, "lumberg", "lumberg-test.com", unlimited());
      // The recorded unpark's reason also has what the server's DNS cluster
      // said (park's own reason is checked in the Park test case).
      std::vector<test::Ignored> ignored;
      if (name == "park") ignored.push_back({"/cpanelresult/data/0/reason", "the recorded server's DNS messages"});
      test::replay(root, test::load_recording("api2-domains/" + name), ignored);
    }
  }
  SECTION("listings") {
    TempRoot root;
    create_account(root, "lumberg", "lumberg-test.com", unlimited());
    for (const auto& [addon, sub] : std::vector<std::pair<std::string, std::string>>{
             {"linty.net", "linty"}, {"lumberg-addon.com", "add"}, {"team.com", "team"}})
      api2_data(
          root, "lumberg",
          {"AddonDomain", "addaddondomain", "newdomain=" + addon, "subdomain=" + sub, "dir=public_html/" + addon});
    for (const std::string sub : {"bar", "foo"})
      api2_data(root, "lumberg",
                {"SubDomain", "addsubdomain", "domain=" + sub, "rootdomain=lumberg-test.com",
                 "dir=public_html/" + sub + ".lumberg-test.com"});
    for (const std::string parked : {"eeeee.at", "eeeeeeeee.io"})
      api2_data(root, "lumberg", {"Park", "park", "domain=" + parked});
    test::replay(root, test::load_recording("api2-domains/listings"));
  }
}
