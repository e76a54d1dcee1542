// What is inside the mailboxes: Email browse_mailbox reads the mail
// directory; the Dovecot-backed Mailboxes functions refuse cleanly where the
// server has no Dovecot (tests/shell/test_dovecot_mailboxes.sh runs them
// against a real one) and refuse bad input before asking it.
#include <unistd.h>

#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;

namespace {
nlohmann::json browse(const TempRoot& root, std::vector<std::string> args = {}) {
  args.insert(args.begin(), {"Email", "browse_mailbox"});
  return uapi_ok(root, "bob", args)["result"]["data"];
}
const nlohmann::json* entry_named(const nlohmann::json& list, const std::string& file) {
  for (const auto& e : list)
    if (e["file"] == file) return &e;
  return nullptr;
}
}  // namespace

TEST_CASE("browse_mailbox lists the mail directory and a mailbox's folders", "[email][browse_mailbox]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  uapi_ok(root, "bob", {"Email", "add_pop", "email=info", "password=Info-pass-77x"});
  root.write("home/bob/mail/bob.example/info/.Sent/cur/1.M1,S=5", "hello");
  root.write("home/bob/mail/bob.example/info/.Sent/new/.keep", "");
  root.write("home/bob/mail/bob.example/info/.Sent/tmp/.keep", "");
  root.write("home/bob/mail/bob.example/info/notes.txt", "x");

  auto top = browse(root);
  const auto* domain = entry_named(top, "bob.example");
  REQUIRE(domain);
  CHECK((*domain)["type"] == "dir");
  CHECK((*domain)["isleaf"] == 0);
  CHECK((*domain)["path"] == "/home/bob/mail");
  CHECK((*domain)["fullpath"] == "/home/bob/mail/bob.example");
  CHECK((*domain)["relpath"] == "/bob.example");
  CHECK((*domain)["depth"] == 2);
  CHECK((*domain)["mtime"].is_number_integer());

  auto box = browse(root, {"account=info@bob.example"});
  CHECK(entry_named(box, ".Sent") == nullptr);  // hidden without showdotfiles
  const auto* notes = entry_named(box, "notes.txt");
  REQUIRE(notes);
  CHECK((*notes)["type"] == "file");
  CHECK((*notes)["isleaf"] == 1);
  CHECK((*notes)["ismailbox"] == 0);
  box = browse(root, {"account=info@bob.example", "showdotfiles=1"});
  const auto* sent = entry_named(box, ".Sent");
  REQUIRE(sent);
  CHECK((*sent)["ismailbox"] == 1);
  CHECK((*sent)["fullpath"] == "/home/bob/mail/bob.example/info/.Sent");
  CHECK((*sent)["relpath"] == "/.Sent");
  auto inside = browse(root, {"account=info@bob.example", "dir=.Sent/cur"});
  REQUIRE(inside.size() == 1);
  CHECK(inside[0]["file"] == "1.M1,S=5");
  CHECK(inside[0]["relpath"] == "/.Sent/cur/1.M1,S=5");

  expect_cpanel_refused(root, "uapi", "bob", {"Email", "browse_mailbox", "dir=../../etc"}, "");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "browse_mailbox", "account=nobody@bob.example"},
                        "does not exist");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "browse_mailbox", "dir=missing"}, "does not exist");
}

TEST_CASE("browse_mailbox never follows a symlink planted in the mail directory", "[email][browse_mailbox]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  REQUIRE(::symlink("/etc", (root.path + "/home/bob/mail/planted").c_str()) == 0);
  CHECK(entry_named(browse(root), "planted") == nullptr);
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "browse_mailbox", "dir=planted"}, "planted");
}

TEST_CASE("Mailboxes status and expunge need the server's Dovecot and valid input", "[email][mailboxes]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  create_account(root, "carol", "carol.example");
  uapi_ok(root, "bob", {"Email", "add_pop", "email=info", "password=Info-pass-77x"});
  expect_cpanel_refused(root, "uapi", "bob", {"Mailboxes", "get_mailbox_status_list", "account=info@bob.example"},
                        "Dovecot is not installed");
  expect_cpanel_refused(root, "uapi", "bob", {"Mailboxes", "get_mailbox_status_list", "account=x@carol.example"},
                        "The email account “x@carol.example” does not exist.");
  expect_cpanel_refused(root, "uapi", "bob", {"Mailboxes", "get_mailbox_status_list", "account=nobody@bob.example"},
                        "The email account “nobody@bob.example” does not exist.");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Mailboxes", "expunge_mailbox_messages", "account=info@bob.example", "mailbox=INBOX"},
                        "Missing required parameter “query”");
  expect_cpanel_refused(
      root, "uapi", "bob",
      {"Mailboxes", "expunge_mailbox_messages", "account=bob", "mailbox=INBOX", "query=savedbefore 52w"},
      "Dovecot is not installed");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Mailboxes", "expunge_messages_for_mailbox_guid", "account=info@bob.example",
                         "mailbox_guid=../../x", "query=all"},
                        "is not a mailbox GUID");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Mailboxes", "expunge_messages_for_mailbox_guid", "account=info@bob.example",
                         "mailbox_guid=0123456789abcdef0123456789abcdef", "query=  "},
                        "Missing required parameter “query”");
}

TEST_CASE("WHM get_mailbox_status and the WHM Mailboxes functions find the account by the address",
          "[email][mailboxes][whm]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  create_account(root, "carol", "carol.example");
  uapi_ok(root, "bob", {"Email", "add_pop", "email=info", "password=Info-pass-77x"});
  // Without the server's Dovecot the address is found, then Dovecot is missing.
  for (const char* fn : {"get_mailbox_status", "get_mailbox_status_list"}) {
    expect_refused(root, {fn, "account=info@bob.example"}, "Dovecot is not installed");
    expect_refused(root, {fn, "account=bob"}, "Dovecot is not installed");
    expect_refused(root, {fn, "account=_mainaccount@bob.example"}, "Dovecot is not installed");
    expect_refused(root, {fn, "account=nobody@bob.example"}, "The email account “nobody@bob.example” does not exist.");
    expect_refused(root, {fn, "account=x@unknown.example"}, "The email account “x@unknown.example” does not exist.");
    expect_refused(root, {fn, "account=nosuchuser"}, "nosuchuser");
  }
  expect_refused(root, {"expunge_mailbox_messages", "account=info@bob.example", "mailbox=INBOX"},
                 "Missing required parameter “query”");
  expect_refused(root,
                 {"expunge_messages_for_mailbox_guid", "account=info@bob.example", "mailbox_guid=../x", "query=all"},
                 "is not a mailbox GUID");
  // A reseller reaches only its own accounts' mailboxes.
  run_ok(root, {"setupreseller", "user=carol"});
  expect_refused(root, {"--user=carol", "get_mailbox_status", "account=info@bob.example"},
                 "does not own the email account “info@bob.example”");
  expect_refused(root, {"--user=carol", "get_mailbox_status_list", "account=bob"},
                 "does not own the email account “bob”");
  expect_refused(root, {"--user=carol", "get_mailbox_status", "account=carol"}, "Dovecot is not installed");
}

TEST_CASE("fts_rescan_mailbox needs Dovecot and one of the account's mailboxes", "[email][fts]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  create_account(root, "carol", "carol.example");
  uapi_ok(root, "bob", {"Email", "add_pop", "email=info", "password=Info-pass-77x"});
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "fts_rescan_mailbox", "account=info@bob.example"},
                        "Dovecot is not installed");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "fts_rescan_mailbox", "account=x@carol.example"},
                        "does not exist");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "fts_rescan_mailbox"}, "Missing required parameter “account”");
}
