#include <catch2/catch.hpp>
#include <cstdlib>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {
// BIND's own checker must accept the zone.
void check_zone(const TempRoot& root, const std::string& zone) {
  auto r = run_program({"/usr/bin/named-checkzone", zone, root.path + "/var/named/" + zone + ".db"});
  INFO(r.out << r.err << root.file("var/named/" + zone + ".db"));
  CHECK(r.status == 0);
}
int line_of(const TempRoot& root, const std::string& zone, const std::string& name, const std::string& type) {
  auto dump = run(root, {"dumpzone", "domain=" + zone}).json();  // keep the document alive while iterating
  for (const auto& rec : dump["data"]["zone"])
    if (rec["name"] == name && rec["type"] == type) return rec["Line"];
  return -1;
}
}  // namespace

TEST_CASE("createacct makes the zone and its named.conf stanza; removeacct takes them away",
          "[dns][createacct][removeacct]") {
  TempRoot root;
  root.write("etc/wwwacct.conf", "ADDR 192.0.2.10\nNS ns1.host.example\nNS2 ns2.host.example\n");
  create_account(root, "bob", "bob.example");
  std::string zone = root.file("var/named/bob.example.db");
  CHECK_THAT(zone, StartsWith("; cPanel first:"));
  CHECK_THAT(zone, Contains("\n; Zone file for bob.example\n$TTL 14400\n"));
  CHECK_THAT(zone, Contains("bob.example.\t86400\tIN\tSOA\tns1.host.example.\thostmaster.host.example.\t(\n"));
  CHECK_THAT(zone, Contains(" ;Serial Number\n\t\t\t\t\t\t3600 ;refresh\n"));
  CHECK_THAT(zone, Contains("\n\t)\nbob.example.\t86400\tIN\tNS\tns1.host.example.\n"));
  CHECK_THAT(zone, Contains("bob.example.\t14400\tIN\tA\t192.0.2.10\n"));
  CHECK_THAT(zone, Contains("bob.example.\t14400\tIN\tMX\t0\tbob.example.\n"));
  CHECK_THAT(zone, Contains("www\t14400\tIN\tCNAME\tbob.example.\n"));
  check_zone(root, "bob.example");
  CHECK(root.file("etc/named.conf") ==
        "\nzone \"bob.example\" {\n\ttype master;\n\tfile \"/var/named/bob.example.db\";\n};\n\n");
  CHECK(run(root, {"listzones"}).json()["data"]["zone"] ==
        nlohmann::json::parse(R"([{"domain":"bob.example","zonefile":"bob.example.db"}])"));

  REQUIRE(run(root, {"removeacct", "username=bob"}).status == 0);
  CHECK_FALSE(root.exists("var/named/bob.example.db"));
  CHECK(root.file("etc/named.conf") == "");
}

TEST_CASE("an existing zone needs forcedns; keepdns keeps the zone", "[dns][createacct][removeacct]") {
  TempRoot root;
  REQUIRE(run(root, {"adddns", "domain=taken.example", "ip=192.0.2.1"}).status == 0);
  expect_refused(root, {"createacct", "username=tom", "domain=taken.example"}, "pass forcedns=1");
  create_account(root, "tom", "taken.example", {"forcedns=1"});
  REQUIRE(run(root, {"removeacct", "username=tom", "keepdns=1"}).status == 0);
  CHECK(root.exists("var/named/taken.example.db"));
  create_account(root, "sue", "sue.example");
  REQUIRE(run(root, {"removeacct", "username=sue"}).status == 0);
  CHECK_FALSE(root.exists("var/named/sue.example.db"));
  CHECK(root.file("etc/named.conf").find("sue.example") == std::string::npos);
  CHECK(root.file("etc/named.conf").find("taken.example") != std::string::npos);
}

TEST_CASE("adddns, killdns, listzones", "[adddns][killdns][listzones]") {
  TempRoot root;
  auto r = run(root, {"adddns", "domain=zone.example", "ip=192.0.2.7", "has_ipv6=1", "ipv6=2001:db8::7"});
  REQUIRE(r.status == 0);
  CHECK(r.json()["metadata"]["reason"] == "Added zone.example ok belonging to user root");
  CHECK_THAT(root.file("var/named/zone.example.db"), Contains("zone.example.\t14400\tIN\tAAAA\t2001:db8::7\n"));
  check_zone(root, "zone.example");
  expect_refused(root, {"adddns", "domain=zone.example", "ip=192.0.2.7"}, "already exists");
  expect_refused(root, {"adddns", "domain=bad_zone.example", "ip=192.0.2.7"}, "“domain”");
  expect_refused(root, {"adddns", "domain=new.example", "ip=999.1.1.1"}, "“ip”");
  expect_refused(root, {"adddns", "domain=new.example", "ip=192.0.2.1", "trueowner=ghost"}, "does not exist");
  auto k = run(root, {"killdns", "domain=zone.example"});
  REQUIRE(k.status == 0);
  CHECK(k.json()["metadata"]["reason"] == "Zones Removed");
  CHECK_FALSE(root.exists("var/named/zone.example.db"));
  CHECK(run(root, {"listzones"}).json()["data"]["zone"].empty());
  expect_refused(root, {"killdns", "domain=zone.example"}, "does not exist");
  expect_bad_command_line(root, {"listzones", "x"}, "key=value");
}

TEST_CASE("add, get, edit and remove zone records",
          "[addzonerecord][getzonerecord][editzonerecord][removezonerecord][dumpzone]") {
  TempRoot root;
  REQUIRE(run(root, {"adddns", "domain=z.example", "ip=192.0.2.1"}).status == 0);
  struct Case {
    std::vector<std::string> args;
    std::string line;
  };
  std::vector<Case> cases = {
      {{"name=api", "type=A", "address=192.0.2.5", "ttl=300"}, "api\t300\tIN\tA\t192.0.2.5\n"},
      {{"name=v6.z.example.", "type=AAAA", "address=2001:db8::5"}, "v6\t86400\tIN\tAAAA\t2001:db8::5\n"},
      {{"name=alias", "type=CNAME", "cname=api.z.example"}, "alias\t86400\tIN\tCNAME\tapi.z.example.\n"},
      {{"name=@", "type=MX", "preference=10", "exchange=mx.z.example"},
       "z.example.\t86400\tIN\tMX\t10\tmx.z.example.\n"},
      {{"name=_sip._tcp", "type=SRV", "priority=1", "weight=2", "port=5060", "target=api.z.example"},
       "_sip._tcp\t86400\tIN\tSRV\t1\t2\t5060\tapi.z.example.\n"},
      {{"name=z.example.", "type=TXT", "txtdata=v=DKIM1; k=rsa; p=\"x\""},
       "z.example.\t86400\tIN\tTXT\t\"v=DKIM1; k=rsa; p=\\\"x\\\"\"\n"},
      {{"name=@", "type=CAA", "flag=0", "tag=issue", "value=letsencrypt.org"},
       "z.example.\t86400\tIN\tTYPE257\t\\# 22 000569737375656C657473656E63727970742E6F7267\n"},
      {{"name=sub", "type=NS", "nsdname=ns.other.example"}, "sub\t86400\tIN\tNS\tns.other.example.\n"},
      {{"name=5", "type=PTR", "ptrdname=host.other.example"}, "5\t86400\tIN\tPTR\thost.other.example.\n"},
  };
  for (const auto& c : cases) {
    std::vector<std::string> args = {"addzonerecord", "domain=z.example"};
    args.insert(args.end(), c.args.begin(), c.args.end());
    auto r = run(root, args);
    INFO(c.line << r.out);
    REQUIRE(r.status == 0);
    CHECK_THAT(root.file("var/named/z.example.db"), Contains(c.line));
    check_zone(root, "z.example");
  }
  // A long TXT is split into 255-byte strings.
  std::string long_txt(600, 'a');
  REQUIRE(run(root, {"addzonerecord", "domain=z.example", "name=long", "type=TXT", "txtdata=" + long_txt}).status == 0);
  CHECK_THAT(
      root.file("var/named/z.example.db"),
      Contains("\"" + std::string(255, 'a') + "\" \"" + std::string(255, 'a') + "\" \"" + std::string(90, 'a') + "\""));
  check_zone(root, "z.example");

  int line = line_of(root, "z.example", "api.z.example.", "A");
  REQUIRE(line > 0);
  auto got = run(root, {"getzonerecord", "domain=z.example", "line=" + std::to_string(line)}).json();
  CHECK(got["metadata"]["reason"] == "Record obtained.");
  CHECK(got["data"]["record"][0]["address"] == "192.0.2.5");
  CHECK(got["data"]["record"][0]["ttl"] == 300);

  REQUIRE(
      run(root, {"editzonerecord", "domain=z.example", "line=" + std::to_string(line), "address=192.0.2.99"}).status ==
      0);
  CHECK_THAT(root.file("var/named/z.example.db"), Contains("api\t300\tIN\tA\t192.0.2.99\n"));
  check_zone(root, "z.example");
  auto txt = run(root, {"dumpzone", "domain=z.example"}).json();
  bool found = false;
  for (const auto& rec : txt["data"]["zone"])
    if (rec["type"] == "CAA") {
      found = true;
      CHECK(rec["value"] == "letsencrypt.org");
      CHECK(rec["tag"] == "issue");
    }
  CHECK(found);

  int alias = line_of(root, "z.example", "alias.z.example.", "CNAME");
  REQUIRE(run(root, {"removezonerecord", "zone=z.example", "line=" + std::to_string(alias)}).status == 0);
  CHECK(root.file("var/named/z.example.db").find("alias\t") == std::string::npos);
  check_zone(root, "z.example");
}

TEST_CASE("zone record bad input leaves the zone untouched",
          "[addzonerecord][editzonerecord][removezonerecord][getzonerecord][dumpzone][bad-input]") {
  TempRoot root;
  REQUIRE(run(root, {"adddns", "domain=z.example", "ip=192.0.2.1"}).status == 0);
  REQUIRE(run(root, {"addzonerecord", "domain=z.example", "name=api", "type=A", "address=192.0.2.5"}).status == 0);
  int api = line_of(root, "z.example", "api.z.example.", "A");
  auto add = [](std::vector<std::string> extra) {
    std::vector<std::string> args = {"addzonerecord", "domain=z.example"};
    args.insert(args.end(), extra.begin(), extra.end());
    return args;
  };
  expect_refused(root, add({"name=www.other.example.", "type=A", "address=192.0.2.1"}), "outside the zone");
  expect_refused(root, add({"name=www", "type=A", "address=192.0.2.1"}), "CNAME record beside other records");
  expect_refused(root, add({"name=api", "type=CNAME", "cname=x.z.example"}), "CNAME record beside other records");
  expect_refused(root, add({"name=x", "type=TXT", "txtdata=line1%0A$INCLUDE /etc/passwd"}), "line break");
  expect_refused(root, add({"name=x", "type=A", "address=192.0.2.1;evil"}), "“address”");
  expect_refused(root, add({"name=x;y", "type=A", "address=192.0.2.1"}), "“name”");
  expect_refused(root, add({"name=x", "type=A", "address=300.0.0.1"}), "“address”: “300.0.0.1” is not an IPv4 address");
  expect_refused(root, add({"name=x", "type=AAAA", "address=2001:db8::zz"}), "“2001:db8::zz” is not an IPv6 address");
  expect_refused(root, add({"name=x", "type=A", "address=192.0.2.1", "ttl=-5"}), "“ttl”");
  expect_refused(root, add({"name=x", "type=A", "address=192.0.2.1", "ttl=4294967296"}), "“ttl”");
  expect_refused(root, add({"name=x", "type=MX", "preference=70000", "exchange=mx.z.example"}),
                 "“preference”: must be at most 65535");
  expect_refused(root, add({"name=x", "type=WKS", "address=192.0.2.1"}), "“type”: whmkit cannot write “WKS” records");
  expect_refused(root, add({"name=x", "type=MX", "exchange=mx.z.example"}), "“preference”");
  expect_refused(root, {"addzonerecord", "domain=nosuch.example", "name=x", "type=A", "address=192.0.2.1"},
                 "does not exist");
  expect_refused(root, {"editzonerecord", "domain=z.example", "line=9999", "address=192.0.2.1"},
                 "no record on line 9999");
  expect_refused(root, {"editzonerecord", "domain=z.example", "line=" + std::to_string(api), "address=bad"},
                 "“address”: “bad” is not an IPv4 address");
  expect_refused(root, {"editzonerecord", "domain=z.example", "line=4", "address=192.0.2.1"}, "SOA");
  expect_refused(root, {"removezonerecord", "zone=z.example", "line=9999"}, "no record on line 9999");
  expect_refused(root, {"removezonerecord", "zone=z.example", "line=4"}, "SOA record cannot be removed");
  expect_refused(root, {"removezonerecord", "zone=z.example", "line=" + std::to_string(api), "serialnum=1"},
                 "has changed");
  expect_refused(root, {"getzonerecord", "domain=z.example", "line=9999"}, "no record on line 9999");
  expect_refused(root, {"getzonerecord", "domain=z.example", "line=abc"}, "“line”");
  expect_refused(root, {"dumpzone", "domain=../../etc/passwd"}, "“domain”");
}

TEST_CASE("serials: same day +1, and 99 rolls into the next day", "[dns][serial]") {
  TempRoot root;
  root.write("var/named/s.example.db",
             "s.example. 3600 IN SOA ns1.s.example. root.s.example. ( 2026112299 3600 1800 1209600 86400 )\n"
             "s.example. 3600 IN NS ns1.s.example.\nns1 3600 IN A 192.0.2.1\n");
  auto r = run_program({WHMAPI1_PATH, "--root=" + root.path, "--output=json", "addzonerecord", "domain=s.example",
                        "name=a", "type=A", "address=192.0.2.2"},
                       {{"WHMKIT_NOW", "1795392000"}});  // 2026-11-23 00:00 UTC: max(2026112300, 2026112299 + 1)
  REQUIRE(r.status == 0);
  CHECK_THAT(root.file("var/named/s.example.db"), Contains("( 2026112300 3600"));
  auto again = run_program({WHMAPI1_PATH, "--root=" + root.path, "--output=json", "addzonerecord", "domain=s.example",
                            "name=b", "type=A", "address=192.0.2.3"},
                           {{"WHMKIT_NOW", "1795392000"}});
  REQUIRE(again.status == 0);
  CHECK_THAT(root.file("var/named/s.example.db"), Contains("( 2026112301 3600"));
  auto later = run_program({WHMAPI1_PATH, "--root=" + root.path, "--output=json", "addzonerecord", "domain=s.example",
                            "name=c", "type=A", "address=192.0.2.4"},
                           {{"WHMKIT_NOW", "1795650000"}});  // 2026-11-25 23:40 UTC
  REQUIRE(later.status == 0);
  CHECK_THAT(root.file("var/named/s.example.db"), Contains("( 2026112500 3600"));
}

TEST_CASE("MX records, mass edits, parse_dns_zone, resetzone",
          "[listmxs][savemxs][mass_edit_dns_zone][parse_dns_zone][resetzone]") {
  TempRoot root;
  REQUIRE(run(root, {"adddns", "domain=m.example", "ip=192.0.2.1"}).status == 0);
  REQUIRE(
      run(root, {"savemxs", "domain=m.example", "name=m.example.", "exchange=mx2.m.example", "preference=20"}).status ==
      0);
  auto mx = run(root, {"listmxs", "domain=m.example"}).json();
  CHECK(mx["metadata"]["reason"] == "Records obtained.");
  REQUIRE(mx["data"]["record"].size() == 2);
  CHECK(mx["data"]["record"][1]["exchange"] == "mx2.m.example");
  CHECK(mx["data"]["record"][1]["preference"] == "20");
  check_zone(root, "m.example");
  expect_refused(root, {"savemxs", "domain=m.example", "name=m.example.", "exchange=bad host", "preference=20"},
                 "“exchange”");

  auto parsed = run(root, {"parse_dns_zone", "zone=m.example"}).json()["data"]["payload"];
  REQUIRE(parsed.size() > 5);
  CHECK(parsed[0]["type"] == "comment");
  CHECK(parsed[2]["type"] == "control");
  CHECK(parsed[3]["record_type"] == "SOA");
  CHECK(parsed[3]["dname_b64"] == "bS5leGFtcGxlLg==");  // "m.example."
  bool www_relative = false;
  for (const auto& item : parsed)
    if (item.value("record_type", "") == "CNAME" && item["dname_b64"] == "d3d3")
      www_relative = true;  // "www", as written
  CHECK(www_relative);

  long serial = 0;
  const auto dump = run(root, {"dumpzone", "domain=m.example"}).json();  // outlives the loop
  for (const auto& item : dump["data"]["zone"])
    if (item["type"] == "SOA") serial = std::stol(item["serial"].get<std::string>());
  REQUIRE(serial > 0);
  auto www = line_of(root, "m.example", "www.m.example.", "CNAME");
  auto edit = run(root, {"mass_edit_dns_zone", "zone=m.example", "serial=" + std::to_string(serial),
                         R"(add={"dname":"new","ttl":300,"record_type":"A","data":["192.0.2.50"]})",
                         R"(add={"dname":"txt","ttl":300,"record_type":"TXT","data":["hello","world"]})",
                         "remove=" + std::to_string(www - 1)});
  INFO(edit.out);
  REQUIRE(edit.status == 0);
  CHECK(edit.json()["data"]["new_serial"] == std::to_string(serial + 1));
  std::string zone = root.file("var/named/m.example.db");
  CHECK_THAT(zone, Contains("new\t300\tIN\tA\t192.0.2.50\n"));
  CHECK_THAT(zone, Contains("txt\t300\tIN\tTXT\t\"hello\" \"world\"\n"));
  CHECK(zone.find("\nwww\t") == std::string::npos);
  check_zone(root, "m.example");
  expect_refused(root,
                 {"mass_edit_dns_zone", "zone=m.example", "serial=" + std::to_string(serial),
                  R"(add={"dname":"x","record_type":"A","data":["192.0.2.1"]})"},
                 "has changed");
  expect_refused(root, {"mass_edit_dns_zone", "zone=m.example", "serial=" + std::to_string(serial + 1), "add=notjson"},
                 "not JSON");

  REQUIRE(run(root, {"resetzone", "domain=m.example"}).status == 0);
  zone = root.file("var/named/m.example.db");
  CHECK(zone.find("new\t300") == std::string::npos);
  CHECK_THAT(zone, Contains("www\t14400\tIN\tCNAME\tm.example.\n"));
  check_zone(root, "m.example");
  expect_refused(root, {"resetzone", "domain=nosuch.example"}, "does not exist");
  expect_refused(root, {"listmxs", "domain=nosuch.example"}, "does not exist");
  expect_refused(root, {"parse_dns_zone", "zone=nosuch.example"}, "does not exist");
}

TEST_CASE("nameserver configuration, resolution and resolvers",
          "[get_nameserver_config][has_local_authority][lookupnsip][lookupnsips][resolvedomainname][setresolvers]") {
  TempRoot root;
  root.write("etc/wwwacct.conf", "NS ns1.host.example\nNS2 ns2.host.example\n");
  root.write("etc/resolv.conf", "search example.net\nnameserver 10.0.0.1\n");
  CHECK(run(root, {"get_nameserver_config"}).json()["data"]["nameservers"] ==
        nlohmann::json({"ns1.host.example", "ns2.host.example"}));
  create_account(root, "bob", "bob.example");
  auto auth = run(root, {"has_local_authority", "domain=www.bob.example", "domain=elsewhere.example"})
                  .json()["data"]["records"];
  CHECK(auth[0]["local_authority"] == 1);
  CHECK(auth[0]["zone"] == "bob.example");
  CHECK(auth[0]["nameservers"] == nlohmann::json({"ns1.host.example", "ns2.host.example"}));
  CHECK(auth[1]["local_authority"] == 0);
  CHECK(run(root, {"lookupnsip", "host=localhost"}).json()["data"]["ip"] == "127.0.0.1");
  CHECK(run(root, {"resolvedomainname", "domain=localhost"}).json()["data"]["ip"] == "127.0.0.1");
  CHECK(run(root, {"lookupnsips", "host=localhost"}).json()["data"]["ipv4"] == "127.0.0.1");
  auto set = run(root, {"setresolvers", "nameserver1=192.0.2.53", "nameserver2=2001:db8::53"});
  REQUIRE(set.status == 0);
  CHECK(set.json()["metadata"]["reason"] == "Your resolvers have been setup!");
  CHECK(root.file("etc/resolv.conf") == "search example.net\nnameserver 192.0.2.53\nnameserver 2001:db8::53\n");

  expect_refused(root, {"lookupnsip", "host=no such host"}, "not a host name");
  expect_refused(root, {"lookupnsip", "host=does-not-exist.invalid"}, "Unable to resolve");
  expect_refused(root, {"lookupnsips", "host=does-not-exist.invalid"}, "Unable to resolve");
  expect_refused(root, {"resolvedomainname", "domain=does-not-exist.invalid"}, "Unable to resolve");
  expect_refused(root, {"setresolvers", "nameserver1=192.0.2.53", "nameserver2=not-an-ip"}, "“nameserver2”");
  expect_refused(root, {"has_local_authority", "domain=bad domain"}, "“domain”");
  expect_bad_command_line(root, {"get_nameserver_config", "x"}, "key=value");
}

TEST_CASE("set_nameserver records the choice in cpanel.config and switches the services", "[set_nameserver]") {
  TempRoot root;
  root.write("var/cpanel/cpanel.config", "# old header\nallowremotedomains=0\nlocal_nameserver_type=powerdns\n");
  auto r = run(root, {"set_nameserver", "nameserver=BIND"});
  REQUIRE(r.status == 0);
  CHECK(r.json()["data"]["nameserver"] == "bind");
  std::string conf = root.file("var/cpanel/cpanel.config");
  CHECK_THAT(conf, Contains("# NOTICE\n"));
  CHECK_THAT(conf, Contains("\nallowremotedomains=0\nlocal_nameserver_type=bind\n"));
  // cPanel's service switches: named on, PowerDNS off.
  CHECK_FALSE(root.exists("etc/nameddisable"));
  CHECK(root.exists("etc/pdnsdisable"));
  run_ok(root, {"set_nameserver", "nameserver=Disabled"});
  CHECK(root.exists("etc/nameddisable"));
  CHECK(root.exists("etc/pdnsdisable"));
  CHECK_THAT(root.file("var/cpanel/cpanel.config"), Contains("\nlocal_nameserver_type=disabled\n"));
  run_ok(root, {"set_nameserver", "nameserver=PowerDNS"});
  CHECK(root.exists("etc/nameddisable"));
  CHECK_FALSE(root.exists("etc/pdnsdisable"));
  auto before = snapshot(root);
  expect_refused(root, {"set_nameserver", "nameserver=djbdns"}, "“nameserver”");
  expect_refused(root, {"set_nameserver"}, "Missing required parameter “nameserver”");
  CHECK(snapshot(root) == before);
}

TEST_CASE("a TXT value over 255 bytes: several strings in the file, one value in every answer",
          "[addzonerecord][editzonerecord][dumpzone][getzonerecord][parse_dns_zone][mass_edit_dns_zone][txt]") {
  TempRoot root;
  REQUIRE(run(root, {"adddns", "domain=t.example", "ip=192.0.2.1"}).status == 0);
  // Quotes, backslashes, parentheses and ';' are escaped or quoted, and count
  // once towards the 255 bytes of a string.
  std::string dkim = "v=DKIM1; k=rsa; (p=\"" + std::string(300, 'K') + "\\" + std::string(200, 'q') + "\")";
  REQUIRE(
      run(root, {"addzonerecord", "domain=t.example", "name=sel._domainkey", "type=TXT", "txtdata=" + dkim}).status ==
      0);
  check_zone(root, "t.example");
  std::string zone = root.file("var/named/t.example.db");
  CHECK_THAT(zone, Contains("sel._domainkey\t86400\tIN\tTXT\t\"v=DKIM1; k=rsa; (p=\\\"" + std::string(235, 'K') +
                            "\" \"" + std::string(65, 'K') + "\\\\" + std::string(189, 'q') + "\" \"" +
                            std::string(11, 'q') + "\\\")\"\n"));
  int line = line_of(root, "t.example", "sel._domainkey.t.example.", "TXT");
  REQUIRE(line > 0);
  CHECK(run(root, {"getzonerecord", "domain=t.example", "line=" + std::to_string(line)})
            .json()["data"]["record"][0]["txtdata"] == dkim);
  // parse_dns_zone gives each character string, as the file holds them.
  const auto parsed = run(root, {"parse_dns_zone", "zone=t.example"}).json();  // outlives the loop
  for (const auto& item : parsed["data"]["payload"])
    if (item["line_index"] == line - 1) CHECK(item["data_b64"].size() == 3);
  // Editing another field keeps the strings; a new value is split again.
  REQUIRE(run(root, {"editzonerecord", "domain=t.example", "line=" + std::to_string(line), "ttl=600"}).status == 0);
  CHECK(run(root, {"getzonerecord", "domain=t.example", "line=" + std::to_string(line)})
            .json()["data"]["record"][0]["txtdata"] == dkim);
  std::string longer = dkim + std::string(400, 'z');
  REQUIRE(
      run(root, {"editzonerecord", "domain=t.example", "line=" + std::to_string(line), "txtdata=" + longer}).status ==
      0);
  CHECK(run(root, {"getzonerecord", "domain=t.example", "line=" + std::to_string(line)})
            .json()["data"]["record"][0]["txtdata"] == longer);
  check_zone(root, "t.example");
  // An SPF record is written the same way.
  REQUIRE(run(root, {"addzonerecord", "domain=t.example", "name=@", "type=SPF",
                     "txtdata=v=spf1 " + std::string(300, 'a') + " -all"})
              .status == 0);
  check_zone(root, "t.example");
  // The largest TXT BIND loads (65510 bytes of data: 255 strings and 65254
  // bytes of text) is written; one byte more is refused.
  REQUIRE(run(root, {"addzonerecord", "domain=t.example", "name=big", "type=TXT", "txtdata=" + std::string(65254, 'b')})
              .json()["metadata"]["result"] == 1);
  check_zone(root, "t.example");
  expect_refused(root,
                 {"addzonerecord", "domain=t.example", "name=big2", "type=TXT", "txtdata=" + std::string(65255, 'b')},
                 "“txtdata”: the record's data would take 65511 bytes");
}

TEST_CASE("addzonerecord writes the TTL its help gives as the default", "[addzonerecord][help]") {
  TempRoot root;
  REQUIRE(run(root, {"adddns", "domain=d.example", "ip=192.0.2.1"}).status == 0);
  auto help = run_program({WHMAPI1_PATH, "help", "addzonerecord"}).out;
  const std::string marker = "  ttl (integer)  default: ";
  auto at = help.find(marker);
  REQUIRE(at != std::string::npos);
  at += marker.size();
  std::string ttl = help.substr(at, help.find('\n', at) - at);
  CHECK(ttl == "86400");  // the reference's default
  REQUIRE(run(root, {"addzonerecord", "domain=d.example", "name=api", "type=A", "address=192.0.2.5"}).status == 0);
  CHECK_THAT(root.file("var/named/d.example.db"), Contains("api\t" + ttl + "\tIN\tA\t192.0.2.5\n"));
}

TEST_CASE("resetzone rebuilds a zone that no longer parses, keeping its TXT records and moving its serial on",
          "[resetzone]") {
  TempRoot root;
  root.write("etc/wwwacct.conf", "ADDR 192.0.2.10\n");
  create_account(root, "bob", "bob.example");
  // A damaged file: an unterminated quote, a bad serial line, an unclosed
  // parenthesis; two good TXT records and a good SOA before the damage.
  root.write("var/named/bob.example.db",
             "$TTL 14400\n"
             "bob.example. 86400 IN SOA ns1.bob.example. hostmaster.bob.example. ( 2030010105 3600 1800 1209600 "
             "86400 )\n"
             "bob.example. 86400 IN NS ns1.bob.example.\n"
             "default._domainkey 14400 IN TXT \"v=DKIM1; k=rsa; p=ABC\" \"DEF\"\n"
             "broken 14400 IN TXT \"no closing quote\n"
             "bob.example. 14400 IN TXT \"v=spf1 +a +mx -all\"\n"
             "www 14400 IN A 999.1.1.1\n"
             "mail 14400 IN ( A 192.0.2.9\n");
  expect_refused(root, {"dumpzone", "domain=bob.example"}, "Cannot parse line 5");
  auto r = run(root, {"resetzone", "domain=bob.example"});
  INFO(r.out);
  REQUIRE(r.json()["metadata"]["result"] == 1);
  check_zone(root, "bob.example");
  std::string zone = root.file("var/named/bob.example.db");
  CHECK_THAT(zone, Contains("\t2030010106 ;Serial Number\n"));  // past the old serial, though it is in the future
  CHECK_THAT(zone, Contains("default._domainkey\t14400\tIN\tTXT\t\"v=DKIM1; k=rsa; p=ABC\" \"DEF\"\n"));
  CHECK_THAT(zone, Contains("bob.example.\t14400\tIN\tTXT\t\"v=spf1 +a +mx -all\"\n"));
  CHECK_THAT(zone, Contains("bob.example.\t14400\tIN\tA\t192.0.2.10\n"));
  CHECK_THAT(zone, Contains("www\t14400\tIN\tCNAME\tbob.example.\n"));
  CHECK(zone.find("999.1.1.1") == std::string::npos);
  CHECK(zone.find("closing") == std::string::npos);
  // The zone file's name works as well as the domain, as the reference gives it.
  REQUIRE(run(root, {"resetzone", "zone=bob.example.db"}).json()["metadata"]["result"] == 1);
  CHECK_THAT(root.file("var/named/bob.example.db"), Contains("\t2030010107 ;Serial Number\n"));
  // A file that is pure garbage, and one that is empty, are rebuilt too.
  root.write("var/named/bob.example.db", std::string("\0\xff(\"((", 6));
  REQUIRE(run(root, {"resetzone", "domain=bob.example"}).json()["metadata"]["result"] == 1);
  check_zone(root, "bob.example");
  root.write("var/named/bob.example.db", "");
  REQUIRE(run(root, {"resetzone", "domain=bob.example"}).json()["metadata"]["result"] == 1);
  check_zone(root, "bob.example");
  expect_check_clean(root);
}

namespace {
// A zone as cPanel writes it, with a blank line and a comment between records.
const std::string kShapesZone =
    "; cPanel first:11.30.0 (update_time):1700000000 Cpanel::ZoneFile::VERSION:1.3 hostname:h.example "
    "latest:11.30.0\n"                                                     // 1
    "; Zone file for d.example\n"                                          // 2
    "$TTL 14400\n"                                                         // 3
    "d.example.\t86400\tIN\tSOA\tns1.host.example.\troot.d.example.\t(\n"  // 4
    "\t\t\t\t\t\t2024010100 ;Serial Number\n"                              // 5
    "\t\t\t\t\t\t3600 ;refresh\n"                                          // 6
    "\t\t\t\t\t\t1800 ;retry\n"                                            // 7
    "\t\t\t\t\t\t1209600 ;expire\n"                                        // 8
    "\t\t\t\t\t\t86400 ;minimum\n"                                         // 9
    "\t)\n"                                                                // 10
    "\n"                                                                   // 11
    "d.example.\t86400\tIN\tNS\tns1.host.example.\n"                       // 12
    "; mail\n"                                                             // 13
    "d.example.\t3600\tIN\tMX\t10\tmail.d.example.\n"                      // 14
    "mail\t300\tIN\tA\t192.0.2.25\n";                                      // 15

std::vector<std::string> split_lines(const std::string& text) {
  std::vector<std::string> out;
  for (size_t at = 0; at < text.size();) {
    size_t end = text.find('\n', at);
    if (end == std::string::npos) end = text.size();
    out.push_back(text.substr(at, end - at));
    at = end + 1;
  }
  return out;
}
}  // namespace

TEST_CASE("dumpzone lists every line as real servers do: :RAW comments and blank lines, $TTL, the SOA's Lines",
          "[dumpzone][getzonerecord]") {
  TempRoot root;
  root.write("var/named/d.example.db", kShapesZone);
  check_zone(root, "d.example");
  auto dump = run_ok(root, {"dumpzone", "domain=d.example"});
  CHECK(dump["metadata"]["reason"] == "Zone Serialized");
  const std::string header = kShapesZone.substr(0, kShapesZone.find('\n'));
  CHECK(dump["data"]["zone"] == nlohmann::json::parse(R"([
    {"Line": 1, "name": "", "raw": )" + nlohmann::json(header).dump() +
                                                      R"(, "ttl": 86400, "type": ":RAW"},
    {"Line": 2, "name": "", "raw": "; Zone file for d.example", "ttl": 86400, "type": ":RAW"},
    {"Line": 3, "name": "", "ttl": 14400, "type": "$TTL"},
    {"Line": 4, "Lines": 7, "class": "IN", "expire": 1209600, "minimum": 86400, "mname": "ns1.host.example",
     "name": "d.example.", "refresh": 3600, "retry": 1800, "rname": "root.d.example", "serial": "2024010100",
     "ttl": 86400, "type": "SOA"},
    {"Line": 11, "name": "", "raw": "", "ttl": 86400, "type": ":RAW"},
    {"Line": 12, "class": "IN", "name": "d.example.", "nsdname": "ns1.host.example", "ttl": 86400, "type": "NS"},
    {"Line": 13, "name": "", "raw": "; mail", "ttl": 86400, "type": ":RAW"},
    {"Line": 14, "class": "IN", "exchange": "mail.d.example", "name": "d.example.", "preference": 10,
     "ttl": 3600, "type": "MX"},
    {"Line": 15, "address": "192.0.2.25", "class": "IN", "name": "mail.d.example.", "ttl": 300, "type": "A"}
  ])"));

  // getzonerecord answers for any line dumpzone lists, a comment included.
  auto comment = run_ok(root, {"getzonerecord", "domain=d.example", "line=13"});
  CHECK(comment["metadata"]["reason"] == "Record obtained.");
  CHECK(comment["data"]["record"] ==
        nlohmann::json::parse(R"([{"Line": 13, "name": "", "raw": "; mail", "ttl": 86400, "type": ":RAW"}])"));
  CHECK(run_ok(root, {"getzonerecord", "domain=d.example", "line=3"})["data"]["record"][0]["type"] == "$TTL");
  CHECK(run_ok(root, {"getzonerecord", "domain=d.example", "line=4"})["data"]["record"][0]["Lines"] == 7);
  // A line inside the SOA starts nothing.
  expect_refused(root, {"getzonerecord", "domain=d.example", "line=6"}, "no record on line 6");
  expect_refused(root, {"getzonerecord", "domain=d.example", "line=16"}, "no record on line 16");
}

TEST_CASE("listmxs gives Line, preference and ttl as strings, as real servers do", "[listmxs]") {
  TempRoot root;
  root.write("var/named/d.example.db", kShapesZone);
  auto mx = run_ok(root, {"listmxs", "domain=d.example"});
  CHECK(mx["data"]["record"] == nlohmann::json::parse(R"([{"Line": "14", "class": "IN",
    "exchange": "mail.d.example", "name": "d.example.", "preference": "10", "ttl": "3600", "type": "MX"}])"));
  expect_refused(root, {"listmxs", "domain=bad_domain.example"}, "“domain”");
}

TEST_CASE("the Line dumpzone gives is the line editzonerecord and removezonerecord change",
          "[dumpzone][editzonerecord][removezonerecord]") {
  TempRoot root;
  root.write("var/named/d.example.db", kShapesZone);
  int a = line_of(root, "d.example", "mail.d.example.", "A");
  int mx = line_of(root, "d.example", "d.example.", "MX");
  REQUIRE(a == 15);
  REQUIRE(mx == 14);
  // Comments, blank lines and the lines inside the SOA hold no record to change.
  for (const char* line : {"1", "3", "6", "11", "13"}) {
    expect_refused(root, {"editzonerecord", "domain=d.example", std::string("line=") + line, "address=192.0.2.1"},
                   std::string("no record on line ") + line);
    expect_refused(root, {"removezonerecord", "zone=d.example", std::string("line=") + line},
                   std::string("no record on line ") + line);
  }

  // The answer is the reference's: no data, no extra metadata.
  CHECK(run_ok(root, {"editzonerecord", "domain=d.example", "line=" + std::to_string(a), "address=192.0.2.26"}) ==
        nlohmann::json::parse(R"({"metadata":{"command":"editzonerecord","reason":"OK","result":1,"version":1}})"));
  auto lines = split_lines(root.file("var/named/d.example.db"));
  REQUIRE(lines.size() == 15);
  CHECK(lines[14] == "mail\t300\tIN\tA\t192.0.2.26");
  CHECK(lines[12] == "; mail");
  check_zone(root, "d.example");

  run_ok(root, {"removezonerecord", "zone=d.example", "line=" + std::to_string(mx)});
  std::string zone = root.file("var/named/d.example.db");
  CHECK(zone.find("\tMX\t") == std::string::npos);
  CHECK_THAT(zone, Contains("\n; mail\nmail\t300\tIN\tA\t192.0.2.26\n"));  // the comment stays
  CHECK(line_of(root, "d.example", "mail.d.example.", "A") == 14);         // the lines after it move up
  check_zone(root, "d.example");

  // A host name is given without its trailing period, and given back as it is, it names the same host.
  run_ok(root, {"addzonerecord", "domain=d.example", "name=www", "type=CNAME", "cname=mail.d.example."});
  int www = line_of(root, "d.example", "www.d.example.", "CNAME");
  std::string cname =
      run_ok(root, {"getzonerecord", "domain=d.example", "line=" + std::to_string(www)})["data"]["record"][0]["cname"];
  CHECK(cname == "mail.d.example");
  run_ok(root, {"editzonerecord", "domain=d.example", "line=" + std::to_string(www), "cname=" + cname, "ttl=60"});
  CHECK_THAT(root.file("var/named/d.example.db"), Contains("\nwww\t60\tIN\tCNAME\tmail.d.example.\n"));
  check_zone(root, "d.example");
}

TEST_CASE("mass_edit_dns_zone: new_serial is a string; a failure carries \"data\": null",
          "[mass_edit_dns_zone][parse_dns_zone]") {
  TempRoot root;
  root.write("var/named/d.example.db", kShapesZone);
  auto edit = run_ok(root, {"mass_edit_dns_zone", "zone=d.example", "serial=2024010100",
                            R"(add={"dname":"new","ttl":300,"record_type":"A","data":["192.0.2.50"]})"});
  REQUIRE(edit["data"]["new_serial"].is_string());
  std::string serial = edit["data"]["new_serial"];
  CHECK_THAT(root.file("var/named/d.example.db"), Contains("\t" + serial + " ;Serial Number\n"));

  // Refused by the handler (a stale serial) and by the parameter checks (none given): "data" is there, null.
  for (const std::vector<std::string>& args :
       {std::vector<std::string>{"mass_edit_dns_zone", "zone=d.example", "serial=2024010100", "remove=14"},
        std::vector<std::string>{"mass_edit_dns_zone", "zone=d.example", "remove=14"},
        std::vector<std::string>{"parse_dns_zone", "zone=nosuch.example"}}) {
    expect_refused(root, args, "");
    auto failed = run(root, args).json();
    INFO(failed.dump());
    CHECK(failed.contains("data"));
    CHECK(failed["data"].is_null());
  }
  // Other DNS functions fail without "data", as their reference samples show none.
  auto other = run(root, {"removezonerecord", "zone=d.example", "line=1"}).json();
  CHECK(other["metadata"]["result"] == 0);
  CHECK_FALSE(other.contains("data"));
}

TEST_CASE("update_nameservers_config sets wwwacct.conf's NS lines and keeps the others",
          "[update_nameservers_config]") {
  TempRoot root;
  root.write("etc/wwwacct.conf", "ADDR 192.0.2.10\nNS ns1.old.example\nCONTACTEMAIL a@b.example\n");
  run_ok(root, {"update_nameservers_config", "nameserver=ns1.new.example", "nameserver3=ns3.new.example"});
  CHECK(root.file("etc/wwwacct.conf") ==
        "ADDR 192.0.2.10\nNS ns1.new.example\nCONTACTEMAIL a@b.example\nNS3 ns3.new.example\n");
  CHECK(run_ok(root, {"get_nameserver_config"})["data"]["nameservers"][0] == "ns1.new.example");
  auto before = snapshot(root);
  expect_refused(root, {"update_nameservers_config", "nameserver2=not a host"}, "“nameserver2”");
  CHECK(snapshot(root) == before);
}

TEST_CASE("export_zone_files gives each zone file as it is, in base64", "[export_zone_files]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  create_account(root, "amy", "amy.example");
  auto r = run_ok(root, {"export_zone_files", "zone=bob.example", "zone=amy.example"});
  REQUIRE(r["data"]["payload"].size() == 2);
  CHECK(r["data"]["payload"][0]["zone"] == "bob.example");
  std::string b64 = r["data"]["payload"][1]["text_b64"];
  root.write("b64.txt", b64);
  auto plain = run_program({"/usr/bin/base64", "-d", root.path + "/b64.txt"});
  CHECK(plain.out == root.file("var/named/amy.example.db"));
  expect_refused(root, {"export_zone_files", "zone=bob.example", "zone=none.example"},
                 "The zone “none.example” does not exist.");
}

TEST_CASE("is_alias_available: ALIAS needs PowerDNS with a resolver", "[is_alias_available]") {
  TempRoot root;
  CHECK(run_ok(root, {"is_alias_available"})["data"] ==
        nlohmann::json::parse(R"({"alias":0,"aname":0,"resolver":null})"));
  root.write("var/cpanel/cpanel.config", "local_nameserver_type=powerdns\n");
  root.write("etc/pdns/pdns.conf", "launch=bind\nresolver=8.8.8.8\n");
  CHECK(run_ok(root, {"is_alias_available"})["data"] ==
        nlohmann::json::parse(R"({"alias":1,"aname":0,"resolver":"8.8.8.8"})"));
}

TEST_CASE("updateuserdomains rebuilds /etc/userdomains from the accounts", "[updateuserdomains]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  std::string good = root.file("etc/userdomains");
  root.write("etc/userdomains", "stale.example: nobody\n");
  run_ok(root, {"updateuserdomains"});
  CHECK(root.file("etc/userdomains") == good);
  expect_refused(root, {"--user=bob", "updateuserdomains"}, "");
}
