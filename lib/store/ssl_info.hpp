// The best certificate, key and CA bundle for a domain, or the key and CA
// bundle of a given certificate, as cPanel's Cpanel::SSLInfo::fetchinfo
// finds them (WHM API 1 fetchsslinfo, UAPI SSL fetch_best_for_domain and
// fetch_key_and_cabundle_for_certificate; docs/ssl.md):
//  * the stores searched ("searched_users") are the caller's own (root's is
//    var/cpanel/ssl/system) and, for root, the domain's owner's;
//  * by domain: in each store in turn, the certificates naming the domain
//    (or its www. twin, or a wildcard one label up), CA-signed before
//    self-signed, then the latest expiry, then the longer key; else the
//    certificate installed on the account's web vhost for the domain;
//  * the key: the stored key of that public key, in each store in turn;
//    else, for root, a service certificate's key (var/cpanel/ssl/<service>);
//    else the key installed with the certificate on one of the account's
//    vhosts (cPanel's FETCHBYMODULUS admin call);
//  * the CA bundle: "" for a self-signed certificate; the bundle installed
//    with the same certificate on a vhost; else cPanel's "Sorry, no
//    certificate authority bundle was found; ..." text (whmkit fetches no
//    bundle from the network: UNCONFIRMED beyond that).
// What cPanel reports as text where it finds nothing ("Sorry, no SSL key file
// was found for the domain ...") is kept, as clients test for "Sorry,".
#pragma once
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "state.hpp"

namespace whm {

struct SslInfoQuery {
  std::string domain;       // the domain to find a certificate for, or
  std::string certificate;  // the certificate (PEM) to find the key and CA bundle of
  std::string caller;       // who asks: "root", a reseller, or the cPanel account itself
  // The stores to search besides the caller's own; root (with search_owner)
  // also searches the domain owner's, and the service certificates' keys.
  std::vector<std::string> users;
  bool search_owner = false;
};

// cPanel's answer: {status, statusmsg, crt, key, cab, domain, ip, user,
// crt_origin, key_origin, searched_users}; status 0 with only status and
// statusmsg for bad input; status 1 with only those two when no certificate
// for the domain is found.
nlohmann::json fetch_ssl_info(Transaction& view, const SslInfoQuery& query);

}  // namespace whm
