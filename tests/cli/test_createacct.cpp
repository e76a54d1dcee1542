#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

TEST_CASE("createacct then listaccts returns the account with the seed sample's fields", "[createacct]") {
  TempRoot root;
  auto r = run(root, {"createacct", "username=bob", "domain=bob.example", "plan=default"});
  REQUIRE(r.status == 0);
  auto j = r.json();
  CHECK(j["metadata"]["command"] == "createacct");
  CHECK(j["metadata"]["reason"] == "Account Creation Ok");
  CHECK(j["metadata"]["version"] == 1);
  CHECK(j["data"]["package"] == "default");
  CHECK(j["data"]["ip"] == "127.0.0.1");
  for (const char* k : {"nameserver", "nameserver2", "nameserver3", "nameserver4", "nameservera", "nameserverentry"})
    CHECK(j["data"].contains(k));
  CHECK_THAT(j["metadata"]["output"]["raw"].get<std::string>(), Contains("UserName: bob"));

  auto list = run(root, {"listaccts"}).json();
  REQUIRE(list["data"]["acct"].size() == 1);
  auto acct = list["data"]["acct"][0];
  // Every key of the reference's listaccts sample.
  for (const char* k : {"backup",
                        "child_nodes",
                        "disklimit",
                        "diskused",
                        "domain",
                        "email",
                        "has_backup",
                        "inodeslimit",
                        "inodesused",
                        "ip",
                        "ipv6",
                        "is_locked",
                        "is_temporary_domain",
                        "legacy_backup",
                        "mailbox_format",
                        "max_defer_fail_percentage",
                        "max_email_per_hour",
                        "max_emailacct_quota",
                        "maxaddons",
                        "maxftp",
                        "maxlst",
                        "maxparked",
                        "maxpop",
                        "maxsql",
                        "maxsub",
                        "min_defer_fail_to_trigger_protection",
                        "outgoing_mail_hold",
                        "outgoing_mail_suspended",
                        "owner",
                        "partition",
                        "plan",
                        "shell",
                        "startdate",
                        "suspended",
                        "suspendreason",
                        "suspendtime",
                        "temporary",
                        "theme",
                        "uid",
                        "unix_startdate",
                        "user"})
    CHECK(acct.contains(k));
  CHECK(acct["user"] == "bob");
  CHECK(acct["domain"] == "bob.example");
  CHECK(acct["plan"] == "default");
  CHECK(acct["owner"] == "root");
  CHECK(acct["suspended"] == 0);
  CHECK(acct["suspendreason"] == "not suspended");
  CHECK(acct["theme"] == "jupiter");
  CHECK(acct["uid"].is_number());
  CHECK(acct["unix_startdate"].is_number());

  // Files on disk.
  CHECK(root.file("etc/trueuserdomains") == "bob.example: bob\n");
  CHECK(root.file("etc/userdomains") == "bob.example: bob\n*: nobody\n");
  CHECK(root.file("etc/domainusers") == "bob: bob.example\n");
  CHECK(root.file("etc/trueuserowners") == "bob: root\n");
  CHECK(root.file("etc/userplans") == "#userplans v1\nbob: default\n");
  CHECK(root.file("etc/userips") == "#userips v1\nbob: 127.0.0.1\n");
  std::string cpuser = root.file("var/cpanel/users/bob");
  CHECK_THAT(cpuser, StartsWith("# cPanel -- If you edit this file directly"));
  for (const char* line :
       {"\nDNS=bob.example\n", "\nUSER=bob\n", "\nPLAN=default\n", "\nOWNER=root\n", "\nRS=jupiter\n",
        "\nFEATURELIST=default\n", "\nMAXADDON=0\n", "\nMXCHECK-bob.example=local\n"})
    CHECK_THAT(cpuser, Contains(line));
  CHECK(cpuser.find("MAXADDON=") < cpuser.find("MAX_EMAIL_PER_HOUR="));  // byte-wise key order
  CHECK_THAT(cpuser, Contains("_PACKAGE_EXTENSIONS="));
  CHECK(nlohmann::json::parse(root.file("var/cpanel/users.cache/bob"))["USER"] == "bob");
  CHECK_THAT(root.file("etc/passwd"), Contains("bob:x:1000:1000::/home/bob:/usr/local/cpanel/bin/noshell\n"));
  CHECK_THAT(root.file("etc/shadow"), StartsWith("bob:$6$"));
  CHECK_THAT(root.file("etc/group"), Contains("bob:x:1000:"));
  CHECK(root.exists("home/bob/public_html"));
  CHECK(root.exists("var/cpanel/bandwidth/bob.sqlite"));

  std::string main = root.file("var/cpanel/userdata/bob/main");
  CHECK(main == "--- \naddon_domains: {}\n\nmain_domain: bob.example\nparked_domains: []\n\nsub_domains: []\n\n");
  CHECK(root.exists("var/cpanel/userdata/bob/main.cache"));
  std::string vhost = root.file("var/cpanel/userdata/bob/bob.example");
  CHECK_THAT(vhost, Contains("documentroot: /home/bob/public_html\n"));
  CHECK_THAT(vhost, Contains("serveralias: mail.bob.example www.bob.example\n"));
  CHECK_THAT(vhost, Contains("usecanonicalname: 'Off'\n"));
  CHECK_THAT(vhost, Contains("customlog: \n  - \n    format: combined\n"));
  CHECK(root.exists("var/cpanel/userdata/bob/bob.example.cache"));
  CHECK_THAT(root.file("var/cpanel/userdata/bob/cache"),
             StartsWith("bob.example: bob==root==main==bob.example==/home/bob/public_html==127.0.0.1:80=="));
  CHECK(root.file("etc/userdatadomains") == root.file("var/cpanel/userdata/bob/cache"));
  // No temp files or journal left behind.
  for (const auto& [path, _] : snapshot(root)) CHECK(path.find(".whmkit-") == std::string::npos);
}

TEST_CASE("createacct takes the plan's limits and explicit parameters", "[createacct]") {
  TempRoot root;
  root.write("var/cpanel/packages/gold",
             "BWLIMIT=2000\nCGI=n\nCPMOD=jupiter\nFEATURELIST=default\nHASSHELL=y\nIP=n\nLANG=en\nMAXFTP=7\n"
             "MAXPOP=20\nQUOTA=500\n_PACKAGE_EXTENSIONS=\n");
  create_account(root, "gina", "gina.example", {"plan=gold", "maxpop=25", "contactemail=g@mail.example"});
  auto acct = run(root, {"listaccts"}).json()["data"]["acct"][0];
  CHECK(acct["plan"] == "gold");
  CHECK(acct["maxftp"] == "7");
  CHECK(acct["maxpop"] == "25");
  CHECK(acct["disklimit"] == "500M");
  CHECK(acct["shell"] == "/bin/bash");
  CHECK(acct["email"] == "g@mail.example");
  std::string cpuser = root.file("var/cpanel/users/gina");
  CHECK_THAT(cpuser, Contains("\nBWLIMIT=2097152000\n"));
  CHECK_THAT(cpuser, Contains("\nHASCGI=0\n"));
  CHECK_THAT(cpuser, Contains("\nDISK_BLOCK_LIMIT=512000\n"));
  CHECK_THAT(root.file("etc/nocgiusers"), Contains("gina\n"));
  CHECK_THAT(root.file("etc/userbwlimits"), Contains("gina: 2097152000\n"));
}

TEST_CASE("createacct refuses bad input and changes nothing", "[createacct][bad-input]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  expect_refused(root, {"createacct", "domain=x.example"}, "Missing required parameter “username”");
  expect_refused(root, {"createacct", "username=alice", "domain=bob.example"}, "already owned by the account “bob”");
  expect_refused(root, {"createacct", "username=bob", "domain=new.example"}, "already exists");
  expect_refused(root, {"createacct", "username=root", "domain=new.example"}, "reserved");
  expect_refused(root, {"createacct", "username=test5", "domain=new.example"}, "cannot begin with “test”");
  expect_refused(root, {"createacct", "username=9lives", "domain=new.example"}, "must begin with a lowercase letter");
  expect_refused(root, {"createacct", "username=a_b", "domain=new.example"}, "only lowercase letters");
  expect_refused(root, {"createacct", "username=averyveryverylongname", "domain=new.example"}, "longer than 16");
  expect_refused(root, {"createacct", "username=../../etc", "domain=new.example"},
                 "must begin with a lowercase letter");
  expect_refused(root, {"createacct", "username=carl", "domain=bad_domain.example"}, "may contain only");
  expect_refused(root, {"createacct", "username=carl", "domain=nodots"}, "at least two labels");
  expect_refused(root, {"createacct", "username=carl", "domain=evil.example%0Aevil"}, "control character U+000A");
  expect_refused(root, {"createacct", "username=carl", "domain=carl.example", "plan=nosuchplan"}, "does not exist");
  expect_refused(root, {"createacct", "username=carl", "domain=carl.example", "plan=../../etc/passwd"},
                 "“plan”: “../../etc/passwd” is not a valid package name");
  expect_refused(root, {"createacct", "username=carl", "domain=carl.example", "maxftp=lots"}, "“maxftp”");
  expect_refused(root, {"createacct", "username=carl", "domain=carl.example", "cgi=2"}, "“cgi”");
  expect_refused(root, {"createacct", "username=carl", "domain=carl.example", "contactemail=nope"}, "“contactemail”");
  expect_refused(root, {"createacct", "username=carl", "domain=carl.example", "customip=300.1.1.1"}, "“customip”");
  expect_refused(root, {"createacct", "username=carl", "domain=carl.example", "mxcheck=sometimes"}, "“mxcheck”");
  expect_refused(root, {"createacct", "username=carl", "domain=carl.example", "pass=a", "password=b"}, "not both");
  expect_refused(root, {"createacct", "username=carl", "domain=carl.example", "homedir=relative/path"},
                 "absolute path");
  expect_refused(root, {"createacct", "username=carl", "domain=carl.example", "homedir=/home/../etc"},
                 "not a plain absolute path");
  expect_refused(root, {"createacct", "username=carl", "domain=carl.example", "uid=1000"}, "already in use");
  expect_refused(root, {"createacct", "username=carl", "domain=carl.example", "quota=1000000"}, "at most 999999");
  expect_refused(root, {"createacct", "username=carl", "domain=carl.example", "uid=4294967296"}, "“uid”");
  expect_refused(root, {"createacct", "username=carl", "domain=carl.example", "gid=-1"}, "“gid”");
  expect_refused(root, {"createacct", "username=carl", "domain=carl.example", "maxpop=1000000"}, "“maxpop”");
  expect_refused(root, {"createacct", "username=carl", "domain=carl.example", "bwlimit=4294967296"}, "“bwlimit”");
  expect_refused(root, {"createacct", "username=carl", "domain=carl.example", "cpmod=../x"}, "“cpmod”");
  expect_refused(root, {"createacct", "username=carl", "domain=carl.example", "cpmod=nosuchtheme"}, "not installed");
  expect_refused(root, {"createacct", "username=carl", "domain=carl.example", "featurelist=nosuch"},
                 "“featurelist”: the feature list “nosuch” does not exist");
  expect_refused(root, {"createacct", "username=carl", "domain=carl.example", "language=../../x"}, "“language”");
  expect_refused(root, {"createacct", "username=carl", "domain=carl.example", "password=abc"}, "too weak");
  // The first eight characters must be unique.
  create_account(root, "longname1", "l1.example");
  expect_refused(root, {"createacct", "username=longname2", "domain=l2.example"}, "first eight characters");
}

TEST_CASE("createacct homedir= lies directly inside a home root, away from other homes", "[createacct][homedir]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto home_of = [&](const std::string& user) {
    return run(root, {"accountsummary", "user=" + user}).json()["data"]["acct"][0]["partition"];
  };
  create_account(root, "carl", "carl.example", {"homedir=/home/carl-site/"});
  CHECK_THAT(root.file("etc/passwd"), Contains(":/home/carl-site:"));
  CHECK(home_of("carl") == "home");
  expect_refused(root, {"createacct", "username=dave", "domain=dave.example", "homedir=/etc/cron.d"},
                 "not directly inside a home directory root (/home");
  expect_refused(root, {"createacct", "username=dave", "domain=dave.example", "homedir=/home/bob/public_html/x"},
                 "not directly inside a home directory root");
  expect_refused(root, {"createacct", "username=dave", "domain=dave.example", "homedir=/home/bob"},
                 "overlaps the home directory of the user “bob”");
  expect_refused(root, {"createacct", "username=dave", "domain=dave.example", "homedir=/home/.hidden"},
                 "cannot begin with “.”");
  expect_refused(root, {"createacct", "username=dave", "domain=dave.example", "homedir=/home"}, "not directly inside");
  root.write("home/taken/file", "x");
  expect_refused(root, {"createacct", "username=dave", "domain=dave.example", "homedir=/home/taken"}, "already exists");
  // HOMEMATCH adds every top-level directory whose name holds it.
  root.write("etc/wwwacct.conf", "HOMEDIR /home\nHOMEMATCH home\n");
  root.write("home2/.keep", "");
  root.write("data/.keep", "");
  create_account(root, "dave", "dave.example", {"homedir=/home2/dave"});
  CHECK_THAT(root.file("etc/passwd"), Contains(":/home2/dave:"));
  CHECK(home_of("dave") == "home2");
  expect_refused(root, {"createacct", "username=erin", "domain=erin.example", "homedir=/data/erin"}, "(/home, /home2");
  expect_check_clean(root);
}

TEST_CASE("createacct checks the theme, feature list and locale it writes", "[createacct]") {
  TempRoot root;
  root.write("usr/local/cpanel/base/frontend/paper_lantern/index.html", "");
  run_ok(root, {"create_featurelist", "featurelist=Mail Only"});
  create_account(root, "bob", "bob.example", {"cpmod=paper_lantern", "featurelist=Mail Only", "language=pt_br"});
  std::string cpuser = root.file("var/cpanel/users/bob");
  for (const char* line : {"\nRS=paper_lantern\n", "\nFEATURELIST=Mail Only\n", "\nLOCALE=pt_br\n"})
    CHECK_THAT(cpuser, Contains(line));
  // A plan file that names what does not exist is caught where it is used.
  root.write("var/cpanel/packages/broken", "CPMOD=../../tmp\nFEATURELIST=default\n");
  expect_refused(root, {"createacct", "username=carl", "domain=carl.example", "plan=broken"}, "“cpmod”");
  create_account(root, "carl", "carl.example", {"plan=broken", "cpmod=jupiter"});
}

TEST_CASE("verify_new_username", "[verify_new_username]") {
  TempRoot root;
  auto ok = run(root, {"verify_new_username", "user=newbie"});
  CHECK(ok.status == 0);
  CHECK(ok.json()["metadata"]["result"] == 1);
  CHECK_FALSE(ok.json().contains("data"));
  create_account(root, "bob", "bob.example");
  expect_refused(root, {"verify_new_username", "user=bob"}, "already exists");
  expect_refused(root, {"verify_new_username", "user=Bad!"}, "must begin with a lowercase letter");
  expect_refused(root, {"verify_new_username"}, "Missing required parameter “user”");
}
