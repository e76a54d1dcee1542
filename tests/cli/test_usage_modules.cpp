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
                                        "email_accounts", "mailing_lists", "autoresponders", "forwarders",
                                        "email_filters", "ftp_accounts"});
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

TEST_CASE("the usage modules count the account's mail", "[usage][usage_mail]") {
  TempRoot root;
  create_account(root, "bob", "bob.example", {"maxpop=10", "maxaddon=2", "maxsub=2"});
  run_ok(root, {"create_subdomain", "domain=shop.bob.example", "document_root=public_html/shop"});
  run_ok(root,
         {"create_parked_domain_for_user", "domain=addon.org", "username=bob", "web_vhost_domain=shop.bob.example"});
  const std::string pw = "password=Sx9!kd7Qz-2p";
  uapi_ok(root, "bob", {"Email", "add_pop", "email=info@bob.example", pw});
  uapi_ok(root, "bob", {"Email", "add_pop", "email=sales@bob.example", pw});
  uapi_ok(root, "bob", {"Email", "add_pop", "email=shop@addon.org", pw});
  uapi_ok(root, "bob",
          {"Email", "add_forwarder", "domain=bob.example", "email=sales@bob.example", "fwdopt=fwd",
           "fwdemail=boss@elsewhere.example"});
  uapi_ok(root, "bob",
          {"Email", "add_forwarder", "domain=addon.org", "email=orders@addon.org", "fwdopt=fwd",
           "fwdemail=shop@addon.org"});
  uapi_ok(root, "bob",
          {"Email", "add_auto_responder", "email=info", "domain=bob.example", "from=Bob", "subject=Away",
           "body=Back soon.", "is_html=0", "interval=24", "start=1700000000", "stop=1800000000"});
  // An account-level filter and one of info@'s.
  uapi_ok(root, "bob",
          {"Email", "store_filter", "filtername=junk", "part1=$header_subject:", "match1=contains", "val1=pills",
           "action1=save", "dest1=/dev/null"});
  uapi_ok(root, "bob",
          {"Email", "store_filter", "account=info@bob.example", "filtername=boss", "part1=$header_from:", "match1=is",
           "val1=boss@corp.example", "action1=finish"});
  // A shadow file that does not parse is not read to count mailboxes.
  root.write("home/bob/etc/bob.example/shadow", "not a shadow line\n");
  const auto before = snapshot(root);

  // The same figures as the Email module's own counts.
  CHECK(uapi_ok(root, "bob", {"Email", "count_forwarders"})["result"]["data"] == 2);
  CHECK(uapi_ok(root, "bob", {"Email", "count_filters"})["result"]["data"] == 2);
  CHECK(uapi_ok(root, "bob", {"Email", "count_auto_responders"})["result"]["data"] == 1);

  const auto usages = uapi_ok(root, "bob", {"ResourceUsage", "get_usages"})["result"]["data"];
  CHECK(row_named(usages, "email_accounts")["usage"] == 3);
  CHECK(row_named(usages, "email_accounts")["maximum"] == 10);
  CHECK(row_named(usages, "forwarders")["usage"] == 2);
  CHECK(row_named(usages, "email_filters")["usage"] == 2);
  CHECK(row_named(usages, "autoresponders")["usage"] == 1);
  CHECK(row_named(usages, "mailing_lists") == nlohmann::json({{"description", "Mailing Lists"},
                                                              {"formatter", nullptr},
                                                              {"id", "mailing_lists"},
                                                              {"maximum", nullptr},
                                                              {"usage", 0}}));

  const auto rows = uapi_ok(
      root, "bob",
      {"StatsBar", "get_stats", "display=emailaccounts|emailforwarders|emailfilters|autoresponders"})["result"]["data"];
  REQUIRE(rows.size() == 4);
  CHECK(rows[0]["id"] == "emailaccounts");
  CHECK(rows[0]["count"] == "3");
  CHECK(rows[0]["max"] == "10");
  CHECK(rows[0]["percent"] == 30);
  CHECK(rows[1]["id"] == "emailforwarders");
  CHECK(rows[1]["count"] == "2");
  CHECK(rows[1]["_max"] == "unlimited");
  CHECK(rows[1]["feature"] == "forwarders");
  CHECK(rows[2]["id"] == "emailfilters");
  CHECK(rows[2]["count"] == "2");
  CHECK(rows[2]["feature"] == "blockers");
  CHECK(rows[3]["id"] == "autoresponders");
  CHECK(rows[3]["count"] == "1");
  CHECK(rows[3]["feature"] == "autoresponders");

  // The addon domain's own mail, for the conversion.
  const auto details = run_ok(root, {"convert_addon_fetch_domain_details", "domain=addon.org"})["data"];
  CHECK(details["number_of_email_accounts"] == 1);
  CHECK(details["number_of_email_forwarders"] == 1);
  CHECK(details["number_of_autoresponders"] == 0);
  CHECK(details["number_of_domain_forwarders"] == 0);
  CHECK(snapshot(root) == before);  // counting only reads
  uapi_ok(root, "bob", {"Email", "add_domain_forwarder", "domain=addon.org", "destdomain=bob.example"});
  CHECK(run_ok(root,
               {"convert_addon_fetch_domain_details", "domain=addon.org"})["data"]["number_of_domain_forwarders"] == 1);

  // A feature turned off leaves its row out.
  run_ok(root, {"add_override_features_for_user", "user=bob", R"(features={"forwarders":0})"});
  const auto gated =
      uapi_ok(root, "bob", {"StatsBar", "get_stats", "display=emailforwarders|emailaccounts"})["result"]["data"];
  REQUIRE(gated.size() == 1);
  CHECK(gated[0]["id"] == "emailaccounts");
}
