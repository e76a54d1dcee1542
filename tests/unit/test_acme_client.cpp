// The ACME client's offline pieces: base64url, the account key (PEM round
// trip, JWK, RFC 7638 thumbprint) and ES256 signatures that OpenSSL verifies.
// The protocol itself runs against pebble in tests/shell/test_autossl.sh.
#include <openssl/bn.h>
#include <openssl/ec.h>
#include <openssl/evp.h>
#include <openssl/pem.h>

#include <catch2/catch.hpp>

#include "acme_client.hpp"
#include "x509.hpp"

using namespace whm::acme;

namespace {

// Verifies an ES256 signature (r || s) over `data` with the key's public half.
bool verifies(const AccountKey& key, const std::string& data, const std::string& sig) {
  const std::string pem = key.pem();
  BIO* bio = BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size()));
  EVP_PKEY* pkey = PEM_read_bio_PrivateKey(bio, nullptr, nullptr, nullptr);
  BIO_free(bio);
  if (!pkey || sig.size() != 64) return false;
  ECDSA_SIG* s = ECDSA_SIG_new();
  ECDSA_SIG_set0(s, BN_bin2bn(reinterpret_cast<const unsigned char*>(sig.data()), 32, nullptr),
                 BN_bin2bn(reinterpret_cast<const unsigned char*>(sig.data()) + 32, 32, nullptr));
  unsigned char* der = nullptr;
  int len = i2d_ECDSA_SIG(s, &der);
  ECDSA_SIG_free(s);
  EVP_MD_CTX* md = EVP_MD_CTX_new();
  bool ok = EVP_DigestVerifyInit(md, nullptr, EVP_sha256(), nullptr, pkey) == 1 &&
            EVP_DigestVerify(md, der, static_cast<size_t>(len), reinterpret_cast<const unsigned char*>(data.data()),
                             data.size()) == 1;
  EVP_MD_CTX_free(md);
  OPENSSL_free(der);
  EVP_PKEY_free(pkey);
  return ok;
}

}  // namespace

TEST_CASE("base64url: no padding, URL alphabet", "[acme]") {
  CHECK(base64url("") == "");
  CHECK(base64url("f") == "Zg");
  CHECK(base64url("fo") == "Zm8");
  CHECK(base64url("foo") == "Zm9v");
  CHECK(base64url(std::string("\xfb\xff\xbf", 3)) == "-_-_");
  CHECK(base64url(R"({"alg":"ES256"})") == "eyJhbGciOiJFUzI1NiJ9");
}

TEST_CASE("the account key: PEM round trip, JWK, thumbprint, ES256", "[acme]") {
  AccountKey key = AccountKey::generate();
  const auto jwk = key.jwk();
  CHECK(jwk["kty"] == "EC");
  CHECK(jwk["crv"] == "P-256");
  CHECK(jwk["x"].get<std::string>().size() == 43);  // 32 bytes, base64url
  CHECK(jwk["y"].get<std::string>().size() == 43);
  // The thumbprint's input: the members in lexicographic order, no spaces.
  CHECK(jwk.dump().rfind(R"({"crv":"P-256","kty":"EC","x":")", 0) == 0);
  CHECK(key.thumbprint().size() == 43);

  AccountKey again = AccountKey::from_pem(key.pem());
  CHECK(again.thumbprint() == key.thumbprint());

  const std::string data = "eyJhbGciOiJFUzI1NiJ9.e30";
  const std::string sig = key.sign(data);
  CHECK(sig.size() == 64);
  CHECK(verifies(key, data, sig));
  CHECK_FALSE(verifies(key, data + "x", sig));

  // Only P-256 keys are account keys.
  auto rsa = whm::x509::generate_key(whm::x509::KeyType::Rsa2048);
  CHECK_THROWS_AS(AccountKey::from_pem(rsa.pem), AcmeError);
  auto p384 = whm::x509::generate_key(whm::x509::KeyType::EcdsaP384);
  CHECK_THROWS_AS(AccountKey::from_pem(p384.pem), AcmeError);
  CHECK_THROWS_AS(AccountKey::from_pem("not a key"), AcmeError);
}

TEST_CASE("an HTTP-01 key authorization and an authorization's problem", "[acme]") {
  AccountKey key = AccountKey::generate();
  const std::string thumb = key.thumbprint();
  Client client(ClientOptions{}, std::move(key));
  CHECK(client.key_authorization("tok_en-1") == "tok_en-1." + thumb);

  Authorization a;
  a.status = "invalid";
  a.challenges.push_back(
      {"http-01", "u", "t", "invalid",
       nlohmann::json{{"type", "urn:ietf:params:acme:error:connection"}, {"detail", "Connection refused"}}});
  CHECK(a.http01() == &a.challenges[0]);
  CHECK(a.problem() == "Connection refused (connection)");
  a.challenges[0].error = nullptr;
  CHECK(a.problem() == "The authorization is “invalid”.");
}
