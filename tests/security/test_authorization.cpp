// Authorization: a reseller acting through --user=RESELLER reaches only what
// its privileges and its accounts allow.
#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;

TEST_CASE("a reseller without create-acct creates no account", "[security][authorization]") {
  TempRoot root;
  create_account(root, "alice", "alice.example");
  run_ok(root, {"setupreseller", "user=alice"});
  expect_refused(root, {"--user=alice", "createacct", "username=carol", "domain=carol.example"},
                 "“create-acct” privilege");
}
