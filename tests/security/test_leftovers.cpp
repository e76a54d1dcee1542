// What the first hardening round left: files whmkit read leniently and then
// rewrote (the FTP settings and quota files, the restore queue,
// cpanel.config), a backup destination value that made the transport code
// throw, archives restored from a place their account's user controls, and
// a refused restore that left directories behind in an empty state root.
// Each hostile case is refused, names what is wrong, and changes nothing.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;
namespace fs = std::filesystem;

namespace {

// Every entry under the root, directories included (snapshot() sees only files).
std::set<std::string> entries(const TempRoot& root) {
  std::set<std::string> out;
  for (auto it = fs::recursive_directory_iterator(root.path); it != fs::recursive_directory_iterator(); ++it)
    out.insert(fs::relative(it->path(), root.path).string());
  return out;
}

// A directory outside the state root to build archives in.
struct Staging {
  std::string path;
  Staging() {
    char tmpl[] = "/tmp/whmkit-staging-XXXXXX";
    path = ::mkdtemp(tmpl);
  }
  ~Staging() {
    std::error_code ec;
    fs::remove_all(path, ec);
  }
  Staging(const Staging&) = delete;
  void write(const std::string& rel, const std::string& content) const {
    fs::create_directories(fs::path(path + "/" + rel).parent_path());
    std::ofstream(path + "/" + rel, std::ios::binary) << content;
  }
};

// An archive of the account eve at `archive_rel` in the root, with its FTP
// passwd file and whmkit's FTP settings as given ("" leaves one out).
void eve_archive(const TempRoot& root, const std::string& archive_rel, const std::string& proftpd,
                 const std::string& ftp_json = "") {
  Staging staging;
  staging.write("cpmove-eve/cp/eve", "DNS=eve.example\nOWNER=root\nPLAN=default\nUSER=eve\n");
  staging.write("cpmove-eve/shadow", "$6$salt$hash");
  staging.write("cpmove-eve/shell", "/usr/local/cpanel/bin/noshell");
  staging.write("cpmove-eve/version", "pkgacct version: 10\narchive version: 4\n");
  staging.write("cpmove-eve/homedir_paths", "/home/eve\n");
  staging.write("cpmove-eve/homedir/public_html/index.html", "eve\n");
  if (!proftpd.empty()) staging.write("cpmove-eve/proftpdpasswd", proftpd);
  if (!ftp_json.empty()) staging.write("cpmove-eve/whmkit/ftp.json", ftp_json);
  fs::create_directories(fs::path(root.path + "/" + archive_rel).parent_path());
  REQUIRE(
      run_program({"/usr/bin/tar", "-czf", root.path + "/" + archive_rel, "-C", staging.path, "cpmove-eve"}).status ==
      0);
}

}  // namespace

// ---------------------------------------------------------------- cpanel.config

TEST_CASE("set_nameserver keeps cpanel.config's bare keys and refuses a damaged file", "[security][damaged][dns]") {
  TempRoot root;
  const std::string rel = "var/cpanel/cpanel.config";
  // cPanel writes an undefined value as the key alone: legitimate, and kept exactly.
  root.write(rel, "# old notice\nallowremotedomains=0\nlocal_nameserver_type=powerdns\nmaxemailsperhour\nzz=\n");
  CHECK(run_ok(root, {"set_nameserver", "nameserver=BIND"})["metadata"]["result"] == 1);
  const std::string conf = root.file(rel);
  CHECK_THAT(conf, Contains("\nallowremotedomains=0\nlocal_nameserver_type=bind\nmaxemailsperhour\nzz=\n"));
  CHECK(conf.find("maxemailsperhour=") == std::string::npos);

  const std::string refusal = "The file “/var/cpanel/cpanel.config” cannot be changed: ";
  for (const auto& [text, problem] : std::vector<std::pair<std::string, std::string>>{
           {conf + "proxysubdomains=1", "is cut off"},
           {conf + std::string("bad\0key=1\n", 10), "holds a NUL byte"},
           {conf + "this is not a setting\n", "is not KEY=VALUE or KEY"},
           {conf + "\tindented\n", "is not KEY=VALUE or KEY"},
           {conf + "=1\n", "has no key"},
           {conf + "allowremotedomains=1\n", "repeats the key “allowremotedomains”"},
           {conf + "maxemailsperhour=5\n", "repeats the key “maxemailsperhour”"},
       }) {
    root.write(rel, text);
    size_t last_line = static_cast<size_t>(std::count(text.begin(), text.end(), '\n')) + (text.back() != '\n');
    expect_refused(root, {"set_nameserver", "nameserver=PowerDNS"},
                   refusal + "line " + std::to_string(last_line) + " " + problem);
  }
}

// ---------------------------------------------------------------- restores

TEST_CASE("a refused restore into an empty state root leaves nothing behind", "[security][restore][state]") {
  TempRoot root;
  // Refused by the FTP part, after the home and the bandwidth datastore were staged.
  eve_archive(root, "backup/eve.tar.gz", "eve:$6$x:1000:1000::/etc:/bin/ftpsh\n");
  const auto before = entries(root);
  REQUIRE(before == std::set<std::string>{"backup", "backup/eve.tar.gz"});
  expect_refused(root, {"start_local_cpmove_restore", "cpmovepath=/backup/eve.tar.gz"}, "outside the home");
  CHECK(entries(root) == before);
  // Refused before anything was staged.
  expect_refused(root, {"start_local_cpmove_restore", "cpmovepath=/backup/none.tar.gz"}, "does not exist");
  CHECK(entries(root) == before);
  // A restore that goes through keeps what it made.
  eve_archive(root, "backup/eve.tar.gz", "eve:$6$x:1000:1000::/home/eve:/bin/ftpsh\n");
  run_ok(root, {"start_local_cpmove_restore", "cpmovepath=/backup/eve.tar.gz"});
  CHECK(root.exists("home/eve/public_html/index.html"));
  CHECK(root.exists("var/cpanel/users/eve"));
  for (const auto& entry : entries(root)) CHECK(entry.find(".whmkit") == std::string::npos);
}
