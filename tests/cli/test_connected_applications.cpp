// Connected Applications (commands/connected_applications.cpp): root's
// applications in root/conn-apps.json, each reseller's in its own file.
#include <sys/stat.h>
#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {

const char* kRootApps = "root/conn-apps.json";
const char* kApp1 =
    R"({"jwt":{},"private_key":"FEF6253E6A122532430D","privileges_granted":["list-accts","connected-applications"],)"
    R"("public_key":"AAF6253E6A1225324305623EE","token_name":"Application 1 API Token"})";

mode_t mode_of(const TempRoot& root, const std::string& rel) {
  struct stat st {};
  ::stat((root.path + "/" + rel).c_str(), &st);
  return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("save, fetch, list and remove a connected application", "[connected_applications]") {
  TempRoot root;
  CHECK(run_ok(root, {"list_connected_applications"})["data"] == nlohmann::json({{"list", nlohmann::json::array()}}));
  run_ok(root, {"save_connected_application", "name=application-1", std::string("data=") + kApp1});
  CHECK(nlohmann::json::parse(root.file(kRootApps)) ==
        nlohmann::json({{"application-1", nlohmann::json::parse(kApp1)}}));
  CHECK(mode_of(root, kRootApps) == 0600);

  auto fetched = run_ok(root, {"fetch_connected_application", "name=application-1"})["data"];
  CHECK(fetched == nlohmann::json({{"data", nlohmann::json::parse(kApp1)}, {"name", "application-1"}}));

  // Saving again replaces the data.
  run_ok(root, {"save_connected_application", "name=application-1", R"(data={"token_name":"rotated"})"});
  run_ok(root, {"save_connected_application", "name=another", "data={}"});
  auto list = run_ok(root, {"list_connected_applications"})["data"]["list"];
  REQUIRE(list.size() == 2);
  CHECK(list[0] == nlohmann::json({{"name", "another"}}));
  CHECK(list[1] == nlohmann::json({{"name", "application-1"}, {"token_name", "rotated"}}));

  run_ok(root, {"remove_connected_application", "name=application-1"});
  CHECK(nlohmann::json::parse(root.file(kRootApps)) == nlohmann::json({{"another", nlohmann::json::object()}}));
  // Fetching or removing an application that is not there: null data, nothing changed.
  auto before = snapshot(root);
  CHECK(run_ok(root, {"fetch_connected_application", "name=application-1"})["data"]["data"].is_null());
  run_ok(root, {"remove_connected_application", "name=application-1"});
  CHECK(snapshot(root) == before);
}

TEST_CASE("connected applications: each reseller has its own", "[connected_applications]") {
  TempRoot root;
  create_account(root, "res", "res.example");
  run_ok(root, {"setupreseller", "user=res"});
  run_ok(root, {"setacls", "reseller=res", "acl-connected-applications=1"});
  run_ok(root, {"save_connected_application", "name=root-app", "data={}"});
  run_ok(root, {"--user=res", "save_connected_application", "name=res-app", R"(data={"token_name":"t"})"});
  CHECK(nlohmann::json::parse(root.file("var/cpanel/reseller-data/res/conn-apps.json")) ==
        nlohmann::json({{"res-app", {{"token_name", "t"}}}}));
  auto mine = run_ok(root, {"--user=res", "list_connected_applications"})["data"]["list"];
  REQUIRE(mine.size() == 1);
  CHECK(mine[0]["name"] == "res-app");
  CHECK(run_ok(root, {"--user=res", "fetch_connected_application", "name=root-app"})["data"]["data"].is_null());
}

TEST_CASE("connected applications: bad input is refused and changes nothing", "[connected_applications]") {
  TempRoot root;
  run_ok(root, {"save_connected_application", "name=app", "data={}"});
  expect_refused(root, {"save_connected_application", "name=app", "data={not json"}, "“data”");
  expect_refused(root, {"save_connected_application", "name=app", "data=[1,2]"}, "“data”");
  expect_refused(root, {"save_connected_application", "data={}"}, "“name”");
  expect_refused(root, {"save_connected_application", "name=app"}, "“data”");
  expect_refused(root, {"save_connected_application", "name=a%0Ab", "data={}"}, "“name”");
  expect_refused(root, {"save_connected_application", "name=%FF", "data={}"}, "“name”");
  expect_refused(root, {"fetch_connected_application"}, "“name”");
  // A damaged file is reported when read and never rewritten.
  root.write(kRootApps, "{\"app\": 5}\n");
  auto listed = run_ok(root, {"list_connected_applications"});
  CHECK_THAT(listed["metadata"]["output"]["warnings"].dump(), Contains("conn-apps.json"));
  expect_refused(root, {"remove_connected_application", "name=app"}, "cannot be changed");
}
