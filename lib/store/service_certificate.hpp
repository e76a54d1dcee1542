// The service certificate cPanel's own server uses (whmkitd serves it unless
// --cert/--key say otherwise; generate_mobileconfig signs with it),
// var/cpanel/ssl/cpanel/mycpanel.pem (key and certificate in one PEM file,
// 0600), made on first start as a self-signed certificate for the hostname
// (RSA 2048, SHA-256, one year) when it does not exist yet.
#pragma once
#include <optional>
#include <string>

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

}  // namespace whm
