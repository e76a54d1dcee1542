// Mail SNI: the certificate the mail services present for each domain a
// client names (TLS SNI), from cPanel's Domain TLS datastore
//   var/cpanel/ssl/domain_tls/<domain>/combined   the key, the certificate
//       and its CA bundle, PEM (how certificates get there is the SSL
//       installation's business)
// built into the files the services read:
//   etc/dovecot/sni.conf  a "local_name <domain> { ssl_cert = <FILE ssl_key = <FILE }"
//       block per domain, which Dovecot's configuration includes
//   etc/mail_sni_map      "<domain>: FILE" lines: Exim's tls_certificate and
//       tls_privatekey look $tls_in_sni up there (lsearch; a file name read
//       from a file is not tainted, $tls_in_sni itself is)
// FILE is where the combined file is (the state root's path: cPanel's on a
// server). A domain whose file is not a certificate with its key is left
// out, with a warning: one bad file would keep Dovecot from starting.
#pragma once
#include <string>
#include <vector>

#include "state.hpp"

namespace whm {

namespace mail_sni_paths {
constexpr const char* kDomainTls = "var/cpanel/ssl/domain_tls";
constexpr const char* kDovecotSni = "etc/dovecot/sni.conf";
constexpr const char* kEximSniMap = "etc/mail_sni_map";
}  // namespace mail_sni_paths

// Stages both files from the datastore as `txn` sees it (read through
// apache_tls.hpp's Domain TLS reader); the domains they name, sorted.
// `also`: domains this transaction has added to or removed from the
// datastore (the directory listing shows the disk).
std::vector<std::string> stage_mail_sni_config(Transaction& txn, const std::vector<std::string>& also = {});
// The same after a change of the datastore entries of `changed` only: the
// other domains' lines are kept as the files have them (a change costs one
// domain's check, not every domain's); a full rebuild when either file is
// missing or not as this module writes it.
void stage_mail_sni_update(Transaction& txn, const std::vector<std::string>& changed);

}  // namespace whm
