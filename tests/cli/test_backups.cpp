// Backups and restores, run as the real program: settings, destinations,
// the archive round trip, the restore queue, and hostile archives.
#include <archive.h>
#include <archive_entry.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "harness.hpp"

using test::create_account;
using test::expect_refused;
using test::run;
using test::snapshot;
using test::TempRoot;

namespace fs = std::filesystem;

namespace {

nlohmann::json ok(const TempRoot& root, const std::vector<std::string>& args) {
  auto r = run(root, args);
  INFO(args.at(0) << " -> " << r.out << r.err);
  REQUIRE(r.status == 0);
  auto j = r.json();
  REQUIRE(j["metadata"]["result"] == 1);
  return j;
}

struct TarEntry {
  std::string path;
  char type = 'f';  // f file, d dir, l symlink, h hard link, c char device
  std::string content = "";
  std::string link = "";
};

void write_tar(const std::string& abs, const std::vector<TarEntry>& entries) {
  struct archive* a = archive_write_new();
  archive_write_add_filter_gzip(a);
  archive_write_set_format_pax_restricted(a);
  REQUIRE(archive_write_open_filename(a, abs.c_str()) == ARCHIVE_OK);
  for (const auto& t : entries) {
    struct archive_entry* e = archive_entry_new();
    archive_entry_set_pathname(e, t.path.c_str());
    archive_entry_set_perm(e, t.type == 'd' ? 0755 : 0644);
    archive_entry_set_mtime(e, 1700000000, 0);
    switch (t.type) {
      case 'd': archive_entry_set_filetype(e, AE_IFDIR); break;
      case 'l':
        archive_entry_set_filetype(e, AE_IFLNK);
        archive_entry_set_symlink(e, t.link.c_str());
        break;
      case 'h':
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_hardlink(e, t.link.c_str());
        break;
      case 'c':
        archive_entry_set_filetype(e, AE_IFCHR);
        archive_entry_set_rdev(e, makedev(1, 3));
        break;
      default:
        archive_entry_set_filetype(e, AE_IFREG);
        archive_entry_set_size(e, static_cast<la_int64_t>(t.content.size()));
    }
    archive_write_header(a, e);
    if (t.type == 'f' && !t.content.empty()) archive_write_data(a, t.content.data(), t.content.size());
    archive_entry_free(e);
  }
  archive_write_close(a);
  archive_write_free(a);
}

// A small, valid archive of the account "eve", plus `extra` entries.
std::vector<TarEntry> eve_archive(std::vector<TarEntry> extra = {}) {
  std::vector<TarEntry> v = {
      {"cpmove-eve/", 'd'},
      {"cpmove-eve/cp/", 'd'},
      {"cpmove-eve/cp/eve", 'f', "DNS=eve.example\nOWNER=root\nPLAN=default\nUSER=eve\n"},
      {"cpmove-eve/shadow", 'f', "$6$salt$hash"},
      {"cpmove-eve/shell", 'f', "/usr/local/cpanel/bin/noshell"},
      {"cpmove-eve/version", 'f', "pkgacct version: 10\narchive version: 4\n"},
      {"cpmove-eve/homedir_paths", 'f', "/home/eve\n"},
      {"cpmove-eve/homedir/", 'd'},
      {"cpmove-eve/homedir/public_html/", 'd'},
      {"cpmove-eve/homedir/public_html/index.html", 'f', "eve\n"},
  };
  v.insert(v.end(), extra.begin(), extra.end());
  return v;
}

// Every entry below `rel` with its content (or link target), mode and, if
// asked, mtime (a restore keeps home files' times; state files are rewritten).
std::map<std::string, std::string> files_under(const TempRoot& root, const std::string& rel, bool with_mtime = true) {
  std::map<std::string, std::string> out;
  if (!fs::exists(root.path + "/" + rel)) return out;
  for (auto it = fs::recursive_directory_iterator(root.path + "/" + rel); it != fs::recursive_directory_iterator();
       ++it) {
    std::string r = fs::relative(it->path(), root.path).string();
    struct stat st {};
    ::lstat(it->path().c_str(), &st);
    std::string meta = " mode=" + std::to_string(st.st_mode);
    if (with_mtime && !S_ISLNK(st.st_mode)) meta += " mtime=" + std::to_string(st.st_mtime);
    if (S_ISLNK(st.st_mode))
      out[r] = "link:" + fs::read_symlink(it->path()).string() + meta;
    else if (S_ISDIR(st.st_mode))
      out[r] = "dir" + meta;
    else
      out[r] = root.file(r) + meta;
  }
  return out;
}

}  // namespace

TEST_CASE("backup_config_get/set: defaults, yes/no storage, refusals naming the key", "[backup]") {
  TempRoot root;
  auto cfg = ok(root, {"backup_config_get"})["data"]["backup_config"];
  CHECK(cfg["backupenable"] == 0);
  CHECK(cfg["backupdir"] == "/backup");
  CHECK(cfg["backupdays"] == "0,2,4,6");
  CHECK(cfg["backup_daily_retention"] == 5);
  CHECK(cfg["maximum_timeout"] == 7200);
  CHECK(cfg["min_free_space_unit"] == "percent");

  ok(root, {"backup_config_set", "backupenable=1", "backupdir=/srv/backups", "backup_weekly_enable=1",
            "backup_weekly_day=3", "backup_monthly_dates=1,15", "backuptype=uncompressed", "maximum_timeout=600"});
  std::string yaml = root.file("var/cpanel/backups/config");
  CHECK_THAT(yaml, Catch::Matchers::StartsWith("--- \n"));
  CHECK_THAT(yaml, Catch::Matchers::Contains("BACKUPENABLE: 'yes'\n"));
  CHECK_THAT(yaml, Catch::Matchers::Contains("BACKUPDIR: /srv/backups\n"));
  CHECK_THAT(yaml, Catch::Matchers::Contains("BACKUP_WEEKLY_DAY: 3\n"));
  CHECK_THAT(yaml, Catch::Matchers::Contains("BACKUPLOGS: 'no'\n"));
  auto cache = nlohmann::json::parse(root.file("var/cpanel/backups/config.cache"));
  CHECK(cache["BACKUPTYPE"] == "uncompressed");
  cfg = ok(root, {"backup_config_get"})["data"]["backup_config"];
  CHECK(cfg["backupenable"] == 1);
  CHECK(cfg["backup_monthly_dates"] == "1,15");

  for (auto [arg, key] :
       std::vector<std::pair<std::string, std::string>>{{"backupdays=0,7", "backupdays"},
                                                        {"backuptype=weird", "backuptype"},
                                                        {"backup_daily_retention=0", "backup_daily_retention"},
                                                        {"backupdir=relative/dir", "backupdir"},
                                                        {"backupdir=/a/../etc", "backupdir"},
                                                        {"maximum_timeout=10", "maximum_timeout"},
                                                        {"min_free_space_unit=GB", "min_free_space_unit"},
                                                        {"backup_monthly_dates=32", "backup_monthly_dates"},
                                                        {"backupenable=maybe", "backupenable"},
                                                        {"gziprsyncopts=a%0Ab", "gziprsyncopts"}})
    expect_refused(root, {"backup_config_set", arg}, key);
}

TEST_CASE("backup destinations are stored as cPanel stores them", "[backup][destination]") {
  TempRoot root;
  auto id = ok(root, {"backup_destination_add", "type=FTP", "name=Off site #1", "host=ftp.example.net", "username=bk",
                      "password=S3cret:pass", "path=backups"})["data"]["id"]
                .get<std::string>();
  CHECK(id.size() == 24);
  const std::string rel = "var/cpanel/backups/Off_site__1_UID_" + id + ".backup_destination";
  REQUIRE(root.exists(rel));
  struct stat st {};
  ::stat((root.path + "/" + rel).c_str(), &st);
  CHECK((st.st_mode & 0777) == 0600);
  std::string yaml = root.file(rel);
  // XOR "+" then pack 'u' (checked against perl -e 'print pack("u", ...)').
  CHECK_THAT(yaml, Catch::Matchers::Contains("password: +>!A(64Y?$5M*6%@`"));
  CHECK_THAT(yaml, Catch::Matchers::Contains("type: FTP\n"));
  CHECK_THAT(yaml, Catch::Matchers::Contains("host: ftp.example.net\n"));

  auto got = ok(root, {"backup_destination_get", "id=" + id})["data"];
  CHECK(got["name"] == "Off site #1");
  CHECK(got["passive"] == 1);
  CHECK(!got.contains("password"));
  auto list = ok(root, {"backup_destination_list"})["data"]["destination_list"];
  REQUIRE(list.size() == 1);
  CHECK(list[0]["id"] == id);

  ok(root, {"backup_destination_set", "id=" + id, "name=renamed", "port=2121"});
  CHECK(!root.exists(rel));
  CHECK(root.exists("var/cpanel/backups/renamed_UID_" + id + ".backup_destination"));
  CHECK(ok(root, {"backup_destination_get", "id=" + id})["data"]["port"] == 2121);

  SECTION("bad input changes nothing") {
    expect_refused(root, {"backup_destination_add", "type=FTP", "name=x", "username=u", "password=p"}, "host");
    expect_refused(root,
                   {"backup_destination_add", "type=FTP", "name=x", "host=h", "username=u", "password=p", "port=70000"},
                   "port");
    expect_refused(root, {"backup_destination_add", "type=FTP", "name=x", "host=h/../x", "username=u", "password=p"},
                   "host");
    expect_refused(root, {"backup_destination_add", "type=Local", "name=x", "path=/a%0Ab"}, "path");
    expect_refused(root, {"backup_destination_add", "type=Nope", "name=x"}, "type");
    expect_refused(root, {"backup_destination_add", "type=FTP", "name=renamed", "host=h", "username=u", "password=p"},
                   "already exists");
    expect_refused(root, {"backup_destination_add", "type=Custom", "name=x", "host=h", "script=bin/upload.pl"},
                   "“script”: it must be an absolute path");
    expect_refused(root,
                   {"backup_destination_add", "type=SFTP", "name=x", "host=h", "username=u", "authtype=key",
                    "privatekey=/root/.ssh/../../etc/shadow"},
                   "“privatekey”: “/root/.ssh/../../etc/shadow” is not a plain absolute path");
    expect_refused(root, {"backup_destination_get", "id=missing"}, "No backup destination");
    expect_refused(root, {"backup_destination_delete", "id=missing"}, "No backup destination");
    auto s3 = run(root, {"backup_destination_add", "type=AmazonS3", "name=x", "bucket=b"});
    CHECK(s3.status == 2);
    CHECK_THAT(s3.json()["metadata"]["reason"].get<std::string>(),
               Catch::Matchers::Contains("not implemented by whmkit"));
  }
  SECTION("delete") {
    ok(root, {"backup_destination_delete", "id=" + id});
    CHECK(ok(root, {"backup_destination_list"})["data"]["destination_list"].empty());
  }
}

TEST_CASE("archive, remove, restore: the account comes back exactly", "[backup][restore]") {
  TempRoot root;
  ok(root, {"addpkg", "name=gold", "quota=500", "maxftp=5"});
  create_account(root, "bob", "bob.example", {"plan=gold"});
  ok(root, {"addzonerecord", "domain=bob.example", "name=api", "type=A", "address=192.0.2.5"});
  ok(root, {"create_subdomain", "domain=shop.bob.example", "document_root=public_html/shop"});
  root.write("home/bob/public_html/index.html", "<h1>bob</h1>\n");
  root.write("home/bob/notes/private.txt", "secret notes\n");
  ::chmod((root.path + "/home/bob/notes/private.txt").c_str(), 0600);
  fs::create_symlink("public_html/index.html", root.path + "/home/bob/home-page");
  REQUIRE(test::run_cpanel(root, "uapi", "bob", {"Ftp", "add_ftp", "user=web", "pass=S3cure.pass"}).status == 0);
  REQUIRE(
      test::run_cpanel(root, "uapi", "bob",
                       {"Cron", "add_line", "hour=4", "minute=0", "day=*", "month=*", "weekday=*", "command=backup.sh"})
          .status == 0);
  ok(root, {"suspendacct", "user=bob", "reason=Unpaid"});
  if (::geteuid() == 0) ::chown((root.path + "/home/bob/public_html/index.html").c_str(), 1000, 1000);

  const std::vector<std::string> compared = {"var/cpanel/users/bob",
                                             "var/cpanel/users.cache/bob",
                                             "etc/trueuserdomains",
                                             "etc/userdomains",
                                             "etc/domainusers",
                                             "etc/trueuserowners",
                                             "etc/userplans",
                                             "etc/userdatadomains",
                                             "var/named/bob.example.db",
                                             "var/cpanel/suspended/bob",
                                             "var/cpanel/suspendinfo/bob",
                                             "etc/proftpd/bob.suspended",
                                             "etc/proftpd/bob",
                                             "var/spool/cron/crontabs.suspended/bob",
                                             "etc/pure-ftpd/pureftpd.passwd",
                                             "etc/passwd",
                                             "etc/group"};
  std::map<std::string, std::string> before;
  for (const auto& f : compared) before[f] = root.file(f);
  auto userdata_before = files_under(root, "var/cpanel/userdata/bob", false);
  auto home_before = files_under(root, "home/bob");
  std::string named_before = root.file("etc/named.conf");

  auto session = ok(root, {"start_background_pkgacct", "user=bob"})["data"]["session_id"].get<std::string>();
  REQUIRE(root.exists("home/cpmove-bob.tar.gz"));
  CHECK_THAT(root.file("var/cpanel/pkgacct_sessions/" + session + "/master.log"),
             Catch::Matchers::Contains("pkgacct completed"));
  auto listed = ok(root, {"list_cparchive_files"})["data"]["quickrestore_files"];
  CHECK(listed == nlohmann::json::parse(R"([{"file":"cpmove-bob.tar.gz","path":"/home","user":"bob"}])"));

  ok(root, {"removeacct", "user=bob"});
  REQUIRE(!root.exists("var/cpanel/users/bob"));
  REQUIRE(!root.exists("home/bob"));

  // bob's ids stay tracked after the removal; released, the restore gives them back to bob.
  ok(root, {"untrack_acct_id", "uid=1000", "gid=1000"});
  auto restored = ok(root, {"start_local_cpmove_restore", "cpmovepath=/home/cpmove-bob.tar.gz"});
  CHECK(restored["data"]["transfer_session_id"].is_string());
  for (const auto& f : compared) {
    INFO(f);
    CHECK(root.file(f) == before[f]);
  }
  CHECK(files_under(root, "var/cpanel/userdata/bob", false) == userdata_before);
  CHECK(files_under(root, "home/bob") == home_before);
  CHECK(root.file("etc/named.conf") == named_before);
  // The restored account is whole: the checker agrees, and it is still suspended.
  auto check = test::run_program({WHMKIT_CHECK_PATH, "--root=" + root.path});
  INFO(check.out);
  CHECK(check.status == 0);
  CHECK(ok(root, {"listsuspended"})["data"]["account"][0]["user"] == "bob");

  SECTION("restoring over the existing account is refused") {
    expect_refused(root, {"start_local_cpmove_restore", "cpmovepath=/home/cpmove-bob.tar.gz"}, "already exists");
  }
}

TEST_CASE("backups under BACKUPDIR: lists, restoreaccount and the restore queue", "[backup][queue]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  create_account(root, "carol", "carol.example");
  ok(root, {"start_background_pkgacct", "user=bob", "tarroot=/backup/2026-11-20/accounts"});
  ok(root, {"start_background_pkgacct", "user=carol", "tarroot=/backup/weekly/2026-11-16/accounts"});
  fs::rename(root.path + "/backup/2026-11-20/accounts/cpmove-bob.tar.gz",
             root.path + "/backup/2026-11-20/accounts/bob.tar.gz");
  fs::rename(root.path + "/backup/weekly/2026-11-16/accounts/cpmove-carol.tar.gz",
             root.path + "/backup/weekly/2026-11-16/accounts/carol.tar.gz");

  CHECK(ok(root, {"backup_date_list"})["data"]["backup_set"] ==
        nlohmann::json::array({"2026-11-16T00:00:00.000Z", "2026-11-20T00:00:00.000Z"}));
  CHECK(ok(root, {"backup_user_list", "restore_point=2026-11-20T00:00:00.000Z"})["data"]["user"] ==
        nlohmann::json::parse(R"([{"status":"active","username":"bob"}])"));
  auto combined = ok(root, {"backup_set_list_combined"})["data"]["backup_set"];
  CHECK(combined["carol"][0] == nlohmann::json({{"when", "2026-11-16T00:00:00.000Z"}, {"where", "local"}}));
  CHECK(ok(root, {"get_users_with_backup_metadata"})["data"]["accounts"] == nlohmann::json::array({"bob", "carol"}));
  CHECK(ok(root, {"backup_set_list"})["data"]["backup_set"].size() == 2);
  CHECK(ok(root, {"listaccts", "want=user,has_backup"})["data"]["acct"][0]["has_backup"] == 1);

  ok(root, {"removeacct", "user=bob"});
  ok(root, {"removeacct", "user=carol"});
  expect_refused(root, {"restoreaccount", "user=bob", "type=weekly"}, "no weekly backup");
  auto r = ok(root, {"restoreaccount", "user=bob", "type=daily"});
  CHECK_THAT(r["metadata"]["output"]["raw"].get<std::string>(), Catch::Matchers::Contains("Account Restore Complete"));
  CHECK(root.exists("var/cpanel/users/bob"));

  // The queue: add, look, run, clear.
  expect_refused(root, {"restore_queue_add_task", "user=carol", "restore_point=2026-11-20T00:00:00.000Z"}, "no backup");
  expect_refused(root, {"restore_queue_add_task", "user=carol", "restore_point=yesterday"}, "restore_point");
  auto qid =
      ok(root, {"restore_queue_add_task", "user=carol", "restore_point=2026-11-16T00:00:00.000Z"})["data"]["queue_id"];
  CHECK(qid.is_string());
  expect_refused(root, {"restore_queue_add_task", "user=carol", "restore_point=2026-11-16T00:00:00.000Z"},
                 "already queued");
  auto pending = ok(root, {"restore_queue_list_pending"})["data"]["restore_job"];
  REQUIRE(pending.size() == 1);
  CHECK(pending[0]["user"] == "carol");
  CHECK(pending[0]["options"]["destid"] == "local");
  CHECK(ok(root, {"restore_queue_is_active"})["data"]["is_active"] == 0);
  CHECK(root.exists("var/cpanel/backups/restore_queue.json"));

  ok(root, {"restore_queue_activate"});
  CHECK(root.exists("var/cpanel/users/carol"));
  auto state = ok(root, {"restore_queue_state"})["data"];
  CHECK(state["pending"].empty());
  CHECK(state["active"].empty());
  REQUIRE(state["completed"].size() == 1);
  CHECK(state["completed"][0]["status"] == "success");

  SECTION("a task that fails is completed as failed and leaves no account behind") {
    ok(root, {"removeacct", "user=carol"});
    create_account(root, "carolx", "carol.example");  // now owns carol's domain
    ok(root, {"restore_queue_add_task", "user=carol", "restore_point=2026-11-16T00:00:00.000Z"});
    ok(root, {"restore_queue_activate"});
    auto done = ok(root, {"restore_queue_list_completed"})["data"]["restore_job"];
    CHECK(done.back()["status"] == "failed");
    CHECK_THAT(done.back()["message"].get<std::string>(), Catch::Matchers::Contains("already belongs"));
    CHECK(!root.exists("var/cpanel/users/carol"));
    CHECK(!root.exists("home/carol"));
    ok(root, {"restore_queue_clear_all_failed_tasks"});
    CHECK(ok(root, {"restore_queue_list_completed"})["data"]["restore_job"].size() == 1);
    ok(root, {"restore_queue_clear_all_tasks"});
    CHECK(ok(root, {"restore_queue_list_completed"})["data"]["restore_job"].empty());
  }
  SECTION("clearing pending tasks") {
    ok(root, {"removeacct", "user=carol"});
    ok(root, {"restore_queue_add_task", "user=carol", "restore_point=2026-11-16T00:00:00.000Z"});
    expect_refused(root, {"restore_queue_clear_pending_task", "user=nobody"}, "No pending restore");
    ok(root, {"restore_queue_clear_pending_task", "user=carol"});
    CHECK(ok(root, {"restore_queue_list_pending"})["data"]["restore_job"].empty());
    auto start = ok(root, {"restore_queue_list_completed"})["data"]["restore_job"][0]["start_time"].get<long long>();
    expect_refused(root, {"restore_queue_clear_completed_task", "user=carol", "start_time=1"}, "No completed restore");
    ok(root, {"restore_queue_clear_completed_task", "user=carol", "start_time=" + std::to_string(start)});
    CHECK(ok(root, {"restore_queue_list_completed"})["data"]["restore_job"].empty());
    ok(root, {"restore_queue_clear_all_pending_tasks"});
    ok(root, {"restore_queue_clear_all_completed_tasks"});
  }
}

TEST_CASE("per-user backup switches", "[backup]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  create_account(root, "carol", "carol.example");
  CHECK(ok(root, {"toggle_user_backup_state", "user=bob"})["data"]["toggle_status"] == 0);
  CHECK_THAT(root.file("var/cpanel/users/bob"), Catch::Matchers::Contains("\nBACKUP=0\n"));
  CHECK(ok(root, {"toggle_user_backup_state", "user=bob"})["data"]["toggle_status"] == 1);
  CHECK(ok(root, {"toggle_user_backup_state", "user=bob", "legacy=1"})["data"]["toggle_status"] == 1);
  CHECK_THAT(root.file("var/cpanel/users/bob"), Catch::Matchers::Contains("\nLEGACY_BACKUP=1\n"));
  ok(root, {"backup_skip_users_all", "state=0", "backupversion=backup"});
  CHECK_THAT(root.file("var/cpanel/users/carol"), Catch::Matchers::Contains("\nBACKUP=0\n"));
  CHECK(ok(root, {"backup_skip_users_all_status"})["data"]["reason"]["msg"] == "Done");
  expect_refused(root, {"toggle_user_backup_state", "user=ghost"}, "ghost");
  expect_refused(root, {"backup_skip_users_all", "state=2", "backupversion=backup"}, "state");
  expect_refused(root, {"verify_new_username_for_restore", "user=bob"}, "already exists");
  ok(root, {"verify_new_username_for_restore", "user=newbie"});
  CHECK(ok(root, {"restore_modules_summary"})["data"]["modules"].size() >= 5);
}

TEST_CASE("damaged and hostile archives are refused and write nothing", "[backup][restore][security]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  const std::string archive = root.path + "/home/evil.tar.gz";
  auto refused = [&](const std::string& reason) {
    expect_refused(root, {"start_local_cpmove_restore", "cpmovepath=/home/evil.tar.gz"}, reason);
  };

  SECTION("the clean archive restores (the cases below differ only by their flaw)") {
    write_tar(archive, eve_archive());
    ok(root, {"start_local_cpmove_restore", "cpmovepath=/home/evil.tar.gz"});
    CHECK(root.file("home/eve/public_html/index.html") == "eve\n");
  }
  SECTION("truncated") {
    write_tar(archive, eve_archive({{"cpmove-eve/homedir/big.bin", 'f', std::string(200000, 'x')}}));
    fs::resize_file(archive, fs::file_size(archive) / 2);
    refused("damaged");
  }
  SECTION("damaged") {
    write_tar(archive, eve_archive({{"cpmove-eve/homedir/big.bin", 'f', std::string(200000, 'x')}}));
    std::fstream f(archive, std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(static_cast<std::streamoff>(fs::file_size(archive) / 2));
    f.write("\xff\x00\xff\x00\xff\x00\xff\x00", 8);
    f.close();
    refused("damaged");
  }
  SECTION("not an archive at all") {
    root.write("home/evil.tar.gz", "this is not a tarball\n");
    refused("damaged");
  }
  SECTION("../ path") {
    write_tar(archive, eve_archive({{"cpmove-eve/homedir/../../../../etc/cron.d/evil", 'f', "* * * * * root sh\n"}}));
    refused("“..”");
  }
  SECTION("absolute path") {
    write_tar(archive, eve_archive({{"/etc/evil", 'f', "x"}}));
    refused("absolute path");
  }
  SECTION("symlink to an absolute path outside the home") {
    write_tar(archive, eve_archive({{"cpmove-eve/homedir/etc-link", 'l', "", "/etc"}}));
    refused("pointing out of the home");
  }
  SECTION("symlink climbing out with ..") {
    write_tar(archive, eve_archive({{"cpmove-eve/homedir/public_html/up", 'l', "", "../../../root"}}));
    refused("pointing out of the home");
  }
  SECTION("a file written through a symlink of the archive") {
    write_tar(archive, eve_archive({{"cpmove-eve/homedir/link", 'l', "", "public_html"},
                                    {"cpmove-eve/homedir/link/x.php", 'f', "<?php"}}));
    refused("below the symlink");
  }
  SECTION("symlink outside homedir/") {
    write_tar(archive, eve_archive({{"cpmove-eve/dnszones/eve.example.db", 'l', "", "/etc/shadow"}}));
    refused("symlink outside the home");
  }
  SECTION("hard link") {
    write_tar(archive, eve_archive({{"cpmove-eve/homedir/shadow", 'h', "", "/etc/shadow"}}));
    refused("hard link");
  }
  SECTION("device file") {
    write_tar(archive, eve_archive({{"cpmove-eve/homedir/null", 'c'}}));
    refused("device");
  }
  SECTION("two top-level directories") {
    write_tar(archive, eve_archive({{"other/file", 'f', "x"}}));
    refused("more than one top-level");
  }
  SECTION("no cp/ file") {
    write_tar(archive, {{"cpmove-eve/", 'd'}, {"cpmove-eve/homedir/x", 'f', "x"}});
    refused("not an account archive");
  }
  SECTION("username that clashes with an account") {
    auto v = eve_archive();
    v[2] = {"cpmove-eve/cp/bob", 'f', "DNS=other.example\nUSER=bob\n"};
    write_tar(archive, v);
    refused("already exists");
  }
  SECTION("domain that belongs to another account") {
    auto v = eve_archive();
    v[2].content = "DNS=bob.example\nUSER=eve\n";
    write_tar(archive, v);
    refused("already belongs");
  }
  SECTION("a flaw found halfway (a zone the account does not own) leaves no half-made account") {
    write_tar(archive, eve_archive({{"cpmove-eve/dnszones/bank.example.db", 'f', "$TTL 300\n"}}));
    refused("not one of the account's domains");
  }
  SECTION("a vhost whose document root is outside the home") {
    write_tar(archive, eve_archive({{"cpmove-eve/userdata/eve.example", 'f',
                                     "--- \ndocumentroot: /etc\nhomedir: /home/eve\nservername: eve.example\n"}}));
    refused("outside the home");
  }
  SECTION("an FTP login rooted outside the home") {
    write_tar(archive, eve_archive({{"cpmove-eve/proftpdpasswd", 'f',
                                     "eve:x:1:1::/home/eve:/bin/ftpsh\nx@eve.example:x:1:1:eve:/etc:/bin/ftpsh\n"}}));
    refused("outside the home");
  }
  SECTION("shadow line injection") {
    auto v = eve_archive();
    v[3].content = "x:0:0:::\nroot2::0:0";
    write_tar(archive, v);
    refused("malformed");
  }
}

TEST_CASE("whmkit-backup run honours backupdays", "[backup][backupdays]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  ok(root, {"backup_config_set", "backupenable=1"});  // backupdays stays at its default, 0,2,4,6
  const std::string backup = (fs::path(WHMAPI1_PATH).parent_path() / "whmkit-backup").string();
  auto run_backup = [&](std::vector<std::string> args, std::map<std::string, std::string> env = {}) {
    args.insert(args.begin(), {backup, "--root=" + root.path, "run"});
    env["TZ"] = "UTC";
    return test::run_program(args, env);
  };
  // 2026-11-23 is a Monday (1): not listed, so nothing is archived.
  auto before = snapshot(root);
  auto skipped = run_backup({"--date", "2026-11-23"});
  CHECK(skipped.status == 0);
  CHECK_THAT(skipped.out, Catch::Matchers::Contains("No backup on 2026-11-23, a Monday"));
  CHECK_THAT(skipped.out, Catch::Matchers::Contains("(0,2,4,6, 0 = Sunday)"));
  CHECK(snapshot(root) == before);
  // "Today" from WHMKIT_NOW: 1795343400 is Sunday 2026-11-22 10:30 UTC (0), a listed day.
  auto sunday = run_backup({}, {{"WHMKIT_NOW", "1795343400"}});
  CHECK(sunday.status == 0);
  CHECK(root.exists("backup/2026-11-22/accounts/bob.tar.gz"));
  // Listing Monday makes Monday a backup day.
  ok(root, {"backup_config_set", "backupdays=1,3"});
  CHECK(run_backup({"--date", "2026-11-23"}).status == 0);
  CHECK(root.exists("backup/2026-11-23/accounts/bob.tar.gz"));
  CHECK(run_backup({"--date", "2026-11-24"}).status == 0);  // Tuesday (2) no longer listed
  CHECK_FALSE(root.exists("backup/2026-11-24"));
}

TEST_CASE("more backup refusals", "[backup]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto id =
      ok(root, {"backup_destination_add", "type=Local", "name=copy", "path=/copies"})["data"]["id"].get<std::string>();
  expect_refused(root, {"backup_destination_set", "id=" + id, "type=FTP"}, "cannot be changed");
  expect_refused(root, {"backup_destination_set", "id=nope", "name=x"}, "No backup destination");
  expect_refused(root, {"backup_destination_validate", "id=nope", "disableonfail=0"}, "No backup destination");
  auto local = run(root, {"backup_destination_validate", "id=" + id, "disableonfail=0"});
  CHECK(local.status == 0);  // /copies does not exist under the root
  CHECK_THAT(local.json()["metadata"]["reason"].get<std::string>(), Catch::Matchers::Contains("is not a directory"));
  expect_refused(root, {"start_background_pkgacct", "user=ghost"}, "ghost");
  expect_refused(root, {"start_background_pkgacct", "user=bob", "tarroot=relative"}, "tarroot");
  expect_refused(root, {"start_background_pkgacct", "user=bob", "tarroot=/a/../../etc"}, "..");
  expect_refused(root, {"backup_user_list", "restore_point=last-tuesday"}, "restore_point");
  expect_refused(root, {"restoreaccount", "user=bob", "type=daily", "mysql=1"}, "not implemented");
  auto remote =
      run(root, {"restore_queue_add_task", "user=bob", "restore_point=2026-11-20T00:00:00.000Z", "destid=abc"});
  CHECK(remote.status == 2);
  CHECK_THAT(remote.json()["metadata"]["reason"].get<std::string>(),
             Catch::Matchers::Contains("not implemented by whmkit"));
}
