// WHM API 1 greylisting (cPGreyList): the switch, the settings, the trusted
// hosts, the common mail providers and the deferred triplets, with what each
// call answers and the files it leaves (var/cpanel/greylist/*, the SQLite
// database, Exim's host lists), and whmkit-greylist's decisions for Exim.
// The real Exim is in tests/shell/test_exim_greylist.sh.
#include <catch2/catch.hpp>

#include "harness.hpp"

using test::expect_refused;
using test::run;
using test::run_ok;
using test::run_program;
using test::snapshot;
using test::TempRoot;

namespace {

using json = nlohmann::json;

constexpr const char* kDb = "var/cpanel/greylist/greylist.sqlite";
constexpr const char* kTrusted = "etc/greylist_trusted_netblocks";
constexpr const char* kProviders = "etc/greylist_common_mail_providers";
constexpr long long kNoon = 1796126400;  // 2026-12-01 12:00:00 UTC

json data_of(const TempRoot& root, const std::vector<std::string>& args) {
  auto j = run_ok(root, args);
  INFO(j.dump());
  REQUIRE(j["metadata"]["result"] == 1);
  return j["data"];
}

void enable(const TempRoot& root) { REQUIRE(run_ok(root, {"enable_cpgreylist"})["metadata"]["result"] == 1); }

// whmkit-greylist's answer to one request, at `when` (UTC).
std::string decide(const TempRoot& root, const std::vector<std::string>& request, long long when = kNoon) {
  std::vector<std::string> argv{WHMKIT_GREYLIST_PATH, "--root", root.path};
  argv.insert(argv.end(), request.begin(), request.end());
  auto r = run_program(argv, {{"WHMKIT_NOW", std::to_string(when)}, {"TZ", "UTC"}});
  INFO(r.err);
  REQUIRE(r.status == 0);
  return r.out;
}

std::string should_defer(const TempRoot& root, const std::string& ip, const std::string& from, long long when = kNoon) {
  return decide(root, {"should_defer", ip, from, "info@bob.example"}, when);
}

}  // namespace

TEST_CASE("enable_cpgreylist and disable_cpgreylist switch greylisting", "[greylist]") {
  TempRoot root;
  CHECK(data_of(root, {"cpgreylist_status"}) ==
        json({{"service", "cPGreyList"}, {"is_enabled", 0}, {"is_exim_enabled", 1}}));

  auto on = run_ok(root, {"enable_cpgreylist"});
  CHECK(on["metadata"]["result"] == 1);
  CHECK(on["metadata"]["reason"] == "OK");
  CHECK(root.exists("var/cpanel/greylist/enabled"));
  CHECK(root.file(kDb).substr(0, 15) == "SQLite format 3");
  CHECK(root.file(kTrusted).empty());
  CHECK_THAT(root.file(kProviders), Catch::Matchers::Contains("74.125.0.0/16 # Google\n"));
  CHECK_THAT(root.file(kProviders), Catch::Matchers::Contains("\"2a00:1450:4000::/36\" # Google\n"));
  CHECK(data_of(root, {"cpgreylist_status"})["is_enabled"] == 1);
  CHECK(run_ok(root, {"enable_cpgreylist"})["metadata"]["reason"] == "cPGreyList is already enabled.");

  CHECK(run_ok(root, {"disable_cpgreylist"})["metadata"]["reason"] == "OK");
  CHECK_FALSE(root.exists("var/cpanel/greylist/enabled"));
  CHECK(root.exists(kDb));  // the records stay for the next time
  CHECK(run_ok(root, {"disable_cpgreylist"})["metadata"]["reason"] == "cPGreyList is already disabled.");
}

TEST_CASE("greylisting refuses to start without Exim, and its functions wait for it", "[greylist]") {
  TempRoot root;
  root.write("etc/eximdisable", "");
  expect_refused(root, {"enable_cpgreylist"}, "Failed to enable cPGreyList: Exim is disabled on the server");
  CHECK(data_of(root, {"cpgreylist_status"})["is_exim_enabled"] == 0);
  for (const char* fn : {"read_cpgreylist_trusted_hosts", "read_cpgreylist_deferred_entries",
                         "cpgreylist_load_common_mail_providers_config", "cpgreylist_is_server_netblock_trusted"})
    expect_refused(root, {fn}, "cPGreyList is disabled on the server.");
  expect_refused(root, {"create_cpgreylist_trusted_host", "ip=192.0.2.1"}, "cPGreyList is disabled on the server.");
  expect_refused(root, {"save_cpgreylist_config", "spf_bypass=1"}, "cPGreyList is disabled on the server.");
}

TEST_CASE("load_cpgreylist_config and save_cpgreylist_config keep var/cpanel/greylist/conf", "[greylist]") {
  TempRoot root;
  CHECK(data_of(root, {"load_cpgreylist_config"})["cpgreylist_config"] == json({{"initial_block_time_mins", 5},
                                                                                {"must_try_time_mins", 240},
                                                                                {"record_exp_time_mins", 4320},
                                                                                {"spf_bypass", 0},
                                                                                {"purge_interval_mins", 60},
                                                                                {"child_timeout_secs", 5},
                                                                                {"max_child_procs", 5},
                                                                                {"is_enabled", 0},
                                                                                {"is_exim_enabled", 1}}));
  enable(root);
  auto saved = data_of(root, {"save_cpgreylist_config", "initial_block_time_mins=1", "spf_bypass=1"});
  CHECK(saved["cpgreylist_config"]["initial_block_time_mins"] == 1);
  CHECK(saved["cpgreylist_config"]["is_enabled"] == 1);
  CHECK(root.file("var/cpanel/greylist/conf") ==
        "child_timeout_secs=5\ninitial_block_time_mins=1\nmax_child_procs=5\nmust_try_time_mins=240\n"
        "purge_interval_mins=60\nrecord_exp_time_mins=4320\nspf_bypass=1\n");

  expect_refused(root, {"save_cpgreylist_config", "initial_block_time_mins=100", "must_try_time_mins=90"},
                 "Failed to save cPGreyList configuration: Invalid configuration value, “Initial Deferral Period” "
                 "cannot be greater than or equal to the “Resend Acceptance Period” value: 90");
  expect_refused(root, {"save_cpgreylist_config", "initial_block_time_mins=241"}, "initial_block_time_mins");
  expect_refused(root, {"save_cpgreylist_config"}, "give at least one of the settings");
  // A conf that does not parse is never rewritten.
  root.write("var/cpanel/greylist/conf", "initial_block_time_mins=1\nthis line is not a setting\n");
  expect_refused(root, {"save_cpgreylist_config", "spf_bypass=0"}, "line 2");
  root.write("var/cpanel/greylist/conf", "spf_bypass=maybe\n");
  expect_refused(root, {"save_cpgreylist_config", "spf_bypass=0"}, "the value of spf_bypass is not a number");
}

TEST_CASE("the trusted hosts: added, listed, written for Exim, deleted", "[greylist]") {
  TempRoot root;
  enable(root);
  auto added = data_of(root, {"create_cpgreylist_trusted_host", "ip=192.0.2.1", "ip-1=198.51.100.0/24",
                              "ip-2=2001:db8::/32", "ip-3=5.5", "comment=Office"});
  REQUIRE(added["ips_added"].size() == 3);
  CHECK(added["ips_added"][0]["host_ip"] == "192.0.2.1");
  CHECK(added["ips_added"][0]["comment"] == "Office");
  CHECK(added["ips_added"][1]["host_ip"] == "198.51.100.0-198.51.100.255");
  CHECK(added["ips_added"][2]["host_ip"] == "2001:db8::-2001:db8:ffff:ffff:ffff:ffff:ffff:ffff");
  CHECK(added["ips_failed"] == json({{"5.5", "Invalid IP address or range: “5.5”"}}));
  CHECK(added["comment"] == "Office");
  CHECK(root.file(kTrusted) == "192.0.2.1/32 # Office\n198.51.100.0/24 # Office\n\"2001:db8::/32\" # Office\n");

  auto listed = data_of(root, {"read_cpgreylist_trusted_hosts"})["greylist_trusted_hosts"];
  REQUIRE(listed.size() == 3);
  CHECK(listed[1]["host_ip"] == "198.51.100.0-198.51.100.255");
  CHECK(listed[1]["id"] == 2);

  // A range that is not a CIDR block becomes the blocks that cover it.
  data_of(root, {"create_cpgreylist_trusted_host", "ip=10.0.0.1-10.0.0.6"});
  CHECK_THAT(root.file(kTrusted), Catch::Matchers::Contains("10.0.0.1/32\n10.0.0.2/31\n10.0.0.4/31\n10.0.0.6/32\n"));

  auto removed = data_of(root, {"delete_cpgreylist_trusted_host", "ip=192.0.2.1", "ip-1=10.0.0.1-10.0.0.6"});
  CHECK(removed["ips_removed"] == json({"192.0.2.1", "10.0.0.1-10.0.0.6"}));
  CHECK(root.file(kTrusted) == "198.51.100.0/24 # Office\n\"2001:db8::/32\" # Office\n");

  auto none = run_ok(root, {"delete_cpgreylist_trusted_host", "ip=203.0.113.9"});
  CHECK(none["metadata"]["result"] == 0);
  CHECK(none["metadata"]["reason"] == "No trusted hosts deleted.");
  expect_refused(root, {"create_cpgreylist_trusted_host", "ip=300.1.1.1", "ip-1=1.2.3.4/33"},
                 "No trusted hosts added.");
  expect_refused(root, {"create_cpgreylist_trusted_host", "ip=192.0.2.7", "comment=" + std::string(256, 'x')},
                 "at most 255 characters");
  expect_refused(root, {"create_cpgreylist_trusted_host", "ip=192.0.2.7", "comment=a%0Ab"}, "comment");
}

TEST_CASE("cpgreylist_is_server_netblock_trusted checks the server's networks", "[greylist]") {
  TempRoot root;
  root.write("var/cpanel/mainip", "198.51.100.7");
  root.write("etc/ips", "192.0.2.10:255.255.255.0:192.0.2.255\n");
  enable(root);
  data_of(root, {"create_cpgreylist_trusted_host", "ip=192.0.0.0/16"});
  CHECK(data_of(root, {"cpgreylist_is_server_netblock_trusted"})["ip_blocks"] ==
        json({{"192.0.2.0-192.0.2.255", 1}, {"198.51.100.7", 0}}));
}

TEST_CASE("the common mail providers: shipped, listed, trusted and untrusted", "[greylist]") {
  TempRoot root;
  enable(root);
  auto config = data_of(root, {"cpgreylist_load_common_mail_providers_config"});
  CHECK(config["autotrust_new_common_mail_providers"] == 1);
  CHECK(config["common_mail_providers"]["google"] ==
        json({{"display_name", "Google"}, {"is_trusted", 1}, {"autoupdate", 1}}));
  CHECK(config["common_mail_providers"].contains("microsoft"));

  auto listed =
      data_of(root, {"cpgreylist_list_entries_for_common_mail_provider", "provider=cPanel", "provider-1=dpanel"});
  REQUIRE(listed["providers"]["cpanel"]["ips"].size() == 2);
  CHECK(listed["providers"]["cpanel"]["ips"][0]["host_ip"] == "208.115.214.0-208.115.214.255");
  CHECK(listed["providers"]["cpanel"]["ips"][0]["is_trusted"] == 1);
  CHECK(listed["providers_failed"] == json({{"dpanel", "Unknown mail provider: dpanel"}}));

  auto untrusted = data_of(root, {"cpgreylist_untrust_entries_for_common_mail_provider", "provider=google"});
  CHECK(untrusted["providers_untrusted"] == json({{"google", {{"ips_untrusted", 27}}}}));
  CHECK(root.file(kProviders).find("Google") == std::string::npos);
  CHECK(data_of(root,
                {"cpgreylist_load_common_mail_providers_config"})["common_mail_providers"]["google"]["is_trusted"] ==
        0);
  auto trusted =
      data_of(root, {"cpgreylist_trust_entries_for_common_mail_provider", "provider=google", "provider-1=aol"});
  CHECK(trusted["providers_trusted"] == json({{"google", {{"ips_trusted", 27}}}}));
  CHECK(trusted["providers_failed"] == json({{"aol", "Unknown mail provider: aol"}}));
  CHECK_THAT(root.file(kProviders), Catch::Matchers::Contains("74.125.0.0/16 # Google\n"));
  expect_refused(root, {"cpgreylist_trust_entries_for_common_mail_provider", "provider=aol"},
                 "The system failed to trust any IP addresses.");

  auto saved = data_of(root, {"cpgreylist_save_common_mail_providers_config", "google=0",
                              "autotrust_new_common_mail_providers=0", "nosuchprovider=1"});
  CHECK(saved["autotrust_new_common_mail_providers"] == 0);
  CHECK(saved["common_mail_providers"]["google"]["autoupdate"] == 0);
  CHECK(root.file("var/cpanel/greylist/common_mail_providers_conf") ==
        "autotrust_new_common_mail_providers=0\ngoogle=0\n");
  expect_refused(root, {"cpgreylist_save_common_mail_providers_config", "google=2"},
                 "Invalid configuration value: “2” for “google”.");
}

TEST_CASE("whmkit-greylist defers an unknown triplet until its initial block has passed", "[greylist]") {
  TempRoot root;
  CHECK(should_defer(root, "203.0.113.5", "a@remote.example") == "no\n");  // off: nothing is deferred
  CHECK_FALSE(root.exists(kDb));
  enable(root);

  CHECK(should_defer(root, "203.0.113.5", "a@remote.example") == "yes\n");
  CHECK(should_defer(root, "203.0.113.5", "a@remote.example", kNoon + 60) == "yes\n");
  CHECK(should_defer(root, "203.0.113.5", "b@remote.example", kNoon + 120) == "yes\n");
  auto entries = data_of(root, {"read_cpgreylist_deferred_entries"});
  CHECK(entries["total_rows"] == 2);
  CHECK(entries["limit"] == 20);
  REQUIRE(entries["greylist_deferred_entries"].size() == 2);
  CHECK(entries["greylist_deferred_entries"][0] == json({{"id", 1},
                                                         {"sender_ip", "203.0.113.5"},
                                                         {"from_addr", "a@remote.example"},
                                                         {"to_addr", "info@bob.example"},
                                                         {"deferred_count", 2},
                                                         {"accepted_count", 0},
                                                         {"create_time", "2026-12-01 12:00:00"},
                                                         {"block_exp_time", "2026-12-01 12:05:00"},
                                                         {"must_retry_by", "2026-12-01 16:00:00"},
                                                         {"record_exp_time", "2026-12-04 12:00:00"}}));

  // After the 5 minutes: accepted, and from then on.
  CHECK(should_defer(root, "203.0.113.5", "a@remote.example", kNoon + 301) == "no\n");
  CHECK(should_defer(root, "203.0.113.5", "a@remote.example", kNoon + 3600 * 24) == "no\n");
  // b never came back within its 4 hours: it starts over.
  CHECK(should_defer(root, "203.0.113.5", "b@remote.example", kNoon + 3600 * 5) == "yes\n");

  // The page, the order and the filter come from api.chunk, api.sort and api.filter.
  auto page =
      run_ok(root, {"read_cpgreylist_deferred_entries", "api.chunk.enable=1", "api.chunk.size=1", "api.chunk.start=1",
                    "api.sort.enable=1", "api.sort.a.field=from_addr", "api.sort.a.reverse=1"});
  CHECK(page["data"]["greylist_deferred_entries"].size() == 1);
  CHECK(page["data"]["greylist_deferred_entries"][0]["from_addr"] == "b@remote.example");
  CHECK(page["data"]["total_rows"] == 2);
  CHECK(page["metadata"]["chunk"]["records"] == 2);
  auto filtered =
      data_of(root, {"read_cpgreylist_deferred_entries", "api.filter.enable=1", "api.filter.a.arg0=a@remote"});
  CHECK(filtered["total_rows"] == 1);
  CHECK(data_of(root, {"read_cpgreylist_deferred_entries", "api.filter.enable=1",
                       "api.filter.a.arg0=203.0.113.5"})["total_rows"] == 2);

  // Trusted hosts and trusted providers pass at once, and leave no record.
  data_of(root, {"create_cpgreylist_trusted_host", "ip=198.51.100.0/24"});
  CHECK(should_defer(root, "198.51.100.20", "c@remote.example") == "no\n");
  CHECK(should_defer(root, "74.125.1.1", "d@gmail.example") == "no\n");
  CHECK(should_defer(root, "2a00:1450:4000::5", "d@gmail.example") == "no\n");
  data_of(root, {"cpgreylist_untrust_entries_for_common_mail_provider", "provider=google"});
  CHECK(should_defer(root, "74.125.1.1", "d@gmail.example") == "yes\n");
  CHECK(data_of(root, {"read_cpgreylist_deferred_entries"})["total_rows"] == 3);

  // The purge: expired records and those never retried in time.
  CHECK(decide(root, {"purge_old_records"}, kNoon + 3600 * 24 * 4) == "3\n");
  CHECK(data_of(root, {"read_cpgreylist_deferred_entries"})["total_rows"] == 0);
}

TEST_CASE("greylisting refuses bad input and changes nothing", "[greylist]") {
  TempRoot root;
  enable(root);
  expect_refused(root, {"cpgreylist_list_entries_for_common_mail_provider", "provider=../../etc"},
                 "The specified providers are missing or invalid.");
  expect_refused(root, {"delete_cpgreylist_trusted_host", "ip=1.2.3.4%0A5.6.7.8"}, "ip");
  expect_refused(root, {"create_cpgreylist_trusted_host"}, "Missing required parameter “ip”");
  // A request line the daemon does not know answers nothing, and records nothing.
  auto before = snapshot(root);
  CHECK(decide(root, {"should_defer", "203.0.113.5"}) == "\n");
  CHECK(decide(root, {"should_defer", "not-an-ip", "a@x.example", "info@bob.example"}) == "no\n");
  CHECK(snapshot(root) == before);
}
