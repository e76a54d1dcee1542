// The account's own settings modules, run as the real programs: NVData and
// Personalization (~/.cpanel/nvdata), Features, Locale (the cpuser file's
// LOCALE), ContactInformation and API 2 CustInfo (CONTACTEMAIL*,
// ~/.cpanel/contactinfo), Variables.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>
#include <sstream>

#include "file_checks.hpp"
#include "harness.hpp"

using test::api2_ok;
using test::cpanel_error;
using test::create_account;
using test::expect_cpanel_refused;
using test::lstat_of;
using test::run;
using test::run_cpanel;
using test::run_ok;
using test::snapshot;
using test::TempRoot;
using test::uapi_ok;
using test::uid_of;

namespace {

// The cpuser file's "KEY=value" line for `key`, or "".
std::string cpuser_line(const TempRoot& root, const std::string& user, const std::string& key) {
  std::istringstream lines(root.file("var/cpanel/users/" + user));
  for (std::string line; std::getline(lines, line);)
    if (line.rfind(key + "=", 0) == 0) return line;
  return "";
}

}  // namespace

// ---- NVData / Personalization ------------------------------------------

TEST_CASE("NVData and Personalization keep one file per name in ~/.cpanel/nvdata, as the account", "[nvdata]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto set = uapi_ok(root, "bob", {"NVData", "set", "names=theme|size", "theme=dark", "size=12"});
  CHECK(set["result"]["data"] ==
        nlohmann::json::parse(R"([{"set":"theme","value":"dark"},{"set":"size","value":"12"}])"));
  CHECK(root.file("home/bob/.cpanel/nvdata/theme") == "dark");
  CHECK(root.file("home/bob/.cpanel/nvdata/size") == "12");
  const unsigned uid = uid_of(root, "bob");
  CHECK(lstat_of(root, "home/bob/.cpanel/nvdata/theme").st_uid == uid);
  CHECK((lstat_of(root, "home/bob/.cpanel/nvdata").st_mode & 07777) == 0700);

  auto get = uapi_ok(root, "bob", {"NVData", "get", "names=theme|missing", "default=none"});
  CHECK(get["result"]["data"] ==
        nlohmann::json::parse(R"([{"name":"theme","value":"dark"},{"name":"missing","value":"none"}])"));

  // Personalization reads and writes the same files.
  auto p = uapi_ok(root, "bob", {"Personalization", "get", "names=theme", "names=never"});
  CHECK(p["result"]["data"]["personalization"]["theme"] ==
        nlohmann::json::parse(R"({"reason":"OK","success":1,"value":"dark"})"));
  CHECK(p["result"]["data"]["personalization"]["never"]["value"].is_null());
  uapi_ok(root, "bob", {"Personalization", "set", R"(personalization={"theme":"light","a/b":"x"})"});
  CHECK(root.file("home/bob/.cpanel/nvdata/theme") == "light");
  CHECK(root.file("home/bob/.cpanel/nvdata/ab") == "x");  // "/" is dropped from the file name, as in cPanel

  // API 2: get and set with names=a|b.
  auto a2 = api2_ok(root, "bob", {"NVData", "set", "names=lang", "lang=fr"});
  CHECK(a2["data"] == nlohmann::json::parse(R"([{"set":"lang"}])"));
  auto g2 = api2_ok(root, "bob", {"NVData", "get", "names=lang|theme"});
  CHECK(g2["data"][0]["value"] == "fr");
  CHECK(g2["data"][1]["value"] == "light");

  // WHM's passthrough reaches the same store.
  auto pass =
      run_ok(root, {"uapi_cpanel", "cpanel.user=bob", "cpanel.module=NVData", "cpanel.function=get", "names=lang"});
  CHECK(pass["data"]["uapi"]["data"][0]["value"] == "fr");
}

TEST_CASE("NVData refuses names that are not file names and never writes through a symlink", "[nvdata]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  expect_cpanel_refused(root, "uapi", "bob", {"NVData", "set", "names=..", "..=x"}, "is not a name that can be stored");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"NVData", "set", "names=" + std::string(129, 'n'), std::string(129, 'n') + "=x"},
                        "Names can only be 128 characters.");
  expect_cpanel_refused(root, "uapi", "bob", {"Personalization", "set", "personalization=[1]"}, "JSON object");
  expect_cpanel_refused(root, "uapi", "bob", {"Personalization", "get"}, "names");
  // A symlink planted where the store lives is refused, not followed.
  std::filesystem::create_directories(root.path + "/home/bob/.cpanel");
  std::filesystem::create_directories(root.path + "/etc/elsewhere");
  std::filesystem::create_directory_symlink(root.path + "/etc/elsewhere", root.path + "/home/bob/.cpanel/nvdata");
  expect_cpanel_refused(root, "uapi", "bob", {"NVData", "set", "names=x", "x=1"}, "symbolic link");
  CHECK(!root.exists("etc/elsewhere/x"));
}

// ---- Features ------------------------------------------------------------

TEST_CASE("Features answers from the account's feature list and overrides", "[features][account_modules]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  run_ok(root, {"add_override_features_for_user", "user=bob", R"(features={"autossl":0})"});

  auto has = uapi_ok(root, "bob", {"Features", "has_feature", "name=ftpaccts"});
  CHECK(has["result"]["status"] == 1);
  CHECK(has["result"]["messages"].is_null());

  auto off = run_cpanel(root, "uapi", "bob", {"Features", "has_feature", "name=autossl"}).json();
  CHECK(off["result"]["status"] == 0);
  CHECK(off["result"]["errors"].is_null());
  CHECK(off["result"]["messages"][0] == "The feature “autossl” exists but is not enabled.");

  auto none = run_cpanel(root, "uapi", "bob", {"Features", "has_feature", "name=no_such_feature"}).json();
  CHECK(none["result"]["status"] == 0);
  CHECK(none["result"]["messages"].is_null());
  CHECK(none["result"]["errors"].is_null());

  auto list = uapi_ok(root, "bob", {"Features", "list_features"});
  CHECK(list["result"]["data"]["autossl"] == 0);
  CHECK(list["result"]["data"]["ftpaccts"] == 1);

  root.write("usr/local/cpanel/whostmgr/addonfeatures/sitejet", "sitejet:Sitejet Builder\n");
  auto meta = uapi_ok(root, "bob", {"Features", "get_feature_metadata"});
  bool saw_builtin = false, saw_plugin = false;
  const auto data = meta["result"]["data"];
  for (const auto& f : data) {
    if (f["id"] == "ftpaccts") saw_builtin = f["is_plugin"] == 0 && f["name"] == "FTP Accounts";
    if (f["id"] == "sitejet") saw_plugin = f["is_plugin"] == 1 && f["name"] == "Sitejet Builder";
  }
  CHECK(saw_builtin);
  CHECK(saw_plugin);
  expect_cpanel_refused(root, "uapi", "bob", {"Features", "has_feature"}, "name");
}

// ---- Locale --------------------------------------------------------------

TEST_CASE("Locale lists cPanel's locales and sets the account's LOCALE", "[locale]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto attrs = uapi_ok(root, "bob", {"Locale", "get_attributes"});
  CHECK(attrs["result"]["data"] == nlohmann::json::parse(R"({"direction":"ltr","encoding":"utf-8","locale":"en"})"));

  auto list = uapi_ok(root, "bob", {"Locale", "list_locales"});
  bool saw_german = false;
  const auto locales = list["result"]["data"];
  for (const auto& l : locales)
    if (l["locale"] == "de")
      saw_german = l["name"] == "German" && l["local_name"] == "Deutsch" && l["direction"] == "ltr";
  CHECK(saw_german);

  // An older account: a legacy LANG name and no LOCALE.
  std::string record = root.file("var/cpanel/users/bob");
  record.replace(record.find("LANG=en\n"), 8, "LANG=french\n");
  record.erase(record.find("LOCALE=en\n"), 10);
  root.write("var/cpanel/users/bob", record);
  auto legacy = uapi_ok(root, "bob", {"Locale", "get_attributes", "attributes=locale"});
  CHECK(legacy["result"]["data"]["locale"] == "fr");
  uapi_ok(root, "bob", {"Locale", "set_locale", "locale=ar"});
  CHECK(cpuser_line(root, "bob", "LOCALE") == "LOCALE=ar");
  CHECK(cpuser_line(root, "bob", "LANG").empty());  // dropped with the change, as cPanel does
  auto named = uapi_ok(root, "bob", {"Locale", "get_attributes", "attributes=locale,name,direction,bogus"});
  CHECK(named["result"]["data"] == nlohmann::json::parse(R"({"direction":"rtl","locale":"ar","name":"العربية"})"));
  CHECK(named["result"]["warnings"][0] == "Unknown attribute: bogus");

  expect_cpanel_refused(root, "uapi", "bob", {"Locale", "set_locale", "locale=xx_nowhere"},
                        "Unable to set locale, please specify a valid country code.");
  expect_cpanel_refused(root, "uapi", "bob", {"Locale", "set_locale"}, "locale");
}

// ---- ContactInformation / CustInfo -----------------------------------------

TEST_CASE("ContactInformation changes the contact addresses after the password and the old list", "[contact]") {
  TempRoot root;
  create_account(root, "bob", "bob.example", {"contactemail=old@example.net"});
  expect_cpanel_refused(root, "uapi", "bob",
                        {"ContactInformation", "set_email_addresses", "address=new@example.org",
                         "old_address=old@example.net", "password=wrong"},
                        "Incorrect password given.");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"ContactInformation", "set_email_addresses", "address=new@example.org",
                         "old_address=stale@example.net", "password=Secret-pass1"},
                        "old_address list is incorrect");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"ContactInformation", "set_email_addresses", "address=a@example.org", "address=b@example.org",
                         "address=c@example.org", "old_address=old@example.net", "password=Secret-pass1"},
                        "Give no more than 2 email addresses.");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"ContactInformation", "set_email_addresses", "address=not an address",
                         "old_address=old@example.net", "password=Secret-pass1"},
                        "address");

  uapi_ok(root, "bob",
          {"ContactInformation", "set_email_addresses", "address=new@example.org", "address=two@example.org",
           "old_address=old@example.net", "password=Secret-pass1"});
  CHECK(cpuser_line(root, "bob", "CONTACTEMAIL") == "CONTACTEMAIL=new@example.org");
  CHECK(cpuser_line(root, "bob", "CONTACTEMAIL2") == "CONTACTEMAIL2=two@example.org");
  auto emails = api2_ok(root, "bob", {"CustInfo", "contactemails"});
  CHECK(emails["data"][0]["name"] == "email");
  CHECK(emails["data"][0]["value"] == "new@example.org");
  CHECK(emails["data"][1]["value"] == "two@example.org");

  uapi_ok(root, "bob",
          {"ContactInformation", "unset_email_addresses", "old_address=two@example.org", "old_address=new@example.org",
           "password=Secret-pass1"});
  CHECK(cpuser_line(root, "bob", "CONTACTEMAIL") == "CONTACTEMAIL=");

  // Gated by either contact feature.
  run_ok(root,
         {"add_override_features_for_user", "user=bob", R"(features={"updatecontact":0,"updatenotificationprefs":0})"});
  expect_cpanel_refused(root, "uapi", "bob", {"ContactInformation", "unset_email_addresses", "password=Secret-pass1"},
                        "You do not have the feature “updatecontact” or “updatenotificationprefs”.");
  run_ok(root, {"add_override_features_for_user", "user=bob", R"(features={"updatenotificationprefs":1})"});
  uapi_ok(root, "bob", {"ContactInformation", "unset_email_addresses", "password=Secret-pass1"});
}

TEST_CASE("CustInfo saves notification preferences in ~/.cpanel/contactinfo and the cpuser file", "[contact]") {
  TempRoot root;
  create_account(root, "bob", "bob.example", {"contactemail=old@example.net"});
  auto shown = api2_ok(root, "bob", {"CustInfo", "displaycontactinfo"});
  bool disk_on = false;
  for (const auto& f : shown["data"])
    if (f["name"] == "notify_disk_limit") disk_on = f["enabled"] == 1 && f["type"] == "boolean";
  CHECK(disk_on);

  auto saved =
      api2_ok(root, "bob", {"CustInfo", "savecontactinfo", "notify_disk_limit=0", "pushbullet_access_token=abc123"});
  bool reported = false;
  for (const auto& f : saved["data"])
    if (f["name"] == "notify_disk_limit") reported = f["display_value"] == "off" && f["value"] == 0;
  CHECK(reported);
  CHECK(root.file("home/bob/.cpanel/contactinfo").find("notify_disk_limit: 0") != std::string::npos);
  CHECK(lstat_of(root, "home/bob/.cpanel/contactinfo").st_uid == uid_of(root, "bob"));
  CHECK(cpuser_line(root, "bob", "notify_disk_limit") == "notify_disk_limit=0");
  CHECK(cpuser_line(root, "bob", "PUSHBULLET_ACCESS_TOKEN") == "PUSHBULLET_ACCESS_TOKEN=abc123");

  auto prefs = api2_ok(root, "bob", {"CustInfo", "contactprefs"});
  bool disk_off = false;
  for (const auto& f : prefs["data"])
    if (f["name"] == "notify_disk_limit") disk_off = f["enabled"] == 0;
  CHECK(disk_off);
  auto info = uapi_ok(root, "bob", {"Variables", "get_user_information", "name=notify_disk_limit"});
  CHECK(info["result"]["data"]["notify_disk_limit"] == 0);

  // The addresses change only through ContactInformation.
  expect_cpanel_refused(root, "cpapi2", "bob", {"CustInfo", "savecontactinfo", "email=evil@example.org"},
                        "Contact email address updates now require authentication.");
  CHECK(cpuser_line(root, "bob", "CONTACTEMAIL") == "CONTACTEMAIL=old@example.net");
}

// ---- Variables -----------------------------------------------------------

TEST_CASE("Variables get_user_information gives the account's settings", "[variables]") {
  TempRoot root;
  create_account(root, "bob", "bob.example", {"contactemail=bob@example.net"});
  auto all = uapi_ok(root, "bob", {"Variables", "get_user_information"});
  const auto d = all["result"]["data"];
  CHECK(d["user"] == "bob");
  CHECK(d["domain"] == "bob.example");
  CHECK(d["home"] == "/home/bob");
  CHECK(d["contact_email"] == "bob@example.net");
  CHECK(d["locale"] == "en");
  CHECK(d["cgi_enabled"].is_number_integer());
  CHECK(d["domains"].is_array());
  CHECK(d["mxcheck"].is_object());
  CHECK(d["feature"].is_object());

  auto some = uapi_ok(root, "bob", {"Variables", "get_user_information", "name-1=home", "name-2=mailbox_format"});
  CHECK(some["result"]["data"] == nlohmann::json::parse(R"({"home":"/home/bob","mailbox_format":"maildir"})"));
  expect_cpanel_refused(root, "uapi", "bob", {"Variables", "get_user_information", "name=password"},
                        "The name parameter has unknown value(s) “password”.");
}
