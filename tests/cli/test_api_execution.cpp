// applist, batch and create_user_session on the command line: output, files,
// and refused input that changes nothing.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;

TEST_CASE("applist lists exactly the implemented functions", "[applist]") {
  TempRoot root;
  auto j = run_ok(root, {"applist"});
  const auto apps = j["data"]["app"];
  CHECK(std::find(apps.begin(), apps.end(), "createacct") != apps.end());
  CHECK(std::find(apps.begin(), apps.end(), "get_login_url") == apps.end());  // not implemented
  CHECK(std::is_sorted(apps.begin(), apps.end()));
}

TEST_CASE("batch runs its commands in order, one envelope each", "[batch]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto j = run_ok(root, {"batch", "command=version", "command=accountsummary%3Fuser%3Dbob"});
  const auto results = j["data"]["result"];
  REQUIRE(results.size() == 2);
  CHECK(results[0]["metadata"]["command"] == "version");
  CHECK(results[1]["data"]["acct"][0]["user"] == "bob");
  // A failed command does not stop the batch unless abort_on_error=1.
  auto going = run_ok(root, {"batch", "command=suspendacct%3Fuser%3Dnobody", "command=version"});
  CHECK(going["data"]["result"].size() == 2);
  auto stopped =
      run(root, {"batch", "abort_on_error=1", "command=suspendacct%3Fuser%3Dnobody", "command=version"}).json();
  CHECK(stopped["metadata"]["result"] == 0);
  CHECK(stopped["data"]["result"].size() == 1);
}

TEST_CASE("batch refuses a command that is not a function call, and runs none", "[batch]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  expect_refused(root, {"batch", "command=suspendacct%3Fuser%3Dbob", "command=..%2Fx"},
                 "does not start with a function name");
  expect_refused(root, {"batch", "command=batch%3Fcommand%3Dversion"}, "cannot contain another batch");
}

TEST_CASE("create_user_session writes a session file holding no secret", "[create_user_session]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto j = run_ok(root, {"create_user_session", "user=bob", "service=cpaneld", "preferred_domain=host.example"});
  const std::string session = j["data"]["session"], token = j["data"]["cp_security_token"];
  CHECK_THAT(j["data"]["url"].get<std::string>(),
             Contains("https://host.example:2083" + token + "/login/?session=" + session));
  const std::string name = session.substr(0, session.find(":CREATE_USER_SESSION"));
  const std::string secret = session.substr(session.rfind(',') + 1);
  const std::string file = "var/cpanel/sessions/raw/" + name;
  REQUIRE(root.exists(file));
  CHECK(root.file(file).find(secret) == std::string::npos);
  CHECK_THAT(root.file(file), Contains("login_pending=1"));
  struct stat st {};
  REQUIRE(::stat((root.path + "/" + file).c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
}

TEST_CASE("create_user_session refuses a missing or suspended user, and a bad service", "[create_user_session]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  run_ok(root, {"suspendacct", "user=bob"});
  expect_refused(root, {"create_user_session", "user=bob", "service=cpaneld"}, "is suspended");
  expect_refused(root, {"create_user_session", "user=nobody", "service=cpaneld"}, "does not exist");
  expect_refused(root, {"create_user_session", "user=bob", "service=ftpd"}, "service");
  expect_refused(root, {"create_user_session", "user=bob", "service=whostmgrd"}, "not root or a reseller");
}
