// One email account's outgoing mail (UAPI Email suspend_outgoing,
// unsuspend_outgoing, hold_outgoing, release_outgoing, get_held_message_count,
// delete_held_messages) and the autoresponder program whmkit-autorespond:
// what the calls answer, the files they leave (suspensions.json, the Exim
// lists, the valiases pipe), and what the program sends through sendmail.
// The real Exim is in tests/shell/test_exim_outgoing.sh.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "harness.hpp"

using test::create_account;
using test::expect_cpanel_refused;
using test::run_cpanel;
using test::run_ok;
using test::run_program;
using test::snapshot;
using test::TempRoot;
using test::uapi_ok;

namespace {

constexpr const char* kPassword = "Sx9!kd7Qz-2p";
constexpr const char* kLimits = "var/cpanel/email_send_limits/users/bob/suspensions.json";

nlohmann::json data_of(const TempRoot& root, const std::vector<std::string>& args,
                       const std::map<std::string, std::string>& env = {}) {
  auto r = run_cpanel(root, "uapi", "bob", args, env);
  REQUIRE(r.status == 0);
  auto j = r.json();
  INFO(r.out);
  REQUIRE(j["result"]["status"] == 1);
  return j["result"]["data"];
}

// bob with bob.example and the mailboxes info@ and sales@.
void with_mailboxes(const TempRoot& root) {
  create_account(root, "bob", "bob.example");
  for (const char* local : {"info", "sales"})
    uapi_ok(root, "bob", {"Email", "add_pop", std::string("email=") + local, "password=" + std::string(kPassword)});
}

// A message in Exim's queue as its -H file has it (Exim 4.96's layout).
void queue_message(const TempRoot& root, const std::string& id, const std::string& auth_id, bool frozen) {
  std::string h = id + "-H\nDebian-exim 101 101\n<" + auth_id + ">\n1764650000 0\n-received_time_usec .5\n";
  // Exim 4.94 and later mark the tainted login with a second "-" ("--auth_id").
  if (!auth_id.empty()) h += "--auth_id " + auth_id + "\n-auth_sender " + auth_id + "\n";
  h += "-received_protocol esmtpa\n-body_linecount 1\n";
  if (frozen) h += "-frozen 1764650000\n";
  h += "XX\n1\nsomeone@example.net\n\n042P Received: from client\n";
  root.write("var/spool/exim/input/" + id + "-H", h);
  root.write("var/spool/exim/input/" + id + "-D", id + "-D\nbody\n");
}

// A stand-in for the Exim program: notes its arguments, and removes the
// messages it is given with -Mrm as Exim would.
std::string fake_exim(const TempRoot& root) {
  const std::string path = root.path + "/fake-exim";
  root.write("fake-exim", "#!/bin/sh\necho \"$*\" >> \"" + root.path +
                              "/exim-calls\"\n"
                              "if [ \"$1\" = -Mrm ]; then shift; for id; do rm -f \"" +
                              root.path + "/var/spool/exim/input/$id-H\" \"" + root.path +
                              "/var/spool/exim/input/$id-D\"; done; fi\n");
  ::chmod(path.c_str(), 0755);
  return path;
}

}  // namespace

TEST_CASE("suspend_outgoing and unsuspend_outgoing keep cPanel's record and Exim's list", "[email][outgoing]") {
  TempRoot root;
  with_mailboxes(root);
  root.write("etc/outgoing_mail_suspended_users", "alice\n");  // WHM's account-wide line stays

  CHECK(data_of(root, {"Email", "suspend_outgoing", "email=info@bob.example"}) == 1);
  CHECK(nlohmann::json::parse(root.file(kLimits)) == nlohmann::json({{"bob.example", {{"suspended", {{"info", 1}}}}}}));
  CHECK(root.file("etc/outgoing_mail_suspended_users") == "alice\ninfo@bob.example\n");
  auto listed = data_of(root, {"Email", "list_pops_with_disk"});
  CHECK(listed[0]["email"] == "info@bob.example");
  CHECK(listed[0]["suspended_outgoing"] == 1);
  CHECK(listed[0]["has_suspended"] == 1);
  CHECK(listed[1]["suspended_outgoing"] == 0);

  // Again: nothing changes, the line is not doubled.
  data_of(root, {"Email", "suspend_outgoing", "email=info@bob.example"});
  CHECK(root.file("etc/outgoing_mail_suspended_users") == "alice\ninfo@bob.example\n");

  CHECK(data_of(root, {"Email", "unsuspend_outgoing", "email=info@bob.example"}).is_null());
  CHECK(nlohmann::json::parse(root.file(kLimits)) == nlohmann::json::object());
  CHECK(root.file("etc/outgoing_mail_suspended_users") == "alice\n");
  CHECK(data_of(root, {"Email", "list_pops_with_disk"})[0]["suspended_outgoing"] == 0);
  test::expect_check_clean(root);
}

TEST_CASE("hold_outgoing and release_outgoing", "[email][outgoing]") {
  TempRoot root;
  with_mailboxes(root);
  CHECK(data_of(root, {"Email", "hold_outgoing", "email=sales@bob.example"}).is_null());
  CHECK(nlohmann::json::parse(root.file(kLimits)) == nlohmann::json({{"bob.example", {{"hold", {{"sales", 1}}}}}}));
  CHECK(root.file("etc/outgoing_mail_hold_users") == "sales@bob.example\n");
  auto listed = data_of(root, {"Email", "list_pops_with_disk"});
  CHECK(listed[1]["email"] == "sales@bob.example");
  CHECK(listed[1]["hold_outgoing"] == 1);
  CHECK(listed[1]["has_suspended"] == 0);

  // Two held messages of sales, one frozen for another sender, one of sales not frozen.
  queue_message(root, "1tAbCd-000001-Aa", "sales@bob.example", true);
  queue_message(root, "1tAbCd-000002-Bb", "sales@bob.example", true);
  queue_message(root, "1tAbCd-000003-Cc", "info@bob.example", true);
  queue_message(root, "1tAbCd-000004-Dd", "sales@bob.example", false);
  CHECK(data_of(root, {"Email", "get_held_message_count", "email=sales@bob.example"}) == 2);
  CHECK(data_of(root, {"Email", "get_held_message_count", "email=info@bob.example"}) == 1);
  CHECK(data_of(root, {"Email", "get_held_message_count"}) == 3);  // every mailbox of the account

  const std::string exim = fake_exim(root);
  CHECK(data_of(root, {"Email", "release_outgoing", "email=sales@bob.example"}, {{"WHMKIT_EXIM", exim}}).is_null());
  CHECK(root.file("exim-calls") == "-M 1tAbCd-000001-Aa 1tAbCd-000002-Bb\n");
  CHECK(root.file("etc/outgoing_mail_hold_users").empty());
  CHECK(data_of(root, {"Email", "list_pops_with_disk"})[1]["hold_outgoing"] == 0);

  SECTION("without Exim the release is refused and nothing changes") {
    data_of(root, {"Email", "hold_outgoing", "email=sales@bob.example"});
    const auto before = snapshot(root);
    auto r = run_cpanel(root, "uapi", "bob", {"Email", "release_outgoing", "email=sales@bob.example"},
                        {{"WHMKIT_EXIM", root.path + "/no-such-exim"}});
    CHECK(test::cpanel_error(r.json()).find("Exim is not installed") != std::string::npos);
    CHECK(snapshot(root) == before);
  }
}

TEST_CASE("delete_held_messages removes the held messages through Exim", "[email][outgoing]") {
  TempRoot root;
  with_mailboxes(root);
  queue_message(root, "1tAbCd-000001-Aa", "sales@bob.example", true);
  queue_message(root, "1tAbCd-000003-Cc", "info@bob.example", true);
  // cPanel's split spool: input/<the id's sixth character>/.
  queue_message(root, "1tAbCe-000005-Ee", "sales@bob.example", true);
  root.write("var/spool/exim/input/e/1tAbCe-000005-Ee-H", root.file("var/spool/exim/input/1tAbCe-000005-Ee-H"));
  std::filesystem::remove(root.path + "/var/spool/exim/input/1tAbCe-000005-Ee-H");
  const std::string exim = fake_exim(root);
  CHECK(data_of(root, {"Email", "delete_held_messages", "email=sales@bob.example"}, {{"WHMKIT_EXIM", exim}}) == 2);
  CHECK(root.file("exim-calls") == "-Mrm 1tAbCd-000001-Aa 1tAbCe-000005-Ee\n");
  CHECK(!root.exists("var/spool/exim/input/1tAbCd-000001-Aa-H"));
  CHECK(root.exists("var/spool/exim/input/1tAbCd-000003-Cc-H"));
  CHECK(data_of(root, {"Email", "delete_held_messages", "email=nobody@bob.example"}, {{"WHMKIT_EXIM", exim}}) == 0);
}

TEST_CASE("outgoing controls refuse bad input and change nothing", "[email][outgoing]") {
  TempRoot root;
  with_mailboxes(root);
  create_account(root, "alice", "alice.example");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "suspend_outgoing", "email=nobody@bob.example"},
                        "does not exist");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "hold_outgoing", "email=info@alice.example"}, "does not belong");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "hold_outgoing", "email=not an address"}, "email");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "suspend_outgoing"}, "email");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "get_held_message_count", "email=../../x@bob.example"}, "email");
}

TEST_CASE("outgoing controls follow the account", "[email][outgoing][lifecycle]") {
  TempRoot root;
  with_mailboxes(root);
  data_of(root, {"Email", "hold_outgoing", "email=info@bob.example"});
  data_of(root, {"Email", "suspend_outgoing", "email=sales@bob.example"});

  SECTION("a new main domain and user name") {
    run_ok(root, {"modifyacct", "user=bob", "domain=robert.example", "newuser=robert"});
    CHECK(!root.exists(kLimits));
    CHECK(nlohmann::json::parse(root.file("var/cpanel/email_send_limits/users/robert/suspensions.json")) ==
          nlohmann::json({{"robert.example", {{"hold", {{"info", 1}}}, {"suspended", {{"sales", 1}}}}}}));
    CHECK(root.file("etc/outgoing_mail_hold_users") == "info@robert.example\n");
    CHECK(root.file("etc/outgoing_mail_suspended_users") == "sales@robert.example\n");
    test::expect_check_clean(root);
  }
  SECTION("delete_pop lifts the mailbox's controls") {
    uapi_ok(root, "bob", {"Email", "delete_pop", "email=info"});
    CHECK(root.file("etc/outgoing_mail_hold_users").empty());
  }
  SECTION("removal") {
    run_ok(root, {"removeacct", "user=bob"});
    CHECK(!root.exists("var/cpanel/email_send_limits/users/bob"));
    CHECK(root.file("etc/outgoing_mail_hold_users").empty());
    CHECK(root.file("etc/outgoing_mail_suspended_users").empty());
  }
}

// ---- the autoresponder ------------------------------------------------------

namespace {

constexpr const char* kMessage =
    "From: Carol <carol@example.net>\nTo: info@bob.example\nSubject: Question\nMessage-ID: <m1@example.net>\n\n"
    "Hello\n";

// Runs whmkit-autorespond for info@bob.example as Exim would, the message
// on its stdin; the answers it gives go to a sendmail that appends them to
// root/sent.
int autorespond(const TempRoot& root, const std::string& message, const std::string& sender,
                const std::string& now = "1764650000") {
  root.write("sendmail", "#!/bin/sh\n{ echo \"ARGS: $*\"; cat; echo .; } >> \"" + root.path + "/sent\"\n");
  ::chmod((root.path + "/sendmail").c_str(), 0755);
  root.write("incoming", message);
  auto r = run_program({"/bin/sh", "-c",
                        std::string("exec \"$0\" --root \"$1\" --sendmail \"$1/sendmail\" info@bob.example "
                                    "/home/bob/.autorespond < \"$1/incoming\""),
                        WHMKIT_AUTORESPOND_PATH, root.path},
                       {{"SENDER", sender}, {"WHMKIT_NOW", now}});
  CHECK(r.out.empty());  // Exim would return any output to the sender
  return r.status;
}

size_t answers(const TempRoot& root) {
  const std::string sent = root.file("sent");
  size_t n = 0;
  for (size_t at = 0; (at = sent.find("ARGS: ", at)) != std::string::npos; ++at) ++n;
  return n;
}

void with_autoresponder(const TempRoot& root, const std::vector<std::string>& extra = {}) {
  with_mailboxes(root);
  std::vector<std::string> args = {"Email",
                                   "add_auto_responder",
                                   "email=info",
                                   "domain=bob.example",
                                   "from=Info Desk",
                                   "subject=Away: %subject%",
                                   "body=Back soon, %from%.",
                                   "is_html=0",
                                   "interval=24",
                                   "start=1764600000",
                                   "stop=1764900000"};
  uapi_ok(root, "bob", test::with_args(args, extra));
}

}  // namespace

TEST_CASE("add_auto_responder pipes the address's mail to the autoresponder, as cPanel does", "[email][autorespond]") {
  TempRoot root;
  with_autoresponder(root);
  CHECK(
      root.file("etc/valiases/bob.example")
          .find("info@bob.example: \"|/usr/local/cpanel/bin/autorespond info@bob.example /home/bob/.autorespond\"\n") !=
      std::string::npos);
  // It is an autoresponder, not a forwarder.
  CHECK(uapi_ok(root, "bob", {"Email", "list_forwarders", "domain=bob.example"})["result"]["data"].empty());
  SECTION("delete_auto_responder takes the line away") {
    uapi_ok(root, "bob", {"Email", "delete_auto_responder", "email=info@bob.example"});
    CHECK(root.file("etc/valiases/bob.example").find("autorespond") == std::string::npos);
  }
  SECTION("a new main domain renames the files and the line") {
    run_ok(root, {"modifyacct", "user=bob", "domain=robert.example"});
    CHECK(root.exists("home/bob/.autorespond/info@robert.example"));
    CHECK(root.exists("home/bob/.autorespond/info@robert.example.json"));
    CHECK(!root.exists("home/bob/.autorespond/info@bob.example"));
    CHECK(root.file("etc/valiases/robert.example")
              .find("info@robert.example: \"|/usr/local/cpanel/bin/autorespond info@robert.example "
                    "/home/bob/.autorespond\"") != std::string::npos);
    CHECK(uapi_ok(root, "bob",
                  {"Email", "list_auto_responders", "domain=robert.example"})["result"]["data"][0]["email"] ==
          "info@robert.example");
  }
}

TEST_CASE("whmkit-autorespond answers once per interval and sender", "[email][autorespond]") {
  TempRoot root;
  with_autoresponder(root);
  CHECK(autorespond(root, kMessage, "carol@example.net") == 0);
  REQUIRE(answers(root) == 1);
  const std::string sent = root.file("sent");
  CHECK(sent.find("ARGS: -oi -t -f <>\n") == 0);
  CHECK(sent.find("From: \"Info Desk\" <info@bob.example>\n") != std::string::npos);
  CHECK(sent.find("To: <carol@example.net>\n") != std::string::npos);
  CHECK(sent.find("Subject: Away: Question\n") != std::string::npos);
  CHECK(sent.find("Auto-Submitted: auto-replied\n") != std::string::npos);
  CHECK(sent.find("In-Reply-To: <m1@example.net>\n") != std::string::npos);
  CHECK(sent.find("\n\nBack soon, Carol.\n") != std::string::npos);
  CHECK(nlohmann::json::parse(root.file("home/bob/.autorespond/info@bob.example.replies.json")) ==
        nlohmann::json({{"carol@example.net", 1764650000}}));

  autorespond(root, kMessage, "carol@example.net", "1764653600");  // an hour later: not again
  CHECK(answers(root) == 1);
  autorespond(root, kMessage, "dave@example.net", "1764653600");  // another sender: yes
  CHECK(answers(root) == 2);
  autorespond(root, kMessage, "carol@example.net", "1764736401");  // a day later: again
  CHECK(answers(root) == 3);
  // The listing does not take the record for an autoresponder.
  CHECK(uapi_ok(root, "bob", {"Email", "count_auto_responders"})["result"]["data"] == 1);
}

TEST_CASE("whmkit-autorespond never answers bulk, list, automatic mail or bounces (RFC 3834)", "[email][autorespond]") {
  TempRoot root;
  with_autoresponder(root, {"interval=0"});
  const std::string body = "To: info@bob.example\nSubject: x\n";
  autorespond(root, "From: a@example.net\nPrecedence: bulk\n" + body + "\nhi\n", "a@example.net");
  autorespond(root, "From: b@example.net\nList-Id: <news.example.net>\n" + body + "\nhi\n", "b@example.net");
  autorespond(root, "From: c@example.net\nAuto-Submitted: auto-replied\n" + body + "\nhi\n", "c@example.net");
  autorespond(root, "From: MAILER-DAEMON@example.net\n" + body + "\nhi\n", "MAILER-DAEMON@example.net");
  autorespond(root, "From: d@example.net\n" + body + "\nhi\n", "");
  autorespond(root, kMessage, "carol@example.net", "1764000000");  // before start
  autorespond(root, kMessage, "carol@example.net", "1765000000");  // after stop
  CHECK(answers(root) == 0);
  autorespond(root, "From: e@example.net\nAuto-Submitted: no\n" + body + "\nhi\n", "e@example.net");
  CHECK(answers(root) == 1);
  // interval 0: every message is answered, and nothing is recorded.
  autorespond(root, "From: e@example.net\n" + body + "\nhi\n", "e@example.net");
  CHECK(answers(root) == 2);
  CHECK(!root.exists("home/bob/.autorespond/info@bob.example.replies.json"));
}

TEST_CASE("whmkit-autorespond keeps the sender's text out of the answer's headers", "[email][autorespond]") {
  TempRoot root;
  with_autoresponder(root);
  autorespond(root, "From: x@example.net\nSubject: hi\n\tBcc: victim@example.org\n\nbody\n", "x@example.net");
  REQUIRE(answers(root) == 1);
  const std::string sent = root.file("sent");
  CHECK(sent.find("Subject: Away: hi Bcc: victim@example.org\n") != std::string::npos);
  CHECK(sent.find("\nBcc:") == std::string::npos);
  // No autoresponder for the address: silent, nothing sent.
  uapi_ok(root, "bob", {"Email", "delete_auto_responder", "email=info@bob.example"});
  CHECK(autorespond(root, kMessage, "new@example.net") == 0);
  CHECK(answers(root) == 1);
}
