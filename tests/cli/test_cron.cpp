// The Cron module (API 2 and UAPI) against the account's spool file.
#include <algorithm>

#include <catch2/catch.hpp>

#include "harness.hpp"
#include "recordings.hpp"

using test::create_account;
using test::expect_cpanel_refused;
using test::run;
using test::run_cpanel;
using test::TempRoot;

namespace {

const std::string kSpool = "var/spool/cron/crontabs/bob";
// 2026-11-22 10:30:00 UTC, a Sunday.
const std::map<std::string, std::string> kEnv = {{"WHMKIT_NOW", "1795343400"}, {"TZ", "UTC"}};

// Cron add_line with `fields`; every schedule field it does not give is "*".
std::vector<std::string> add_line(std::vector<std::string> fields) {
  std::vector<std::string> args = {"Cron", "add_line"};
  for (const std::string name : {"minute", "hour", "day", "month", "weekday"})
    if (std::none_of(fields.begin(), fields.end(), [&](const std::string& a) { return a.rfind(name + "=", 0) == 0; }))
      args.push_back(name + "=*");
  args.insert(args.end(), fields.begin(), fields.end());
  return args;
}

// A cpapi2 call as `user` that must succeed (exit 0, event.result 1).
nlohmann::json ok_as(const TempRoot& root, const std::string& user, const std::vector<std::string>& args) {
  auto r = run_cpanel(root, "cpapi2", user, args, kEnv);
  INFO("cpapi2 " << args.at(0) << " " << args.at(1) << " -> " << r.out << r.err);
  REQUIRE(r.status == 0);
  auto j = r.json();
  REQUIRE(j["cpanelresult"]["event"]["result"] == 1);
  return j;
}

nlohmann::json ok(const TempRoot& root, const std::string& prog, const std::vector<std::string>& args) {
  auto r = run_cpanel(root, prog, "bob", args, kEnv);
  INFO(prog << " " << args.at(0) << " " << args.at(1) << " -> " << r.out << r.err);
  REQUIRE(r.status == 0);
  return r.json();
}

}  // namespace

TEST_CASE("add_line writes the user's crontab and listcron reads it back", "[cpanel][cron]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto added = ok(root, "cpapi2", add_line({"minute=0", "hour=3", "command=/usr/bin/php /home/bob/cron.php"}));
  CHECK(added["cpanelresult"]["data"][0]["status"] == 1);
  std::string key = added["cpanelresult"]["data"][0]["linekey"];
  CHECK(root.file(kSpool) == "0 3 * * * /usr/bin/php /home/bob/cron.php\n");

  auto list = ok(root, "cpapi2", {"Cron", "listcron"})["cpanelresult"]["data"];
  REQUIRE(list.size() == 2);  // the job, then real servers' extra {"count": 2}
  CHECK(list[0]["minute"] == "0");
  CHECK(list[0]["hour"] == "3");
  CHECK(list[0]["weekday"] == "*");
  CHECK(list[0]["command"] == "/usr/bin/php /home/bob/cron.php");
  CHECK(list[0]["linekey"] == key);
  CHECK(list[1] == nlohmann::json{{"count", 2}});
  CHECK(ok(root, "uapi", {"Cron", "list_cron"})["result"]["data"][0]["next_run_at"] == "2026-11-23T03:00:00+00:00");

  SECTION("UAPI: names, disabling comments the job out, enabling brings it back") {
    auto named = ok(root, "uapi", add_line({"minute=0", "hour=0", "command=backup.sh", "name=nightly backup"}));
    std::string k2 = named["result"]["data"]["linekey"];
    CHECK(root.file(kSpool) ==
          "0 3 * * * /usr/bin/php /home/bob/cron.php\n# whmkit-name: nightly backup\n0 0 * * * backup.sh\n");
    ok(root, "uapi", {"Cron", "edit_line", "linekey=" + k2, "enabled=0"});
    CHECK(root.file(kSpool) ==
          "0 3 * * * /usr/bin/php /home/bob/cron.php\n# whmkit-name: nightly backup\n#whmkit-disabled# 0 0 * * * "
          "backup.sh\n");
    auto jobs = ok(root, "uapi", {"Cron", "list_cron"})["result"]["data"];
    CHECK(jobs[1]["name"] == "nightly backup");
    CHECK(jobs[1]["enabled"] == 0);
    CHECK(jobs[1]["next_run_at"].is_null());
    ok(root, "uapi", {"Cron", "edit_line", "line=2", "enabled=1", "hour=5", "minute=15"});
    CHECK(ok(root, "uapi", {"Cron", "list_cron"})["result"]["data"][1]["next_run_at"] == "2026-11-23T05:15:00+00:00");
    ok(root, "uapi", {"Cron", "remove_line", "line=1"});
    CHECK(root.file(kSpool) == "# whmkit-name: nightly backup\n15 5 * * * backup.sh\n");
  }

  SECTION("lines the tool did not write are kept") {
    root.write(kSpool, "# my notes\nSHELL=/bin/bash\n*/5 * * * * /home/bob/poll.sh # by hand\nnot a job line\n");
    ok(root, "cpapi2", {"Cron", "set_email", "email=bob@bob.example"});
    ok(root, "cpapi2", add_line({"minute=1", "command=true"}));
    CHECK(root.file(kSpool) ==
          "MAILTO=\"bob@bob.example\"\n# my notes\nSHELL=/bin/bash\n*/5 * * * * /home/bob/poll.sh # by hand\n"
          "not a job line\n1 * * * * true\n");
    CHECK(ok(root, "cpapi2", {"Cron", "get_email"})["cpanelresult"]["data"][0]["email"] == "bob@bob.example");
    auto jobs = ok(root, "cpapi2", {"Cron", "listcron"})["cpanelresult"]["data"];
    REQUIRE(jobs.size() == 3);
    std::string k = jobs[0]["linekey"];
    ok(root, "cpapi2", {"Cron", "remove_line", "linekey=" + k});
    CHECK(root.file(kSpool) ==
          "MAILTO=\"bob@bob.example\"\n# my notes\nSHELL=/bin/bash\nnot a job line\n1 * * * * true\n");
    auto fetched = ok(root, "cpapi2", {"Cron", "fetchcron"})["cpanelresult"]["data"];
    CHECK(fetched.size() == 5);
    CHECK(fetched[4]["line"] == "1 * * * * true");
  }
}

TEST_CASE("cron bad input is refused with the field named and changes nothing", "[cpanel][cron]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  create_account(root, "alice", "alice.example");
  ok(root, "uapi", add_line({"command=true"}));
  const std::string u = "uapi";
  expect_cpanel_refused(root, u, "bob", add_line({"minute=61", "command=x"}), "“minute”");
  expect_cpanel_refused(root, u, "bob", add_line({"hour=*/0", "command=x"}), "“hour”");
  expect_cpanel_refused(root, u, "bob", add_line({"day=0", "command=x"}), "“day”");
  expect_cpanel_refused(root, u, "bob", add_line({"month=foo", "command=x"}), "“month”");
  expect_cpanel_refused(root, u, "bob", add_line({"weekday=8", "command=x"}), "“weekday”");
  expect_cpanel_refused(root, u, "bob", add_line({"minute=5/10", "command=x"}), "“minute”");
  expect_cpanel_refused(root, u, "bob", add_line({"minute=@every", "command=x"}), "“minute”");
  expect_cpanel_refused(root, u, "bob", add_line({"minute=1 2", "command=x"}), "“minute”");
  expect_cpanel_refused(root, u, "bob", add_line({"command=echo hi%0A* * * * * rm -rf ~"}), "“command”");
  expect_cpanel_refused(root, u, "bob", add_line({"command=x", "name=a%0Ab"}), "“name”");
  expect_cpanel_refused(root, u, "bob", add_line({}), "command");
  expect_cpanel_refused(root, u, "bob", {"Cron", "edit_line", "linekey=nope", "command=x"}, "line key");
  expect_cpanel_refused(root, u, "bob", {"Cron", "remove_line", "line=9"}, "line");
  expect_cpanel_refused(root, u, "bob", {"Cron", "set_email", "email=not an address"}, "email");
  expect_cpanel_refused(root, "cpapi2", "bob", add_line({"minute=x", "command=y"}), "“minute”");
  // alice cannot touch bob's jobs: her crontab is a different file.
  expect_cpanel_refused(root, u, "alice", {"Cron", "remove_line", "line=1"}, "line");
  auto key = ok(root, "uapi", {"Cron", "list_cron"})["result"]["data"][0]["linekey"].get<std::string>();
  expect_cpanel_refused(root, u, "alice", {"Cron", "edit_line", "linekey=" + key, "command=evil"}, "line key");

  SECTION("a suspended account's crontab cannot be changed") {
    REQUIRE(run(root, {"suspendacct", "user=bob"}).status == 0);
    expect_cpanel_refused(root, u, "bob", add_line({"command=x"}), "suspended");
  }
}

TEST_CASE("add_line needs the whole schedule: no job runs every minute by default", "[cpanel][cron]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  for (const std::string prog : {"uapi", "cpapi2"}) {
    expect_cpanel_refused(root, prog, "bob", {"Cron", "add_line", "command=x"}, "Missing required parameter “minute”");
    expect_cpanel_refused(root, prog, "bob", {"Cron", "add_line", "minute=0", "hour=3", "command=x"},
                          "Missing required parameter “day”");
    expect_cpanel_refused(root, prog, "bob",
                          {"Cron", "add_line", "minute=0", "hour=3", "day=*", "month=*", "weekday=", "command=x"},
                          "Missing required parameter “weekday”");
  }
  CHECK_FALSE(root.exists(kSpool));
  // edit_line keeps the fields it is not given; an @daily job needs all five to change.
  root.write(kSpool, "@daily backup.sh\n");
  expect_cpanel_refused(root, "uapi", "bob", {"Cron", "edit_line", "line=1", "hour=5"},
                        "Missing required parameter “minute”");
  ok(root, "uapi", {"Cron", "edit_line", "line=1", "minute=0", "hour=5", "day=*", "month=*", "weekday=1"});
  CHECK(root.file(kSpool) == "0 5 * * 1 backup.sh\n");
  ok(root, "uapi", {"Cron", "edit_line", "line=1", "hour=6"});
  CHECK(root.file(kSpool) == "0 6 * * 1 backup.sh\n");
}

TEST_CASE("UAPI fetch_cron and get_email read the same file", "[cpanel][cron]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  ok(root, "uapi", {"Cron", "set_email", "email=ops@bob.example"});
  ok(root, "uapi", add_line({"minute=5", "command=true"}));
  CHECK(ok(root, "uapi", {"Cron", "get_email"})["result"]["data"]["email"] == "ops@bob.example");
  auto lines = ok(root, "uapi", {"Cron", "fetch_cron"})["result"]["data"];
  CHECK(lines == nlohmann::json::parse(R"([{"line":"MAILTO=\"ops@bob.example\"","linenumber":1},
                                          {"line":"5 * * * * true","linenumber":2}])"));
  expect_cpanel_refused(root, "uapi", "bob", {"Cron", "set_email", "email=a%0Ab@c.d"}, "email");
}

// Every Cron call recorded on a real cPanel 11.32 server (tests/recordings/api2-cron/,
// from ../shared/reference/recordings/api2-cron/), replayed against the same
// state and compared field by field. Nothing is left out of the comparison:
// no Cron value depends on the machine (a linekey is the MD5 of the job's line).
TEST_CASE("API 2 Cron answers what real servers recorded", "[cpanel][cron][recordings]") {
  // The jobs every recording starts from: the ones its listcron shows (in
  // that order) before its own changes; the server kept them between runs.
  const std::vector<std::pair<std::string, std::string>> jobs = {
      {"1", "hi"}, {"1", "foo"}, {"3", "taco"}, {"1", "whatev"}};  // hour, command
  for (const std::string name : {"add", "edit", "email", "list", "remove", "set_email"}) {
    DYNAMIC_SECTION(name) {
      TempRoot root;
      create_account(root, "lumberg", "lumberg.example");
      for (const auto& [hour, command] : jobs)
        ok_as(root, "lumberg",
              {"Cron", "add_line", "minute=1", "hour=" + hour, "day=1", "month=1", "weekday=1", "command=" + command});
      test::replay(root, test::load_recording("api2-cron/" + name));
    }
  }
}

TEST_CASE("API 2 listcron items have real servers' fields, command_htmlsafe escaped", "[cpanel][cron]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  ok(root, "cpapi2", add_line({"minute=*/5", "command=a<b %26%26 echo \"it's\" > /dev/null"}));
  auto list = ok(root, "cpapi2", {"Cron", "listcron"})["cpanelresult"]["data"];
  REQUIRE(list.size() == 2);
  const auto& job = list[0];
  std::vector<std::string> keys;
  for (const auto& [k, v] : job.items()) keys.push_back(k);
  CHECK(keys == std::vector<std::string>{"command", "command_htmlsafe", "count", "day", "hour", "linekey", "minute",
                                         "month", "weekday"});
  CHECK(job["command"] == "a<b && echo \"it's\" > /dev/null");
  CHECK(job["command_htmlsafe"] == "a&lt;b &amp;&amp; echo &quot;it&#39;s&quot; &gt; /dev/null");
  CHECK(job["count"] == 1);
  CHECK(job["minute"] == "*/5");
  CHECK(job["day"].is_string());
  CHECK(list[1] == nlohmann::json{{"count", 2}});
  // An empty crontab still ends with the count item.
  ok(root, "cpapi2", {"Cron", "remove_line", "line=1"});
  CHECK(ok(root, "cpapi2", {"Cron", "listcron"})["cpanelresult"]["data"] == nlohmann::json::parse(R"([{"count":1}])"));
}

TEST_CASE("a job that already exists is not added twice", "[cpanel][cron]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto first = ok(root, "cpapi2", add_line({"minute=1", "command=backup.sh"}));
  std::string key = first["cpanelresult"]["data"][0]["linekey"];
  ok(root, "cpapi2", add_line({"minute=2", "command=backup.sh"}));
  const std::string spool = root.file(kSpool);
  CHECK(spool == "1 * * * * backup.sh\n2 * * * * backup.sh\n");

  // API 2, as real servers answer: the call succeeds, its item fails and names the job.
  auto again = ok(root, "cpapi2", add_line({"minute=1", "command=backup.sh"}));
  CHECK(again["cpanelresult"]["event"]["result"] == 1);
  CHECK_FALSE(again["cpanelresult"].contains("error"));
  CHECK(again["cpanelresult"]["data"] ==
        nlohmann::json::array({{{"linekey", key}, {"status", 0}, {"statusmsg", "This cron job already exists."}}}));
  CHECK(root.file(kSpool) == spool);
  // edit_line into another job's schedule and command: the same answer.
  auto edited = ok(root, "cpapi2", {"Cron", "edit_line", "line=2", "minute=1"});
  CHECK(edited["cpanelresult"]["data"][0]["status"] == 0);
  CHECK(edited["cpanelresult"]["data"][0]["linekey"] == key);
  CHECK(root.file(kSpool) == spool);
  // Editing a job into itself is no duplicate.
  CHECK(ok(root, "cpapi2", {"Cron", "edit_line", "line=1", "minute=1"})["cpanelresult"]["data"][0]["status"] == 1);

  // whmkit's UAPI fails the call.
  expect_cpanel_refused(root, "uapi", "bob", add_line({"minute=1", "command=backup.sh"}),
                        "This cron job already exists.");
  expect_cpanel_refused(root, "uapi", "bob", {"Cron", "edit_line", "line=2", "minute=1"},
                        "This cron job already exists.");
}

TEST_CASE("API 2 envelopes carry preevent and postevent, also on failure", "[cpanel][cron]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto keys_of = [](const nlohmann::json& j) {
    std::vector<std::string> keys;
    for (const auto& [k, v] : j.items()) keys.push_back(k);
    return keys;
  };
  auto good = ok(root, "cpapi2", {"Cron", "get_email"})["cpanelresult"];
  CHECK(keys_of(good) ==
        std::vector<std::string>{"apiversion", "data", "event", "func", "module", "postevent", "preevent"});
  CHECK(good["event"] == nlohmann::json{{"result", 1}});
  CHECK(good["preevent"] == nlohmann::json{{"result", 1}});
  CHECK(good["postevent"] == nlohmann::json{{"result", 1}});
  // A failed call: event.result 0, the reason in error and in data; the hooks
  // around a call run also when it fails, so preevent and postevent stay 1.
  auto bad = ok(root, "cpapi2", {"Cron", "remove_line", "line=7"})["cpanelresult"];
  CHECK(keys_of(bad) ==
        std::vector<std::string>{"apiversion", "data", "error", "event", "func", "module", "postevent", "preevent"});
  CHECK(bad["event"] == nlohmann::json{{"result", 0}});
  CHECK(bad["preevent"] == nlohmann::json{{"result", 1}});
  CHECK(bad["postevent"] == nlohmann::json{{"result", 1}});
  CHECK(bad["data"] == nlohmann::json::array({{{"reason", bad["error"]}, {"result", 0}}}));
}
