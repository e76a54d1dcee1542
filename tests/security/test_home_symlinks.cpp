// Files the attacker controls: an account's user owns its home and may plant
// symlinks (hard links, FIFOs) anywhere in it. whmkit runs as root and must
// never read or write through them: each call touching such a path is
// refused with an error naming it, changes nothing under the state root, and
// neither writes nor reads anything outside it.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>

#include "harness.hpp"

using namespace test;
namespace fs = std::filesystem;

namespace {

// A directory outside the state root, standing for anything root can reach.
struct Outside {
  std::string path;
  Outside() {
    char tmpl[] = "/tmp/whmkit-outside-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~Outside() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  Outside(const Outside&) = delete;
  std::string file(const std::string& name) const { return path + "/" + name; }
  void write(const std::string& name, const std::string& content) const {
    fs::create_directories(fs::path(file(name)).parent_path());
    std::ofstream(file(name), std::ios::binary) << content;
  }
  // Every entry below it with its content: proof that nothing was added, changed or removed.
  std::map<std::string, std::string> contents() const {
    std::map<std::string, std::string> out;
    for (auto it = fs::recursive_directory_iterator(path); it != fs::recursive_directory_iterator(); ++it) {
      struct stat st {};
      ::lstat(it->path().c_str(), &st);
      std::string meta = " uid=" + std::to_string(st.st_uid) + " mode=" + std::to_string(st.st_mode);
      out[it->path().string()] = (S_ISREG(st.st_mode) ? read_all(it->path().string()) : "") + meta;
    }
    return out;
  }
  static std::string read_all(const std::string& abs) {
    std::string s;
    if (FILE* f = std::fopen(abs.c_str(), "rb")) {
      char buf[4096];
      size_t n;
      while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) s.append(buf, n);
      std::fclose(f);
    }
    return s;
  }
};

bool running_as_root() { return ::geteuid() == 0; }

// Replaces the directory `rel` of the root by a symlink to `target`, keeping
// the real directory beside it (so the state stays consistent otherwise).
void swap_for_symlink(const TempRoot& root, const std::string& rel, const std::string& target) {
  fs::rename(root.path + "/" + rel, root.path + "/" + rel + ".real");
  fs::create_directory_symlink(target, root.path + "/" + rel);
}

// bob with the FTP login deploy@bob.example (quota 10 MB, in ~/sites/deploy),
// alice with files@alice.example (quota 5 MB).
void two_accounts_with_ftp(const TempRoot& root) {
  create_account(root, "bob", "bob.example");
  create_account(root, "alice", "alice.example");
  uapi_ok(root, "bob", {"Ftp", "add_ftp", "user=deploy", "pass=S3cure.pass", "quota=10", "homedir=sites/deploy"});
  uapi_ok(root, "alice", {"Ftp", "add_ftp", "user=files", "pass=S3cure.pass", "quota=5"});
  REQUIRE(root.file("home/bob/etc/ftpquota") == "deploy@bob.example:10\n");
  REQUIRE(root.file("home/alice/etc/ftpquota") == "files@alice.example:5\n");
}

// Every Ftp call of bob's that reads or writes the FTP quota file.
const std::vector<std::vector<std::string>> kFtpCalls = {
    {"Ftp", "set_quota", "user=deploy", "quota=20"},
    {"Ftp", "add_ftp", "user=newone", "pass=S3cure.pass", "quota=1"},
    {"Ftp", "delete_ftp", "user=deploy"},
    {"Ftp", "passwd", "user=deploy", "pass=An0ther.pass"},
    {"Ftp", "get_quota", "account=deploy"},
    {"Ftp", "list_ftp"},
    {"Ftp", "list_ftp_with_disk"},
    {"Ftp", "set_homedir", "user=deploy", "homedir=other"},
    {"Ftp", "set_enabled", "user=deploy", "enabled=0"},
    {"Ftp", "set_read_only", "user=deploy", "read_only=1"},
    {"Ftp", "set_allowed_ips", "user=deploy", "allowed_ips=192.0.2.1"},
    {"Ftp", "allow_anonymous_ftp"},
    {"Ftp", "set_anonymous_ftp", "set=1"},  // (allows_anonymous_ftp reads only public_ftp's mode)
};

}  // namespace

TEST_CASE("~/etc pointing at another account's etc: no Ftp call goes through it", "[security][symlink][ftp]") {
  TempRoot root;
  two_accounts_with_ftp(root);
  swap_for_symlink(root, "home/bob/etc", "../alice/etc");
  for (const auto& call : kFtpCalls) expect_cpanel_refused(root, "uapi", "bob", call, "“/home/bob/etc”");
  expect_cpanel_refused(root, "cpapi2", "bob", {"Ftp", "setquota", "user=deploy", "quota=20"}, "“/home/bob/etc”");
  expect_cpanel_refused(root, "cpapi2", "bob", {"Ftp", "addftp", "user=x", "pass=S3cure.pass"}, "“/home/bob/etc”");
  CHECK(root.file("home/alice/etc/ftpquota") == "files@alice.example:5\n");
}

TEST_CASE("~/etc/ftpquota pointing outside the state root: refused, nothing read or written there",
          "[security][symlink][ftp]") {
  TempRoot root;
  Outside outside;
  two_accounts_with_ftp(root);
  // Lines that would show up as quotas if the file were followed.
  outside.write("secret", "deploy@bob.example:77\nfiles@alice.example:88\n");
  fs::remove(root.path + "/home/bob/etc/ftpquota");
  fs::create_symlink(outside.file("secret"), root.path + "/home/bob/etc/ftpquota");
  const auto before = outside.contents();
  for (const auto& call : kFtpCalls) expect_cpanel_refused(root, "uapi", "bob", call, "“/home/bob/etc/ftpquota”");
  for (const auto& call : kFtpCalls) {
    auto r = run_cpanel(root, "uapi", "bob", call);
    CHECK(r.out.find("77") == std::string::npos);
    CHECK(r.out.find("files@alice") == std::string::npos);
  }
  CHECK(outside.contents() == before);
}

TEST_CASE("~/etc/ftpquota pointing at a system file inside the state root is refused", "[security][symlink][ftp]") {
  TempRoot root;
  two_accounts_with_ftp(root);
  fs::remove(root.path + "/home/bob/etc/ftpquota");
  fs::create_symlink(root.path + "/etc/passwd", root.path + "/home/bob/etc/ftpquota");
  const std::string passwd = root.file("etc/passwd");
  expect_cpanel_refused(root, "uapi", "bob", {"Ftp", "set_quota", "user=deploy", "quota=20"}, "it is a symbolic link");
  expect_cpanel_refused(root, "uapi", "bob", {"Ftp", "add_ftp", "user=y", "pass=S3cure.pass"}, "it is a symbolic link");
  CHECK(root.file("etc/passwd") == passwd);
}

TEST_CASE("a hard link or a FIFO at ~/etc/ftpquota is refused, never read", "[security][symlink][ftp]") {
  TempRoot root;
  two_accounts_with_ftp(root);
  root.write("etc/shadow-like", "deploy@bob.example:99\n");
  fs::remove(root.path + "/home/bob/etc/ftpquota");
  fs::create_hard_link(root.path + "/etc/shadow-like", root.path + "/home/bob/etc/ftpquota");
  expect_cpanel_refused(root, "uapi", "bob", {"Ftp", "get_quota", "account=deploy"}, "other hard links");
  expect_cpanel_refused(root, "uapi", "bob", {"Ftp", "set_quota", "user=deploy", "quota=1"}, "other hard links");
  fs::remove(root.path + "/home/bob/etc/ftpquota");
  REQUIRE(::mkfifo((root.path + "/home/bob/etc/ftpquota").c_str(), 0644) == 0);
  // A FIFO would block a reader forever; it is refused at once.
  expect_cpanel_refused(root, "uapi", "bob", {"Ftp", "list_ftp"}, "not a regular file");
  expect_cpanel_refused(root, "uapi", "bob", {"Ftp", "set_quota", "user=deploy", "quota=1"}, "not a regular file");
}

TEST_CASE("an FTP directory cannot be made through a symlinked public_html", "[security][symlink][ftp]") {
  TempRoot root;
  Outside outside;
  two_accounts_with_ftp(root);
  swap_for_symlink(root, "home/bob/public_html", outside.path);
  const auto before = outside.contents();
  const std::string named = "“/home/bob/public_html”";
  expect_cpanel_refused(root, "uapi", "bob", {"Ftp", "add_ftp", "user=x", "pass=S3cure.pass", "homedir=public_html/x"},
                        named);
  expect_cpanel_refused(root, "uapi", "bob", {"Ftp", "add_ftp", "user=x", "pass=S3cure.pass", "homedir=public_html"},
                        named);
  expect_cpanel_refused(root, "uapi", "bob", {"Ftp", "set_homedir", "user=deploy", "homedir=public_html/y"}, named);
  expect_cpanel_refused(root, "cpapi2", "bob", {"Ftp", "addftp", "user=x", "pass=S3cure.pass", "homedir=public_html/z"},
                        named);
  // The same with another account's home as the target.
  fs::remove(root.path + "/home/bob/public_html");
  fs::create_directory_symlink("../alice", root.path + "/home/bob/public_html");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"Ftp", "add_ftp", "user=x", "pass=S3cure.pass", "homedir=public_html/etc"}, named);
  CHECK(outside.contents() == before);
}

TEST_CASE("delete_ftp destroy=1 never removes through a symlink", "[security][symlink][ftp]") {
  TempRoot root;
  Outside outside;
  two_accounts_with_ftp(root);
  outside.write("deploy/important.txt", "keep me\n");
  const auto before = outside.contents();

  SECTION("the directory above the login's is a symlink: refused") {
    swap_for_symlink(root, "home/bob/sites", outside.path);
    expect_cpanel_refused(root, "uapi", "bob", {"Ftp", "delete_ftp", "user=deploy", "destroy=1"}, "“/home/bob/sites”");
  }
  SECTION("the login's directory is itself a symlink: only the link goes") {
    fs::remove(root.path + "/home/bob/sites/deploy");
    fs::create_directory_symlink(outside.file("deploy"), root.path + "/home/bob/sites/deploy");
    uapi_ok(root, "bob", {"Ftp", "delete_ftp", "user=deploy", "destroy=1"});
    CHECK_FALSE(root.exists("home/bob/sites/deploy"));
  }
  CHECK(outside.contents() == before);
}

TEST_CASE("list_ftp_with_disk counts nothing reached through a symlink", "[security][symlink][ftp]") {
  TempRoot root;
  Outside outside;
  two_accounts_with_ftp(root);
  outside.write("big.bin", std::string(3 << 20, 'x'));
  fs::remove(root.path + "/home/bob/sites/deploy");
  fs::create_directory_symlink(outside.path, root.path + "/home/bob/sites/deploy");
  auto j = uapi_ok(root, "bob", {"Ftp", "list_ftp_with_disk", "include_acct_types=sub"});
  REQUIRE(j["result"]["data"].size() == 1);
  CHECK(j["result"]["data"][0]["diskused"] == "0.00");
  CHECK_THAT(j["result"]["warnings"].dump(), Catch::Matchers::Contains("/home/bob/sites/deploy"));
}

TEST_CASE("an account rename does not rewrite a symlinked ftpquota", "[security][symlink][rename]") {
  TempRoot root;
  two_accounts_with_ftp(root);
  fs::remove(root.path + "/home/bob/etc/ftpquota");
  fs::create_symlink("../../alice/etc/ftpquota", root.path + "/home/bob/etc/ftpquota");
  expect_refused(root, {"modifyacct", "user=bob", "newuser=robert"}, "“/home/bob/etc/ftpquota”");
  expect_refused(root, {"modifyacct", "user=bob", "domain=robert.example"}, "“/home/bob/etc/ftpquota”");
  CHECK(root.file("home/alice/etc/ftpquota") == "files@alice.example:5\n");
}

TEST_CASE("suspension is not held up by a symlink the user planted", "[security][symlink][suspension]") {
  TempRoot root;
  Outside outside;
  two_accounts_with_ftp(root);
  outside.write("secret", "deploy@bob.example:77\n");
  fs::remove(root.path + "/home/bob/etc/ftpquota");
  fs::create_symlink(outside.file("secret"), root.path + "/home/bob/etc/ftpquota");
  const auto before = outside.contents();
  run_ok(root, {"suspendacct", "user=bob", "reason=abuse"});
  CHECK(root.file("etc/proftpd/bob") == "# Account suspended\n");
  CHECK(outside.contents() == before);
}

TEST_CASE("removeacct removes the home without following a symlink in it", "[security][symlink][remove]") {
  TempRoot root;
  Outside outside;
  two_accounts_with_ftp(root);
  outside.write("keep/file.txt", "keep\n");
  const auto before = outside.contents();
  const auto alice_before = root.file("home/alice/etc/ftpquota");
  fs::create_directory_symlink(outside.path, root.path + "/home/bob/outside-link");
  fs::create_directory_symlink("../../alice", root.path + "/home/bob/public_html/alice-link");
  fs::create_symlink(outside.file("keep/file.txt"), root.path + "/home/bob/file-link");
  run_ok(root, {"removeacct", "user=bob"});
  CHECK_FALSE(root.exists("home/bob"));
  CHECK(outside.contents() == before);
  CHECK(root.file("home/alice/etc/ftpquota") == alice_before);
  CHECK(root.exists("home/alice/public_html"));
}

TEST_CASE("pkgacct archives the home's symlinks as symlinks and reads nothing outside it",
          "[security][symlink][backup]") {
  TempRoot root;
  Outside outside;
  two_accounts_with_ftp(root);
  outside.write("secret.txt", "TOP-SECRET-OUTSIDE\n");
  root.write("home/alice/private.txt", "TOP-SECRET-ALICE\n");
  fs::create_symlink(outside.file("secret.txt"), root.path + "/home/bob/leak");
  fs::create_directory_symlink(outside.path, root.path + "/home/bob/leakdir");
  fs::create_directory_symlink("../alice", root.path + "/home/bob/public_html/alice");
  run_ok(root, {"start_background_pkgacct", "user=bob"});
  const std::string archive = root.path + "/home/cpmove-bob.tar.gz";
  REQUIRE(fs::exists(archive));
  auto listing = run_program({"/usr/bin/tar", "-tvzf", archive});
  REQUIRE(listing.status == 0);
  CHECK_THAT(listing.out, Catch::Matchers::Contains("homedir/leak -> " + outside.file("secret.txt")));
  CHECK_THAT(listing.out, Catch::Matchers::Contains("homedir/leakdir -> " + outside.path));
  CHECK_THAT(listing.out, Catch::Matchers::Contains("homedir/public_html/alice -> ../alice"));
  auto contents = run_program({"/usr/bin/tar", "-xOzf", archive});
  REQUIRE(contents.status == 0);
  CHECK(contents.out.find("TOP-SECRET") == std::string::npos);
}

TEST_CASE("a restored archive's links into its old home point into the new one, not another account's",
          "[security][symlink][restore]") {
  TempRoot root;
  Outside staging;
  create_account(root, "alice", "alice.example");
  // eve's archive claims /home/alice as its home and links to it.
  staging.write("cpmove-eve/cp/eve", "DNS=eve.example\nOWNER=root\nPLAN=default\nUSER=eve\n");
  staging.write("cpmove-eve/shadow", "$6$salt$hash");
  staging.write("cpmove-eve/shell", "/usr/local/cpanel/bin/noshell");
  staging.write("cpmove-eve/version", "pkgacct version: 10\narchive version: 4\n");
  staging.write("cpmove-eve/homedir_paths", "/home/alice\n");
  staging.write("cpmove-eve/homedir/public_html/index.html", "eve\n");
  fs::create_directory_symlink("/home/alice/public_html", staging.file("cpmove-eve/homedir/site"));
  REQUIRE(
      run_program({"/usr/bin/tar", "-czf", root.path + "/home/eve.tar.gz", "-C", staging.path, "cpmove-eve"}).status ==
      0);
  run_ok(root, {"start_local_cpmove_restore", "cpmovepath=/home/eve.tar.gz"});
  CHECK(fs::read_symlink(root.path + "/home/eve/site") == "/home/eve/public_html");
}

TEST_CASE("create_subdomain makes no document root through a symlink", "[security][symlink][domains]") {
  TempRoot root;
  Outside outside;
  create_account(root, "bob", "bob.example");
  fs::create_directory_symlink(outside.path, root.path + "/home/bob/public_html/shop");
  const auto before = outside.contents();
  expect_refused(root, {"create_subdomain", "domain=shop.bob.example", "document_root=public_html/shop"},
                 "“/home/bob/public_html/shop”");
  expect_refused(root, {"create_subdomain", "domain=blog.bob.example", "document_root=public_html/shop/blog"},
                 "“/home/bob/public_html/shop”");
  // Root would have handed the outside directory to bob (chown through the link).
  if (!running_as_root()) WARN("not running as root: the ownership of the outside directory proves nothing here");
  CHECK(outside.contents() == before);
}

TEST_CASE("the FTP quota file and directories made in a home belong to the account", "[security][ownership][ftp]") {
  if (!running_as_root()) {
    WARN("skipped: only root can create files owned by the account");
    return;
  }
  TempRoot root;
  two_accounts_with_ftp(root);
  struct stat home {
  }, quota{}, dir{};
  REQUIRE(::stat((root.path + "/home/bob").c_str(), &home) == 0);
  REQUIRE(::lstat((root.path + "/home/bob/etc/ftpquota").c_str(), &quota) == 0);
  REQUIRE(::lstat((root.path + "/home/bob/sites/deploy").c_str(), &dir) == 0);
  CHECK(quota.st_uid == home.st_uid);
  CHECK(dir.st_uid == home.st_uid);
  CHECK(home.st_uid != 0);
}

TEST_CASE("a planted journal naming paths outside the state root stops every call and changes nothing",
          "[security][journal]") {
  TempRoot root;
  Outside outside;
  create_account(root, "bob", "bob.example");
  outside.write("victim", "victim\n");
  const auto before = outside.contents();
  root.write("var/cpanel/.whmkit.journal", "COMMIT\nD\t" + outside.file("victim") + "\n");
  expect_refused(root, {"listaccts"}, "was not replayed");
  expect_refused(root, {"removeacct", "user=bob"}, "was not replayed");
  root.write("var/cpanel/.whmkit.journal", "PREPARE\nT\t../../../" + outside.file("victim").substr(1) + "\n");
  expect_refused(root, {"accountsummary", "user=bob"}, "was not replayed");
  CHECK(outside.contents() == before);
}
