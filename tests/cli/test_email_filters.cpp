// Email filters: UAPI Email store_filter and friends, API 2 storefilter,
// filterlist, loadfilter, deletefilter. Each call's answer and the files it
// leaves (the YAML source, the Exim filter file), and bad input refused with
// nothing changed. The real Exim's verdicts are in tests/shell/test_exim_filter.sh.
#include <unistd.h>

#include <algorithm>

#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;

namespace {

// A mailbox as the mailbox store writes it (only its passwd line matters here).
void add_mailbox(const TempRoot& root, const std::string& local) {
  const std::string passwd = "home/bob/etc/bob.example/passwd";
  root.write(passwd, root.file(passwd) + local + ":x:1000:1000::/home/bob/mail/bob.example/" + local + ":/home/bob\n");
}

const std::vector<std::string> kDiscard = {
    "Email",           "store_filter",     "filtername=junk", "part1=$header_subject:",
    "match1=contains", "val1=cheap pills", "action1=save",    "dest1=/dev/null"};

}  // namespace

TEST_CASE("store_filter writes the account's filters and the Exim file of every domain", "[email][filters]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto j = uapi_ok(root, "bob", kDiscard);
  CHECK(j["result"]["data"]["account"] == "bob");

  const std::string yaml = root.file("home/bob/.cpanel/filter.yaml");
  CHECK_THAT(yaml, Catch::Matchers::Contains("filtername: junk"));
  CHECK_THAT(yaml, Catch::Matchers::Contains("version:"));
  const std::string exim = root.file("etc/vfilters/bob.example");
  CHECK(exim.rfind("# Exim filter", 0) == 0);
  CHECK_THAT(exim, Catch::Matchers::Contains("#junk\nif\n $header_subject: contains \"cheap pills\"\nthen\n save "
                                             "\"/dev/null\" 660\nendif\n"));

  auto list = uapi_ok(root, "bob", {"Email", "list_filters"})["result"]["data"];
  REQUIRE(list.size() == 1);
  CHECK(list[0]["filtername"] == "junk");
  CHECK(list[0]["enabled"] == 1);
  CHECK(list[0]["rules"][0] ==
        nlohmann::json({{"part", "$header_subject:"}, {"match", "contains"}, {"val", "cheap pills"}, {"opt", "and"}}));
  CHECK(list[0]["actions"][0] == nlohmann::json({{"action", "save"}, {"dest", "/dev/null"}}));

  auto got = uapi_ok(root, "bob", {"Email", "get_filter", "account=bob", "filtername=junk"})["result"]["data"];
  CHECK(got["rules"][0]["number"] == 1);
  CHECK(got["actions"][0]["number"] == 1);
  CHECK(uapi_ok(root, "bob", {"Email", "count_filters"})["result"]["data"] == 1);
  auto backups = uapi_ok(root, "bob", {"Email", "list_filters_backups"})["result"]["data"];
  CHECK(backups == nlohmann::json::array({{{"domain", "bob.example"}}}));

  // Two rules joined by "or", two actions; the part spelled without its colon.
  uapi_ok(root, "bob",
          {"Email", "store_filter", "filtername=boss", "part1=$header_from", "match1=is", "val1=boss@corp.example",
           "opt1=or", "part2=$message_body", "match2=matches", "val2=^urgent", "action1=deliver",
           "dest1=me@elsewhere.example", "action2=finish"});
  CHECK_THAT(root.file("etc/vfilters/bob.example"),
             Catch::Matchers::Contains("#boss\nif\n $header_from: is \"boss@corp.example\"\n or $message_body matches "
                                       "\"^urgent\"\nthen\n deliver \"me@elsewhere.example\"\n finish\nendif\n"));

  // Renamed in place, disabled (left out of the Exim file), reordered, deleted.
  uapi_ok(root, "bob", with_args(kDiscard, {"oldfiltername=junk", "filtername=spam"}));
  list = uapi_ok(root, "bob", {"Email", "list_filters"})["result"]["data"];
  CHECK(list[0]["filtername"] == "spam");
  auto off = uapi_ok(root, "bob", {"Email", "disable_filter", "account=bob", "filtername=spam"})["result"]["data"];
  CHECK(off == nlohmann::json({{"filtername", "spam"}, {"updated", 1}}));
  CHECK_THAT(root.file("etc/vfilters/bob.example"), !Catch::Matchers::Contains("#spam"));
  CHECK(uapi_ok(root, "bob",
                {"Email", "disable_filter", "account=bob", "filtername=spam"})["result"]["data"]["updated"] == 0);
  uapi_ok(root, "bob", {"Email", "enable_filter", "account=bob", "filtername=spam"});
  CHECK_THAT(root.file("etc/vfilters/bob.example"), Catch::Matchers::Contains("#spam"));
  uapi_ok(root, "bob", {"Email", "reorder_filters", "mailbox=bob", "filter1=boss", "filter2=spam"});
  const std::string reordered = root.file("etc/vfilters/bob.example");
  CHECK(reordered.find("#boss") < reordered.find("#spam"));
  uapi_ok(root, "bob", {"Email", "delete_filter", "account=bob", "filtername=boss"});
  CHECK_THAT(root.file("etc/vfilters/bob.example"), !Catch::Matchers::Contains("#boss"));
  CHECK(uapi_ok(root, "bob", {"Email", "count_filters"})["result"]["data"] == 1);
  expect_check_clean(root);
}

TEST_CASE("a hostile rule value stays one Exim string; a line break is refused", "[email][filters][security]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  uapi_ok(root, "bob",
          {"Email", "store_filter", "filtername=x", "part1=$header_subject:", "match1=contains",
           R"(val1=a"b\c$d endif pipe "/bin/sh)", "action1=save", "dest1=/dev/null"});
  CHECK_THAT(root.file("etc/vfilters/bob.example"),
             Catch::Matchers::Contains(R"( $header_subject: contains "a\"b\\\\c\\$d endif pipe \"/bin/sh")"));
  // The value reads back as it was given.
  auto got = uapi_ok(root, "bob", {"Email", "get_filter", "account=bob", "filtername=x"})["result"]["data"];
  CHECK(got["rules"][0]["val"] == R"(a"b\c$d endif pipe "/bin/sh)");

  expect_cpanel_refused(root, "uapi", "bob",
                        {"Email", "store_filter", "filtername=y", "part1=$header_subject:", "match1=contains",
                         "val1=a\nendif\npipe \"/bin/sh\"", "action1=finish"},
                        "control character");
  expect_cpanel_refused(root, "uapi", "bob", with_args(kDiscard, {"filtername=a\nb"}), "control character");
}

TEST_CASE("a filter edited by hand in the YAML never reaches an Exim file", "[email][filters][security]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  uapi_ok(root, "bob", kDiscard);
  // The user rewrites a match so that it would carry an expansion into the file Exim reads.
  const std::string yaml = root.file("home/bob/.cpanel/filter.yaml");
  std::string hostile = yaml;
  hostile.replace(hostile.find("match: contains"), 15, "match: 'contains \"\" or \"${run{/bin/id}}\" is'");
  root.write("home/bob/.cpanel/filter.yaml", hostile);
  expect_cpanel_refused(root, "uapi", "bob", with_args(kDiscard, {"filtername=other"}), "cannot be used");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "trace_filter", "msg=hello"}, "cannot be used");
  CHECK_THAT(root.file("etc/vfilters/bob.example"), !Catch::Matchers::Contains("run{"));
}

TEST_CASE("store_filter refuses what cPanel would not store, and changes nothing", "[email][filters]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  create_account(root, "eve", "eve.example");
  const std::vector<std::string> base = {"Email", "store_filter", "filtername=f"};
  expect_cpanel_refused(
      root, "uapi", "bob",
      with_args(base, {"part1=$header_subject:", "match1=contains", "val1=x", "action1=save", "dest1=/etc/passwd"}),
      "Invalid value for parameter “dest1”");
  expect_cpanel_refused(root, "uapi", "bob",
                        with_args(base, {"part1=$header_subject:", "match1=contains", "val1=x", "action1=save",
                                         "dest1=/home/bob/../eve/mail/x"}),
                        "Invalid value for parameter “dest1”");
  expect_cpanel_refused(root, "uapi", "bob",
                        with_args(base, {"part1=$header_subject:", "match1=contains", "val1=x", "action1=pipe",
                                         "dest1=/usr/bin/curl http://x"}),
                        "Invalid value for parameter “dest1”");
  expect_cpanel_refused(root, "uapi", "bob",
                        with_args(base, {"part1=$header_evil:", "match1=contains", "val1=x", "action1=finish"}),
                        "Invalid value for parameter “part1”");
  expect_cpanel_refused(root, "uapi", "bob",
                        with_args(base, {"part1=$header_subject:", "match1=sounds like", "val1=x", "action1=finish"}),
                        "Invalid value for parameter “match1”");
  expect_cpanel_refused(root, "uapi", "bob",
                        with_args(base, {"part1=$h_X-Spam-Score:", "match1=is above", "val1=lots", "action1=finish"}),
                        "Invalid value for parameter “val1”");
  expect_cpanel_refused(root, "uapi", "bob", with_args(base, {"part1=$header_subject:", "match1=is", "val1=x"}),
                        "Missing required parameter “action1”");
  expect_cpanel_refused(
      root, "uapi", "bob",
      with_args(base, {"part1=$header_subject:", "match1=is", "val1=x", "action1=deliver", "dest1=not an address"}),
      "Invalid value for parameter “dest1”");
  // Another account's mailbox, a mailbox that does not exist.
  expect_cpanel_refused(root, "uapi", "bob", with_args(kDiscard, {"account=info@eve.example"}), "does not belong");
  expect_cpanel_refused(root, "uapi", "bob", with_args(kDiscard, {"account=nobody@bob.example"}), "does not exist");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "delete_filter", "account=bob", "filtername=none"},
                        "No filter named “none” exists.");
}

TEST_CASE("a mailbox's filters live in its etc folder", "[email][filters]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  add_mailbox(root, "info");
  auto j = uapi_ok(root, "bob", with_args(kDiscard, {"account=info@bob.example"}));
  CHECK(j["result"]["data"]["account"] == "info@bob.example");
  CHECK_THAT(root.file("home/bob/etc/bob.example/info/filter.yaml"), Catch::Matchers::Contains("filtername: junk"));
  CHECK(root.file("home/bob/etc/bob.example/info/filter").rfind("# Exim filter", 0) == 0);
  CHECK(!root.exists("etc/vfilters/bob.example"));
  CHECK(uapi_ok(root, "bob", {"Email", "list_filters", "account=info@bob.example"})["result"]["data"].size() == 1);
  CHECK(uapi_ok(root, "bob", {"Email", "list_filters"})["result"]["data"].empty());
  CHECK(uapi_ok(root, "bob", {"Email", "count_filters"})["result"]["data"] == 1);
}

TEST_CASE("trace_filter runs the real Exim on the filter file", "[email][filters]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "trace_filter", "msg=hello"}, "no filter file");
  uapi_ok(root, "bob",
          {"Email", "store_filter", "filtername=fwd", "part1=$message_body", "match1=contains", "val1=invoice",
           "action1=deliver", "dest1=accounts@bob.example"});
  if (::access("/usr/sbin/exim4", X_OK) != 0 && ::access("/usr/sbin/exim", X_OK) != 0) {
    WARN("Exim is not installed: trace_filter not exercised");
    return;
  }
  auto hit = uapi_ok(root, "bob", {"Email", "trace_filter", "msg=Your invoice is attached"})["result"]["data"];
  CHECK_THAT(hit["trace"].get<std::string>(), Catch::Matchers::Contains("Deliver message to: accounts@bob.example"));
  CHECK_THAT(hit["trace"].get<std::string>(), Catch::Matchers::Contains("/etc/vfilters/bob.example"));
  auto miss = uapi_ok(root, "bob", {"Email", "trace_filter", "msg=Hello there"})["result"]["data"];
  CHECK_THAT(miss["trace"].get<std::string>(), Catch::Matchers::Contains("Normal delivery will occur"));
}

TEST_CASE("API 2 storefilter, filterlist, loadfilter, deletefilter", "[email][filters][api2]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto stored = api2_data(root, "bob",
                          {"Email", "storefilter", "filtername=coffee", "part1=$header_from:", "match1=is",
                           "val1=user@example.com", "action1=save", "dest1=/dev/null"});
  CHECK(stored == nlohmann::json::array({{{"account", "bob"}, {"filtername", "coffee"}}}));
  auto list = api2_data(root, "bob", {"Email", "filterlist"});
  REQUIRE(list.size() == 1);
  CHECK(list[0]["unescaped"] == 1);
  CHECK(list[0]["rules"][0]["part"] == "$header_from:");
  auto loaded = api2_data(root, "bob", {"Email", "loadfilter", "account=bob", "filtername=coffee"});
  CHECK(loaded[0]["actions"][0]["number"] == 1);
  api2_ok(root, "bob", {"Email", "deletefilter", "account=bob", "filtername=coffee"});
  CHECK(api2_data(root, "bob", {"Email", "filterlist"}).empty());
  expect_cpanel_refused(root, "cpapi2", "bob", {"Email", "deletefilter", "account=bob", "filtername=coffee"},
                        "No filter named");
}

TEST_CASE("the account-level filters follow the account: rename, removal, pkgacct and restore",
          "[email][filters][lifecycle]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  uapi_ok(root, "bob",
          {"Email", "store_filter", "filtername=keep", "part1=$header_subject:", "match1=contains", "val1=x",
           "action1=save", "dest1=/home/bob/mail/kept"});
  run_ok(root, {"modifyacct", "user=bob", "domain=new.example"});
  CHECK(!root.exists("etc/vfilters/bob.example"));
  CHECK_THAT(root.file("etc/vfilters/new.example"), Catch::Matchers::Contains("#keep"));
  run_ok(root, {"modifyacct", "user=bob", "newuser=robert"});
  CHECK_THAT(root.file("etc/vfilters/new.example"), Catch::Matchers::Contains("save \"/home/robert/mail/kept\""));
  CHECK_THAT(root.file("home/robert/.cpanel/filter.yaml"), Catch::Matchers::Contains("/home/robert/mail/kept"));
  expect_check_clean(root);

  run_ok(root, {"start_background_pkgacct", "user=robert"});
  run_ok(root, {"removeacct", "user=robert"});
  CHECK(!root.exists("etc/vfilters/new.example"));
  run_ok(root, {"start_local_cpmove_restore", "cpmovepath=/home/cpmove-robert.tar.gz"});
  CHECK_THAT(root.file("etc/vfilters/new.example"), Catch::Matchers::Contains("#keep"));
  expect_check_clean(root);

  // A file nobody's domain explains is an orphan.
  root.write("etc/vfilters/ghost.example", "# Exim filter\n");
  auto check = run_program({WHMKIT_CHECK_PATH, "--root=" + root.path});
  CHECK_THAT(check.out, Catch::Matchers::Contains("Orphaned etc/vfilters/ghost.example"));
}

TEST_CASE("the Email Filters feature gates the filter functions", "[email][filters][features]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  run_ok(root, {"add_override_features_for_user", "user=bob", R"(features={"blockers":0})"});
  expect_cpanel_refused(root, "uapi", "bob", kDiscard, "You do not have the feature “blockers”.");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "list_filters"}, "You do not have the feature “blockers”.");
  expect_cpanel_refused(root, "cpapi2", "bob", {"Email", "filterlist"}, "You do not have the feature “blockers”.");
}

TEST_CASE("list_system_filter_info names the account-level filters' download once there are some",
          "[email][filters][list_system_filter_info]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto none = uapi_ok(root, "bob", {"Email", "list_system_filter_info"})["result"];
  CHECK(none["data"] == nlohmann::json::object());
  uapi_ok(root, "bob", kDiscard);
  auto named = uapi_ok(root, "bob", {"Email", "list_system_filter_info"})["result"];
  CHECK(named["data"] == nlohmann::json({{"filter_info", "filter_info.bob.yaml.gz"}}));
  // A mailbox's own filters are not the account's.
  uapi_ok(root, "bob", {"Email", "add_pop", "email=info", "password=Info-pass-77x"});
  create_account(root, "carol", "carol.example");
  CHECK(uapi_ok(root, "carol", {"Email", "list_system_filter_info"})["result"]["data"] == nlohmann::json::object());
}
