// cpapi2/uapi front ends and the Ftp module, run as the real programs.
#include <catch2/catch.hpp>

#include "harness.hpp"

using test::cpanel_error;
using test::create_account;
using test::expect_cpanel_refused;
using test::run;
using test::run_cpanel;
using test::snapshot;
using test::TempRoot;

namespace {

std::vector<std::string> keys_of(const nlohmann::json& j) {
  std::vector<std::string> out;
  for (auto it = j.begin(); it != j.end(); ++it) out.push_back(it.key());
  return out;
}

nlohmann::json ok(const TempRoot& root, const std::string& prog, const std::string& user,
                  const std::vector<std::string>& args) {
  auto r = run_cpanel(root, prog, user, args);
  INFO(prog << " " << args.at(0) << " " << args.at(1) << " -> " << r.out << r.err);
  REQUIRE(r.status == 0);
  return r.json();
}

// The pure-ftpd passwd line of `login`, or "".
std::string pure_line(const TempRoot& root, const std::string& login) {
  std::string text = root.file("etc/pure-ftpd/pureftpd.passwd");
  size_t at = text.find(login + ":");
  while (at != std::string::npos && at != 0 && text[at - 1] != '\n') at = text.find(login + ":", at + 1);
  if (at == std::string::npos) return "";
  return text.substr(at, text.find('\n', at) - at);
}

}  // namespace

TEST_CASE("session lists have exactly the keys and types of the reference samples", "[cpanel][ftp]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto api2 = ok(root, "cpapi2", "bob", {"Ftp", "listftpsessions"});
  CHECK(keys_of(api2) == std::vector<std::string>{"cpanelresult"});
  const auto& cr = api2["cpanelresult"];
  CHECK(keys_of(cr) ==
        std::vector<std::string>{"apiversion", "data", "event", "func", "module", "postevent", "preevent"});
  CHECK(cr["apiversion"] == 2);
  CHECK(cr["func"] == "listftpsessions");
  CHECK(cr["module"] == "Ftp");
  CHECK(cr["data"].is_array());
  CHECK(cr["event"] == nlohmann::json{{"result", 1}});

  auto uapi = ok(root, "uapi", "bob", {"Ftp", "list_sessions"});
  CHECK(keys_of(uapi) == std::vector<std::string>{"apiversion", "func", "module", "result"});
  CHECK(uapi["apiversion"] == 3);
  CHECK(uapi["func"] == "list_sessions");
  const auto& res = uapi["result"];
  CHECK(keys_of(res) == std::vector<std::string>{"data", "errors", "messages", "metadata", "status", "warnings"});
  CHECK(res["data"].is_array());
  CHECK(res["errors"].is_null());
  CHECK(res["metadata"] == nlohmann::json{{"transformed", 1}});
  CHECK(res["status"] == 1);

  SECTION("the other output formats carry the same envelope") {
    auto yaml = test::run_program({std::string(WHMAPI1_PATH).substr(0, std::string(WHMAPI1_PATH).rfind('/')) + "/uapi",
                                   "--root=" + root.path, "--user=bob", "Ftp", "list_sessions"});
    CHECK(yaml.status == 0);
    CHECK_THAT(yaml.out,
               Catch::Matchers::StartsWith("--- \napiversion: 3\nfunc: list_sessions\nmodule: Ftp\nresult: \n"));
    auto xml = test::run_program({std::string(WHMAPI1_PATH).substr(0, std::string(WHMAPI1_PATH).rfind('/')) + "/cpapi2",
                                  "--root=" + root.path, "--user=bob", "--output=xml", "Ftp", "listftpsessions"});
    CHECK_THAT(xml.out, Catch::Matchers::Contains("<cpanelresult><apiversion>2</apiversion>"));
  }
}

TEST_CASE("front-end refusals: no --user, unknown user, unknown module or function", "[cpanel]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto bin_dir = std::string(WHMAPI1_PATH).substr(0, std::string(WHMAPI1_PATH).rfind('/'));
  auto no_user = test::run_program({bin_dir + "/uapi", "--root=" + root.path, "Ftp", "list_ftp"});
  CHECK(no_user.status == 2);
  CHECK_THAT(no_user.err, Catch::Matchers::Contains("--user"));
  expect_cpanel_refused(root, "uapi", "nobody", {"Ftp", "list_ftp"}, "is not a cPanel account");
  expect_cpanel_refused(root, "uapi", "../bob", {"Ftp", "list_ftp"}, "user");
  auto unknown = run_cpanel(root, "uapi", "bob", {"Email", "list_pops"});
  CHECK(unknown.status == 2);
  CHECK_THAT(cpanel_error(unknown.json()), Catch::Matchers::Contains("not implemented by whmkit"));
  auto typo = run_cpanel(root, "cpapi2", "bob", {"Ftp", "listftpz"});
  CHECK(typo.status == 2);
  CHECK_THAT(cpanel_error(typo.json()), Catch::Matchers::Contains("Could not find function"));
}

TEST_CASE("add_ftp writes cPanel's FTP files and the Pure-FTPd database", "[cpanel][ftp]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  ok(root, "uapi", "bob", {"Ftp", "add_ftp", "user=deploy", "pass=S3cure.pass", "quota=50", "homedir=sites/deploy"});

  std::string passwd = root.file("etc/proftpd/bob");
  CHECK_THAT(passwd, Catch::Matchers::StartsWith("bob:$6$"));
  CHECK_THAT(passwd, Catch::Matchers::Contains("\ndeploy@bob.example:$6$"));
  CHECK_THAT(passwd, Catch::Matchers::Contains(":bob:/home/bob/sites/deploy:/bin/ftpsh\n"));
  CHECK(root.file("home/bob/etc/ftpquota") == "deploy@bob.example:50\n");
  CHECK(root.exists("home/bob/sites/deploy"));
  std::string line = pure_line(root, "deploy@bob.example");
  CHECK_THAT(line, Catch::Matchers::Contains(":bob:/home/bob/sites/deploy/./:::::::52428800:::::"));

  auto list = ok(root, "uapi", "bob", {"Ftp", "list_ftp"});
  CHECK(list["result"]["data"] == nlohmann::json::parse(R"([
    {"homedir":"/home/bob","type":"main","user":"bob"},
    {"homedir":"/home/bob/sites/deploy","type":"sub","user":"deploy@bob.example"}])"));
  auto subs = ok(root, "cpapi2", "bob", {"Ftp", "listftp", "include_acct_types=sub"});
  CHECK(subs["cpanelresult"]["data"].size() == 1);
  auto disk = ok(root, "uapi", "bob", {"Ftp", "list_ftp_with_disk", "skip_acct_types=main"});
  CHECK(disk["result"]["data"][0]["diskquota"] == "50");
  CHECK(disk["result"]["data"][0]["reldir"] == "sites/deploy");
  CHECK(ok(root, "uapi", "bob", {"Ftp", "get_quota", "account=deploy"})["result"]["data"] == "50");

  SECTION("password, quota, homedir, enable/disable, read-only, allowed IPs") {
    std::string before = root.file("etc/proftpd/bob");
    ok(root, "cpapi2", "bob", {"Ftp", "passwd", "user=deploy", "pass=An0ther.pass"});
    CHECK(root.file("etc/proftpd/bob") != before);
    ok(root, "cpapi2", "bob", {"Ftp", "setquota", "user=deploy", "quota=0"});
    CHECK(root.file("home/bob/etc/ftpquota") == "");
    CHECK(ok(root, "uapi", "bob", {"Ftp", "get_quota", "account=deploy"})["result"]["data"] == "unlimited");
    ok(root, "uapi", "bob", {"Ftp", "set_homedir", "user=deploy", "homedir=public_html/deploy"});
    CHECK_THAT(root.file("etc/proftpd/bob"), Catch::Matchers::Contains(":/home/bob/public_html/deploy:/bin/ftpsh"));

    ok(root, "uapi", "bob", {"Ftp", "set_enabled", "user=deploy", "enabled=0"});
    CHECK_THAT(root.file("etc/proftpd/bob"), Catch::Matchers::Contains("deploy@bob.example:!$6$"));
    CHECK(pure_line(root, "deploy@bob.example").empty());
    ok(root, "uapi", "bob", {"Ftp", "set_enabled", "user=deploy", "enabled=1"});
    CHECK_THAT(root.file("etc/proftpd/bob"), Catch::Matchers::Contains("deploy@bob.example:$6$"));

    ok(root, "uapi", "bob", {"Ftp", "set_allowed_ips", "user=deploy", "allowed_ips=203.0.113.0/24,127.0.0.1"});
    CHECK_THAT(pure_line(root, "deploy@bob.example"), Catch::Matchers::EndsWith(":::203.0.113.0/24,127.0.0.1::"));
    ok(root, "uapi", "bob", {"Ftp", "set_read_only", "user=deploy", "read_only=1"});
    CHECK_THAT(pure_line(root, "deploy@bob.example"), Catch::Matchers::Contains(":1:1:::203.0.113.0/24"));
    auto row = ok(root, "uapi", "bob", {"Ftp", "list_ftp_with_disk", "include_acct_types=sub"})["result"]["data"][0];
    CHECK(row["read_only"] == 1);
    CHECK(row["allowed_ips"] == nlohmann::json::array({"203.0.113.0/24", "127.0.0.1"}));
  }

  SECTION("delete_ftp with destroy removes the login, its quota line and its directory") {
    root.write("home/bob/sites/deploy/index.html", "hi");
    ok(root, "uapi", "bob", {"Ftp", "delete_ftp", "user=deploy", "destroy=1"});
    CHECK(root.file("etc/proftpd/bob").find("deploy@") == std::string::npos);
    CHECK(root.file("home/bob/etc/ftpquota") == "");
    CHECK(!root.exists("home/bob/sites/deploy"));
    CHECK(pure_line(root, "deploy@bob.example").empty());
    CHECK(!pure_line(root, "bob").empty());
  }

  SECTION("anonymous FTP is the ftp line, rooted at public_ftp") {
    CHECK(ok(root, "uapi", "bob", {"Ftp", "allows_anonymous_ftp"})["result"]["data"]["allows"] == 0);
    ok(root, "uapi", "bob", {"Ftp", "allow_anonymous_ftp"});
    CHECK_THAT(root.file("etc/proftpd/bob"), Catch::Matchers::Contains("\nftp:*:"));
    CHECK(ok(root, "uapi", "bob", {"Ftp", "allows_anonymous_ftp"})["result"]["data"]["allows"] == 1);
    ok(root, "uapi", "bob", {"Ftp", "disallow_anonymous_ftp"});
    CHECK(root.file("etc/proftpd/bob").find("\nftp:") == std::string::npos);
  }

  SECTION("suspension takes the logins out of Pure-FTPd; unsuspension puts them back") {
    REQUIRE(run(root, {"suspendacct", "user=bob", "reason=test"}).status == 0);
    CHECK(pure_line(root, "deploy@bob.example").empty());
    expect_cpanel_refused(root, "uapi", "bob", {"Ftp", "add_ftp", "user=x", "pass=Susp3nded.Login-pw"}, "suspended");
    CHECK(ok(root, "uapi", "bob", {"Ftp", "list_ftp", "include_acct_types=sub"})["result"]["data"].size() == 1);
    REQUIRE(run(root, {"unsuspendacct", "user=bob"}).status == 0);
    CHECK(!pure_line(root, "deploy@bob.example").empty());
  }

  SECTION("removeacct drops the account's Pure-FTPd lines") {
    REQUIRE(run(root, {"removeacct", "user=bob"}).status == 0);
    CHECK(root.file("etc/pure-ftpd/pureftpd.passwd").find("bob") == std::string::npos);
  }
}

TEST_CASE("FTP bad input is refused and changes nothing", "[cpanel][ftp]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  create_account(root, "alice", "alice.example", {"maxftp=1"});
  ok(root, "uapi", "bob", {"Ftp", "add_ftp", "user=deploy", "pass=S3cure.pass"});
  const std::string u = "uapi";
  expect_cpanel_refused(root, u, "bob", {"Ftp", "add_ftp", "user=deploy", "pass=S3cure.pass"}, "already exists");
  expect_cpanel_refused(root, u, "bob", {"Ftp", "add_ftp", "user=a:b", "pass=S3cure.pass"}, "user");
  expect_cpanel_refused(root, u, "bob", {"Ftp", "add_ftp", "user=a%0Ab", "pass=S3cure.pass"}, "user");
  expect_cpanel_refused(root, u, "bob", {"Ftp", "add_ftp", "user=x", "pass=a:b"}, "pass");
  expect_cpanel_refused(root, u, "bob", {"Ftp", "add_ftp", "user=x", "pass=a%0Ab"}, "pass");
  expect_cpanel_refused(root, u, "bob", {"Ftp", "add_ftp", "user=x", "pass=a%00b"}, "NUL");
  expect_cpanel_refused(root, u, "bob", {"Ftp", "add_ftp", "user=x"}, "pass");
  expect_cpanel_refused(root, u, "bob", {"Ftp", "add_ftp", "user=x", "pass=S3cure.pass", "homedir=../alice"},
                        "homedir");
  expect_cpanel_refused(root, u, "bob", {"Ftp", "add_ftp", "user=x", "pass=S3cure.pass", "quota=lots"}, "quota");
  expect_cpanel_refused(root, u, "bob", {"Ftp", "add_ftp", "user=x", "pass=S3cure.pass", "allowed_ips=300.1.1.1"},
                        "allowed_ips");
  expect_cpanel_refused(root, u, "bob", {"Ftp", "delete_ftp", "user=ghost"}, "does not exist");
  expect_cpanel_refused(root, u, "bob", {"Ftp", "delete_ftp", "user=bob"}, "main login");
  expect_cpanel_refused(root, u, "bob", {"Ftp", "set_homedir", "user=deploy", "homedir=a/../../x"}, "homedir");
  expect_cpanel_refused(root, "cpapi2", "bob", {"Ftp", "setquota", "user=deploy", "quota=-1"}, "quota");
  expect_cpanel_refused(root, "cpapi2", "bob", {"Ftp", "passwdftp", "user=deploy", "pass="}, "pass");
  // The account limit (MAXFTP) counts sub-accounts.
  ok(root, u, "alice", {"Ftp", "add_ftp", "user=one", "pass=S3cure.pass"});
  expect_cpanel_refused(root, u, "alice", {"Ftp", "add_ftp", "user=two", "pass=S3cure.pass"}, "limit");

  SECTION("a symlink in the home cannot lead an FTP root out of it") {
    std::filesystem::create_directory_symlink(root.path + "/home/alice", root.path + "/home/bob/escape");
    expect_cpanel_refused(root, u, "bob", {"Ftp", "add_ftp", "user=x", "pass=S3cure.pass", "homedir=escape/in"},
                          "“/home/bob/escape”: it is a symbolic link");
  }
}

TEST_CASE("a multi-step FTP change is all-or-nothing", "[cpanel][ftp]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  ok(root, "uapi", "bob", {"Ftp", "add_ftp", "user=deploy", "pass=S3cure.pass"});
  const std::string u = "uapi";

  SECTION("a login's directory that cannot be made: no login, no quota line") {
    root.write("home/bob/notes", "a file, not a directory\n");
    expect_cpanel_refused(root, u, "bob",
                          {"Ftp", "add_ftp", "user=x", "pass=S3cure.pass", "quota=5", "homedir=notes/x"},
                          "“/home/bob/notes”: it is not a directory");
    expect_cpanel_refused(root, u, "bob", {"Ftp", "set_homedir", "user=deploy", "homedir=notes/y"},
                          "“/home/bob/notes”: it is not a directory");
    expect_cpanel_refused(root, "cpapi2", "bob", {"Ftp", "addftp", "user=x", "pass=S3cure.pass", "homedir=notes"},
                          "“/home/bob/notes”: it is not a directory");
  }
  SECTION("a quota file that cannot be written: no login") {
    std::filesystem::remove_all(root.path + "/home/bob");
    expect_cpanel_refused(root, u, "bob", {"Ftp", "add_ftp", "user=x", "pass=S3cure.pass", "quota=5"},
                          "“/home/bob” does not exist");
    expect_cpanel_refused(root, u, "bob", {"Ftp", "set_quota", "user=deploy", "quota=5"}, "“/home/bob” does not exist");
  }
  SECTION("the login, its quota line and its directory come together") {
    ok(root, u, "bob", {"Ftp", "add_ftp", "user=x", "pass=S3cure.pass", "quota=5", "homedir=a/b/c"});
    CHECK_THAT(root.file("etc/proftpd/bob"), Catch::Matchers::Contains("x@bob.example:"));
    CHECK(root.file("home/bob/etc/ftpquota") == "x@bob.example:5\n");
    CHECK(std::filesystem::is_directory(root.path + "/home/bob/a/b/c"));
  }
}

TEST_CASE("one account cannot reach another's FTP accounts by any parameter", "[cpanel][ftp][scope]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  create_account(root, "alice", "alice.example");
  ok(root, "uapi", "bob", {"Ftp", "add_ftp", "user=deploy", "pass=S3cure.pass"});
  const std::vector<std::vector<std::string>> attempts = {
      {"Ftp", "delete_ftp", "user=deploy", "domain=bob.example"},
      {"Ftp", "delete_ftp", "user=deploy@bob.example"},
      {"Ftp", "passwd", "user=deploy@bob.example", "pass=Stolen.pass1"},
      {"Ftp", "passwd", "user=deploy", "domain=bob.example", "pass=Stolen.pass1"},
      {"Ftp", "set_quota", "user=deploy@bob.example", "quota=1"},
      {"Ftp", "set_homedir", "user=deploy@bob.example", "homedir=x"},
      {"Ftp", "set_enabled", "user=deploy@bob.example", "enabled=0"},
      {"Ftp", "get_quota", "account=deploy@bob.example"},
      {"Ftp", "get_quota", "account=deploy", "domain=bob.example"},
      {"Ftp", "kill_session", "login=deploy@bob.example"},
      {"Ftp", "kill_session", "login=bob"},
      {"Ftp", "add_ftp", "user=deploy", "domain=bob.example", "pass=S3cure.pass"},
      {"Ftp", "add_ftp", "user=x", "pass=S3cure.pass", "homedir=../bob"},
      {"Ftp", "add_ftp", "user=x", "pass=S3cure.pass", "homedir=/../../home/bob"},
  };
  for (const auto& a : attempts) expect_cpanel_refused(root, "uapi", "alice", a, "");
  for (const auto& a :
       std::vector<std::vector<std::string>>{{"Ftp", "delftp", "user=deploy@bob.example"},
                                             {"Ftp", "passwd", "user=deploy@bob.example", "pass=0ther.Account-pw9"},
                                             {"Ftp", "setquota", "user=deploy@bob.example", "quota=1"}})
    expect_cpanel_refused(root, "cpapi2", "alice", a, "");
  // Listing shows only alice's own logins.
  auto list = ok(root, "uapi", "alice", {"Ftp", "list_ftp"})["result"]["data"];
  CHECK(list.dump().find("bob") == std::string::npos);
}

TEST_CASE("whmapi1 cpanel and uapi_cpanel pass calls through", "[cpanel][passthrough]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto r = run(root, {"uapi_cpanel", "cpanel.user=bob", "cpanel.module=Ftp", "cpanel.function=add_ftp", "user=web",
                      "pass=S3cure.pass"});
  INFO(r.out);
  REQUIRE(r.status == 0);
  auto j = r.json();
  CHECK(j["metadata"]["result"] == 1);
  CHECK(j["data"]["uapi"]["status"] == 1);
  CHECK_THAT(root.file("etc/proftpd/bob"), Catch::Matchers::Contains("web@bob.example:"));

  auto l = run(root, {"cpanel", "cpanel_jsonapi_user=bob", "cpanel_jsonapi_module=Ftp", "cpanel_jsonapi_func=listftp",
                      "cpanel_jsonapi_apiversion=2"});
  REQUIRE(l.status == 0);
  CHECK(l.json()["data"]["cpanelresult"]["data"].size() == 2);

  test::expect_refused(root,
                       {"uapi_cpanel", "cpanel.user=bob", "cpanel.module=Ftp", "cpanel.function=add_ftp", "user=web",
                        "pass=S3cure.pass"},
                       "already exists");
  test::expect_refused(
      root, {"cpanel", "cpanel_jsonapi_user=nobody", "cpanel_jsonapi_module=Ftp", "cpanel_jsonapi_func=listftp"},
      "not a cPanel account");
}

TEST_CASE("more FTP refusals: extras, anonymous FTP while suspended, API 2 arguments", "[cpanel][ftp]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  ok(root, "uapi", "bob", {"Ftp", "add_ftp", "user=deploy", "pass=S3cure.pass"});
  expect_cpanel_refused(root, "uapi", "bob", {"Ftp", "set_read_only", "user=ghost", "read_only=1"}, "does not exist");
  expect_cpanel_refused(root, "uapi", "bob", {"Ftp", "set_read_only", "user=deploy", "read_only=2"}, "read_only");
  expect_cpanel_refused(root, "uapi", "bob", {"Ftp", "set_allowed_ips", "user=deploy", "allowed_ips=10.0.0.0/33"},
                        "allowed_ips");
  expect_cpanel_refused(root, "uapi", "bob", {"Ftp", "set_enabled", "user=bob", "enabled=0"}, "sub-accounts");
  expect_cpanel_refused(root, "cpapi2", "bob", {"Ftp", "listftp", "include_acct_types=admin"}, "include_acct_types");
  expect_cpanel_refused(root, "cpapi2", "bob", {"Ftp", "addftp", "user=x", "pass=a%0Ab"}, "pass");
  REQUIRE(run(root, {"suspendacct", "user=bob"}).status == 0);
  expect_cpanel_refused(root, "uapi", "bob", {"Ftp", "allow_anonymous_ftp"}, "suspended");
}
