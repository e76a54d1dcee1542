#include "mail_sni.hpp"

#include <openssl/bio.h>
#include <openssl/pem.h>
#include <openssl/x509.h>

#include <algorithm>
#include <map>
#include <memory>
#include <optional>

#include "apache_tls.hpp"
#include "damage.hpp"
#include "notices.hpp"
#include "util.hpp"
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

namespace {

std::string dovecot_header() {
  return "# Mail SNI for Dovecot, built by rebuild_mail_sni_config from " + server_path(mail_sni_paths::kDomainTls) +
         ": do not edit.\n";
}

// One domain's Dovecot block and Exim line, or nothing (with a warning)
// when its datastore entry cannot serve TLS.
std::optional<std::pair<std::string, std::string>> domain_entry(const Transaction& txn, const std::string& name) {
  const std::string rel = std::string(mail_sni_paths::kDomainTls) + "/" + name + "/combined";
  // The name goes into both files as it is: only a plain domain name may.
  if (domain_syntax_error(name)) {
    add_notice("Mail SNI: “" + server_path(rel) + "” was left out: “" + name + "” is not a domain name.");
    return std::nullopt;
  }
  auto pem = domain_tls_combined(txn, name);
  if (!pem) return std::nullopt;  // a domain without a certificate
  if (auto why = combined_problem(*pem); !why.empty()) {
    add_notice("Mail SNI: “" + server_path(rel) + "” was left out: " + why + ".");
    return std::nullopt;
  }
  const std::string file = txn.root().path(rel);
  return std::make_pair("local_name " + name + " {\n  ssl_cert = <" + file + "\n  ssl_key = <" + file + "\n}\n",
                        name + ": " + file + "\n");
}

using Entries = std::map<std::string, std::pair<std::string, std::string>>;  // domain -> (Dovecot block, Exim line)

void stage_entries(Transaction& txn, const Entries& entries) {
  std::string dovecot = dovecot_header(), exim;
  for (const auto& [name, entry] : entries) {
    dovecot += entry.first;
    exim += entry.second;
  }
  txn.write(mail_sni_paths::kDovecotSni, dovecot, 0644);
  txn.write(mail_sni_paths::kEximSniMap, exim, 0644);
}

// Both files as this module writes them, by domain; nullopt when either is
// missing or not in that form (then everything is rebuilt).
std::optional<Entries> read_entries(const Transaction& txn) {
  auto dovecot = txn.read(mail_sni_paths::kDovecotSni);
  auto exim = txn.read(mail_sni_paths::kEximSniMap);
  if (!dovecot || !exim || !starts_with(*dovecot, dovecot_header())) return std::nullopt;
  Entries entries;
  size_t pos = dovecot_header().size();
  while (pos < dovecot->size()) {
    if (dovecot->compare(pos, 11, "local_name ") != 0) return std::nullopt;
    auto brace = dovecot->find(" {\n", pos);
    auto end = dovecot->find("\n}\n", pos);
    if (brace == std::string::npos || end == std::string::npos || brace > end) return std::nullopt;
    end += 3;
    entries[dovecot->substr(pos + 11, brace - pos - 11)].first = dovecot->substr(pos, end - pos);
    pos = end;
  }
  bool ok = true;
  for_each_line(*exim, [&](std::string_view line) {
    auto colon = line.find(": ");
    auto it = colon == std::string_view::npos ? entries.end() : entries.find(std::string(line.substr(0, colon)));
    if (it == entries.end() || !it->second.second.empty())
      ok = false;
    else
      it->second.second = std::string(line) + "\n";
  });
  for (const auto& [name, entry] : entries) ok = ok && !entry.second.empty();
  if (!ok) return std::nullopt;
  return entries;
}

}  // namespace

std::vector<std::string> stage_mail_sni_config(Transaction& txn, const std::vector<std::string>& also) {
  auto names = domain_tls_domains(txn);
  names.insert(names.end(), also.begin(), also.end());
  std::sort(names.begin(), names.end());
  names.erase(std::unique(names.begin(), names.end()), names.end());
  Entries entries;
  for (const auto& name : names)
    if (auto entry = domain_entry(txn, name)) entries[name] = *entry;
  stage_entries(txn, entries);
  std::vector<std::string> domains;
  for (const auto& [name, entry] : entries) domains.push_back(name);
  return domains;
}

void stage_mail_sni_update(Transaction& txn, const std::vector<std::string>& changed) {
  auto entries = read_entries(txn);
  if (!entries) {
    stage_mail_sni_config(txn, changed);
    return;
  }
  for (const auto& name : changed) {
    entries->erase(name);
    if (auto entry = domain_entry(txn, name)) (*entries)[name] = *entry;
  }
  stage_entries(txn, *entries);
}

}  // namespace whm
