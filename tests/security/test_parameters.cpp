// Parameters: control bytes never reach a line-oriented file, a one-value
// parameter given twice is refused, and an unknown parameter is pointed out
// (refused with --strict).
#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {
const std::string kPassword = "password=v9#Lq2!xT7$wRz4p";
}

TEST_CASE("control bytes in any value are refused, naming the parameter", "[security][parameters]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  // The attacks of the hostile review: extra keys in the cpuser file.
  expect_refused(root, {"createacct", "username=carl", "domain=carl.example", kPassword, "cpmod=x%0ADNS1=bob.example"},
                 "parameter “cpmod”: the value contains the control character U+000A");
  expect_refused(root,
                 {"createacct", "username=carl", "domain=carl.example", kPassword, "language=en%0ADNS1=bob.example"},
                 "parameter “language”");
  expect_refused(root, {"backup_config_set", "compressionsetting=fast%0Abackupdir=/etc"},
                 "parameter “compressionsetting”");
  for (const char* byte : {"%0D", "%0A", "%09", "%1B", "%7F", "%01"})
    expect_refused(root, {"modifyacct", "user=bob", std::string("CONTACTEMAIL=a") + byte + "@bob.example"},
                   "control character");
  // Also in a parameter the function does not declare, and through the passthroughs.
  expect_refused(root, {"modifyacct", "user=bob", "NOT_DECLARED=a%0Ab"}, "parameter “NOT_DECLARED”");
  expect_refused(root,
                 {"uapi_cpanel", "cpanel.user=bob", "cpanel.module=Cron", "cpanel.function=add_line", "command=x%0Ay",
                  "minute=1", "hour=1", "day=1", "month=1", "weekday=1"},
                 "control character");
  expect_cpanel_refused(root, "uapi", "bob", {"Ftp", "add_ftp", "user=x%0Ay", "pass=v9#Lq2!xT7$wRz4p"},
                        "control character");
  expect_cpanel_refused(root, "cpapi2", "bob",
                        {"Cron", "add_line", "command=ls%0D", "minute=1", "hour=1", "day=1", "month=1", "weekday=1"},
                        "control character");
}

TEST_CASE("a one-value parameter given twice is refused; lists keep working", "[security][parameters]") {
  TempRoot root;
  create_account(root, "alice", "alice.example");
  create_account(root, "bob", "bob.example");
  expect_refused(root, {"removeacct", "user=bob", "user=alice"}, "The parameter “user” was given 2 times");
  expect_refused(root, {"removeacct", "username=bob", "username-1=alice"}, "given 2 times");
  expect_refused(root, {"passwd", "user=bob", "user=alice", kPassword}, "given 2 times");
  expect_refused(root, {"editquota", "user=bob", "quota=10", "quota=20"}, "“quota” was given 2 times");
  CHECK(root.exists("var/cpanel/users/alice"));
  // massmodifyacct takes a list of users.
  auto j = run_ok(root, {"massmodifyacct", "user=alice", "user=bob", "MAXFTP=7"});
  CHECK(j["data"]["payload"].size() == 2);
  CHECK_THAT(root.file("var/cpanel/users/bob"), Contains("\nMAXFTP=7\n"));
}

TEST_CASE("an unknown parameter is pointed out, and refused with --strict", "[security][parameters]") {
  TempRoot root;
  run_ok(root, {"addpkg", "name=basic", "quota=5"});
  // Without --strict: a warning naming it and the closest name; the envelope is unchanged.
  auto r = run(root, {"editpkg", "name=basic", "qouta=10"});
  CHECK(r.status == 0);
  CHECK(r.json()["metadata"]["result"] == 1);
  CHECK_THAT(r.err, Contains("warning: The function “editpkg” has no parameter “qouta” (did you mean “quota”?)."));
  // With --strict, or WHMKIT_STRICT=1: refused, nothing changed.
  expect_refused(root, {"--strict", "editpkg", "name=basic", "qouta=10"}, "has no parameter “qouta”");
  auto before = snapshot(root);
  auto strict = run_program({WHMAPI1_PATH, "--root=" + root.path, "--output=json", "editpkg", "name=basic", "qouta=1"},
                            {{"WHMKIT_STRICT", "1"}});
  CHECK(strict.json()["metadata"]["result"] == 0);
  CHECK(snapshot(root) == before);
  ++refused_cases();
  // Declared patterns (MXCHECK-*) and the passthroughs' arguments are not unknown.
  create_account(root, "bob", "bob.example");
  auto mx = run(root, {"--strict", "modifyacct", "user=bob", "MXCHECK-bob.example=local"});
  CHECK(mx.json()["metadata"]["result"] == 1);
  auto passthrough = run(root, {"--strict", "uapi_cpanel", "cpanel.user=bob", "cpanel.module=Ftp",
                                "cpanel.function=list_ftp", "include_acct_types=main"});
  CHECK(passthrough.err.empty());
  // uapi too.
  auto u = run_cpanel(root, "uapi", "bob", {"--strict", "Ftp", "list_ftp", "skip_acct_type=main"});
  CHECK_THAT(cpanel_error(u.json()), Contains("has no parameter “skip_acct_type” (did you mean “skip_acct_types”?)"));
}
