// Forwarders, domain forwarders, default addresses, mail exchanger settings
// and mail domains (UAPI and API 2 Email), WHM's system-user forwards, and
// the mail routing files through the account's lifecycle.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <map>
#include <sstream>

#include "file_checks.hpp"
#include "harness.hpp"

using namespace test;

namespace {

nlohmann::json uapi_data(const TempRoot& root, const std::vector<std::string>& args) {
  return uapi_ok(root, "bob", args)["result"]["data"];
}

// bob with bob.example, on a root whose etc/group has cPanel's mail group.
void make_bob(const TempRoot& root) {
  root.write("etc/group", "root:x:0:\nmail:x:12:\n");
  create_account(root, "bob", "bob.example", {"maxpark=unlimited", "maxsub=unlimited"});
}

// A valiases file read the way Exim's lsearch reads it: a key up to the
// first colon or white space, the rest of the line (and of the lines that
// start with white space after it) is the value; "#" lines are comments.
std::map<std::string, std::string> exim_lsearch(const std::string& text) {
  std::map<std::string, std::string> out;
  std::string last;
  std::istringstream in(text);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    if (line[0] == ' ' || line[0] == '\t') {
      out[last] += line;
      continue;
    }
    const auto end = line.find_first_of(": \t");
    last = line.substr(0, end);
    auto value = line.substr(end);
    if (!value.empty() && value[0] == ':') value = value.substr(1);
    value.erase(0, value.find_first_not_of(" \t"));
    out[last] = value;
  }
  return out;
}

}  // namespace

TEST_CASE("a new account's domains get their valiases file and their localdomains line",
          "[email][forwarders][createacct]") {
  TempRoot root;
  make_bob(root);
  CHECK(root.file("etc/valiases/bob.example") == "*: bob\n");
  CHECK(root.file("etc/localdomains") == "bob.example\n");
  const auto st = lstat_of(root, "etc/valiases/bob.example");
  CHECK((st.st_mode & 07777) == 0640);
  CHECK(st.st_gid == 12);

  // Tweak Settings decide a new domain's default address.
  run_ok(root, {"set_tweaksetting", "key=defaultmailaction", "value=fail"});
  run_ok(root, {"create_subdomain", "domain=shop.bob.example", "document_root=public_html/shop"});
  CHECK(root.file("etc/valiases/shop.bob.example") == "*: :fail: No Such User Here\n");
  run_ok(root, {"set_tweaksetting", "key=defaultmailaction", "value=blackhole"});
  run_ok(root, {"create_parked_domain_for_user", "domain=bob.org", "username=bob", "web_vhost_domain=bob.example"});
  CHECK(root.file("etc/valiases/bob.org") == "*: :blackhole:\n");
  CHECK(root.file("etc/localdomains") == "bob.example\nshop.bob.example\nbob.org\n");

  // A removed domain loses its files and its line.
  run_ok(root, {"delete_domain", "domain=shop.bob.example"});
  CHECK_FALSE(root.exists("etc/valiases/shop.bob.example"));
  CHECK(root.file("etc/localdomains") == "bob.example\nbob.org\n");

  // createacct's mxcheck=remote puts the domain in remotedomains instead.
  create_account(root, "carol", "carol.example", {"mxcheck=remote"});
  CHECK(root.file("etc/remotedomains") == "carol.example\n");
  CHECK(root.file("etc/localdomains") == "bob.example\nbob.org\n");
  expect_check_clean(root);
}

TEST_CASE("UAPI add_forwarder, list_forwarders, count_forwarders and delete_forwarder", "[email][forwarders]") {
  TempRoot root;
  make_bob(root);
  root.write("home/bob/bin/mail.pl", "#!/usr/bin/perl\n");

  auto added = uapi_data(root, {"Email", "add_forwarder", "domain=bob.example", "email=sales@bob.example", "fwdopt=fwd",
                                "fwdemail=alice@example.net,Carol@Example.org"});
  REQUIRE(added.size() == 2);
  CHECK(added[0] ==
        nlohmann::json{{"domain", "bob.example"}, {"email", "sales@bob.example"}, {"forward", "alice@example.net"}});
  CHECK(added[1]["forward"] == "carol@example.org");
  uapi_data(root,
            {"Email", "add_forwarder", "domain=bob.example", "email=old", "fwdopt=fail", "failmsgs=Gone, try sales"});
  uapi_data(root, {"Email", "add_forwarder", "domain=bob.example", "email=spam", "fwdopt=blackhole"});
  uapi_data(root,
            {"Email", "add_forwarder", "domain=bob.example", "email=robot", "fwdopt=pipe", "pipefwd=bin/mail.pl"});
  uapi_data(root, {"Email", "add_forwarder", "domain=bob.example", "email=me", "fwdopt=system", "fwdsystem=bob"});
  // The same forwarder twice is one forwarder.
  uapi_data(root, {"Email", "add_forwarder", "domain=bob.example", "email=sales", "fwdopt=fwd",
                   "fwdemail=alice@example.net"});

  const std::string expected =
      "sales@bob.example: alice@example.net,carol@example.org\n"
      "old@bob.example: :fail: Gone, try sales\n"
      "spam@bob.example: :blackhole:\n"
      "robot@bob.example: |/home/bob/bin/mail.pl\n"
      "me@bob.example: bob\n"
      "*: bob\n";
  CHECK(root.file("etc/valiases/bob.example") == expected);
  // Exim's lsearch reads one entry per line, the value whole.
  const auto exim = exim_lsearch(expected);
  CHECK(exim.size() == 6);
  CHECK(exim.at("old@bob.example") == ":fail: Gone, try sales");
  CHECK(exim.at("robot@bob.example") == "|/home/bob/bin/mail.pl");
  CHECK(exim.at("*") == "bob");
  // And so does the real Exim (its expansion test mode, no daemon), where it is installed.
  if (::access("/usr/sbin/exim4", X_OK) == 0) {
    root.write("tmp/exim-empty.conf", "\n");
    const std::string file = root.path + "/etc/valiases/bob.example";
    // One expansion per argument: Exim prints each result on its own line.
    auto lookup = run_program({"/usr/sbin/exim4", "-C", root.path + "/tmp/exim-empty.conf", "-be",
                               "${lookup{old@bob.example}lsearch{" + file + "}}",
                               "${lookup{sales@bob.example}lsearch{" + file + "}}",
                               "${lookup{nobody@bob.example}lsearch*{" + file + "}}"});
    INFO(lookup.err);
    CHECK(lookup.out == ":fail: Gone, try sales\nalice@example.net,carol@example.org\nbob\n");
  }

  auto list = uapi_data(root, {"Email", "list_forwarders", "domain=bob.example"});
  REQUIRE(list.size() == 6);
  CHECK(list[0] == nlohmann::json{{"dest", "sales@bob.example"},
                                  {"forward", "alice@example.net"},
                                  {"html_dest", "sales@bob.example"},
                                  {"html_forward", "alice@example.net"},
                                  {"uri_dest", "sales%40bob.example"},
                                  {"uri_forward", "alice%40example.net"}});
  CHECK(list[3]["forward"] == ":blackhole:");
  auto filtered = uapi_data(root, {"Email", "list_forwarders", "domain=bob.example", "regex=^s"});
  CHECK(filtered.size() == 3);
  CHECK(uapi_data(root, {"Email", "count_forwarders"}) == 6);

  uapi_ok(root, "bob", {"Email", "delete_forwarder", "address=sales@bob.example", "forwarder=carol@example.org"});
  uapi_ok(root, "bob", {"Email", "delete_forwarder", "address=spam@bob.example", "forwarder=:blackhole:"});
  CHECK(root.file("etc/valiases/bob.example") ==
        "sales@bob.example: alice@example.net\n"
        "old@bob.example: :fail: Gone, try sales\n"
        "robot@bob.example: |/home/bob/bin/mail.pl\n"
        "me@bob.example: bob\n"
        "*: bob\n");
  CHECK(uapi_data(root, {"Email", "count_forwarders"}) == 4);
}

TEST_CASE("forwarders refuse bad input and change nothing", "[email][forwarders][security]") {
  TempRoot root;
  make_bob(root);
  create_account(root, "alice", "alice.example");
  auto refused = [&](const std::vector<std::string>& args, const std::string& why) {
    expect_cpanel_refused(root, "uapi", "bob", args, why);
  };
  refused({"Email", "add_forwarder", "domain=alice.example", "email=x", "fwdopt=fwd", "fwdemail=a@b.example"},
          "alice.example");
  refused(
      {"Email", "add_forwarder", "domain=bob.example", "email=x@alice.example", "fwdopt=fwd", "fwdemail=a@b.example"},
      "does not belong");
  refused({"Email", "add_forwarder", "domain=bob.example", "email=x", "fwdopt=fwd", "fwdemail=not an address"},
          "fwdemail");
  refused({"Email", "add_forwarder", "domain=bob.example", "email=x", "fwdopt=fail", "failmsgs=one%0Ax@y: z"},
          "failmsgs");
  refused({"Email", "add_forwarder", "domain=bob.example", "email=x", "fwdopt=pipe", "pipefwd=/usr/bin/evil"},
          "inside the home directory");
  refused({"Email", "add_forwarder", "domain=bob.example", "email=x", "fwdopt=pipe", "pipefwd=../alice/x.pl"},
          "pipefwd");
  refused({"Email", "add_forwarder", "domain=bob.example", "email=x", "fwdopt=pipe", "pipefwd=a.pl,b@c.example"},
          "comma");
  refused({"Email", "add_forwarder", "domain=bob.example", "email=x", "fwdopt=system", "fwdsystem=root"}, "root");
  refused({"Email", "add_forwarder", "domain=bob.example", "email=a%0Ab", "fwdopt=blackhole"}, "email");
  refused({"Email", "add_forwarder", "domain=bob.example", "email=x", "fwdopt=fwd", "fwdemail=x@bob.example"},
          "itself");
  refused({"Email", "add_forwarder", "domain=bob.example", "email=x", "fwdopt=file"}, "fwdopt");
  refused({"Email", "delete_forwarder", "address=x@bob.example", "forwarder=a@b.example"}, "does not exist");
  refused({"Email", "list_forwarders", "domain=bob.example", "regex=("}, "regex");
  // A damaged valiases file is not rewritten.
  root.write("etc/valiases/bob.example", "this line has no colon\n*: bob\n");
  refused({"Email", "add_forwarder", "domain=bob.example", "email=x", "fwdopt=blackhole"}, "line 1");
}

TEST_CASE("domain forwarders", "[email][forwarders][domainfwd]") {
  TempRoot root;
  make_bob(root);
  run_ok(root, {"create_parked_domain_for_user", "domain=bob.org", "username=bob", "web_vhost_domain=bob.example"});
  auto added = uapi_ok(root, "bob", {"Email", "add_domain_forwarder", "domain=bob.org", "destdomain=bob.example"});
  CHECK(added["result"]["data"] == "File updated \"/etc/vdomainaliases/bob.org\"");
  CHECK(root.file("etc/vdomainaliases/bob.org") == "bob.org: bob.example\n");
  CHECK(uapi_data(root, {"Email", "list_domain_forwarders"}) ==
        nlohmann::json::array({{{"dest", "bob.org"}, {"forward", "bob.example"}}}));
  CHECK(uapi_data(root, {"Email", "list_domain_forwarders", "domain=bob.example"}).empty());

  expect_cpanel_refused(root, "uapi", "bob", {"Email", "add_domain_forwarder", "domain=bob.org", "destdomain=bob.org"},
                        "itself");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Email", "add_domain_forwarder", "domain=bob.org", "destdomain=bad..name"}, "destdomain");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "delete_domain_forwarder", "domain=bob.example"},
                        "has no domain forwarder");

  uapi_ok(root, "bob", {"Email", "delete_domain_forwarder", "domain=bob.org"});
  CHECK_FALSE(root.exists("etc/vdomainaliases/bob.org"));
}

TEST_CASE("default addresses", "[email][forwarders][defaultaddress]") {
  TempRoot root;
  make_bob(root);
  CHECK(uapi_data(root, {"Email", "list_default_address", "user=bob"}) ==
        nlohmann::json::array({{{"defaultaddress", "bob"}, {"domain", "bob.example"}}}));
  auto set = uapi_data(root, {"Email", "set_default_address", "fwdopt=fail", "failmsgs=Nobody here"});
  CHECK(set == nlohmann::json::array({{{"dest", ":fail: Nobody here"}, {"domain", "bob.example"}}}));
  uapi_ok(root, "bob", {"Email", "add_forwarder", "domain=bob.example", "email=info", "fwdopt=blackhole"});
  CHECK(root.file("etc/valiases/bob.example") == "info@bob.example: :blackhole:\n*: :fail: Nobody here\n");
  uapi_data(root, {"Email", "set_default_address", "domain=bob.example", "fwdopt=fwd", "fwdemail=all@bob.example"});
  CHECK(uapi_data(root, {"Email", "list_default_address", "user=bob", "domain=bob.example"})[0]["defaultaddress"] ==
        "all@bob.example");
  uapi_data(root, {"Email", "set_default_address", "fwdopt=fwd", "fwdemail=bob"});
  CHECK(root.file("etc/valiases/bob.example") == "info@bob.example: :blackhole:\n*: bob\n");

  expect_cpanel_refused(root, "uapi", "bob", {"Email", "set_default_address", "fwdopt=system", "fwdsystem=bob"},
                        "fwdopt");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "set_default_address", "fwdopt=fwd", "fwdemail=a@b,c@d"},
                        "fwdemail");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "list_default_address", "user=alice"}, "alice");
}

TEST_CASE("set_always_accept moves the domain between the mail exchanger lists", "[email][mx]") {
  TempRoot root;
  make_bob(root);
  auto data = uapi_data(root, {"Email", "set_always_accept", "domain=bob.example", "mxcheck=remote"});
  CHECK(data["statusmsg"] == "Set Always Accept Status to: remote");
  CHECK(data["remote"] == 1);
  CHECK(data["checkmx"]["changed"] == 1);
  CHECK(root.file("etc/localdomains").empty());
  CHECK(root.file("etc/remotedomains") == "bob.example\n");
  CHECK(root.file("var/cpanel/users/bob").find("MXCHECK-bob.example=remote\n") != std::string::npos);

  data = uapi_data(root, {"Email", "set_always_accept", "domain=bob.example", "alwaysaccept=secondary"});
  CHECK(root.file("etc/secondarymx") == "bob.example\n");
  CHECK(root.file("etc/remotedomains").empty());

  // auto: the zone's MX names the domain itself, so the mail is local.
  data = uapi_data(root, {"Email", "set_always_accept", "domain=bob.example"});
  CHECK(data["mxcheck"] == "auto");
  CHECK(data["detected"] == "local");
  CHECK(root.file("etc/localdomains") == "bob.example\n");
  CHECK(root.file("etc/secondarymx").empty());

  expect_cpanel_refused(root, "uapi", "bob", {"Email", "set_always_accept", "domain=bob.example", "mxcheck=both"},
                        "mxcheck");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "set_always_accept", "domain=other.example"}, "other.example");
}

TEST_CASE("list_mail_domains", "[email][maildomains]") {
  TempRoot root;
  make_bob(root);
  run_ok(root, {"create_subdomain", "domain=shop.bob.example", "document_root=public_html/shop"});
  CHECK(uapi_data(root, {"Email", "list_mail_domains"}) ==
        nlohmann::json::array({{{"domain", "bob.example"}}, {{"domain", "shop.bob.example"}}}));
  auto www = uapi_data(root, {"Email", "list_mail_domains", "add_www=1", "select=shop.bob.example"});
  REQUIRE(www.size() == 4);
  CHECK(www[1] == nlohmann::json{{"domain", "www.bob.example"}});
  CHECK(www[2] == nlohmann::json{{"domain", "shop.bob.example"}, {"select", 1}});
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "list_mail_domains", "add_www=2"}, "add_www");
}

TEST_CASE("cPanel API 2 forwarders, default addresses, mail exchanger and mail domains", "[email][api2]") {
  TempRoot root;
  make_bob(root);
  auto added = api2_data(
      root, "bob", {"Email", "addforward", "domain=bob.example", "email=info", "fwdopt=fwd", "fwdemail=x@example.net"});
  CHECK(added[0]["forward"] == "x@example.net");
  auto list = api2_data(root, "bob", {"Email", "listforwards"});
  REQUIRE(list.size() == 1);
  CHECK(list[0]["dest"] == "info@bob.example");
  CHECK(list[0]["uri_forward"] == "x%40example.net");
  api2_data(root, "bob", {"Email", "delforward", "email=info@bob.example", "emaildest=x@example.net"});
  CHECK(root.file("etc/valiases/bob.example") == "*: bob\n");
  expect_cpanel_refused(root, "cpapi2", "bob", {"Email", "delforward", "email=info@bob.example", "emaildest=y@z.net"},
                        "does not exist");

  api2_data(root, "bob", {"Email", "setdefaultaddress", "domain=bob.example", "fwdopt=blackhole"});
  CHECK(api2_data(root, "bob", {"Email", "listdefaultaddresses"}) ==
        nlohmann::json::array({{{"defaultaddress", ":blackhole:"}, {"domain", "bob.example"}}}));
  auto mx = api2_data(root, "bob", {"Email", "setalwaysaccept", "domain=bob.example", "mxcheck=remote"});
  CHECK(mx[0]["status"] == 1);
  CHECK(root.file("etc/remotedomains") == "bob.example\n");
  CHECK(api2_data(root, "bob", {"Email", "listmaildomains"}) == nlohmann::json::array({{{"domain", "bob.example"}}}));
  CHECK(api2_data(root, "bob", {"Email", "listmaildomains", "skipmain=1"}).empty());
}

TEST_CASE("the Email routing functions are gated by cPanel's features", "[email][features]") {
  TempRoot root;
  make_bob(root);
  run_ok(root, {"add_override_features_for_user", "user=bob",
                R"(features={"forwarders":0,"emaildomainfwd":0,"defaultaddress":0,"changemx":0})"});
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Email", "add_forwarder", "domain=bob.example", "email=x", "fwdopt=blackhole"},
                        "You do not have the feature “forwarders”.");
  expect_cpanel_refused(root, "cpapi2", "bob", {"Email", "listforwards"}, "You do not have the feature “forwarders”.");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "list_domain_forwarders"},
                        "You do not have the feature “emaildomainfwd”.");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "set_default_address", "fwdopt=blackhole"},
                        "You do not have the feature “defaultaddress”.");
  expect_cpanel_refused(root, "uapi", "bob", {"Email", "set_always_accept", "domain=bob.example"},
                        "You do not have the feature “changemx”.");
}

TEST_CASE("the routing files follow the account: rename, new main domain, pkgacct, removal",
          "[email][forwarders][lifecycle]") {
  TempRoot root;
  make_bob(root);
  root.write("home/bob/run.sh", "#!/bin/sh\n");
  uapi_ok(root, "bob", {"Email", "add_forwarder", "domain=bob.example", "email=ops", "fwdopt=pipe", "pipefwd=run.sh"});
  uapi_ok(root, "bob", {"Email", "add_forwarder", "domain=bob.example", "email=me", "fwdopt=system", "fwdsystem=bob"});

  run_ok(root, {"modifyacct", "user=bob", "newuser=robert", "domain=robert.example"});
  CHECK_FALSE(root.exists("etc/valiases/bob.example"));
  CHECK(root.file("etc/valiases/robert.example") ==
        "ops@robert.example: |/home/robert/run.sh\nme@robert.example: robert\n*: robert\n");
  CHECK(root.file("etc/localdomains") == "robert.example\n");
  expect_check_clean(root);

  run_ok(root, {"removeacct", "user=robert"});
  CHECK_FALSE(root.exists("etc/valiases/robert.example"));
  CHECK(root.file("etc/localdomains").empty());
}

TEST_CASE("a restored archive's forwarders are checked line by line", "[email][forwarders][restore]") {
  TempRoot root;
  make_bob(root);
  uapi_ok(root, "bob",
          {"Email", "add_forwarder", "domain=bob.example", "email=a", "fwdopt=fwd", "fwdemail=x@example.net"});
  // Lines a hand-edited (or hostile) file may hold: a pipe to a program
  // outside the home, a file elsewhere, an address of another domain.
  std::string valiases = root.file("etc/valiases/bob.example");
  root.write("etc/valiases/bob.example",
             "evil@bob.example: |/usr/bin/nc -e sh\n"
             "log@bob.example: /etc/passwd\n"
             "x@other.example: y@example.net\n" +
                 valiases);
  run_ok(root, {"start_background_pkgacct", "user=bob"});
  run_ok(root, {"removeacct", "user=bob"});
  auto restored = run_ok(root, {"start_local_cpmove_restore", "cpmovepath=/home/cpmove-bob.tar.gz"});
  CHECK(root.file("etc/valiases/bob.example") == "a@bob.example: x@example.net\n*: bob\n");
  CHECK(root.file("etc/localdomains") == "bob.example\n");
}

TEST_CASE("WHM get/set_user_email_forward_destination: a system user's aliases line", "[email][whm]") {
  TempRoot root;
  make_bob(root);
  root.write("etc/passwd",
             root.file("etc/passwd") + "root:x:0:0:root:/root:/bin/bash\nnobody:x:65534:65534::/:/bin/false\n");
  auto empty = run_ok(root, {"get_user_email_forward_destination", "user=nobody"});
  CHECK(empty["data"]["forward_to"] == "");
  run_ok(root, {"set_user_email_forward_destination", "user=nobody", "forward_to=bob,Admin@Example.net"});
  CHECK(root.file("etc/localaliases") == "nobody: bob,admin@example.net\n");
  auto got = run_ok(root, {"get_user_email_forward_destination", "user=nobody"});
  CHECK(got["data"]["forward_to"] == "bob,admin@example.net");
  // root's mail also follows root's .forward, as the Contact Manager keeps it.
  run_ok(root, {"set_user_email_forward_destination", "user=root", "forward_to=admin@example.net"});
  CHECK(root.file("root/.forward") == "admin@example.net\n");
  CHECK(root.file("etc/localaliases") == "nobody: bob,admin@example.net\nroot: admin@example.net\n");

  expect_refused(root, {"set_user_email_forward_destination", "user=root", "forward_to=nosuchuser"},
                 "neither an email address nor a system user");
  expect_refused(root, {"set_user_email_forward_destination", "user=ghost", "forward_to=bob"}, "does not exist");
  expect_refused(root, {"set_user_email_forward_destination", "user=root", "forward_to=a@b.example%0Ac@d.example"},
                 "forward_to");
}

TEST_CASE("UAPI Backup restore_email_forwarders merges a forwarders backup, checked", "[email][forwarders][backup]") {
  TempRoot root;
  make_bob(root);
  uapi_ok(root, "bob", {"Email", "add_forwarder", "domain=bob.example", "email=a", "fwdopt=blackhole"});
  auto gz = run_program({"/bin/sh", "-c",
                         "printf 'b@bob.example: x@example.net\\nbad@bob.example: |/bin/sh\\n*: :blackhole:\\n' "
                         "| gzip -c > " +
                             root.path + "/home/bob/aliases-bob.example.gz"});
  REQUIRE(gz.status == 0);
  auto data = uapi_data(root, {"Backup", "restore_email_forwarders", "backup=/home/bob/aliases-bob.example.gz"});
  CHECK(root.file("etc/valiases/bob.example") ==
        "a@bob.example: :blackhole:\nb@bob.example: x@example.net\n*: :blackhole:\n");
  REQUIRE(data["messages"].size() == 2);
  CHECK(data["messages"][0].get<std::string>().find("Left out line 2") != std::string::npos);
  CHECK(data["messages"][1] ==
        "The system successfully restored the email forwarders from the 'aliases-bob.example.gz' backup.");
  CHECK(root.exists(data["log_path"].get<std::string>().substr(1)));

  // Another account's domain, a file that is not gzip, a path outside the home.
  create_account(root, "alice", "alice.example");
  root.write("home/bob/aliases-alice.example.gz", "x");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Backup", "restore_email_forwarders", "backup=/home/bob/aliases-alice.example.gz"},
                        "does not belong");
  root.write("home/bob/aliases-bob.example.gz", "not gzip");
  expect_cpanel_refused(root, "uapi", "bob", {"Backup", "restore_email_forwarders", "backup=aliases-bob.example.gz"},
                        "gzip");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Backup", "restore_email_forwarders", "backup=/home/alice/aliases-alice.example.gz"},
                        "backup");
}

TEST_CASE("manual MX redirects: etc/manualmx", "[email][mx][manualmx]") {
  TempRoot root;
  make_bob(root);
  run_ok(root, {"create_subdomain", "domain=shop.bob.example", "document_root=public_html/shop"});
  auto set = uapi_data(root, {"Email", "set_manual_mx_redirects", "domain=bob.example", "mx_host=mx.example.net",
                              "domain-1=shop.bob.example", "mx_host-1=192.0.2.25"});
  CHECK(set == nlohmann::json{{"bob.example", "mx.example.net"}, {"shop.bob.example", "192.0.2.25"}});
  CHECK(root.file("etc/manualmx") == "bob.example: mx.example.net\nshop.bob.example: 192.0.2.25\n");
  CHECK((lstat_of(root, "etc/manualmx").st_mode & 07777) == 0640);

  expect_cpanel_refused(root, "uapi", "bob",
                        {"Email", "set_manual_mx_redirects", "domain=bob.example", "mx_host=bad host"}, "mx_host");
  expect_cpanel_refused(
      root, "uapi", "bob",
      {"Email", "set_manual_mx_redirects", "domain=bob.example", "domain-1=shop.bob.example", "mx_host=mx.example.net"},
      "mx_host");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Email", "set_manual_mx_redirects", "domain=other.example", "mx_host=mx.example.net"},
                        "other.example");

  auto unset = uapi_data(root, {"Email", "unset_manual_mx_redirects", "domain=bob.example"});
  CHECK(unset == nlohmann::json{{"bob.example", "mx.example.net"}});
  CHECK(root.file("etc/manualmx") == "shop.bob.example: 192.0.2.25\n");
  // A removed domain takes its line along.
  run_ok(root, {"delete_domain", "domain=shop.bob.example"});
  CHECK(root.file("etc/manualmx").empty());
}

TEST_CASE("WHM set_manual_mx_redirects and unset_manual_mx_redirects: any domain, the payload map",
          "[email][mx][manualmx][whm]") {
  TempRoot root;
  make_bob(root);
  auto set = run_ok(root, {"set_manual_mx_redirects", "domain=bob.example", "mx_host=mx.example.net",
                           "domain-1=elsewhere.example", "mx_host-1=2001:db8::25"});
  CHECK(set["data"] ==
        nlohmann::json::parse(R"({"payload":{"bob.example":"mx.example.net","elsewhere.example":"2001:db8::25"}})"));
  CHECK(root.file("etc/manualmx") == "bob.example: mx.example.net\nelsewhere.example: 2001:db8::25\n");
  const auto before = snapshot(root);
  expect_refused(root, {"set_manual_mx_redirects", "domain=bob.example", "mx_host=bad\nhost"}, "mx_host");
  expect_refused(root, {"set_manual_mx_redirects", "domain=../etc", "mx_host=mx.example.net"}, "domain");
  CHECK(snapshot(root) == before);
  auto unset = run_ok(root, {"unset_manual_mx_redirects", "domain=bob.example", "domain-1=never.example"});
  CHECK(unset["data"] == nlohmann::json::parse(R"({"payload":{"bob.example":"mx.example.net","never.example":null}})"));
  CHECK(root.file("etc/manualmx") == "elsewhere.example: 2001:db8::25\n");
}
