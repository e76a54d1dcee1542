// The rest of the Backups category: pkgacct sessions, the transport history
// a backup run leaves, users with backups, the legacy configuration's
// conversion, and the Google Drive authorization's files. (The Drive
// transfer itself runs against a local server: tests/shell/test_google_drive.sh.)
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "harness.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using test::create_account;
using test::expect_refused;
using test::run_ok;
using test::snapshot;
using test::TempRoot;

namespace fs = std::filesystem;

namespace {

test::RunResult run_backup(const TempRoot& root, std::vector<std::string> args) {
  const std::string backup = (fs::path(WHMAPI1_PATH).parent_path() / "whmkit-backup").string();
  args.insert(args.begin(), {backup, "--root=" + root.path});
  return test::run_program(args, {{"TZ", "UTC"}});
}

std::vector<std::string> lines_of(const std::string& text) {
  std::vector<std::string> out;
  size_t start = 0;
  while (start < text.size()) {
    size_t end = text.find('\n', start);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(start, end - start));
    start = end + 1;
  }
  return out;
}

}  // namespace

TEST_CASE("pkgacct sessions: the master log and the state", "[backup][pkgacct_session]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto session = run_ok(root, {"start_background_pkgacct", "user=bob"})["data"]["session_id"].get<std::string>();
  CHECK_THAT(session, StartsWith("bob"));
  CHECK(run_ok(root, {"get_pkgacct_session_state", "session_id=" + session})["data"]["state"] == "COMPLETED");
  auto log = run_ok(root, {"fetch_pkgacct_master_log", "session_id=" + session})["data"]["log"].get<std::string>();
  CHECK(log == root.file("var/cpanel/pkgacct_sessions/" + session + "/master.log").substr(0, log.size()));
  CHECK(log.back() == '}');  // the last line's newline is not part of the answer
  // Every line is one JSON object with cPanel's keys; the first and the last say what happened.
  std::vector<nlohmann::json> lines;
  for (const auto& line : lines_of(log)) lines.push_back(nlohmann::json::parse(line));
  REQUIRE(lines.size() >= 3);
  for (const auto& l : lines)
    for (const char* key : {"contents", "indent", "partial", "pid", "timestamp", "type"}) CHECK(l.contains(key));
  CHECK(lines.front()["contents"] == "pkgacct started.\n");
  CHECK(lines.back()["contents"] == "pkgacct completed\n");
  CHECK_FALSE(root.exists("var/cpanel/pkgacct_sessions/" + session + "/upid"));  // it no longer runs

  // A session whose log ends with an error failed.
  const std::string failed = "bob20261123000000failedxxxx";
  root.write("var/cpanel/pkgacct_sessions/" + failed + "/master.log",
             R"({"contents":"pkgacct started.\n","indent":0,"partial":0,"pid":1,"timestamp":"x","type":"out"})"
             "\n"
             R"({"contents":"disk full\n","indent":0,"partial":0,"pid":1,"timestamp":"x","type":"error"})"
             "\n");
  CHECK(run_ok(root, {"get_pkgacct_session_state", "session_id=" + failed})["data"]["state"] == "FAILED");
  // One that is neither cannot be told.
  const std::string unclear = "bob20261123000000unclearxxx";
  root.write("var/cpanel/pkgacct_sessions/" + unclear + "/master.log", "not json\n");
  expect_refused(root, {"get_pkgacct_session_state", "session_id=" + unclear}, "Could not identify state");

  // whmkit-backup pkgacct logs a session too.
  auto cli = run_backup(root, {"pkgacct", "bob"});
  REQUIRE(cli.status == 0);
  CHECK_THAT(cli.err, Contains("pkgacct session bob"));

  auto before = snapshot(root);
  expect_refused(root, {"fetch_pkgacct_master_log", "session_id=nosuch"}, "No such file or directory");
  expect_refused(root, {"fetch_pkgacct_master_log", "session_id=../../etc"}, "is not a pkgacct session ID");
  expect_refused(root, {"get_pkgacct_session_state", "session_id=.."}, "is not a pkgacct session ID");
  expect_refused(root, {"get_pkgacct_session_state"}, "session_id");
  CHECK(snapshot(root) == before);
}

TEST_CASE("the transport history of a backup run", "[backup][transport_history]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  create_account(root, "amy", "amy.example");
  run_ok(root, {"backup_config_set", "backupenable=1", "backupdays=1"});  // 2026-11-23 is a Monday
  auto good = run_ok(root, {"backup_destination_add", "type=Local", "name=copies", "path=/copies"})["data"]["id"]
                  .get<std::string>();
  // A Local destination whose path is a file cannot take the archives.
  root.write("blocked", "a file\n");
  auto bad = run_ok(root, {"backup_destination_add", "type=Local", "name=blocked", "path=/blocked"})["data"]["id"]
                 .get<std::string>();
  auto result = run_backup(root, {"run", "--date", "2026-11-23"});
  CHECK(result.status == 1);  // one destination failed
  CHECK(root.exists("copies/2026-11-23/accounts/bob.tar.gz"));
  CHECK(root.exists("backup/transports.db"));

  auto listed = run_ok(root, {"backup_list_transported"})["data"]["remote_backups"];
  CHECK(listed ==
        nlohmann::json({{good, {{"amy", {"2026-11-23T00:00:00.000Z"}}, {"bob", {"2026-11-23T00:00:00.000Z"}}}}}));
  CHECK(run_ok(root, {"backup_list_transported", "transport=" + bad})["data"]["remote_backups"] ==
        nlohmann::json::object());

  auto status = run_ok(root, {"backup_get_transport_status"})["data"];
  CHECK(status["pages"] == 1);
  auto all = status["transport_status"];
  REQUIRE(all.size() == 4);
  for (const auto& s : all) {
    CHECK(s["date"] == "2026-11-23T00:00:00.000Z");
    CHECK(s["start_timestamp"].is_string());
    CHECK((s["transport"] == "copies" || s["transport"] == "blocked"));  // names, not ids
    CHECK(s["status"] == (s["transport"] == "copies" ? "completed" : "failed"));
    CHECK(s["end_timestamp"].is_null() == (s["status"] == "failed"));
  }
  auto failed = run_ok(root, {"backup_get_transport_status", "state=failed"})["data"]["transport_status"];
  CHECK(failed.size() == 2);
  auto bobs = run_ok(root, {"backup_get_transport_status", "transport_name=copies", "state=completed"})["data"];
  CHECK(bobs["transport_status"].size() == 2);
  CHECK(run_ok(root, {"backup_get_transport_status", "transport_id=" + bad, "state=completed"})["data"] ==
        nlohmann::json({{"pages", 0}, {"transport_status", nlohmann::json::array()}}));

  auto before = snapshot(root);
  expect_refused(root, {"backup_get_transport_status", "state=lost"}, "state");
  expect_refused(root, {"backup_get_transport_status", "transport_name=nosuch"},
                 "nosuch Does not correspond to any existing backup transport.");
  expect_refused(root, {"backup_get_transport_status", "transport_name=copies", "transport_id=" + good},
                 "mutually exclusive");
  CHECK(snapshot(root) == before);

  // Deleting a destination deletes its history.
  run_ok(root, {"backup_destination_delete", "id=" + bad});
  CHECK(run_ok(root, {"backup_get_transport_status"})["data"]["transport_status"].size() == 2);
}

TEST_CASE("get_users_and_domains_with_backup_metadata", "[backup][backup_metadata]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  create_account(root, "amy", "amy.example");
  CHECK(run_ok(root, {"get_users_and_domains_with_backup_metadata"})["data"] == nlohmann::json::object());
  root.write("backup/2026-11-23/accounts/bob.tar.gz", "x");
  root.write("backup/2026-11-23/accounts/gone.tar.gz", "x");  // an account removed since
  CHECK(run_ok(root, {"get_users_and_domains_with_backup_metadata"})["data"] ==
        nlohmann::json({{"bob", "bob.example"}}));
}

TEST_CASE("convert_and_migrate_from_legacy_config", "[backup][legacy_config]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  create_account(root, "amy", "amy.example");
  run_ok(root, {"toggle_user_backup_state", "user=bob"});              // BACKUP=0
  run_ok(root, {"toggle_user_backup_state", "user=bob", "legacy=1"});  // LEGACY_BACKUP=1
  auto before = snapshot(root);
  auto none = run_ok(root, {"convert_and_migrate_from_legacy_config"});
  CHECK(none["metadata"]["result"] == 0);
  CHECK(none["metadata"]["reason"] == "No /etc/cpbackup.conf file, nothing to convert.");
  CHECK(snapshot(root) == before);

  const std::string legacy =
      "# legacy backups\n"
      "BACKUPACCTS yes\nBACKUPDAYS 1,3,5\nBACKUPDIR /legacybackup\nBACKUPENABLE restoreonly\n"
      "BACKUPFILES yes\nBACKUPINC no\nBACKUPINT daily\nBACKUPLOGS no\nBACKUPMOUNT no\nBACKUPRETDAILY 1\n"
      "BACKUPRETMONTHLY 0\nBACKUPRETWEEKLY 1\nBACKUPTYPE normal\nCOMPRESSACCTS no\nLINKDEST yes\n"
      "LOCALZONESONLY no\nMYSQLBACKUP both\nUSEBINARYPKGACCT no\n";
  // A line that is not "KEY value": nothing is converted.
  root.write("etc/cpbackup.conf", legacy + "BROKEN\n");
  before = snapshot(root);
  expect_refused(root, {"convert_and_migrate_from_legacy_config"}, "/etc/cpbackup.conf");
  CHECK(snapshot(root) == before);
  // A value the new system refuses: nothing is converted either.
  std::string bad_days = legacy;
  bad_days.replace(bad_days.find("BACKUPDAYS 1,3,5"), 16, "BACKUPDAYS 1,9");
  root.write("etc/cpbackup.conf", bad_days);
  before = snapshot(root);
  expect_refused(root, {"convert_and_migrate_from_legacy_config"}, "backupdays");
  CHECK(snapshot(root) == before);

  root.write("etc/cpbackup.conf", legacy);
  auto done = run_ok(root, {"convert_and_migrate_from_legacy_config"});
  INFO(done.dump());
  CHECK(done["metadata"]["result"] == 1);
  CHECK_THAT(done["metadata"]["reason"].get<std::string>(),
             StartsWith("Conversion from Legacy Backup configuration was successful. We renamed /etc/cpbackup.conf to "
                        "/etc/cpbackup.conf-"));
  CHECK_FALSE(root.exists("etc/cpbackup.conf"));
  bool kept = false;
  for (const auto& e : fs::directory_iterator(root.path + "/etc"))
    if (e.path().filename().string().rfind("cpbackup.conf-", 0) == 0)
      kept = root.file("etc/" + e.path().filename().string()) == legacy;
  CHECK(kept);
  auto c = run_ok(root, {"backup_config_get"})["data"]["backup_config"];
  CHECK(c["backupdays"] == "1,3,5");
  CHECK(c["backupdir"] == "/legacybackup");
  CHECK(c["backupenable"] == 0);  // restoreonly
  CHECK(c["backuptype"] == "uncompressed");
  CHECK(c["linkdest"] == 1);
  CHECK(c["mysqlbackup"] == "both");
  CHECK(c["backup_daily_enable"] == 1);
  CHECK(c["backup_weekly_enable"] == 1);
  CHECK(c["backup_monthly_enable"] == 1);
  CHECK(c["backup_daily_retention"] == 1);
  CHECK(c["backup_weekly_retention"] == 1);
  CHECK(c["backup_monthly_retention"] == 1);  // the default: legacy's 0 is not carried over
  CHECK_THAT(root.file("var/cpanel/users/bob"), Contains("\nBACKUP=1\n"));  // backed up by the legacy system

  // Nothing left to convert; no_convert=1 only keeps a copy.
  CHECK(run_ok(root, {"convert_and_migrate_from_legacy_config"})["metadata"]["result"] == 0);
  root.write("etc/cpbackup.conf", legacy);
  auto renamed = run_ok(root, {"convert_and_migrate_from_legacy_config", "no_convert=1"});
  CHECK_THAT(renamed["metadata"]["reason"].get<std::string>(),
             StartsWith("Legacy Backup configuration was renamed from /etc/cpbackup.conf to /etc/cpbackup.conf-"));
  CHECK_FALSE(root.exists("etc/cpbackup.conf"));
}

TEST_CASE("Google Drive: the authorization URI and the credentials file", "[backup][google_drive]") {
  TempRoot root;
  root.write("etc/hostname", "host.example.com\n");
  CHECK(run_ok(root, {"backup_does_client_id_have_google_credentials", "client_id=abc123"})["data"]["exists"] == 0);
  auto uri =
      run_ok(root, {"backup_generate_google_oauth_uri", "client_id=abc123", "client_secret=s3cr et"})["data"]["uri"]
          .get<std::string>();
  const std::string expected_start =
      "https://accounts.google.com/o/oauth2/auth?client_id=abc123&response_type=code&redirect_uri="
      "https%3A%2F%2Fhost.example.com%3A2087%2Fgoogledriveauth%2Fcallback&scope="
      "https%3A%2F%2Fwww.googleapis.com%2Fauth%2Fdrive.file&access_type=offline&prompt=consent&state=";
  REQUIRE_THAT(uri, StartsWith(expected_start));
  const std::string state = uri.substr(expected_start.size());
  CHECK(state.size() == 64);
  const std::string pending = "var/cpanel/backups/google_oauth_tempfile_" + state;
  REQUIRE(root.exists(pending));
  CHECK_THAT(root.file(pending), Contains("client_secret: s3cr et"));
  struct stat st {};
  REQUIRE(::stat((root.path + "/" + pending).c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  // Credentials, once stored, are found.
  root.write("var/cpanel/backups/abc123.yml", "---\naccess_token: x\n");
  CHECK(run_ok(root, {"backup_does_client_id_have_google_credentials", "client_id=abc123"})["data"]["exists"] == 1);

  // A GoogleDrive destination needs its client.
  auto id = run_ok(root, {"backup_destination_add", "type=GoogleDrive", "name=drive", "client_id=abc123",
                          "client_secret=s3cret", "folder=backups/server1"})["data"]["id"]
                .get<std::string>();
  auto d = run_ok(root, {"backup_destination_get", "id=" + id})["data"];
  CHECK(d["type"] == "GoogleDrive");
  CHECK(d["folder"] == "backups/server1");

  auto before = snapshot(root);
  expect_refused(root, {"backup_destination_add", "type=GoogleDrive", "name=d2", "client_secret=x"}, "client_id");
  expect_refused(root,
                 {"backup_destination_add", "type=GoogleDrive", "name=d3", "client_id=../../etc/x", "client_secret=x"},
                 "is not a Google client ID");
  expect_refused(root, {"backup_generate_google_oauth_uri", "client_id=a/b", "client_secret=x"},
                 "is not a Google client ID");
  expect_refused(root, {"backup_generate_google_oauth_uri", "client_id=abc", "client_secret=a\nb"}, "client_secret");
  expect_refused(root, {"backup_does_client_id_have_google_credentials", "client_id=.."}, "client_id");
  CHECK(snapshot(root) == before);
  // whmkit-backup google-auth refuses a state it did not hand out.
  auto unknown = run_backup(root, {"google-auth", "nosuchstate", "code"});
  CHECK(unknown.status == 1);
  CHECK_THAT(unknown.err, Contains("google_oauth_tempfile_nosuchstate does not exist"));
}
