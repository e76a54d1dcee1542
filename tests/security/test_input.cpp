// Input that becomes a path, a file name or a number, and the careless
// user's defects: every value is refused naming its parameter, and a refused
// call changes nothing on disk.
#include <catch2/catch.hpp>
#include <filesystem>

#include "harness.hpp"

using namespace test;

namespace {

const std::vector<std::string> kNewAccount = {"createacct", "username=carl", "domain=carl.example",
                                              "password=Secret-pass1"};

std::vector<std::string> with(std::vector<std::string> call, const std::vector<std::string>& extra) {
  call.insert(call.end(), extra.begin(), extra.end());
  return call;
}

// A reseller "res" that may create accounts.
void add_reseller(const TempRoot& root) {
  create_account(root, "res", "res.example");
  run_ok(root, {"setupreseller", "user=res", "makeowner=1"});
  run_ok(root, {"setacls", "reseller=res", "acl-create-acct=1"});
}

}  // namespace

TEST_CASE("values that become file names are refused naming the parameter", "[security][input][paths]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  run_ok(root, {"addpkg", "name=gold"});
  run_ok(root, {"create_featurelist", "featurelist=pro"});

  // createacct: theme, feature list, locale, plan.
  for (const char* v : {"../../etc", "jupiter/../../x", "a%2Fb", ".hidden", "nosuchtheme"})
    expect_refused(root, with(kNewAccount, {std::string("cpmod=") + v}), "“cpmod”");
  for (const char* v : {"../x", "pro/../../etc", ".x", "x.cpaddons", "nosuch"})
    expect_refused(root, with(kNewAccount, {std::string("featurelist=") + v}), "“featurelist”");
  for (const char* v : {"../x", "en/../../x", "e", "en_", "en us", "en.utf8", "x_y_z_w_v"})
    expect_refused(root, with(kNewAccount, {std::string("language=") + v}), "“language”");
  for (const char* v : {"../../etc/passwd", ".hidden", "a,b", "extensions"})
    expect_refused(root, with(kNewAccount, {std::string("plan=") + v}), "“plan”");

  // Hosting plans: their own name, and the names they hand to accounts.
  for (const char* v : {"../etc", ".gold", "a/b"}) expect_refused(root, {"addpkg", std::string("name=") + v}, "“name”");
  expect_refused(root, {"addpkg", "name=silver", "cpmod=../../../tmp"}, "“cpmod”");
  expect_refused(root, {"addpkg", "name=silver", "featurelist=../default"}, "“featurelist”");
  expect_refused(root, {"addpkg", "name=silver", "language=../../x"}, "“language”");
  expect_refused(root, {"editpkg", "name=gold", "cpmod=nosuchtheme"}, "not installed");
  expect_refused(root, {"killpkg", "pkgname=../users/bob"}, "“pkgname”");
  expect_refused(root, {"getpkginfo", "pkg=../users/bob"}, "“pkg”");
  expect_refused(root, {"changepackage", "user=bob", "pkg=../users/bob"}, "“pkg”");
  // A plan file written by hand that names a path is not applied.
  root.write("var/cpanel/packages/handmade", "CPMOD=../../../tmp\nFEATURELIST=default\n");
  expect_refused(root, {"changepackage", "user=bob", "pkg=handmade"}, "cannot be applied");

  // Feature lists.
  for (const char* v : {"../users/bob", ".x", "x.cpaddons"})
    expect_refused(root, {"create_featurelist", std::string("featurelist=") + v}, "“featurelist”");
  expect_refused(root, {"get_featurelist_data", "featurelist=../users/bob"}, "“featurelist”");

  // modifyacct's theme and locales.
  expect_refused(root, {"modifyacct", "user=bob", "RS=../../tmp"}, "“RS”");
  expect_refused(root, {"modifyacct", "user=bob", "LOCALE=../x"}, "“LOCALE”");
  expect_refused(root, {"modifyacct", "user=bob", "LANG=a/b"}, "“LANG”");

  // Backup destinations: the files they name on this server.
  expect_refused(root, {"backup_destination_add", "type=Custom", "name=c", "host=h", "script=/home/bob/upload.pl"},
                 "inside the home directory of the account “bob”");
  expect_refused(root, {"backup_destination_add", "type=Custom", "name=c", "host=h", "script=/usr/../home/bob/x"},
                 "“script”");
  expect_refused(root, {"backup_destination_add", "type=Custom", "name=c", "host=h", "script=upload.pl"}, "“script”");
  expect_refused(root,
                 {"backup_destination_add", "type=SFTP", "name=s", "host=h", "username=u", "authtype=key",
                  "privatekey=/home/bob/.ssh/id_rsa"},
                 "“privatekey”");
  expect_refused(root,
                 {"backup_destination_add", "type=SFTP", "name=s", "host=h", "username=u", "authtype=key",
                  "privatekey=/root//.ssh/./id_rsa"},
                 "“privatekey”");

  // What is allowed still works: an installed theme, a locale, a list with a space.
  root.write("usr/local/cpanel/base/frontend/paper_lantern/index.html", "");
  run_ok(root, {"create_featurelist", "featurelist=Mail Only"});
  run_ok(root, {"addpkg", "name=silver", "cpmod=paper_lantern", "featurelist=Mail Only", "language=es_419"});
  create_account(root, "carl", "carl.example", {"plan=silver"});
  CHECK_THAT(root.file("var/cpanel/users/carl"), Catch::Matchers::Contains("\nRS=paper_lantern\n"));
  run_ok(root, {"backup_destination_add", "type=Custom", "name=c", "host=h", "script=/usr/local/bin/upload.pl"});
  expect_check_clean(root);
}

TEST_CASE("createacct homedir= stays in the home roots, outside other homes, and is root's choice",
          "[security][input][homedir]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  add_reseller(root);
  for (const char* home : {"/etc/cron.d", "/etc", "/", "/var/cpanel/users", "/home/bob/public_html/carl",
                           "/home/bob/.ssh", "/home", "/home/../etc", "/home//carl", "/home/./carl", "relative/carl"})
    expect_refused(root, with(kNewAccount, {std::string("homedir=") + home}), "“homedir”");
  expect_refused(root, with(kNewAccount, {"homedir=/home/bob"}), "overlaps the home directory of the user “bob”");
  expect_refused(root, with(kNewAccount, {"homedir=/home/res"}), "overlaps");
  root.write("home/leftover/file", "x");
  expect_refused(root, with(kNewAccount, {"homedir=/home/leftover"}), "already exists");
  // A top-level directory counts only when HOMEMATCH names it.
  root.write("srv/.keep", "");
  expect_refused(root, with(kNewAccount, {"homedir=/srv/carl"}), "not directly inside a home directory root");

  // A reseller cannot choose the home or the ids at all: its accounts get the defaults.
  for (const char* arg : {"homedir=/home/carl", "homedir=/home/bob/public_html/x", "uid=6000", "gid=6000"})
    expect_refused(root, with({"--user=res", "createacct", "username=carl", "domain=carl.example"}, {arg}),
                   "Only root may set");
  auto made = run(root, {"--user=res", "createacct", "username=carl", "domain=carl.example", "password=Secret-pass1"});
  CHECK(made.json()["metadata"]["result"] == 1);
  CHECK_THAT(root.file("etc/passwd"), Catch::Matchers::Contains(":/home/carl:"));
  expect_check_clean(root);
}

TEST_CASE("numbers out of range are refused, not wrapped", "[security][input][numbers]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  run_ok(root, {"setupreseller", "user=bob"});
  run_ok(root, {"addpkg", "name=gold"});
  const std::string huge = "99999999999999999";  // 17 digits: fits a long long, wraps anything smaller
  for (const char* id : {"uid=4294967296", "uid=4294967295", "uid=-1", "uid=0", "gid=4294967296", "gid=-5"})
    expect_refused(root, with(kNewAccount, {id}), std::string(id).substr(0, 3));
  for (const char* limit : {"bwlimit", "maxpop", "maxftp", "maxsql", "max_emailacct_quota", "max_email_per_hour"}) {
    expect_refused(root, with(kNewAccount, {std::string(limit) + "=" + huge}), std::string("“") + limit + "”");
    expect_refused(root, with(kNewAccount, {std::string(limit) + "=-1"}), std::string("“") + limit + "”");
  }
  expect_refused(root, with(kNewAccount, {"max_defer_fail_percentage=101"}), "“max_defer_fail_percentage”");
  expect_refused(root, {"editquota", "user=bob", "quota=" + huge}, "“quota”");
  expect_refused(root, {"editquota", "user=bob", "quota=-1"}, "“quota”");
  expect_refused(root, {"limitbw", "user=bob", "bwlimit=" + huge}, "“bwlimit”");
  expect_refused(root, {"modifyacct", "user=bob", "QUOTA=" + huge}, "“QUOTA”");
  expect_refused(root, {"modifyacct", "user=bob", "BWLIMIT=" + huge}, "“BWLIMIT”");
  expect_refused(root, {"modifyacct", "user=bob", "DISK_BLOCK_LIMIT=" + huge}, "“DISK_BLOCK_LIMIT”");
  expect_refused(root, {"modifyacct", "user=bob", "MAXPOP=1000000"}, "“MAXPOP”");
  expect_refused(root, {"addpkg", "name=silver", "quota=" + huge}, "“quota”");
  expect_refused(root, {"editpkg", "name=gold", "bwlimit=" + huge}, "“bwlimit”");
  expect_refused(root, {"editpkg", "name=gold", "maxaddon=-3"}, "“maxaddon”");
  expect_refused(root, {"setresellerlimits", "user=bob", "enable_account_limit=1", "account_limit=" + huge},
                 "“account_limit”");
  expect_refused(root, {"setresellerlimits", "user=bob", "diskspace_limit=" + huge}, "“diskspace_limit”");
  expect_refused(root, {"setresellerlimits", "user=bob", "bandwidth_limit=-1"}, "“bandwidth_limit”");
  expect_refused(root, {"setresellerpackagelimit", "user=bob", "package=gold", "number=" + huge}, "“number”");
  expect_refused(root, {"backup_config_set", "backup_daily_retention=" + huge}, "backup_daily_retention");
  expect_refused(root, {"backup_config_set", "min_free_space=" + huge}, "min_free_space");
  // A hand-written plan with a size that would overflow is not applied either.
  root.write("var/cpanel/packages/huge", "QUOTA=" + huge + "\n");
  expect_refused(root, {"changepackage", "user=bob", "pkg=huge"}, "out of range");
  expect_check_clean(root);
}

TEST_CASE("Cron add_line without a schedule installs nothing", "[security][input][cron]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  for (const std::string prog : {"uapi", "cpapi2"}) {
    expect_cpanel_refused(root, prog, "bob", {"Cron", "add_line", "command=/home/bob/every-minute.sh"}, "“minute”");
    expect_cpanel_refused(root, prog, "bob", {"Cron", "add_line", "minute=0", "command=x"}, "“hour”");
    expect_cpanel_refused(root, prog, "bob", {"Cron", "add_line", "minute=0", "hour=0", "day=*", "command=x"},
                          "“month”");
    expect_cpanel_refused(
        root, prog, "bob",
        {"Cron", "add_line", "minute=@reboot", "hour=*", "day=*", "month=*", "weekday=*", "command=x"}, "“minute”");
  }
  CHECK_FALSE(root.exists("var/spool/cron/crontabs/bob"));
}

TEST_CASE("whmkit-backup run does nothing on a day backupdays does not list", "[security][input][backupdays]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  run_ok(root, {"backup_config_set", "backupenable=1", "backupdays=0"});  // Sundays only
  const std::string backup = (std::filesystem::path(WHMAPI1_PATH).parent_path() / "whmkit-backup").string();
  auto before = snapshot(root);
  for (const char* date : {"2026-11-23", "2026-11-24", "2026-11-25", "2026-11-26", "2026-11-27", "2026-11-28"}) {
    auto r = run_program({backup, "--root=" + root.path, "run", "--date", date});
    CHECK(r.status == 0);
    CHECK_THAT(r.out, Catch::Matchers::Contains(std::string("No backup on ") + date));
  }
  CHECK(snapshot(root) == before);
  CHECK(run_program({backup, "--root=" + root.path, "run", "--date", "2026-11-29"}).status == 0);  // a Sunday
  CHECK(root.exists("backup/2026-11-29/accounts/bob.tar.gz"));
}

TEST_CASE("weak passwords are refused where an account or a login gets one", "[security][input][passwords]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  run_ok(root, {"addpkg", "name=gold"});
  const std::vector<std::string> weak = {"abc", "a", "password", "aaaaaaaaaaaa", "abcdefgh", "12345678", "qwerty12"};
  for (const auto& pw : weak) {
    expect_refused(root, {"passwd", "user=bob", "password=" + pw}, "The given password is too weak");
    expect_refused(root, {"createacct", "username=carl", "domain=carl.example", "password=" + pw},
                   "strength rating of 65 or higher");
    expect_cpanel_refused(root, "uapi", "bob", {"Ftp", "add_ftp", "user=deploy", "pass=" + pw}, "too weak");
  }
  expect_refused(root, {"createacct", "username=carl", "domain=carl.example", "pass=abc"}, "“pass”");
  uapi_ok(root, "bob", {"Ftp", "add_ftp", "user=deploy", "pass=S3cure.pass"});
  expect_cpanel_refused(root, "uapi", "bob", {"Ftp", "passwd", "user=deploy", "pass=deploy"}, "too weak");
  expect_cpanel_refused(root, "cpapi2", "bob", {"Ftp", "passwd", "user=deploy", "pass=1234"}, "too weak");

  // The bad-password lists cPanel reads count as weak (strength 1).
  root.write("etc/bad_passwords_list", "Tr0ub4dor&3\ncorrect-Horse-battery9\n");
  expect_refused(root, {"passwd", "user=bob", "password=CORRECT-horse-battery9"}, "Its rating is 1");

  // The minimum comes from cpanel.config: per application, then minpwstrength.
  root.write("var/cpanel/cpanel.config", "minpwstrength=100\nminpwstrength_virtual=10\n");
  expect_refused(root, {"passwd", "user=bob", "password=S3cure.pass"}, "strength rating of 100.");
  uapi_ok(root, "bob", {"Ftp", "passwd", "user=deploy", "pass=dogs-1"});
  root.write("var/cpanel/cpanel.config", "minpwstrength=0\n");
  run_ok(root, {"passwd", "user=bob", "password=abc"});
}
