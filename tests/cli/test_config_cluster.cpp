#include <sys/stat.h>

#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {
const char* kServers = "var/cpanel/clusterserver/servers.db";
// A remote access key as WHM shows it: hex digits over several lines.
const std::string kKey = "D0D0d0d0d0d0d0d0d0d0d0d0d0d0d0d0%0Aabcdef0123456789";

mode_t mode_of(const TempRoot& root, const std::string& rel) {
  struct stat st {};
  REQUIRE(::stat((root.path + "/" + rel).c_str(), &st) == 0);
  return st.st_mode & 07777;
}
}  // namespace

TEST_CASE("configuration cluster servers are added, listed, updated and deleted",
          "[config_cluster][add_configclusterserver][list_configclusterservers]") {
  TempRoot root;
  CHECK(run_ok(root, {"list_configclusterservers"})["data"] == nlohmann::json::object());

  // The key as given may hold line breaks (it is pasted from WHM): only its letters and digits are kept.
  auto added = run_ok(root, {"add_configclusterserver", "name=node1.example.com", "user=root", "key=" + kKey});
  CHECK(added["metadata"] == nlohmann::json({{"command", "add_configclusterserver"},
                                             {"name", "node1.example.com"},
                                             {"reason", "OK"},
                                             {"result", 1},
                                             {"signature", "d0:d0:d0:d0:d0:d0:d0:d0:d0:d0:d0:d0:d0:d0:d0:d0"},
                                             {"user", "root"},
                                             {"version", 1}}));
  CHECK_FALSE(added.contains("data"));
  CHECK(root.file(kServers) ==
        "--- \nnode1.example.com: \n  key: D0D0d0d0d0d0d0d0d0d0d0d0d0d0d0d0abcdef0123456789\n  user: root\n");
  CHECK(mode_of(root, kServers) == 0600);

  run_ok(root, {"add_configclusterserver", "name=192.0.2.7", "user=admin", "key=e1e2e3"});
  auto listed = run_ok(root, {"list_configclusterservers"});
  CHECK(listed["data"] ==
        nlohmann::json({{"192.0.2.7", {{"signature", "e1:e2:e3"}, {"user", "admin"}}},
                        {"node1.example.com",
                         {{"signature", "d0:d0:d0:d0:d0:d0:d0:d0:d0:d0:d0:d0:d0:d0:d0:d0"}, {"user", "root"}}}}));
  // The key itself is never printed.
  CHECK(listed.dump().find("abcdef") == std::string::npos);

  root.write("var/cpanel/clusterserver/servers.db.cache", "stale");
  auto updated = run_ok(root, {"update_configclusterserver", "name=192.0.2.7", "key=ff00ff"});
  CHECK(updated["metadata"]["signature"] == "ff:00:ff");
  CHECK(updated["metadata"]["user"] == "admin");
  CHECK_THAT(root.file(kServers), Contains("192.0.2.7: \n  key: ff00ff\n  user: admin\n"));
  CHECK_FALSE(root.exists("var/cpanel/clusterserver/servers.db.cache"));
  run_ok(root, {"update_configclusterserver", "name=192.0.2.7", "user=root"});
  CHECK_THAT(root.file(kServers), Contains("192.0.2.7: \n  key: ff00ff\n  user: root\n"));

  auto deleted = run_ok(root, {"delete_configclusterserver", "name=192.0.2.7"});
  CHECK(deleted["metadata"]["name"] == "192.0.2.7");
  CHECK(root.file(kServers).find("192.0.2.7") == std::string::npos);
  // The last one gone, the file goes too (as cPanel removes it).
  run_ok(root, {"delete_configclusterserver", "name=node1.example.com"});
  CHECK_FALSE(root.exists(kServers));
}

TEST_CASE("bad configuration cluster changes are refused and change nothing", "[config_cluster]") {
  TempRoot root;
  run_ok(root, {"add_configclusterserver", "name=node1.example.com", "user=root", "key=abcd"});
  const std::string adding = "The system was unable to add server “";
  expect_refused(root, {"add_configclusterserver", "name=node1.example.com", "user=root", "key=abcd"}, adding);
  expect_refused(root, {"add_configclusterserver", "name=../../etc", "user=root", "key=abcd"}, adding);
  expect_refused(root, {"add_configclusterserver", "name=node2.example.com", "user=ro ot", "key=abcd"}, adding);
  expect_refused(root, {"add_configclusterserver", "name=node2.example.com", "user=root", "key=::--"}, adding);
  expect_refused(root, {"add_configclusterserver", "name=node2.example.com", "user=root"}, "“key”");
  auto refused = run(root, {"add_configclusterserver", "name=node3.example.com", "user=-x", "key=ab"}).json();
  CHECK(refused["metadata"]["name"] == "node3.example.com");  // echoed, as cPanel does
  CHECK(refused["metadata"]["result"] == 0);
  expect_refused(root, {"delete_configclusterserver", "name=nosuch.example.com"},
                 "The system was unable to delete server “nosuch.example.com” from the configuration clusters list.");
  expect_refused(root, {"update_configclusterserver", "name=nosuch.example.com", "user=root"},
                 "Cannot update server “nosuch.example.com”.");
  expect_refused(root, {"update_configclusterserver", "name=node1.example.com"}, "“key”");
  expect_refused(root, {"update_configclusterserver", "name=node1.example.com", "key=%3A%3A"}, "Cannot update server");
  // A damaged file is not rewritten.
  root.write(kServers, "---\nnode1.example.com: [unclosed\n");
  expect_refused(root, {"add_configclusterserver", "name=node2.example.com", "user=root", "key=ab"},
                 "cannot be changed");
}
