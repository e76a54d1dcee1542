// The uids and gids of removed accounts are not given to new ones
// (var/cpanel/usedids.db), until untrack_acct_id releases one.
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "harness.hpp"

using namespace test;
namespace fs = std::filesystem;

namespace {

// A field of `user`'s etc/passwd line (2: uid, 3: gid).
std::string passwd_field(const TempRoot& root, const std::string& user, size_t field) {
  std::istringstream lines(root.file("etc/passwd"));
  for (std::string line; std::getline(lines, line);) {
    std::vector<std::string> f;
    std::istringstream fields(line);
    for (std::string part; std::getline(fields, part, ':');) f.push_back(part);
    if (f.size() > field && f[0] == user) return f[field];
  }
  return "";
}

nlohmann::json used_ids(const TempRoot& root) { return nlohmann::json::parse(root.file("var/cpanel/usedids.db")); }

}  // namespace

TEST_CASE("a removed account's uid and gid stay tracked; untrack_acct_id releases them", "[id_tracking]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  const std::string uid = passwd_field(root, "bob", 2), gid = passwd_field(root, "bob", 3);
  REQUIRE(!uid.empty());
  CHECK(used_ids(root)["uids"].contains(uid));
  CHECK(used_ids(root)["gids"].contains(gid));

  run_ok(root, {"removeacct", "user=bob"});
  CHECK(used_ids(root)["uids"].contains(uid));
  create_account(root, "carl", "carl.example");
  CHECK(passwd_field(root, "carl", 2) != uid);  // not bob's again
  CHECK(passwd_field(root, "carl", 3) != gid);

  auto r = run_ok(root, {"untrack_acct_id", "uid=" + uid, "gid=" + gid});
  CHECK(r["metadata"]["result"] == 1);
  CHECK(r["metadata"]["reason"] == "OK");
  CHECK_FALSE(r.contains("data"));
  CHECK_FALSE(used_ids(root)["uids"].contains(uid));
  CHECK_FALSE(used_ids(root)["gids"].contains(gid));
  create_account(root, "dave", "dave.example");
  CHECK(passwd_field(root, "dave", 2) == uid);  // released, so the lowest free id again

  // An id that is not tracked: nothing to remove, and nothing written.
  const auto before = snapshot(root);
  CHECK(run_ok(root, {"untrack_acct_id", "uid=59000", "check_quota=0"})["metadata"]["result"] == 1);
  CHECK(snapshot(root) == before);
}

TEST_CASE("untrack_acct_id refuses, with cPanel's wording, and changes nothing", "[id_tracking]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  create_account(root, "carl", "carl.example");
  const std::string bob_uid = passwd_field(root, "bob", 2), carl_uid = passwd_field(root, "carl", 2);
  const std::string carl_gid = passwd_field(root, "carl", 3);
  run_ok(root, {"removeacct", "user=bob"});

  expect_refused(root, {"untrack_acct_id"}, "No uid or gid supplied");
  expect_refused(root, {"untrack_acct_id", "uid=5"}, "System uid supplied");
  expect_refused(root, {"untrack_acct_id", "gid=5"}, "System gid supplied");
  expect_refused(root, {"untrack_acct_id", "uid=" + carl_uid}, "The supplied uid (" + carl_uid + ") is still in use");
  expect_refused(root, {"untrack_acct_id", "gid=" + carl_gid}, "The supplied gid is still in use");
  // A valid uid with a gid in use: neither is removed.
  expect_refused(root, {"untrack_acct_id", "uid=" + bob_uid, "gid=" + carl_gid}, "The supplied gid is still in use");
  expect_refused(root, {"untrack_acct_id", "uid=abc"}, "uid");
  expect_refused(root, {"untrack_acct_id", "uid=-1"}, "uid");
  expect_refused(root, {"--user=carl", "untrack_acct_id", "uid=" + bob_uid}, "");

  // A file bob left in another home still belongs to its uid.
  root.write("home/carl/left-by-bob.txt", "bob's\n");
  REQUIRE(::chown((root.path + "/home/carl/left-by-bob.txt").c_str(), std::stoi(bob_uid), 0) == 0);
  expect_refused(root, {"untrack_acct_id", "uid=" + bob_uid}, "The supplied uid (" + bob_uid + ") still has files");
  fs::remove(root.path + "/home/carl/left-by-bob.txt");

  // The walk does not follow a symlink out of the home roots.
  root.write("elsewhere/owned.txt", "x\n");
  REQUIRE(::chown((root.path + "/elsewhere/owned.txt").c_str(), std::stoi(bob_uid), 0) == 0);
  fs::create_directory_symlink(root.path + "/elsewhere", root.path + "/home/carl/link");
  CHECK(run_ok(root, {"untrack_acct_id", "uid=" + bob_uid})["metadata"]["result"] == 1);
  CHECK_FALSE(used_ids(root)["uids"].contains(bob_uid));
}

TEST_CASE("untrack_acct_id: the checks cPanel lets the caller turn off", "[id_tracking]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  const std::string uid = passwd_field(root, "bob", 2);
  root.write("home/bob/file.txt", "mine\n");
  REQUIRE(::chown((root.path + "/home/bob/file.txt").c_str(), std::stoi(uid), 0) == 0);
  // In use and owning files, yet released when the caller says so.
  auto r = run_ok(root, {"untrack_acct_id", "uid=" + uid, "check_exists=0", "check_quota=0"});
  CHECK(r["metadata"]["result"] == 1);
  CHECK_FALSE(used_ids(root)["uids"].contains(uid));
  // A system id, with protect_system=0: tracked since the file holds every id of etc/passwd.
  root.write("etc/passwd", root.file("etc/passwd") + "sys:x:5:5::/:/sbin/nologin\n");
  run_ok(root, {"removeacct", "user=bob"});  // rewrites the file with etc/passwd's ids
  CHECK(used_ids(root)["uids"].contains("5"));
  run_ok(root, {"untrack_acct_id", "uid=5", "protect_system=0", "check_exists=0", "check_quota=0"});
  CHECK_FALSE(used_ids(root)["uids"].contains("5"));
}

TEST_CASE("a damaged usedids.db is not rewritten", "[id_tracking]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  root.write("var/cpanel/usedids.db", "{\"uids\": {\"1001\": 1,\n");
  expect_refused(root, {"createacct", "username=carl", "domain=carl.example", "password=Secret-pass1"},
                 "“/var/cpanel/usedids.db” cannot be changed");
  expect_refused(root, {"untrack_acct_id", "uid=1001", "check_exists=0", "check_quota=0"},
                 "“/var/cpanel/usedids.db” cannot be changed");
}
