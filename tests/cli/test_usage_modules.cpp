// The usage modules: Quota, StatsBar, ResourceUsage and Bandwidth, run as
// `uapi` on a temporary root (file-system quotas are off there).
#include <sqlite3.h>

#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;

namespace {

constexpr const char* kNow = "1795400000";  // 2026-11-23 UTC

// bob: limits on every count, 100 MB of bandwidth, one FTP login, one
// subdomain, one alias and one addon domain.
void bob_with_everything(TempRoot& root) {
  create_account(root, "bob", "bob.example",
                 {"maxftp=3", "maxsub=5", "maxpark=1", "maxaddon=2", "maxpop=10", "maxsql=0", "bwlimit=100"});
  run_ok(root, {"create_subdomain", "domain=blog.bob.example", "document_root=public_html/blog"});
  run_ok(root, {"create_subdomain", "domain=shop.bob.example", "document_root=public_html/shop"});
  run_ok(root, {"create_parked_domain_for_user", "domain=bob.net", "username=bob", "web_vhost_domain=bob.example"});
  run_ok(root,
         {"create_parked_domain_for_user", "domain=addon.org", "username=bob", "web_vhost_domain=shop.bob.example"});
  uapi_ok(root, "bob", {"Ftp", "add_ftp", "user=deploy", "pass=S3cure.pass"});
}

// Samples: this month (Nov 2026) http and ftp for the main domain; one from 2023.
void record_bandwidth(const TempRoot& root) {
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open((root.path + "/var/cpanel/bandwidth/bob.sqlite").c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db,
                       "INSERT OR IGNORE INTO domains (name) VALUES ('UNKNOWN');"
                       "INSERT INTO bandwidth_daily SELECT id, 'http', 1795392000, 3145728 FROM domains"
                       " WHERE name = 'bob.example';"
                       "INSERT INTO bandwidth_daily SELECT id, 'ftp', 1795305600, 1048576 FROM domains"
                       " WHERE name = 'UNKNOWN';"
                       "INSERT INTO bandwidth_daily SELECT id, 'http', 1700000000, 99 FROM domains"
                       " WHERE name = 'bob.example';",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);
}

nlohmann::json uapi_at_now(const TempRoot& root, const std::vector<std::string>& args) {
  auto r = run_cpanel(root, "uapi", "bob", args, {{"WHMKIT_NOW", kNow}});
  INFO(r.out << r.err);
  REQUIRE(r.status == 0);
  auto j = r.json();
  REQUIRE(j["result"]["status"] == 1);
  return j["result"]["data"];
}

nlohmann::json row_named(const nlohmann::json& rows, const std::string& id) {
  for (const auto& row : rows)
    if (row["id"] == id) return row;
  return nullptr;
}

}  // namespace

TEST_CASE("Quota reports zeros when file-system quotas are off", "[usage][quota]") {
  TempRoot root;
  create_account(root, "bob", "bob.example", {"quota=100"});
  const auto before = snapshot(root);
  auto info = uapi_ok(root, "bob", {"Quota", "get_quota_info"});
  CHECK(info["result"]["data"] == nlohmann::json({{"inode_limit", 0},
                                                  {"inodes_remain", 0},
                                                  {"inodes_used", 0},
                                                  {"megabyte_limit", 0},
                                                  {"megabytes_remain", 0},
                                                  {"megabytes_used", 0},
                                                  {"under_inode_limit", 1},
                                                  {"under_megabyte_limit", 1},
                                                  {"under_quota_overall", 1}}));
  auto local = uapi_ok(root, "bob", {"Quota", "get_local_quota_info"});
  CHECK(local["result"]["data"] ==
        nlohmann::json({{"byte_limit", 0}, {"bytes_used", 0}, {"inode_limit", 0}, {"inodes_used", 0}}));
  CHECK(snapshot(root) == before);
  expect_cpanel_refused(root, "uapi", "ghost", {"Quota", "get_quota_info"}, "ghost");
}

TEST_CASE("ResourceUsage counts the account's resources against its limits", "[usage][resourceusage]") {
  TempRoot root;
  bob_with_everything(root);
  record_bandwidth(root);
  const auto before = snapshot(root);
  const auto data = uapi_at_now(root, {"ResourceUsage", "get_usages"});
  std::vector<std::string> ids;
  for (const auto& e : data) ids.push_back(e["id"]);
  CHECK(ids == std::vector<std::string>{"disk_usage", "bandwidth", "addon_domains", "subdomains", "aliases",
                                        "email_accounts", "autoresponders", "forwarders", "email_filters",
                                        "ftp_accounts"});
  CHECK(row_named(data, "bandwidth") == nlohmann::json({{"description", "Bandwidth"},
                                                        {"formatter", "format_bytes"},
                                                        {"id", "bandwidth"},
                                                        {"maximum", 104857600},
                                                        {"usage", 4194304}}));
  CHECK(row_named(data, "disk_usage")["maximum"].is_null());  // quotas off
  CHECK(row_named(data, "subdomains")["usage"] == 1);         // shop.bob.example serves the addon domain
  CHECK(row_named(data, "subdomains")["maximum"] == 5);
  CHECK(row_named(data, "aliases")["usage"] == 1);
  CHECK(row_named(data, "addon_domains")["usage"] == 1);
  CHECK(row_named(data, "ftp_accounts")["usage"] == 1);
  CHECK(row_named(data, "ftp_accounts")["maximum"] == 3);
  CHECK(row_named(data, "email_accounts") == nlohmann::json({{"description", "Email Accounts"},
                                                             {"formatter", nullptr},
                                                             {"id", "email_accounts"},
                                                             {"maximum", 10},
                                                             {"usage", 0}}));
  CHECK(snapshot(root) == before);
}

TEST_CASE("StatsBar get_stats rows for the display names", "[usage][statsbar]") {
  TempRoot root;
  bob_with_everything(root);
  record_bandwidth(root);
  const auto before = snapshot(root);
  const auto rows = uapi_at_now(
      root, {"StatsBar", "get_stats", "display=bandwidthusage|diskusage|nosuchstat|parkeddomains|ftpaccounts"});
  REQUIRE(rows.size() == 4);  // the unknown name is skipped
  const auto& bw = rows[0];
  CHECK(bw["id"] == "bandwidthusage");
  CHECK(bw["_count"] == "4.00");
  CHECK(bw["_max"] == "100.00");
  CHECK(bw["count"] == "4\u00a0MB");
  CHECK(bw["max"] == "100\u00a0MB");
  CHECK(bw["percent"] == 4);
  CHECK(bw["percent5"] == 5);
  CHECK(bw["percent10"] == 0);
  CHECK(bw["feature"] == "bandwidth");
  CHECK(bw["module"] == "Stats");
  CHECK(bw["rowtype"] == "even");
  CHECK(bw["units"] == "MB");
  CHECK(bw["zeroisunlimited"] == 1);
  const auto& disk = rows[1];
  CHECK(disk["id"] == "diskusage");
  CHECK(disk["count"] == "0\u00a0bytes");
  CHECK(disk["max"] == "\u221e");
  CHECK(disk["_max"] == "unlimited");
  CHECK(disk["langkey"] == "INDXDiskUsage");
  CHECK(disk["rowtype"] == "odd");
  const auto& parked = rows[2];
  CHECK(parked["count"] == "1");
  CHECK(parked["max"] == "1");
  CHECK(parked["is_maxed"] == 1);
  CHECK(parked["_maxed"] == 1);
  CHECK(parked["percent"] == 100);
  CHECK(rows[3]["id"] == "ftpaccounts");
  CHECK(rows[3]["percent"] == 33);

  // warnings=1: only the rows above the warning level; infinitylang names infinity.
  const auto warned = uapi_at_now(
      root, {"StatsBar", "get_stats", "display=parkeddomains|ftpaccounts|diskusage", "warnings=1", "warninglevel=50"});
  REQUIRE(warned.size() == 1);
  CHECK(warned[0]["id"] == "parkeddomains");
  const auto words = uapi_at_now(root, {"StatsBar", "get_stats", "display=diskusage", "infinitylang=unlimited"});
  CHECK(words[0]["max"] == "unlimited");
  CHECK(snapshot(root) == before);

  expect_cpanel_refused(root, "uapi", "bob", {"StatsBar", "get_stats"}, "“display”");
  expect_cpanel_refused(root, "uapi", "bob", {"StatsBar", "get_stats", "display=diskusage", "warninglevel=101"},
                        "“warninglevel”");
}

TEST_CASE("Bandwidth query groups the datastore's samples", "[usage][bandwidth]") {
  TempRoot root;
  bob_with_everything(root);
  record_bandwidth(root);
  const auto before = snapshot(root);
  CHECK(uapi_at_now(root, {"Bandwidth", "query", "grouping=domain"}) ==
        nlohmann::json({{"UNKNOWN", 1048576}, {"bob.example", 3145827}}));
  CHECK(uapi_at_now(root, {"Bandwidth", "query", "grouping=protocol|year_month", "start=1790000000"}) ==
        nlohmann::json({{"ftp", {{"1793491200", 1048576}}}, {"http", {{"1793491200", 3145728}}}}));
  CHECK(uapi_at_now(root, {"Bandwidth", "query", "grouping=domain|year", "domains=bob.example", "protocols=http"}) ==
        nlohmann::json({{"bob.example", {{"1672531200", 99}, {"1767225600", 3145728}}}}));
  // Year boundaries in the asked time zone: 2026-01-01 00:00 in Chicago is 06:00 UTC.
  CHECK(uapi_at_now(root, {"Bandwidth", "query", "grouping=year|protocol", "protocols=ftp",
                           "timezone=America/Chicago"}) == nlohmann::json({{"1767247200", {{"ftp", 1048576}}}}));
  // whmkit keeps daily samples only.
  CHECK(uapi_at_now(root, {"Bandwidth", "query", "grouping=domain", "interval=hourly"}) == nlohmann::json::object());
  CHECK(uapi_at_now(root, {"Bandwidth", "get_enabled_protocols"}) ==
        nlohmann::json({"ftp", "http", "imap", "pop3", "smtp"}));
  CHECK(uapi_at_now(root, {"Bandwidth", "get_retention_periods"}) == nlohmann::json::array());
  CHECK(snapshot(root) == before);

  expect_cpanel_refused(root, "uapi", "bob", {"Bandwidth", "query"}, "“grouping”");
  expect_cpanel_refused(root, "uapi", "bob", {"Bandwidth", "query", "grouping=year"}, "“domain” or “protocol”");
  expect_cpanel_refused(root, "uapi", "bob", {"Bandwidth", "query", "grouping=domain|year|year_month"},
                        "only one time interval");
  expect_cpanel_refused(root, "uapi", "bob", {"Bandwidth", "query", "grouping=domain", "protocols=gopher"},
                        "“protocols”");
  expect_cpanel_refused(root, "uapi", "bob", {"Bandwidth", "query", "grouping=domain", "timezone=../../../etc/passwd"},
                        "“timezone”");
  expect_cpanel_refused(root, "uapi", "bob", {"Bandwidth", "query", "grouping=domain", "interval=weekly"},
                        "“interval”");
}

TEST_CASE("the bandwidth feature gates Bandwidth and the StatsBar row", "[usage][features]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  run_ok(root, {"add_override_features_for_user", "user=bob", R"(features={"bandwidth":0})"});
  expect_cpanel_refused(root, "uapi", "bob", {"Bandwidth", "query", "grouping=domain"},
                        "You do not have the feature “bandwidth”.");
  expect_cpanel_refused(root, "uapi", "bob", {"Bandwidth", "get_enabled_protocols"},
                        "You do not have the feature “bandwidth”.");
  auto stats = uapi_ok(root, "bob", {"StatsBar", "get_stats", "display=bandwidthusage|diskusage"});
  const auto rows = stats["result"]["data"];
  REQUIRE(rows.size() == 1);
  CHECK(rows[0]["id"] == "diskusage");
  // Quota and ResourceUsage are for every account.
  uapi_ok(root, "bob", {"Quota", "get_quota_info"});
  uapi_ok(root, "bob", {"ResourceUsage", "get_usages"});
}
