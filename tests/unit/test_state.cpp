#include <sys/stat.h>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "errors.hpp"
#include "lookup.hpp"
#include "state.hpp"

using namespace whm;
namespace fs = std::filesystem;

namespace {
struct Dir {
  std::string path;
  Dir() {
    char t[] = "/tmp/whmkit-unit-XXXXXX";
    path = ::mkdtemp(t);
  }
  ~Dir() { fs::remove_all(path); }
};
}  // namespace

TEST_CASE("paths cannot leave the state root", "[state]") {
  StateRoot root("/tmp/x/");
  CHECK(root.path("etc/passwd") == "/tmp/x/etc/passwd");
  CHECK_THROWS_AS(root.path("etc/../../passwd"), ApiError);
  CHECK_THROWS_AS(check_path_component("..", "name"), ApiError);
  CHECK_THROWS_AS(check_path_component("a/b", "name"), ApiError);
  CHECK_THROWS_AS(check_path_component("a\nb", "name"), ApiError);
  CHECK_THROWS_AS(check_path_component("", "name"), ApiError);
  CHECK(StateRoot("/").path("etc/passwd") == "/etc/passwd");
}

TEST_CASE("a transaction writes all files or none", "[state]") {
  Dir d;
  StateRoot root(d.path);
  StateWriter writer(root);
  Transaction txn(root);
  txn.write("a/one", "1\n", 0640);
  txn.write("b/two", "2\n");
  CHECK(txn.read("a/one") == "1\n");  // read-your-writes
  CHECK_FALSE(root.exists("a/one"));  // nothing visible before commit
  txn.commit();
  CHECK(root.read("a/one") == "1\n");
  CHECK(root.read("b/two") == "2\n");
  struct stat st;
  ::stat(root.path("a/one").c_str(), &st);
  CHECK((st.st_mode & 0777) == 0640);

  Transaction rm(root);
  rm.remove("a");
  rm.write("b/two", "changed\n");
  rm.commit();
  CHECK_FALSE(root.exists("a"));
  CHECK(root.read("b/two") == "changed\n");
  for (auto& e : fs::recursive_directory_iterator(d.path))
    CHECK(e.path().filename().string().find(".whmkit-tmp") == std::string::npos);
}

TEST_CASE("an interrupted transaction is replayed from its journal", "[state]") {
  Dir d;
  StateRoot root(d.path);
  atomic_write_file(root.path("etc/old"), "old\n", 0644);
  // Simulate a crash after the journal became durable but before the renames:
  // temp files exist and the journal names them.
  atomic_write_file(root.path("etc/.whmkit-tmp.aaa"), "new\n", 0644);
  atomic_write_file(root.path("etc/.whmkit-tmp.bbb"), "second\n", 0644);
  std::string journal = "R\t" + root.path("etc/.whmkit-tmp.aaa") + "\t" + root.path("etc/old") + "\n" + "R\t" +
                        root.path("etc/.whmkit-tmp.bbb") + "\t" + root.path("etc/second") + "\n" + "D\t" +
                        root.path("etc/gone") + "\n";
  atomic_write_file(root.path("etc/gone"), "x", 0644);
  atomic_write_file(root.path("var/cpanel/.whmkit.journal"), journal, 0600);
  REQUIRE(root.exists("var/cpanel/.whmkit.journal"));
  { StateReader reader(root); }  // any handle finishes the interrupted change first
  CHECK_FALSE(root.exists("var/cpanel/.whmkit.journal"));
  CHECK(root.read("etc/old") == "new\n");
  CHECK(root.read("etc/second") == "second\n");
  CHECK_FALSE(root.exists("etc/gone"));
  // Replaying again (crash during recovery) is harmless.
  atomic_write_file(root.path("var/cpanel/.whmkit.journal"), journal, 0600);
  { StateWriter writer(root); }
  CHECK(root.read("etc/old") == "new\n");
}

TEST_CASE("lookup files: one account's lines replaced, others kept", "[lookup]") {
  Dir d;
  StateRoot root(d.path);
  auto account = [](const std::string& user, const std::string& domain) {
    AccountIndex a;
    a.cpuser.kv = {{"USER", user},    {"DNS", domain},     {"DNS1", "sub." + domain},
                   {"OWNER", "root"}, {"PLAN", "default"}, {"IP", "192.0.2.1"},
                   {"HASCGI", "0"}};
    return a;
  };
  StateWriter writer(root);
  Transaction t1(root);
  auto bob = account("bob", "bob.example"), amy = account("amy", "amy.example");
  rebuild_lookup_files(t1, {bob, amy});
  t1.commit();
  CHECK(root.read("etc/userdomains") ==
        "amy.example: amy\nbob.example: bob\nsub.amy.example: amy\nsub.bob.example: bob\n*: nobody\n");
  CHECK(root.read("etc/nocgiusers") == "amy\nbob\n");
  CHECK(root.read("etc/userplans") == "#userplans v1\namy: default\nbob: default\n");

  Transaction t2(root);
  update_lookup_files(t2, "bob", nullptr, [&] { return std::vector<AccountIndex>{bob, amy}; });
  t2.commit();
  CHECK(root.read("etc/userdomains") == "amy.example: amy\nsub.amy.example: amy\n*: nobody\n");
  CHECK(root.read("etc/trueuserowners") == "amy: root\n");
}

TEST_CASE("an abandoned transaction removes what it staged", "[state]") {
  Dir d;
  StateRoot root(d.path);
  StateWriter writer(root);
  {
    Transaction txn(root);
    mkdirs(root.path("home/.whmkit-new-bob/public_html"));
    txn.adopt_staged("home/.whmkit-new-bob");
    txn.rename("home/.whmkit-new-bob", "home/bob");
    txn.write("etc/x", "x");
  }  // never committed
  CHECK_FALSE(root.exists("home/.whmkit-new-bob"));
  CHECK_FALSE(root.exists("home/bob"));
  CHECK_FALSE(root.exists("etc/x"));
  {
    Transaction txn(root);
    mkdirs(root.path("home/.whmkit-new-bob"));
    txn.adopt_staged("home/.whmkit-new-bob");
    txn.rename("home/.whmkit-new-bob", "home/bob");
    txn.commit();
  }
  CHECK(root.exists("home/bob"));
}

TEST_CASE("a transaction killed before its commit point is rolled back", "[state]") {
  Dir d;
  StateRoot root(d.path);
  atomic_write_file(root.path("etc/keep"), "original\n", 0644);
  // What a process leaves when killed after naming and writing its temp
  // files and staged trees, before the COMMIT journal.
  atomic_write_file(root.path("etc/.whmkit-tmp.abc"), "half\n", 0644);
  mkdirs(root.path("home/.whmkit-new-bob/public_html"));
  std::string journal = "PREPARE\nT\t" + root.path("etc/.whmkit-tmp.abc") + "\nT\t" +
                        root.path("home/.whmkit-new-bob") + "\nT\t" + root.path("etc/.whmkit-tmp.never-created") + "\n";
  atomic_write_file(root.path("var/cpanel/.whmkit.journal"), journal, 0600);
  atomic_write_file(root.path("var/cpanel/.whmkit.journal.new"), "COMM", 0600);  // torn journal rewrite
  { StateWriter writer(root); }
  CHECK_FALSE(root.exists("var/cpanel/.whmkit.journal"));
  CHECK_FALSE(root.exists("var/cpanel/.whmkit.journal.new"));
  CHECK_FALSE(root.exists("etc/.whmkit-tmp.abc"));
  CHECK_FALSE(root.exists("home/.whmkit-new-bob"));
  CHECK(root.read("etc/keep") == "original\n");
}

TEST_CASE("state handles: reading creates nothing, writes need the write handle", "[state]") {
  Dir d;
  StateRoot root(d.path + "/fresh");
  {
    StateReader reader(root);  // a root that does not exist yet is read as empty
    StateReader nested(root);
  }
  CHECK_FALSE(fs::exists(d.path + "/fresh"));
  Transaction txn(root);
  txn.write("etc/x", "x");
  CHECK_THROWS_AS(txn.commit(), std::logic_error);  // no StateWriter: refused
  {
    StateWriter writer(root);
    StateWriter nested(root);  // shares the outer lock instead of waiting for itself
    nested.txn().write("etc/y", "y");
    nested.commit();
  }
  CHECK(root.read("etc/y") == "y");
  {
    StateReader reader(root);
    CHECK_THROWS_AS(StateWriter(root), std::logic_error);  // a write inside a read
  }
  StateWriter writer(root);  // the lock was released by the handles above
}

TEST_CASE("a writer's uncommitted transaction leaves nothing", "[state]") {
  Dir d;
  StateRoot root(d.path);
  {
    StateWriter writer(root);
    writer.txn().write("etc/z", "z");
  }
  CHECK_FALSE(root.exists("etc/z"));
}
