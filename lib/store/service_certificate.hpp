// The service certificate cPanel's own server uses (whmkitd serves it unless
// --cert/--key say otherwise; generate_mobileconfig signs with it),
// var/cpanel/ssl/cpanel/mycpanel.pem (key and certificate in one PEM file,
// 0600), made on first start as a self-signed certificate for the hostname
// (RSA 2048, SHA-256, one year) when it does not exist yet.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "state.hpp"

namespace whm {

struct PemPair {
  std::string certificate;  // PEM, the certificate then any chain
  std::string private_key;  // PEM
};

inline constexpr const char* kServiceCertificate = "var/cpanel/ssl/cpanel/mycpanel.pem";

// The service certificate as it is (nullopt when there is none yet).
std::optional<PemPair> read_service_certificate(const StateRoot& root);

// The service certificate, made (and written under the state lock) if missing.
PemPair load_or_create_service_certificate(const StateRoot& root, const std::string& hostname);

// A new self-signed certificate for `hostname` (also its subjectAltName).
PemPair make_self_signed_certificate(const std::string& hostname);

// ---- The services' certificates (Cpanel::SSLCerts), var/cpanel/ssl/<dir>/ ----
// Each service has default files (the self-signed certificate made for the
// hostname) and configured files (an installed certificate, with its CA
// bundle); the configured ones win when they exist:
//   cpanel:  cpanel.pem (key, crt) | mycpanel.pem (key, crt, cab) + mycpanel.cabundle (cab)
//   dovecot: dovecot.key, dovecot.crt | mydovecot.key, mydovecot.crt (crt, cab)
//   exim:    exim.key, exim.crt | myexim.key, myexim.crt (crt, cab)
//   ftp:     pure-ftpd.pem (key, crt, cab), ftpd-rsa-key.pem, ftpd-rsa.pem, ftpd-ca.pem |
//            pure-ftpd.pem, myftpd-rsa-key.pem, myftpd-rsa.pem (crt, cab)
// Files are written 0600 (cPanel: 0660 with the service's group, and
// symlinks into /etc, which whmkit leaves out). After an install or reset,
// var/cpanel/ssl/<service>-CN, -DOMAINS and -NOT_AFTER are rewritten.
struct SslServiceFile {
  std::string file;
  std::vector<std::string> contents;  // "key", "crt", "cab", in order
};
struct SslService {
  std::string name, description;
  std::vector<SslServiceFile> default_files, configured_files;
};
const std::vector<SslService>& ssl_services();
const SslService* find_ssl_service(const std::string& name);

struct ServiceSslFiles {
  std::string key, certificate, cabundle;  // PEM ("" when none)
  bool configured = false;                 // the configured files are in use
};
// What the service uses now (nullopt when neither set of files exists).
std::optional<ServiceSslFiles> read_service_ssl(const Transaction& view, const std::string& service);
// Installs `crt` and `key` (and the CA bundle, reordered leaf-issuer first)
// as the service's configured files. ApiError ("Invalid certificate: ...",
// "Invalid key: ...", a key that does not match) changes nothing.
void stage_install_service_ssl(Transaction& txn, const std::string& service, const std::string& crt,
                               const std::string& key, const std::string& cab);
// Makes a new self-signed certificate for `hostname` as the default files
// and moves the configured files aside (<file>.disable.<time>), as cPanel's
// createDefaultSSLFiles does.
void stage_reset_service_ssl(Transaction& txn, const std::string& service, const std::string& hostname);

// The service group (a directory above) a service name belongs to:
// cpanel/whostmgr/webmail/cpdavd -> cpanel, imap/pop3 -> dovecot, smtp ->
// exim, ftp. UNCONFIRMED beyond cPanel's documented names.
std::optional<std::string> ssl_service_group(const std::string& name);

// Cpanel::SSL::Domain's choice of the name to reach a service by: `domain`
// (with "mail." before it when asked) if the service's certificate covers it
// ("exact", "exact-wildcard", "mail-wildcard"), else the hostname
// ("hostname", "hostname-wildcard", or "none" when the certificate covers
// neither). UNCONFIRMED beyond the reference's samples.
struct BestSslDomain {
  std::string ssldomain, cert_match_method = "none";
  bool matches = false, wild = false, self_signed = false, currently_valid = false, has_certificate = false;
  long long not_after = 0;
};
BestSslDomain best_ssldomain(const Transaction& view, const std::string& group, const std::string& hostname,
                             const std::string& domain, bool add_mail_subdomain);
// The answer as WHM API 1 get_best_ssldomain_for_service and UAPI SSL
// get_cn_name report it: ssldomain, cert_match_method, the 0/1 flags
// ssldomain_matches_cert, is_wild_card, is_self_signed, is_currently_valid,
// and cert_valid_not_after (null when the service has no certificate).
nlohmann::json best_ssldomain_json(const BestSslDomain& best);

}  // namespace whm
