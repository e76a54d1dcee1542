#include "service_certificate.hpp"

#include <algorithm>
#include <cctype>
#include <map>

#include "errors.hpp"
#include "util.hpp"
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
  auto existing = root.read(kServiceCertificate);
  // The installed certificate (mycpanel.pem) wins over the default one (cpanel.pem).
  if (!existing) existing = root.read("var/cpanel/ssl/cpanel/cpanel.pem");
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
  if (auto raced = read_service_certificate(root)) return *raced;
  writer.txn().write(kServiceCertificate, made.private_key + made.certificate, 0600);
  writer.commit();
  return made;
}

namespace {

constexpr const char* kSslBase = "var/cpanel/ssl";

std::string service_dir(const SslService& s) { return std::string(kSslBase) + "/" + s.name; }

const SslService& require_service(const std::string& name) {
  const SslService* s = find_ssl_service(name);
  if (!s) throw ApiError("“" + name + "” is not a known service");
  return *s;
}

std::string trimmed_pem(std::string pem) {
  while (!pem.empty() && std::isspace(static_cast<unsigned char>(pem.back()))) pem.pop_back();
  return pem;
}

// The files of one set as `objects` fill them (each object's PEM then "\n").
void stage_files(Transaction& txn, const SslService& s, const std::vector<SslServiceFile>& files,
                 const std::map<std::string, std::string>& objects) {
  for (const auto& f : files) {
    std::string contents;
    for (const auto& what : f.contents) {
      auto it = objects.find(what);
      if (it != objects.end() && !it->second.empty()) contents += trimmed_pem(it->second) + "\n";
    }
    if (contents.empty() && f.contents.size() == 1 && f.contents[0] == "cab") {
      if (txn.exists(service_dir(s) + "/" + f.file)) txn.remove(service_dir(s) + "/" + f.file);
      continue;  // the CA bundle is optional
    }
    txn.write(service_dir(s) + "/" + f.file, contents, 0600);
  }
}

void stage_facts(Transaction& txn, const SslService& s, const x509::CertInfo& cert) {
  const std::string base = std::string(kSslBase) + "/" + s.name;
  if (!cert.domains.empty()) {
    txn.write(base + "-CN", cert.domains.front(), 0644);
    std::string all;
    for (const auto& d : cert.domains) all += (all.empty() ? "" : "\n") + d;
    txn.write(base + "-DOMAINS", all, 0644);
  }
  txn.write(base + "-NOT_AFTER", std::to_string(cert.not_after), 0644);
}

std::string first_block(const std::string& text, const char* kind) {
  const auto blocks = x509::pem_blocks(text, kind);
  return blocks.empty() ? "" : blocks.front();
}

}  // namespace

const std::vector<SslService>& ssl_services() {
  static const std::vector<SslService> services = {
      {"cpanel",
       "Calendar, cPanel, WebDisk, Webmail, and WHM Services",
       {{"cpanel.pem", {"key", "crt"}}},
       {{"mycpanel.pem", {"key", "crt", "cab"}}, {"mycpanel.cabundle", {"cab"}}}},
      {"dovecot",
       "Dovecot Mail Server",
       {{"dovecot.key", {"key"}}, {"dovecot.crt", {"crt"}}},
       {{"mydovecot.crt", {"crt", "cab"}}, {"mydovecot.key", {"key"}}}},
      {"exim",
       "Exim (SMTP) Server",
       {{"exim.key", {"key"}}, {"exim.crt", {"crt"}}},
       {{"myexim.key", {"key"}}, {"myexim.crt", {"crt", "cab"}}}},
      {"ftp",
       "FTP Server",
       {{"pure-ftpd.pem", {"key", "crt", "cab"}},
        {"ftpd-ca.pem", {"cab"}},
        {"ftpd-rsa-key.pem", {"key"}},
        {"ftpd-rsa.pem", {"crt"}}},
       {{"pure-ftpd.pem", {"key", "crt", "cab"}}, {"myftpd-rsa-key.pem", {"key"}}, {"myftpd-rsa.pem", {"crt", "cab"}}}},
  };
  return services;
}

const SslService* find_ssl_service(const std::string& name) {
  for (const auto& s : ssl_services())
    if (s.name == name) return &s;
  return nullptr;
}

std::optional<ServiceSslFiles> read_service_ssl(const Transaction& view, const std::string& service) {
  const SslService& s = require_service(service);
  auto read_set = [&](const std::vector<SslServiceFile>& files) -> std::optional<ServiceSslFiles> {
    ServiceSslFiles out;
    bool any = false;
    for (const auto& f : files) {
      // The configured set of ftp shares pure-ftpd.pem with the default set:
      // only a file of its own (my...) says that it is in use.
      auto text = view.read(service_dir(s) + "/" + f.file);
      if (!text) continue;
      any = true;
      for (const auto& what : f.contents) {
        if (what == "key" && out.key.empty()) {
          for (const char* label : {"PRIVATE KEY", "RSA PRIVATE KEY", "EC PRIVATE KEY"})
            if (out.key.empty()) out.key = first_block(*text, label);
        } else if (what == "crt" && out.certificate.empty()) {
          out.certificate = first_block(*text, "CERTIFICATE");
        } else if (what == "cab" && out.cabundle.empty()) {
          const auto certs = x509::pem_blocks(*text, "CERTIFICATE");
          const size_t skip = std::find(f.contents.begin(), f.contents.end(), "crt") != f.contents.end() ? 1 : 0;
          for (size_t i = skip; i < certs.size(); ++i) out.cabundle += certs[i];
        }
      }
    }
    if (!any || out.certificate.empty()) return std::nullopt;
    return out;
  };
  bool configured_present = false;
  for (const auto& f : s.configured_files) {
    const bool shared = std::any_of(s.default_files.begin(), s.default_files.end(),
                                    [&](const SslServiceFile& d) { return d.file == f.file; });
    if (!shared && view.exists(service_dir(s) + "/" + f.file)) configured_present = true;
  }
  if (configured_present)
    if (auto set = read_set(s.configured_files)) {
      set->configured = true;
      return set;
    }
  return read_set(s.default_files);
}

void stage_install_service_ssl(Transaction& txn, const std::string& service, const std::string& crt,
                               const std::string& key, const std::string& cab) {
  const SslService& s = require_service(service);
  x509::CertInfo cert;
  try {
    cert = x509::parse_certificate(crt);
  } catch (const ApiError& e) {
    throw ApiError(std::string("Invalid certificate: ") + e.what());
  }
  x509::KeyInfo k;
  try {
    k = x509::parse_key(key);
  } catch (const ApiError& e) {
    throw ApiError(std::string("Invalid key: ") + e.what());
  }
  if (!x509::same_key(cert, k)) throw ApiError("Certificate and key do not match.");  // UNCONFIRMED wording
  std::string bundle;
  if (!cab.empty()) {
    try {
      bundle = x509::order_ca_bundle(cert, cab);
    } catch (const ApiError& e) {
      throw ApiError(std::string("Invalid CA bundle: ") + e.what());  // UNCONFIRMED wording
    }
  }
  stage_files(txn, s, s.configured_files, {{"key", k.pem}, {"crt", cert.pem}, {"cab", bundle}});
  stage_facts(txn, s, cert);
}

void stage_reset_service_ssl(Transaction& txn, const std::string& service, const std::string& hostname) {
  const SslService& s = require_service(service);
  const x509::KeyInfo key = x509::generate_key(x509::KeyType::Rsa2048);
  x509::Subject subject;
  subject.domains = {hostname};
  subject.email = "ssl@" + hostname;  // cPanel's _generateGenericPEM
  const std::string crt = x509::make_self_signed(key, subject, 365);
  const std::string stamp = std::to_string(now());
  for (const auto& f : s.configured_files) {
    const bool shared = std::any_of(s.default_files.begin(), s.default_files.end(),
                                    [&](const SslServiceFile& d) { return d.file == f.file; });
    const std::string rel = service_dir(s) + "/" + f.file;
    if (shared || !txn.exists(rel)) continue;
    auto text = txn.read(rel);
    if (!text) text = txn.root().read(rel);
    if (text) txn.write(rel + ".disable." + stamp, *text, 0600);
    txn.remove(rel);
  }
  stage_files(txn, s, s.default_files, {{"key", key.pem}, {"crt", crt}});
  stage_facts(txn, s, x509::parse_certificate(crt));
}

std::optional<std::string> ssl_service_group(const std::string& name) {
  for (const char* n : {"cpanel", "cpsrvd", "whostmgr", "webmail", "cpdavd", "cpcalendars", "cpcontacts"})
    if (name == n) return std::string("cpanel");
  for (const char* n : {"dovecot", "imap", "pop3", "dovecot_imap", "dovecot_pop3"})
    if (name == n) return std::string("dovecot");
  for (const char* n : {"exim", "smtp"})
    if (name == n) return std::string("exim");
  if (name == "ftp" || name == "ftpd") return std::string("ftp");
  return std::nullopt;
}

BestSslDomain best_ssldomain(const Transaction& view, const std::string& group, const std::string& hostname,
                             const std::string& domain, bool add_mail_subdomain) {
  BestSslDomain best;
  best.ssldomain = hostname;
  auto files = read_service_ssl(view, group);
  if (!files) return best;
  x509::CertInfo cert;
  try {
    cert = x509::parse_certificate(files->certificate);
  } catch (const ApiError&) {
    return best;
  }
  best.has_certificate = true;
  best.self_signed = cert.is_self_signed;
  best.not_after = cert.not_after;
  const long long t = now();
  best.currently_valid = !cert.is_self_signed && cert.not_before <= t && t <= cert.not_after;
  auto exact = [&](const std::string& name) {
    return std::find(cert.domains.begin(), cert.domains.end(), name) != cert.domains.end();
  };
  if (!domain.empty()) {
    const std::string wanted = add_mail_subdomain && domain.rfind("mail.", 0) != 0 ? "mail." + domain : domain;
    if (exact(wanted)) {
      best.ssldomain = wanted;
      best.cert_match_method = "exact";
    } else if (x509::covers(cert, wanted)) {
      best.ssldomain = wanted;
      best.cert_match_method = add_mail_subdomain ? "mail-wildcard" : "exact-wildcard";
      best.wild = true;
    }
  }
  if (best.cert_match_method == "none") {
    if (exact(hostname)) {
      best.cert_match_method = "hostname";
    } else if (x509::covers(cert, hostname)) {
      best.cert_match_method = "hostname-wildcard";
      best.wild = true;
    }
  }
  best.matches = best.cert_match_method != "none";
  return best;
}

nlohmann::json best_ssldomain_json(const BestSslDomain& best) {
  return {{"ssldomain", best.ssldomain},
          {"cert_match_method", best.cert_match_method},
          {"ssldomain_matches_cert", best.matches ? 1 : 0},
          {"is_wild_card", best.wild ? 1 : 0},
          {"is_self_signed", best.self_signed ? 1 : 0},
          {"is_currently_valid", best.currently_valid ? 1 : 0},
          {"cert_valid_not_after", best.has_certificate ? nlohmann::json(best.not_after) : nlohmann::json()}};
}

}  // namespace whm
