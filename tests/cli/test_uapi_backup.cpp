// The UAPI Backup module: full backups into the home (accepted by WHM's
// restore), their list, and the restore of files from one.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <regex>

#include "harness.hpp"

using test::create_account;
using test::expect_cpanel_refused;
using test::run_ok;
using test::TempRoot;
using test::uapi_ok;

namespace {

// The names of bob's backups in his home.
std::vector<std::string> backups_in_home(const TempRoot& root) {
  std::vector<std::string> out;
  for (const auto& e : std::filesystem::directory_iterator(root.path + "/home/bob"))
    if (e.path().filename().string().rfind("backup-", 0) == 0) out.push_back(e.path().filename().string());
  return out;
}

// bob's uid as etc/passwd gives it.
uid_t bob_uid(const TempRoot& root) {
  std::string passwd = "\n" + root.file("etc/passwd");
  auto at = passwd.find("\nbob:");
  REQUIRE(at != std::string::npos);
  auto fields_start = passwd.find(':', passwd.find(':', at + 1) + 1) + 1;
  return static_cast<uid_t>(std::stoul(passwd.substr(fields_start)));
}

}  // namespace

TEST_CASE("fullbackup_to_homedir writes cPanel's archive into the home, and WHM restores it", "[uapi_backup]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  root.write("home/bob/public_html/index.html", "hello\n");
  auto j = uapi_ok(root, "bob", {"Backup", "fullbackup_to_homedir"});
  CHECK(j["result"]["status"] == 1);
  CHECK(j["result"]["data"]["pid"].is_string());
  const auto names = backups_in_home(root);
  REQUIRE(names.size() == 1);
  CHECK(std::regex_match(names[0], std::regex(R"(backup-\d{1,2}\.\d{1,2}\.\d{4}_\d\d-\d\d-\d\d_bob\.tar\.gz)")));
  struct stat st {};
  REQUIRE(::lstat((root.path + "/home/bob/" + names[0]).c_str(), &st) == 0);
  CHECK((st.st_mode & 07777) == 0600);
  if (::geteuid() == 0) CHECK(st.st_uid == bob_uid(root));

  auto listed = uapi_ok(root, "bob", {"Backup", "list_backups"});
  const auto dates = listed["result"]["data"];
  REQUIRE(dates.size() == 1);
  CHECK(std::regex_match(dates[0].get<std::string>(), std::regex(R"(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\+00:00)")));

  // The administrator moves it out of the home and restores the account from it.
  std::filesystem::copy_file(root.path + "/home/bob/" + names[0], root.path + "/home/cpmove-bob.tar.gz");
  run_ok(root, {"removeacct", "user=bob"});
  CHECK(!root.exists("home/bob"));
  run_ok(root, {"start_local_cpmove_restore", "cpmovepath=/home/cpmove-bob.tar.gz"});
  CHECK(root.file("home/bob/public_html/index.html") == "hello\n");
  CHECK(root.file("var/cpanel/users/bob").find("DNS=bob.example") != std::string::npos);
  test::expect_check_clean(root);
}

TEST_CASE("fullbackup_to_homedir: homedir=skip, email is only recorded, bad values refused", "[uapi_backup]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto j = uapi_ok(root, "bob", {"Backup", "fullbackup_to_homedir", "homedir=skip", "email=bob@bob.example"});
  CHECK(j["result"]["warnings"][0].get<std::string>().find("bob@bob.example") != std::string::npos);
  CHECK(backups_in_home(root).size() == 1);
  expect_cpanel_refused(root, "uapi", "bob", {"Backup", "fullbackup_to_homedir", "homedir=maybe"}, "homedir");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Backup", "fullbackup_to_ftp", "host=127.0.0.1", "username=u", "password=p", "port=0"},
                        "port");
  expect_cpanel_refused(root, "uapi", "bob", {"Backup", "fullbackup_to_ftp", "host=a/b", "username=u", "password=p"},
                        "host");
  expect_cpanel_refused(
      root, "uapi", "bob",
      {"Backup", "fullbackup_to_scp_with_key", "host=127.0.0.1", "key_name=../../etc/shadow", "key_passphrase=x"},
      "key_name");
  expect_cpanel_refused(
      root, "uapi", "bob",
      {"Backup", "fullbackup_to_scp_with_key", "host=127.0.0.1", "key_name=id_none", "key_passphrase=x"}, "id_none");
}

TEST_CASE("restore_files puts the archived home back; escapes are refused", "[uapi_backup]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  root.write("home/bob/public_html/index.html", "v1\n");
  uapi_ok(root, "bob", {"Backup", "fullbackup_to_homedir"});
  const std::string name = backups_in_home(root).at(0);
  root.write("home/bob/public_html/index.html", "v2\n");
  root.write("home/bob/public_html/new.html", "new\n");

  auto j = uapi_ok(root, "bob", {"Backup", "restore_files", "backup=/home/bob/" + name});
  CHECK(root.file("home/bob/public_html/index.html") == "v1\n");
  CHECK(!root.exists("home/bob/public_html/new.html"));  // the directory is the archived one again
  const auto data = j["result"]["data"];
  const std::string log_path = data["log_path"];
  CHECK(log_path == "/home/bob/.cpanel/logs/restorefiles/" + data["log_id"].get<std::string>() + ".log");
  CHECK(
      root.file(log_path.substr(1)).find("restored the directory /home/bob/public_html from the backup file " + name) !=
      std::string::npos);
  CHECK(std::regex_match(data["log_id"].get<std::string>(), std::regex(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\.\d+)")));
  if (::geteuid() == 0) {
    struct stat st {};
    REQUIRE(::lstat((root.path + "/home/bob/public_html/index.html").c_str(), &st) == 0);
    CHECK(st.st_uid == bob_uid(root));
  }

  // Into a directory below the home.
  std::filesystem::create_directories(root.path + "/home/bob/old");
  uapi_ok(root, "bob", {"Backup", "restore_files", "backup=/home/bob/" + name, "directory=/home/bob/old"});
  CHECK(root.file("home/bob/old/public_html/index.html") == "v1\n");

  expect_cpanel_refused(root, "uapi", "bob", {"Backup", "restore_files"}, "backup");
  expect_cpanel_refused(root, "uapi", "bob", {"Backup", "restore_files", "backup=/home/cpmove-bob.tar.gz"}, "backup");
  expect_cpanel_refused(root, "uapi", "bob", {"Backup", "restore_files", "backup=/home/bob/../alice/x.tar.gz"}, "..");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Backup", "restore_files", "backup=/home/bob/" + name, "directory=/home/bob/../../etc"}, "..");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Backup", "restore_files", "backup=/home/bob/" + name, "directory=/home/bob/missing"},
                        "does not exist");
  // A symlink in the home is never followed, to the archive or to the directory.
  std::filesystem::create_symlink("/etc/passwd", root.path + "/home/bob/link.tar.gz");
  expect_cpanel_refused(root, "uapi", "bob", {"Backup", "restore_files", "backup=/home/bob/link.tar.gz"}, "link");
  std::filesystem::create_directory_symlink(root.path + "/etc", root.path + "/home/bob/etclink");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Backup", "restore_files", "backup=/home/bob/" + name, "directory=/home/bob/etclink"},
                        "etclink");
  // Something that is not an account archive.
  root.write("home/bob/junk.tar.gz", "not an archive");
  expect_cpanel_refused(root, "uapi", "bob", {"Backup", "restore_files", "backup=/home/bob/junk.tar.gz"}, "junk");
}

TEST_CASE("databases and filters: restores whmkit does not do yet", "[uapi_backup]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  for (const char* fn : {"restore_databases", "restore_email_filters"}) {
    auto r = test::run_cpanel(root, "uapi", "bob", {"Backup", fn, "backup=/home/bob/x.tar.gz"});
    CHECK(r.status == 2);  // not available, as every function whmkit does not implement
    CHECK(test::cpanel_error(r.json()).find("not implemented by whmkit") != std::string::npos);
  }
}

TEST_CASE("the backup feature gates the module", "[uapi_backup][features]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  run_ok(root, {"add_override_features_for_user", "user=bob", R"(features={"backup":0})"});
  expect_cpanel_refused(root, "uapi", "bob", {"Backup", "fullbackup_to_homedir"},
                        "You do not have the feature “backup”.");
  expect_cpanel_refused(root, "uapi", "bob", {"Backup", "list_backups"}, "You do not have the feature “backup”.");
}
