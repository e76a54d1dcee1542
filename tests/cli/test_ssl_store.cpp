// UAPI SSL storage: keys, CSRs and certificates in ~/ssl and its ssl.db.
#include <sys/stat.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include "harness.hpp"

using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using test::create_account;
using test::expect_cpanel_refused;
using test::run_cpanel;
using test::snapshot;
using test::TempRoot;

namespace {

const std::map<std::string, std::string> kEnv = {{"WHMKIT_NOW", "1795343400"}};  // 2026-11-22 10:30 UTC

nlohmann::json ssl_ok(const TempRoot& root, std::vector<std::string> args) {
  args.insert(args.begin(), "SSL");
  auto r = run_cpanel(root, "uapi", "bob", args, kEnv);
  INFO("uapi SSL " << args.at(1) << " -> " << r.out << r.err);
  REQUIRE(r.status == 0);
  auto j = r.json();
  REQUIRE(j["result"]["status"] == 1);
  return j["result"];
}

void ssl_refused(const TempRoot& root, std::vector<std::string> args, const std::string& reason) {
  args.insert(args.begin(), "SSL");
  expect_cpanel_refused(root, "uapi", "bob", args, reason);
}

unsigned mode_of(const TempRoot& root, const std::string& rel) {
  struct stat st {};
  REQUIRE(::lstat((root.path + "/" + rel).c_str(), &st) == 0);
  return st.st_mode & 07777;
}

const std::vector<std::string> kSubject = {"countryName=US", "stateOrProvinceName=TX", "localityName=Houston",
                                           "organizationName=Bob Inc"};

std::vector<std::string> with_subject(std::vector<std::string> args) {
  args.insert(args.end(), kSubject.begin(), kSubject.end());
  return args;
}

}  // namespace

TEST_CASE("SSL keys: generate, list, show, rename, delete", "[ssl]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");

  auto made = ssl_ok(root, {"generate_key", "keytype=ecdsa-prime256v1"});
  const std::string id = made["data"]["id"];
  CHECK_THAT(id, StartsWith("ec-"));
  CHECK(made["data"]["key_algorithm"] == "id-ecPublicKey");
  CHECK(made["data"]["ecdsa_curve_name"] == "prime256v1");
  CHECK(made["data"]["friendly_name"] == "ECDSA “prime256v1”, created 11/22/26, 10:30 AM UTC");
  CHECK(made["data"]["created"] == 1795343400);
  CHECK_THAT(made["data"]["text"].get<std::string>(), StartsWith("-----BEGIN EC PRIVATE KEY-----"));
  const std::string key_file = "home/bob/ssl/keys/" + id + ".key";
  REQUIRE(root.exists(key_file));
  CHECK(mode_of(root, key_file) == 0600);
  CHECK(root.file(key_file).back() == '-');  // no final newline, as cPanel stores it
  CHECK(mode_of(root, "home/bob/ssl/ssl.db") == 0600);
  CHECK_THAT(root.file("home/bob/ssl/ssl.db"), Contains("modulus:ecdsa_curve_name:ecdsa_public"));
  CHECK(root.exists("home/bob/ssl/ssl.db.cache"));

  auto rsa = ssl_ok(root, {"generate_key", "keytype=rsa-2048", "friendly_name= mine "});
  CHECK(rsa["data"]["friendly_name"] == "mine");
  CHECK(rsa["data"]["modulus_length"] == 2048);
  const std::string rsa_id = rsa["data"]["id"];
  const std::string mod = rsa["data"]["modulus"];
  CHECK(rsa_id.substr(0, 11) == mod.substr(0, 5) + "_" + mod.substr(mod.size() - 5));

  auto list = ssl_ok(root, {"list_keys"})["data"];
  REQUIRE(list.size() == 2);
  CHECK(list[1]["ecdsa_public"].is_null());  // sorted by friendly name: "ECDSA ..." then "mine"
  auto shown = ssl_ok(root, {"show_key", "friendly_name=mine"})["data"];
  CHECK(shown["details"]["id"] == rsa_id);
  CHECK_THAT(shown["text"].get<std::string>(), Contains("modulus"));

  ssl_ok(root, {"set_key_friendly_name", "id=" + rsa_id, "new_friendly_name=renamed"});
  CHECK(ssl_ok(root, {"show_key", "id=" + rsa_id})["data"]["details"]["friendly_name"] == "renamed");
  ssl_refused(root, {"set_key_friendly_name", "id=" + id, "new_friendly_name=renamed"}, "must be unique");

  auto deleted = ssl_ok(root, {"delete_key", "friendly_name=renamed"})["data"];
  CHECK(deleted[0]["id"] == rsa_id);
  CHECK_FALSE(root.exists("home/bob/ssl/keys/" + rsa_id + ".key"));
  CHECK(ssl_ok(root, {"list_keys"})["data"].size() == 1);
  // Nothing to delete is not an error.
  CHECK(ssl_ok(root, {"delete_key", "id=" + rsa_id})["data"].is_null());
}

TEST_CASE("SSL keys: bad input changes nothing", "[ssl]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  ssl_refused(root, {"upload_key", "key=not a key"}, "Invalid key submitted (The key text was not valid.)");
  ssl_refused(root, {"generate_key", "keysize=1024"}, "“keysize” must be an integer value between “2048” and “4096”");
  ssl_refused(root, {"show_key", "id=../../etc/passwd"}, "The “id” parameter is invalid.");
  ssl_refused(root, {"show_key"}, "You must specify either the “id” or “friendly_name”.");
  ssl_refused(root, {"show_key", "id=nothere"}, "No key matches that search term.");
  CHECK_FALSE(root.exists("home/bob/ssl"));
}

TEST_CASE("SSL keys: an uploaded key keeps cPanel's id and one copy", "[ssl]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  auto made = ssl_ok(root, {"generate_key", "keytype=rsa-2048", "friendly_name=first"})["data"];
  const std::string pem = made["text"];
  // The same key again: the stored record, not a second copy.
  auto again = ssl_ok(root, {"upload_key", "key=" + pem})["data"];
  CHECK(again[0]["id"] == made["id"]);
  CHECK(again[0]["friendly_name"] == "first");
  ssl_refused(root, {"upload_key", "key=" + pem, "friendly_name=other"}, "That key is already installed as “first”.");
}

TEST_CASE("SSL CSRs and self-signed certificates", "[ssl]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  const std::string key_id = ssl_ok(root, {"generate_key", "keytype=rsa-2048"})["data"]["id"];

  auto csr = ssl_ok(root, with_subject({"generate_csr", "key_id=" + key_id, "domains=bob.example,www.bob.example"}));
  CHECK(csr["messages"][0] == "Certificate Signing Request generated!");
  const std::string csr_id = csr["data"]["id"];
  CHECK_THAT(csr_id, StartsWith("bob_example_"));
  CHECK(csr["data"]["friendly_name"] == "bob.example and www.bob.example");
  CHECK(csr["data"]["domains"] == nlohmann::json({"bob.example", "www.bob.example"}));
  CHECK(mode_of(root, "home/bob/ssl/csrs/" + csr_id + ".csr") == 0644);
  // cPanel names the key after the domains too.
  CHECK(ssl_ok(root, {"show_key", "id=" + key_id})["data"]["details"]["friendly_name"] ==
        "bob.example and www.bob.example");
  auto shown = ssl_ok(root, {"show_csr", "id=" + csr_id})["data"];
  CHECK(shown["details"]["countryName"] == "US");
  CHECK(shown["details"]["organizationName"] == "Bob Inc");
  CHECK(shown["details"]["organizationalUnitName"].is_null());
  CHECK(ssl_ok(root, {"list_csrs"})["data"].size() == 1);
  CHECK(ssl_ok(root, {"find_csrs_for_key", "id=" + key_id})["data"][0]["id"] == csr_id);

  auto cert =
      ssl_ok(root, with_subject({"generate_cert", "key_id=" + key_id, "domains=*.bob.example", "friendly_name=wild"}));
  CHECK(cert["messages"][0] == "Certificate generated!");
  const std::string cert_id = cert["data"]["id"];
  CHECK_THAT(cert_id, StartsWith("_wildcard__bob_example_"));
  CHECK(cert["data"]["is_self_signed"] == 1);
  CHECK(cert["data"]["domains"] == nlohmann::json({"*.bob.example"}));
  CHECK(cert["data"]["not_after"].get<long long>() - cert["data"]["not_before"].get<long long>() == 365LL * 86400);

  auto certs = ssl_ok(root, {"list_certs"})["data"];
  REQUIRE(certs.size() == 1);
  CHECK(certs[0]["domain_is_configured"] == 1);  // covers www.bob.example
  CHECK(certs[0]["subject_text"] ==
        "commonName\n*.bob.example\ncountryName\nUS\norganizationName\nBob Inc\nstateOrProvinceName\nTX\n"
        "localityName\nHouston");
  CHECK_THAT(certs[0]["issuer_text"].get<std::string>(), StartsWith("commonName\n*.bob.example"));
  CHECK(ssl_ok(root, {"find_certificates_for_key", "id=" + key_id})["data"][0]["id"] == cert_id);
  auto show = ssl_ok(root, {"show_cert", "friendly_name=wild"})["data"];
  CHECK(show["details"]["subject"]["organizationName"] == "Bob Inc");
  CHECK_THAT(show["text"].get<std::string>(), Contains("Subject: CN = *.bob.example"));
  auto info = ssl_ok(root, {"fetch_cert_info", "id=" + cert_id})["data"];
  CHECK_THAT(info["key"].get<std::string>(), StartsWith("-----BEGIN RSA PRIVATE KEY-----"));

  // Uploading the same certificate again finds it; delete removes file and record.
  auto up = ssl_ok(root, {"upload_cert", "crt=" + cert["data"]["text"].get<std::string>()})["data"];
  CHECK(up[0]["id"] == cert_id);
  ssl_ok(root, {"set_cert_friendly_name", "id=" + cert_id, "new_friendly_name=star"});
  ssl_ok(root, {"set_csr_friendly_name", "id=" + csr_id, "new_friendly_name=request"});
  auto items = ssl_ok(root, {"list_ssl_items", "domains=bob.example|*.bob.example", "items=key|csr|crt"})["data"];
  CHECK(items.size() == 4);  // the key found twice (by CSR and certificate), the CSR, the certificate
  ssl_ok(root, {"delete_cert", "id=" + cert_id});
  ssl_ok(root, {"delete_csr", "friendly_name=request"});
  CHECK_FALSE(root.exists("home/bob/ssl/certs/" + cert_id + ".crt"));
  CHECK_FALSE(root.exists("home/bob/ssl/csrs/" + csr_id + ".csr"));
  CHECK(ssl_ok(root, {"list_certs"})["data"].empty());
}

TEST_CASE("SSL CSRs: bad subject or domain changes nothing", "[ssl]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  const std::string key_id = ssl_ok(root, {"generate_key", "keytype=ecdsa-prime256v1"})["data"]["id"];
  ssl_refused(root,
              {"generate_csr", "key_id=" + key_id, "domains=bob.example", "countryName=USA", "stateOrProvinceName=TX",
               "localityName=Houston", "organizationName=Bob"},
              "Sorry, the value of countryName was not valid, or too short");
  ssl_refused(root, with_subject({"generate_csr", "key_id=" + key_id, "domains=bad..name"}),
              "“bad..name” is not a valid domain.");
  ssl_refused(root, with_subject({"generate_cert", "key_id=nosuchkey", "domains=bob.example"}),
              "No key with the ID “nosuchkey” exists.");
  ssl_refused(root, {"upload_cert", "crt=-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----"},
              "The certificate text was not valid.");
}

TEST_CASE("SSL: rebuildssldb rebuilds the index from the files", "[ssl]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  const std::string key_id = ssl_ok(root, {"generate_key", "keytype=rsa-2048", "friendly_name=k1"})["data"]["id"];
  const std::string old_db = root.file("home/bob/ssl/ssl.db");
  // A damaged index refuses changes, but not its rebuild.
  root.write("home/bob/ssl/ssl.db", "---\nfiles: [unclosed\n");
  ssl_refused(root, {"generate_key", "keytype=rsa-2048"}, "rebuildssldb");
  auto rebuilt = ssl_ok(root, {"rebuildssldb"})["data"];
  REQUIRE(rebuilt.size() == 1);
  CHECK(rebuilt[0]["action"] == "add");
  CHECK(rebuilt[0]["type"] == "key");
  CHECK(rebuilt[0]["details"]["id"] == key_id);
  CHECK(rebuilt[0]["details"]["friendly_name"] == "k1");  // from ssl.db.cache, the index's JSON twin
  CHECK(root.exists("home/bob/ssl/ssl.db.1795343400.0"));
  CHECK(ssl_ok(root, {"list_keys"})["data"][0]["id"] == key_id);
  // The same key dropped in by hand under another name keeps its record and name,
  // and is saved again under its ID.
  root.write("home/bob/ssl/keys/handmade.key", ssl_ok(root, {"show_key", "id=" + key_id})["data"]["key"]);
  ::unlink((root.path + "/home/bob/ssl/ssl.db.cache").c_str());
  ::unlink((root.path + "/home/bob/ssl/keys/" + key_id + ".key").c_str());
  auto again = ssl_ok(root, {"rebuildssldb"})["data"];
  CHECK(again.empty());                                        // same ID: the record stays
  CHECK(root.exists("home/bob/ssl/keys/" + key_id + ".key"));  // saved again under its ID, as cPanel does
  CHECK(ssl_ok(root, {"show_key", "friendly_name=k1"})["data"]["details"]["id"] == key_id);
  (void)old_db;
}

TEST_CASE("SSL: set_default_key_type", "[ssl]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  ssl_ok(root, {"set_default_key_type", "type=ecdsa-secp384r1"});
  CHECK_THAT(root.file("var/cpanel/users/bob"), Contains("SSL_DEFAULT_KEY_TYPE=ecdsa-secp384r1"));
  CHECK(ssl_ok(root, {"generate_key"})["data"]["ecdsa_curve_name"] == "secp384r1");
  ssl_refused(root, {"set_default_key_type", "type=dsa"}, "“dsa” is not a valid “type”.");
}

TEST_CASE("SSL: the sslmanager feature gates the storage functions, as cPanel's %API does", "[ssl][features]") {
  TempRoot root;
  create_account(root, "bob", "bob.example");
  test::run_ok(root, {"add_override_features_for_user", "user=bob", R"(features={"sslmanager":0})"});
  ssl_refused(root, {"list_keys"}, "You do not have the feature “sslmanager”.");
  ssl_refused(root, {"generate_key", "keytype=rsa-2048"}, "You do not have the feature “sslmanager”.");
  // Not gated in cPanel: rebuildssldb and the key lookups.
  CHECK(ssl_ok(root, {"rebuildssldb"})["data"].empty());
  ssl_refused(root, {"find_certificates_for_key", "id=nosuch"}, "No key matches that search term.");
}
