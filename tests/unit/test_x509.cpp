#include <catch2/catch.hpp>

#include "errors.hpp"
#include "x509.hpp"
#include "x509_fixtures.hpp"

using namespace whm;
using namespace whm::x509;

TEST_CASE("x509: key type names", "[x509]") {
  for (auto t : {KeyType::Rsa2048, KeyType::Rsa4096, KeyType::EcdsaP256, KeyType::EcdsaP384})
    CHECK(key_type_from_name(key_type_name(t)) == t);
  CHECK(key_type_name(KeyType::EcdsaP256) == "ecdsa-prime256v1");
  CHECK_FALSE(key_type_from_name("system"));
  CHECK_FALSE(key_type_from_name("rsa-1024"));
}

TEST_CASE("x509: generated keys parse back to the same facts", "[x509]") {
  for (auto t : {KeyType::Rsa2048, KeyType::EcdsaP256, KeyType::EcdsaP384}) {
    const KeyInfo k = generate_key(t);
    const KeyInfo back = parse_key(k.pem);
    CHECK(back.key_type() == t);
    CHECK(same_key(k, back));
    CHECK(back.pem == k.pem);
    if (t == KeyType::Rsa2048) {
      CHECK(k.pem.rfind("-----BEGIN RSA PRIVATE KEY-----\n", 0) == 0);
      CHECK(k.key_algorithm == "rsaEncryption");
      CHECK(k.modulus_length == 2048);
      CHECK(k.modulus.size() == 512);
      CHECK(k.public_exponent == "010001");
    } else {
      CHECK(k.pem.rfind("-----BEGIN EC PRIVATE KEY-----\n", 0) == 0);
      CHECK(k.key_algorithm == "id-ecPublicKey");
      CHECK(k.modulus.empty());
      // compressed point: 02/03 and the X coordinate
      CHECK(k.ecdsa_public.size() == (t == KeyType::EcdsaP256 ? 66u : 98u));
      CHECK((k.ecdsa_public.rfind("02", 0) == 0 || k.ecdsa_public.rfind("03", 0) == 0));
    }
  }
  CHECK_FALSE(same_key(generate_key(KeyType::EcdsaP256), generate_key(KeyType::EcdsaP256)));
}

TEST_CASE("x509: a key inside other text, with CRLF and odd wrapping", "[x509]") {
  std::string pem = kRsaKey;
  std::string messy = "junk before\r\n";
  for (char c : pem) messy += c == '\n' ? std::string("\r\n") : std::string(1, c);
  messy += "-----BEGIN CERTIFICATE-----\n" + std::string("AAAA\n") + "-----END CERTIFICATE-----\n";
  const KeyInfo k = parse_key(messy);
  CHECK(k.pem == pem);
  const CertInfo c = parse_certificate(kRsaPem);
  CHECK(same_key(k, c));
  CHECK(
      c.modulus ==
      "d15eb6b61b53599987f007ac0799b51e7cc44d65efbe51d6e969e328a11199dc2e5339f129fc71f29176f31ab558c6efdaddbe03ed2d4de6"
      "ffc87ebc14f5bc42edb0b27372d2875ae6c75a99900ee468389a0d24419814bf2bcfffec7825aa0c815a8a00b5e16814ad3e15c617f22456"
      "509927c701ea3ddd2ade6cc3cfb80630d7b619b6a626213552aed5840220a9c83db6e2274db6dc941a722a40e452fcfac3992e88b1239fe6"
      "867abc62f0c24d93c8c3eca491e1d92d240b1b107b8f81341fe73ce97bb2d22b0e401a7568737dc7d2acf1b88d9433a27e6ae059053b4ae6"
      "10117e1da6b9551880e0729797c20b615280f9068930dbd22dc1a1227b460707");
}

TEST_CASE("x509: bad text is refused in cPanel's words", "[x509]") {
  CHECK_THROWS_WITH(parse_key("hello"), "The key text was not valid.");
  CHECK_THROWS_WITH(parse_key("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"),
                    "The key text was not valid.");
  CHECK_THROWS_WITH(parse_certificate("hello"), "The certificate text was not valid.");
  CHECK_THROWS_WITH(parse_certificate(kRsaKey), "The certificate text was not valid.");
  CHECK_THROWS_WITH(parse_csr(kRsaPem), "The certificate signing request text was not valid.");
  CHECK_THROWS_AS(parse_certificate("-----BEGIN CERTIFICATE-----\nQUJD\n-----END CERTIFICATE-----\n"), ApiError);
}

TEST_CASE("x509: a certificate's facts", "[x509]") {
  const CertInfo c = parse_certificate(kLeafPem);
  CHECK(c.key_algorithm == "id-ecPublicKey");
  CHECK(c.ecdsa_curve_name == "prime256v1");
  CHECK(c.ecdsa_public == "02f0588fdfe8d57c10b0f22bf22df85ccc3d644f6653c381678127304672c16bb9");
  CHECK(c.domains == std::vector<std::string>{"www.example.com", "example.com", "*.example.com"});
  CHECK(c.subject_common_name == "www.example.com");
  CHECK(c.issuer_common_name == "Test Intermediate");
  CHECK(c.issuer_organization_name == "Test CA");
  CHECK(c.not_before == 1796216968);
  CHECK(c.not_after == 1867496968);
  CHECK_FALSE(c.is_self_signed);
  CHECK(c.serial == "ab12");
  CHECK(c.signature_algorithm == "ecdsa-with-SHA256");
  CHECK(c.sha256_fingerprint == "d5e44eacd0b2ec1f7973c216ffdf51d8ba13445225b278e38c5bc55e9eda51a9");
  CHECK(c.subject_hash == "c2b12038");
  CHECK(c.issuer_hash == "1e870542");
  CHECK(c.validation_type == "dv");
  CHECK(c.subject_text() == "commonName\nwww.example.com");
  CHECK(c.issuer_text() == "commonName\nTest Intermediate\norganizationName\nTest CA");
  CHECK(same_key(c, parse_key(kLeafKey)));
  CHECK(c.pem == kLeafPem);

  const CertInfo r = parse_certificate(kRsaPem);
  CHECK(r.is_self_signed);
  CHECK(r.domains == std::vector<std::string>{"rsa.example.com", "www.rsa.example.com"});  // CN is in the SAN
  CHECK(r.serial == "3a4c9ec94634047a825f653288c0c79e302f0784");
  CHECK(r.signature_algorithm == "sha256WithRSAEncryption");
  CHECK(r.sha256_fingerprint == "bcdfc2c7feaa982973973598d6dc543f9b245c66be029077403203b1a721217b");
  CHECK(r.not_after - r.not_before == 10 * 86400);
  CHECK(r.validation_type.empty());

  const auto all = parse_certificates(std::string(kLeafPem) + kIntermediatePem + kRootPem);
  REQUIRE(all.size() == 3);
  CHECK(all[2].is_self_signed);
  CHECK(all[1].is_ca);
  CHECK(signed_by(all[0], all[1]));
  CHECK_FALSE(signed_by(all[0], all[2]));
}

TEST_CASE("x509: wildcard matching", "[x509]") {
  CHECK(name_matches("*.a.com", "b.a.com"));
  CHECK(name_matches("*.A.com", "B.a.COM"));
  CHECK_FALSE(name_matches("*.a.com", "a.com"));
  CHECK_FALSE(name_matches("*.a.com", "c.b.a.com"));
  CHECK_FALSE(name_matches("*.a.com", "ba.com"));
  CHECK(name_matches("a.com", "A.com"));
  CHECK(name_matches("*.a.com", "*.a.com"));
  CHECK_FALSE(name_matches("b.a.com", "*.a.com"));
  const CertInfo c = parse_certificate(kLeafPem);
  CHECK(covers(c, "mail.example.com"));
  CHECK(covers(c, "example.com"));
  CHECK_FALSE(covers(c, "a.b.example.com"));
  CHECK_FALSE(covers(c, "example.org"));
}

TEST_CASE("x509: CSRs and self-signed certificates", "[x509]") {
  const CsrInfo given = parse_csr(kLeafCsr);
  CHECK(given.common_name == "www.example.com");
  CHECK(given.domains == std::vector<std::string>{"www.example.com"});
  CHECK(same_key(given, parse_key(kLeafKey)));

  for (auto t : {KeyType::Rsa2048, KeyType::EcdsaP384}) {
    const KeyInfo k = generate_key(t);
    Subject s;
    s.domains = {"example.com", "www.example.com"};
    s.country = "US";
    s.state = "TX";
    s.city = "Houston";
    s.company = "Example, Inc.";
    s.company_division = "Web";
    s.email = "admin@example.com";
    const CsrInfo csr = parse_csr(make_csr(k, s));
    CHECK(same_key(csr, k));
    CHECK(csr.common_name == "example.com");
    CHECK(csr.domains == s.domains);
    CHECK(csr_text(make_csr(k, s)).find("example.com") != std::string::npos);

    const CertInfo cert = parse_certificate(make_self_signed(k, s, 365));
    CHECK(cert.is_self_signed);
    CHECK(same_key(cert, k));
    CHECK(cert.domains == s.domains);
    CHECK(cert.not_after - cert.not_before == 365LL * 86400);
    CHECK(cert.signature_algorithm == (t == KeyType::Rsa2048 ? "sha256WithRSAEncryption" : "ecdsa-with-SHA256"));
    CHECK(signed_by(cert, cert));
    CHECK(cert.issuer_organization_name == "Example, Inc.");
    CHECK(certificate_text(cert.pem).find("Subject: CN = example.com") != std::string::npos);
    CHECK(key_text(k.pem).find(t == KeyType::Rsa2048 ? "modulus" : "pub:") != std::string::npos);
  }
  Subject bad;
  bad.domains = {"example.com"};
  bad.country = "USA";
  CHECK_THROWS_AS(make_csr(generate_key(KeyType::EcdsaP256), bad), ApiError);
  CHECK_THROWS_AS(make_csr(generate_key(KeyType::EcdsaP256), Subject{}), ApiError);
}

TEST_CASE("x509: CA bundle order", "[x509]") {
  const CertInfo leaf = parse_certificate(kLeafPem);
  // Given root first, with an unrelated certificate and duplicates: the
  // chain comes back issuer first, the stranger dropped.
  const std::string bundle = std::string(kOtherPem) + kRootPem + kIntermediatePem + kIntermediatePem;
  CHECK(order_ca_bundle(leaf, bundle) == std::string(kIntermediatePem) + kRootPem);
  CHECK(order_ca_bundle(leaf, kOtherPem).empty());
  CHECK(order_ca_bundle(parse_certificate(kRootPem), kIntermediatePem).empty());
}
