#include <sys/stat.h>
#include <unistd.h>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <set>

#include "errors.hpp"
#include "id_tracking.hpp"
#include "lookup.hpp"
#include "output.hpp"
#include "state.hpp"
#include "util.hpp"

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
  const std::string journal =
      "COMMIT\nR\tetc/.whmkit-tmp.aaa\tetc/old\nR\tetc/.whmkit-tmp.bbb\tetc/second\nD\tetc/gone\n";
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

TEST_CASE("an abandoned transaction leaves no directory it made, not even the journal's", "[state]") {
  Dir d;
  StateRoot root(d.path);
  StateWriter writer(root);
  {
    Transaction txn(root);
    txn.adopt_staged("home/.whmkit-new-bob");  // writes the journal: var/cpanel is made
    mkdirs(root.path("home/.whmkit-new-bob/public_html"));
    mkdirs(root.path("var/cpanel/bandwidth"));  // made for the change, and left empty
    txn.write("etc/x", "x");
  }
  CHECK(fs::is_empty(d.path));
  // What is in such a directory and not the transaction's stays, and so does the directory.
  {
    Transaction txn(root);
    txn.adopt_staged("home/.whmkit-new-bob");
    atomic_write_file(root.path("var/cpanel/kept"), "kept\n", 0644);
    mkdirs(root.path("home"));
    fs::create_symlink(d.path, root.path("home/link"));
  }
  CHECK(root.read("var/cpanel/kept") == "kept\n");
  CHECK(fs::is_symlink(root.path("home/link")));
  CHECK_FALSE(root.exists("var/cpanel/.whmkit.journal"));
  fs::remove_all(root.path("var"));
  fs::remove_all(root.path("home"));
  // A committed transaction keeps what it made.
  {
    Transaction txn(root);
    txn.adopt_staged("home/.whmkit-new-bob");
    mkdirs(root.path("home/.whmkit-new-bob"));
    txn.rename("home/.whmkit-new-bob", "home/bob");
    txn.commit();
  }
  CHECK(fs::is_directory(root.path("home/bob")));
  CHECK(fs::is_directory(root.path("var/cpanel")));
  CHECK_FALSE(root.exists("var/cpanel/.whmkit.journal"));
}

TEST_CASE("a transaction killed before its commit point is rolled back", "[state]") {
  Dir d;
  StateRoot root(d.path);
  atomic_write_file(root.path("etc/keep"), "original\n", 0644);
  // What a process leaves when killed after naming and writing its temp
  // files and staged trees, before the COMMIT journal.
  atomic_write_file(root.path("etc/.whmkit-tmp.abc"), "half\n", 0644);
  mkdirs(root.path("home/.whmkit-new-bob/public_html"));
  const std::string journal =
      "PREPARE\nT\tetc/.whmkit-tmp.abc\nT\thome/.whmkit-new-bob\nT\tetc/.whmkit-tmp.never-created\n";
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

TEST_CASE("a journal naming anything but a path inside the state root is refused, and nothing is touched",
          "[state][security]") {
  Dir d, outside;
  StateRoot root(d.path + "/root");
  atomic_write_file(root.path("etc/keep"), "keep\n", 0644);
  atomic_write_file(root.path("etc/.whmkit-tmp.abc"), "staged\n", 0644);
  atomic_write_file(outside.path + "/victim", "victim\n", 0644);
  const std::string victim = outside.path + "/victim";
  const std::vector<std::string> hostile = {
      "COMMIT\nD\t" + victim + "\n",                       // an absolute path
      "COMMIT\nR\tetc/.whmkit-tmp.abc\t" + victim + "\n",  // moved out of the root
      "COMMIT\nD\t../../" + victim.substr(1) + "\n",       // climbing out
      "COMMIT\nD\tetc/../../x\n",                          // ".." in the middle
      "COMMIT\nD\tetc//keep\n",                            // an empty component
      "COMMIT\nD\t./etc\n",                                // "."
      "COMMIT\nD\t\n",                                     // nothing
      std::string("COMMIT\nD\tetc/keep") + '\0' + "/x\n",  // NUL
      "COMMIT\nD\tetc/ke\x01p\n",                          // a control character
      "PREPARE\nT\t" + victim + "\n",                      // rolled back outside
      "COMMIT\nUD\t" + outside.path + "\tvictim\n",        // a user's directory outside
      "COMMIT\nUR\thome/bob\t../../../x\tetc/ftpquota\n",  // climbing out of a user's directory
      "COMMIT\nUD\thome/bob\n",                            // a field missing
      "COMMIT\nD\tetc/keep\textra\n",                      // a field too many
      "COMMIT\nX\tetc/keep\n",                             // not a step whmkit writes
      "PREPARE\nD\tetc/keep\n",                            // a commit step in a PREPARE journal
      "COMMIT\nT\tetc/keep\n",                             // and the other way round
      "COMMIT\nUA\thome/bob\tetc/ftpquota\t0\n",           // an append's rollback in a COMMIT journal
      "PREPARE\nUA\thome/bob\tetc/ftpquota\n",             // its size missing
      "PREPARE\nA\tetc/keep\t0\n",                         // outside a user's directory
      "PREPARE\nUA\thome/bob\tetc/ftpquota\t-1\n",         // a size no file has
      "PREPARE\nUA\thome/bob\t../../x\t0\n",               // climbing out of a user's directory
      "rm -rf /\n",                                        // neither PREPARE nor COMMIT
  };
  for (const auto& journal : hostile) {
    INFO(journal);
    atomic_write_file(root.path("var/cpanel/.whmkit.journal"), journal, 0600);
    CHECK_THROWS_WITH(StateWriter(root), Catch::Matchers::Contains("was not replayed") &&
                                             Catch::Matchers::Contains(root.path("var/cpanel/.whmkit.journal")));
    CHECK_THROWS_WITH(StateReader(root), Catch::Matchers::Contains("was not replayed"));
    CHECK(root.read("var/cpanel/.whmkit.journal") == journal);  // left for the administrator
    CHECK(read_file(victim) == "victim\n");
    CHECK(root.read("etc/keep") == "keep\n");
    CHECK(root.read("etc/.whmkit-tmp.abc") == "staged\n");
  }
  // The refusal names the line and what is wrong with it.
  atomic_write_file(root.path("var/cpanel/.whmkit.journal"), "COMMIT\nD\tetc/x\nD\t/etc/passwd\n", 0600);
  CHECK_THROWS_WITH(StateWriter(root), Catch::Matchers::Contains("line 3 names “/etc/passwd”"));
  ::unlink(root.path("var/cpanel/.whmkit.journal").c_str());
  StateWriter writer(root);  // usable again once the administrator removed it
}

namespace {
// Tries openat2 or not for the test's duration.
struct Openat2Setting {
  explicit Openat2Setting(bool enabled) { set_openat2_enabled(enabled); }
  ~Openat2Setting() { set_openat2_enabled(true); }
};

// A home "home/bob" inside `root`, with a directory and a file of its own.
void make_home(const StateRoot& root) {
  mkdirs(root.path("home/bob/etc"));
  atomic_write_file(root.path("home/bob/etc/ftpquota"), "a@bob.example:5\n", 0644);
}
}  // namespace

TEST_CASE("a user's directory: no symlink on the way is followed, for reading or writing", "[state][user_dir]") {
  const bool openat2 = GENERATE(true, false);  // the kernel's resolver, and the walk older kernels get
  const Openat2Setting setting(openat2);
  INFO("openat2: " << openat2);
  Dir d, outside;
  StateRoot root(d.path);
  make_home(root);
  atomic_write_file(outside.path + "/secret", "x@bob.example:77\n", 0644);
  StateWriter writer(root);
  const UserPath quota{"home/bob", "etc/ftpquota"};
  CHECK(Transaction(root).read(quota) == "a@bob.example:5\n");

  SECTION("a symlinked file") {
    fs::remove(root.path("home/bob/etc/ftpquota"));
    fs::create_symlink(outside.path + "/secret", root.path("home/bob/etc/ftpquota"));
    Transaction txn(root);
    CHECK_THROWS_WITH(txn.read(quota), Catch::Matchers::Contains("“/home/bob/etc/ftpquota”: it is a symbolic link"));
    CHECK_THROWS_WITH(txn.write(quota, "y\n", 0644, {}), Catch::Matchers::Contains("/home/bob/etc/ftpquota"));
  }
  SECTION("a symlinked directory on the way") {
    fs::rename(root.path("home/bob/etc"), root.path("home/bob/etc.old"));
    fs::create_directory_symlink(outside.path, root.path("home/bob/etc"));
    Transaction txn(root);
    CHECK_THROWS_WITH(txn.read(UserPath{"home/bob", "etc/secret"}), Catch::Matchers::Contains("“/home/bob/etc”"));
    CHECK_THROWS_WITH(txn.write(quota, "y\n", 0644, {}), Catch::Matchers::Contains("“/home/bob/etc”"));
    CHECK_THROWS_WITH(txn.remove(UserPath{"home/bob", "etc/secret"}), Catch::Matchers::Contains("“/home/bob/etc”"));
    CHECK_THROWS_WITH(txn.make_dir(UserPath{"home/bob", "etc/sub"}, 0755, {}),
                      Catch::Matchers::Contains("“/home/bob/etc”"));
    CHECK(txn.empty());
  }
  SECTION("a hard link, a FIFO, a directory where a file is read") {
    fs::remove(root.path("home/bob/etc/ftpquota"));
    fs::create_hard_link(outside.path + "/secret", root.path("home/bob/etc/ftpquota"));
    CHECK_THROWS_WITH(Transaction(root).read(quota), Catch::Matchers::Contains("other hard links"));
    fs::remove(root.path("home/bob/etc/ftpquota"));
    REQUIRE(::mkfifo(root.path("home/bob/etc/ftpquota").c_str(), 0644) == 0);
    CHECK_THROWS_WITH(Transaction(root).read(quota), Catch::Matchers::Contains("not a regular file"));
    fs::remove(root.path("home/bob/etc/ftpquota"));
    fs::create_directory(root.path("home/bob/etc/ftpquota"));
    CHECK_THROWS_WITH(Transaction(root).read(quota), Catch::Matchers::Contains("not a regular file"));
  }
  SECTION("a symlink swapped in after staging is refused at the commit, and nothing is written") {
    {
      Transaction txn(root);
      txn.write(quota, "changed\n", 0644, {});
      txn.write("etc/other", "other\n");
      fs::rename(root.path("home/bob/etc"), root.path("home/bob/etc.old"));
      fs::create_directory_symlink(outside.path, root.path("home/bob/etc"));
      CHECK_THROWS_WITH(txn.commit(), Catch::Matchers::Contains("“/home/bob/etc”"));
    }
    CHECK_FALSE(root.exists("etc/other"));
    CHECK(root.read("home/bob/etc.old/ftpquota") == "a@bob.example:5\n");
    CHECK_FALSE(root.exists("var/cpanel/.whmkit.journal"));
  }
  SECTION("written, made and removed relative to the home, owned as asked") {
    Transaction txn(root);
    txn.write(UserPath{"home/bob", "new/dir/file"}, "content\n", 0640, {});
    txn.make_dir(UserPath{"home/bob", "public_html/sub"}, 0750, {});
    txn.remove(UserPath{"home/bob", "etc"});
    CHECK(txn.read(UserPath{"home/bob", "new/dir/file"}) == "content\n");
    txn.commit();
    CHECK(root.read("home/bob/new/dir/file") == "content\n");
    struct stat st;
    REQUIRE(::stat(root.path("home/bob/public_html/sub").c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0750);
    CHECK_FALSE(root.exists("home/bob/etc"));
  }
  CHECK(read_file(outside.path + "/secret") == "x@bob.example:77\n");
  CHECK(fs::directory_iterator(outside.path) != fs::directory_iterator());
  CHECK(std::distance(fs::directory_iterator(outside.path), fs::directory_iterator()) == 1);
}

TEST_CASE("recovery: a step in a user's directory that a symlink now redirects is left out", "[state][user_dir]") {
  Dir d, outside;
  StateRoot root(d.path);
  make_home(root);
  atomic_write_file(root.path("home/bob/etc/.whmkit-tmp.abc"), "staged\n", 0644);
  atomic_write_file(root.path("etc/.whmkit-tmp.def"), "trusted\n", 0644);
  atomic_write_file(outside.path + "/ftpquota", "outside\n", 0644);
  // The user swapped ~/etc for a symlink between the commit point and the crash.
  fs::rename(root.path("home/bob/etc"), root.path("home/bob/etc.real"));
  fs::create_directory_symlink(outside.path, root.path("home/bob/etc"));
  atomic_write_file(root.path("var/cpanel/.whmkit.journal"),
                    "COMMIT\nUR\thome/bob\tetc/.whmkit-tmp.abc\tetc/ftpquota\nUD\thome/bob\tetc/ftpquota\n"
                    "R\tetc/.whmkit-tmp.def\tetc/done\n",
                    0600);
  { StateWriter writer(root); }
  CHECK(read_file(outside.path + "/ftpquota") == "outside\n");  // not replaced, not removed
  CHECK(root.read("etc/done") == "trusted\n");                  // the rest of the change is applied
  CHECK_FALSE(root.exists("var/cpanel/.whmkit.journal"));       // and nothing blocks the next one
}

TEST_CASE("removing a tree never follows a symlink in it, however deep the tree", "[state][user_dir]") {
  Dir d, outside;
  atomic_write_file(outside.path + "/keep", "keep\n", 0644);
  const std::string tree = d.path + "/trash";
  mkdirs(tree + "/a/b");
  fs::create_directory_symlink(outside.path, tree + "/a/b/link");
  fs::create_symlink(outside.path + "/keep", tree + "/a/file-link");
  std::string deep = tree;
  for (int i = 0; i < 150; ++i) deep += "/d";  // deeper than the walk keeps directories open
  mkdirs(deep);
  atomic_write_file(deep + "/leaf", "x", 0644);
  fs::create_directory_symlink(outside.path, deep + "/link");
  remove_tree(tree);
  CHECK_FALSE(fs::exists(fs::symlink_status(tree)));
  CHECK(read_file(outside.path + "/keep") == "keep\n");
}

TEST_CASE("appending: the text is added in place, and cut off again unless the change commits",
          "[state][user_dir][append]") {
  Dir d;
  StateRoot root(d.path);
  make_home(root);
  const UserPath quota{"home/bob", "etc/ftpquota"};
  struct stat before {};
  REQUIRE(::stat(root.path("home/bob/etc/ftpquota").c_str(), &before) == 0);
  {
    StateWriter writer(root);
    writer.txn().append(quota, "b@bob.example:6\n", 0600, {});
    CHECK(writer.txn().read(quota) == "a@bob.example:5\nb@bob.example:6\n");  // the view has it at once
    writer.commit();
  }
  CHECK(root.read("home/bob/etc/ftpquota") == "a@bob.example:5\nb@bob.example:6\n");
  struct stat after {};
  REQUIRE(::stat(root.path("home/bob/etc/ftpquota").c_str(), &after) == 0);
  CHECK(after.st_ino == before.st_ino);  // the same file, not a replacement
  CHECK((after.st_mode & 07777) == (before.st_mode & 07777));
  CHECK_FALSE(root.exists("var/cpanel/.whmkit.journal"));

  SECTION("a change that fails after the text went in is cut back") {
    {
      StateWriter writer(root);
      writer.txn().append(quota, "c@bob.example:7\n", 0600, {});
      writer.txn().write(UserPath{"home/bob", "etc/other"}, "x", 0600, {});
      // The user puts a symlink where the next file goes: the commit stops after the append.
      fs::create_symlink("/nonexistent", root.path("home/bob/etc/other"));
      CHECK_THROWS(writer.commit());
    }
    CHECK(root.read("home/bob/etc/ftpquota") == "a@bob.example:5\nb@bob.example:6\n");
  }
  SECTION("a crash before the commit point is rolled back from the journal") {
    atomic_write_file(root.path("home/bob/etc/ftpquota"), "a@bob.example:5\nb@bob.example:6\nhalf", 0644);
    atomic_write_file(root.path("var/cpanel/.whmkit.journal"), "PREPARE\nUA\thome/bob\tetc/ftpquota\t32\n", 0600);
    { StateReader reader(root); }
    CHECK(root.read("home/bob/etc/ftpquota") == "a@bob.example:5\nb@bob.example:6\n");
    CHECK_FALSE(root.exists("var/cpanel/.whmkit.journal"));
  }
  SECTION("a file that does not exist yet, or that the change rewrites, is written whole") {
    StateWriter writer(root);
    const UserPath fresh{"home/bob", "etc/new"};
    writer.txn().append(fresh, "one\n", 0640, {});
    writer.txn().write(quota, "z@bob.example:1\n", 0644, {});
    writer.txn().append(quota, "y@bob.example:2\n", 0644, {});
    writer.commit();
    CHECK(root.read("home/bob/etc/new") == "one\n");
    CHECK(root.read("home/bob/etc/ftpquota") == "z@bob.example:1\ny@bob.example:2\n");
  }
  SECTION("appends are not read back from disk until asked, and a later write replaces them") {
    StateWriter writer(root);
    writer.txn().append(quota, "c@bob.example:7\n", 0600, {});
    writer.txn().append(quota, "d@bob.example:8\n", 0600, {});
    CHECK(writer.txn().exists(quota));
    CHECK(writer.txn().read(quota) == "a@bob.example:5\nb@bob.example:6\nc@bob.example:7\nd@bob.example:8\n");
    writer.txn().write(quota, "e@bob.example:9\n", 0600, {});
    writer.txn().append(quota, "f@bob.example:1\n", 0600, {});
    writer.commit();
    CHECK(root.read("home/bob/etc/ftpquota") == "e@bob.example:9\nf@bob.example:1\n");
  }
  SECTION("never through a symlink") {
    Dir outside;
    atomic_write_file(outside.path + "/secret", "secret\n", 0644);
    StateWriter writer(root);
    writer.txn().append(quota, "d@bob.example:8\n", 0600, {});
    fs::remove(root.path("home/bob/etc/ftpquota"));
    fs::create_symlink(outside.path + "/secret", root.path("home/bob/etc/ftpquota"));
    CHECK_THROWS(writer.commit());
    CHECK(read_file(outside.path + "/secret") == "secret\n");
  }
}

// usedids.db is read and written without a JSON document when it is in the
// form whmkit writes; any other form goes through the JSON parser, with the
// same ids.
TEST_CASE("usedids.db: the direct reader and writer agree with the JSON ones", "[state][usedids]") {
  // The ids read from a root whose usedids.db holds `text`.
  auto tracked_of = [](const std::string& text) {
    Dir d;
    fs::create_directories(d.path + "/var/cpanel");
    std::ofstream(d.path + "/var/cpanel/usedids.db") << text;
    StateRoot root(d.path);
    Transaction view(root);
    return TrackedIds(view);
  };
  for (const auto& [gids, uids] : std::vector<std::pair<std::set<long>, std::set<long>>>{
           {{}, {}}, {{1000}, {}}, {{}, {0, 5}}, {{1000, 1001, 999, 10000, 100000, 2}, {1000, 99999, 100001}}}) {
    nlohmann::json doc = {{"gids", nlohmann::json::object()}, {"uids", nlohmann::json::object()}};
    for (long id : gids) doc["gids"][std::to_string(id)] = 1;
    for (long id : uids) doc["uids"][std::to_string(id)] = 1;
    CHECK(used_ids_text(gids, uids) == json_text(doc));
    for (const std::string& text : {json_text(doc), doc.dump(2)}) {  // the direct form, and one only JSON reads
      TrackedIds tracked = tracked_of(text);
      CHECK(tracked.problems().empty());
      for (long id : {0L, 2L, 5L, 999L, 1000L, 1001L, 10000L, 99999L, 100000L, 100001L}) {
        CHECK(tracked.has_gid(id) == (gids.count(id) > 0));
        CHECK(tracked.has_uid(id) == (uids.count(id) > 0));
      }
    }
  }
  // Not in the direct form, and not ids: the JSON reader names the damage.
  for (const char* bad : {"{\"gids\":{\"01\":1},\"uids\":{}}", "{\"gids\":{\"x\":1},\"uids\":{}}",
                          "{\"gids\":{\"1\":1},\"uids\":{}", "{\"gids\":{\"2\":1,\"1\":1},\"uids\":{}}"}) {
    TrackedIds tracked = tracked_of(bad);
    INFO(bad);
    if (std::string(bad).find("\"2\":1,\"1\"") != std::string::npos) {  // keys out of order: still JSON, still ids
      CHECK(tracked.problems().empty());
      CHECK((tracked.has_gid(1) && tracked.has_gid(2)));
    } else if (std::string(bad).find("\"01\"") != std::string::npos) {
      CHECK(tracked.has_gid(1));  // parse_int reads it
    } else {
      CHECK_FALSE(tracked.problems().empty());
    }
  }
}
