// What the first hardening round left: files whmkit read leniently and then
// rewrote (the FTP settings and quota files, the restore queue,
// cpanel.config), a backup destination value that made the transport code
// throw, archives restored from a place their account's user controls, and
// a refused restore that left directories behind in an empty state root.
// Each hostile case is refused, names what is wrong, and changes nothing.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// bob with the FTP login deploy@bob.example (quota 10 MB, read-only from 192.0.2.0/24).
void bob_with_ftp(const TempRoot& root) {
  create_account(root, "bob", "bob.example");
  uapi_ok(root, "bob", {"Ftp", "add_ftp", "user=deploy", "pass=S3cure.pass", "quota=10"});
  uapi_ok(root, "bob", {"Ftp", "set_read_only", "user=deploy", "read_only=1"});
  uapi_ok(root, "bob", {"Ftp", "set_allowed_ips", "user=deploy", "allowed_ips=192.0.2.0/24"});
  REQUIRE(root.exists("var/cpanel/whmkit/ftp/bob.json"));
  REQUIRE(root.file("home/bob/etc/ftpquota") == "deploy@bob.example:10\n");
}

// Every Ftp call of bob's that rewrites the account's FTP files.
const std::vector<std::vector<std::string>> kFtpChanges = {
    {"Ftp", "add_ftp", "user=newone", "pass=S3cure.pass", "quota=1"},
    {"Ftp", "delete_ftp", "user=deploy"},
    {"Ftp", "passwd", "user=deploy", "pass=An0ther.pass"},
    {"Ftp", "set_quota", "user=deploy", "quota=20"},
    {"Ftp", "set_homedir", "user=deploy", "homedir=other"},
    {"Ftp", "set_enabled", "user=deploy", "enabled=0"},
    {"Ftp", "set_read_only", "user=deploy", "read_only=0"},
    {"Ftp", "set_allowed_ips", "user=deploy", "allowed_ips=192.0.2.1"},
    {"Ftp", "allow_anonymous_ftp"},
};

std::vector<std::string> uapi_warnings(const nlohmann::json& envelope) {
  const auto& w = envelope["result"]["warnings"];
  return w.is_array() ? w.get<std::vector<std::string>>() : std::vector<std::string>{};
}

std::vector<std::string> whm_warnings(const nlohmann::json& envelope) {
  const auto& w = envelope["metadata"]["output"]["warnings"];
  return w.is_array() ? w.get<std::vector<std::string>>() : std::vector<std::string>{};
}

// Every entry under the root, directories included (snapshot() sees only files).
std::set<std::string> entries(const TempRoot& root) {
  std::set<std::string> out;
  for (auto it = fs::recursive_directory_iterator(root.path); it != fs::recursive_directory_iterator(); ++it)
    out.insert(fs::relative(it->path(), root.path).string());
  return out;
}

// A directory outside the state root to build archives in.
struct Staging {
  std::string path;
  Staging() {
    char tmpl[] = "/tmp/whmkit-staging-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~Staging() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  Staging(const Staging&) = delete;
  void write(const std::string& rel, const std::string& content) const {
    fs::create_directories(fs::path(path + "/" + rel).parent_path());
    std::ofstream(path + "/" + rel, std::ios::binary) << content;
  }
};

// An archive of the account eve at `archive_rel` in the root, with its FTP
// passwd file and whmkit's FTP settings as given ("" leaves one out).
void eve_archive(const TempRoot& root, const std::string& archive_rel, const std::string& proftpd,
                 const std::string& ftp_json = "") {
  Staging staging;
  staging.write("cpmove-eve/cp/eve", "DNS=eve.example\nOWNER=root\nPLAN=default\nUSER=eve\n");
  staging.write("cpmove-eve/shadow", "$6$salt$hash");
  staging.write("cpmove-eve/shell", "/usr/local/cpanel/bin/noshell");
  staging.write("cpmove-eve/version", "pkgacct version: 10\narchive version: 4\n");
  staging.write("cpmove-eve/homedir_paths", "/home/eve\n");
  staging.write("cpmove-eve/homedir/public_html/index.html", "eve\n");
  if (!proftpd.empty()) staging.write("cpmove-eve/proftpdpasswd", proftpd);
  if (!ftp_json.empty()) staging.write("cpmove-eve/whmkit/ftp.json", ftp_json);
  fs::create_directories(fs::path(root.path + "/" + archive_rel).parent_path());
  REQUIRE(
      run_program({"/usr/bin/tar", "-czf", root.path + "/" + archive_rel, "-C", staging.path, "cpmove-eve"}).status ==
      0);
}

}  // namespace

// ---------------------------------------------------------------- FTP

TEST_CASE("FTP settings that do not parse are not rewritten", "[security][damaged][ftp]") {
  TempRoot root;
  bob_with_ftp(root);
  const std::string rel = "var/cpanel/whmkit/ftp/bob.json";
  const std::string whole = root.file(rel);
  const std::string refusal = "The file “/var/cpanel/whmkit/ftp/bob.json” cannot be changed: ";

  root.write(rel, whole.substr(0, whole.size() / 2));  // cut off in the middle
  for (const auto& call : kFtpChanges) expect_cpanel_refused(root, "uapi", "bob", call, refusal + "line ");
  expect_cpanel_refused(root, "uapi", "bob", kFtpChanges[0], "is not valid JSON");
  expect_cpanel_refused(root, "cpapi2", "bob", {"Ftp", "setquota", "user=deploy", "quota=20"}, refusal);
  expect_refused(root, {"modifyacct", "user=bob", "newuser=robert"}, refusal);
  // Reading still works, and says what it could not read.
  auto list = uapi_ok(root, "bob", {"Ftp", "list_ftp"});
  REQUIRE(uapi_warnings(list).size() == 1);
  CHECK_THAT(uapi_warnings(list)[0], Contains("The file “/var/cpanel/whmkit/ftp/bob.json” is damaged: line "));

  root.write(rel, "[1, 2]\n");
  expect_cpanel_refused(root, "uapi", "bob", kFtpChanges[3], refusal + "it is not a JSON object.");
  root.write(rel, "");
  expect_cpanel_refused(root, "uapi", "bob", kFtpChanges[3], refusal + "it is empty.");
  // Settings whmkit would not write back, or could not use.
  root.write(rel, R"({"deploy@bob.example": {"read_only": true, "expires": "2027-01-01"}})");
  expect_cpanel_refused(root, "uapi", "bob", kFtpChanges[3],
                        refusal + "the entry “deploy@bob.example” has “expires”, which is not");
  root.write(rel, R"({"deploy@bob.example": {"read_only": "yes"}})");
  expect_cpanel_refused(root, "uapi", "bob", kFtpChanges[3], "has “read_only”, which is not");
  root.write(rel, R"({"deploy@bob.example": "read only"})");
  expect_cpanel_refused(root, "uapi", "bob", kFtpChanges[3], "the entry “deploy@bob.example” is not a JSON object");
  // An address goes into a Pure-FTPd passwd line: a line break in one would add a line.
  root.write(rel, R"({"deploy@bob.example": {"allowed_ips": ["192.0.2.1\nroot::0:0::/:"]}})");
  expect_cpanel_refused(root, "uapi", "bob", kFtpChanges[3], "which is not an IPv4 address or CIDR block");
  CHECK(root.file("etc/pure-ftpd/pureftpd.passwd").find("root::0:0") == std::string::npos);
}

TEST_CASE("an FTP quota file with lines that do not parse is not rewritten", "[security][damaged][ftp]") {
  TempRoot root;
  bob_with_ftp(root);
  const std::string rel = "home/bob/etc/ftpquota";
  const std::string refusal = "The file “/home/bob/etc/ftpquota” cannot be changed: ";
  for (const auto& [text, problem] : std::vector<std::pair<std::string, std::string>>{
           {"deploy@bob.example:10\nten megabytes for the rest\n", "line 2 is not “LOGIN:MEGABYTES”"},
           {"deploy@bob.example:ten\n", "line 1 is not “LOGIN:MEGABYTES”"},
           {"deploy@bob.example:-5\n", "line 1 is not “LOGIN:MEGABYTES”"},
           {":10\n", "line 1 is not “LOGIN:MEGABYTES”"},
           {"deploy@bob.example:10\nother@bob.example:1", "line 2 is cut off"},
           {"deploy@bob.example:10\ndeploy@bob.example:20\n", "line 2 repeats the login “deploy@bob.example”"},
           {"deploy@bob.example:10\nx" + std::string(1, '\0') + "y:1\n", "line 2 holds a NUL byte"},
       }) {
    root.write(rel, text);
    for (const auto& call : kFtpChanges) expect_cpanel_refused(root, "uapi", "bob", call, refusal + problem);
    expect_refused(root, {"modifyacct", "user=bob", "newuser=robert"}, refusal + problem);
  }
  // Reading shows what parses, with a warning; whmkit-check names the file.
  root.write(rel, "deploy@bob.example:10\ngarbage\n");
  auto quota = uapi_ok(root, "bob", {"Ftp", "get_quota", "account=deploy"});
  CHECK(quota["result"]["data"] == "10");
  REQUIRE(uapi_warnings(quota).size() == 1);
  CHECK_THAT(uapi_warnings(quota)[0], Contains("The file “/home/bob/etc/ftpquota” is damaged: line 2"));
  auto check = run_program({WHMKIT_CHECK_PATH, "--root=" + root.path});
  CHECK(check.status == 1);
  CHECK_THAT(check.out, Contains("“/home/bob/etc/ftpquota” is damaged: line 2 is not “LOGIN:MEGABYTES”"));
  // A quota of 0 is no quota: it parses.
  root.write(rel, "deploy@bob.example:0\n");
  uapi_ok(root, "bob", {"Ftp", "set_quota", "user=deploy", "quota=5"});
  CHECK(root.file(rel) == "deploy@bob.example:5\n");
}

TEST_CASE("an archive's FTP settings with an address that is not one are not restored",
          "[security][damaged][ftp][restore]") {
  TempRoot root;
  const std::string proftpd = "eve:$6$x:1000:1000::/home/eve:/bin/ftpsh\n";
  // Restored, the address would have put a uid-0 login into Pure-FTPd's passwd file.
  eve_archive(root, "home/eve.tar.gz", proftpd,
              R"({"eve": {"allowed_ips": ["192.0.2.1::\nroot:x:0:0:eve:/./::::::::::::"], "read_only": false}})");
  expect_refused(root, {"start_local_cpmove_restore", "cpmovepath=/home/eve.tar.gz"},
                 "The archive's whmkit/ftp.json is damaged: the entry “eve” allows");
  eve_archive(root, "home/eve.tar.gz", proftpd, R"({"eve": {"read_only": 1}})");
  expect_refused(root, {"start_local_cpmove_restore", "cpmovepath=/home/eve.tar.gz"},
                 "The archive's whmkit/ftp.json is damaged: the entry “eve” has “read_only”");
  // What whmkit writes restores.
  eve_archive(root, "home/eve.tar.gz", proftpd, R"({"eve": {"allowed_ips": ["192.0.2.1"], "read_only": true}})");
  run_ok(root, {"start_local_cpmove_restore", "cpmovepath=/home/eve.tar.gz"});
  CHECK_THAT(root.file("etc/pure-ftpd/pureftpd.passwd"), Contains(":192.0.2.1::\n"));
}

// ---------------------------------------------------------------- backups

TEST_CASE("a restore queue that does not parse is not rewritten", "[security][damaged][backups][queue]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  run_ok(root, {"start_background_pkgacct", "user=bob", "tarroot=/backup/2026-11-20/accounts"});
  fs::rename(root.path + "/backup/2026-11-20/accounts/cpmove-bob.tar.gz",
             root.path + "/backup/2026-11-20/accounts/bob.tar.gz");
  run_ok(root, {"restore_queue_add_task", "user=bob", "restore_point=2026-11-20T00:00:00.000Z"});
  const std::string rel = "var/cpanel/backups/restore_queue.json";
  const std::string whole = root.file(rel);
  const std::string refusal = "The file “/var/cpanel/backups/restore_queue.json” cannot be changed: ";
  const std::vector<std::vector<std::string>> changes = {
      {"restore_queue_add_task", "user=bob", "restore_point=2026-11-20T00:00:00.000Z"},
      {"restore_queue_activate"},
      {"restore_queue_clear_pending_task", "user=bob"},
      {"restore_queue_clear_all_pending_tasks"},
      {"restore_queue_clear_completed_task", "user=bob", "start_time=1"},
      {"restore_queue_clear_all_completed_tasks"},
      {"restore_queue_clear_all_failed_tasks"},
      {"restore_queue_clear_all_tasks"},
  };
  for (const auto& [text, problem] : std::vector<std::pair<std::string, std::string>>{
           {whole.substr(0, whole.size() - 20), "is not valid JSON"},
           {"[]\n", "it is not a JSON object"},
           {R"({"pending": {"user": "bob"}})", "its “pending” is not a list"},
           {R"({"pending": [{"user": "bob"}, "bob"]})", "task 2 of its “pending” is not a restore task"},
           {R"({"completed": [{"user": 7}]})", "task 1 of its “completed” is not a restore task"},
           {R"({"is_active": "yes"})", "its “is_active” is not a number"},
       }) {
    root.write(rel, text);
    for (const auto& call : changes) expect_refused(root, call, refusal);
    expect_refused(root, changes[0], problem);
  }
  // The queue is still shown as far as it goes, with a warning.
  root.write(rel, R"({"pending": [{"user": "bob"}, "bob"]})");
  auto state = run_ok(root, {"restore_queue_state"});
  CHECK(state["data"]["pending"].size() == 1);
  REQUIRE(whm_warnings(state).size() == 1);
  CHECK_THAT(whm_warnings(state)[0], Contains("“/var/cpanel/backups/restore_queue.json” is damaged"));
}

TEST_CASE("a backup destination value that is not text, holding bytes that are not UTF-8, is refused by the transport",
          "[security][damaged][backups]") {
  TempRoot root;
  auto id = run_ok(root, {"backup_destination_add", "type=Local", "name=local", "path=/backup"})["data"]["id"]
                .get<std::string>();
  std::string rel;
  for (const auto& e : fs::directory_iterator(root.path + "/var/cpanel/backups"))
    if (e.path().filename().string().find(id) != std::string::npos) rel = fs::relative(e.path(), root.path).string();
  REQUIRE(!rel.empty());
  std::string yaml = root.file(rel);
  auto at = yaml.find("path: /backup\n");
  REQUIRE(at != std::string::npos);
  // A hand edit made the path a list holding the byte 0xFF.
  yaml.replace(at, 14, "path: \n  - \"\\xFF\"\n");
  root.write(rel, yaml);
  expect_refused(root, {"backup_destination_validate", "id=" + id, "disableonfail=0"},
                 "Validation for transport “local” failed: The Local destination “local” needs an absolute path");
  auto r = run(root, {"backup_destination_validate", "id=" + id, "disableonfail=0"});
  CHECK(r.out.find("json.exception") == std::string::npos);
}

// ---------------------------------------------------------------- cpanel.config

TEST_CASE("set_nameserver keeps cpanel.config's bare keys and refuses a damaged file", "[security][damaged][dns]") {
  TempRoot root;
  const std::string rel = "var/cpanel/cpanel.config";
  // cPanel writes an undefined value as the key alone: legitimate, and kept exactly.
  root.write(rel, "# old notice\nallowremotedomains=0\nlocal_nameserver_type=powerdns\nmaxemailsperhour\nzz=\n");
  CHECK(run_ok(root, {"set_nameserver", "nameserver=BIND"})["metadata"]["result"] == 1);
  const std::string conf = root.file(rel);
  CHECK_THAT(conf, Contains("\nallowremotedomains=0\nlocal_nameserver_type=bind\nmaxemailsperhour\nzz=\n"));
  CHECK(conf.find("maxemailsperhour=") == std::string::npos);

  const std::string refusal = "The file “/var/cpanel/cpanel.config” cannot be changed: ";
  for (const auto& [text, problem] : std::vector<std::pair<std::string, std::string>>{
           {conf + "proxysubdomains=1", "is cut off"},
           {conf + std::string("bad\0key=1\n", 10), "holds a NUL byte"},
           {conf + "this is not a setting\n", "is not KEY=VALUE or KEY"},
           {conf + "\tindented\n", "is not KEY=VALUE or KEY"},
           {conf + "=1\n", "has no key"},
           {conf + "allowremotedomains=1\n", "repeats the key “allowremotedomains”"},
           {conf + "maxemailsperhour=5\n", "repeats the key “maxemailsperhour”"},
       }) {
    root.write(rel, text);
    size_t last_line = static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + (text.back() != '\n');
    expect_refused(root, {"set_nameserver", "nameserver=PowerDNS"},
                   refusal + "line " + std::to_string(last_line) + " " + problem);
  }
}

// ---------------------------------------------------------------- restores

TEST_CASE("an archive in a place an account's user controls is not restored", "[security][symlink][restore]") {
  TempRoot root;
  create_account(root, "amy", "amy.example");
  const std::string refusal = "is in the home directory of the account “amy”, whose user could replace it";
  eve_archive(root, "home/amy/uploads/cpmove-eve.tar.gz", "");
  expect_refused(root, {"start_local_cpmove_restore", "cpmovepath=/home/amy/uploads/cpmove-eve.tar.gz"},
                 "The archive “/home/amy/uploads/cpmove-eve.tar.gz” " + refusal);
  expect_refused(root,
                 {"start_local_cpmove_restore", "cpmovepath=/home/amy/uploads/cpmove-eve.tar.gz", "delete_archive=1"},
                 refusal);
  // Reached through a symlink root made (the check goes by where the path leads).
  fs::create_directory_symlink("home/amy/uploads", root.path + "/transfers");
  expect_refused(root, {"start_local_cpmove_restore", "cpmovepath=/transfers/cpmove-eve.tar.gz"}, refusal);
  // Backups kept in a home (BACKUPDIR set there) are not restored either.
  run_ok(root, {"backup_config_set", "backupdir=/home/amy/backups"});
  fs::create_directories(root.path + "/home/amy/backups/2026-11-20/accounts");
  fs::rename(root.path + "/home/amy/uploads/cpmove-eve.tar.gz",
             root.path + "/home/amy/backups/2026-11-20/accounts/eve.tar.gz");
  expect_refused(root, {"restoreaccount", "user=eve", "type=daily"}, refusal);
  expect_refused(root, {"restore_queue_add_task", "user=eve", "restore_point=2026-11-20T00:00:00.000Z"}, refusal);
  // A queued task whose backups moved into a home afterwards fails, restoring nothing.
  root.write("var/cpanel/backups/restore_queue.json",
             R"({"pending": [{"queue_id": "q1", "restore_point": "2026-11-20T00:00:00.000Z", "user": "eve"}]})");
  auto done = run_ok(root, {"restore_queue_activate"});
  auto completed = run_ok(root, {"restore_queue_list_completed"})["data"]["restore_job"];
  REQUIRE(completed.size() == 1);
  CHECK(completed[0]["status"] == "failed");
  CHECK_THAT(completed[0]["message"].get<std::string>(), Contains(refusal));
  CHECK_FALSE(root.exists("var/cpanel/users/eve"));
  CHECK_FALSE(root.exists("home/eve"));
  // Outside every home the same archive restores.
  fs::rename(root.path + "/home/amy/backups/2026-11-20/accounts/eve.tar.gz", root.path + "/home/cpmove-eve.tar.gz");
  run_ok(root, {"start_local_cpmove_restore", "cpmovepath=/home/cpmove-eve.tar.gz"});
  CHECK(root.exists("var/cpanel/users/eve"));
}

TEST_CASE("a refused restore into an empty state root leaves nothing behind", "[security][restore][state]") {
  TempRoot root;
  // Refused by the FTP part, after the home and the bandwidth datastore were staged.
  eve_archive(root, "backup/eve.tar.gz", "eve:$6$x:1000:1000::/etc:/bin/ftpsh\n");
  const auto before = entries(root);
  REQUIRE(before == std::set<std::string>{"backup", "backup/eve.tar.gz"});
  expect_refused(root, {"start_local_cpmove_restore", "cpmovepath=/backup/eve.tar.gz"}, "outside the home");
  CHECK(entries(root) == before);
  // Refused before anything was staged.
  expect_refused(root, {"start_local_cpmove_restore", "cpmovepath=/backup/none.tar.gz"}, "does not exist");
  CHECK(entries(root) == before);
  // A restore that goes through keeps what it made.
  eve_archive(root, "backup/eve.tar.gz", "eve:$6$x:1000:1000::/home/eve:/bin/ftpsh\n");
  run_ok(root, {"start_local_cpmove_restore", "cpmovepath=/backup/eve.tar.gz"});
  CHECK(root.exists("home/eve/public_html/index.html"));
  CHECK(root.exists("var/cpanel/users/eve"));
  for (const auto& entry : entries(root)) CHECK(entry.find(".whmkit") == std::string::npos);
}
