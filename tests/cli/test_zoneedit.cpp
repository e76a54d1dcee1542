// DNS for a cPanel account: UAPI DNS, API 2 ZoneEdit and API 2 Email's MX
// functions, on the account's own zones only.
#include <catch2/catch.hpp>
#include <map>

#include "base64.hpp"
#include "harness.hpp"

using Catch::Matchers::Contains;
using test::api2_data;
using test::cpanel_error;
using test::create_account;
using test::expect_cpanel_refused;
using test::run;
using test::run_cpanel;
using test::run_ok;
using test::snapshot;
using test::TempRoot;
using test::uapi_ok;

namespace {

// What a base64 field of the line model holds.
std::string decode64(const nlohmann::json& field) { return whm::base64_decode(field.get<std::string>()).value(); }

// The SOA serial parse_zone gives (its third data item), as a client reads it.
long serial_of(const nlohmann::json& parsed) {
  for (const auto& item : parsed)
    if (item.value("record_type", "") == "SOA") return std::stol(decode64(item["data_b64"][2]));
  FAIL("no SOA in the parsed zone");
  return 0;
}

std::string zone_file(const TempRoot& root, const std::string& zone) { return root.file("var/named/" + zone + ".db"); }

// The line fetchzone gives for the record `name` of `type`, or 0.
int line_of(const nlohmann::json& records, const std::string& name, const std::string& type) {
  for (const auto& r : records)
    if (r["name"] == name && r["type"] == type) return r["line"].get<int>();
  return 0;
}

}  // namespace

TEST_CASE("DNS::parse_zone: the line model with base64 names and data", "[zoneedit][uapi_dns]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto env = uapi_ok(root, "bob", {"DNS", "parse_zone", "zone=bob.example"});
  const auto parsed = env["result"]["data"];
  REQUIRE(parsed.is_array());
  CHECK(env["result"]["metadata"]["transformed"] == 1);
  bool soa = false, www = false, comment = false, control = false;
  for (const auto& item : parsed) {
    REQUIRE(item["line_index"].is_number_integer());
    if (item["type"] == "comment") comment = true;
    if (item["type"] == "control") {
      control = true;
      CHECK_THAT(decode64(item["text_b64"]), Contains("$TTL"));
    }
    if (item.value("record_type", "") == "SOA") {
      soa = true;
      CHECK(decode64(item["dname_b64"]) == "bob.example.");  // the apex, absolute
      CHECK(item["data_b64"].size() == 7);
    }
    if (item.value("record_type", "") == "CNAME" && decode64(item["dname_b64"]) == "www") {
      www = true;  // below the apex: relative, as the file writes it
      CHECK(decode64(item["data_b64"][0]) == "bob.example.");
    }
  }
  CHECK((soa && www && comment && control));
  // The line index is the file's line less one.
  std::string text = zone_file(root, "bob.example");
  CHECK(parsed[0]["line_index"] == 0);
  CHECK_THAT(text.substr(0, text.find('\n')), Contains(decode64(parsed[0]["text_b64"])));

  SECTION("another account's zone, an unknown zone and bad names are refused") {
    create_account(root, "eve", "eve.example");
    expect_cpanel_refused(root, "uapi", "eve", {"DNS", "parse_zone", "zone=bob.example"}, "does not belong");
    expect_cpanel_refused(root, "uapi", "bob", {"DNS", "parse_zone", "zone=nosuch.example"}, "does not belong");
    expect_cpanel_refused(root, "uapi", "bob", {"DNS", "parse_zone"}, "zone");
  }
}

TEST_CASE("DNS::mass_edit_zone adds, edits and removes by line index, and returns the new serial",
          "[zoneedit][uapi_dns][mass_edit_zone]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  const auto parsed = uapi_ok(root, "bob", {"DNS", "parse_zone", "zone=bob.example"})["result"]["data"];
  long serial = serial_of(parsed);
  int www_index = -1, ftp_index = -1;
  for (const auto& item : parsed) {
    if (item.value("record_type", "") != "CNAME" && item.value("record_type", "") != "A") continue;
    std::string name = decode64(item["dname_b64"]);
    if (name == "www") www_index = item["line_index"];
    if (name == "ftp") ftp_index = item["line_index"];
  }
  REQUIRE(www_index > 0);
  REQUIRE(ftp_index > 0);

  auto env = uapi_ok(root, "bob",
                     {"DNS", "mass_edit_zone", "zone=bob.example", "serial=" + std::to_string(serial),
                      R"(add={"dname":"_acme-challenge","ttl":300,"record_type":"TXT","data":["token-1"]})",
                      R"(add={"dname":"api.bob.example.","ttl":600,"record_type":"A","data":["192.0.2.7"]})",
                      R"(edit={"line_index":)" + std::to_string(www_index) +
                          R"(,"dname":"www","ttl":1200,"record_type":"CNAME","data":["api.bob.example"]})",
                      "remove=" + std::to_string(ftp_index)});
  auto new_serial = env["result"]["data"]["new_serial"];
  REQUIRE(new_serial.is_string());  // as real servers send it, and clients (lego) decode it
  CHECK(std::stol(new_serial.get<std::string>()) > serial);
  std::string text = zone_file(root, "bob.example");
  CHECK_THAT(text, Contains("_acme-challenge\t300\tIN\tTXT\t\"token-1\"\n"));
  CHECK_THAT(text, Contains("api\t600\tIN\tA\t192.0.2.7\n"));
  CHECK_THAT(text, Contains("www\t1200\tIN\tCNAME\tapi.bob.example.\n"));
  CHECK(text.find("\nftp\t") == std::string::npos);
  // parse_zone gives the serial mass_edit_zone returned.
  CHECK(serial_of(uapi_ok(root, "bob", {"DNS", "parse_zone", "zone=bob.example"})["result"]["data"]) ==
        std::stol(new_serial.get<std::string>()));

  SECTION("bad items refuse the whole call and change nothing") {
    std::string current = new_serial.get<std::string>();
    expect_cpanel_refused(root, "uapi", "bob",
                          {"DNS", "mass_edit_zone", "zone=bob.example", "serial=" + current, "add=notjson"},
                          "not JSON");
    expect_cpanel_refused(root, "uapi", "bob",
                          {"DNS", "mass_edit_zone", "zone=bob.example", "serial=" + current,
                           R"(add={"dname":"ok","ttl":300,"record_type":"A","data":["192.0.2.8"]})",
                           R"(add={"dname":"evil.other.example.","ttl":300,"record_type":"A","data":["192.0.2.9"]})"},
                          "dname");
    expect_cpanel_refused(root, "uapi", "bob",
                          {"DNS", "mass_edit_zone", "zone=bob.example", "serial=" + current,
                           "add={\"dname\":\"x\",\"ttl\":300,\"record_type\":\"TXT\",\"data\":[\"a\\nb\"]}"},
                          "");
    expect_cpanel_refused(root, "uapi", "bob",
                          {"DNS", "mass_edit_zone", "zone=bob.example", "serial=" + current, "remove=-1"},
                          "line index");
    expect_cpanel_refused(root, "uapi", "bob", {"DNS", "mass_edit_zone", "zone=bob.example", "serial=abc"}, "serial");
  }
}

TEST_CASE("two ACME clients with the same serial: the second is refused and no record is lost",
          "[zoneedit][uapi_dns][mass_edit_zone][serial]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  // Both clients read the zone before either writes.
  long serial = serial_of(uapi_ok(root, "bob", {"DNS", "parse_zone", "zone=bob.example"})["result"]["data"]);
  auto add = [&](const std::string& token, long s) {
    return run_cpanel(root, "uapi", "bob",
                      {"DNS", "mass_edit_zone", "zone=bob.example", "serial=" + std::to_string(s),
                       R"(add={"dname":"_acme-challenge","ttl":60,"record_type":"TXT","data":[")" + token + R"("]})"});
  };
  auto first = add("first-token", serial);
  REQUIRE(first.json()["result"]["status"] == 1);

  auto before = snapshot(root);
  auto second = add("second-token", serial);
  REQUIRE(second.status == 0);
  auto j = second.json();
  CHECK(j["result"]["status"] == 0);
  CHECK(j["result"]["data"].is_null());
  CHECK_THAT(cpanel_error(j), Contains("has changed") && Contains(std::to_string(serial)));
  CHECK(snapshot(root) == before);  // nothing written

  // The second client reads again and retries: both records are there.
  long fresh = serial_of(uapi_ok(root, "bob", {"DNS", "parse_zone", "zone=bob.example"})["result"]["data"]);
  CHECK(fresh > serial);
  REQUIRE(add("second-token", fresh).json()["result"]["status"] == 1);
  std::string text = zone_file(root, "bob.example");
  CHECK_THAT(text, Contains("\"first-token\""));
  CHECK_THAT(text, Contains("\"second-token\""));
}

TEST_CASE("DNS::has_local_authority and DNS::lookup, for the account's own domains",
          "[zoneedit][uapi_dns][has_local_authority][lookup]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto data = uapi_ok(root, "bob", {"DNS", "has_local_authority", "domain=bob.example"})["result"]["data"];
  REQUIRE(data.size() == 1);
  CHECK(data[0]["domain"] == "bob.example");
  CHECK(data[0]["local_authority"] == 1);
  CHECK(data[0]["zone"] == "bob.example");
  CHECK(data[0]["nameservers"].size() >= 1);
  CHECK_FALSE(data[0].contains("error"));  // sent only when the check fails
  expect_cpanel_refused(root, "uapi", "bob", {"DNS", "has_local_authority", "domain=example.org"}, "does not belong");
  expect_cpanel_refused(root, "uapi", "bob", {"DNS", "lookup", "domain=example.org"}, "does not belong");
  expect_cpanel_refused(root, "uapi", "bob", {"DNS", "lookup"}, "domain");
  // The lookup itself asks the system resolver; on a machine without DNS it
  // fails with the resolver's reason, never with a made-up answer.
  auto looked = run_cpanel(root, "uapi", "bob", {"DNS", "lookup", "domain=bob.example"});
  REQUIRE(looked.status == 0);
  auto j = looked.json();
  if (j["result"]["status"] == 1)
    CHECK(j["result"]["data"].is_array());
  else
    CHECK_THAT(cpanel_error(j), Contains("bob.example"));
}

TEST_CASE("ZoneEdit: fetchzone, fetchzone_records, fetchzones", "[zoneedit][api2_zoneedit]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto fetched = api2_data(root, "bob", {"ZoneEdit", "fetchzone", "domain=bob.example"});
  REQUIRE(fetched.size() == 1);
  CHECK(fetched[0]["status"] == 1);
  REQUIRE(fetched[0]["serialnum"].is_string());
  const auto records = fetched[0]["record"];
  int www = line_of(records, "www.bob.example.", "CNAME");
  REQUIRE(www > 0);
  for (const auto& r : records) {
    CHECK(r["line"] == r["Line"]);
    if (r["type"] == "A") CHECK(r["record"] == r["address"]);
  }
  auto only_a = api2_data(root, "bob", {"ZoneEdit", "fetchzone_records", "domain=bob.example", "type=A|MX"});
  REQUIRE(only_a.size() >= 2);
  for (const auto& r : only_a) CHECK((r["type"] == "A" || r["type"] == "MX"));
  auto custom = api2_data(root, "bob", {"ZoneEdit", "fetchzone_records", "domain=bob.example", "customonly=1"});
  for (const auto& r : custom) CHECK((r["type"] != ":RAW" && r["type"] != "SOA" && r["type"] != "$TTL"));

  auto zones = api2_data(root, "bob", {"ZoneEdit", "fetchzones"});
  REQUIRE(zones.size() == 1);
  REQUIRE(zones[0]["zones"].contains("bob.example"));
  std::string text = zone_file(root, "bob.example");
  CHECK(zones[0]["zones"]["bob.example"][0] == text.substr(0, text.find('\n')));

  create_account(root, "eve", "eve.example");
  expect_cpanel_refused(root, "cpapi2", "eve", {"ZoneEdit", "fetchzone", "domain=bob.example"}, "does not belong");
  CHECK_FALSE(api2_data(root, "eve", {"ZoneEdit", "fetchzones"})[0]["zones"].contains("bob.example"));
}

TEST_CASE("ZoneEdit: add, edit and remove a record; resetzone", "[zoneedit][api2_zoneedit]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  std::string serial = api2_data(root, "bob", {"ZoneEdit", "fetchzone", "domain=bob.example"})[0]["serialnum"];
  auto added = api2_data(root, "bob",
                         {"ZoneEdit", "add_zone_record", "domain=bob.example", "name=_acme-challenge", "type=TXT",
                          "txtdata=abc-123", "ttl=60"});
  REQUIRE(added.size() == 1);
  CHECK(added[0]["result"]["status"] == 1);
  REQUIRE(added[0]["result"]["newserial"].is_string());
  CHECK(std::stol(added[0]["result"]["newserial"].get<std::string>()) > std::stol(serial));
  CHECK_THAT(zone_file(root, "bob.example"), Contains("_acme-challenge\t60\tIN\tTXT\t\"abc-123\"\n"));

  const auto records = api2_data(root, "bob", {"ZoneEdit", "fetchzone_records", "domain=bob.example", "type=TXT"});
  int line = line_of(records, "_acme-challenge.bob.example.", "TXT");
  REQUIRE(line > 0);
  api2_data(root, "bob",
            {"ZoneEdit", "edit_zone_record", "domain=bob.example", "Line=" + std::to_string(line), "txtdata=def-456"});
  CHECK_THAT(zone_file(root, "bob.example"), Contains("_acme-challenge\t60\tIN\tTXT\t\"def-456\"\n"));

  SECTION("bad input is refused and changes nothing") {
    expect_cpanel_refused(
        root, "cpapi2", "bob",
        {"ZoneEdit", "add_zone_record", "domain=bob.example", "name=x", "type=A", "address=not-an-ip"}, "address");
    expect_cpanel_refused(root, "cpapi2", "bob",
                          {"ZoneEdit", "add_zone_record", "domain=bob.example", "name=evil.other.example.", "type=A",
                           "address=192.0.2.1"},
                          "name");
    expect_cpanel_refused(root, "cpapi2", "bob",
                          {"ZoneEdit", "add_zone_record", "domain=bob.example", "type=A", "address=192.0.2.1"}, "name");
    expect_cpanel_refused(root, "cpapi2", "bob", {"ZoneEdit", "remove_zone_record", "domain=bob.example", "line=9999"},
                          "9999");
    expect_cpanel_refused(root, "cpapi2", "bob", {"ZoneEdit", "remove_zone_record", "domain=bob.example"}, "line");
  }
  SECTION("remove, then reset") {
    api2_data(root, "bob", {"ZoneEdit", "remove_zone_record", "domain=bob.example", "line=" + std::to_string(line)});
    CHECK(zone_file(root, "bob.example").find("_acme-challenge") == std::string::npos);
    api2_data(root, "bob",
              {"ZoneEdit", "add_zone_record", "domain=bob.example", "name=extra", "type=A", "address=192.0.2.99"});
    auto reset = api2_data(root, "bob", {"ZoneEdit", "resetzone", "domain=bob.example"});
    CHECK(reset[0]["result"]["status"] == 1);
    CHECK(zone_file(root, "bob.example").find("extra") == std::string::npos);
  }
}

TEST_CASE("zoneedit and changemx features gate the changes; reading needs neither", "[zoneedit][features]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  run_ok(root, {"add_override_features_for_user", "user=bob", R"(features={"zoneedit":0,"changemx":0})"});
  expect_cpanel_refused(root, "uapi", "bob", {"DNS", "parse_zone", "zone=bob.example"},
                        "You do not have the feature “zoneedit”.");
  expect_cpanel_refused(root, "uapi", "bob", {"DNS", "mass_edit_zone", "zone=bob.example", "serial=1"},
                        "You do not have the feature “zoneedit”.");
  expect_cpanel_refused(root, "cpapi2", "bob",
                        {"ZoneEdit", "add_zone_record", "domain=bob.example", "name=x", "type=A", "address=192.0.2.1"},
                        "You do not have the feature “zoneedit”.");
  expect_cpanel_refused(root, "cpapi2", "bob", {"Email", "addmx", "domain=bob.example", "exchange=mx.example"},
                        "You do not have the feature “changemx”.");
  api2_data(root, "bob", {"ZoneEdit", "fetchzone_records", "domain=bob.example"});
  api2_data(root, "bob", {"Email", "listmx", "domain=bob.example"});
  uapi_ok(root, "bob", {"DNS", "has_local_authority", "domain=bob.example"});

  // WHM's passthrough runs the call as the account, with its features.
  auto through = run(root, {"cpanel", "cpanel_jsonapi_user=bob", "cpanel_jsonapi_module=ZoneEdit",
                            "cpanel_jsonapi_func=add_zone_record", "cpanel_jsonapi_apiversion=2", "domain=bob.example",
                            "name=x", "type=A", "address=192.0.2.1"});
  REQUIRE(through.status == 0);
  CHECK_THAT(through.out, Contains("You do not have the feature"));
  run_ok(root, {"remove_override_features_for_user", "user=bob", R"(features=["zoneedit"])"});
  auto ok = run_ok(
      root, {"uapi_cpanel", "cpanel.user=bob", "cpanel.module=DNS", "cpanel.function=parse_zone", "zone=bob.example"});
  CHECK(ok["data"]["uapi"]["status"] == 1);
}

TEST_CASE("DNS::is_alias_available answers as WHM's does", "[uapi_dns][is_alias_available]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto bind = uapi_ok(root, "bob", {"DNS", "is_alias_available"})["result"]["data"];
  CHECK(bind == nlohmann::json({{"alias", 0}, {"aname", 0}, {"resolver", nullptr}}));
  CHECK(run_ok(root, {"is_alias_available"})["data"] == bind);
  // PowerDNS with a resolver: ALIAS records work.
  root.write("var/cpanel/cpanel.config", "local_nameserver_type=powerdns\n");
  root.write("etc/pdns/pdns.conf", "launch=bind\nresolver=192.0.2.53\n");
  auto pdns = uapi_ok(root, "bob", {"DNS", "is_alias_available"})["result"]["data"];
  CHECK(pdns == nlohmann::json({{"alias", 1}, {"aname", 0}, {"resolver", "192.0.2.53"}}));
  CHECK(run_ok(root, {"is_alias_available"})["data"] == pdns);
}

TEST_CASE("DNS::swap_ip_in_zones moves the account's A records to a new address", "[uapi_dns][swap_ip_in_zones]") {
  TempRoot root;
  root.write("etc/wwwacct.conf", "ADDR 192.0.2.10\nNS ns1.bob.example\nNS2 ns2.host.example\n");
  create_account(root, "bob", "bob.example", {"maxpark=5"});
  run_ok(root, {"create_parked_domain_for_user", "domain=bob.net", "username=bob", "web_vhost_domain=bob.example"});
  run_ok(root, {"addzonerecord", "domain=bob.example", "name=ns1", "type=A", "address=192.0.2.10"});
  run_ok(root, {"addzonerecord", "domain=bob.example", "name=shop", "type=A", "address=192.0.2.10"});
  run_ok(root, {"addzonerecord", "domain=bob.example", "name=ftp.files", "type=A", "address=192.0.2.10"});
  run_ok(root, {"addzonerecord", "domain=bob.example", "name=other", "type=A", "address=198.51.100.7"});
  const std::string before_net = root.file("var/named/bob.net.db");

  auto r = uapi_ok(root, "bob",
                   {"DNS", "swap_ip_in_zones", "domain=bob.example", "dest_ip=203.0.113.5", "ftp_ip=203.0.113.6"});
  const auto data = r["result"]["data"];
  std::map<std::string, std::string> moved;
  for (const auto& rec : data) {
    CHECK(rec["zone_name"] == "bob.example");
    CHECK(rec["record_type"] == "A");
    CHECK(rec["old_value"] == "192.0.2.10");
    moved[rec["record_name"]] = rec["new_value"];
  }
  CHECK(moved.at("bob.example") == "203.0.113.5");
  CHECK(moved.at("shop.bob.example") == "203.0.113.5");
  CHECK(moved.at("ftp.files.bob.example") == "203.0.113.6");
  CHECK(moved.count("ns1.bob.example") == 0);    // a nameserver is never moved
  CHECK(moved.count("other.bob.example") == 0);  // not the source address
  const std::string zone = root.file("var/named/bob.example.db");
  CHECK(zone.find("192.0.2.10") != std::string::npos);  // the nameserver's record
  CHECK(zone.find("203.0.113.5") != std::string::npos);
  CHECK(zone.find("198.51.100.7") != std::string::npos);
  CHECK(root.file("var/named/bob.net.db") == before_net);  // not named

  // The detected source is now 203.0.113.5; an explicit source that no record holds changes nothing.
  const std::string after = root.file("var/named/bob.example.db");
  auto none = uapi_ok(root, "bob",
                      {"DNS", "swap_ip_in_zones", "domain=bob.example", "dest_ip=203.0.113.9", "source_ip=192.0.2.99"});
  CHECK(none["result"]["data"] == nlohmann::json::array());
  CHECK(root.file("var/named/bob.example.db") == after);

  // Bad input changes nothing.
  expect_cpanel_refused(root, "uapi", "bob", {"DNS", "swap_ip_in_zones", "domain=bob.example", "dest_ip=300.1.1.1"},
                        "“300.1.1.1” is not a valid IPv4 address.");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"DNS", "swap_ip_in_zones", "domain=bob.example", "dest_ip=203.0.113.9", "source_ip=x"},
                        "“x” is not a valid IPv4 address.");
  expect_cpanel_refused(root, "uapi", "bob", {"DNS", "swap_ip_in_zones", "domain=example.org", "dest_ip=203.0.113.9"},
                        "does not belong");
  expect_cpanel_refused(root, "uapi", "bob", {"DNS", "swap_ip_in_zones", "dest_ip=203.0.113.9"}, "domain");
  CHECK(root.file("var/named/bob.example.db") == after);
}

TEST_CASE("DNS::ensure_domains_reside_only_locally asks the resolver for each domain",
          "[uapi_dns][ensure_domains_reside_only_locally]") {
  TempRoot root;
  create_account(root, "bob", "bob.example", {"maxpark=5"});
  run_ok(root, {"create_parked_domain_for_user", "domain=bob.net", "username=bob", "web_vhost_domain=bob.example"});
  expect_cpanel_refused(root, "uapi", "bob", {"DNS", "ensure_domains_reside_only_locally", "domain=example.org"},
                        "does not belong");
  expect_cpanel_refused(root, "uapi", "bob", {"DNS", "ensure_domains_reside_only_locally"}, "domain");
  // The answer comes from the system resolver: one item per domain, in
  // order, null or the reason (these test domains are not on the internet,
  // so a string naming the domain: not registered, or the resolver's failure).
  auto r =
      uapi_ok(root, "bob", {"DNS", "ensure_domains_reside_only_locally", "domain=bob.example", "domain-1=bob.net"});
  const auto data = r["result"]["data"];
  REQUIRE(data.size() == 2);
  REQUIRE(data[0].is_string());
  CHECK_THAT(data[0].get<std::string>(), Contains("bob.example"));
  REQUIRE(data[1].is_string());
  CHECK_THAT(data[1].get<std::string>(), Contains("bob.net"));
}
