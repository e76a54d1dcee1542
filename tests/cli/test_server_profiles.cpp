// Server profiles and roles (commands/server_profiles.cpp): the profiles
// offered, the current one, a role's state, and an activation's touch files.
#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {

std::vector<std::string> modules(const nlohmann::json& roles) {
  std::vector<std::string> out;
  for (const auto& r : roles) out.push_back(r["module"]);
  return out;
}

bool role_enabled(const TempRoot& root, const std::string& role) {
  auto data = run_ok(root, {"is_role_enabled", "role=" + role})["data"];
  return data["enabled"] == 1;
}

}  // namespace

TEST_CASE("get_available_profiles: STANDARD first, each with its roles", "[server_profiles]") {
  TempRoot root;
  const auto profiles = run_ok(root, {"get_available_profiles"})["data"]["profiles"];
  REQUIRE(profiles.size() == 4);
  CHECK(profiles[0]["code"] == "STANDARD");
  CHECK(profiles[1]["code"] == "DNSNODE");
  CHECK(profiles[2]["code"] == "MAILNODE");
  CHECK(profiles[3]["code"] == "DATABASENODE");
  CHECK(profiles[3]["experimental"] == 1);
  CHECK(profiles[0]["experimental"] == 0);
  CHECK(profiles[0]["enabled_roles"].size() == 14);
  CHECK(profiles[0]["disabled_roles"].empty());
  CHECK(profiles[0]["enabled_roles"][0] ==
        nlohmann::json({{"description", "Calendars and Contacts provides CalDAV and CardDAV services."},
                        {"module", "CalendarContact"},
                        {"name", "Calendars and Contacts"}}));
  const auto& mail = profiles[2];
  CHECK(mail["name"] == "Mail");
  CHECK(mail["description"] ==
        "This profile provides only services and cPanel features that allow the system to serve mail.");
  CHECK(modules(mail["optional_roles"]) == std::vector<std::string>{"DNS", "MySQL", "Postgres", "SpamFilter"});
  CHECK(modules(mail["disabled_roles"]) == std::vector<std::string>{"FTP", "FileStorage", "WebDisk", "WebServer"});
  expect_refused(root, {"--strict", "get_available_profiles", "code=X"}, "“code”");
}

TEST_CASE("a fresh server is STANDARD with every role enabled", "[server_profiles]") {
  TempRoot root;
  auto current = run_ok(root, {"get_current_profile"})["data"];
  CHECK(current["code"] == "STANDARD");
  CHECK(current["name"] == "Standard");
  CHECK(current["disabled_roles"].empty());
  for (const char* role :
       {"CalendarContact", "DNS", "FileStorage", "FTP", "MailLocal", "MailReceive", "MailRelay", "MailSend", "MySQL",
        "MySQLClient", "Postgres", "PostgresClient", "SpamFilter", "WebDisk", "Webmail", "WebServer"})
    CHECK(role_enabled(root, role));
  expect_refused(root, {"is_role_enabled", "role=ftp"}, "role");
  expect_refused(root, {"is_role_enabled"}, "role");
}

TEST_CASE("start_profile_activation writes the role touch files; the profile follows", "[server_profiles]") {
  TempRoot root;
  auto started = run_ok(root, {"start_profile_activation", "code=MAILNODE", R"(optional={"DNS":1,"MySQL":0})"});
  const std::string log_id = started["data"]["log_id"];
  CHECK(log_id.find('.') != std::string::npos);
  CHECK_THAT(started["metadata"]["output"]["warnings"].dump(), Contains("whmkit does not install, start or stop"));
  for (const char* off : {"ftp", "filestorage", "webdisk", "webserver", "mysql", "postgres", "spamfilter"})
    CHECK(root.exists(std::string("var/cpanel/disabled_roles/") + off));
  for (const char* on : {"dns", "mailreceive", "mailrelay", "webmail", "calendarcontact"})
    CHECK_FALSE(root.exists(std::string("var/cpanel/disabled_roles/") + on));
  CHECK_THAT(root.file("var/cpanel/logs/activate_profile/" + log_id + ".log"),
             Contains("The system is set to the “Mail” profile."));

  auto current = run_ok(root, {"get_current_profile"})["data"];
  CHECK(current["code"] == "MAILNODE");
  CHECK_FALSE(role_enabled(root, "FTP"));
  CHECK_FALSE(role_enabled(root, "MySQLClient"));
  CHECK(role_enabled(root, "DNS"));
  CHECK(role_enabled(root, "MailSend"));
  // A MySQL server elsewhere still gives the accounts a MySQL client.
  root.write("root/.my.cnf", "[client]\nuser=root\nhost=\"db.example.net\"\n");
  CHECK(role_enabled(root, "MySQLClient"));

  // Back to STANDARD: every touch file goes.
  run_ok(root, {"start_profile_activation", "code=STANDARD"});
  CHECK(run_ok(root, {"get_current_profile"})["data"]["code"] == "STANDARD");
  CHECK_FALSE(root.exists("var/cpanel/disabled_roles/ftp"));
  CHECK(role_enabled(root, "FTP"));
}

TEST_CASE("start_profile_activation refuses a bad code or optional roles, and changes nothing", "[server_profiles]") {
  TempRoot root;
  expect_refused(root, {"start_profile_activation", "code=WEBNODE"}, "code");
  expect_refused(root, {"start_profile_activation"}, "code");
  expect_refused(root, {"start_profile_activation", "code=MAILNODE", "optional=DNS"}, "“optional”");
  expect_refused(root, {"start_profile_activation", "code=MAILNODE", R"(optional={"Nope":1})"},
                 "“Nope” is not a server role.");
  expect_refused(root, {"start_profile_activation", "code=MAILNODE", R"(optional={"DNS":[1]})"}, "must be 1 or 0");
}
