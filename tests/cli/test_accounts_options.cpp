// The options of createacct and modifyacct that make more than the account
// itself: reseller status, a saved plan, temporary domains, SpamAssassin,
// and the dedicated IP that has no pool to come from yet.
#include <unistd.h>

#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {
RunResult as_reseller(const TempRoot& root, const std::string& reseller, std::vector<std::string> args) {
  std::vector<std::string> argv = {WHMAPI1_PATH, "--root=" + root.path, "--output=json", "--user=" + reseller};
  argv.insert(argv.end(), args.begin(), args.end());
  return run_program(argv);
}
// A reseller "res" owning itself, with the privileges given.
void make_reseller(const TempRoot& root, const std::vector<std::string>& acls) {
  create_account(root, "res", "res.example");
  REQUIRE(run(root, {"setupreseller", "user=res", "makeowner=1"}).status == 0);
  std::vector<std::string> args = {"setacls", "reseller=res"};
  for (const auto& acl : acls) args.push_back("acl-" + acl + "=1");
  REQUIRE(run(root, args).status == 0);
}
nlohmann::json summary(const TempRoot& root, const std::string& user) {
  auto j = run_ok(root, {"accountsummary", "user=" + user});
  return j["data"]["acct"][0];
}
}  // namespace

TEST_CASE("createacct reseller=1 makes the new account a reseller in the same call", "[createacct][accounts_options]") {
  TempRoot root;
  create_account(root, "bob", "bob.example", {"reseller=1"});
  CHECK(root.file("var/cpanel/resellers") == "bob:\n");
  auto list = run_ok(root, {"listresellers"});
  CHECK(list["data"]["reseller"] == nlohmann::json::array({"bob"}));
  // The new reseller may be given accounts at once.
  create_account(root, "cust", "cust.example", {"owner=bob"});
  CHECK(summary(root, "cust")["owner"] == "bob");
  expect_check_clean(root);

  // Without a domain: not implemented, nothing made.
  auto before = snapshot(root);
  auto r = run(root, {"createacct", "username=nodom", "domain=nodom.example", "reseller_without_domain=1"});
  CHECK(r.json()["metadata"]["result"] == 0);
  CHECK(snapshot(root) == before);
}

TEST_CASE("a reseller cannot make resellers with createacct or modifyacct",
          "[createacct][modifyacct][accounts_options]") {
  TempRoot root;
  make_reseller(root, {"create-acct", "edit-account"});
  create_account(root, "cust", "cust.example", {"owner=res"});
  auto before = snapshot(root);
  auto created = as_reseller(root, "res", {"createacct", "username=sneaky", "domain=sneaky.example", "reseller=1"});
  CHECK(created.json()["metadata"]["result"] == 0);
  CHECK_THAT(created.json()["metadata"]["reason"].get<std::string>(), Contains("“all” privilege"));
  auto modified = as_reseller(root, "res", {"modifyacct", "user=cust", "reseller=1"});
  CHECK(modified.json()["metadata"]["result"] == 0);
  CHECK(snapshot(root) == before);
}

TEST_CASE("createacct savepkg=1 saves the call's limits as a plan the account uses", "[createacct][accounts_options]") {
  TempRoot root;
  auto j = create_account(
      root, "bob", "bob.example",
      {"savepkg=1", "pkgname=gold", "quota=500", "bwlimit=2000", "maxpop=12", "maxsql=3", "cgi=0", "hasshell=1"});
  CHECK(j["data"]["package"] == "gold");
  CHECK_THAT(j["metadata"]["output"]["raw"].get<std::string>(), Contains("| Package: gold\n"));
  const std::string plan = root.file("var/cpanel/packages/gold");
  for (const char* line :
       {"BWLIMIT=2000\n", "CGI=n\n", "HASSHELL=y\n", "MAXPOP=12\n", "MAXSQL=3\n", "QUOTA=500\n", "MAXFTP=unlimited\n"})
    CHECK_THAT(plan, Contains(line));
  CHECK(plan.substr(plan.size() - 21) == "_PACKAGE_EXTENSIONS=\n");
  const std::string cpuser = root.file("var/cpanel/users/bob");
  CHECK_THAT(cpuser, Contains("\nPLAN=gold\n"));
  CHECK_THAT(cpuser, Contains("\nMAXPOP=12\n"));
  auto info = run_ok(root, {"getpkginfo", "pkg=gold"});
  CHECK(info["data"]["pkg"]["MAXPOP"] == 12);

  // Without pkgname the plan is named after the account.
  create_account(root, "carol", "carol.example", {"savepkg=1", "maxpop=5"});
  CHECK_THAT(root.file("var/cpanel/packages/carol"), Contains("MAXPOP=5\n"));
  CHECK(summary(root, "carol")["plan"] == "carol");
  expect_check_clean(root);

  // An existing plan or a bad name: refused, nothing made (no account either).
  expect_refused(root, {"createacct", "username=dave", "domain=dave.example", "savepkg=1", "pkgname=gold"},
                 "The package “gold” already exists.");
  expect_refused(root, {"createacct", "username=dave", "domain=dave.example", "savepkg=1", "pkgname=../x"},
                 "Invalid value for parameter “pkgname”");
}

TEST_CASE("a reseller's savepkg plan carries its prefix", "[createacct][accounts_options]") {
  TempRoot root;
  make_reseller(root, {"create-acct", "add-pkg", "list-accts"});
  auto r = as_reseller(root, "res", {"createacct", "username=cust", "domain=cust.example", "savepkg=1", "maxpop=4"});
  REQUIRE(r.json()["metadata"]["result"] == 1);
  CHECK(r.json()["data"]["package"] == "res_cust");
  CHECK_THAT(root.file("var/cpanel/packages/res_cust"), Contains("MAXPOP=4\n"));

  auto before = snapshot(root);
  auto other =
      as_reseller(root, "res", {"createacct", "username=cust2", "domain=cust2.example", "savepkg=1", "pkgname=nope"});
  CHECK(other.json()["metadata"]["result"] == 0);
  CHECK(snapshot(root) == before);
}

TEST_CASE("createacct ip=y is refused while there is no IP address pool", "[createacct][accounts_options]") {
  TempRoot root;
  expect_refused(root, {"createacct", "username=bob", "domain=bob.example", "ip=y"},
                 "cannot assign a dedicated IP address");
  root.write("var/cpanel/packages/dedicated", "IP=y\n_PACKAGE_EXTENSIONS=\n");
  expect_refused(root, {"createacct", "username=bob", "domain=bob.example", "plan=dedicated"},
                 "cannot assign a dedicated IP address");
  // With the address given, the plan's account is made on it.
  create_account(root, "bob", "bob.example", {"plan=dedicated", "customip=192.0.2.44"});
  CHECK(summary(root, "bob")["ip"] == "192.0.2.44");
}

TEST_CASE("createacct without a domain makes a temporary domain under the configured one",
          "[createacct][accounts_options]") {
  TempRoot root;
  expect_refused(root, {"createacct", "username=bob"}, "Missing required parameter “domain”");
  root.write("var/cpanel/cpanel.config", "temporary_domain_base=Temp.Example.NET.\n");
  auto r = run(root, {"createacct", "username=bob"});
  REQUIRE(r.json()["metadata"]["result"] == 1);
  CHECK_THAT(r.json()["metadata"]["output"]["raw"].get<std::string>(), Contains("| Domain: bob.temp.example.net\n"));
  auto acct = summary(root, "bob");
  CHECK(acct["domain"] == "bob.temp.example.net");
  CHECK(acct["is_temporary_domain"] == 1);
  CHECK(root.exists("var/named/bob.temp.example.net.db"));
  CHECK_THAT(root.file("etc/userdomains"), Contains("bob.temp.example.net: bob\n"));
  create_account(root, "carol", "carol.example");
  CHECK(summary(root, "carol")["is_temporary_domain"] == 0);
  expect_check_clean(root);
}

TEST_CASE("modifyacct reseller=1 and reseller=0 grant and revoke reseller status", "[modifyacct][accounts_options]") {
  TempRoot root;
  create_account(root, "bob", "bob.example", {"ownerself=1"});
  auto granted = run_ok(root, {"modifyacct", "user=bob", "reseller=1", "MAXPOP=9"});
  CHECK_THAT(granted["metadata"]["output"]["messages"].dump(), Contains("Reseller privileges granted"));
  CHECK(root.file("var/cpanel/resellers") == "bob:\n");
  CHECK_THAT(root.file("var/cpanel/users/bob"), Contains("\nMAXPOP=9\n"));
  REQUIRE(run(root, {"setacls", "reseller=bob", "acl-list-accts=1"}).status == 0);
  REQUIRE(run(root, {"setresellerlimits", "user=bob", "enable_account_limit=1", "account_limit=5"}).status == 0);
  // Granting again keeps the privileges it has.
  run_ok(root, {"modifyacct", "user=bob", "reseller=1"});
  CHECK(root.file("var/cpanel/resellers") == "bob:list-accts\n");
  create_account(root, "cust", "cust.example", {"owner=bob"});

  auto revoked = run_ok(root, {"modifyacct", "user=bob", "reseller=0"});
  CHECK_THAT(revoked["metadata"]["output"]["messages"].dump(), Contains("Reseller privileges removed"));
  CHECK(root.file("var/cpanel/resellers") == "");
  CHECK_THAT(root.file("var/cpanel/reseller-limits.yaml"), !Contains("bob"));
  CHECK(summary(root, "cust")["owner"] == "root");
  CHECK(summary(root, "bob")["owner"] == "root");
  CHECK(revoked["data"]["cpuser"]["OWNER"] == "root");
  expect_check_clean(root);

  expect_refused(root, {"modifyacct", "user=bob", "reseller=2"}, "“reseller”");
  REQUIRE(run(root, {"modifyacct", "user=bob", "reseller=1"}).status == 0);
  expect_refused(root, {"modifyacct", "user=bob", "reseller=0", "newuser=robert"}, "in two calls");
}

TEST_CASE("modifyacct spamassassin switches the account's SpamAssassin files", "[modifyacct][accounts_options]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto off = run_ok(root, {"modifyacct", "user=bob", "spamassassin=0"});
  CHECK_THAT(off["metadata"]["output"]["messages"].dump(), Contains("Apache SpamAssassin disabled"));
  CHECK(root.exists("home/bob/.spamassassindisable"));
  CHECK_FALSE(root.exists("home/bob/.spamassassinenable"));
  auto on = run_ok(root, {"modifyacct", "user=bob", "spamassassin=1"});
  CHECK_THAT(on["metadata"]["output"]["messages"].dump(), Contains("Apache SpamAssassin enabled"));
  CHECK(root.exists("home/bob/.spamassassinenable"));
  CHECK_FALSE(root.exists("home/bob/.spamassassindisable"));
  // massmodifyacct takes it too.
  create_account(root, "carol", "carol.example");
  auto mass = run_ok(root, {"massmodifyacct", "user=bob", "user=carol", "spamassassin=0"});
  CHECK(mass["metadata"]["result"] == 1);
  CHECK(root.exists("home/carol/.spamassassindisable"));
  CHECK(root.exists("home/bob/.spamassassindisable"));
  expect_check_clean(root);
  expect_refused(root, {"modifyacct", "user=bob", "spamassassin=yes"}, "“spamassassin”");
}

TEST_CASE("modifyacct spamassassin never writes through a symlink in the home", "[modifyacct][accounts_options]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  root.write("etc/secret", "keep\n");
  REQUIRE(symlink((root.path + "/etc/secret").c_str(), (root.path + "/home/bob/.spamassassinenable").c_str()) == 0);
  run(root, {"modifyacct", "user=bob", "spamassassin=1"});
  run(root, {"modifyacct", "user=bob", "spamassassin=0"});
  run(root, {"modifyacct", "user=bob", "spamassassin=1"});
  CHECK(root.file("etc/secret") == "keep\n");
}

TEST_CASE("editquota without file-system quotas keeps the limit in the cpuser file only",
          "[editquota][accounts_options]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  run_ok(root, {"editquota", "user=bob", "quota=300"});
  CHECK_THAT(root.file("var/cpanel/users/bob"), Contains("\nDISK_BLOCK_LIMIT=307200\n"));
  auto acct = summary(root, "bob");
  CHECK(acct["disklimit"] == "300M");
  CHECK(acct["diskused"] == "0M");
}
