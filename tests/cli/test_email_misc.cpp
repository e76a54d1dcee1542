// The remaining read-mostly Email functions: mailbox autocreation flags,
// charsets from the system's charmaps, Webmail settings, FastMail's switch,
// the domains with forwarders to back up, and SpamAssassin's rule names.
#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;

namespace {
nlohmann::json data_of(const TempRoot& root, const std::vector<std::string>& args) {
  return uapi_ok(root, "bob", args)["result"]["data"];
}
}  // namespace

TEST_CASE("mailbox autocreation is a flag file per mailbox", "[email][autocreate]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  uapi_ok(root, "bob", {"Email", "add_pop", "email=info", "password=Info-pass-77x"});
  const std::string flag = "home/bob/etc/bob.example/info/mailbox_autocreate";
  CHECK(data_of(root, {"Email", "get_mailbox_autocreate", "email=info@bob.example"}) == 0);
  CHECK(data_of(root, {"Email", "enable_mailbox_autocreate", "email=info@bob.example"}) == 1);
  CHECK(root.exists(flag));
  CHECK(data_of(root, {"Email", "get_mailbox_autocreate", "email=INFO@bob.example"}) == 1);
  CHECK(data_of(root, {"Email", "disable_mailbox_autocreate", "email=info@bob.example"}) == 1);
  CHECK(!root.exists(flag));
  CHECK(data_of(root, {"Email", "get_mailbox_autocreate", "email=info@bob.example"}) == 0);

  expect_cpanel_refused(root, "uapi", "bob", {"Email", "enable_mailbox_autocreate", "email=nobody@bob.example"},
                        "The email account “nobody@bob.example” does not exist.");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "enable_mailbox_autocreate", "email=../x@bob.example"},
                        "Invalid value for parameter “email”");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "get_mailbox_autocreate"}, "Missing required parameter “email”");
}

TEST_CASE("charsets come from the system's charmaps", "[email][charsets]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  root.write("usr/share/i18n/charmaps/UTF-8.gz", "");
  root.write("usr/share/i18n/charmaps/ISO-8859-1.gz", "");
  root.write("usr/share/i18n/charmaps/NOT-A-CHARSET-X.gz", "");
  CHECK(data_of(root, {"Email", "fetch_charmaps"}) ==
        nlohmann::json::array({{{"map", "iso-8859-1"}}, {{"map", "not-a-charset-x"}}, {{"map", "utf-8"}}}));
  // Only what iconv can read.
  CHECK(data_of(root, {"Email", "get_charsets"}) == nlohmann::json::array({"iso-8859-1", "utf-8"}));
}

TEST_CASE("Webmail settings, FastMail and forwarder backups", "[email][webmail]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  uapi_ok(root, "bob", {"Email", "add_pop", "email=info", "password=Info-pass-77x"});
  CHECK(data_of(root, {"Email", "get_webmail_settings"}) ==
        nlohmann::json({{"domain", "mail.bob.example"}, {"has_maildir", 1}, {"user", "bob"}}));
  CHECK(data_of(root, {"Email", "get_webmail_settings", "account=info@bob.example"}) ==
        nlohmann::json({{"domain", "mail.bob.example"}, {"has_maildir", 1}, {"user", "info@bob.example"}}));
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "get_webmail_settings", "account=nobody@bob.example"},
                        "does not exist");

  CHECK(data_of(root, {"Email", "check_fastmail"}).is_null());
  root.write("var/cpanel/fastmail", "2\n");
  CHECK(data_of(root, {"Email", "check_fastmail"}) == "2");

  CHECK(data_of(root, {"Email", "list_forwarders_backups"}) == nlohmann::json::array({{{"domain", "bob.example"}}}));
}

TEST_CASE("get_symbolic_test_names reads the installed SpamAssassin rules", "[email][spam]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  CHECK(data_of(root, {"SpamAssassin", "get_symbolic_test_names"}) == nlohmann::json::array());
  root.write("usr/share/spamassassin/20_head_tests.cf",
             "# packaged\nheader SUBJ_ALL_CAPS eval:subject_is_all_caps()\ndescribe SUBJ_ALL_CAPS Subject is all "
             "capitals\nheader FROM_EXAMPLE From =~ /example/\nbody ACT_NOW /act now/i\nmeta __SUB_RULE "
             "(FROM_EXAMPLE)\nmeta BOTH (FROM_EXAMPLE && ACT_NOW)\nuri T_URI /x/\n");
  root.write("usr/share/spamassassin/50_scores.cf", "score SUBJ_ALL_CAPS 0.5 0.6 0.7 1.5\nscore ACT_NOW 2\n");
  root.write("etc/mail/spamassassin/local.cf", "score ACT_NOW 3.25\n");
  auto rules = data_of(root, {"SpamAssassin", "get_symbolic_test_names"});
  CHECK(rules == nlohmann::json::array({
                     {{"key", "ACT_NOW"}, {"rule_type", "body_tests"}, {"score", 3.25}},
                     {{"key", "BOTH"}, {"rule_type", "meta_tests"}, {"score", 1}},
                     {{"key", "FROM_EXAMPLE"}, {"rule_type", "head_tests"}, {"score", 1}},
                     {{"key", "SUBJ_ALL_CAPS"}, {"rule_type", "head_evals"}, {"score", 1.5}},
                     {{"key", "T_URI"}, {"rule_type", "uri_tests"}, {"score", 0.01}},
                 }));
  // sa-update's rules, where present, replace the packaged ones.
  root.write("var/lib/spamassassin/4.000000/updates_spamassassin_org/10_rules.cf", "rawbody RAW_ONLY /x/\n");
  rules = data_of(root, {"SpamAssassin", "get_symbolic_test_names"});
  REQUIRE(rules.size() == 1);
  CHECK(rules[0] == nlohmann::json({{"key", "RAW_ONLY"}, {"rule_type", "rawbody_tests"}, {"score", 1}}));
}

TEST_CASE("trace_delivery follows forwarders, mailboxes and the default address", "[email][trace_delivery]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  uapi_ok(root, "bob", {"Email", "add_pop", "email=info", "password=Info-pass-77x"});
  root.write("etc/valiases/bob.example",
             "sales@bob.example: info@bob.example,far@remote.example\ninfo@bob.example: |/home/bob/bin/log\n"
             "old@bob.example: :fail: Gone, try sales\nnull@bob.example: :blackhole:\n"
             "ping@bob.example: pong@bob.example\npong@bob.example: ping@bob.example\n*: bob\n");
  const nlohmann::json info = {{"address", "info@bob.example"},
                               {"aliasfile", "/etc/valiases/bob.example"},
                               {"type", "routed"},
                               {"destinations",
                                {{{"type", "command"}, {"command", "/home/bob/bin/log"}},
                                 {{"mailbox", "info@bob.example"}, {"type", "local_delivery"}}}}};
  CHECK(data_of(root, {"Email", "trace_delivery", "recipient=info@bob.example"}) == info);
  CHECK(data_of(root, {"Email", "trace_delivery", "recipient=Sales@bob.example"}) ==
        nlohmann::json({{"address", "sales@bob.example"},
                        {"aliasfile", "/etc/valiases/bob.example"},
                        {"type", "routed"},
                        {"destinations", {info, {{"address", "far@remote.example"}, {"type", "remote_delivery"}}}}}));
  CHECK(data_of(root, {"Email", "trace_delivery", "recipient=old@bob.example"})["destinations"] ==
        nlohmann::json::array({{{"type", "bounce"}, {"message", "Gone, try sales"}}}));
  CHECK(data_of(root, {"Email", "trace_delivery", "recipient=null@bob.example"})["destinations"] ==
        nlohmann::json::array({{{"type", "discard"}}}));
  // Anything else: the default address, the account's own mailbox.
  CHECK(data_of(root, {"Email", "trace_delivery", "recipient=who@bob.example"}) ==
        nlohmann::json({{"address", "who@bob.example"},
                        {"aliasfile", "/etc/valiases/bob.example"},
                        {"type", "routed"},
                        {"destinations", {{{"mailbox", "bob"}, {"type", "local_delivery"}}}}}));
  const auto loop = data_of(root, {"Email", "trace_delivery", "recipient=ping@bob.example"});
  CHECK(loop["destinations"][0]["destinations"][0]["type"] == "error");

  // A suspended mailbox refuses its mail.
  uapi_ok(root, "bob", {"Email", "suspend_incoming", "email=info@bob.example"});
  CHECK(data_of(root, {"Email", "trace_delivery", "recipient=info@bob.example"})["destinations"][1]["type"] ==
        "bounce");
  // A domain forwarder sends everything to the other domain.
  root.write("etc/vdomainaliases/bob.example", "bob.example: remote.example\n");
  CHECK(data_of(root, {"Email", "trace_delivery", "recipient=info@bob.example"}) ==
        nlohmann::json({{"address", "info@bob.example"},
                        {"aliasfile", "/etc/vdomainaliases/bob.example"},
                        {"type", "routed"},
                        {"destinations", {{{"address", "info@remote.example"}, {"type", "remote_delivery"}}}}}));

  create_account(root, "carol", "carol.example");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "trace_delivery", "recipient=x@carol.example"},
                        "The domain “carol.example” does not belong to the account “bob”.");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "trace_delivery", "recipient=not an address"},
                        "Invalid value for parameter “recipient”");
}

TEST_CASE("dispatch_client_settings mails the settings through sendmail", "[email][dispatch_client_settings]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  uapi_ok(root, "bob", {"Email", "add_pop", "email=info", "password=Info-pass-77x"});
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Email", "dispatch_client_settings", "account=info@bob.example", "to=me@example.net"},
                        "there is no /usr/sbin/sendmail");
  // The root's sendmail records what it was given.
  root.write("usr/sbin/sendmail",
             "#!/bin/sh\nd=$(dirname \"$0\")\nprintf '%s\\n' \"$@\" > \"$d/args\"\ncat > \"$d/message\"\n");
  REQUIRE(::chmod((root.path + "/usr/sbin/sendmail").c_str(), 0755) == 0);
  uapi_ok(root, "bob", {"Email", "dispatch_client_settings", "account=info@bob.example", "to=me@example.net"});
  const std::string args = root.file("usr/sbin/args");
  CHECK_THAT(args, Catch::Matchers::StartsWith("-oi\n-f\ncpanel@"));
  CHECK_THAT(args, Catch::Matchers::EndsWith("\n--\nme@example.net\n"));
  const std::string message = root.file("usr/sbin/message");
  CHECK_THAT(message, Catch::Matchers::Contains("\nTo: <me@example.net>\n"));
  CHECK_THAT(message, Catch::Matchers::Contains("Subject: Mail client settings for info@bob.example\n"));
  CHECK_THAT(message, Catch::Matchers::Contains("Incoming server (IMAP): mail.bob.example\n  port 993"));

  expect_cpanel_refused(root, "uapi", "bob",
                        {"Email", "dispatch_client_settings", "account=nobody@bob.example", "to=me@example.net"},
                        "does not exist");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Email", "dispatch_client_settings", "account=info@bob.example", "to=-bi"},
                        "Invalid value for parameter “to”");
}
