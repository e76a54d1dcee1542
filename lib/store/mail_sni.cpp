#include "mail_sni.hpp"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <memory>

#include "apache_tls.hpp"
#include "damage.hpp"
#include "notices.hpp"
#include "validate.hpp"

namespace whm {

namespace {

template <typename T, void (*Free)(T*)>
struct Deleter {
  void operator()(T* p) const { Free(p); }
};
using Bio = std::unique_ptr<BIO, Deleter<BIO, BIO_free_all>>;
using Pkey = std::unique_ptr<EVP_PKEY, Deleter<EVP_PKEY, EVP_PKEY_free>>;
using Cert = std::unique_ptr<X509, Deleter<X509, X509_free>>;

// Why the combined file cannot serve TLS, or "" when it can: it must hold an
// unencrypted private key and a certificate (the first one) of that key.
std::string combined_problem(const std::string& pem) {
  auto no_passphrase = [](char*, int, int, void*) { return 0; };
  Bio key_bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Pkey key(key_bio ? PEM_read_bio_PrivateKey(key_bio.get(), nullptr, no_passphrase, nullptr) : nullptr);
  if (!key) return "it has no unencrypted private key";
  Bio cert_bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
  Cert cert(cert_bio ? PEM_read_bio_X509(cert_bio.get(), nullptr, no_passphrase, nullptr) : nullptr);
  if (!cert) return "it has no certificate";
  if (X509_check_private_key(cert.get(), key.get()) != 1) return "its certificate is not for its key";
  return "";
}

}  // namespace

std::vector<std::string> stage_mail_sni_config(Transaction& txn, const std::vector<std::string>& also) {
  const StateRoot& root = txn.root();
  auto names = domain_tls_domains(txn);
  names.insert(names.end(), also.begin(), also.end());
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  std::vector<std::string> domains;
  std::string dovecot = "# Mail SNI for Dovecot, built by rebuild_mail_sni_config from " +
                        server_path(mail_sni_paths::kDomainTls) + ": do not edit.\n";
  std::string exim;
  for (const auto& name : names) {
    const std::string rel = std::string(mail_sni_paths::kDomainTls) + "/" + name + "/combined";
    // The name goes into both files as it is: only a plain domain name may.
    if (domain_syntax_error(name)) {
      add_notice("Mail SNI: “" + server_path(rel) + "” was left out: “" + name + "” is not a domain name.");
      continue;
    }
    auto pem = domain_tls_combined(txn, name);
    if (!pem) continue;  // a domain without a certificate
    if (auto why = combined_problem(*pem); !why.empty()) {
      add_notice("Mail SNI: “" + server_path(rel) + "” was left out: " + why + ".");
      continue;
    }
    const std::string file = root.path(rel);
    dovecot += "local_name " + name + " {\n  ssl_cert = <" + file + "\n  ssl_key = <" + file + "\n}\n";
    exim += name + ": " + file + "\n";
    domains.push_back(name);
  }
  txn.write(mail_sni_paths::kDovecotSni, dovecot, 0644);
  txn.write(mail_sni_paths::kEximSniMap, exim, 0644);
  return domains;
}

}  // namespace whm
