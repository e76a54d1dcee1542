// Apple configuration profiles (.mobileconfig) that set up a mailbox's mail,
// calendar and contacts on an Apple device: the property list cPanel's
// generate_mobileconfig writes (the layout of the reference's sample, CRLF
// lines and all), signed as CMS SignedData with the server's service
// certificate as cPanel signs it, so the device shows the profile as verified.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "service_certificate.hpp"

namespace whm {

struct MobileConfigRequest {
  std::string address;   // local@domain: the mailbox (the account's own: <user>@<main domain>)
  std::string login;     // what the servers take as the username
  std::string hostname;  // the server the device connects to
  bool use_ssl = true;
  bool caldav = true, carddav = true, email = true;
};

// The profile's property list (XML, CRLF line ends).
std::string mobileconfig_plist(const MobileConfigRequest& request);

// The profile as it is handed out: `plist` signed with `signer` (CMS
// SignedData, DER, SHA-256, the signer's certificate and chain included), or
// the plist itself when there is no certificate to sign with.
std::string sign_mobileconfig(const std::string& plist, const std::optional<PemPair>& signer);

}  // namespace whm
