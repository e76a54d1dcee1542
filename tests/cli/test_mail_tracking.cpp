// WHM's outgoing mail control of an account (suspend_outgoing_email,
// unsuspend_outgoing_email, hold_outgoing_email, release_outgoing_email),
// the mail queue (fetch_mail_queue), the importer of Exim's main log
// (whmkit-eximstats) and what the tracking functions read from its database
// (emailtrack_stats, emailtrack_user_stats, the unique recipient counts,
// UAPI Email stats_db_status). The real Exim: tests/shell/test_exim_tracking.sh.
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "harness.hpp"

using Catch::Matchers::Contains;
using test::create_account;
using test::expect_refused;
using test::run_cpanel;
using test::run_ok;
using test::run_program;
using test::snapshot;
using test::TempRoot;
using test::uapi_ok;

namespace {

constexpr const char* kPassword = "Sx9!kd7Qz-2p";
constexpr const char* kNow = "1796083200";  // 2026-12-01 00:00:00 UTC
constexpr long long kTen = 1796032800;      // 2026-11-30 10:00:00 UTC
constexpr const char* kDb = "var/cpanel/eximstats_db.sqlite3";

// whmapi1 --output=json with `env`; its envelope.
nlohmann::json whm(const TempRoot& root, const std::vector<std::string>& args,
                   const std::map<std::string, std::string>& env = {}) {
  std::vector<std::string> argv = {WHMAPI1_PATH, "--root=" + root.path, "--output=json"};
  argv.insert(argv.end(), args.begin(), args.end());
  auto r = run_program(argv, env);
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  return r.json();
}

// The same call, which must succeed; its data.
nlohmann::json whm_data(const TempRoot& root, const std::vector<std::string>& args,
                        const std::map<std::string, std::string>& env = {{"WHMKIT_NOW", kNow}}) {
  auto j = whm(root, args, env);
  INFO(j.dump());
  REQUIRE(j["metadata"]["result"] == 1);
  return j["data"];
}

test::RunResult run_import(const TempRoot& root, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv = {WHMKIT_EXIMSTATS_PATH, "--root=" + root.path};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return run_program(argv, {{"TZ", "UTC"}});
}

// A message in Exim's queue as its -H file has it (Exim 4.96's layout).
void queue_message(const TempRoot& root, const std::string& id, const std::string& auth_id, bool frozen) {
  std::string h = id + "-H\nDebian-exim 101 101\n<" + auth_id + ">\n1764650000 0\n";
  if (!auth_id.empty()) h += "--auth_id " + auth_id + "\n";
  if (frozen) h += "-frozen 1764650000\n";
  h += "XX\n1\nsomeone@example.net\n\n042P Received: from client\n";
  root.write("var/spool/exim/input/" + id + "-H", h);
}

// A stand-in for the Exim program: notes its arguments; -bpra prints `listing`.
std::string fake_exim(const TempRoot& root, const std::string& listing = "") {
  root.write("exim-listing", listing);
  root.write("fake-exim", "#!/bin/sh\necho \"$*\" >> \"" + root.path + "/exim-calls\"\n" +
                              "[ \"$1\" = -bpra ] && cat \"" + root.path + "/exim-listing\"\nexit 0\n");
  const std::string path = root.path + "/fake-exim";
  ::chmod(path.c_str(), 0755);
  return path;
}

// bob (bob.example, mailboxes info@ and sales@) and dave (dave.example).
void with_accounts(const TempRoot& root) {
  create_account(root, "bob", "bob.example");
  create_account(root, "dave", "dave.example");
  for (const char* local : {"info", "sales"})
    uapi_ok(root, "bob", {"Email", "add_pop", std::string("email=") + local, "password=" + std::string(kPassword)});
}

// Exim 4.96's main log (log_selector +all): five messages, a refused
// recipient, and a last line Exim is still writing.
const char* const kLog =
    "2026-11-30 10:00:00.100 [1001] 1vAAAA-000001-AA <= info@bob.example H=(client.test) [127.0.0.1]:40001 "
    "I=[127.0.0.1]:25 P=esmtpa A=plain:info@bob.example S=1000 id=a@client.test T=\"Hello there\" from "
    "<info@bob.example> for carol@bob.example ext@remote.example\n"
    "2026-11-30 10:00:01.000 [1002] 1vAAAA-000001-AA => carol <carol@bob.example> R=mailbox T=mailbox_delivery "
    "S=1100 QT=1s DT=0s\n"
    "2026-11-30 10:00:01.500 [1002] 1vAAAA-000001-AA => ext@remote.example R=remote_smarthost T=remote_smtp "
    "H=127.0.0.1 [127.0.0.1]:2525 C=\"250 OK queued\" QT=1s DT=0s\n"
    "2026-11-30 10:00:01.600 [1002] 1vAAAA-000001-AA Completed QT=1s\n"
    "2026-11-30 11:00:00.000 [1003] 1vAAAB-000002-BB <= sales@bob.example H=(client.test) [127.0.0.1]:40002 "
    "P=esmtpa A=plain:sales@bob.example S=2000 T=\"Offer\" for ext@remote.example other@remote.example\n"
    "2026-11-30 11:00:01.000 [1004] 1vAAAB-000002-BB => ext@remote.example R=remote_smarthost T=remote_smtp "
    "H=127.0.0.1 [127.0.0.1]:2525 C=\"250 OK\"\n"
    "2026-11-30 11:00:01.000 [1004] 1vAAAB-000002-BB == other@remote.example R=remote_smarthost T=remote_smtp "
    "defer (111): Connection refused\n"
    "2026-11-30 12:00:00.000 [1005] 1vAAAC-000003-CC <= someone@outside.example H=(mx.outside.example) "
    "[192.0.2.7]:40003 P=esmtp S=500 for nobody@bob.example\n"
    "2026-11-30 12:00:00.000 [1005] 1vAAAC-000003-CC ** nobody@bob.example: Unrouteable address\n"
    "2026-11-30 12:30:00.000 [1006] H=(client.test) [127.0.0.1]:40004 I=[127.0.0.1]:25 P=esmtpa "
    "A=plain:info@bob.example F=<info@bob.example> rejected RCPT <carol@bob.example>: Outgoing mail from "
    "info@bob.example is suspended\n"
    "2026-11-30 13:00:00.000 [1007] 1vAAAD-000004-DD <= bob@bob.example U=bob P=local S=300 for info@bob.example\n"
    "2026-11-30 13:00:01.000 [1008] 1vAAAD-000004-DD => info <info@bob.example> R=mailbox T=mailbox_delivery\n"
    "2026-11-30 13:05:00.000 [1009] 1vAAAE-000005-EE <= dave@dave.example U=dave P=local S=70 for x@remote.example";

}  // namespace

TEST_CASE("WHM suspend_outgoing_email and unsuspend_outgoing_email: the cpuser key and Exim's list",
          "[mail_tracking]") {
  TempRoot root;
  with_accounts(root);
  root.write("etc/outgoing_mail_suspended_users", "info@bob.example\nalice\n");  // lines of others stay

  CHECK(whm_data(root, {"suspend_outgoing_email", "user=bob"}).is_null());
  CHECK_THAT(root.file("var/cpanel/users/bob"), Contains("OUTGOING_MAIL_SUSPENDED=1796083200\n"));
  CHECK(root.file("etc/outgoing_mail_suspended_users") == "info@bob.example\nalice\nbob\n");
  // Again: the line is not doubled.
  whm_data(root, {"suspend_outgoing_email", "user=bob"});
  CHECK(root.file("etc/outgoing_mail_suspended_users") == "info@bob.example\nalice\nbob\n");

  CHECK(whm_data(root, {"unsuspend_outgoing_email", "user=bob"}).is_null());
  CHECK_THAT(root.file("var/cpanel/users/bob"), !Contains("OUTGOING_MAIL_SUSPENDED"));
  CHECK(root.file("etc/outgoing_mail_suspended_users") == "info@bob.example\nalice\n");

  // Bad input changes nothing.
  expect_refused(root, {"suspend_outgoing_email", "user=root"}, "The username “root” is reserved by the system.");
  expect_refused(root, {"suspend_outgoing_email", "user=nosuch"}, "“nosuch” does not exist");
  expect_refused(root, {"hold_outgoing_email", "user=../bob"}, "“user”");
  expect_refused(root, {"hold_outgoing_email"}, "“user”");
  test::expect_check_clean(root);
  // A damaged list is not rewritten.
  root.write("etc/outgoing_mail_suspended_users", std::string("bob\0x\n", 6));
  expect_refused(root, {"unsuspend_outgoing_email", "user=bob"}, "outgoing_mail_suspended_users");
}

TEST_CASE("WHM hold_outgoing_email and release_outgoing_email: the account's held mail goes out through Exim",
          "[mail_tracking]") {
  TempRoot root;
  with_accounts(root);
  CHECK(whm_data(root, {"hold_outgoing_email", "user=bob"}).is_null());
  CHECK_THAT(root.file("var/cpanel/users/bob"), Contains("OUTGOING_MAIL_HOLD=1796083200\n"));
  CHECK(root.file("etc/outgoing_mail_hold_users") == "bob\n");
  // listaccts says whether it is held, not when.
  CHECK(run_ok(root, {"listaccts", "search=bob", "searchtype=user"})["data"]["acct"][0]["outgoing_mail_hold"] == 1);

  uapi_ok(root, "bob", {"Email", "hold_outgoing", "email=sales@bob.example"});  // held on its own too
  queue_message(root, "1tAbCd-000001-Aa", "info@bob.example", true);
  queue_message(root, "1tAbCd-000002-Bb", "sales@bob.example", true);
  queue_message(root, "1tAbCd-000003-Cc", "x@dave.example", true);
  queue_message(root, "1tAbCd-000004-Dd", "info@bob.example", false);

  const std::string exim = fake_exim(root);
  auto released = whm(root, {"release_outgoing_email", "user=bob"}, {{"WHMKIT_EXIM", exim}});
  CHECK(released["metadata"]["result"] == 1);
  // info's frozen message; sales stays held on its own, dave's is not bob's.
  CHECK(root.file("exim-calls") == "-M 1tAbCd-000001-Aa\n");
  CHECK_THAT(root.file("var/cpanel/users/bob"), !Contains("OUTGOING_MAIL_HOLD"));
  CHECK(root.file("etc/outgoing_mail_hold_users") == "sales@bob.example\n");

  // Removing the account takes its line out.
  whm_data(root, {"hold_outgoing_email", "user=dave"});
  CHECK(root.file("etc/outgoing_mail_hold_users") == "sales@bob.example\ndave\n");
  run_ok(root, {"removeacct", "user=dave"});
  CHECK(root.file("etc/outgoing_mail_hold_users") == "sales@bob.example\n");

  // Without an Exim program nothing is staged.
  whm_data(root, {"hold_outgoing_email", "user=bob"});
  const auto before = snapshot(root);
  auto failed = whm(root, {"release_outgoing_email", "user=bob"}, {{"WHMKIT_EXIM", root.path + "/none"}});
  CHECK(failed["metadata"]["result"] == 0);
  CHECK_THAT(failed["metadata"]["reason"].get<std::string>(), Contains("Exim is not installed"));
  CHECK(snapshot(root) == before);
}

TEST_CASE("fetch_mail_queue: Exim's listing of the queue as records", "[mail_tracking]") {
  TempRoot root;
  const std::string exim = fake_exim(root,
                                     " 25m   394 1vAbCd-000123-Ab <info@bob.example> *** frozen ***\n"
                                     "        D carol@bob.example\n"
                                     "          ext@remote.example\n"
                                     "\n"
                                     "  2h  2.9K 1vAbCe-000124-Cd <> (bob)\n"
                                     "          info@bob.example\n"
                                     "\n");
  auto data = whm_data(root, {"fetch_mail_queue"}, {{"WHMKIT_EXIM", exim}});
  CHECK(root.file("exim-calls") == "-bpra\n");
  REQUIRE(data["records"].size() == 2);
  const auto& first = data["records"][0];
  CHECK(first["msgid"] == "1vAbCd-000123-Ab");
  CHECK(first["sender"] == "info@bob.example");
  CHECK(first["size"] == 394);
  CHECK(first["frozen"] == 1);
  CHECK(first["user"].is_null());
  CHECK(first["recipients"] == nlohmann::json({"carol@bob.example", "ext@remote.example"}));
  // 1vAbCd in base 62: Exim's time of receipt.
  CHECK(first["time"] == ((((1LL * 62 + 57) * 62 + 10) * 62 + 37) * 62 + 12) * 62 + 39);
  const auto& second = data["records"][1];
  CHECK(second["sender"] == "");
  CHECK(second["size"] == 2970);
  CHECK(second["frozen"] == 0);
  CHECK(second["user"] == "bob");
  // No Exim: refused, as cPanel words it.
  auto none = whm(root, {"fetch_mail_queue"}, {{"WHMKIT_EXIM", root.path + "/none"}});
  CHECK(none["metadata"]["result"] == 0);
  CHECK(none["metadata"]["reason"] == "Failed to launch exim to interrogate message queue");
}

TEST_CASE("whmkit-eximstats imports Exim's main log once; emailtrack_stats and emailtrack_user_stats count it",
          "[mail_tracking]") {
  TempRoot root;
  with_accounts(root);
  // Before any import there is no database.
  auto status = run_cpanel(root, "uapi", "bob", {"Email", "stats_db_status"}).json();
  CHECK(status["result"]["status"] == 0);
  CHECK_THAT(test::cpanel_error(status), Contains("does not exist"));
  CHECK(whm_data(root, {"emailtrack_user_stats"})["records"] == nlohmann::json::array());

  root.write("var/log/exim_mainlog", kLog);
  auto first = run_import(root);
  INFO(first.out << first.err);
  REQUIRE(first.status == 0);
  CHECK_THAT(first.out, Contains("lines 12\nsends 5\ndeliveries 4\ndefers 1\nfailures 2\n"));
  struct stat st {};
  REQUIRE(::stat((root.path + "/" + kDb).c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  CHECK_FALSE(root.exists("var/cpanel/eximstats_db_import_in_progress"));
  CHECK(uapi_ok(root, "bob", {"Email", "stats_db_status"})["result"]["data"] == "active");

  auto users = whm_data(root, {"emailtrack_user_stats"})["records"];
  REQUIRE(users.size() == 2);
  CHECK(users[0] == nlohmann::json({{"USER", "bob"},
                                    {"DOMAIN", "bob.example"},
                                    {"PRIMARY_DOMAIN", "bob.example"},
                                    {"OWNER", "root"},
                                    {"SENDCOUNT", 3},
                                    {"SUCCESSCOUNT", 4},
                                    {"TOTALSIZE", 4300},
                                    {"FAILCOUNT", 0},
                                    {"DEFERCOUNT", 1},
                                    {"DEFERFAILCOUNT", 1},
                                    {"REACHED_MAXDEFERFAIL", 0},
                                    {"REACHED_MAXEMAILS", 0}}));
  CHECK(users[1]["USER"] == "-remote-");
  CHECK(users[1]["SENDCOUNT"] == 2);
  CHECK(users[1]["FAILCOUNT"] == 2);  // the unrouteable address and the refused recipient

  auto stats = whm(root, {"emailtrack_stats"}, {{"WHMKIT_NOW", kNow}});
  CHECK(stats["metadata"]["overflowed"] == 0);
  CHECK(stats["data"]["records"][0] == nlohmann::json({{"SENDCOUNT", 5},
                                                       {"SUCCESSCOUNT", 4},
                                                       {"TOTALSIZE", 4300},
                                                       {"FAILCOUNT", 2},
                                                       {"DEFERCOUNT", 1},
                                                       {"DEFERFAILCOUNT", 3},
                                                       {"INPROGRESSCOUNT", 0}}));
  // The filters.
  auto one = [&](std::vector<std::string> args) { return whm_data(root, args)["records"][0]; };
  auto remote = one({"emailtrack_stats", "deliverytype=remote"});
  CHECK(remote["SUCCESSCOUNT"] == 2);
  CHECK(remote["TOTALSIZE"] == 3000);
  CHECK_FALSE(remote.contains("FAILCOUNT"));
  auto local = one({"emailtrack_stats", "deliverytype=local"});
  CHECK(local["SUCCESSCOUNT"] == 2);
  CHECK(local["TOTALSIZE"] == 1300);
  CHECK(one({"emailtrack_stats", "deliverytype=remote-or-faildefer"})["DEFERFAILCOUNT"] == 3);
  CHECK(one({"emailtrack_stats", "user=bob"})["SENDCOUNT"] == 3);
  CHECK(one({"emailtrack_stats", "starttime=" + std::to_string(kTen + 3600)})["SENDCOUNT"] == 4);
  CHECK(one({"emailtrack_stats", "startdate=" + std::to_string(kTen + 3600)})["SENDCOUNT"] == 4);
  CHECK(one({"emailtrack_stats", "endtime=" + std::to_string(kTen + 60)})["SENDCOUNT"] == 1);
  auto bare = one({"emailtrack_stats", "nosize=1", "nosuccess=1"});
  CHECK_FALSE(bare.contains("TOTALSIZE"));
  CHECK_FALSE(bare.contains("SUCCESSCOUNT"));
  auto from_sales = whm_data(root, {"emailtrack_user_stats", "sender=sales@bob.example"})["records"];
  REQUIRE(from_sales.size() == 1);
  CHECK(from_sales[0]["SENDCOUNT"] == 1);
  CHECK(from_sales[0]["DEFERCOUNT"] == 1);
  // cPanel's send limit markers.
  root.write("var/cpanel/email_send_limits/max_emails_bob.example", "150/150");
  CHECK(whm_data(root, {"emailtrack_user_stats"})["records"][0]["REACHED_MAXEMAILS"] == "150/150");

  // Again: nothing new. From the start: nothing doubled.
  CHECK_THAT(run_import(root).out, Contains("lines 0\nsends 0\n"));
  CHECK_THAT(run_import(root, {"--reimport"}).out, Contains("lines 12\nsends 0\ndeliveries 0\ndefers 0\nfailures 0\n"));
  CHECK(whm(root, {"emailtrack_stats"}, {{"WHMKIT_NOW", kNow}})["data"] == stats["data"]);

  // The last line is finished and more follows: only that is read.
  root.write("var/log/exim_mainlog",
             std::string(kLog) +
                 "\n2026-11-30 13:05:01.000 [1010] 1vAAAE-000005-EE ** x@remote.example "
                 "R=remote_smarthost T=remote_smtp: SMTP error from remote mail server after RCPT "
                 "TO:<x@remote.example>: 550 No such user\n");
  CHECK_THAT(run_import(root).out, Contains("lines 2\nsends 1\ndeliveries 0\ndefers 0\nfailures 1\n"));
  auto dave = whm_data(root, {"emailtrack_user_stats"})["records"][2];
  CHECK(dave["USER"] == "dave");
  CHECK(dave["FAILCOUNT"] == 1);

  // A send a minute ago with nothing after it yet is in progress.
  const long long now = std::stoll(kNow);
  root.write("var/log/exim_mainlog",
             "2026-11-30 23:59:00 1vAAAF-000006-FF <= info@bob.example H=(c) [127.0.0.1]:1 "
             "P=esmtpa A=plain:info@bob.example S=10 for x@remote.example\n");
  REQUIRE(run_import(root).status == 0);  // another file (inode) than the last: from its start
  CHECK(one({"emailtrack_stats"})["INPROGRESSCOUNT"] == 1);
  CHECK(one({"emailtrack_stats", "starttime=" + std::to_string(now - 30)})["INPROGRESSCOUNT"] == 0);
}

TEST_CASE("the unique recipient counts: remote deliveries per user and per sender", "[mail_tracking]") {
  TempRoot root;
  with_accounts(root);
  root.write("var/log/exim_mainlog", std::string(kLog) + "\n");
  REQUIRE(run_import(root).status == 0);
  const std::string end = "end_time=" + std::string(kNow);
  CHECK(whm_data(root, {"get_unique_sender_recipient_count_per_user", "start_time=0", end})["payload"] ==
        nlohmann::json::parse(R"([{"user": "bob", "unique_sender_recipient_count": 2}])"));
  CHECK(
      whm_data(root, {"get_unique_recipient_count_per_sender_for_user", "user=bob", "start_time=0", end})["payload"] ==
      nlohmann::json::parse(R"([{"sender": "info@bob.example", "unique_recipient_count": 1},
                                  {"sender": "sales@bob.example", "unique_recipient_count": 1}])"));
  // The window is (start, end]: only sales's message after 10:30.
  CHECK(whm_data(root, {"get_unique_recipient_count_per_sender_for_user", "user=bob",
                        "start_time=" + std::to_string(kTen + 1800), end})["payload"]
            .size() == 1);

  // Bad input.
  auto refused = [&](std::vector<std::string> args, const std::string& reason) {
    auto j = whm(root, args, {{"WHMKIT_NOW", kNow}});
    CHECK(j["metadata"]["result"] == 0);
    CHECK_THAT(j["metadata"]["reason"].get<std::string>(), Contains(reason));
  };
  refused({"get_unique_sender_recipient_count_per_user", "start_time=5", "end_time=5"},
          "The “start_time” parameter must be less than the “end_time” parameter.");
  refused({"get_unique_sender_recipient_count_per_user", "start_time=0", "end_time=1796083201"},
          "cannot be greater than the current time (“1796083200”)");
  refused({"get_unique_sender_recipient_count_per_user", "start_time=x", end}, "“start_time”");
  refused({"get_unique_recipient_count_per_sender_for_user", "user=nosuch", "start_time=0", end}, "does not exist");
  refused({"get_unique_recipient_count_per_sender_for_user", "start_time=0", end}, "“user”");
}

TEST_CASE("stats_db_status and a damaged database", "[mail_tracking]") {
  TempRoot root;
  with_accounts(root);
  root.write("var/log/exim_mainlog", std::string(kLog) + "\n");
  REQUIRE(run_import(root).status == 0);

  // An import holds the marker: "importing", and a second import is refused.
  const std::string marker = root.path + "/var/cpanel/eximstats_db_import_in_progress";
  int fd = ::open(marker.c_str(), O_RDWR | O_CREAT, 0644);
  REQUIRE(::flock(fd, LOCK_EX) == 0);
  CHECK(uapi_ok(root, "bob", {"Email", "stats_db_status"})["result"]["data"] == "importing");
  auto second = run_import(root);
  CHECK(second.status == 1);
  CHECK_THAT(second.err, Contains("already running"));
  ::close(fd);
  // A marker a killed import left behind, unlocked, is no import.
  CHECK(uapi_ok(root, "bob", {"Email", "stats_db_status"})["result"]["data"] == "active");
  ::unlink(marker.c_str());

  // Not a database: the calls and the importer refuse it and leave it as it is.
  root.write(kDb, "not a database, just text that is long enough to have a header of a hundred bytes ........");
  const auto before = snapshot(root);
  auto damaged = whm(root, {"emailtrack_stats"});
  CHECK(damaged["metadata"]["result"] == 0);
  CHECK_THAT(damaged["metadata"]["reason"].get<std::string>(), Contains("cannot be used"));
  CHECK(run_import(root).status == 1);
  CHECK(snapshot(root) == before);

  // No database while cPanel updates: "upcp".
  ::unlink((root.path + "/" + kDb).c_str());
  root.write("usr/local/cpanel/upgrade_in_progress.txt", "");
  CHECK(uapi_ok(root, "bob", {"Email", "stats_db_status"})["result"]["data"] == "upcp");
}

TEST_CASE("a reseller's emailtrack statistics cover its own accounts", "[mail_tracking]") {
  TempRoot root;
  with_accounts(root);
  create_account(root, "alice", "alice.example");
  run_ok(root, {"setupreseller", "user=alice"});
  run_ok(root, {"setacls", "reseller=alice", "acl-track-email=1"});
  run_ok(root, {"modifyacct", "user=bob", "owner=alice"});
  root.write("var/log/exim_mainlog", std::string(kLog) + "\n");
  REQUIRE(run_import(root).status == 0);

  auto users = whm_data(root, {"--user=alice", "emailtrack_user_stats"})["records"];
  REQUIRE(users.size() == 1);
  CHECK(users[0]["USER"] == "bob");
  CHECK(users[0]["OWNER"] == "alice");
  CHECK(whm_data(root, {"--user=alice", "emailtrack_stats"})["records"][0]["SENDCOUNT"] == 3);
  expect_refused(root, {"--user=alice", "emailtrack_stats", "user=dave"}, "does not own the account “dave”");
}
