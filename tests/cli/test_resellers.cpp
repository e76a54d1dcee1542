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
void make_reseller(const TempRoot& root, const std::string& user) {
  create_account(root, user, user + ".example");
  REQUIRE(run(root, {"setupreseller", "user=" + user, "makeowner=1"}).status == 0);
}
}  // namespace

TEST_CASE("a reseller with a limit of 3 accounts creates 3 and is refused the 4th",
          "[setresellerlimits][createacct][acctcounts]") {
  TempRoot root;
  make_reseller(root, "res");
  REQUIRE(run(root, {"setacls", "reseller=res", "acl-create-acct=1", "acl-list-accts=1"}).status == 0);
  REQUIRE(run(root, {"setresellerlimits", "user=res", "enable_account_limit=1", "account_limit=3"}).status == 0);
  CHECK_THAT(root.file("var/cpanel/reseller-limits.yaml"),
             Contains("res: \n  limits: \n    number_of_accounts: \n      accounts: 3\n      enabled: 1\n"));
  CHECK(root.exists("var/cpanel/reseller-limits.cache"));
  for (int i = 1; i <= 3; ++i) {
    auto r = as_reseller(root, "res",
                         {"createacct", "username=cust" + std::to_string(i),
                          "domain=cust" + std::to_string(i) + ".example", "password=Pass-word1"});
    INFO(r.out);
    REQUIRE(r.status == 0);
    CHECK_THAT(root.file("var/cpanel/users/cust" + std::to_string(i)), Contains("\nOWNER=res\n"));
  }
  CHECK_THAT(root.file("etc/trueuserowners"), Contains("cust3: res\n"));
  auto before = snapshot(root);
  auto fourth = as_reseller(root, "res", {"createacct", "username=cust4", "domain=cust4.example"});
  CHECK(fourth.status == 0);
  CHECK(fourth.json()["metadata"]["reason"] == "The reseller “res” has reached its limit of 3 accounts.");
  CHECK(snapshot(root) == before);
  // root creating an account for the reseller counts against the same limit.
  expect_refused(root, {"createacct", "username=cust5", "domain=cust5.example", "owner=res"}, "limit of 3 accounts");

  auto counts = run(root, {"acctcounts", "user=res"}).json()["data"]["reseller"];
  CHECK(counts == nlohmann::json({{"active", 3}, {"limit", 3}, {"suspended", 0}, {"user", "res"}}));
}

TEST_CASE("reseller ACLs are enforced on createacct", "[setacls][createacct]") {
  TempRoot root;
  make_reseller(root, "res");
  auto before = snapshot(root);
  auto r = as_reseller(root, "res", {"createacct", "username=cust", "domain=cust.example"});
  CHECK(r.status == 0);
  CHECK_THAT(r.json()["metadata"]["reason"].get<std::string>(), Contains("does not have the “create-acct” privilege"));
  CHECK(snapshot(root) == before);
  auto notreseller = as_reseller(root, "nobodyhere", {"listaccts"});
  CHECK(notreseller.status == 0);
  CHECK_THAT(notreseller.json()["metadata"]["reason"].get<std::string>(), Contains("is not a reseller"));
  REQUIRE(run(root, {"setacls", "reseller=res", "acl-all=1"}).status == 0);
  CHECK(as_reseller(root, "res", {"createacct", "username=cust", "domain=cust.example"}).status == 0);
  auto other = as_reseller(root, "res", {"createacct", "username=cust2", "domain=cust2.example", "owner=root"});
  CHECK_THAT(other.json()["metadata"]["reason"].get<std::string>(), Contains("only create accounts that it owns"));
}

TEST_CASE("setupreseller, listresellers, unsetupreseller", "[setupreseller][listresellers][unsetupreseller]") {
  TempRoot root;
  make_reseller(root, "res");
  create_account(root, "cust", "cust.example", {"owner=res"});
  CHECK(root.file("var/cpanel/resellers") == "res:\n");
  CHECK_THAT(root.file("var/cpanel/users/res"), Contains("\nOWNER=res\n"));
  CHECK(run(root, {"listresellers"}).json()["data"]["reseller"] == nlohmann::json({"res"}));
  REQUIRE(run(root, {"setresellernameservers", "user=res", "nameservers=ns1.res.example,ns2.res.example"}).status == 0);
  REQUIRE(run(root, {"unsetupreseller", "user=res"}).status == 0);
  CHECK(root.file("var/cpanel/resellers") == "");
  CHECK(root.file("var/cpanel/resellers-nameservers") == "");
  CHECK_THAT(root.file("var/cpanel/users/cust"), Contains("\nOWNER=root\n"));  // its accounts go to root
  CHECK(run(root, {"listresellers"}).json()["data"]["reseller"].empty());

  expect_refused(root, {"setupreseller", "user=ghost"}, "does not exist");
  expect_refused(root, {"setupreseller"}, "Missing required parameter “user”");
  expect_refused(root, {"unsetupreseller", "user=cust"}, "is not a reseller");
  expect_bad_command_line(root, {"listresellers", "bad"}, "key=value");
}

TEST_CASE("ACL lists: saveacllist, listacls, setacls from a list, myprivs",
          "[saveacllist][listacls][setacls][myprivs]") {
  TempRoot root;
  make_reseller(root, "res");
  REQUIRE(
      run(root, {"saveacllist", "acllist=basic", "acl-create-acct=1", "acl-list-accts=1", "acl-kill-acct=0"}).status ==
      0);
  std::string list = root.file("var/cpanel/acllists/basic");
  CHECK_THAT(list, Contains("create-acct=1\n"));
  CHECK_THAT(list, Contains("kill-acct=0\n"));
  auto acls = run(root, {"listacls"}).json()["data"]["acl"];
  REQUIRE(acls.size() == 1);
  CHECK(acls[0]["name"] == "basic");
  CHECK(acls[0]["privileges"]["create-acct"] == 1);
  CHECK(acls[0]["privileges"]["kill-acct"] == 0);
  REQUIRE(run(root, {"setacls", "reseller=res", "acllist=basic"}).status == 0);
  CHECK(root.file("var/cpanel/resellers") == "res:create-acct,list-accts\n");
  auto mine = as_reseller(root, "res", {"myprivs"}).json()["data"]["privileges"][0];
  CHECK(mine["create-acct"] == 1);
  CHECK(mine["kill-acct"] == 0);
  CHECK(run(root, {"myprivs"}).json()["data"]["privileges"][0]["kill-acct"] == 1);  // root has everything

  expect_refused(root, {"saveacllist", "acllist=x", "acl-fly-to-the-moon=1"}, "Unknown ACL name “fly-to-the-moon”");
  expect_refused(root, {"saveacllist", "acllist=../x", "acl-create-acct=1"}, "Invalid ACL list name");
  expect_refused(root, {"saveacllist", "acl-create-acct=1"}, "Missing required parameter “acllist”");
  expect_refused(root, {"setacls", "reseller=res", "acl-bogus=1"}, "Unknown ACL name “bogus”");
  expect_refused(root, {"setacls", "reseller=res", "acllist=nosuch"}, "does not exist");
  expect_refused(root, {"setacls", "reseller=ghost", "acl-create-acct=1"}, "is not a reseller");
  expect_bad_command_line(root, {"listacls", "x"}, "key=value");
  expect_bad_command_line(root, {"myprivs", "x"}, "key=value");
}

TEST_CASE("reseller package limits", "[setresellerpackagelimit][createacct]") {
  TempRoot root;
  make_reseller(root, "res");
  REQUIRE(run(root, {"setacls", "reseller=res", "acl-create-acct=1"}).status == 0);
  REQUIRE(run(root, {"addpkg", "name=gold"}).status == 0);
  REQUIRE(run(root, {"setresellerlimits", "user=res", "enable_package_limits=1", "enable_package_limit_numbers=1"})
              .status == 0);
  REQUIRE(run(root, {"setresellerpackagelimit", "user=res", "package=gold", "allowed=1", "number=1"}).status == 0);
  CHECK_THAT(root.file("var/cpanel/package-limits.yaml"), Contains("gold: \n    allowed: 1\n    number: 1\n"));
  auto denied = as_reseller(root, "res", {"createacct", "username=a1", "domain=a1.example"});  // plan "default"
  CHECK_THAT(denied.json()["metadata"]["reason"].get<std::string>(), Contains("may not use the package “default”"));
  CHECK(as_reseller(root, "res", {"createacct", "username=a2", "domain=a2.example", "plan=gold"}).status == 0);
  auto over = as_reseller(root, "res", {"createacct", "username=a3", "domain=a3.example", "plan=gold"});
  CHECK_THAT(over.json()["metadata"]["reason"].get<std::string>(),
             Contains("limit of 1 accounts on the package “gold”"));
  expect_refused(root, {"setresellerpackagelimit", "user=res", "package=nosuch", "allowed=1"}, "does not exist");
  expect_refused(root, {"setresellerpackagelimit", "user=ghost", "package=gold"}, "is not a reseller");
  expect_refused(root, {"setresellerlimits", "user=res", "account_limit=-2"}, "“account_limit”");
  expect_refused(root, {"setresellerlimits", "user=res", "enable_account_limit=1"}, "needs a limit");
  expect_refused(root, {"setresellerlimits", "user=nobody1"}, "is not a reseller");
}

TEST_CASE("reseller IPs and nameservers",
          "[setresellermainip][setresellerips][getresellerips][setresellernameservers]") {
  TempRoot root;
  root.write("etc/ips", "192.0.2.20:255.255.255.0:192.0.2.255\n192.0.2.21:255.255.255.0:192.0.2.255\n");
  make_reseller(root, "res");
  REQUIRE(run(root, {"setresellermainip", "user=res", "ip=192.0.2.20"}).status == 0);
  CHECK(root.file("var/cpanel/mainips/res") == "192.0.2.20\n");
  auto all = run(root, {"getresellerips", "user=res"}).json()["data"];
  CHECK(all["all"] == 1);
  CHECK(all["ip"] == nlohmann::json({"127.0.0.1", "192.0.2.20", "192.0.2.21"}));
  auto set = run(root, {"setresellerips", "user=res", "delegate=1", "ips=192.0.2.21"}).json()["data"];
  CHECK(set == nlohmann::json({{"all", 0}, {"ip", {"192.0.2.21"}}}));
  CHECK(root.file("var/cpanel/dips/res") == "192.0.2.21\n");
  REQUIRE(run(root, {"setresellerips", "user=res", "delegate=0"}).status == 0);
  CHECK_FALSE(root.exists("var/cpanel/dips/res"));
  REQUIRE(run(root, {"setresellernameservers", "user=res", "nameservers=NS1.res.example,ns2.res.example"}).status == 0);
  CHECK(root.file("var/cpanel/resellers-nameservers") == "res:ns1.res.example,ns2.res.example\n");

  expect_refused(root, {"setresellermainip", "user=res", "ip=198.51.100.1"}, "not one of this server's IP addresses");
  expect_refused(root, {"setresellermainip", "user=res", "ip=nonsense"}, "“ip”");
  expect_refused(root, {"setresellerips", "user=res", "delegate=1", "ips=192.0.2.99"}, "not one of this server's");
  expect_refused(root, {"setresellerips", "user=res", "delegate=1", "ips=abc"}, "not an IPv4 address");
  expect_refused(root, {"getresellerips", "user=ghost"}, "is not a reseller");
  expect_refused(root, {"setresellernameservers", "user=res", "nameservers=bad_ns%0A.example"}, "“nameservers”");
  expect_refused(root, {"setresellernameservers", "user=ghost", "nameservers=ns1.example.com"}, "is not a reseller");
}

TEST_CASE("resellerstats, suspendreseller, unsuspendreseller, terminatereseller",
          "[resellerstats][suspendreseller][unsuspendreseller][terminatereseller]") {
  TempRoot root;
  make_reseller(root, "res");
  create_account(root, "c1", "c1.example", {"owner=res", "quota=100", "bwlimit=50"});
  create_account(root, "c2", "c2.example", {"owner=res"});
  create_account(root, "other", "other.example");
  auto stats = run(root, {"resellerstats", "user=res"}).json()["data"]["reseller"];
  REQUIRE(stats["acct"].size() == 2);
  CHECK(stats["acct"][0]["user"] == "c1");
  CHECK(stats["acct"][0]["diskquota"] == "100.00");
  CHECK(stats["acct"][0]["bandwidthlimit"] == "50.00");
  CHECK(stats["totaldiskalloc"] == "100.00");
  CHECK(stats["user"] == "res");

  REQUIRE(run(root, {"suspendreseller", "user=res", "reason=Unpaid", "reseller-only=1"}).status == 0);
  CHECK(root.exists("var/cpanel/suspended/res"));
  CHECK_FALSE(root.exists("var/cpanel/suspended/c1"));
  REQUIRE(run(root, {"unsuspendreseller", "user=res"}).status == 0);
  REQUIRE(run(root, {"suspendreseller", "user=res", "reason=Unpaid"}).status == 0);
  for (const char* u : {"res", "c1", "c2"}) CHECK(root.file(std::string("var/cpanel/suspended/") + u) == "Unpaid");
  CHECK_FALSE(root.exists("var/cpanel/suspended/other"));
  CHECK(run(root, {"acctcounts", "user=res"}).json()["data"]["reseller"]["suspended"] == 2);
  REQUIRE(run(root, {"unsuspendreseller", "user=res"}).status == 0);
  for (const char* u : {"res", "c1", "c2"}) CHECK_FALSE(root.exists(std::string("var/cpanel/suspended/") + u));

  expect_refused(root, {"terminatereseller", "user=res", "terminatereseller=0"}, "to confirm");
  expect_refused(root, {"terminatereseller", "user=other", "terminatereseller=1"}, "is not a reseller");
  auto t = run(root, {"terminatereseller", "user=res", "terminatereseller=1"});
  REQUIRE(t.status == 0);
  CHECK(t.json()["data"]["acct"].size() == 3);
  for (const char* u : {"res", "c1", "c2"}) {
    CHECK_FALSE(root.exists(std::string("var/cpanel/users/") + u));
    CHECK_FALSE(root.exists(std::string("home/") + u));
  }
  CHECK(root.exists("var/cpanel/users/other"));
  CHECK(root.file("var/cpanel/resellers") == "");
  CHECK(root.file("etc/userdomains") == "other.example: other\n*: nobody\n");

  expect_refused(root, {"resellerstats", "user=other"}, "is not a reseller");
  expect_refused(root, {"resellerstats", "user=res", "month=13"}, "“month”");
  expect_refused(root, {"suspendreseller", "user=other"}, "is not a reseller");
  expect_refused(root, {"unsuspendreseller"}, "Missing required parameter “user”");
  expect_refused(root, {"acctcounts", "user=other"}, "is not a reseller");
}
