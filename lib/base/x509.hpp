// Keys, certificate signing requests and certificates, on OpenSSL 3's
// library: making them, reading them, and the facts cPanel reports of them
// (Cpanel::SSL::Utils' parse_key_text / parse_certificate_text /
// parse_csr_text shapes). No state: the per-user store is
// lib/store/user_ssl.*, the service certificates lib/store/service_certificate.*.
//
// Text that is not what it should be throws ApiError in cPanel's wording
// ("The key text was not valid." and its siblings).
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace whm::x509 {

enum class KeyType { Rsa2048, Rsa4096, EcdsaP256, EcdsaP384 };
// cPanel's names: "rsa-2048", "rsa-4096", "ecdsa-prime256v1", "ecdsa-secp384r1"
std::optional<KeyType> key_type_from_name(const std::string& name);
std::string key_type_name(KeyType);

struct PublicKeyInfo {           // what cPanel reports of a key (UAPI list_keys / parse_key shapes)
  std::string key_algorithm;     // "rsaEncryption" or "id-ecPublicKey"
  int modulus_length = 0;        // RSA bits (0 for ECDSA)
  std::string modulus;           // RSA modulus, lowercase hex (no leading zeros)
  std::string public_exponent;   // RSA, lowercase hex
  std::string ecdsa_curve_name;  // "prime256v1" / "secp384r1"
  std::string ecdsa_public;      // ECDSA public point, compressed, lowercase hex (as cPanel reports it)
  std::string ecdsa_point;       // added: the uncompressed point (04 || X || Y), lowercase hex
  std::string identity() const;  // modulus or ecdsa_public: equal iff same key
  bool is_rsa() const { return key_algorithm == "rsaEncryption"; }
  // The KeyType this key is, when it is one of the four cPanel makes.
  std::optional<KeyType> key_type() const;
};
struct KeyInfo : PublicKeyInfo {
  std::string pem;  // the private key, PEM
};
// One relative distinguished name, with cPanel's attribute name
// ("commonName", "organizationName", ...; the dotted OID when it has none).
using NameEntry = std::pair<std::string, std::string>;
struct CertInfo : PublicKeyInfo {
  std::string pem;  // this one certificate, PEM, normalised
  // The subject's commonName first unless the subjectAltName lists it, then
  // the subjectAltName dNSNames, lowercase (Cpanel::SSL::Utils' order).
  std::vector<std::string> domains;
  std::string subject_common_name, issuer_common_name, issuer_organization_name;
  long long not_before = 0, not_after = 0;  // epoch seconds
  bool is_self_signed = false;              // subject equals issuer
  std::string serial;                       // lowercase hex
  std::string signature_algorithm;          // e.g. "sha256WithRSAEncryption"
  std::string sha256_fingerprint;           // lowercase hex of the DER
  std::string subject_hash, issuer_hash;    // to order chains (X509_NAME_hash_ex, hex)
  // Added: the names in order, and the validation type from the
  // certificatePolicies ("dv", "ov"; "" when the certificate names neither).
  std::vector<NameEntry> subject_list, issuer_list;
  std::string validation_type;
  bool is_ca = false;  // basicConstraints CA:TRUE
  // "commonName\nexample.com\norganizationName\n..." (UAPI's subject_text / issuer_text)
  std::string subject_text() const;
  std::string issuer_text() const;
};
struct CsrInfo : PublicKeyInfo {
  std::string pem;
  std::vector<std::string> domains;  // commonName first unless the SAN has it, then the SAN dNSNames
  std::string common_name;
  std::vector<NameEntry> subject_list;  // added
};
struct Subject {
  std::vector<std::string> domains;  // the first is the commonName; all go into subjectAltName
  std::string country, state, city, company, company_division, email;
};

KeyInfo generate_key(KeyType);
KeyInfo parse_key(const std::string& pem);                                // throws ApiError (reference wording)
CertInfo parse_certificate(const std::string& pem);                       // first certificate of the text
std::vector<CertInfo> parse_certificates(const std::string& pem_bundle);  // all of them, in order
CsrInfo parse_csr(const std::string& pem);
bool same_key(const PublicKeyInfo& a, const PublicKeyInfo& b);
bool name_matches(const std::string& pattern, const std::string& domain);            // "*.a.com" covers "b.a.com" only
bool covers(const CertInfo& cert, const std::string& domain);                        // any of cert.domains matches
std::string make_csr(const KeyInfo& key, const Subject& subject);                    // PEM, SHA-256
std::string make_self_signed(const KeyInfo& key, const Subject& subject, int days);  // PEM
// The CA bundle (intermediates) reordered leaf-issuer first; certificates not in the chain dropped.
std::string order_ca_bundle(const CertInfo& leaf, const std::string& cabundle_pem);

// ---- Added (not in the shared contract) ----

// An RSA key of `bits` (UAPI generate_key's deprecated keysize, 2048 to 4096).
KeyInfo generate_rsa_key(int bits);

// OpenSSL's human-readable dump ("openssl x509 -noout -text", "openssl req
// -noout -text", "openssl pkey -noout -text_pub"): UAPI show_cert / show_csr
// / show_key's `text`.
std::string certificate_text(const std::string& pem);
std::string csr_text(const std::string& pem);
std::string key_text(const std::string& pem);
// Whether `cert` was signed by `issuer`'s key (chains, self-signed checks).
bool signed_by(const CertInfo& cert, const CertInfo& issuer);
// The PEM blocks of one kind ("CERTIFICATE", ...) in `text`, normalised
// (64-column base64, LF line ends, a final newline).
std::vector<std::string> pem_blocks(const std::string& text, const std::string& label);

}  // namespace whm::x509
