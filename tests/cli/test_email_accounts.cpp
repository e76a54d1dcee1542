// The Email module's mailbox functions (UAPI, API 2) and WHM's list_pops_for,
// run as the real programs: what they answer and what they leave in the
// account's home (etc/<domain>/passwd, shadow, quota, the Maildir).
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "harness.hpp"

using test::api2_data;
using test::create_account;
using test::expect_cpanel_refused;
using test::run_cpanel;
using test::run_ok;
using test::snapshot;
using test::TempRoot;
using test::uapi_ok;

namespace {

constexpr const char* kPassword = "Sx9!kd7Qz-2p";
constexpr const char* kOtherPassword = "Vt4#mw8Lq-7r";

nlohmann::json data_of(const TempRoot& root, const std::vector<std::string>& args) {
  return uapi_ok(root, "bob", args)["result"]["data"];
}

unsigned mode_of(const TempRoot& root, const std::string& rel) {
  struct stat st {};
  REQUIRE(::lstat((root.path + "/" + rel).c_str(), &st) == 0);
  return st.st_mode & 07777;
}

// The line of `local` in a colon file, or "".
std::string line_of(const std::string& text, const std::string& local) {
  size_t at = text.rfind("\n" + local + ":");
  if (at == std::string::npos && text.rfind(local + ":", 0) == 0)
    at = 0;
  else if (at != std::string::npos)
    ++at;
  if (at == std::string::npos) return "";
  return text.substr(at, text.find('\n', at) - at);
}

int verify(const TempRoot& root, const std::string& email, const std::string& password) {
  return data_of(root, {"Email", "verify_password", "email=" + email, "password=" + password}).get<int>();
}

// bob with bob.example and the mailbox info@bob.example.
void with_mailbox(const TempRoot& root, std::vector<std::string> extra = {}) {
  create_account(root, "bob", "bob.example");
  std::vector<std::string> args = {"Email", "add_pop", "email=info", "password=" + std::string(kPassword)};
  args.insert(args.end(), extra.begin(), extra.end());
  uapi_ok(root, "bob", args);
}

}  // namespace

TEST_CASE("add_pop writes the passwd, shadow and quota lines and the Maildir", "[email][add_pop][list_pops]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  CHECK(root.exists("home/bob/etc/bob.example"));  // made with the account
  auto data = data_of(root, {"Email", "add_pop", "email=Info", "password=" + std::string(kPassword)});
  CHECK(data == "info+bob.example");

  const std::string passwd = root.file("home/bob/etc/bob.example/passwd");
  auto uid = run_ok(root, {"accountsummary", "user=bob"})["data"]["acct"][0]["uid"];
  (void)uid;
  CHECK(passwd.find("info:x:") == 0);
  CHECK(passwd.find("::/home/bob/mail/bob.example/info:/home/bob\n") != std::string::npos);
  const std::string shadow = line_of(root.file("home/bob/etc/bob.example/shadow"), "info");
  CHECK(shadow.rfind("info:$6$", 0) == 0);
  CHECK(shadow.size() > 6);
  CHECK(shadow.substr(shadow.size() - 6) == "::::::");
  // The default quota: cpanel.config's userdefined 1024 MB.
  CHECK(root.file("home/bob/etc/bob.example/quota") == "info:1073741824\n");
  for (const char* f : {"passwd", "shadow", "quota"})
    CHECK(mode_of(root, std::string("home/bob/etc/bob.example/") + f) == 0640);
  for (const char* sub : {"cur", "new", "tmp"})
    CHECK(root.exists(std::string("home/bob/mail/bob.example/info/") + sub));
  CHECK(root.file("home/bob/mail/bob.example/info/maildirsize") == "1073741824S\n0 0\n");
  CHECK(nlohmann::json::parse(root.file("home/bob/.cpanel/email_accounts.json")) ==
        nlohmann::json::parse(R"({"bob.example":{"account_count":1,"accounts":{"info":{"quota":1073741824}}}})"));
  CHECK(verify(root, "info@bob.example", kPassword) == 1);
  CHECK(verify(root, "info@bob.example", kOtherPassword) == 0);

  auto pops = data_of(root, {"Email", "list_pops"});
  CHECK(pops == nlohmann::json::parse(R"([
    {"email":"info@bob.example","login":"info@bob.example","suspended_incoming":0,"suspended_login":0},
    {"email":"bob","login":"Main Account","suspended_incoming":0,"suspended_login":0}])"));
  CHECK(data_of(root, {"Email", "list_pops", "skip_main=1"}).size() == 1);
  CHECK(data_of(root, {"Email", "list_pops", "regex=^nobody"}).empty());
  CHECK(data_of(root, {"Email", "count_pops"}) == 1);
  test::expect_check_clean(root);

  SECTION("quota=unlimited writes no quota line and no maildirsize") {
    uapi_ok(root, "bob",
            {"Email", "add_pop", "email=sales@bob.example", "password=" + std::string(kPassword), "quota=unlimited"});
    CHECK(line_of(root.file("home/bob/etc/bob.example/quota"), "sales").empty());
    CHECK(!root.exists("home/bob/mail/bob.example/sales/maildirsize"));
    CHECK(data_of(root, {"Email", "get_pop_quota", "email=sales"}) == 0);
  }
  SECTION("password_hash is stored as given") {
    const std::string hash = "$6$abcdefgh$0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ./0123";
    uapi_ok(root, "bob", {"Email", "add_pop", "email=hash", "password_hash=" + hash});
    CHECK(line_of(root.file("home/bob/etc/bob.example/shadow"), "hash").rfind("hash:" + hash + ":", 0) == 0);
  }
}

TEST_CASE("add_pop refuses bad input and changes nothing", "[email][add_pop]") {
  TempRoot root;
  with_mailbox(root);
  create_account(root, "eve", "eve.example");
  const std::string pw = "password=" + std::string(kPassword);
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "add_pop", "email=info", pw}, "already exists");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "add_pop", "email=a/b", pw}, "may not contain “/”");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "add_pop", "email=../x", pw}, "email");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "add_pop", "email=a%0Ab", pw}, "");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "add_pop", "email=cpanel", pw}, "cpanel");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "add_pop", "email=x@eve.example", pw},
                        "does not belong to the account");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "add_pop", "email=x", "domain=eve.example", pw},
                        "does not belong to the account");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "add_pop", "email=x", "password=abc"}, "too weak");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "add_pop", "email=x", pw, "password_hash=$6$a$b"}, "both");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "add_pop", "email=x", "password_hash=$6$a:b"}, "password_hash");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "add_pop", "email=x", pw, "quota=-5"}, "quota");
}

TEST_CASE("package limits: MAXPOP and MAX_EMAILACCT_QUOTA", "[email][add_pop][edit_pop_quota]") {
  TempRoot root;
  with_mailbox(root);
  run_ok(root, {"modifyacct", "user=bob", "MAXPOP=1", "MAX_EMAILACCT_QUOTA=100"});
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Email", "add_pop", "email=two", "password=" + std::string(kPassword), "quota=50"},
                        "maximum number of email accounts");
  run_ok(root, {"modifyacct", "user=bob", "MAXPOP=unlimited"});
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Email", "add_pop", "email=two", "password=" + std::string(kPassword), "quota=500"},
                        "maximum email account quota of 100 MB");
  CHECK(data_of(root, {"Email", "get_max_email_quota_mib"}) == 100);
  CHECK(data_of(root, {"Email", "get_max_email_quota"}) == 104857600);
  CHECK(data_of(root, {"Email", "get_default_email_quota_mib"}) == 100);  // 1024 MB, capped by the maximum
  // edit_pop_quota applies the maximum instead of a larger value.
  uapi_ok(root, "bob", {"Email", "edit_pop_quota", "email=info", "domain=bob.example", "quota=unlimited"});
  CHECK(root.file("home/bob/etc/bob.example/quota") == "info:104857600\n");
  CHECK(data_of(root, {"Email", "get_pop_quota", "email=info"}) == 100);
  CHECK(data_of(root, {"Email", "get_pop_quota", "email=info", "as_bytes=1"}) == 104857600);
}

TEST_CASE("quota defaults follow cpanel.config", "[email][get_default_email_quota]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  CHECK(data_of(root, {"Email", "get_default_email_quota"}) == 1073741824);
  CHECK(data_of(root, {"Email", "get_default_email_quota_mib"}) == 1024);
  CHECK(data_of(root, {"Email", "get_max_email_quota_mib"}) == 4294967296LL);
  CHECK(data_of(root, {"Email", "get_max_email_quota"}) == 4503599627370496LL);
  root.write("var/cpanel/cpanel.config", "email_account_quota_default_selected=unlimited\n");
  CHECK(data_of(root, {"Email", "get_default_email_quota"}) == 0);
}

TEST_CASE("passwd_pop changes the password; a weak one is refused", "[email][passwd_pop][verify_password]") {
  TempRoot root;
  with_mailbox(root);
  uapi_ok(root, "bob", {"Email", "passwd_pop", "email=info", "password=" + std::string(kOtherPassword)});
  CHECK(verify(root, "info@bob.example", kPassword) == 0);
  CHECK(verify(root, "info@bob.example", kOtherPassword) == 1);
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "passwd_pop", "email=info", "password=abc"}, "too weak");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Email", "passwd_pop", "email=nobody", "password=" + std::string(kPassword)},
                        "The email account “nobody@bob.example” does not exist.");
}

TEST_CASE("edit_pop_quota rewrites the quota line and maildirsize", "[email][edit_pop_quota][get_pop_quota]") {
  TempRoot root;
  with_mailbox(root);
  root.write("home/bob/mail/bob.example/info/new/1.msg", std::string(483, 'x'));
  uapi_ok(root, "bob", {"Email", "edit_pop_quota", "email=info", "domain=bob.example", "quota=250"});
  CHECK(root.file("home/bob/etc/bob.example/quota") == "info:262144000\n");
  CHECK(root.file("home/bob/mail/bob.example/info/maildirsize") == "262144000S\n483 1\n");
  CHECK(data_of(root, {"Email", "get_pop_quota", "email=info"}) == 250);
  uapi_ok(root, "bob", {"Email", "edit_pop_quota", "email=info", "domain=bob.example", "quota=0"});
  CHECK(root.file("home/bob/etc/bob.example/quota").empty());
  CHECK(!root.exists("home/bob/mail/bob.example/info/maildirsize"));
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Email", "edit_pop_quota", "email=info", "domain=bob.example", "quota=lots"}, "quota");
}

TEST_CASE("list_pops_with_disk and the disk functions", "[email][list_pops_with_disk][get_disk_usage]") {
  TempRoot root;
  with_mailbox(root, {"quota=1"});
  root.write("home/bob/mail/bob.example/info/new/1.msg", std::string(483, 'x'));
  root.write("home/bob/mail/cur/2.msg", std::string(3076, 'y'));  // the main account's mail
  auto list = data_of(root, {"Email", "list_pops_with_disk"});
  REQUIRE(list.size() == 1);
  const auto& e = list[0];
  CHECK(e["email"] == "info@bob.example");
  CHECK(e["user"] == "info");
  CHECK(e["domain"] == "bob.example");
  CHECK(e["_diskused"] == 483 + 13);  // the message and maildirsize ("1048576S\n0 0\n")
  CHECK(e["humandiskused"] == "496 bytes");
  CHECK(e["_diskquota"] == 1048576);
  CHECK(e["diskquota"] == 1);
  CHECK(e["diskusedpercent"] == 1);
  CHECK(e["diskusedpercent20"] == 0);
  CHECK(e["suspended_login"] == 0);
  CHECK(e["mtime"].get<long long>() > 0);
  CHECK(data_of(root, {"Email", "list_pops_with_disk", "domain=other.example"}).empty());
  CHECK(data_of(root, {"Email", "list_pops_with_disk", "email=info", "domain=bob.example"}).size() == 1);
  auto usage = data_of(root, {"Email", "get_disk_usage", "user=info", "domain=bob.example"});
  CHECK(usage ==
        nlohmann::json::parse(R"({"diskused":0,"domain":"bob.example","login":"info@bob.example","user":"info"})"));
  CHECK(data_of(root, {"Email", "get_main_account_disk_usage_bytes"}) == 3076);
  CHECK(data_of(root, {"Email", "get_main_account_disk_usage"}) == "3 KB");
  uapi_ok(root, "bob", {"Email", "edit_pop_quota", "email=info", "domain=bob.example", "quota=unlimited"});
  CHECK(data_of(root, {"Email", "list_pops_with_disk"})[0]["diskquota"] == "unlimited");
  CHECK(data_of(root, {"Email", "list_pops_with_disk", "infinitylang=1"})[0]["diskquota"] == "∞");
}

TEST_CASE("login and incoming suspension", "[email][suspend_login][suspend_incoming]") {
  TempRoot root;
  with_mailbox(root);
  uapi_ok(root, "bob", {"Email", "suspend_login", "email=info@bob.example"});
  CHECK(line_of(root.file("home/bob/etc/bob.example/shadow"), "info").rfind("info:*LOCKED*$6$", 0) == 0);
  CHECK(verify(root, "info@bob.example", kPassword) == 0);
  CHECK(data_of(root, {"Email", "list_pops"})[0]["suspended_login"] == 1);

  SECTION("account suspension locks again and unsuspension keeps the mailbox's own lock") {
    run_ok(root, {"suspendacct", "user=bob", "reason=test"});
    CHECK(line_of(root.file("home/bob/etc/bob.example/shadow"), "info").rfind("info:*LOCKED**LOCKED*$6$", 0) == 0);
    expect_cpanel_refused(root, "uapi", "bob", {"Email", "unsuspend_login", "email=info@bob.example"}, "suspended");
    run_ok(root, {"unsuspendacct", "user=bob"});
    CHECK(line_of(root.file("home/bob/etc/bob.example/shadow"), "info").rfind("info:*LOCKED*$6$", 0) == 0);
  }
  SECTION("unsuspend_login opens it") {
    uapi_ok(root, "bob", {"Email", "unsuspend_login", "email=info@bob.example"});
    CHECK(verify(root, "info@bob.example", kPassword) == 1);
  }
  SECTION("incoming") {
    uapi_ok(root, "bob", {"Email", "suspend_incoming", "email=info@bob.example"});
    CHECK(root.exists("home/bob/etc/bob.example/info/suspended_incoming"));
    CHECK(data_of(root, {"Email", "list_pops"})[0]["suspended_incoming"] == 1);
    uapi_ok(root, "bob", {"Email", "unsuspend_incoming", "email=info@bob.example"});
    CHECK(!root.exists("home/bob/etc/bob.example/info/suspended_incoming"));
    expect_cpanel_refused(root, "uapi", "bob", {"Email", "suspend_incoming", "email=nobody@bob.example"},
                          "does not exist");
  }
}

TEST_CASE("account suspension locks every mailbox's login", "[email][suspension]") {
  TempRoot root;
  with_mailbox(root);
  run_ok(root, {"suspendacct", "user=bob", "reason=test"});
  CHECK(line_of(root.file("home/bob/etc/bob.example/shadow"), "info").rfind("info:*LOCKED*$6$", 0) == 0);
  test::expect_check_clean(root);
  run_ok(root, {"unsuspendacct", "user=bob"});
  CHECK(line_of(root.file("home/bob/etc/bob.example/shadow"), "info").rfind("info:$6$", 0) == 0);
  CHECK(verify(root, "info@bob.example", kPassword) == 1);
}

TEST_CASE("delete_pop removes the lines and the Maildir; flags=passwd keeps the mail", "[email][delete_pop]") {
  TempRoot root;
  with_mailbox(root);
  uapi_ok(root, "bob", {"Email", "add_pop", "email=keep", "password=" + std::string(kPassword)});
  uapi_ok(root, "bob", {"Email", "suspend_incoming", "email=info@bob.example"});
  uapi_ok(root, "bob", {"Email", "delete_pop", "email=info"});
  CHECK(line_of(root.file("home/bob/etc/bob.example/passwd"), "info").empty());
  CHECK(line_of(root.file("home/bob/etc/bob.example/shadow"), "info").empty());
  CHECK(!root.exists("home/bob/mail/bob.example/info"));
  CHECK(!root.exists("home/bob/etc/bob.example/info"));
  uapi_ok(root, "bob", {"Email", "delete_pop", "email=keep@bob.example", "flags=passwd"});
  CHECK(root.exists("home/bob/mail/bob.example/keep/cur"));
  CHECK(root.file("home/bob/etc/bob.example/passwd").empty());
  CHECK(data_of(root, {"Email", "count_pops"}) == 0);
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "delete_pop", "email=info"}, "does not exist");
}

TEST_CASE("a symlink planted in the home is never followed", "[email][security]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  create_account(root, "eve", "eve.example");
  std::filesystem::remove_all(root.path + "/home/bob/etc/bob.example");
  std::filesystem::create_directory_symlink(root.path + "/home/eve/etc", root.path + "/home/bob/etc/bob.example");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "add_pop", "email=x", "password=" + std::string(kPassword)},
                        "symbolic link");
}

TEST_CASE("rename: passwd lines follow the home and the main domain", "[email][rename]") {
  TempRoot root;
  with_mailbox(root);
  run_ok(root, {"modifyacct", "user=bob", "newuser=robert"});
  CHECK(root.file("home/robert/etc/bob.example/passwd").find(":/home/robert/mail/bob.example/info:/home/robert\n") !=
        std::string::npos);
  run_ok(root, {"create_subdomain", "domain=blog.bob.example", "document_root=public_html/blog"});
  uapi_ok(root, "robert", {"Email", "add_pop", "email=ed@blog.bob.example", "password=" + std::string(kPassword)});
  run_ok(root, {"modifyacct", "user=robert", "domain=new.example"});
  CHECK(root.file("home/robert/etc/new.example/passwd").find(":/home/robert/mail/new.example/info:/home/robert\n") !=
        std::string::npos);
  // A subdomain follows its main domain, with its mailboxes.
  CHECK(root.file("home/robert/etc/blog.new.example/passwd")
            .find(":/home/robert/mail/blog.new.example/ed:/home/robert\n") != std::string::npos);
  CHECK(root.exists("home/robert/mail/blog.new.example/ed/cur"));
  CHECK(root.exists("home/robert/mail/new.example/info/cur"));
  CHECK(!root.exists("home/robert/etc/bob.example"));
  CHECK(uapi_ok(root, "robert", {"Email", "list_pops", "skip_main=1"})["result"]["data"] == nlohmann::json::parse(R"([
          {"email":"ed@blog.new.example","login":"ed@blog.new.example","suspended_incoming":0,"suspended_login":0},
          {"email":"info@new.example","login":"info@new.example","suspended_incoming":0,"suspended_login":0}])"));
  test::expect_check_clean(root);
}

TEST_CASE("the popaccts feature gates the functions", "[email][features]") {
  TempRoot root;
  with_mailbox(root);
  run_ok(root, {"add_override_features_for_user", "user=bob", R"(features={"popaccts":0})"});
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "add_pop", "email=x", "password=" + std::string(kPassword)},
                        "You do not have the feature “popaccts”.");
  expect_cpanel_refused(root, "cpapi2", "bob", {"Email", "listpops"}, "You do not have the feature “popaccts”.");
}

TEST_CASE("API 2 mailbox functions", "[email][api2]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto added =
      api2_data(root, "bob", {"Email", "addpop", "email=info", "password=" + std::string(kPassword), "quota=10"});
  CHECK(added == nlohmann::json::parse(R"([{"reason":"OK","result":1}])"));
  CHECK(root.file("home/bob/etc/bob.example/quota") == "info:10485760\n");
  CHECK(api2_data(root, "bob", {"Email", "listpops"}) ==
        nlohmann::json::parse(R"([{"email":"info@bob.example","login":"info@bob.example"}])"));
  CHECK(api2_data(root, "bob", {"Email", "listpopssingle"}).size() == 1);
  CHECK(api2_data(root, "bob", {"Email", "listpopswithdisk"})[0]["diskquota"] == 10);
  CHECK(api2_data(root, "bob", {"Email", "listpopswithdisk", "nearquotaonly=1"}).empty());
  api2_data(root, "bob", {"Email", "passwdpop", "email=info", "password=" + std::string(kOtherPassword)});
  CHECK(verify(root, "info@bob.example", kOtherPassword) == 1);
  api2_data(root, "bob", {"Email", "editquota", "email=info", "domain=bob.example", "quota=20"});
  CHECK(root.file("home/bob/etc/bob.example/quota") == "info:20971520\n");
  CHECK(api2_data(root, "bob", {"Email", "getdiskusage", "user=info", "domain=bob.example"}) ==
        nlohmann::json::parse(R"([{"diskused":0,"login":"info@bob.example","quotalimit":20}])"));
  expect_cpanel_refused(root, "cpapi2", "bob", {"Email", "delpop", "email=nobody"}, "does not exist");
  api2_data(root, "bob", {"Email", "delpop", "email=info"});
  CHECK(api2_data(root, "bob", {"Email", "listpops"}).empty());
}

TEST_CASE("WHM list_pops_for lists an account's mailboxes", "[email][list_pops_for]") {
  TempRoot root;
  with_mailbox(root);
  auto j = run_ok(root, {"list_pops_for", "user=bob"});
  CHECK(j["data"] == nlohmann::json::parse(R"({"pops":["info@bob.example"]})"));
  auto missing = test::run(root, {"list_pops_for", "user=nobody"});
  CHECK(missing.json()["metadata"]["result"] == 0);
}

TEST_CASE("client settings, plaintext authentication, account_name", "[email][get_client_settings]") {
  TempRoot root;
  with_mailbox(root);
  auto s = data_of(root, {"Email", "get_client_settings", "account=info@bob.example"});
  CHECK(s["inbox_host"] == "mail.bob.example");
  CHECK(s["inbox_username"] == "info@bob.example");
  CHECK(s["inbox_port"] == 993);
  CHECK(data_of(root, {"Email", "has_plaintext_authentication"}) == 1);
  root.write("var/cpanel/conf/dovecot/main", "---\ndisable_plaintext_auth: 'yes'\n");
  CHECK(data_of(root, {"Email", "has_plaintext_authentication"}) == 0);
  CHECK(data_of(root, {"Email", "account_name", "account=x@y.example"}) == "x@y.example");
  CHECK(data_of(root, {"Email", "account_name", "display=1"}) == "All Mail On The Account");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "get_client_settings", "account=nobody@bob.example"},
                        "does not exist");
  // A real Dovecot's sessions end in tests/shell/test_dovecot.sh.
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "terminate_mailbox_sessions"}, "Dovecot is not installed");
}

TEST_CASE("Mailboxes: UTF-8 mailbox names are the cpuser file's UTF8MAILBOX", "[email][mailboxes]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  create_account(root, "eve", "eve.example");
  CHECK(data_of(root, {"Mailboxes", "has_utf8_mailbox_names"}) == nlohmann::json{{"enabled", 1}});  // createacct's
  CHECK(data_of(root, {"Mailboxes", "set_utf8_mailbox_names", "enabled=0"}) == nlohmann::json{{"success", 1}});
  CHECK(root.file("var/cpanel/users/bob").find("\nUTF8MAILBOX=0\n") != std::string::npos);
  CHECK(data_of(root, {"Mailboxes", "has_utf8_mailbox_names"}) == nlohmann::json{{"enabled", 0}});
  CHECK(data_of(root, {"Mailboxes", "set_utf8_mailbox_names", "enabled=1"}) == nlohmann::json{{"success", 1}});
  CHECK(root.file("var/cpanel/users/bob").find("\nUTF8MAILBOX=1\n") != std::string::npos);
  CHECK(data_of(root, {"Mailboxes", "has_utf8_mailbox_names", "user=bob"}) == nlohmann::json{{"enabled", 1}});
  expect_cpanel_refused(root, "uapi", "bob", {"Mailboxes", "has_utf8_mailbox_names", "user=eve"}, "eve");
  expect_cpanel_refused(root, "uapi", "bob", {"Mailboxes", "set_utf8_mailbox_names", "enabled=2"}, "enabled");
}
