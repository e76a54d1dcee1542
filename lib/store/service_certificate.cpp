#include "service_certificate.hpp"

#include "errors.hpp"
#include "x509.hpp"

namespace whm {

namespace {

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
  const x509::KeyInfo key = x509::generate_key(x509::KeyType::Rsa2048);
  x509::Subject subject;
  subject.domains = {hostname};
  subject.company = "whmkit";
  return {x509::make_self_signed(key, subject, 365), key.pem};
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
