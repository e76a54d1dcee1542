// The Notifications and Connections functions (commands/notifications.cpp,
// commands/licensing.cpp): the Contact Manager's importances, the contact
// address, what the test messages do without a server to take them, ICQ,
// the Security Advisor, analytics and the license. The messages themselves
// arriving at a server: tests/shell/test_notifications.sh.
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {

const char* kImportances = "var/cpanel/icontact_event_importance.json";

nlohmann::json importances_file(const TempRoot& root) { return nlohmann::json::parse(root.file(kImportances)); }

// A loopback port nothing listens on (bound, then closed).
int closed_port() {
  int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ::bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  ::getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  ::close(fd);
  return ntohs(a.sin_port);
}

}  // namespace

TEST_CASE("get_all_contact_importances: cPanel's defaults, sorted by application and event", "[notifications]") {
  TempRoot root;
  auto all = run_ok(root, {"get_all_contact_importances"})["data"]["importances"];
  REQUIRE(all.size() > 100);
  CHECK(all[0] == nlohmann::json({{"app", "Accounts"}, {"event", "*"}, {"importance", 3}, {"name", "Low"}}));
  bool found = false;
  for (const auto& row : all)
    if (row["app"] == "Backup" && row["event"] == "Failure") {
      found = true;
      CHECK(row["importance"] == 1);
      CHECK(row["name"] == "High");
    }
  CHECK(found);
  CHECK_FALSE(root.exists(kImportances));  // reading writes nothing
}

TEST_CASE("set_application_contact_importance and the event's importance falling back to it", "[notifications]") {
  TempRoot root;
  auto check = run_ok(root, {"get_application_contact_importance", "app=Check"})["data"];
  CHECK(check == nlohmann::json({{"importance", 3}, {"name", "Low"}}));
  run_ok(root, {"set_application_contact_importance", "app=Check", "importance=Disabled"});
  CHECK(importances_file(root)["Check"]["*"] == 0);
  CHECK(importances_file(root)["Backup"]["Failure"] == 1);  // the defaults are kept in the file, as cPanel does
  CHECK(run_ok(root, {"get_application_contact_importance", "app=Check"})["data"] ==
        nlohmann::json({{"importance", 0}, {"name", "Disabled"}}));
  // An event without a setting of its own takes the application's.
  CHECK(run_ok(root, {"get_application_contact_event_importance", "app=Check", "event=Nothing"})["data"]["name"] ==
        "Disabled");
  // One with its own keeps it.
  CHECK(run_ok(root, {"get_application_contact_event_importance", "app=Check", "event=Hack"})["data"]["name"] ==
        "High");
  // An application nobody knows is Low.
  CHECK(run_ok(root, {"get_application_contact_importance", "app=Unknown"})["data"]["importance"] == 3);
  // Numbers work as names do.
  run_ok(root, {"set_application_contact_importance", "app=Quota", "importance=2"});
  CHECK(importances_file(root)["Quota"]["*"] == 2);
}

TEST_CASE("set_application_contact_event_importance sets one event", "[notifications]") {
  TempRoot root;
  run_ok(root, {"set_application_contact_event_importance", "app=Check", "event=SecurityAdvisorStateChange",
                "importance=Medium"});
  CHECK(importances_file(root)["Check"]["SecurityAdvisorStateChange"] == 2);
  CHECK(importances_file(root)["Check"]["*"] == 3);
  auto got =
      run_ok(root, {"get_application_contact_event_importance", "app=Check", "event=SecurityAdvisorStateChange"});
  CHECK(got["data"] == nlohmann::json({{"importance", 2}, {"name", "Medium"}}));
  // A new application may be set before it is installed.
  run_ok(root, {"set_application_contact_event_importance", "app=Future", "event=Ready", "importance=High"});
  auto all = run_ok(root, {"get_all_contact_importances"})["data"]["importances"];
  CHECK(all.dump().find(R"({"app":"Future","event":"Ready","importance":1,"name":"High"})") != std::string::npos);
}

TEST_CASE("contact importances: the legacy iclevels.conf is read until the JSON file exists", "[notifications]") {
  TempRoot root;
  root.write("var/cpanel/iclevels.conf", "Check 1\nBackup 0\n");
  CHECK(run_ok(root, {"get_application_contact_importance", "app=Check"})["data"]["name"] == "High");
  CHECK(run_ok(root, {"get_application_contact_importance", "app=Backup"})["data"]["name"] == "Disabled");
  run_ok(root, {"set_application_contact_importance", "app=Quota", "importance=High"});
  CHECK(importances_file(root)["Check"]["*"] == 1);  // carried into the new file
}

TEST_CASE("contact importances: bad input is refused and changes nothing", "[notifications]") {
  TempRoot root;
  run_ok(root, {"set_application_contact_importance", "app=Check", "importance=Low"});
  expect_refused(root, {"set_application_contact_importance", "app=Check", "importance=Urgent"}, "“importance”");
  expect_refused(root, {"set_application_contact_importance", "app=Check::Hack", "importance=Low"},
                 "must only contain alphanumeric characters");
  expect_refused(root, {"set_application_contact_importance", "app=../etc", "importance=Low"}, "“app”");
  expect_refused(root, {"set_application_contact_importance", "app=1Check", "importance=Low"},
                 "Invalid application: “1Check”");
  expect_refused(root, {"set_application_contact_event_importance", "app=Check", "event=9lives", "importance=Low"},
                 "Invalid event: “9lives”");
  expect_refused(root, {"set_application_contact_event_importance", "app=Check", "importance=Low"}, "“event”");
  expect_refused(root, {"get_application_contact_event_importance", "app=Check", "event=a b"}, "“event”");
  // A damaged file is reported when read and never rewritten.
  root.write(kImportances, "{\"Check\": {\"*\": 1}");
  auto read = run_ok(root, {"get_application_contact_importance", "app=Quota"});
  CHECK_THAT(read["metadata"]["output"]["warnings"].dump(), Contains("icontact_event_importance.json"));
  expect_refused(root, {"set_application_contact_importance", "app=Check", "importance=Low"}, "cannot be changed");
}

TEST_CASE("update_contact_email: CONTACTEMAIL and where root's mail goes", "[notifications]") {
  TempRoot root;
  root.write("etc/wwwacct.conf", "ADDR 192.0.2.10\nCONTACTEMAIL old@example.net\nNS ns1.example.net\n");
  root.write("etc/localaliases", "root: old@example.net\ncpanel: someone@else.example\n");
  run_ok(root, {"update_contact_email", "contact_email=admin@example.com"});
  CHECK(root.file("etc/wwwacct.conf") == "ADDR 192.0.2.10\nCONTACTEMAIL admin@example.com\nNS ns1.example.net\n");
  // root's went to the old address: now the new one. cpanel's goes elsewhere:
  // kept. nobody's went nowhere: now the new one.
  CHECK(root.file("etc/localaliases") ==
        "root: admin@example.com\ncpanel: someone@else.example\nnobody: admin@example.com\n");
  CHECK(root.file("root/.forward") == "admin@example.com\n");
  // An empty address clears it.
  run_ok(root, {"update_contact_email", "contact_email="});
  CHECK(root.file("etc/wwwacct.conf") == "ADDR 192.0.2.10\nCONTACTEMAIL \nNS ns1.example.net\n");
  CHECK(root.file("etc/localaliases") == "cpanel: someone@else.example\n");
}

TEST_CASE("update_contact_email: a bad address is refused and changes nothing", "[notifications]") {
  TempRoot root;
  root.write("etc/wwwacct.conf", "CONTACTEMAIL old@example.net\n");
  expect_refused(root, {"update_contact_email", "contact_email=not an address"}, "is not a valid email address");
  expect_refused(root, {"update_contact_email", "contact_email=a@b.example%0ANS evil"}, "“contact_email”");
  expect_refused(root, {"update_contact_email"}, "“contact_email”");
}

TEST_CASE("send_test_posturl: a server that does not answer fails the call with its error", "[notifications]") {
  TempRoot root;
  std::string url = "http://127.0.0.1:" + std::to_string(closed_port()) + "/events";
  auto r = run(root, {"send_test_posturl", "url=" + url}).json();
  CHECK(r["metadata"]["result"] == 0);
  CHECK(r["metadata"]["reason"] == "Internal Exception");
  CHECK(r["data"]["message_id"].get<std::string>().size() == 4);
  CHECK(r["data"]["payload"]["status"] == "599");
  CHECK(r["data"]["payload"]["url"] == url);
  CHECK_FALSE(r["data"]["error"].get<std::string>().empty());
  // Under a test root nothing goes beyond loopback; a URL that is not http(s) goes nowhere.
  auto outside = run(root, {"send_test_posturl", "url=https://www.example.com/events.cgi?apikey=1"}).json();
  CHECK(outside["metadata"]["result"] == 0);
  CHECK_THAT(outside["data"]["error"].get<std::string>(), Contains("sends only to this machine"));
  auto file = run(root, {"send_test_posturl", "url=file:///etc/passwd"}).json();
  CHECK_THAT(file["data"]["error"].get<std::string>(), Contains("is not an http:// or https:// URL"));
  expect_refused(root, {"send_test_posturl"}, "“url”");
}

TEST_CASE("send_test_pushbullet_note: an unreachable API fails the call", "[notifications]") {
  TempRoot root;
  std::string api = "http://127.0.0.1:" + std::to_string(closed_port()) + "/v2";
  auto r = run_program(
               {WHMAPI1_PATH, "--root=" + root.path, "--output=json", "send_test_pushbullet_note", "access_token=abc"},
               {{"WHMKIT_PUSHBULLET_API", api}})
               .json();
  CHECK(r["metadata"]["result"] == 0);
  CHECK_THAT(r["metadata"]["reason"].get<std::string>(),
             Contains("The system failed to send a note via Pushbullet because of an error"));
  expect_refused(root, {"send_test_pushbullet_note", "access_token="}, "“access_token”");
}

TEST_CASE("verify_*_access: no targets configured, no results", "[notifications]") {
  TempRoot root;
  for (const char* fn : {"verify_posturl_access", "verify_pushbullet_access", "verify_slack_access"})
    CHECK(run_ok(root, {fn})["data"] == nlohmann::json({{"results", nlohmann::json::array()}}));
}

TEST_CASE("ICQ: the service is gone; an incomplete configuration is named first", "[notifications]") {
  TempRoot root;
  expect_refused(root, {"verify_icq_access"}, "The “ICQ” service is not configured completely.");
  root.write("etc/wwwacct.conf", "CONTACTUIN 123456\n");
  root.write("etc/wwwacct.conf.shadow", "ICQUSER 654321\nICQPASS secret\n");
  expect_refused(root, {"verify_icq_access"}, "The ICQ service shut down on June 26, 2024");
  expect_refused(root, {"verify_oscar_access", "username=654321", "password=secret"}, "ICQ service shut down");
  expect_refused(root, {"verify_oscar_access", "username=654321"}, "“password”");
}

TEST_CASE("fetch_security_advice: no Security Advisor, an honest failure", "[notifications]") {
  TempRoot root;
  expect_refused(root, {"fetch_security_advice"}, "Security Advisor");
}

TEST_CASE("participate_in_analytics: cPanel's touch file", "[notifications][licensing]") {
  TempRoot root;
  const char* toggle = "var/cpanel/feature_toggles/analytics_ui_includes";
  run_ok(root, {"participate_in_analytics", "enabled=1"});
  CHECK(root.exists(toggle));
  run_ok(root, {"participate_in_analytics", "enabled=1"});
  CHECK(root.exists(toggle));
  run_ok(root, {"participate_in_analytics", "enabled=0"});
  CHECK_FALSE(root.exists(toggle));
  expect_refused(root, {"participate_in_analytics", "enabled=2"}, "“enabled”");
  expect_refused(root, {"participate_in_analytics"}, "“enabled”");
}

TEST_CASE("purchase_a_license and run_cpkeyclt: cPanel's servers only, an honest failure",
          "[notifications][licensing]") {
  TempRoot root;
  expect_refused(root,
                 {"purchase_a_license", "provider=cPStore", "url_after_checkout=http://host.example.com",
                  "login_token=1a676e6f-99fc-11e6-9ab6-e60a769b73bc"},
                 "cPanel’s Store");
  expect_refused(root,
                 {"purchase_a_license", "provider=cPStore", "url_after_checkout=javascript:alert(1)", "login_token=x"},
                 "“url_after_checkout”");
  expect_refused(root, {"purchase_a_license", "provider=cPStore", "login_token=x"}, "“url_after_checkout”");
  // Under a test root cPanel's license client is never run.
  expect_refused(root, {"run_cpkeyclt"}, "Error: The system could not update the license");
}
