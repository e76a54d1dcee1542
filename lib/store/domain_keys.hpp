// DKIM keys, as cPanel keeps them: var/cpanel/domain_keys/private/<domain>
// (the RSA private key, PEM "BEGIN RSA PRIVATE KEY", 0640 root:mail: Exim's
// smtp transport reads it as the mail user to sign outgoing mail) and
// var/cpanel/domain_keys/public/<domain> (PEM "BEGIN PUBLIC KEY", 0644). The
// zone's `default._domainkey` TXT record publishes the public key. Keys are
// made and read with OpenSSL's EVP interface.
#pragma once
#include <optional>
#include <string>

#include "state.hpp"

namespace whm {

namespace domain_keys {
std::string private_rel(const std::string& domain);
std::string public_rel(const std::string& domain);
constexpr int kDefaultBits = 2048;  // new keys, and ensure_dkim_keys_exist replaces shorter ones (UNCONFIRMED)
constexpr int kMinimumBits = 1024;  // the least a verifier accepts (RFC 8301); installed keys
constexpr int kMaximumBits = 4096;  // the most a key record fits comfortably in one TXT record
constexpr const char* kSelector = "default";
}  // namespace domain_keys

struct DkimKey {
  std::string private_pem;     // PKCS#1, as written to the private file
  std::string public_pem;      // SubjectPublicKeyInfo, as written to the public file
  std::string public_der_b64;  // the record's p=
  int bits = 0;
};

// A new RSA key.
DkimKey new_dkim_key(int bits = domain_keys::kDefaultBits);
// An RSA private key in PEM (PKCS#1 or PKCS#8, unencrypted), written back in
// the canonical form; nullopt with `why` for anything else.
std::optional<DkimKey> parse_dkim_key(const std::string& pem, std::string& why);
// The installed key of `domain`; nullopt when there is none, or (with
// `problem` set) when the private file holds no usable key.
std::optional<DkimKey> load_dkim_key(const Transaction& view, const std::string& domain,
                                     std::string* problem = nullptr);
void stage_dkim_key(Transaction& txn, const std::string& domain, const DkimKey& key);
// "default._domainkey.<domain>"
std::string dkim_record_name(const std::string& domain);
// "v=DKIM1; k=rsa; p=<base64>"
std::string dkim_record(const DkimKey& key);

}  // namespace whm
