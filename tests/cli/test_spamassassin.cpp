// Apache SpamAssassin for an account: the UAPI Email switches and settings,
// spam auto-delete as a filter, and UAPI SpamAssassin's preferences and
// spam box; the files each leaves, bad input refused with nothing changed.
#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;

TEST_CASE("enable/disable SpamAssassin and the spam box, and the settings they show", "[email][spam]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto off = uapi_ok(root, "bob", {"Email", "disable_spam_assassin"});
  CHECK(off["result"]["messages"][0] == "Apache SpamAssassin™ has been disabled.");
  CHECK(root.exists("home/bob/.spamassassindisable"));
  auto settings = uapi_ok(root, "bob", {"Email", "get_spam_settings"})["result"]["data"];
  CHECK(settings["spam_enabled"] == 0);
  uapi_ok(root, "bob", {"Email", "enable_spam_assassin"});
  CHECK(!root.exists("home/bob/.spamassassindisable"));
  CHECK(root.exists("home/bob/.spamassassinenable"));

  uapi_ok(root, "bob", {"Email", "enable_spam_box"});
  CHECK(root.exists("home/bob/.spamassassinboxenable"));
  settings = uapi_ok(root, "bob", {"Email", "get_spam_settings"})["result"]["data"];
  CHECK(settings["spam_enabled"] == 1);
  CHECK(settings["spam_box_enabled"] == 1);
  CHECK(settings["spam_auto_delete"] == 0);
  CHECK(settings["spam_auto_delete_score"].is_null());
  uapi_ok(root, "bob", {"Email", "disable_spam_box"});
  CHECK(!root.exists("home/bob/.spamassassinboxenable"));
}

TEST_CASE("add_spam_filter discards mail by its spam bar; disable_spam_autodelete removes it", "[email][spam]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  uapi_ok(root, "bob", {"Email", "add_spam_filter", "required_score=8"});
  CHECK_THAT(root.file("etc/vfilters/bob.example"),
             Catch::Matchers::Contains(" $h_X-Spam-Bar: contains \"++++++++\"\nthen\n save \"/dev/null\" 660\n"));
  auto settings = uapi_ok(root, "bob", {"Email", "get_spam_settings"})["result"]["data"];
  CHECK(settings["spam_auto_delete"] == 1);
  CHECK(settings["spam_auto_delete_score"] == 8);
  CHECK(settings["cpuser_spam_auto_delete_score"] == 8);
  auto j = uapi_ok(root, "bob", {"Email", "disable_spam_autodelete"});
  CHECK(j["result"]["data"] == nlohmann::json({{"spam_auto_delete", 0}}));
  CHECK_THAT(root.file("etc/vfilters/bob.example"), !Catch::Matchers::Contains("X-Spam-Bar"));
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "add_spam_filter", "required_score=0"},
                        "Invalid value for parameter “required_score”");
}

TEST_CASE("SpamAssassin user preferences in ~/.spamassassin/user_prefs", "[email][spam]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  root.write("home/bob/.spamassassin/user_prefs", "# my rules\nrequired_score 5\nok_locales all\n");
  auto j = uapi_ok(root, "bob",
                   {"SpamAssassin", "update_user_preference", "preference=whitelist_from", "value=friend@example.com",
                    "value-1=*@corp.example"});
  CHECK(j["result"]["data"]["whitelist_from"] == nlohmann::json::array({"friend@example.com", "*@corp.example"}));
  CHECK(root.file("home/bob/.spamassassin/user_prefs") ==
        "# my rules\nrequired_score 5\nok_locales all\nwhitelist_from friend@example.com\nwhitelist_from "
        "*@corp.example\n");
  uapi_ok(root, "bob", {"SpamAssassin", "update_user_preference", "preference=required_score", "value=6.5"});
  auto prefs = uapi_ok(root, "bob", {"SpamAssassin", "get_user_preferences"})["result"]["data"];
  CHECK(prefs["required_score"] == nlohmann::json::array({6.5}));
  CHECK(prefs["ok_locales"] == nlohmann::json::array({"all"}));
  // No value: the preference is gone.
  uapi_ok(root, "bob", {"SpamAssassin", "update_user_preference", "preference=whitelist_from"});
  CHECK_THAT(root.file("home/bob/.spamassassin/user_prefs"), !Catch::Matchers::Contains("whitelist_from"));

  expect_cpanel_refused(root, "uapi", "bob",
                        {"SpamAssassin", "update_user_preference", "preference=required_score", "value=lots"},
                        "Invalid value for parameter “value”");
  expect_cpanel_refused(
      root, "uapi", "bob",
      {"SpamAssassin", "update_user_preference", "preference=whitelist_from", "value=a@b\nallow_user_rules 1"},
      "control character");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"SpamAssassin", "update_user_preference", "preference=allow_user_rules", "value=1"},
                        "Invalid value for parameter “preference”");
}

TEST_CASE("clear_spam_box empties the spam Maildir and nothing else", "[email][spam]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  root.write("home/bob/mail/.spam/cur/1.host:2,S", "spam 1\n");
  root.write("home/bob/mail/.spam/new/2.host", "spam 2\n");
  root.write("home/bob/mail/cur/3.host:2,S", "ham\n");
  uapi_ok(root, "bob", {"SpamAssassin", "clear_spam_box"});
  CHECK(!root.exists("home/bob/mail/.spam/cur/1.host:2,S"));
  CHECK(!root.exists("home/bob/mail/.spam/new/2.host"));
  CHECK(root.exists("home/bob/mail/.spam/cur"));
  CHECK(root.file("home/bob/mail/cur/3.host:2,S") == "ham\n");
}

TEST_CASE("the SpamAssassin features gate the spam functions", "[email][spam][features]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  run_ok(root, {"add_override_features_for_user", "user=bob", R"(features={"spamassassin":0,"spambox":0})"});
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "disable_spam_assassin"},
                        "You do not have the feature “spamassassin”.");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "enable_spam_box"}, "You do not have the feature “spambox”.");
  expect_cpanel_refused(root, "uapi", "bob", {"SpamAssassin", "clear_spam_box"},
                        "You do not have the feature “spambox”.");
}
