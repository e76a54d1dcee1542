#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

TEST_CASE("suspendacct and unsuspendacct round trip", "[suspendacct][unsuspendacct]") {
  TempRoot root;
  create_account(root, "bob", "bob.example", {"hasshell=1"});
  root.write("var/spool/cron/crontabs/bob", "MAILTO=\"\"\n*/5 * * * * /home/bob/job.sh\n");
  root.write("etc/proftpd/bob", "bob:HASH:1000:1000::/home/bob:/bin/ftpsh\n");
  auto passwd_before = root.file("etc/passwd");
  auto shadow_before = root.file("etc/shadow");
  auto cron_before = root.file("var/spool/cron/crontabs/bob");
  auto ftp_before = root.file("etc/proftpd/bob");

  auto r = run(root, {"suspendacct", "user=bob", "reason=Nonpayment", "disallowun=1"});
  REQUIRE(r.status == 0);
  CHECK(r.json()["metadata"]["result"] == 1);
  CHECK(root.file("var/cpanel/suspended/bob") == "Nonpayment");
  CHECK(root.exists("var/cpanel/suspended/bob.lock"));
  CHECK(root.file("var/cpanel/suspendinfo/bob") == "leave-ftp-accts-enabled=0\nshell=/bin/bash\n");
  CHECK_THAT(root.file("var/cpanel/users/bob"), Contains("\nSUSPENDED=1\n"));
  CHECK_THAT(root.file("var/cpanel/users/bob"), Contains("\nSUSPENDTIME="));
  CHECK_THAT(root.file("etc/passwd"), Contains(":/home/bob:/bin/false\n"));
  CHECK_THAT(root.file("etc/shadow"), StartsWith("bob:!$6$"));
  CHECK_FALSE(root.exists("var/spool/cron/crontabs/bob"));
  CHECK(root.file("var/spool/cron/crontabs.suspended/bob") == cron_before);
  CHECK(root.file("etc/proftpd/bob") == "# Account suspended\n");
  CHECK(root.file("etc/proftpd/bob.suspended") == ftp_before);
  CHECK_THAT(root.file("var/cpanel/accounting.log"), Contains(":SUSPEND:root:bob:bob.example:Nonpayment"));

  auto acct = run(root, {"accountsummary", "user=bob"}).json()["data"]["acct"][0];
  CHECK(acct["suspended"] == 1);
  CHECK(acct["suspendreason"] == "Nonpayment");
  CHECK(acct["is_locked"] == 1);
  CHECK(acct["suspendtime"].is_number());

  auto list = run(root, {"listsuspended"}).json()["data"]["account"];
  REQUIRE(list.size() == 1);
  CHECK(list[0]["user"] == "bob");
  CHECK(list[0]["reason"] == "Nonpayment");
  CHECK(list[0]["is_locked"] == 1);
  CHECK(list[0]["owner"] == "root");
  CHECK(list[0]["unixtime"].is_number());
  CHECK(run(root, {"listlockedaccounts"}).json()["data"]["account"] == nlohmann::json({"bob"}));

  REQUIRE(run(root, {"unsuspendacct", "user=bob"}).status == 0);
  CHECK(root.file("etc/passwd") == passwd_before);
  CHECK(root.file("etc/shadow") == shadow_before);
  CHECK(root.file("var/spool/cron/crontabs/bob") == cron_before);
  CHECK(root.file("etc/proftpd/bob") == ftp_before);
  for (const char* rel : {"var/cpanel/suspended/bob", "var/cpanel/suspended/bob.lock", "var/cpanel/suspendinfo/bob",
                          "var/spool/cron/crontabs.suspended/bob", "etc/proftpd/bob.suspended"})
    CHECK_FALSE(root.exists(rel));
  CHECK_THAT(root.file("var/cpanel/users/bob"), Contains("\nSUSPENDED=0\n"));
  CHECK(run(root, {"listsuspended"}).json()["data"]["account"].empty());
  CHECK(run(root, {"listlockedaccounts"}).json()["data"]["account"].empty());
}

TEST_CASE("leave-ftp-accts-enabled keeps the FTP file", "[suspendacct]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  root.write("etc/proftpd/bob", "bob:HASH:1000:1000::/home/bob:/bin/ftpsh\n");
  REQUIRE(run(root, {"suspendacct", "user=bob", "leave-ftp-accts-enabled=1"}).status == 0);
  CHECK(root.file("etc/proftpd/bob") == "bob:HASH:1000:1000::/home/bob:/bin/ftpsh\n");
  CHECK(root.file("var/cpanel/suspended/bob") == "Unknown");
  CHECK_FALSE(root.exists("var/cpanel/suspended/bob.lock"));
}

TEST_CASE("suspension bad input", "[suspendacct][unsuspendacct][listsuspended][listlockedaccounts][bad-input]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  expect_refused(root, {"suspendacct"}, "Missing required parameter “user”");
  expect_refused(root, {"suspendacct", "user=ghost"}, "does not exist");
  expect_refused(root, {"suspendacct", "user=bob", "reason=line1%0Aline2"}, "line break");
  expect_refused(root, {"suspendacct", "user=bob", "disallowun=yes"}, "“disallowun”");
  expect_refused(root, {"unsuspendacct", "user=bob"}, "is not suspended");
  expect_refused(root, {"unsuspendacct"}, "Missing required parameter “user”");
  expect_refused(root, {"unsuspendacct", "user=ghost"}, "does not exist");
  // The listing functions take no arguments that can be wrong; a malformed word is refused.
  expect_bad_command_line(root, {"listsuspended", "=x"}, "key=value");
  expect_bad_command_line(root, {"listlockedaccounts", "oops"}, "key=value");
}
