// Account items as real WHM servers (cPanel 11.28, WHM API 0) answered
// listaccts, accountsummary and listsuspended (tests/recordings/whm-api0-accounts/,
// from ../shared/reference/recordings/): a client written against them finds
// every key in our WHM API 1 items, with the same type. Values are not
// compared: they describe the recorded server's accounts.
#include <catch2/catch.hpp>

#include "harness.hpp"
#include "recordings.hpp"

using test::create_account;
using test::run_ok;
using test::TempRoot;

namespace {

// Where WHM API 1 changed a type, its reference (002) decides.
const std::map<std::string, std::string> kApi1Types = {
    {"unix_startdate", "integer"},  // API 0 "1292516679"; the listaccts/accountsummary samples: 1369256589
    {"unixtime", "integer"},        // API 0 "1298564189"; the listsuspended sample: 1416306874
};

// Each recorded item's keys are in `ours`, each with the recorded type (or
// the WHM API 1 one).
void expect_same_keys_and_types(const nlohmann::json& recorded_items, const nlohmann::json& ours,
                                const std::string& what) {
  REQUIRE_FALSE(recorded_items.empty());
  for (const auto& recorded : recorded_items) {
    for (const auto& [key, value] : recorded.items()) {
      INFO(what << ": key " << key << ", recorded " << value.dump() << ", ours " << ours.dump());
      REQUIRE(ours.contains(key));
      auto api1 = kApi1Types.find(key);
      CHECK(test::type_name(ours[key]) == (api1 != kApi1Types.end() ? api1->second : test::type_name(value)));
    }
  }
}

}  // namespace

TEST_CASE("account items carry every key of real servers' WHM API 0 items, with its type", "[accounts][recordings]") {
  TempRoot root;
  create_account(root, "summary", "summary.com", {"contactemail=tim@summary.com"});
  create_account(root, "removeme", "removeme.com");
  run_ok(root, {"suspendacct", "user=removeme"});

  nlohmann::json listed = run_ok(root, {"listaccts", "searchtype=user", "search=^summary$"})["data"]["acct"];
  REQUIRE(listed.size() == 1);
  for (const auto& call : test::load_recording("whm-api0-accounts/listaccts").calls)
    expect_same_keys_and_types(call.response["acct"], listed[0], "listaccts");

  nlohmann::json summary = run_ok(root, {"accountsummary", "user=summary"})["data"]["acct"];
  REQUIRE(summary.size() == 1);
  auto summaries = test::load_recording("whm-api0-accounts/accountsummary").calls;
  expect_same_keys_and_types(summaries.at(0).response["acct"], summary[0], "accountsummary");

  nlohmann::json suspended = run_ok(root, {"listsuspended"})["data"]["account"];
  REQUIRE(suspended.size() == 1);
  auto suspensions = test::load_recording("whm-api0-accounts/listsuspended").calls;
  expect_same_keys_and_types(suspensions.at(1).response["accts"], suspended[0], "listsuspended");
  // Suspended without a reason: real servers say "Unknown", as ours.
  CHECK(suspensions.at(1).response["accts"][0]["reason"] == "Unknown");
  CHECK(suspended[0]["reason"] == "Unknown");
}
