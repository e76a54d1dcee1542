// WHM API 1's mail functions for an account as a whole:
// normalize_user_email_configuration puts back the owners and modes of the
// mail files (never through a planted symlink), generate_mobileconfig makes
// an Apple profile that a property-list parser reads and OpenSSL verifies,
// terminate_cpuser_mailbox_sessions needs the server's Dovecot
// (tests/shell/test_dovecot_mailboxes.sh ends real sessions with it).
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;

namespace {

struct stat status_of(const TempRoot& root, const std::string& rel) {
  struct stat st {};
  REQUIRE(::lstat((root.path + "/" + rel).c_str(), &st) == 0);
  return st;
}

mode_t mode_of(const TempRoot& root, const std::string& rel) { return status_of(root, rel).st_mode & 07777; }

// What python3's plistlib reads in a profile: the signed one is opened with
// `openssl cms -verify` first (its signer checked against `ca`).
nlohmann::json read_profile(const TempRoot& root, const std::string& payload, const std::string& ca = "") {
  root.write("profile.b64", payload);
  const std::string der = root.path + "/profile.der", plist = root.path + "/profile.plist";
  REQUIRE(run_program({"/bin/sh", "-c", "base64 -d '" + root.path + "/profile.b64' > '" + der + "'"}).status == 0);
  if (ca.empty()) {
    REQUIRE(run_program({"/bin/cp", der, plist}).status == 0);
  } else {
    auto verified = run_program({"/usr/bin/openssl", "cms", "-verify", "-inform", "DER", "-in", der, "-CAfile", ca,
                                 "-purpose", "any", "-out", plist});
    INFO(verified.err);
    REQUIRE(verified.status == 0);
  }
  auto parsed = run_program({"/usr/bin/python3", "-c",
                             "import json, plistlib, sys\n"
                             "print(json.dumps(plistlib.load(open(sys.argv[1], 'rb'))))",
                             plist});
  INFO(parsed.err);
  REQUIRE(parsed.status == 0);
  return nlohmann::json::parse(parsed.out);
}

}  // namespace

TEST_CASE("normalize_user_email_configuration repairs owners and modes, never through a symlink",
          "[email][normalize]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  uapi_ok(root, "bob", {"Email", "add_pop", "email=info", "password=Info-pass-77x"});
  root.write("home/bob/mail/bob.example/info/cur/1.M1,S=5", "hello");
  const struct stat home = status_of(root, "home/bob");
  const std::string p = root.path + "/";
  // What a careless copy leaves behind.
  REQUIRE(::chmod((p + "home/bob/etc/bob.example/shadow").c_str(), 0666) == 0);
  REQUIRE(::chown((p + "home/bob/etc/bob.example/shadow").c_str(), 0, 0) == 0);
  REQUIRE(::chmod((p + "home/bob/mail/bob.example/info").c_str(), 0777) == 0);
  REQUIRE(::chmod((p + "home/bob/mail/bob.example/info/new").c_str(), 0755) == 0);
  REQUIRE(::chown((p + "home/bob/mail/bob.example/info/cur/1.M1,S=5").c_str(), 0, 0) == 0);
  // A link the user planted, to a file that is not theirs.
  root.write("secret", "root's");
  REQUIRE(::chmod((p + "secret").c_str(), 0600) == 0);
  REQUIRE(::symlink((p + "secret").c_str(), (p + "home/bob/mail/bob.example/planted").c_str()) == 0);
  REQUIRE(::symlink((p + "secret").c_str(), (p + "home/bob/etc/bob.example/quota.new").c_str()) == 0);

  run_ok(root, {"normalize_user_email_configuration", "username=bob"});
  const struct stat shadow = status_of(root, "home/bob/etc/bob.example/shadow");
  CHECK((shadow.st_mode & 07777) == 0640);
  CHECK(shadow.st_uid == home.st_uid);
  CHECK(shadow.st_gid == status_of(root, "home/bob/etc/bob.example/passwd").st_gid);
  CHECK(mode_of(root, "home/bob/mail/bob.example/info") == 0751);
  CHECK(mode_of(root, "home/bob/mail/bob.example/info/new") == 0700);
  CHECK(status_of(root, "home/bob/mail/bob.example/info/cur/1.M1,S=5").st_uid == home.st_uid);
  const struct stat secret = status_of(root, "secret");
  CHECK(secret.st_uid == 0);
  CHECK((secret.st_mode & 07777) == 0600);

  // Run again: nothing left to change, nothing changes.
  const auto before = snapshot(root);
  run_ok(root, {"normalize_user_email_configuration", "username=bob"});
  CHECK(snapshot(root) == before);
  expect_refused(root, {"normalize_user_email_configuration", "username=nobody"}, "nobody");
  expect_refused(root, {"normalize_user_email_configuration", "username=../etc"}, "");
}

TEST_CASE("generate_mobileconfig: a profile for the mailbox, signed with the service certificate",
          "[email][mobileconfig]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  uapi_ok(root, "bob", {"Email", "add_pop", "email=info", "password=Info-pass-77x"});
  root.write("etc/hostname", "host.whmkit.test\n");

  // No service certificate yet: the plain property list.
  auto plain = read_profile(
      root, run_ok(root, {"generate_mobileconfig", "account=info@bob.example", "use_ssl=1"})["data"]["payload"]);
  CHECK(plain["PayloadType"] == "Configuration");
  CHECK(plain["PayloadIdentifier"] == "cpanel.mail.org.info.bob.example-email");
  REQUIRE(plain["PayloadContent"].size() == 3);
  const auto& mail = plain["PayloadContent"][2];
  CHECK(mail["PayloadType"] == "com.apple.mail.managed");
  CHECK(mail["EmailAddress"] == "info@bob.example");
  CHECK(mail["IncomingMailServerUsername"] == "info@bob.example");
  CHECK(mail["IncomingMailServerHostName"] == "host.whmkit.test");
  CHECK(mail["IncomingMailServerPortNumber"] == 993);
  CHECK(mail["OutgoingMailServerPortNumber"] == 465);
  CHECK(mail["IncomingMailServerUseSSL"] == true);
  CHECK(plain["PayloadContent"][0]["PayloadType"] == "com.apple.caldav.account");
  CHECK(plain["PayloadContent"][1]["CardDAVHostName"] == "host.whmkit.test:8443");

  // Only the services asked for; without TLS, the plain ports.
  auto only_mail = read_profile(root, run_ok(root, {"generate_mobileconfig", "account=bob", "use_ssl=0",
                                                    "selected_account_services=email,bogus"})["data"]["payload"]);
  REQUIRE(only_mail["PayloadContent"].size() == 1);
  CHECK(only_mail["PayloadContent"][0]["EmailAddress"] == "bob@bob.example");
  CHECK(only_mail["PayloadContent"][0]["IncomingMailServerUsername"] == "bob");
  CHECK(only_mail["PayloadContent"][0]["IncomingMailServerPortNumber"] == 143);
  CHECK(only_mail["PayloadContent"][0]["IncomingMailServerUseSSL"] == false);
  CHECK(only_mail["PayloadDisplayName"] == "bob@bob.example Email Setup");

  // With the service certificate, CMS SignedData that OpenSSL verifies.
  const std::string cert = root.path + "/cert.pem", key = root.path + "/key.pem";
  REQUIRE(run_program({"/usr/bin/openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj",
                       "/CN=host.whmkit.test", "-days", "30", "-keyout", key, "-out", cert})
              .status == 0);
  root.write("var/cpanel/ssl/cpanel/mycpanel.pem", root.file("key.pem") + root.file("cert.pem"));
  const std::string payload =
      run_ok(root, {"generate_mobileconfig", "account=info@bob.example", "use_ssl=1"})["data"]["payload"];
  CHECK(payload.find('\n') == 76);  // MIME::Base64's lines
  auto verified = read_profile(root, payload, cert);
  CHECK(verified == plain);  // the same profile inside, and the same UUIDs each time

  const auto before = snapshot(root);
  expect_refused(root, {"generate_mobileconfig", "account=nobody@bob.example", "use_ssl=1"}, "does not exist");
  expect_refused(root,
                 {"generate_mobileconfig", "account=info@bob.example", "use_ssl=1", "selected_account_services=x"},
                 "selected_account_services");
  CHECK(snapshot(root) == before);
}

TEST_CASE("terminate_cpuser_mailbox_sessions needs the account and the server's Dovecot", "[email][terminate]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  expect_refused(root, {"terminate_cpuser_mailbox_sessions", "username=bob"}, "Dovecot is not installed");
  expect_refused(root, {"terminate_cpuser_mailbox_sessions", "username=nobody"}, "nobody");
  run_ok(root, {"setupreseller", "user=bob"});
  create_account(root, "carol", "carol.example");
  expect_refused(root, {"--user=bob", "terminate_cpuser_mailbox_sessions", "username=carol"},
                 "does not own the account “carol”");
}
