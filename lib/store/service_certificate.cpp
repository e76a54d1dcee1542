#include "service_certificate.hpp"

#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <memory>

#include "errors.hpp"

namespace whm {

namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Key = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;

[[noreturn]] void fail(const std::string& what) {
  throw ApiError("Cannot make the service certificate: " + what + ".");
}

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  long n = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<size_t>(n));
}

void add_extension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  if (!ext) fail("extension " + value);
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

// "-----BEGIN ... PRIVATE KEY-----" through its END line, and the rest.
PemPair split_combined(const std::string& pem) {
  PemPair pair;
  size_t pos = 0;
  while (pos < pem.size()) {
    const auto begin = pem.find("-----BEGIN ", pos);
    if (begin == std::string::npos) break;
    const auto end_marker = pem.find("-----END ", begin);
    if (end_marker == std::string::npos) break;
    auto end = pem.find('\n', end_marker);
    end = end == std::string::npos ? pem.size() : end + 1;
    const std::string block = pem.substr(begin, end - begin);
    const auto first_line = block.substr(0, block.find('\n'));
    if (first_line.find("PRIVATE KEY-----") != std::string::npos)
      pair.private_key += block;
    else
      pair.certificate += block;
    pos = end;
  }
  return pair;
}

}  // namespace

PemPair make_self_signed_certificate(const std::string& hostname) {
  Key key(EVP_RSA_gen(2048));
  if (!key) fail("RSA key generation failed");
  Cert cert(X509_new());
  X509_set_version(cert.get(), 2);
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) fail("no random serial number");
  serial[0] &= 0x7f;
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  BN_to_ASN1_INTEGER(bn, X509_get_serialNumber(cert.get()));
  BN_free(bn);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), 0);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 365L * 24 * 60 * 60);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(hostname.c_str()), -1,
                             -1, 0);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_UTF8, reinterpret_cast<const unsigned char*>("whmkit"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);
  add_extension(cert.get(), NID_subject_alt_name, "DNS:" + hostname);
  add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), NID_ext_key_usage, "serverAuth");
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) <= 0) fail("signing failed");
  Bio key_out(BIO_new(BIO_s_mem())), cert_out(BIO_new(BIO_s_mem()));
  if (!PEM_write_bio_PrivateKey(key_out.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) ||
      !PEM_write_bio_X509(cert_out.get(), cert.get()))
    fail("PEM encoding failed");
  return {bio_text(cert_out.get()), bio_text(key_out.get())};
}

std::optional<PemPair> read_service_certificate(const StateRoot& root) {
  const auto existing = root.read(kServiceCertificate);
  if (!existing) return std::nullopt;
  PemPair pair = split_combined(*existing);
  if (pair.certificate.empty() || pair.private_key.empty())
    throw ApiError(std::string("The service certificate “") + kServiceCertificate +
                   "” does not hold both a private key and a certificate.");
  return pair;
}

PemPair load_or_create_service_certificate(const StateRoot& root, const std::string& hostname) {
  if (auto existing = read_service_certificate(root)) return *existing;
  PemPair made = make_self_signed_certificate(hostname);
  StateWriter writer(root);
  if (auto raced = root.read(kServiceCertificate)) return split_combined(*raced);
  writer.txn().write(kServiceCertificate, made.private_key + made.certificate, 0600);
  writer.commit();
  return made;
}

}  // namespace whm
