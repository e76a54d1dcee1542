// Zone files: no value, archive or damaged file leaves a zone BIND cannot
// load, or one that reaches outside itself.
#include <unistd.h>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;

namespace {

const std::string kNamedCheckzone = "/usr/bin/named-checkzone";

// BIND's own checker accepts the zone (where BIND is installed).
void expect_bind_loads(const TempRoot& root, const std::string& zone) {
  if (::access(kNamedCheckzone.c_str(), X_OK) != 0) return;
  auto r = run_program({kNamedCheckzone, zone, root.path + "/var/named/" + zone + ".db"});
  INFO(r.out << r.err);
  CHECK(r.status == 0);
}

int line_of(const TempRoot& root, const std::string& zone, const std::string& name, const std::string& type) {
  auto dump = run(root, {"dumpzone", "domain=" + zone}).json();
  for (const auto& rec : dump["data"]["zone"])
    if (rec["name"] == name && rec["type"] == type) return rec["Line"];
  return -1;
}

std::string serial_of(const TempRoot& root, const std::string& zone) {
  const auto dump = run(root, {"dumpzone", "domain=" + zone}).json();  // outlives the loop
  for (const auto& item : dump["data"]["zone"])
    if (item["type"] == "SOA") return item["serial"];
  return "";
}

std::vector<std::string> add(const std::string& zone, std::vector<std::string> args) {
  args.insert(args.begin(), {"addzonerecord", "domain=" + zone});
  return args;
}

// Writes home/eve.tar.gz: a small account archive of "eve" (eve.example)
// whose zone file holds `zone_text`.
void write_eve_archive(const TempRoot& root, const std::string& zone_text) {
  namespace fs = std::filesystem;
  char tmpl[] = "/tmp/whmkit-zone-archive-XXXXXX";
  const std::string dir = ::mkdtemp(tmpl);
  const std::map<std::string, std::string> files = {
      {"cp/eve", "DNS=eve.example\nOWNER=root\nPLAN=default\nUSER=eve\n"},
      {"shadow", "$6$salt$hash"},
      {"shell", "/usr/local/cpanel/bin/noshell"},
      {"version", "pkgacct version: 10\narchive version: 4\n"},
      {"homedir_paths", "/home/eve\n"},
      {"homedir/public_html/index.html", "eve\n"},
      {"dnszones/eve.example.db", zone_text},
  };
  for (const auto& [rel, content] : files) {
    fs::path p = dir + "/cpmove-eve/" + rel;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
  }
  fs::create_directories(root.path + "/home");
  auto tar = run_program({"/usr/bin/env", "tar", "-czf", root.path + "/home/eve.tar.gz", "-C", dir, "cpmove-eve"});
  fs::remove_all(dir);
  REQUIRE(tar.status == 0);
}

const std::string kEveZone =
    "$TTL 14400\n"
    "eve.example. 86400 IN SOA ns1.eve.example. hostmaster.eve.example. ( 2024010100 3600 1800 1209600 86400 )\n"
    "eve.example. 86400 IN NS ns1.eve.example.\n"
    "ns1 14400 IN A 192.0.2.20\n"
    "eve.example. 14400 IN A 192.0.2.20\n"
    "www 14400 IN CNAME eve.example.\n";

}  // namespace

TEST_CASE("record data larger than a DNS record carries is refused, naming the parameter", "[security][zones]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  const std::string z = "bob.example";
  expect_refused(root, add(z, {"name=big", "type=TXT", "txtdata=" + std::string(70000, 'a')}),
                 "Invalid value for parameter “txtdata”: the record's data would take 70275 bytes; a DNS record "
                 "carries at most 65510 bytes of data.");
  // Under 65535 bytes, but more than BIND loads: it would leave a zone that does not load.
  expect_refused(root, add(z, {"name=big", "type=TXT", "txtdata=" + std::string(65255, 'a')}), "“txtdata”");
  expect_refused(root, add(z, {"name=big", "type=SPF", "txtdata=" + std::string(65255, 'a')}), "“txtdata”");
  expect_refused(root, add(z, {"name=@", "type=CAA", "flag=0", "tag=issue", "value=" + std::string(65504, 'c')}),
                 "“value”: the record's data would take 65511 bytes");
  run_ok(root, add(z, {"name=small", "type=TXT", "txtdata=small"}));
  int line = line_of(root, z, "small.bob.example.", "TXT");
  expect_refused(
      root, {"editzonerecord", "domain=" + z, "line=" + std::to_string(line), "txtdata=" + std::string(70000, 'a')},
      "“txtdata”");
  // mass_edit_dns_zone: one huge string, or many strings that add up.
  std::string serial = serial_of(root, z);
  nlohmann::json many = nlohmann::json::array();
  for (int i = 0; i < 300; ++i) many.push_back(std::string(255, 'm'));
  expect_refused(
      root,
      {"mass_edit_dns_zone", "zone=" + z, "serial=" + serial,
       "add=" + nlohmann::json({{"dname", "x"}, {"ttl", 300}, {"record_type", "TXT"}, {"data", many}}).dump()},
      "Invalid value for parameter “add”: “data”: the record's data would take 76800 bytes");
  expect_refused(root,
                 {"mass_edit_dns_zone", "zone=" + z, "serial=" + serial,
                  "edit=" + nlohmann::json({{"line_index", line - 1},
                                            {"dname", "small"},
                                            {"record_type", "TXT"},
                                            {"data", {std::string(70000, 'e')}}})
                                .dump()},
                 "Invalid value for parameter “edit”: “data”");
  expect_bind_loads(root, z);
}

TEST_CASE("values that would break the zone file are refused, naming the parameter", "[security][zones]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  const std::string z = "bob.example";
  struct Case {
    std::vector<std::string> args;
    std::string param;
  };
  const std::vector<Case> cases = {
      {{"name=a b", "type=A", "address=192.0.2.1"}, "name"},
      {{"name=a(b", "type=A", "address=192.0.2.1"}, "name"},
      {{"name=a\"b", "type=A", "address=192.0.2.1"}, "name"},
      {{"name=a;b", "type=A", "address=192.0.2.1"}, "name"},
      {{"name=a\\b", "type=A", "address=192.0.2.1"}, "name"},
      {{"name=$INCLUDE", "type=A", "address=192.0.2.1"}, "name"},
      {{"name=x%0A$INCLUDE /etc/shadow", "type=A", "address=192.0.2.1"}, "name"},
      {{"name=a..b", "type=A", "address=192.0.2.1"}, "name"},
      {{"name=" + std::string(64, 'l'), "type=A", "address=192.0.2.1"}, "name"},
      {{"name=victim.example.", "type=A", "address=192.0.2.1"}, "name"},
      {{"name=x", "type=A", "address=192.0.2.1 ; x"}, "address"},
      {{"name=x", "type=AAAA", "address=2001:db8::1%0A"}, "address"},
      {{"name=x", "type=CNAME", "cname=a b"}, "cname"},
      {{"name=x", "type=CNAME", "cname=a\"b"}, "cname"},
      {{"name=x", "type=CNAME", "cname=a)"}, "cname"},
      {{"name=x", "type=MX", "preference=10", "exchange=mx;evil"}, "exchange"},
      {{"name=x", "type=MX", "preference=1 2", "exchange=mx.bob.example"}, "preference"},
      {{"name=x", "type=NS", "nsdname=ns.example %0A@ IN A 1.2.3.4"}, "nsdname"},
      {{"name=x", "type=SRV", "priority=1", "weight=1", "port=99999", "target=t.bob.example"}, "port"},
      {{"name=x", "type=SRV", "priority=1", "weight=1", "port=1", "target=t b"}, "target"},
      {{"name=x", "type=TXT", "txtdata=a%0Ab"}, "txtdata"},
      {{"name=x", "type=TXT", "txtdata=a%0Db"}, "txtdata"},
      {{"name=x", "type=TXT", "txtdata=a%7Fb"}, "txtdata"},
      {{"name=x", "type=CAA", "flag=0", "tag=is sue", "value=ca.example"}, "tag"},
      {{"name=x", "type=CAA", "flag=0", "tag=issue", "value=ca%0Aexample"}, "value"},
      {{"name=x", "type=CAA", "flag=256", "tag=issue", "value=ca.example"}, "flag"},
      {{"name=x", "type=A A", "address=192.0.2.1"}, "type"},
      {{"name=x", "type=SOA", "address=192.0.2.1"}, "type"},
      {{"name=x", "type=A", "address=192.0.2.1", "class=CH"}, "class"},
      {{"name=x", "type=A", "address=192.0.2.1", "ttl=1 IN"}, "ttl"},
      {{"name=x", "type=A", "address=192.0.2.1", "ttl=2147483648"}, "ttl"},
  };
  for (const auto& c : cases) expect_refused(root, add(z, c.args), "“" + c.param + "”");
  // editzonerecord and mass_edit_dns_zone check the same way.
  run_ok(root, add(z, {"name=api", "type=A", "address=192.0.2.5"}));
  int line = line_of(root, z, "api.bob.example.", "A");
  expect_refused(root, {"editzonerecord", "domain=" + z, "line=" + std::to_string(line), "name=a b"}, "“name”");
  expect_refused(root, {"editzonerecord", "domain=" + z, "line=" + std::to_string(line), "type=TXT", "txtdata=x%0Ay"},
                 "“txtdata”");
  std::string serial = serial_of(root, z);
  expect_refused(root,
                 {"mass_edit_dns_zone", "zone=" + z, "serial=" + serial,
                  R"(add={"dname":"x y","ttl":300,"record_type":"A","data":["192.0.2.1"]})"},
                 "“add”: “dname”");
  expect_refused(root,
                 {"mass_edit_dns_zone", "zone=" + z, "serial=" + serial,
                  R"(add={"dname":"x","ttl":300,"record_type":"SOA","data":["a. b. 1 2 3 4 5"]})"},
                 "“add”: “record_type”");
  expect_refused(
      root,
      {"mass_edit_dns_zone", "zone=" + z, "serial=" + serial,
       "edit={\"line_index\":" + std::to_string(line - 1) + R"(,"dname":"api","record_type":"TXT","data":["a\nb"]})"},
      "“edit”: “data”");
  expect_refused(root,
                 {"mass_edit_dns_zone", "zone=" + z, "serial=" + serial,
                  R"(edit={"line_index":"x","dname":"api","record_type":"A","data":["192.0.2.1"]})"},
                 "“edit”");
  expect_bind_loads(root, z);
}

TEST_CASE("quotes, backslashes, parentheses and semicolons in text are escaped and read back unchanged",
          "[security][zones]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  const std::string z = "bob.example";
  const std::string text = "a \"quoted\" \\ back\\slash (paren) ; semi $INCLUDE /etc/shadow \\\" end\\";
  run_ok(root, add(z, {"name=t", "type=TXT", "txtdata=" + text + std::string(300, '"')}));
  run_ok(root, add(z, {"name=@", "type=CAA", "flag=0", "tag=iodef", "value=mailto:\"x\"\\(;)@bob.example"}));
  expect_bind_loads(root, z);
  auto dump = run(root, {"dumpzone", "domain=" + z}).json()["data"]["zone"];
  bool txt = false, caa = false;
  for (const auto& r : dump) {
    if (r["type"] == "TXT" && r["name"] == "t.bob.example.") txt = r["txtdata"] == text + std::string(300, '"');
    if (r["type"] == "CAA") caa = r["value"] == "mailto:\"x\"\\(;)@bob.example";
  }
  CHECK(txt);
  CHECK(caa);
  // The file still has one line per record: nothing was injected.
  std::string file = root.file("var/named/bob.example.db");
  CHECK(file.find("\n$INCLUDE") == std::string::npos);
}

TEST_CASE("a restored zone that reaches outside itself or does not load is refused, and nothing is installed",
          "[security][zones][restore]") {
  TempRoot root;
  // An account beforehand: a refused restore into an empty root leaves the
  // empty var/cpanel/ its journal needed (state.cpp, outside these checks).
  create_account(root, "bob", "bob.example");
  const std::string soa =
      "eve.example. 86400 IN SOA ns1.eve.example. hostmaster.eve.example. ( 2024010100 3600 1800 1209600 86400 )\n";
  struct Case {
    std::string zone, reason;
  };
  const std::vector<Case> cases = {
      {kEveZone + "$INCLUDE /etc/shadow\n", "line 7: $INCLUDE is not accepted"},
      {kEveZone + "$include ../../etc/named.conf eve.example.\n", "$INCLUDE is not accepted"},
      {kEveZone + "$GENERATE 1-65535 host$ A 192.0.2.$\n", "$GENERATE is not accepted"},
      {kEveZone + "bank.example. 300 IN A 203.0.113.66\n", "line 7: the name “bank.example.” is outside the zone"},
      {kEveZone + "$ORIGIN bank.example.\nwww 300 IN A 203.0.113.66\n", "“www.bank.example.” is outside the zone"},
      {kEveZone + "evil 300 IN TXT \"unterminated\n", "Cannot parse line 7"},
      {kEveZone + "evil 300 IN A 192.0.2.1 )\n", "unbalanced parentheses"},
      {kEveZone + "evil 300 IN A 192.0.2.1" + std::string(1, '\0') + "more\n", "line 7 holds a control character"},
      {kEveZone + "evil 300 CH TXT \"chaos\"\n", "class CH"},
      {kEveZone + "evil 300 IN A 999.0.0.1\n", "“999.0.0.1” is not an IPv4 address"},
      {kEveZone + "evil 300 IN TXT \"" + std::string(70000, 'x') + "\"\n", "bytes of data"},
      {kEveZone + "evil 300 IN MX 10 mail\\ box.eve.example.\n", "is not a host name"},
      {kEveZone + soa, "a second SOA record"},
      {"$TTL 300\neve.example. 300 IN A 192.0.2.1\n", "the zone has no SOA record"},
      {"$TTL 300\nwww.eve.example. 86400 IN SOA ns1.eve.example. h.eve.example. ( 1 2 3 4 5 )\n", "apex"},
      {"$TTL one-hour\n" + soa, "“one-hour” is not a TTL"},
      {"$FOO bar\n" + soa, "unknown directive $FOO"},
  };
  for (const auto& c : cases) {
    INFO(c.zone.substr(0, 300));
    write_eve_archive(root, c.zone);
    expect_refused(root, {"start_local_cpmove_restore", "cpmovepath=/home/eve.tar.gz"},
                   "The archive's DNS zone “eve.example” cannot be installed: ");
    expect_refused(root, {"start_local_cpmove_restore", "cpmovepath=/home/eve.tar.gz"}, c.reason);
  }
  // The same archive with a zone cPanel would write restores.
  write_eve_archive(root, kEveZone + "$ORIGIN eve.example.\n@ IN MX 0 eve.example.\nsel._domainkey IN TXT \"v=1\"\n");
  run_ok(root, {"start_local_cpmove_restore", "cpmovepath=/home/eve.tar.gz"});
  CHECK(root.file("var/named/eve.example.db").find("sel._domainkey") != std::string::npos);
  expect_bind_loads(root, "eve.example");
}

TEST_CASE("resetzone repairs a zone that no longer parses; edits are refused until then", "[security][zones]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  const std::string z = "bob.example";
  run_ok(root, add(z, {"name=_dmarc", "type=TXT", "txtdata=v=DMARC1; p=reject"}));
  std::string before = root.file("var/named/bob.example.db");
  root.write("var/named/bob.example.db", before + "evil 300 IN TXT \"never closed\n( ( (\n");
  expect_refused(root, add(z, {"name=x", "type=A", "address=192.0.2.1"}), "Cannot parse line");
  expect_refused(root, {"dumpzone", "domain=" + z}, "Cannot parse line");
  run_ok(root, {"resetzone", "domain=" + z});
  expect_bind_loads(root, z);
  std::string after = root.file("var/named/bob.example.db");
  CHECK_THAT(after, Contains("_dmarc\t86400\tIN\tTXT\t\"v=DMARC1; p=reject\"\n"));
  CHECK(after.find("never closed") == std::string::npos);
  run_ok(root, add(z, {"name=x", "type=A", "address=192.0.2.1"}));
  expect_bind_loads(root, z);
  expect_check_clean(root);
}
