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

TEST_CASE("restore_databases is refused: whmkit keeps no databases (#23)", "[uapi_backup][restore_databases]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  const auto before = test::snapshot(root);
  auto r = test::run_cpanel(root, "uapi", "bob", {"Backup", "restore_databases", "backup=/home/bob/x.sql.gz"});
  CHECK(r.status == 2);  // not available, as every function whmkit does not implement
  CHECK(test::cpanel_error(r.json()) ==
        "Restoring databases is not implemented by whmkit: whmkit keeps no MySQL or PostgreSQL databases yet "
        "(issue #23), so there is nowhere to restore them to.");
  CHECK(test::snapshot(root) == before);
}

TEST_CASE("restore_email_filters replaces the account-level filters from cPanel's filter backup",
          "[uapi_backup][restore_email_filters]") {
  TempRoot root;
  create_account(root, "bob", "bob.example", {"maxpark=5"});
  run_ok(root, {"create_parked_domain_for_user", "domain=bob.net", "username=bob", "web_vhost_domain=bob.example"});
  uapi_ok(root, "bob",
          {"Email", "store_filter", "filtername=old", "part1=$header_subject:", "match1=contains", "val1=old",
           "action1=finish"});
  // The backup cPanel's Backup page gives (filter_info.<user>.yaml.gz): two filters.
  const std::string yaml =
      "---\nfilter:\n  -\n    actions:\n      -\n        action: save\n        dest: /dev/null\n"
      "    enabled: 1\n    filtername: junk\n    rules:\n      -\n        match: contains\n        opt: or\n"
      "        part: \"$header_subject:\"\n        val: pills\n    unescaped: 1\n"
      "  -\n    actions:\n      -\n        action: deliver\n        dest: boss@elsewhere.example\n"
      "    enabled: 0\n    filtername: boss\n    rules:\n      -\n        match: is\n        opt: and\n"
      "        part: \"$header_from:\"\n        val: boss@corp.example\n    unescaped: 1\nversion: '2.2'\n";
  root.write("home/bob/filter_info.bob.yaml", yaml);
  auto gz = test::run_program(
      {"/bin/sh", "-c",
       "gzip -c " + root.path + "/home/bob/filter_info.bob.yaml > " + root.path + "/home/bob/filter_info.bob.yaml.gz"});
  REQUIRE(gz.status == 0);

  auto r = uapi_ok(root, "bob", {"Backup", "restore_email_filters", "backup=/home/bob/filter_info.bob.yaml.gz"});
  const auto data = r["result"]["data"];
  CHECK(data["messages"] ==
        nlohmann::json::array(
            {"The system successfully restored the email filters from the “filter_info.bob.yaml.gz” backup."}));
  const std::string log = data["log_path"].get<std::string>();
  CHECK(log.rfind("/home/bob/.cpanel/logs/restore-email-filters/", 0) == 0);
  CHECK(root.exists(log.substr(1)));
  // The filters are the backup's, as the Email functions see them; the Exim files of both domains follow.
  auto listed = uapi_ok(root, "bob", {"Email", "list_filters"})["result"]["data"];
  REQUIRE(listed.size() == 2);
  CHECK(listed[0]["filtername"] == "junk");
  CHECK(listed[1]["filtername"] == "boss");
  for (const char* d : {"etc/vfilters/bob.example", "etc/vfilters/bob.net"}) {
    const std::string exim = root.file(d);
    CHECK(exim.find("pills") != std::string::npos);
    CHECK(exim.find("old") == std::string::npos);
    CHECK(exim.find("boss@corp.example") == std::string::npos);  // disabled
  }
  // An uncompressed backup works too.
  uapi_ok(root, "bob", {"Backup", "restore_email_filters", "backup=filter_info.bob.yaml"});

  // Refusals change nothing.
  const std::string yaml_before = root.file("home/bob/.cpanel/filter.yaml");
  const std::string exim_before = root.file("etc/vfilters/bob.example");
  expect_cpanel_refused(root, "uapi", "bob", {"Backup", "restore_email_filters"}, "backup");
  expect_cpanel_refused(
      root, "uapi", "bob", {"Backup", "restore_email_filters", "backup=/home/bob/filters.yaml.gz"},
      "The backup name is not formatted correctly. It should be similar to “filter_info.cpuser.yaml.gz”.");
  root.write("home/bob/filter_info.alice.yaml", yaml);
  expect_cpanel_refused(root, "uapi", "bob", {"Backup", "restore_email_filters", "backup=filter_info.alice.yaml"},
                        "The email filters in the backup are not for the current user.");
  root.write("home/bob/sub/filter_info.bob.yaml", "---\nfilter: []\n");
  expect_cpanel_refused(root, "uapi", "bob", {"Backup", "restore_email_filters", "backup=sub/filter_info.bob.yaml"},
                        "The backup did not contain any email filters.");
  root.write("home/bob/sub/filter_info.bob.yaml", "\x01\x02 not yaml: [\n");
  expect_cpanel_refused(root, "uapi", "bob", {"Backup", "restore_email_filters", "backup=sub/filter_info.bob.yaml"},
                        "The file is not a recognized email filter backup format.");
  root.write("home/bob/sub/filter_info.bob.yaml.gz", "not gzip");
  expect_cpanel_refused(root, "uapi", "bob", {"Backup", "restore_email_filters", "backup=sub/filter_info.bob.yaml.gz"},
                        "gzip");
  // A filter that would pipe mail to a program outside the home.
  root.write("home/bob/sub/filter_info.bob.yaml",
             "---\nfilter:\n  -\n    actions:\n      -\n        action: pipe\n        dest: /bin/sh\n"
             "    enabled: 1\n    filtername: evil\n    rules:\n      -\n        match: contains\n        opt: and\n"
             "        part: \"$header_subject:\"\n        val: x\n    unescaped: 1\n");
  expect_cpanel_refused(root, "uapi", "bob", {"Backup", "restore_email_filters", "backup=sub/filter_info.bob.yaml"},
                        "The system failed to restore the email filters");
  // A symlink is not followed; a path outside the home is refused.
  std::filesystem::create_directory_symlink(root.path + "/home/bob/sub", root.path + "/home/bob/linkdir");
  expect_cpanel_refused(root, "uapi", "bob", {"Backup", "restore_email_filters", "backup=linkdir/filter_info.bob.yaml"},
                        "symbolic link");
  expect_cpanel_refused(root, "uapi", "bob", {"Backup", "restore_email_filters", "backup=/etc/filter_info.bob.yaml"},
                        "backup");
  CHECK(root.file("home/bob/.cpanel/filter.yaml") == yaml_before);
  CHECK(root.file("etc/vfilters/bob.example") == exim_before);
  size_t logs = 0;
  for ([[maybe_unused]] const auto& e :
       std::filesystem::directory_iterator(root.path + "/home/bob/.cpanel/logs/restore-email-filters"))
    ++logs;
  CHECK(logs == 2);  // the two restores that worked
}

TEST_CASE("the backup feature gates the module", "[uapi_backup][features]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  run_ok(root, {"add_override_features_for_user", "user=bob", R"(features={"backup":0})"});
  expect_cpanel_refused(root, "uapi", "bob", {"Backup", "fullbackup_to_homedir"},
                        "You do not have the feature “backup”.");
  expect_cpanel_refused(root, "uapi", "bob", {"Backup", "list_backups"}, "You do not have the feature “backup”.");
}
