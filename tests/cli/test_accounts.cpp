#include <fcntl.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <catch2/catch.hpp>

#include <cstdio>
#include <ctime>
#include <sstream>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {
void three_accounts(const TempRoot& root) {
  create_account(root, "alice", "alice.example");
  create_account(root, "bob", "bobsite.org", {"customip=192.0.2.7"});
  create_account(root, "carol", "carol.example");
}
std::vector<std::string> users_of(const nlohmann::json& j, const char* list = "acct") {
  std::vector<std::string> out;
  for (const auto& a : j["data"][list]) out.push_back(a["user"].get<std::string>());
  return out;
}
}  // namespace

TEST_CASE("listaccts search, searchtype, searchmethod and want", "[listaccts]") {
  TempRoot root;
  three_accounts(root);
  CHECK(users_of(run(root, {"listaccts"}).json()) == std::vector<std::string>{"alice", "bob", "carol"});
  CHECK(users_of(run(root, {"listaccts", "search=\\.example$", "searchtype=domain"}).json()) ==
        std::vector<std::string>{"alice", "carol"});
  CHECK(users_of(run(root, {"listaccts", "search=^(bob|carol)$", "searchtype=user"}).json()) ==
        std::vector<std::string>{"bob", "carol"});
  CHECK(users_of(run(root, {"listaccts", "search=192\\.0\\.2\\.\\d+", "searchtype=ip"}).json()) ==
        std::vector<std::string>{"bob"});
  CHECK(users_of(run(root, {"listaccts", "search=bob", "searchtype=user", "searchmethod=exact"}).json()) ==
        std::vector<std::string>{"bob"});
  CHECK(users_of(run(root, {"listaccts", "search=bo", "searchtype=user", "searchmethod=exact"}).json()).empty());
  CHECK(users_of(run(root, {"listaccts", "search=default", "searchtype=package"}).json()).size() == 3);
  CHECK(users_of(run(root, {"listaccts", "search=root", "searchtype=owner"}).json()).size() == 3);
  auto wanted = run(root, {"listaccts", "want=user,domain"}).json()["data"]["acct"][1];
  CHECK(wanted == nlohmann::json({{"user", "bob"}, {"domain", "bobsite.org"}}));
}

// A search reads the /etc lookup file of its type and only the cpuser files
// it names; whatever keeps that file from standing in for the cpuser files
// (missing, damaged, stale, other accounts than var/cpanel/users) must give
// the scan's answer, byte for byte.
TEST_CASE("listaccts search through the lookup files: missing, damaged or stale ones give the same answers",
          "[listaccts][lookup-index]") {
  TempRoot root;
  three_accounts(root);
  create_account(root, "dave", "dave.example", {"plan=default", "owner=root"});
  const std::vector<std::vector<std::string>> searches = {
      {"search=\\.example$", "searchtype=domain"}, {"search=bobsite.org", "searchtype=domain", "searchmethod=exact"},
      {"search=^(bob|carol)$", "searchtype=user"}, {"search=192\\.0\\.2\\.7", "searchtype=ip"},
      {"search=default", "searchtype=package"},    {"search=^$", "searchtype=package"},
      {"search=root", "searchtype=owner"},         {"search=nothing-matches", "searchtype=domain"},
  };
  auto answers = [&] {
    std::vector<std::string> out;
    for (auto args : searches) {
      args.insert(args.begin(), "listaccts");
      out.push_back(run(root, args).out);
    }
    return out;
  };
  const auto expected = answers();
  CHECK(users_of(nlohmann::json::parse(expected[0])) == std::vector<std::string>{"alice", "carol", "dave"});
  CHECK(users_of(nlohmann::json::parse(expected[1])) == std::vector<std::string>{"bob"});
  CHECK(users_of(nlohmann::json::parse(expected[4])).size() == 4);
  CHECK(users_of(nlohmann::json::parse(expected[5])).empty());
  const std::vector<std::string> lookups = {"etc/userdomains", "etc/trueuserowners", "etc/userips", "etc/userplans"};

  SECTION("missing lookup files") {
    for (const auto& rel : lookups) std::remove((root.path + "/" + rel).c_str());
    CHECK(answers() == expected);
  }
  SECTION("damaged lookup files") {
    for (const auto& rel : lookups) root.write(rel, root.file(rel) + "not a lookup line\n");
    CHECK(answers() == expected);
    for (const auto& rel : lookups) root.write(rel, root.file(rel) + "cut: off");
    CHECK(answers() == expected);
  }
  SECTION("an account the lookup files do not name, or name without a cpuser file") {
    const std::string saved = root.file("var/cpanel/users/dave");
    std::remove((root.path + "/var/cpanel/users/dave").c_str());
    auto without_dave = answers();
    CHECK(users_of(nlohmann::json::parse(without_dave[0])) == std::vector<std::string>{"alice", "carol"});
    root.write("var/cpanel/users/dave", saved);
    CHECK(answers() == expected);
    // Lines for dave gone from every file, his cpuser file still there: the scan finds him.
    for (const auto& rel : lookups) {
      std::string kept, line;
      std::istringstream in(root.file(rel));
      while (std::getline(in, line))
        if (line.find("dave") == std::string::npos) kept += line + "\n";
      root.write(rel, kept);
    }
    CHECK(answers() == expected);
  }
  SECTION("a lookup line its cpuser file no longer agrees with") {
    // bob's cpuser file says another IP, plan and owner than the lookup files:
    // what they name is checked, and the scan answers.
    std::string cpuser = root.file("var/cpanel/users/bob");
    for (auto [from, to] : {std::pair<std::string, std::string>{"IP=192.0.2.7", "IP=192.0.2.8"},
                            {"PLAN=default", "PLAN=other"},
                            {"OWNER=root", "OWNER=bob"}}) {
      auto at = cpuser.find(from);
      REQUIRE(at != std::string::npos);
      cpuser.replace(at, from.size(), to);
    }
    root.write("var/cpanel/users/bob", cpuser);
    CHECK(users_of(run(root, {"listaccts", "search=192\\.0\\.2\\.7", "searchtype=ip"}).json()).empty());
    // carol now has bob's old address, which the lookup file does not say:
    // bob's disagreeing line shows the file stale, and the scan finds carol.
    std::string carol = root.file("var/cpanel/users/carol");
    auto ip = carol.find("\nIP=");
    REQUIRE(ip != std::string::npos);
    carol.replace(ip + 4, carol.find('\n', ip + 1) - ip - 4, "192.0.2.7");
    root.write("var/cpanel/users/carol", carol);
    CHECK(users_of(run(root, {"listaccts", "search=192\\.0\\.2\\.7", "searchtype=ip"}).json()) ==
          std::vector<std::string>{"carol"});
    CHECK(users_of(run(root, {"listaccts", "search=default", "searchtype=package"}).json()) ==
          std::vector<std::string>{"alice", "carol", "dave"});
    CHECK(users_of(run(root, {"listaccts", "search=root", "searchtype=owner"}).json()) ==
          std::vector<std::string>{"alice", "carol", "dave"});
  }
}

// A cpuser file edited by hand is newer than its users.cache twin: it is
// read itself, also after later changes have rewritten the lookup files.
TEST_CASE("listaccts search finds a cpuser file edited by hand after the lookup files were rewritten",
          "[listaccts][lookup-index]") {
  TempRoot root;
  three_accounts(root);
  std::string carol = root.file("var/cpanel/users/carol");
  auto ip = carol.find("\nIP=");
  REQUIRE(ip != std::string::npos);
  carol.replace(ip + 4, carol.find('\n', ip + 1) - ip - 4, "192.0.2.50");
  root.write("var/cpanel/users/carol", carol);
  // File times move in kernel clock ticks: a write this soon after the twin's
  // could get the same time (the limit docs/account-lookups.md names). A hand
  // edit comes later: its time is set a second on.
  const struct timespec later[2] = {{0, UTIME_OMIT}, {::time(nullptr) + 1, 0}};
  REQUIRE(::utimensat(AT_FDCWD, (root.path + "/var/cpanel/users/carol").c_str(), later, 0) == 0);
  create_account(root, "dave", "dave.example");  // rewrites every lookup file, carol's line as it was
  CHECK(root.file("etc/userips").find("carol: 192.0.2.50") == std::string::npos);
  CHECK(users_of(run(root, {"listaccts", "search=192.0.2.50", "searchtype=ip", "searchmethod=exact"}).json()) ==
        std::vector<std::string>{"carol"});
  CHECK(users_of(run(root, {"listaccts", "search=^192\\.0\\.2\\.50$", "searchtype=ip"}).json()) ==
        std::vector<std::string>{"carol"});
}

TEST_CASE("listaccts bad input", "[listaccts][bad-input]") {
  TempRoot root;
  three_accounts(root);
  expect_refused(root, {"listaccts", "search=(unclosed"}, "“search”");
  expect_refused(root, {"listaccts", "search=x", "searchtype=colour"}, "“searchtype”");
  expect_refused(root, {"listaccts", "searchmethod=fuzzy"}, "“searchmethod”");
}

TEST_CASE("accountsummary by user and by domain", "[accountsummary]") {
  TempRoot root;
  three_accounts(root);
  auto by_user = run(root, {"accountsummary", "user=bob"}).json();
  CHECK(by_user["data"]["acct"][0]["domain"] == "bobsite.org");
  CHECK(by_user["data"]["acct"][0]["ip"] == "192.0.2.7");
  auto by_domain = run(root, {"accountsummary", "domain=carol.example"}).json();
  CHECK(by_domain["data"]["acct"][0]["user"] == "carol");
  expect_refused(root, {"accountsummary"}, "either “user” or “domain”");
  expect_refused(root, {"accountsummary", "user=nobodyhere"}, "does not exist");
  expect_refused(root, {"accountsummary", "domain=unknown.example"}, "does not belong");
}

TEST_CASE("modifyacct changes the cpuser file, lookup files and shell", "[modifyacct]") {
  TempRoot root;
  three_accounts(root);
  auto r = run(root, {"modifyacct", "user=bob", "MAXFTP=10", "MAXPOP=UNLIMITED", "HASSHELL=1", "OWNER=root",
                      "contactemail=bob@mail.example", "BWLIMIT=1048576", "MXCHECK-bobsite.org=remote", "RS=jupiter"});
  INFO(r.out);
  REQUIRE(r.status == 0);
  auto j = r.json();
  CHECK(j["metadata"]["reason"] == "Account Modified");
  CHECK(j["data"]["user"] == "bob");
  CHECK(j["data"]["domain"] == "bobsite.org");
  CHECK(j["data"]["setshell"] == "/bin/bash");
  CHECK(j["data"]["cpuser"]["MAXFTP"] == "10");
  CHECK(j["data"]["cpuser"]["DOMAIN"] == "bobsite.org");
  CHECK(j["data"]["cpuser"]["DOMAINS"].is_array());
  std::string cpuser = root.file("var/cpanel/users/bob");
  CHECK_THAT(cpuser, Contains("\nMAXFTP=10\n"));
  CHECK_THAT(cpuser, Contains("\nMAXPOP=unlimited\n"));
  CHECK_THAT(cpuser, Contains("\nCONTACTEMAIL=bob@mail.example\n"));
  CHECK_THAT(cpuser, Contains("\nMXCHECK-bobsite.org=remote\n"));
  CHECK_THAT(root.file("etc/userbwlimits"), Contains("bob: 1048576\n"));
  CHECK_THAT(root.file("etc/passwd"), Contains(":/home/bob:/bin/bash\n"));
  // Unchanged accounts keep their files byte for byte.
  CHECK_THAT(root.file("var/cpanel/users/alice"), Contains("\nMAXFTP=unlimited\n"));
}

TEST_CASE("modifyacct bad input", "[modifyacct][bad-input]") {
  TempRoot root;
  three_accounts(root);
  expect_refused(root, {"modifyacct", "MAXFTP=3"}, "Missing required parameter “user”");
  expect_refused(root, {"modifyacct", "user=ghost", "MAXFTP=3"}, "does not exist");
  expect_refused(root, {"modifyacct", "user=bob", "MAXFTP=-3"}, "“MAXFTP”");
  expect_refused(root, {"modifyacct", "user=bob", "HASCGI=yes"}, "“HASCGI”");
  expect_refused(root, {"modifyacct", "user=bob", "contactemail=not-an-email"}, "“contactemail”");
  expect_refused(root, {"modifyacct", "user=bob", "shell=/bin/bash:evil"}, "“shell”");
  expect_refused(root, {"modifyacct", "user=bob", "LANG=en%0AUSER=root"}, "control character");
  expect_refused(root, {"modifyacct", "user=bob", "MXCHECK-other.example=local"}, "does not own");
  expect_refused(root, {"modifyacct", "user=bob", "OWNER=nosuchreseller"}, "not a reseller");
  expect_refused(root, {"modifyacct", "user=bob", "max_team_users=9"}, "at most 7");
  expect_refused(root, {"modifyacct", "user=bob", "newuser=alice"}, "already exists");  // more in test_rename.cpp
}

TEST_CASE("massmodifyacct modifies each listed account and reports failures", "[massmodifyacct]") {
  TempRoot root;
  three_accounts(root);
  auto ok = run(root, {"massmodifyacct", "user-0=alice", "user-1=carol", "MAXSQL=4"});
  REQUIRE(ok.status == 0);
  auto j = ok.json();
  REQUIRE(j["data"]["payload"].size() == 2);
  CHECK(j["data"]["payload"][0]["user"] == "alice");
  CHECK(j["data"]["payload"][0]["result"] == 1);
  CHECK(j["data"]["payload"][0]["extended"]["cpuser"]["MAXSQL"] == "4");
  CHECK_THAT(root.file("var/cpanel/users/alice"), Contains("\nMAXSQL=4\n"));
  CHECK_THAT(root.file("var/cpanel/users/carol"), Contains("\nMAXSQL=4\n"));
  CHECK_THAT(root.file("var/cpanel/users/bob"), Contains("\nMAXSQL=unlimited\n"));

  auto mixed = run(root, {"massmodifyacct", "user=bob", "user=ghost", "MAXSQL=6"});
  CHECK(mixed.status == 0);
  auto m = mixed.json();
  CHECK(m["metadata"]["result"] == 0);
  CHECK(m["metadata"]["reason"] == "Failed to modify one or more users.");
  CHECK(m["data"]["payload"][1]["result"] == 0);
  CHECK_THAT(m["data"]["payload"][1]["reason"].get<std::string>(), Contains("does not exist"));
  CHECK_THAT(root.file("var/cpanel/users/bob"), Contains("\nMAXSQL=6\n"));
}

TEST_CASE("massmodifyacct bad input", "[massmodifyacct][bad-input]") {
  TempRoot root;
  three_accounts(root);
  expect_refused(root, {"massmodifyacct", "MAXSQL=4"}, "Missing required parameter “user”");
  expect_refused(root, {"massmodifyacct", "user=alice", "MAXSQL=four"}, "“MAXSQL”");
  expect_refused(root, {"massmodifyacct", "user=ghost", "MAXSQL=4"}, "Failed to modify");
}

TEST_CASE("removeacct removes every trace of the account", "[removeacct]") {
  TempRoot root;
  three_accounts(root);
  auto before_alice = root.file("var/cpanel/users/alice");
  auto r = run(root, {"removeacct", "username=bob"});
  REQUIRE(r.status == 0);
  CHECK(r.json()["metadata"]["reason"] == "bob account removed");
  for (const char* rel : {"var/cpanel/users/bob", "var/cpanel/users.cache/bob", "var/cpanel/userdata/bob", "home/bob",
                          "var/cpanel/bandwidth/bob.sqlite"})
    CHECK_FALSE(root.exists(rel));
  for (const char* rel : {"etc/passwd", "etc/shadow", "etc/group", "etc/userdomains", "etc/trueuserdomains",
                          "etc/trueuserowners", "etc/userdatadomains", "etc/userplans"})
    CHECK(root.file(rel).find("bob") == std::string::npos);
  CHECK(root.file("var/cpanel/users/alice") == before_alice);
  CHECK(root.file("etc/userdomains") == "alice.example: alice\ncarol.example: carol\n*: nobody\n");
  for (const auto& [path, _] : snapshot(root)) CHECK(path.find(".whmkit-") == std::string::npos);
  // The deprecated "user" parameter still works; the domain is free again.
  CHECK(run(root, {"removeacct", "user=carol"}).status == 0);
  create_account(root, "bobagain", "bobsite.org");
}

TEST_CASE("removeacct bad input", "[removeacct][bad-input]") {
  TempRoot root;
  three_accounts(root);
  expect_refused(root, {"removeacct"}, "Missing required parameter “username”");
  expect_refused(root, {"removeacct", "username=ghost"}, "does not exist");
  expect_refused(root, {"removeacct", "username=../alice"}, "does not exist");
  expect_refused(root, {"removeacct", "username=alice", "keepdns=maybe"}, "“keepdns”");
}

TEST_CASE("passwd changes the shadow hash", "[passwd]") {
  TempRoot root;
  three_accounts(root);
  root.write("etc/proftpd/bob", "bob:OLDHASH:1001:1001::/home/bob:/bin/ftpsh\nftp:x:14:50::/var/ftp:/sbin/nologin\n");
  auto before = root.file("etc/shadow");
  auto r = run(root, {"passwd", "user=bob", "password=N3w-passw0rd"});
  REQUIRE(r.status == 0);
  auto j = r.json();
  CHECK(j["metadata"]["reason"] == "Password changed for user “bob”.");
  CHECK(j["data"]["app"] == nlohmann::json({"system", "ftp"}));
  auto after = root.file("etc/shadow");
  CHECK(after != before);
  auto line_start = after.find("bob:$6$");
  REQUIRE(line_start != std::string::npos);
  std::string hash = after.substr(line_start + 4, after.find(':', line_start + 4) - line_start - 4);
  CHECK_THAT(root.file("etc/proftpd/bob"), StartsWith("bob:" + hash + ":"));
  CHECK_THAT(root.file("etc/proftpd/bob"), Contains("ftp:x:14:50"));
}

TEST_CASE("passwd bad input", "[passwd][bad-input]") {
  TempRoot root;
  three_accounts(root);
  expect_refused(root, {"passwd", "user=bob"}, "Missing required parameter “password”");
  expect_refused(root, {"passwd", "password=Str0ng-Pass.word"}, "Missing required parameter “user”");
  expect_refused(root, {"passwd", "user=ghost", "password=Str0ng-Pass.word"}, "does not exist");
  expect_refused(root, {"passwd", "user=bob", "password="}, "Missing required parameter “password”");
  expect_refused(root, {"passwd", "user=bob", "password=abc%00def"}, "NUL");
}

TEST_CASE("get_current_users_count", "[get_current_users_count]") {
  TempRoot root;
  CHECK(run(root, {"get_current_users_count"}).json()["data"]["users"] == 0);
  three_accounts(root);
  root.write("var/cpanel/users/system", "");  // the special unowned-domains file is not an account
  CHECK(run(root, {"get_current_users_count"}).json()["data"]["users"] == 3);
  auto r = run(root, {"get_current_users_count"}, "bogus");
  CHECK(r.status == 2);
  CHECK_THAT(r.err, Contains("unknown --output format"));
}

TEST_CASE("getdomainowner, domainuserdata and get_domain_info", "[domains]") {
  TempRoot root;
  three_accounts(root);
  CHECK(run(root, {"getdomainowner", "domain=bobsite.org"}).json()["data"]["user"] == "bob");
  CHECK(run(root, {"getdomainowner", "domain=unowned.example"}).json()["data"]["user"].is_null());
  expect_refused(root, {"getdomainowner"}, "Missing required parameter “domain”");
  expect_refused(root, {"getdomainowner", "domain=not a domain"}, "“domain”");

  auto ud = run(root, {"domainuserdata", "domain=carol.example"}).json();
  CHECK(ud["metadata"]["reason"] == "Obtained userdata.");
  CHECK(ud["data"]["userdata"]["documentroot"] == "/home/carol/public_html");
  CHECK(ud["data"]["userdata"]["port"] == 80);
  CHECK(ud["data"]["userdata"]["usecanonicalname"] == "Off");
  CHECK(ud["data"]["userdata"]["customlog"][1]["format"] == "\"%{%s}t %I .\\n%{%s}t %O .\"");
  expect_refused(root, {"domainuserdata", "domain=unowned.example"}, "does not belong");
  expect_refused(root, {"domainuserdata", "domain=../../etc"}, "“domain”");

  auto info = run(root, {"get_domain_info"}).json()["data"]["domains"];
  REQUIRE(info.size() == 3);
  CHECK(info[1]["domain"] == "bobsite.org");
  CHECK(info[1]["domain_type"] == "main");
  CHECK(info[1]["ipv4"] == "192.0.2.7");
  CHECK(info[1]["docroot"] == "/home/bob/public_html");
  CHECK(info[1]["port"] == 80);
  CHECK(info[1]["port_ssl"] == 443);
  CHECK(info[1]["user_owner"] == "root");
  auto bad = run(root, {"get_domain_info", "notkeyvalue"});
  CHECK(bad.status == 2);  // a bad command line: a message, no envelope
  CHECK(bad.out.empty());
  CHECK_THAT(bad.err, Contains("key=value"));
}

TEST_CASE("editquota sets DISK_BLOCK_LIMIT", "[editquota]") {
  TempRoot root;
  three_accounts(root);
  REQUIRE(run(root, {"editquota", "user=bob", "quota=500"}).json()["metadata"]["reason"] == "Set quota for bob.");
  CHECK_THAT(root.file("var/cpanel/users/bob"), Contains("\nDISK_BLOCK_LIMIT=512000\n"));
  CHECK(run(root, {"accountsummary", "user=bob"}).json()["data"]["acct"][0]["disklimit"] == "500M");
  REQUIRE(run(root, {"editquota", "user=bob", "quota=unlimited"}).status == 0);
  CHECK_THAT(root.file("var/cpanel/users/bob"), Contains("\nDISK_BLOCK_LIMIT=0\n"));
  expect_refused(root, {"editquota", "user=bob"}, "Missing required parameter “quota”");
  expect_refused(root, {"editquota", "user=bob", "quota=lots"}, "“quota”");
  expect_refused(root, {"editquota", "user=ghost", "quota=5"}, "does not exist");
}

TEST_CASE("limitbw and showbw", "[limitbw][showbw]") {
  TempRoot root;
  three_accounts(root);
  // Record 3000 bytes of usage for bob this month and some last year.
  sqlite3* db = nullptr;
  REQUIRE(sqlite3_open((root.path + "/var/cpanel/bandwidth/bob.sqlite").c_str(), &db) == SQLITE_OK);
  REQUIRE(sqlite3_exec(db,
                       "INSERT INTO bandwidth_daily SELECT id, 'http', 1795392000, 1000 FROM domains;"
                       "INSERT INTO bandwidth_daily SELECT id, 'ftp', 1795392000, 2000 FROM domains;"
                       "INSERT INTO bandwidth_daily SELECT id, 'http', 1700000000, 99 FROM domains;",
                       nullptr, nullptr, nullptr) == SQLITE_OK);
  sqlite3_close(db);

  auto r =
      test::run_program({WHMAPI1_PATH, "--root=" + root.path, "--output=json", "limitbw", "user=bob", "bwlimit=100"},
                        {{"WHMKIT_NOW", "1795400000"}});
  REQUIRE(r.status == 0);
  auto j = r.json();
  CHECK(j["metadata"]["reason"] == "Bandwidth Limit for bob has been set to 100 megabytes");
  auto lim = j["data"]["bwlimits"][0];
  CHECK(lim["bwlimit"] == 104857600);
  CHECK(lim["bwlimitenable"] == 1);
  CHECK(lim["unlimited"] == 0);
  CHECK(lim["domains"] == nlohmann::json({"bobsite.org"}));
  CHECK(lim["human_bwused"] == "0.00 MB");
  CHECK_THAT(root.file("var/cpanel/users/bob"), Contains("\nBWLIMIT=104857600\n"));
  CHECK_THAT(root.file("etc/userbwlimits"), Contains("bob: 104857600\n"));

  auto bw = test::run_program(
                {WHMAPI1_PATH, "--root=" + root.path, "--output=json", "showbw", "search=bob", "searchtype=user"},
                {{"WHMKIT_NOW", "1795400000"}})
                .json();
  CHECK(bw["data"]["month"] == 11);
  CHECK(bw["data"]["year"] == 2026);
  CHECK(bw["data"]["totalused"] == 3000);
  REQUIRE(bw["data"]["acct"].size() == 1);
  CHECK(bw["data"]["acct"][0]["totalbytes"] == 3000);
  CHECK(bw["data"]["acct"][0]["limit"] == 104857600);
  CHECK(bw["data"]["acct"][0]["bwusage"][0]["usage"] == 3000);
  auto old = run(root, {"showbw", "month=11", "year=2023", "search=bob", "searchtype=user"}).json();
  CHECK(old["data"]["totalused"] == 99);

  expect_refused(root, {"limitbw", "bwlimit=5"}, "Missing required parameter “user”");
  expect_refused(root, {"limitbw", "user=bob", "bwlimit=-5"}, "“bwlimit”");
  expect_refused(root, {"limitbw", "user=ghost", "bwlimit=5"}, "does not exist");
  expect_refused(root, {"showbw", "month=13"}, "“month”");
  expect_refused(root, {"showbw", "searchtype=planet", "search=x"}, "“searchtype”");
}

TEST_CASE("a cpuser file with bytes that are not UTF-8 still works", "[modifyacct][listaccts][utf8]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  // A Latin-1 byte, as an old tool might have written it.
  root.write("var/cpanel/users/bob", root.file("var/cpanel/users/bob") + "PUSHBULLET_ACCESS_TOKEN=caf\xe9\n");
  auto r = run(root, {"modifyacct", "user=bob", "MAXFTP=3"});
  INFO(r.out);
  REQUIRE(r.status == 0);
  CHECK(r.json()["data"]["cpuser"]["PUSHBULLET_ACCESS_TOKEN"] == "caf\xef\xbf\xbd");  // U+FFFD in the JSON output
  CHECK_THAT(root.file("var/cpanel/users/bob"),
             Contains("PUSHBULLET_ACCESS_TOKEN=caf\xe9\n"));  // the file keeps its bytes
  CHECK(nlohmann::json::parse(root.file("var/cpanel/users.cache/bob"))["MAXFTP"] == "3");
  CHECK(run(root, {"listaccts"}).json()["data"]["acct"].size() == 1);
}
