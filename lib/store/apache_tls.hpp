// Installing certificates into the web server (docs/ssl-install.md):
//  * the Apache TLS datastore, one directory per web vhost (the account's
//    main domain or subdomain):
//      var/cpanel/ssl/apache_tls/<vhost>/combined       key, certificate, CA bundle (PEM)
//      var/cpanel/ssl/apache_tls/<vhost>/certificates   certificate, CA bundle
//    and its index var/cpanel/ssl/apache_tls_index.json (UNCONFIRMED: cPanel
//    keeps an SQLite index; whmkit one line per vhost, sorted by name,
//    "<vhost>\t<ip>\t<user>\t<entry>", the entry a JSON object of what the
//    listings report of its certificate and the account owning it; a file in
//    the earlier form, one JSON object of vhost -> entry, is still read);
//  * the Domain TLS datastore, the same two files per domain of the vhost
//    that the certificate covers: var/cpanel/ssl/domain_tls/<domain>/ (the
//    mail services read it: mail_sni.hpp);
//  * userdata <vhost>_SSL: the vhost's userdata with "ssl: 1" and the SSL port;
//  * the web server configuration (web_config.hpp) and the mail SNI files.
// Everything is staged into the caller's Transaction; the web servers are
// reloaded once it commits (Transaction::on_commit, through services.hpp:
// `systemctl reload` on "/", the service table's reload signal elsewhere).
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "state.hpp"

namespace whm {

namespace apache_tls_paths {
constexpr const char* kApacheTls = "var/cpanel/ssl/apache_tls";
constexpr const char* kDomainTls = "var/cpanel/ssl/domain_tls";
constexpr const char* kIndex = "var/cpanel/ssl/apache_tls_index.json";
// The primary (default) vhost of each IP, "<ip>:SSL=<servername>" lines
// after a "#" header, as Cpanel::HttpUtils::Vhosts::Primary writes it.
constexpr const char* kPrimaryVhosts = "var/cpanel/conf/apache/primary_virtual_hosts.conf";
std::string combined(const std::string& vhost);      // apache_tls/<vhost>/combined
std::string certificates(const std::string& vhost);  // apache_tls/<vhost>/certificates
std::string domain_combined(const std::string& domain);
}  // namespace apache_tls_paths

struct InstalledCertificate {
  std::string vhost;
  std::string key_pem, certificate_pem, cabundle_pem;
};

// Install (or replace) the certificate for the account's web vhost `vhost`
// (or the vhost serving that domain of the account): Apache TLS datastore,
// userdata <vhost>_SSL, Domain TLS entries, the index, the web server
// configuration and the mail SNI files, all staged into txn; the web servers
// are reloaded after the commit. Checks: key matches certificate,
// certificate covers the vhost (or a domain of it), not expired. Throws
// ApiError with the reference's wording.
void stage_ssl_install(Transaction& txn, const std::string& user, const InstalledCertificate& cert);

// What an installation did, for the API answers.
struct SslInstallResult {
  std::string vhost, user, ip;
  std::vector<std::string> aliases;                    // the vhost's other names
  std::vector<std::string> working_domains;            // the vhost's names the certificate covers
  std::vector<std::string> warning_domains;            // those it does not
  std::vector<std::string> extra_certificate_domains;  // the certificate's names beyond the servername
  bool replaced = false;                               // a certificate was installed before
};
// stage_ssl_install, with the result.
SslInstallResult stage_ssl_install_for(Transaction& txn, const std::string& user, const InstalledCertificate& cert);

std::optional<InstalledCertificate> installed_certificate(const Transaction& view, const std::string& vhost);
// The userdata file `name` of `user` (var/cpanel/userdata/<user>/<name>) as
// JSON; nullopt when it does not exist; ApiError naming it when it does not
// parse as a YAML mapping.
std::optional<nlohmann::json> read_userdata(const Transaction& view, const std::string& user, const std::string& name);

std::vector<std::string> ssl_vhosts(const Transaction& view);  // every vhost with a certificate, sorted

// The index: vhost -> {"user", "domains", "servername", certificate fields
// (x509 names: not_after, not_before, key_algorithm, modulus, ..., "id")}.
nlohmann::json ssl_index(const Transaction& view);
// The vhost of `user` that serves `domain` (nullopt when the account has no such domain).
std::optional<std::string> vhost_of_domain(const Transaction& view, const std::string& user, const std::string& domain);
// The index's lines as they are, without parsing the entries: what a listing
// of every vhost needs first (which vhost is first on its IP, whose it is).
struct SslIndexRow {
  std::string vhost, ip, user;
  std::string json;  // the entry, JSON text
};
std::vector<SslIndexRow> ssl_index_rows(const Transaction& view);
// A row's entry ({"servername"} with a warning when it does not parse).
nlohmann::json ssl_index_entry_of(const SslIndexRow& row);
// One vhost's entry, found without parsing the others (nullopt: none).
std::optional<nlohmann::json> ssl_index_entry(const Transaction& view, const std::string& vhost);
// The account owning the installed vhost (from its index entry).
std::optional<std::string> ssl_vhost_owner(const Transaction& view, const std::string& vhost);

// The primary SSL vhost set for each IP (ip -> servername), from kPrimaryVhosts.
std::map<std::string, std::string> primary_ssl_vhosts(const Transaction& view);
// Sets `servername` as the primary vhost of `ip` (HTTPS with `ssl`; an IPv4
// address, others are passed over as cPanel does), keeping the other lines.
void stage_primary_vhost(Transaction& txn, const std::string& ip, const std::string& servername, bool ssl);

// Removes the vhost's certificate: datastore, its Domain TLS entries, the
// index entry, userdata <vhost>_SSL; configuration rebuilt, servers reloaded
// after the commit. ApiError when the vhost has no certificate.
void stage_ssl_removal(Transaction& txn, const std::string& vhost);

// Domain TLS: the combined file of `domain` as the transaction sees it
// (the one reader; mail_sni.cpp reads through it), and every domain listed.
std::optional<std::string> domain_tls_combined(const Transaction& view, const std::string& domain);
std::vector<std::string> domain_tls_domains(const Transaction& view);

// A certificate's and a key's id as cPanel's SSL storage names them
// (user_ssl.hpp's ssl_certificate_id / ssl_key_id).
std::string certificate_id(const std::string& certificate_pem);
std::string key_id(const std::string& key_pem);

}  // namespace whm
