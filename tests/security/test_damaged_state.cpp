// Damaged or surprising state: a file cut off or garbled on disk is never
// rewritten (what did not parse would be lost); whmkit-check reports every
// damaged file and goes on; a missing /etc lookup file is rebuilt from every
// account, not from the one being saved; and data holding control bytes or
// bytes that are not UTF-8 still gives output that parses, in every format.
#include <unistd.h>
#include <catch2/catch.hpp>
#include <cstdio>

#include "harness.hpp"

using namespace test;

namespace {

// Two accounts; bob is a reseller owning nothing but himself.
void two_accounts(const TempRoot& root) {
  create_account(root, "bob", "bob.example");
  create_account(root, "amy", "amy.example");
}

// The file with one line replaced, inserted (after `line`) or the tail cut off.
std::string with_line_after(const std::string& text, const std::string& after_prefix, const std::string& line) {
  auto pos = text.find("\n" + after_prefix);
  REQUIRE(pos != std::string::npos);
  auto end = text.find('\n', pos + 1);
  return text.substr(0, end + 1) + line + "\n" + text.substr(end + 1);
}

nlohmann::json reason_of(const RunResult& r) { return r.json()["metadata"]["reason"]; }

std::vector<std::string> warnings_of(const nlohmann::json& envelope) {
  const auto& w = envelope["metadata"]["output"]["warnings"];
  return w.is_array() ? w.get<std::vector<std::string>>() : std::vector<std::string>{};
}

RunResult check(const TempRoot& root, const std::vector<std::string>& extra = {}) {
  std::vector<std::string> argv = {WHMKIT_CHECK_PATH, "--root=" + root.path};
  argv.insert(argv.end(), extra.begin(), extra.end());
  return run_program(argv);
}

// A program on PATH, or "" if there is none.
std::string find_program(const std::string& name) {
  for (const char* dir : {"/usr/bin", "/usr/local/bin", "/bin"}) {
    std::string path = std::string(dir) + "/" + name;
    if (::access(path.c_str(), X_OK) == 0) return path;
  }
  return "";
}

bool program_runs(const std::vector<std::string>& argv) {
  return !argv.front().empty() && run_program(argv).status == 0;
}

// Parses `text` as `format` with a standard parser; returns the parser's
// complaint, or "" if it parsed. YAML is read with Perl's YAML::Syck (what
// cPanel's tools use) and PyYAML, whichever are installed.
std::string parse_error(const std::string& format, const std::string& text) {
  char tmpl[] = "/tmp/whmkit-parse-XXXXXX";
  int fd = ::mkstemp(tmpl);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()));
  ::close(fd);
  const std::string file = tmpl, python = find_program("python3"), perl = find_program("perl");
  std::string complaint;
  auto run_parser = [&](const std::vector<std::string>& argv) {
    auto r = run_program(argv);
    if (r.status != 0) complaint += argv.front() + ": " + r.out + r.err;
  };
  if (format == "json" || format == "jsonpretty") {
    if (!python.empty()) run_parser({python, "-c", "import json,sys; json.load(open(sys.argv[1],'rb'))", file});
  } else if (format == "xml") {
    if (!python.empty())
      run_parser({python, "-c", "import sys,xml.etree.ElementTree as E; E.parse(sys.argv[1])", file});
  } else {
    if (program_runs({perl, "-MYAML::Syck", "-e", "1"}))
      run_parser({perl, "-MYAML::Syck", "-e", "YAML::Syck::LoadFile($ARGV[0]) or die 'empty'", file});
    if (program_runs({python, "-c", "import yaml"}))
      run_parser({python, "-c", "import yaml,sys; yaml.safe_load(open(sys.argv[1],'rb'))", file});
  }
  ::unlink(tmpl);
  return complaint;
}

// Every output format of the call parses.
void expect_every_format_parses(const TempRoot& root, const std::vector<std::string>& argv_after_root) {
  for (const char* format : {"json", "jsonpretty", "xml", "yaml"}) {
    std::vector<std::string> argv = {argv_after_root.front(), "--root=" + root.path, std::string("--output=") + format};
    argv.insert(argv.end(), argv_after_root.begin() + 1, argv_after_root.end());
    auto r = run_program(argv);
    INFO(format << " output:\n" << r.out << r.err);
    CHECK(r.status == 0);
    CHECK(parse_error(format, r.out) == "");
  }
}

const std::string kHostileBytes =
    std::string("a\x01") + std::string(1, '\0') + "b\x7f\xff\xfe\xc3(\r\x1b\xc2\x85 é\t<&>";

}  // namespace

// ---------------------------------------------------------------- cpuser files

TEST_CASE("a cpuser file cut off in the middle of a line is not rewritten", "[security][damaged][cpuser]") {
  TempRoot root;
  two_accounts(root);
  const std::string whole = root.file("var/cpanel/users/bob");
  root.write("var/cpanel/users/bob", whole.substr(0, whole.find("\nDNS=") + 8));  // "DNS=bob" and no newline
  for (const std::vector<std::string>& call : {std::vector<std::string>{"modifyacct", "user=bob", "MAXPOP=5"},
                                               {"suspendacct", "user=bob", "reason=x"},
                                               {"changepackage", "user=bob", "pkg=default"},
                                               {"limitbw", "user=bob", "bwlimit=100"},
                                               {"editquota", "user=bob", "quota=100"},
                                               {"modifyacct", "user=bob", "newuser=robert"}})
    expect_refused(root, call, "The file “/var/cpanel/users/bob” cannot be changed: line ");
  auto r = run(root, {"modifyacct", "user=bob", "MAXPOP=5"});
  CHECK_THAT(reason_of(r).get<std::string>(), Catch::Matchers::Contains("is cut off"));
}

TEST_CASE("a cpuser file with a line that is not KEY=VALUE is not rewritten", "[security][damaged][cpuser]") {
  TempRoot root;
  two_accounts(root);
  const std::string text = root.file("var/cpanel/users/bob");
  root.write("var/cpanel/users/bob", with_line_after(text, "DNS=", "this line lost its equals sign"));
  // The line's number in the message: the header is 3 lines.
  size_t line = 1;
  for (char c : with_line_after(text, "DNS=", "x").substr(0, with_line_after(text, "DNS=", "x").find("\nx\n") + 1))
    line += c == '\n';
  expect_refused(
      root, {"modifyacct", "user=bob", "MAXPOP=5"},
      "The file “/var/cpanel/users/bob” cannot be changed: line " + std::to_string(line) + " is not KEY=VALUE.");
  expect_refused(root, {"suspendacct", "user=bob"}, "line " + std::to_string(line) + " is not KEY=VALUE");
}

TEST_CASE("a cpuser file with a key given twice is not rewritten", "[security][damaged][cpuser]") {
  TempRoot root;
  two_accounts(root);
  root.write("var/cpanel/users/bob", with_line_after(root.file("var/cpanel/users/bob"), "DNS=", "DNS=amy.example"));
  expect_refused(root, {"modifyacct", "user=bob", "MAXPOP=5"}, "repeats the key “DNS”");
}

TEST_CASE("a cpuser file holding a NUL byte is not rewritten", "[security][damaged][cpuser]") {
  TempRoot root;
  two_accounts(root);
  root.write("var/cpanel/users/bob",
             with_line_after(root.file("var/cpanel/users/bob"), "DNS=", std::string("X_NOTE=a") + '\0' + "b"));
  expect_refused(root, {"modifyacct", "user=bob", "MAXPOP=5"}, "holds a NUL byte");
}

TEST_CASE("a cpuser file cut at a line boundary (no USER line) is not rewritten", "[security][damaged][cpuser]") {
  TempRoot root;
  two_accounts(root);
  const std::string whole = root.file("var/cpanel/users/bob");
  root.write("var/cpanel/users/bob", whole.substr(0, whole.find("\nRS=") + 1));
  expect_refused(root, {"suspendacct", "user=bob"}, "it has no USER line");
  // An empty file is damaged too (every account's file has USER and DNS).
  root.write("var/cpanel/users/bob", "");
  expect_refused(root, {"modifyacct", "user=bob", "MAXPOP=5"}, "it is empty");
}

TEST_CASE("a damaged cpuser file is shown with a warning, and removing the account still works",
          "[security][damaged][cpuser]") {
  TempRoot root;
  two_accounts(root);
  root.write("var/cpanel/users/bob", with_line_after(root.file("var/cpanel/users/bob"), "DNS=", "garbage"));
  auto summary = run_ok(root, {"accountsummary", "user=bob"});
  CHECK(summary["metadata"]["result"] == 1);
  REQUIRE(warnings_of(summary).size() == 1);
  CHECK_THAT(warnings_of(summary)[0], Catch::Matchers::Contains("The file “/var/cpanel/users/bob” is damaged: line"));
  // The other account is not affected.
  CHECK(run_ok(root, {"modifyacct", "user=amy", "MAXPOP=5"})["metadata"]["result"] == 1);
  // Removal rewrites nothing of the damaged file: it goes.
  CHECK(run_ok(root, {"removeacct", "user=bob"})["metadata"]["result"] == 1);
  CHECK_FALSE(root.exists("var/cpanel/users/bob"));
  expect_check_clean(root);
}

TEST_CASE("an archive whose cp/ file is damaged is not restored", "[security][damaged][cpuser][restore]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  root.write("var/cpanel/users/bob", with_line_after(root.file("var/cpanel/users/bob"), "DNS=", "garbage"));
  run_ok(root, {"start_background_pkgacct", "user=bob", "tarroot=/backup/2026-11-20/accounts"});
  REQUIRE(::rename((root.path + "/backup/2026-11-20/accounts/cpmove-bob.tar.gz").c_str(),
                   (root.path + "/backup/2026-11-20/accounts/bob.tar.gz").c_str()) == 0);
  run_ok(root, {"removeacct", "user=bob"});
  expect_refused(root, {"restoreaccount", "user=bob", "type=daily"}, "The archive's cp/bob file is damaged: line");
}

// ---------------------------------------------------------------- other files whmkit rewrites

TEST_CASE("a damaged hosting plan is neither edited nor applied", "[security][damaged][packages]") {
  TempRoot root;
  two_accounts(root);
  run_ok(root, {"addpkg", "name=gold", "quota=100"});
  root.write("var/cpanel/packages/gold", root.file("var/cpanel/packages/gold") + "QUOTA 500\n");
  expect_refused(root, {"editpkg", "name=gold", "maxpop=5"}, "The file “/var/cpanel/packages/gold” cannot be used");
  expect_refused(root, {"addpkgext", "name=gold", "_PACKAGE_EXTENSIONS=x"}, "cannot be changed: line");
  expect_refused(root, {"delpkgext", "name=gold", "_DELETE_EXTENSIONS=x"}, "is not KEY=VALUE");
  expect_refused(root, {"changepackage", "user=bob", "pkg=gold"}, "/var/cpanel/packages/gold");
  expect_refused(root, {"createacct", "username=carol", "domain=carol.example", "plan=gold"},
                 "/var/cpanel/packages/gold");
}

TEST_CASE("a damaged feature list is not rewritten", "[security][damaged][features]") {
  TempRoot root;
  run_ok(root, {"create_featurelist", "featurelist=pro", "ssh=1"});
  root.write("var/cpanel/features/pro", root.file("var/cpanel/features/pro") + "zoneedit");
  expect_refused(root, {"update_featurelist", "featurelist=pro", "cron=0"},
                 "The file “/var/cpanel/features/pro” cannot be changed: line 2 is cut off");
}

TEST_CASE("a damaged reseller file is not rewritten", "[security][damaged][resellers]") {
  TempRoot root;
  two_accounts(root);
  run_ok(root, {"setupreseller", "user=bob"});
  run_ok(root, {"setupreseller", "user=amy"});
  root.write("var/cpanel/resellers", root.file("var/cpanel/resellers") + "carol-lost-her-colon\n");
  expect_refused(root, {"setacls", "reseller=bob", "acl-list-accts=1"},
                 "The file “/var/cpanel/resellers” cannot be changed: line 3 is not “USER:ITEM,ITEM,...”.");
  expect_refused(root, {"unsetupreseller", "user=amy"}, "/var/cpanel/resellers");
}

TEST_CASE("a damaged reseller-limits.yaml is not rewritten", "[security][damaged][resellers][yaml]") {
  TempRoot root;
  two_accounts(root);
  run_ok(root, {"setupreseller", "user=bob"});
  run_ok(root, {"setresellerlimits", "user=bob", "enable_account_limit=1", "account_limit=5"});
  const std::string limits = root.file("var/cpanel/reseller-limits.yaml");
  // Not YAML at all; more than one document (all but the first would be lost); a list, not a mapping; cut off.
  for (const std::string& damaged : {std::string("--- \nbob: [\n"), limits + "--- \namy: {}\n",
                                     std::string("--- \n- bob\n- amy\n"), limits.substr(0, limits.size() - 3)}) {
    root.write("var/cpanel/reseller-limits.yaml", damaged);
    expect_refused(root, {"setresellerlimits", "user=bob", "enable_account_limit=1", "account_limit=9"},
                   "The file “/var/cpanel/reseller-limits.yaml” cannot be");
  }
}

TEST_CASE("a passwd entry with missing fields is not rewritten, nor a passwd file cut off",
          "[security][damaged][sysusers]") {
  TempRoot root;
  two_accounts(root);
  const std::string passwd = root.file("etc/passwd");
  auto start = passwd.find("bob:");
  auto end = passwd.find('\n', start);
  root.write("etc/passwd", passwd.substr(0, start) + "bob:x:1000" + passwd.substr(end));
  expect_refused(root, {"suspendacct", "user=bob"}, "The file “/etc/passwd” cannot be changed: line ");
  expect_refused(root, {"modifyacct", "user=bob", "shell=/bin/bash"}, "has 3 fields, not 7");
  expect_refused(root, {"modifyacct", "user=bob", "newuser=robert"}, "has 3 fields, not 7");
  root.write("etc/passwd", passwd.substr(0, passwd.size() - 4));
  expect_refused(root, {"suspendacct", "user=amy"}, "is cut off");
}

TEST_CASE("a damaged userdata file is not rewritten by a rename", "[security][damaged][userdata]") {
  TempRoot root;
  two_accounts(root);
  root.write("var/cpanel/userdata/bob/main", root.file("var/cpanel/userdata/bob/main") + "--- \nmore: 1\n");
  expect_refused(root, {"modifyacct", "user=bob", "newuser=robert"}, "/var/cpanel/userdata/bob/main");
  root.write("var/cpanel/userdata/bob/main", "main_domain: [bob.example\n");
  expect_refused(root, {"modifyacct", "user=bob", "newuser=robert"}, "/var/cpanel/userdata/bob/main");
}

TEST_CASE("a YAML file whose alias refers to itself is refused, not followed until the stack overflows",
          "[security][damaged][userdata][yaml]") {
  TempRoot root;
  two_accounts(root);
  root.write("var/cpanel/userdata/bob/bob.example", "--- &a \ndocumentroot: *a\n");
  expect_refused(root, {"modifyacct", "user=bob", "newuser=robert"}, "refers to itself");
  expect_refused(root, {"domainuserdata", "domain=bob.example"}, "refers to itself");
  auto r = check(root);
  CHECK(r.status == 1);
  CHECK_THAT(r.out, Catch::Matchers::Contains("“/var/cpanel/userdata/bob/bob.example” is damaged: it nests deeper"));
}

TEST_CASE("a damaged backup configuration is not rewritten", "[security][damaged][backups]") {
  TempRoot root;
  run_ok(root, {"backup_config_set", "backupenable=1"});
  const std::string config = root.file("var/cpanel/backups/config");
  root.write("var/cpanel/backups/config", config + "--- \nBACKUPDIR: /elsewhere\n");
  expect_refused(root, {"backup_config_set", "backupenable=0"},
                 "The file “/var/cpanel/backups/config” cannot be changed");
}

// ---------------------------------------------------------------- whmkit-check

TEST_CASE("whmkit-check reports every damaged file and goes on", "[security][damaged][whmkit-check]") {
  TempRoot root;
  two_accounts(root);
  create_account(root, "carol", "carol.example");
  run_ok(root, {"setupreseller", "user=bob"});
  const std::string bob = root.file("var/cpanel/users/bob");
  root.write("var/cpanel/users/bob", bob.substr(0, bob.size() / 2));
  root.write("var/cpanel/users/amy", with_line_after(root.file("var/cpanel/users/amy"), "DNS=", "garbage"));
  root.write("var/cpanel/userdata/carol/main", "main_domain: [\n");
  root.write("etc/passwd", root.file("etc/passwd") + "eve:x\n");
  root.write("var/cpanel/resellers", root.file("var/cpanel/resellers") + "nocolon\n");
  root.write("etc/userdomains", "this is not a lookup file\n");
  root.write("var/cpanel/packages/broken", "QUOTA=1\nnot a line\n");
  root.write("etc/proftpd/amy", "amy:hash-cut-short\n");
  root.write("var/cpanel/whmkit/ftp/carol.json", "{\"x\":");
  auto r = check(root);
  INFO(r.out << r.err);
  CHECK(r.status == 1);
  for (const char* file :
       {"/var/cpanel/users/bob", "/var/cpanel/users/amy", "/var/cpanel/userdata/carol/main", "/etc/passwd",
        "/var/cpanel/resellers", "/etc/userdomains", "/var/cpanel/packages/broken", "/etc/proftpd/amy"})
    CHECK_THAT(r.out, Catch::Matchers::Contains(std::string("The file “") + file + "” is damaged: line"));
  CHECK_THAT(r.out,
             Catch::Matchers::Contains("“/var/cpanel/whmkit/ftp/carol.json” is damaged: line 1 is not valid JSON"));
  // The accounts themselves are still counted and checked.
  CHECK_THAT(r.out, Catch::Matchers::Contains("3 accounts"));
}

TEST_CASE("whmkit-check survives a file name it cannot use as an account", "[security][damaged][whmkit-check]") {
  TempRoot root;
  two_accounts(root);
  root.write(std::string("var/cpanel/users/ev\x01il"), "USER=evil\nDNS=evil.example\n");
  auto r = check(root);
  INFO(r.out << r.err);
  CHECK(r.status == 1);
  CHECK_THAT(r.out, Catch::Matchers::Contains("Could not check the account"));
  CHECK_THAT(r.out, Catch::Matchers::Contains("2 accounts"));
}

// ---------------------------------------------------------------- lookup files

TEST_CASE("every missing lookup file is rebuilt completely by the next write, which says so",
          "[security][damaged][lookup]") {
  const std::vector<std::string> lookups = {"etc/trueuserdomains", "etc/domainusers", "etc/userdomains",
                                            "etc/trueuserowners",  "etc/userplans",   "etc/userbwlimits",
                                            "etc/userips",         "etc/dbowners",    "etc/mailbox_formats",
                                            "etc/demousers",       "etc/nocgiusers",  "etc/userdatadomains"};
  for (const auto& rel : lookups) {
    DYNAMIC_SECTION(rel) {
      TempRoot root;
      two_accounts(root);
      create_account(root, "carol", "carol.example", {"cgi=0"});
      const std::string complete = root.file(rel);
      ::unlink((root.path + "/" + rel).c_str());
      auto missing = check(root);
      CHECK(missing.status == 1);
      CHECK_THAT(missing.out, Catch::Matchers::Contains("Lookup file " + rel + " is missing"));
      auto j = run_ok(root, {"modifyacct", "user=bob", "MAXPOP=5"});
      CHECK(root.file(rel) == complete);
      CHECK_THAT(warnings_of(j).at(0), Catch::Matchers::Contains("“/" + rel + "” was missing: whmkit rebuilt it"));
      expect_check_clean(root);
    }
  }
}

TEST_CASE("a missing lookup file is rebuilt by whmkit-check --rebuild-lookups", "[security][damaged][lookup]") {
  TempRoot root;
  two_accounts(root);
  const std::string complete = root.file("etc/userdomains");
  ::unlink((root.path + "/etc/userdomains").c_str());
  auto r = check(root, {"--rebuild-lookups"});
  CHECK(r.status == 0);
  CHECK_THAT(r.out, Catch::Matchers::Contains("Rebuilt /etc/userdomains from the cpuser files."));
  CHECK(root.file("etc/userdomains") == complete);
}

TEST_CASE("a damaged lookup file is rebuilt, not merged into", "[security][damaged][lookup]") {
  TempRoot root;
  two_accounts(root);
  const std::string complete = root.file("etc/trueuserowners");
  root.write("etc/trueuserowners", "amy root\n");  // garbled: no ": "
  auto j = run_ok(root, {"suspendacct", "user=bob"});
  CHECK(root.file("etc/trueuserowners") == complete);
  CHECK_THAT(warnings_of(j).at(0), Catch::Matchers::Contains("was damaged (line 1 is not “KEY: VALUE”)"));
  expect_check_clean(root);
}

TEST_CASE("a taken domain stays taken while etc/userdomains is missing", "[security][damaged][lookup]") {
  TempRoot root;
  two_accounts(root);
  ::unlink((root.path + "/etc/userdomains").c_str());
  expect_refused(root, {"createacct", "username=eve", "domain=amy.example", "password=Secret-pass1"},
                 "already owned by the account “amy”");
}

// ---------------------------------------------------------------- output that always parses

TEST_CASE("control bytes and bytes that are not UTF-8 in a cpuser value: every output format parses",
          "[security][damaged][output]") {
  TempRoot root;
  two_accounts(root);
  std::string text = root.file("var/cpanel/users/bob");
  auto pos = text.find("\nCONTACTEMAIL=");
  REQUIRE(pos != std::string::npos);
  std::string value = kHostileBytes;
  value.erase(value.find('\0'), 1);  // a NUL would be damage of its own
  for (auto& c : value)
    if (c == '\r') c = 'r';  // so is nothing else: a CR stays part of a value
  text.insert(pos + 14, value);
  root.write("var/cpanel/users/bob", text);
  REQUIRE(run_ok(root, {"accountsummary", "user=bob"})["data"]["acct"][0]["email"].get<std::string>().size() > 10);
  for (const auto& call : {std::vector<std::string>{"accountsummary", "user=bob"}, {"listaccts"}}) {
    std::vector<std::string> argv = {WHMAPI1_PATH};
    argv.insert(argv.end(), call.begin(), call.end());
    expect_every_format_parses(root, argv);
  }
}

TEST_CASE("control bytes and bytes that are not UTF-8 in a userdata value: every output format parses",
          "[security][damaged][output]") {
  TempRoot root;
  two_accounts(root);
  // A key and a value with every kind of byte, in the YAML as a file on disk would have them (raw bytes).
  root.write("var/cpanel/userdata/bob/bob.example", root.file("var/cpanel/userdata/bob/bob.example") + "x_note: \"" +
                                                        std::string("a\\x01\\0b\\x7F\\xFF\\r\\e") + "\"\n");
  REQUIRE(run_ok(root, {"domainuserdata", "domain=bob.example"})["data"]["userdata"].contains("x_note"));
  std::vector<std::string> argv = {WHMAPI1_PATH, "domainuserdata", "domain=bob.example"};
  expect_every_format_parses(root, argv);
}

TEST_CASE("control bytes and bytes that are not UTF-8 in an FTP login: every output format parses",
          "[security][damaged][output][ftp]") {
  TempRoot root;
  two_accounts(root);
  uapi_ok(root, "bob", {"Ftp", "add_ftp", "user=deploy", "pass=S3cure.pass"});
  const std::string passwd = root.file("etc/proftpd/bob");
  const auto start = passwd.find("deploy@");
  REQUIRE(start != std::string::npos);
  std::string planted = passwd;
  planted.replace(start, std::string("deploy").size(), std::string("de\x01pl\xffoy\xc3(\x1b"));
  root.write("etc/proftpd/bob", planted);
  const std::string bin_dir = std::string(WHMAPI1_PATH).substr(0, std::string(WHMAPI1_PATH).rfind('/'));
  auto listed = run_cpanel(root, "uapi", "bob", {"Ftp", "list_ftp"});
  REQUIRE_THAT(listed.out, Catch::Matchers::Contains("de\\u0001pl"));  // the planted login is listed
  for (const auto& call : {std::vector<std::string>{bin_dir + "/uapi", "--user=bob", "Ftp", "list_ftp"},
                           {bin_dir + "/cpapi2", "--user=bob", "Ftp", "listftp"}})
    expect_every_format_parses(root, call);
}

TEST_CASE("control bytes and bytes that are not UTF-8 in a zone record: every output format parses",
          "[security][damaged][output][dns]") {
  TempRoot root;
  two_accounts(root);
  const std::string zone = root.file("var/named/bob.example.db");
  REQUIRE_FALSE(zone.empty());
  root.write("var/named/bob.example.db",
             zone + "hostile 14400 IN TXT \"" + std::string("a\x01\x7f\xff\xc3(\x1b") + "\"\n");
  REQUIRE_THAT(run(root, {"dumpzone", "domain=bob.example"}).out, Catch::Matchers::Contains("hostile.bob.example."));
  std::vector<std::string> argv = {WHMAPI1_PATH, "dumpzone", "domain=bob.example"};
  expect_every_format_parses(root, argv);
}
