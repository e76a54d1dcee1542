#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;
using Catch::Matchers::EndsWith;

TEST_CASE("addpkg writes the plan file; listpkgs, getpkginfo, matchpkgs read it",
          "[addpkg][listpkgs][getpkginfo][matchpkgs]") {
  TempRoot root;
  auto r = run(root, {"addpkg", "name=gold", "quota=500", "bwlimit=2000", "maxftp=5", "cgi=0", "hasshell=1",
                      "MAX_EMAIL_PER_HOUR=200"});
  REQUIRE(r.status == 0);
  CHECK(r.json()["data"]["pkg"] == "gold");
  std::string file = root.file("var/cpanel/packages/gold");
  CHECK_THAT(file, Contains("BWLIMIT=2000\nCGI=n\nCPMOD=jupiter\n"));
  CHECK_THAT(file, Contains("\nHASSHELL=y\n"));
  CHECK_THAT(file, Contains("\nMAXFTP=5\n"));
  CHECK_THAT(file, Contains("\nMAX_EMAIL_PER_HOUR=200\n"));
  CHECK_THAT(file, Contains("\nQUOTA=500\n"));
  CHECK_THAT(file, EndsWith("\n_PACKAGE_EXTENSIONS=\n"));  // always the last line
  REQUIRE(run(root, {"addpkg", "name=basic"}).status == 0);
  CHECK_THAT(root.file("var/cpanel/packages/basic"), Contains("\nQUOTA=10240\n"));  // documented defaults

  auto list = run(root, {"listpkgs"}).json()["data"]["pkg"];
  REQUIRE(list.size() == 2);
  CHECK(list[0]["name"] == "basic");
  CHECK(list[1]["name"] == "gold");
  CHECK(list[1]["MAXFTP"] == 5);
  CHECK(list[1]["MAXPOP"] == "unlimited");
  auto info = run(root, {"getpkginfo", "pkg=gold"}).json()["data"]["pkg"];
  CHECK(info["QUOTA"] == 500);
  CHECK(info["CGI"] == 0);
  CHECK(info["HASSHELL"] == 1);
  auto match = run(root, {"matchpkgs", "MAXFTP=5"}).json()["data"]["pkg"];
  REQUIRE(match.size() == 1);
  CHECK(match[0]["name"] == "gold");
  CHECK(run(root, {"matchpkgs", "HASSHELL=1", "CGI=0"}).json()["data"]["pkg"].size() == 1);
  CHECK(run(root, {"matchpkgs"}).json()["data"]["pkg"].size() == 2);
}

TEST_CASE("hosting plan bad input", "[addpkg][editpkg][killpkg][getpkginfo][listpkgs][matchpkgs][bad-input]") {
  TempRoot root;
  REQUIRE(run(root, {"addpkg", "name=gold"}).status == 0);
  expect_refused(root, {"addpkg"}, "Missing required parameter “name”");
  expect_refused(root, {"addpkg", "name=gold"}, "already exists");
  expect_refused(root, {"addpkg", "name=../etc"}, "“name”: “../etc” is not a valid package name");
  expect_refused(root, {"addpkg", "name=a,b"}, "is not a valid package name");
  expect_refused(root, {"addpkg", "name=x", "maxftp=lots"}, "“maxftp”");
  expect_refused(root, {"addpkg", "name=x", "cgi=yes"}, "“cgi”");
  expect_refused(root, {"addpkg", "name=x", "featurelist=nosuchlist"}, "feature list “nosuchlist” does not exist");
  expect_refused(root, {"addpkg", "name=x", "_PACKAGE_EXTENSIONS=nosuchext"}, "not installed");
  expect_refused(root, {"addpkg", "name=x", "cpmod=a%0Ab"}, "control character");
  expect_refused(root, {"editpkg", "name=gold", "maxpop=-1"}, "“maxpop”");
  expect_refused(root, {"killpkg", "pkgname=nosuch"}, "does not exist");
  expect_refused(root, {"killpkg"}, "Missing required parameter “pkgname”");
  expect_refused(root, {"getpkginfo", "pkg=nosuch"}, "does not exist");
  expect_refused(root, {"getpkginfo"}, "Missing required parameter “pkg”");
  expect_refused(root, {"listpkgs", "want=everything"}, "“want”");
  expect_refused(root, {"matchpkgs", "CGI=maybe"}, "“CGI”");
}

TEST_CASE("killpkg deletes an unused plan and refuses one in use", "[killpkg]") {
  TempRoot root;
  REQUIRE(run(root, {"addpkg", "name=gold"}).status == 0);
  REQUIRE(run(root, {"addpkg", "name=spare"}).status == 0);
  create_account(root, "bob", "bob.example", {"plan=gold"});
  expect_refused(root, {"killpkg", "pkgname=gold"}, "is in use by 1 account");
  REQUIRE(run(root, {"killpkg", "pkgname=spare"}).status == 0);
  CHECK_FALSE(root.exists("var/cpanel/packages/spare"));
  expect_refused(root, {"createacct", "username=carol", "domain=carol.example", "plan=spare"}, "does not exist");
}

TEST_CASE("editpkg on a plan used by 100 accounts changes every one of them and nothing else", "[editpkg]") {
  TempRoot root;
  REQUIRE(run(root, {"addpkg", "name=gold", "maxftp=5", "quota=100"}).status == 0);
  for (int i = 0; i < 100; ++i)
    create_account(root, "gold" + std::to_string(i), "g" + std::to_string(i) + ".example", {"plan=gold"});
  create_account(root, "other", "other.example");  // on "default": must not change
  auto before = snapshot(root);

  auto r = run(root, {"editpkg", "name=gold", "maxftp=20", "quota=300"});
  REQUIRE(r.status == 0);
  auto after = snapshot(root);
  int cpusers_changed = 0;
  for (const auto& [path, content] : after) {
    bool changed = before.count(path) == 0 || before.at(path) != content;
    bool is_gold_cpuser =
        path.rfind("var/cpanel/users/gold", 0) == 0 || path.rfind("var/cpanel/users.cache/gold", 0) == 0;
    if (path.rfind("var/cpanel/users/gold", 0) == 0) {
      CHECK(changed);
      CHECK_THAT(content, Contains("\nMAXFTP=20\n"));
      CHECK_THAT(content, Contains("\nDISK_BLOCK_LIMIT=307200\n"));
      cpusers_changed += changed;
    } else if (!is_gold_cpuser && path != "var/cpanel/packages/gold") {
      INFO(path);
      CHECK_FALSE(changed);  // the other account, lookup files, homes...: untouched
    }
  }
  CHECK(cpusers_changed == 100);
  CHECK(before.size() == after.size());
  CHECK_THAT(root.file("var/cpanel/packages/gold"), Contains("\nMAXFTP=20\n"));
}

TEST_CASE("editpkg creates a missing plan and applies shell changes", "[editpkg]") {
  TempRoot root;
  REQUIRE(run(root, {"editpkg", "name=fresh", "maxsql=3"}).status == 0);
  CHECK_THAT(root.file("var/cpanel/packages/fresh"), Contains("\nMAXSQL=3\n"));
  create_account(root, "bob", "bob.example", {"plan=fresh"});
  CHECK_THAT(root.file("etc/passwd"), Contains(":/home/bob:/usr/local/cpanel/bin/noshell\n"));
  REQUIRE(run(root, {"editpkg", "name=fresh", "hasshell=1"}).status == 0);
  CHECK_THAT(root.file("etc/passwd"), Contains(":/home/bob:/bin/bash\n"));
}

TEST_CASE("changepackage moves an account to another plan", "[changepackage]") {
  TempRoot root;
  REQUIRE(run(root, {"addpkg", "name=gold", "maxftp=5", "bwlimit=100", "hasshell=1"}).status == 0);
  create_account(root, "bob", "bob.example");
  auto r = run(root, {"changepackage", "user=bob", "pkg=gold"});
  REQUIRE(r.status == 0);
  CHECK_THAT(r.json()["metadata"]["output"]["raw"].get<std::string>(),
             Contains("Changing the plan from “default” to “gold”."));
  std::string cpuser = root.file("var/cpanel/users/bob");
  CHECK_THAT(cpuser, Contains("\nPLAN=gold\n"));
  CHECK_THAT(cpuser, Contains("\nMAXFTP=5\n"));
  CHECK_THAT(cpuser, Contains("\nBWLIMIT=104857600\n"));
  CHECK_THAT(root.file("etc/userplans"), Contains("bob: gold\n"));
  CHECK_THAT(root.file("etc/passwd"), Contains(":/home/bob:/bin/bash\n"));
  CHECK(run(root, {"listaccts"}).json()["data"]["acct"][0]["plan"] == "gold");

  expect_refused(root, {"changepackage", "user=bob", "pkg=nosuch"}, "does not exist");
  expect_refused(root, {"changepackage", "user=ghost", "pkg=gold"}, "does not exist");
  expect_refused(root, {"changepackage", "user=bob"}, "Missing required parameter “pkg”");
}

TEST_CASE("addpkgext and delpkgext", "[addpkgext][delpkgext]") {
  TempRoot root;
  root.write("var/cpanel/packages/extensions/dog", "dog_species=dalmatian\ndog_tail=long\n");
  REQUIRE(run(root, {"addpkg", "name=gold"}).status == 0);
  auto r = run(root, {"addpkgext", "name=gold", "_PACKAGE_EXTENSIONS=dog"});
  REQUIRE(r.status == 0);
  CHECK(r.json()["data"]["pkg"] == "gold");
  std::string file = root.file("var/cpanel/packages/gold");
  CHECK_THAT(file, Contains("\ndog_species=dalmatian\n"));
  CHECK_THAT(file, EndsWith("\n_PACKAGE_EXTENSIONS=dog\n"));
  create_account(root, "bob", "bob.example", {"plan=gold"});
  CHECK_THAT(root.file("var/cpanel/users/bob"), Contains("\ndog_species=dalmatian\n"));

  expect_refused(root, {"addpkgext", "name=gold", "_PACKAGE_EXTENSIONS=cat"}, "not installed");
  expect_refused(root, {"addpkgext", "name=nosuch", "_PACKAGE_EXTENSIONS=dog"}, "does not exist");
  expect_refused(root, {"addpkgext", "name=gold"}, "Missing required parameter “_PACKAGE_EXTENSIONS”");

  REQUIRE(run(root, {"delpkgext", "name=gold", "_DELETE_EXTENSIONS=dog"}).status == 0);
  file = root.file("var/cpanel/packages/gold");
  CHECK(file.find("dog_") == std::string::npos);
  CHECK_THAT(file, EndsWith("\n_PACKAGE_EXTENSIONS=\n"));
  expect_refused(root, {"delpkgext", "name=nosuch", "_DELETE_EXTENSIONS=dog"}, "does not exist");
  expect_refused(root, {"delpkgext", "name=gold"}, "Missing required parameter “_DELETE_EXTENSIONS”");
}
