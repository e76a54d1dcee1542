// DNSSEC functions on a temporary root: the keys (BIND's files), the signed
// zone and its named.conf stanza, the answers; DS digests checked against
// BIND's dnssec-dsfromkey. tests/shell/test_dnssec.sh proves a validating
// resolver accepts what named then serves.
#include <sys/stat.h>
#include <catch2/catch.hpp>

#include "harness.hpp"

using namespace test;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

namespace {

const char* kZone = "sec.example";
const std::string kDir = "var/cpanel/dnssec/sec.example";

nlohmann::json keys_of(const TempRoot& root, const std::string& zone = kZone) {
  auto r = run_ok(root, {"fetch_ds_records_for_domains", "domain=" + zone});
  return r["data"]["domains"][0]["ds_records"]["keys"];
}

// The key of `type` ("KSK"...) in fetch_ds_records_for_domains's answer.
nlohmann::json key_of_type(const TempRoot& root, const std::string& type) {
  const auto keys = keys_of(root);
  for (const auto& [tag, k] : keys.items())
    if (k["key_type"] == type) return k;
  return nullptr;
}

std::string key_file(const TempRoot& root, const nlohmann::json& k, const char* ext) {
  char buf[32];
  snprintf(buf, sizeof buf, ".+%03d+%05d", k["algo_num"].get<int>(), k["key_tag"].get<int>());
  return root.file(kDir + "/K" + kZone + buf + ext);
}

void enable(const TempRoot& root, std::vector<std::string> extra = {}) {
  std::vector<std::string> args = {"enable_dnssec_for_domains", std::string("domain=") + kZone, "algo_num=13"};
  args.insert(args.end(), extra.begin(), extra.end());
  run_ok(root, args);
}

void check_signed_zone(const TempRoot& root) {
  auto r = run_program({"/usr/bin/named-checkzone", kZone, root.path + "/var/named/" + kZone + ".db.signed"});
  INFO(r.out << r.err);
  CHECK(r.status == 0);
}

}  // namespace

TEST_CASE("enable_dnssec_for_domains makes a KSK and a ZSK, signs the zone and serves the signed file", "[dnssec]") {
  TempRoot root;
  create_account(root, "sec", kZone);
  auto r = run_ok(root, {"enable_dnssec_for_domains", "domain=sec.example", "algo_num=13", "nsec3_salt=ABCD"});
  CHECK(r["data"]["domains"] ==
        nlohmann::json::parse(R"([{"domain":"sec.example","enabled":1,"new_key_id":"2","nsec_version":"NSEC3"}])"));
  CHECK(root.file(kDir + "/dnssec.conf")
            .find("nsec3_iterations=7\nnsec3_narrow=1\nnsec3_opt_out=0\nnsec3_salt=abcd\n"
                  "nsec_version=NSEC3\n") != std::string::npos);
  CHECK_THAT(root.file(kDir + "/dnssec.conf"), StartsWith("key_1=KSK Ksec.example.+013+"));
  CHECK_THAT(root.file("etc/named.conf"), Contains("file \"/var/named/sec.example.db.signed\";"));
  check_signed_zone(root);
  CHECK_THAT(root.file("var/named/sec.example.db.signed"), Contains("NSEC3PARAM"));

  auto ksk = key_of_type(root, "KSK"), zsk = key_of_type(root, "ZSK");
  REQUIRE(ksk.is_object());
  REQUIRE(zsk.is_object());
  CHECK(ksk["key_id"] == 1);
  CHECK(ksk["flags"] == 257);
  CHECK(ksk["active"] == 1);
  CHECK(ksk["algo_tag"] == "ECDSAP256SHA256");
  CHECK(ksk["algo_desc"] == "ECDSA Curve P-256 with SHA-256");
  CHECK(ksk["bits"] == 256);
  CHECK(zsk["flags"] == 256);
  CHECK(zsk["digests"].empty());
  CHECK_THAT(ksk["privatekey"].get<std::string>(), StartsWith("Private-key-format: v1.3\nAlgorithm: 13"));
  // The digests are BIND's.
  std::string pub = key_file(root, ksk, ".key");
  root.write("tmp-ksk.key", pub);
  auto ds = run_program({"/usr/bin/dnssec-dsfromkey", "-2", root.path + "/tmp-ksk.key"});
  CHECK_THAT(ds.out, Contains(std::to_string(ksk["key_tag"].get<int>()) + " 13 2 "));
  std::string sha256 = ksk["digests"][1]["digest"];
  for (auto& c : sha256) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
  CHECK_THAT(ds.out, Contains(sha256));
  CHECK(ksk["digests"][0]["algo_desc"] == "SHA-1");
  CHECK(ksk["digests"][2]["digest"].get<std::string>().size() == 96);

  struct stat st;
  REQUIRE(stat((root.path + "/" + kDir + "/dnssec.conf").c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);

  // A record added later is signed too.
  run_ok(root, {"addzonerecord", "domain=sec.example", "name=late", "type=A", "address=192.0.2.44"});
  CHECK_THAT(root.file("var/named/sec.example.db.signed"), Contains("192.0.2.44"));
  check_signed_zone(root);

  // Enabled already: nothing changes.
  auto before = snapshot(root);
  auto again = run_ok(root, {"enable_dnssec_for_domains", "domain=sec.example"});
  CHECK(again["data"]["domains"][0]["enabled"] == 0);
  CHECK(snapshot(root) == before);
}

TEST_CASE("enable_dnssec_for_domains: bad input changes nothing", "[dnssec]") {
  TempRoot root;
  create_account(root, "sec", kZone);
  auto before = snapshot(root);
  expect_refused(root, {"enable_dnssec_for_domains", "domain=sec.example", "domain=none.example"},
                 "The zone “none.example” does not exist.");
  expect_refused(root, {"enable_dnssec_for_domains", "domain=sec.example", "nsec3_iterations=200"},
                 "BIND signs with at most 150 NSEC3 iterations.");
  expect_refused(root, {"enable_dnssec_for_domains", "domain=sec.example", "nsec3_salt=xyz"}, "nsec3_salt");
  expect_refused(root, {"enable_dnssec_for_domains", "domain=sec.example", "algo_num=6"}, "DSA");
  expect_refused(root, {"enable_dnssec_for_domains", "domain=sec.example", "algo_num=9"}, "algo_num");
  CHECK(snapshot(root) == before);
}

TEST_CASE("key_setup=simple makes one CSK; algorithm 5 keeps NSEC and says why", "[dnssec]") {
  TempRoot root;
  create_account(root, "sec", kZone);
  create_account(root, "old", "old.example");
  enable(root, {"key_setup=simple", "use_nsec3=0"});
  auto keys = keys_of(root);
  REQUIRE(keys.size() == 1);
  CHECK(keys.begin().value()["key_type"] == "CSK");
  CHECK(keys.begin().value()["flags"] == 257);
  check_signed_zone(root);
  auto r = run_ok(root, {"enable_dnssec_for_domains", "domain=old.example", "algo_num=5"});
  CHECK(r["data"]["domains"][0]["nsec_version"] == "NSEC");
  CHECK_THAT(r["data"]["domains"][0]["nsec_error"].get<std::string>(), Contains("algorithm 5 (RSASHA1)"));
  const auto old_keys = keys_of(root, "old.example");
  for (const auto& [tag, k] : old_keys.items()) CHECK(k["bits"] == (k["key_type"] == "KSK" ? 2048 : 1024));
}

TEST_CASE("add, deactivate, activate and remove a zone key", "[dnssec]") {
  TempRoot root;
  create_account(root, "sec", kZone);
  enable(root);
  auto r =
      run_ok(root, {"add_zone_key", "domain=sec.example", "algo_num=8", "key_type=zsk", "key_size=2048", "active=0"});
  CHECK(r["data"] == nlohmann::json::parse(R"({"new_key_id":"3"})"));
  auto keys = keys_of(root);
  CHECK(keys.size() == 3);
  for (const auto& [tag, k] : keys.items())
    if (k["key_id"] == 3) {
      CHECK(k["active"] == 0);
      CHECK(k["bits"] == 2048);
      CHECK(k["algo_tag"] == "RSASHA256");
    }

  run_ok(root, {"deactivate_zone_key", "domain=sec.example", "key_id=1"});
  CHECK(key_of_type(root, "KSK")["active"] == 0);
  CHECK_THAT(key_file(root, key_of_type(root, "KSK"), ".private"), Contains("\nInactive: "));
  run_ok(root, {"activate_zone_key", "domain=sec.example", "key_id=1"});
  CHECK(key_of_type(root, "KSK")["active"] == 1);
  CHECK(key_file(root, key_of_type(root, "KSK"), ".private").find("Inactive") == std::string::npos);
  check_signed_zone(root);

  auto zsk = key_of_type(root, "ZSK");
  run_ok(root, {"remove_zone_key", "domain=sec.example", "key_id=3"});
  CHECK(keys_of(root).size() == 2);
  CHECK(root.file(kDir + "/dnssec.conf").find("key_3") == std::string::npos);
  CHECK_THAT(root.file(kDir + "/dnssec.conf"), Contains("next_key_id=4"));

  auto before = snapshot(root);
  expect_refused(root, {"remove_zone_key", "domain=sec.example", "key_id=3"},
                 "The zone “sec.example” has no DNSSEC key with the ID 3.");
  expect_refused(root, {"add_zone_key", "domain=sec.example", "algo_num=13", "key_type=KSK"}, "key_type");
  expect_refused(root, {"add_zone_key", "domain=sec.example", "algo_num=13", "key_type=ksk", "key_size=2048"},
                 "key_size");
  CHECK(snapshot(root) == before);

  // Every key inactive: served unsigned.
  run_ok(root, {"deactivate_zone_key", "domain=sec.example", "key_id=1"});
  run_ok(root, {"deactivate_zone_key", "domain=sec.example", "key_id=2"});
  CHECK_FALSE(root.exists("var/named/sec.example.db.signed"));
  CHECK_THAT(root.file("etc/named.conf"), Contains("file \"/var/named/sec.example.db\";"));
}

TEST_CASE("export_zone_key and import_zone_key carry a key to another zone", "[dnssec]") {
  TempRoot root;
  create_account(root, "sec", kZone);
  create_account(root, "two", "two.example");
  enable(root);
  run_ok(root, {"add_zone_key", "domain=sec.example", "algo_num=8", "key_type=ksk", "key_size=1024"});
  for (int id : {1, 3}) {
    auto exported = run_ok(root, {"export_zone_key", "domain=sec.example", "key_id=" + std::to_string(id)});
    CHECK(exported["data"]["success"] == 1);
    CHECK(exported["data"]["key_type"] == "KSK");
    auto imported = run_ok(root, {"import_zone_key", "domain=two.example", "key_type=ksk",
                                  "key_data=" + exported["data"]["key_content"].get<std::string>()});
    int new_id = imported["data"]["import_key_id"];
    auto ours = run_ok(root, {"export_zone_dnskey", "domain=sec.example", "key_id=" + std::to_string(id)});
    auto theirs = run_ok(root, {"export_zone_dnskey", "domain=two.example", "key_id=" + std::to_string(new_id)});
    CHECK(ours["data"]["dnskey"] == theirs["data"]["dnskey"]);  // the public key computed from the private one
    CHECK(theirs["data"]["key_id"] == new_id);
  }
  CHECK_THAT(root.file("etc/named.conf"), Contains("two.example.db.signed"));
  auto r = run_program({"/usr/bin/named-checkzone", "two.example", root.path + "/var/named/two.example.db.signed"});
  CHECK(r.status == 0);

  // The reference's example key (ECDSA P-256).
  auto imported = run_ok(root, {"import_zone_key", "domain=two.example", "key_type=zsk",
                                "key_data=Private-key-format: v1.2\nAlgorithm: 13 (ECDSAP256SHA256)\n"
                                "PrivateKey: xCM281KtWE9oCsUX8fP1hDZ02/X7JCjp4QZA/DZjfX0=\n\n"});
  CHECK(imported["data"]["import_key_id"] == 3);
  // BIND leaves out a private number's leading zero bytes (one key in 256):
  // 31 bytes are the same key as 32 with a zero first.
  auto short_key = run_ok(root, {"import_zone_key", "domain=two.example", "key_type=zsk",
                                 "key_data=Private-key-format: v1.3\nAlgorithm: 13 (ECDSAP256SHA256)\n"
                                 "PrivateKey: JelAG4MaysypMjs/iJelrkTeH4OPl7cItG6sd9VbLg==\n"});
  CHECK(short_key["data"]["import_key_id"] == 4);

  auto before = snapshot(root);
  expect_refused(root, {"import_zone_key", "domain=two.example", "key_type=zsk", "key_data=PrivateKey: AAAA"},
                 "Private-key-format");
  expect_refused(root,
                 {"import_zone_key", "domain=two.example", "key_type=zsk",
                  "key_data=Private-key-format: v1.2\nAlgorithm: 14\nPrivateKey: " + std::string(68, 'A') + "\n"},
                 "not a 384-bit key");
  expect_refused(root,
                 {"import_zone_key", "domain=two.example", "key_type=zsk",
                  "key_data=Private-key-format: v1.2\nAlgorithm: 13\nPrivateKey: AAAA\n"},
                 "not a key on the algorithm's curve");
  expect_refused(root, {"export_zone_key", "domain=two.example", "key_id=99"}, "no DNSSEC key with the ID 99");
  CHECK(snapshot(root) == before);
}

TEST_CASE("set_nsec3_for_domains and unset_nsec3_for_domains", "[dnssec]") {
  TempRoot root;
  create_account(root, "sec", kZone);
  create_account(root, "plain", "plain.example");
  enable(root, {"use_nsec3=0"});
  auto details = [&] {
    auto r = run_ok(root, {"fetch_ds_records_for_domains", "domain=sec.example"});
    return r["data"]["domains"][0]["ds_records"]["nsec_details"];
  };
  CHECK(details() == nlohmann::json::parse(R"({"nsec_version":"NSEC"})"));
  auto r = run_ok(root, {"set_nsec3_for_domains", "domain=sec.example", "domain=plain.example", "nsec3_iterations=3",
                         "nsec3_narrow=0", "nsec3_opt_out=1", "nsec3_salt=1a2b3c4d5e6f"});
  CHECK(r["data"]["domains"][0] == nlohmann::json::parse(R"({"domain":"sec.example","enabled":1})"));
  CHECK(r["data"]["domains"][1]["enabled"] == 0);
  CHECK(r["data"]["domains"][1]["error"] == "DNSSEC is not enabled on “plain.example”.");
  CHECK(details() == nlohmann::json::parse(R"({"nsec3_hash_algo_desc":"SHA-1","nsec3_hash_algo_num":1,
      "nsec3_iterations":3,"nsec3_narrow":0,"nsec3_opt_out":1,"nsec3_salt":"1a2b3c4d5e6f","nsec_version":"NSEC3"})"));
  CHECK_THAT(root.file("var/named/sec.example.db.signed"), Contains("NSEC3PARAM 1 0 3 1A2B3C4D5E6F"));
  check_signed_zone(root);
  r = run_ok(root, {"unset_nsec3_for_domains", "domain=sec.example"});
  CHECK(r["data"]["domains"][0] == nlohmann::json::parse(R"({"disabled":1,"domain":"sec.example"})"));
  CHECK(details() == nlohmann::json::parse(R"({"nsec_version":"NSEC"})"));
  CHECK(root.file("var/named/sec.example.db.signed").find("NSEC3PARAM") == std::string::npos);

  auto before = snapshot(root);
  expect_refused(
      root, {"set_nsec3_for_domains", "domain=sec.example", "nsec3_iterations=3", "nsec3_narrow=0", "nsec3_opt_out=0"},
      "nsec3_salt");
  CHECK(snapshot(root) == before);
}

TEST_CASE("disable_dnssec_for_domains, killdns and removeacct take the keys away", "[dnssec]") {
  TempRoot root;
  create_account(root, "sec", kZone);
  enable(root);
  auto r = run_ok(root, {"disable_dnssec_for_domains", "domain=sec.example"});
  CHECK(r["data"]["domains"] == nlohmann::json::parse(R"([{"disabled":1,"domain":"sec.example"}])"));
  CHECK_FALSE(root.exists(kDir));
  CHECK_FALSE(root.exists("var/named/sec.example.db.signed"));
  CHECK_THAT(root.file("etc/named.conf"), Contains("file \"/var/named/sec.example.db\";"));
  CHECK(run_ok(root, {"disable_dnssec_for_domains", "domain=sec.example"})["data"]["domains"][0]["disabled"] == 0);
  CHECK(keys_of(root).is_null());

  // A zone of no account.
  run_ok(root, {"adddns", "domain=loose.example", "ip=192.0.2.7"});
  run_ok(root, {"enable_dnssec_for_domains", "domain=loose.example", "algo_num=13"});
  REQUIRE(root.exists("var/cpanel/dnssec/loose.example/dnssec.conf"));
  run_ok(root, {"killdns", "domain=loose.example"});
  CHECK_FALSE(root.exists("var/cpanel/dnssec/loose.example"));
  CHECK_FALSE(root.exists("var/named/loose.example.db.signed"));
  CHECK(root.file("etc/named.conf").find("loose.example") == std::string::npos);

  create_account(root, "gone", "gone.example");
  run_ok(root, {"enable_dnssec_for_domains", "domain=gone.example", "algo_num=13"});
  REQUIRE(root.exists("var/cpanel/dnssec/gone.example/dnssec.conf"));
  run_ok(root, {"removeacct", "username=gone"});
  CHECK_FALSE(root.exists("var/cpanel/dnssec/gone.example"));
  CHECK_FALSE(root.exists("var/named/gone.example.db.signed"));
  expect_check_clean(root);
}

TEST_CASE("pkgacct archives the keys and a restore signs the zone with the same keys", "[dnssec][restore]") {
  TempRoot root;
  create_account(root, "sec", kZone);
  enable(root, {"use_nsec3=0"});
  run_ok(root, {"deactivate_zone_key", "domain=sec.example", "key_id=2"});
  const std::string conf = root.file(kDir + "/dnssec.conf");
  const auto keys_before = keys_of(root);
  run_ok(root, {"start_background_pkgacct", "user=sec"});
  run_ok(root, {"removeacct", "user=sec"});
  REQUIRE_FALSE(root.exists(kDir));

  auto restored = run_ok(root, {"start_local_cpmove_restore", "cpmovepath=/home/cpmove-sec.tar.gz"});
  INFO(restored.dump());
  REQUIRE(restored["metadata"]["result"] == 1);
  CHECK(root.file(kDir + "/dnssec.conf") == conf);
  CHECK(keys_of(root) == keys_before);  // the same keys, IDs and states: the registrar's DS stays valid
  CHECK_THAT(root.file("etc/named.conf"), Contains("file \"/var/named/sec.example.db.signed\";"));
  check_signed_zone(root);
  expect_check_clean(root);
}

TEST_CASE("a new main domain starts unsigned; whmkit-check warns before signatures expire", "[dnssec][rename][check]") {
  TempRoot root;
  create_account(root, "sec", kZone);
  enable(root);
  auto r = run_ok(root, {"modifyacct", "user=sec", "domain=renamed.example"});
  CHECK_FALSE(root.exists(kDir));
  CHECK_FALSE(root.exists("var/named/sec.example.db.signed"));
  CHECK_THAT(root.file("etc/named.conf"), Contains("file \"/var/named/renamed.example.db\";"));
  expect_check_clean(root);

  run_ok(root, {"enable_dnssec_for_domains", "domain=renamed.example", "algo_num=13"});
  expect_check_clean(root);  // signed just now: 180 days to go
  // Signatures about to expire (a zone left unchanged for months).
  std::string text = root.file("var/named/renamed.example.db.signed");
  auto at = text.find("RRSIG\tA ");
  REQUIRE(at != std::string::npos);
  auto expiry = text.find_first_of("0123456789", text.find("(", at) + 1);
  text.replace(expiry, 14, "20200101000000");
  root.write("var/named/renamed.example.db.signed", text);
  auto check = run_program({WHMKIT_CHECK_PATH, "--root=" + root.path});
  CHECK(check.status != 0);
  CHECK_THAT(check.out, Contains("The DNSSEC signatures of renamed.example expire on 2020-01-01 00:00 UTC"));
}
