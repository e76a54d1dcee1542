// UAPI EmailAuth: DKIM keys and records, SPF and DMARC records, and the
// validate_* checks, on a temporary root (tests/shell/test_dkim.sh proves
// the records with the real named, Exim and a DKIM verifier).
#include <catch2/catch.hpp>

#include "file_checks.hpp"
#include "harness.hpp"

using namespace test;

namespace {

// A 1024-bit RSA key (PKCS#8, as openssl genpkey writes it) and its record's p=.
const std::string kKey1024 = R"(-----BEGIN PRIVATE KEY-----
MIICeQIBADANBgkqhkiG9w0BAQEFAASCAmMwggJfAgEAAoGBAMxeOode3Ph47ox+
nhSWcCVqa5KxUZ4xOiiFEvd5kKR1nKQm6DauUY0wUd4eBBlzBH0JVKnEmqlJdqVs
+q2ObKgdzoXcmbzKuzSaItrbl05VsG0j7MhFAUCv7mBVqInIXKtMl3PnGeRpBGYu
ThSLOwnE3gxHen/effL9Zken5IhDAgMBAAECgYEAlJ1pXovDkQUQJCbnef00LGFJ
PPGpcqpFqrWq50AFyTKl6FFKyIjXUR70Sdv2CzOy7eJdKN+JwNVlbELlwFQz+nbf
4SJe0u+YeiH4yNQvqNweP6aUTF8cnCVy+ESi8/nLumBWhLafTDFzeoGtn4oU8qlW
H+vdkccyU4gUbf20HyECQQD9LLwtjiAXh7MKiqqsafmfKw+zvAbp0xV/L4gHs5xf
EOaMmBlRCTBGE2vAxAD0M85KEPQydD2W/5QC08Vi+A8JAkEAzqYQRqzfFz7BdYmK
ecv7JePPT9UJDz33GKR4zKqXgStCODhPB/b4IxJuzYo963efs5tmY7MhPWI7CmLy
wryj6wJBAKFhVaY4NU6qaj8q+vYiK0MBYOXx0fpUWhyTgMNgAyo6DKvL/D9CeyoA
ESx0BCOlrjZaLj7HB8drrL5MnUKj2nkCQQCkBjX3EzJEriA6nkCW6mzfp1IfSLZX
LdUa7zmfImz9LwvxuegpJ0PP+sqORQNfCmVt15RO4JkqsvSwCtgr8DWfAkEA2ero
iuotp8S416hgL1ig4u63bynmqL+Ux1buxerUk0OOZtHMaffnpCJdicN1W0p5arrI
itXhkBwxUVrE7M7I2Q==
-----END PRIVATE KEY-----
)";
const std::string kKey1024Public =
    "MIGfMA0GCSqGSIb3DQEBAQUAA4GNADCBiQKBgQDMXjqHXtz4eO6Mfp4UlnAlamuSsVGeMToohRL3eZCkdZykJug2rlGNMFHeHgQZcwR9CVSpxJqpSX"
    "albPqtjmyoHc6F3Jm8yrs0miLa25dOVbBtI+zIRQFAr+5gVaiJyFyrTJdz5xnkaQRmLk4UizsJxN4MR3p/3n3y/WZHp+SIQwIDAQAB";
// Too short for DKIM (RFC 8301).
const std::string kKey512 = R"(-----BEGIN PRIVATE KEY-----
MIIBVAIBADANBgkqhkiG9w0BAQEFAASCAT4wggE6AgEAAkEAsPHchupzDtOdkHBm
jNkNhgoonyx+JGhRZMxYehCS+xOfinqiNx6fzgmVD+5DW+Z+kL1fQozXB6xISJN9
XvzJNwIDAQABAkAlgH1e0t3j7JHehRQXEgG9wPVvFvz9NmbZ2D2AUXb1Y48MntzD
3nS1xMvsPfqzXqcUX8igtmRIsuf30euIJPdhAiEA3H/f/RvCulQnRkgO1jJrm3SV
y9G5PWis/LCZpwot9N8CIQDNbtS2YZf4H6hB3DjMDet9R+SLSQjh/v+T8EKc5owe
qQIhAJxfP20Tm+RiO7wW7BaxiSik5Hq4D8NiEZPedglFKdRHAiBhVGM/TZm8mvMS
0Q2vz+CEaK1lOGMW/8ODCc/lmm1EkQIgKtDdswm0+xaE7lt/gdn9u983LrA1d4Lk
yvTqGy+4aok=
-----END PRIVATE KEY-----
)";

nlohmann::json uapi_data(const TempRoot& root, const std::vector<std::string>& args) {
  return uapi_ok(root, "bob", args)["result"]["data"];
}

void make_bob(const TempRoot& root) {
  root.write("etc/group", "root:x:0:\nmail:x:12:\n");
  root.write("etc/wwwacct.conf", "ADDR 203.0.113.7\n");  // the server's address, the account's
  create_account(root, "bob", "bob.example");
}

// The TXT records at a name in bob.example's zone, as the zone file has them (strings joined).
std::vector<std::string> zone_txt(const TempRoot& root, const std::string& name) {
  std::vector<std::string> out;
  const auto dump = run_ok(root, {"dumpzone", "domain=bob.example"});
  for (const auto& rec : dump["data"]["zone"])
    if (rec.value("type", "") == "TXT" && rec.value("name", "") == name) out.push_back(rec["txtdata"]);
  return out;
}

}  // namespace

TEST_CASE("EmailAuth enable_dkim makes a 2048-bit key and publishes it; disable_dkim takes the record away",
          "[emailauth][dkim]") {
  TempRoot root;
  make_bob(root);
  auto data = uapi_data(root, {"EmailAuth", "enable_dkim", "domain=bob.example"});
  REQUIRE(data.size() == 1);
  CHECK(data[0]["domain"] == "bob.example");
  CHECK(data[0]["status"] == 1);
  const std::string msg = data[0]["msg"];
  CHECK(msg.rfind("[ADD:TXT@default._domainkey:v=DKIM1; k=rsa; p=MIIBIjAN", 0) == 0);

  const std::string priv = root.file("var/cpanel/domain_keys/private/bob.example");
  CHECK(priv.rfind("-----BEGIN RSA PRIVATE KEY-----\n", 0) == 0);
  CHECK(root.file("var/cpanel/domain_keys/public/bob.example").rfind("-----BEGIN PUBLIC KEY-----\n", 0) == 0);
  auto st = lstat_of(root, "var/cpanel/domain_keys/private/bob.example");
  CHECK((st.st_mode & 07777) == 0640);
  CHECK(st.st_gid == 12);

  // The record in the zone: one TXT, split into strings of at most 255 bytes as BIND takes it.
  auto txt = zone_txt(root, "default._domainkey.bob.example.");
  REQUIRE(txt.size() == 1);
  CHECK(msg == "[ADD:TXT@default._domainkey:" + txt[0] + "]");
  const std::string zone = root.file("var/named/bob.example.db");
  CHECK_THAT(zone, Catch::Matchers::Contains("default._domainkey\t14400\tIN\tTXT\t\"v=DKIM1; k=rsa; p="));
  CHECK_THAT(zone, Catch::Matchers::Contains("\" \""));

  // Again: nothing to change, the key stays.
  data = uapi_data(root, {"EmailAuth", "enable_dkim", "domain=bob.example"});
  CHECK(data[0]["msg"] == "[no changes needed]");
  CHECK(root.file("var/cpanel/domain_keys/private/bob.example") == priv);

  auto valid = uapi_data(root, {"EmailAuth", "validate_current_dkims", "domain=bob.example"});
  CHECK(valid[0]["domain"] == "default._domainkey.bob.example");
  CHECK(valid[0]["state"] == "VALID");
  CHECK(valid[0]["expected"] == txt[0]);
  CHECK(valid[0]["records"][0]["state"] == "VALID");

  data = uapi_data(root, {"EmailAuth", "disable_dkim", "domain=bob.example"});
  CHECK(data[0]["msg"] == "[REMOVE:TXT@default._domainkey:" + txt[0] + "]");
  CHECK(zone_txt(root, "default._domainkey.bob.example.").empty());
  CHECK(root.file("var/cpanel/domain_keys/private/bob.example") == priv);  // the key stays
  valid = uapi_data(root, {"EmailAuth", "validate_current_dkims", "domain=bob.example"});
  CHECK(valid[0]["state"] == "MISSING");
  expect_check_clean(root);
}

TEST_CASE("EmailAuth DKIM on a subdomain goes in the zone above it", "[emailauth][dkim]") {
  TempRoot root;
  make_bob(root);
  run_ok(root, {"create_subdomain", "domain=shop.bob.example", "document_root=public_html/shop"});
  auto data = uapi_data(root, {"EmailAuth", "enable_dkim", "domain=shop.bob.example", "domain=bob.example"});
  REQUIRE(data.size() == 2);
  CHECK(std::string(data[0]["msg"]).rfind("[ADD:TXT@default._domainkey.shop:v=DKIM1", 0) == 0);
  CHECK(zone_txt(root, "default._domainkey.shop.bob.example.").size() == 1);
  CHECK(zone_txt(root, "default._domainkey.bob.example.").size() == 1);
  CHECK(root.exists("var/cpanel/domain_keys/private/shop.bob.example"));
}

TEST_CASE("EmailAuth refuses what the account does not own and bad input, changing nothing", "[emailauth]") {
  TempRoot root;
  make_bob(root);
  create_account(root, "carol", "carol.example");
  expect_cpanel_refused(root, "uapi", "bob", {"EmailAuth", "enable_dkim", "domain=carol.example"},
                        "does not belong to the account");
  expect_cpanel_refused(root, "uapi", "bob", {"EmailAuth", "enable_dkim"}, "domain");
  expect_cpanel_refused(root, "uapi", "bob", {"EmailAuth", "apply_dmarc", "policy=v=DMARC1; p=maybe"},
                        "must be none, quarantine or reject");
  expect_cpanel_refused(root, "uapi", "bob", {"EmailAuth", "apply_dmarc", "policy=p=none"}, "v=DMARC1");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"EmailAuth", "install_spf_records", "domain=bob.example", "record=v=spf1 +ipv4:1.2.3.4 ~all"},
                        "is not an SPF mechanism");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"EmailAuth", "install_spf_records", "domain=bob.example", "record=v=spf1 ip4:1.2.3 ~all"},
                        "is not an IPv4 address");
  expect_cpanel_refused(root, "uapi", "bob", {"EmailAuth", "install_spf_records", "domain=bob.example"}, "record");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"EmailAuth", "install_dkim_private_keys", "domain=bob.example", "key=" + kKey512},
                        "a DKIM key must have 1024 to 4096");
  expect_cpanel_refused(root, "uapi", "bob",
                        {"EmailAuth", "install_dkim_private_keys", "domain=bob.example", "key=not a key"},
                        "is not an unencrypted RSA private key");
  // Two domains, one key: nothing is installed.
  run_ok(root, {"create_subdomain", "domain=shop.bob.example", "document_root=public_html/shop"});
  expect_cpanel_refused(
      root, "uapi", "bob",
      {"EmailAuth", "install_dkim_private_keys", "domain=bob.example", "domain=shop.bob.example", "key=" + kKey1024},
      "give one “key” for each “domain”");
  expect_cpanel_refused(root, "uapi", "bob", {"EmailAuth", "fetch_dkim_private_keys", "domain=bob.example"},
                        "The domain “bob.example” has no DKIM key.");
  // The feature list can take the module away.
  run_ok(root, {"add_override_features_for_user", "user=bob", R"(features={"emailauth":0})"});
  expect_cpanel_refused(root, "uapi", "bob", {"EmailAuth", "validate_current_dkims", "domain=bob.example"},
                        "You do not have the feature “emailauth”.");
}

TEST_CASE("EmailAuth install_dkim_private_keys, fetch_dkim_private_keys and ensure_dkim_keys_exist",
          "[emailauth][dkim]") {
  TempRoot root;
  make_bob(root);
  auto data = uapi_data(root, {"EmailAuth", "install_dkim_private_keys", "domain=bob.example", "key=" + kKey1024});
  CHECK(data[0]["status"] == 1);
  CHECK(data[0]["msg"] == "installed key");
  // Written back as PKCS#1; the zone is enable_dkim's work.
  const std::string priv = root.file("var/cpanel/domain_keys/private/bob.example");
  CHECK(priv.rfind("-----BEGIN RSA PRIVATE KEY-----\n", 0) == 0);
  CHECK(zone_txt(root, "default._domainkey.bob.example.").empty());
  auto fetched = uapi_data(root, {"EmailAuth", "fetch_dkim_private_keys", "domain=bob.example"});
  CHECK(fetched == nlohmann::json::array({{{"domain", "bob.example"}, {"pem", priv}}}));

  data = uapi_data(root, {"EmailAuth", "enable_dkim", "domain=bob.example"});
  CHECK(data[0]["msg"] == "[ADD:TXT@default._domainkey:v=DKIM1; k=rsa; p=" + kKey1024Public + "]");

  // A 1024-bit key is below the server's 2048: ensure replaces it; a record still naming it no longer matches.
  data = uapi_data(root, {"EmailAuth", "ensure_dkim_keys_exist", "domain=bob.example"});
  CHECK(data[0]["msg"] == "replaced key that did not meet the requirements");
  CHECK(root.file("var/cpanel/domain_keys/private/bob.example") != priv);
  auto valid = uapi_data(root, {"EmailAuth", "validate_current_dkims", "domain=bob.example"});
  CHECK(valid[0]["state"] == "MISMATCH");
  CHECK(valid[0]["records"][0]["state"] == "MISMATCH");
  data = uapi_data(root, {"EmailAuth", "ensure_dkim_keys_exist", "domain=bob.example"});
  CHECK(data[0]["msg"] == "key already exists");

  run_ok(root, {"create_subdomain", "domain=shop.bob.example", "document_root=public_html/shop"});
  data = uapi_data(root, {"EmailAuth", "ensure_dkim_keys_exist", "domain=shop.bob.example"});
  CHECK(data[0]["msg"] == "created new key");
  // A record that is not a DKIM key record.
  run_ok(root,
         {"addzonerecord", "domain=bob.example", "name=default._domainkey.shop", "type=TXT", "txtdata=v=DKIM2; p=abc"});
  valid = uapi_data(root, {"EmailAuth", "validate_current_dkims", "domain=shop.bob.example"});
  CHECK(valid[0]["state"] == "MALFORMED");
  CHECK(valid[0]["records"][0]["state"] == "PERMFAIL");
  CHECK(valid[0]["records"][0]["reason"] == "shop.bob.example: The DKIM version must be \"DKIM1\".");
  expect_check_clean(root);
}

TEST_CASE("EmailAuth install_spf_records and validate_current_spfs", "[emailauth][spf]") {
  TempRoot root;
  make_bob(root);
  CHECK(uapi_data(root, {"EmailAuth", "validate_current_spfs", "domain=bob.example"})[0]["state"] == "MISSING");
  auto data = uapi_data(root, {"EmailAuth", "install_spf_records", "domain=bob.example",
                               "record=\"v=spf1 +a +mx +ip4:198.51.100.0/24 ~all\""});
  CHECK(data[0]["msg"] == "[ADD:TXT@bob.example.:v=spf1 +a +mx +ip4:198.51.100.0/24 ~all]");
  CHECK(zone_txt(root, "bob.example.") == std::vector<std::string>{"v=spf1 +a +mx +ip4:198.51.100.0/24 ~all"});

  // The account's IP is the zone's A record: +a matches it.
  auto valid = uapi_data(root, {"EmailAuth", "validate_current_spfs", "domain=bob.example"});
  CHECK(valid[0]["state"] == "VALID");
  CHECK(valid[0]["ip_address"] == "203.0.113.7");
  CHECK(valid[0]["ip_version"] == 4);
  CHECK(valid[0]["expected"] == "ip4:203.0.113.7");
  CHECK(valid[0]["records"][0]["state"] == "PASS");
  CHECK(valid[0]["records"][0]["reason"] == "bob.example: the mechanism “+a” matched 203.0.113.7.");

  // Replaced, not added: one SPF record stays.
  data = uapi_data(root, {"EmailAuth", "install_spf_records", "domain=bob.example", "record=v=spf1 -all"});
  CHECK(data[0]["msg"] == "[REPLACE:TXT@bob.example.:v=spf1 -all]");
  valid = uapi_data(root, {"EmailAuth", "validate_current_spfs", "domain=bob.example"});
  CHECK(valid[0]["state"] == "MISMATCHED");
  CHECK(valid[0]["records"][0]["state"] == "FAIL");
  data = uapi_data(
      root, {"EmailAuth", "install_spf_records", "domain=bob.example", "record=v=spf1 include:_spf.example.net ~all"});
  valid = uapi_data(root, {"EmailAuth", "validate_current_spfs", "domain=bob.example"});
  CHECK(valid[0]["records"][0]["state"] == "TEMPERROR");
  run_ok(root, {"addzonerecord", "domain=bob.example", "name=bob.example.", "type=TXT", "txtdata=v=spf1 ~all"});
  CHECK(uapi_data(root, {"EmailAuth", "validate_current_spfs", "domain=bob.example"})[0]["state"] == "MULTIPLE");
}

TEST_CASE("EmailAuth apply_dmarc, remove_dmarc and validate_current_dmarcs", "[emailauth][dmarc]") {
  TempRoot root;
  make_bob(root);
  auto valid = uapi_data(root, {"EmailAuth", "validate_current_dmarcs"});
  REQUIRE(valid.size() == 1);
  CHECK(valid[0] == nlohmann::json({{"domain", "bob.example"},
                                    {"subdomain", "_dmarc.bob.example"},
                                    {"record", ""},
                                    {"state", "MISSING"},
                                    {"suggested", "v=DMARC1; p=none;"}}));
  // No domain: every domain of the account.
  auto data = uapi_data(root, {"EmailAuth", "apply_dmarc", "policy=v=DMARC1; p=reject; rua=mailto:dmarc@bob.example"});
  CHECK(data == nlohmann::json::array({{{"domain", "bob.example"},
                                        {"msg",
                                         "[ADD:TXT@_dmarc.bob.example:v=DMARC1; p=reject; "
                                         "rua=mailto:dmarc@bob.example]"},
                                        {"status", 1}}}));
  CHECK(zone_txt(root, "_dmarc.bob.example.").size() == 1);
  // Without DKIM and SPF the policy has nothing to rely on.
  CHECK(uapi_data(root, {"EmailAuth", "validate_current_dmarcs"})[0]["state"] == "DKIM_SPF_ERROR");
  uapi_data(root, {"EmailAuth", "enable_dkim", "domain=bob.example"});
  CHECK(uapi_data(root, {"EmailAuth", "validate_current_dmarcs"})[0]["state"] == "SPF_ERROR");
  uapi_data(root, {"EmailAuth", "install_spf_records", "domain=bob.example", "record=v=spf1 +a +mx ~all"});
  valid = uapi_data(root, {"EmailAuth", "validate_current_dmarcs", "domain=bob.example"});
  CHECK(valid[0]["state"] == "VALID");
  CHECK(valid[0]["record"] == "v=DMARC1; p=reject; rua=mailto:dmarc@bob.example");

  data = uapi_data(root, {"EmailAuth", "remove_dmarc", "domain=bob.example"});
  CHECK(data[0]["msg"] == "[REMOVE:TXT@_dmarc.bob.example:v=DMARC1; p=reject; rua=mailto:dmarc@bob.example]");
  CHECK(zone_txt(root, "_dmarc.bob.example.").empty());
  data = uapi_data(root, {"EmailAuth", "remove_dmarc"});
  CHECK(data[0]["msg"] == "[no changes needed]");
}

TEST_CASE("EmailAuth validate_current_ptrs", "[emailauth][ptr]") {
  TempRoot root;
  root.write("etc/group", "root:x:0:\nmail:x:12:\n");
  root.write("etc/wwwacct.conf", "ADDR 10.1.2.3\n");
  create_account(root, "bob", "bob.example");
  auto valid = uapi_data(root, {"EmailAuth", "validate_current_ptrs", "domain=bob.example"});
  CHECK(valid[0]["state"] == "IP_IS_PRIVATE");
  CHECK(valid[0]["arpa_domain"] == "3.2.1.10.in-addr.arpa");
  CHECK(valid[0]["ip_version"] == 4);
  CHECK(valid[0]["ptr_records"] == nlohmann::json::array());
}

TEST_CASE("DKIM keys follow the account: new main domain, removal and orphans", "[emailauth][lifecycle]") {
  TempRoot root;
  make_bob(root);
  uapi_data(root, {"EmailAuth", "enable_dkim", "domain=bob.example"});
  const std::string priv = root.file("var/cpanel/domain_keys/private/bob.example");
  run_ok(root, {"modifyacct", "user=bob", "domain=robert.example"});
  CHECK_FALSE(root.exists("var/cpanel/domain_keys/private/bob.example"));
  CHECK(root.file("var/cpanel/domain_keys/private/robert.example") == priv);
  CHECK(uapi_data(root, {"EmailAuth", "validate_current_dkims", "domain=robert.example"})[0]["state"] == "VALID");
  expect_check_clean(root);

  root.write("var/cpanel/domain_keys/private/ghost.example", priv);
  auto check = run_program({WHMKIT_CHECK_PATH, "--root=" + root.path});
  CHECK(check.status == 1);
  CHECK_THAT(check.out, Catch::Matchers::Contains("Orphaned DKIM key var/cpanel/domain_keys/private/ghost.example"));

  run_ok(root, {"removeacct", "user=bob"});
  CHECK_FALSE(root.exists("var/cpanel/domain_keys/private/robert.example"));
  CHECK_FALSE(root.exists("var/cpanel/domain_keys/public/robert.example"));
}

TEST_CASE("WHM API 1 Mail functions do EmailAuth's work on any account's domains", "[emailauth][whm]") {
  TempRoot root;
  make_bob(root);
  create_account(root, "carol", "carol.example");
  auto out = run_ok(root, {"enable_dkim", "domain=bob.example", "domain=carol.example"});
  auto payload = out["data"]["payload"];
  REQUIRE(payload.size() == 2);
  CHECK(payload[1]["domain"] == "carol.example");
  CHECK(std::string(payload[1]["msg"]).rfind("[ADD:TXT@default._domainkey:v=DKIM1; k=rsa; p=", 0) == 0);
  CHECK(root.exists("var/cpanel/domain_keys/private/carol.example"));
  payload = run_ok(root, {"validate_current_dkims", "domain=carol.example"})["data"]["payload"];
  CHECK(payload[0]["state"] == "VALID");
  // No domain: every account's.
  payload = run_ok(root, {"apply_dmarc", "policy=v=DMARC1; p=none;"})["data"]["payload"];
  REQUIRE(payload.size() == 2);
  CHECK(payload[0]["msg"] == "[ADD:TXT@_dmarc.bob.example:v=DMARC1; p=none;]");
  CHECK(payload[1]["msg"] == "[ADD:TXT@_dmarc.carol.example:v=DMARC1; p=none;]");
  payload = run_ok(root, {"validate_current_spfs", "domain=bob.example"})["data"]["payload"];
  CHECK(payload[0]["ip_address"] == "203.0.113.7");
  CHECK(payload[0]["state"] == "MISSING");

  // A domain no account has, and a bad key: refused, nothing written.
  expect_refused(root, {"enable_dkim", "domain=nobody.example"}, "No account has the domain “nobody.example”.");
  expect_refused(root, {"install_dkim_private_keys", "domain=bob.example", "key=" + kKey512},
                 "a DKIM key must have 1024 to 4096 bits");
}
