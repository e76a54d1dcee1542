// modifyacct newuser= and domain=: every store moves the account in one
// transaction, and whmkit-check finds nothing wrong afterwards.
#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {

// bob with an FTP login (quota, read-only, allowed IPs), a cron job and home files.
void bob_with_data(const TempRoot& root) {
  create_account(root, "alice", "alice.example");
  create_account(root, "bob", "bob.example");
  uapi_ok(root, "bob",
          {"Ftp", "add_ftp", "user=web", "pass=S3cure.pass", "quota=50", "read_only=1", "allowed_ips=203.0.113.0/24"});
  uapi_ok(root, "bob",
          {"Cron", "add_line", "minute=0", "hour=4", "day=*", "month=*", "weekday=*", "command=backup.sh"});
  root.write("home/bob/public_html/index.html", "<h1>bob</h1>\n");
}

}  // namespace

TEST_CASE("modifyacct newuser= renames every part of the account", "[rename]") {
  TempRoot root;
  bob_with_data(root);
  auto j = run_ok(root, {"modifyacct", "user=bob", "newuser=robert"});
  CHECK(j["data"]["user"] == "robert");
  CHECK(j["data"]["cpuser"]["USER"] == "robert");

  for (const char* gone :
       {"var/cpanel/users/bob", "var/cpanel/users.cache/bob", "var/cpanel/userdata/bob", "home/bob", "etc/proftpd/bob",
        "var/cpanel/whmkit/ftp/bob.json", "var/spool/cron/crontabs/bob", "var/cpanel/bandwidth/bob.sqlite"}) {
    INFO(gone);
    CHECK(!root.exists(gone));
  }
  CHECK_THAT(root.file("var/cpanel/users/robert"), Contains("\nUSER=robert\n"));
  CHECK_THAT(root.file("etc/passwd"), Contains("\nrobert:x:") && Contains(":/home/robert:"));
  CHECK_THAT(root.file("etc/shadow"), Contains("\nrobert:"));
  CHECK_THAT(root.file("etc/group"), Contains("\nrobert:x:"));
  CHECK(root.file("home/robert/public_html/index.html") == "<h1>bob</h1>\n");
  CHECK_THAT(root.file("etc/userdomains"), Contains("bob.example: robert"));
  CHECK_THAT(root.file("var/cpanel/userdata/robert/bob.example"), Contains("/home/robert/public_html"));
  CHECK_THAT(root.file("var/cpanel/userdata/robert/cache"), Contains("robert==root==main"));
  CHECK_THAT(root.file("etc/proftpd/robert"), Contains("\nrobert:") || Contains("robert:"));
  CHECK_THAT(root.file("etc/proftpd/robert"), Contains("web@bob.example:") && Contains(":/home/robert/"));
  CHECK_THAT(root.file("etc/proftpd/robert"), Contains(":robert:/home/robert/") && !Contains(":bob:"));  // gecos
  CHECK_THAT(root.file("home/robert/etc/ftpquota"), Contains("web@bob.example:50"));
  CHECK_THAT(root.file("var/cpanel/whmkit/ftp/robert.json"), Contains("203.0.113.0/24"));
  CHECK_THAT(root.file("etc/pure-ftpd/pureftpd.passwd"), Contains(":robert:/home/robert/./"));
  CHECK_THAT(root.file("var/spool/cron/crontabs/robert"), Contains("backup.sh"));
  CHECK(root.exists("var/cpanel/bandwidth/robert.sqlite"));
  // The zone is the domain's, not the user's: untouched.
  CHECK(root.exists("var/named/bob.example.db"));
  expect_check_clean(root);
  // The new name works everywhere.
  run_ok(root, {"suspendacct", "user=robert"});
  run_ok(root, {"unsuspendacct", "user=robert"});
  expect_check_clean(root);
}

TEST_CASE("modifyacct domain= moves the account to a new main domain", "[rename]") {
  TempRoot root;
  bob_with_data(root);
  run_ok(root, {"addzonerecord", "domain=bob.example", "name=api", "type=A", "address=192.0.2.5"});
  auto j = run_ok(root, {"modifyacct", "user=bob", "domain=new.example"});
  CHECK(j["data"]["domain"] == "new.example");

  const std::string cpuser = root.file("var/cpanel/users/bob");
  CHECK_THAT(cpuser, Contains("\nDNS=new.example\n") && Contains("\nMXCHECK-new.example=local\n"));
  CHECK_THAT(cpuser, !Contains("bob.example"));
  CHECK(!root.exists("var/named/bob.example.db"));
  const std::string zone = root.file("var/named/new.example.db");
  CHECK_THAT(zone, Contains("Zone file for new.example") && Contains("\napi\t") && !Contains("bob.example"));
  CHECK_THAT(root.file("etc/named.conf"), Contains("zone \"new.example\"") && !Contains("bob.example"));
  CHECK(!root.exists("var/cpanel/userdata/bob/bob.example"));
  const std::string vhost = root.file("var/cpanel/userdata/bob/new.example");
  CHECK_THAT(vhost, Contains("servername: new.example") && Contains("www.new.example") && !Contains("bob.example"));
  CHECK_THAT(root.file("var/cpanel/userdata/bob/main"), Contains("main_domain: new.example"));
  CHECK_THAT(root.file("etc/userdomains"), Contains("new.example: bob") && !Contains("bob.example"));
  CHECK_THAT(root.file("etc/proftpd/bob"), Contains("web@new.example:") && !Contains("web@bob.example"));
  CHECK_THAT(root.file("home/bob/etc/ftpquota"), Contains("web@new.example:50"));
  CHECK_THAT(root.file("var/cpanel/whmkit/ftp/bob.json"), Contains("web@new.example"));
  expect_check_clean(root);
}

TEST_CASE("a new main domain takes the subdomains along; parked domains are refused", "[rename]") {
  TempRoot root;
  bob_with_data(root);
  run_ok(root, {"create_subdomain", "domain=shop.bob.example", "document_root=public_html/shop"});
  uapi_ok(root, "bob", {"Ftp", "add_ftp", "user=clerk", "pass=S3cure.pass", "domain=shop.bob.example"});
  run_ok(root, {"modifyacct", "user=bob", "domain=new.example"});
  CHECK_THAT(root.file("var/cpanel/users/bob"), Contains("=shop.new.example\n") && !Contains("bob.example"));
  CHECK(!root.exists("var/cpanel/userdata/bob/shop.bob.example"));
  CHECK_THAT(root.file("var/cpanel/userdata/bob/shop.new.example"), Contains("servername: shop.new.example"));
  CHECK_THAT(root.file("var/cpanel/userdata/bob/main"), Contains("shop.new.example") && !Contains("bob.example"));
  CHECK_THAT(root.file("var/named/new.example.db"), Contains("shop.new.example.") && !Contains("bob.example"));
  CHECK_THAT(root.file("etc/userdomains"), Contains("shop.new.example: bob"));
  CHECK_THAT(root.file("etc/proftpd/bob"), Contains("clerk@shop.new.example:"));
  expect_check_clean(root);

  run_ok(root, {"modifyacct", "user=bob", "MAXPARK=unlimited"});
  run_ok(root, {"create_parked_domain_for_user", "domain=bob.net", "username=bob", "web_vhost_domain=new.example"});
  auto parked = run(root, {"modifyacct", "user=bob", "domain=other.example"});
  CHECK(parked.status == 2);
  CHECK_THAT(parked.json()["metadata"]["reason"].get<std::string>(), Contains("parked or addon domains"));
  expect_check_clean(root);
}

TEST_CASE("modifyacct renames the user and the domain at once", "[rename]") {
  TempRoot root;
  bob_with_data(root);
  run_ok(root, {"suspendacct", "user=bob", "reason=Moving"});
  run_ok(root, {"modifyacct", "user=bob", "newuser=robert", "domain=robert.example"});
  CHECK_THAT(root.file("var/cpanel/users/robert"), Contains("\nDNS=robert.example\n") && Contains("\nSUSPENDED=1\n"));
  CHECK(root.file("var/cpanel/suspended/robert") == "Moving");
  CHECK(root.exists("var/cpanel/suspendinfo/robert"));
  CHECK(root.exists("var/spool/cron/crontabs.suspended/robert"));
  CHECK_THAT(root.file("etc/proftpd/robert.suspended"), Contains("web@robert.example:"));
  CHECK(root.exists("var/named/robert.example.db"));
  CHECK_THAT(root.file("var/cpanel/userdata/robert/robert.example"), Contains("/home/robert/public_html"));
  expect_check_clean(root);
  run_ok(root, {"unsuspendacct", "user=robert"});
  CHECK_THAT(root.file("etc/proftpd/robert"), Contains("web@robert.example:"));
  run_ok(root, {"removeacct", "user=robert"});
  CHECK(!root.exists("var/cpanel/whmkit/ftp/robert.json"));
  expect_check_clean(root);
}

TEST_CASE("a rename to a bad or taken name or domain changes nothing", "[rename][bad-input]") {
  TempRoot root;
  bob_with_data(root);
  expect_refused(root, {"modifyacct", "user=bob", "newuser=alice"}, "The account “alice” already exists.");
  create_account(root, "alexander1", "alexander.example");
  expect_refused(root, {"modifyacct", "user=bob", "newuser=alexander2"}, "the first eight characters");
  // Only other accounts count for the first eight characters.
  run_ok(root, {"modifyacct", "user=alexander1", "newuser=alexander2"});
  expect_refused(root, {"modifyacct", "user=bob", "newuser=9lives"}, "");
  expect_refused(root, {"modifyacct", "user=bob", "newuser=bob_with_a_very_long_name_indeed"}, "");
  expect_refused(root, {"modifyacct", "user=bob", "domain=alice.example"},
                 "The domain “alice.example” is already owned by the account “alice”.");
  expect_refused(root, {"modifyacct", "user=bob", "domain=not a domain"}, "");
  // massmodifyacct does not rename.
  auto mass = run(root, {"massmodifyacct", "user=bob", "newuser=robert"});
  CHECK(mass.json()["data"]["payload"][0]["result"] == 0);
  CHECK(!root.exists("var/cpanel/users/robert"));
  expect_check_clean(root);
}

TEST_CASE("a renamed reseller keeps its privileges and its accounts", "[rename][reseller]") {
  TempRoot root;
  create_account(root, "alice", "alice.example");
  run_ok(root, {"setupreseller", "user=alice"});
  run_ok(root, {"setresellerlimits", "user=alice", "enable_account_limit=1", "account_limit=5"});
  create_account(root, "carol", "carol.example", {"owner=alice"});
  run_ok(root, {"modifyacct", "user=alice", "newuser=alicia"});
  CHECK_THAT(root.file("var/cpanel/resellers"), Contains("alicia:") && !Contains("alice:"));
  CHECK_THAT(root.file("var/cpanel/reseller-limits.yaml"), Contains("alicia:") && !Contains("alice:"));
  CHECK_THAT(root.file("var/cpanel/users/carol"), Contains("\nOWNER=alicia\n"));
  CHECK_THAT(root.file("etc/trueuserowners"), Contains("carol: alicia"));
  CHECK_THAT(root.file("var/cpanel/userdata/carol/carol.example"), Contains("owner: alicia"));
  CHECK_THAT(root.file("var/cpanel/userdata/carol/cache"), Contains("carol==alicia==main"));
  expect_check_clean(root);
  // The renamed reseller still creates accounts of its own.
  create_account(root, "dave", "dave.example", {"owner=alicia"});
  expect_check_clean(root);
}

TEST_CASE("a reseller renames only an account it owns, with edit-account", "[rename][reseller][bad-input]") {
  TempRoot root;
  create_account(root, "alice", "alice.example");
  run_ok(root, {"setupreseller", "user=alice"});
  create_account(root, "carol", "carol.example", {"owner=alice"});
  create_account(root, "bob", "bob.example");  // root's
  // Without the privilege: refused, nothing changed.
  expect_refused(root, {"--user=alice", "modifyacct", "user=carol", "newuser=carla"}, "“edit-account” privilege");
  run_ok(root, {"setacls", "reseller=alice", "acl-edit-account=1"});
  // Another owner's account: refused, nothing changed.
  expect_refused(root, {"--user=alice", "modifyacct", "user=bob", "newuser=robert"}, "does not own the account “bob”");
  expect_refused(root, {"--user=alice", "modifyacct", "user=bob", "domain=new.example"}, "does not own");
  // Its own account: renamed.
  run_ok(root, {"--user=alice", "modifyacct", "user=carol", "newuser=carla"});
  CHECK(root.exists("var/cpanel/users/carla"));
  CHECK_FALSE(root.exists("var/cpanel/users/carol"));
  expect_check_clean(root);
}
