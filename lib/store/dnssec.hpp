// DNSSEC for the zones whmkit serves with BIND (cPanel uses PowerDNS; see
// docs/dnssec.md for the choice and the file formats).
//
// A zone's keys live in var/cpanel/dnssec/<zone>/, in BIND's own formats
// (K<zone>.+<alg>+<tag>.key and .private, as dnssec-keygen writes them),
// with dnssec.conf: the zone's NSEC settings and which key files are its
// keys, under cPanel's key IDs. Whenever the zone or its keys change,
// dnssec-signzone signs the zone with the active keys into
// var/named/<zone>.db.signed, and the zone's named.conf stanza serves that
// file; a zone with no active key is served unsigned from <zone>.db.
#pragma once
#include <ctime>
#include <optional>
#include <string>
#include <vector>

namespace whm {

class Transaction;

// One DNSSEC key of a zone.
struct DnssecKey {
  int id = 0;                // cPanel's key_id: per zone, from 1, never reused
  std::string type;          // "KSK", "ZSK" or "CSK" (one key signing everything)
  std::string base;          // the BIND file name without extension: "Kexample.com.+013+40481"
  std::string public_text;   // the .key file
  std::string private_text;  // the .private file (its timing fields say whether it is active)

  int flags() const;      // 257 (KSK, CSK) or 256 (ZSK)
  int algorithm() const;  // the DNSKEY's algorithm number
  int tag() const;        // the key tag (RFC 4034 appendix B)
  int bits() const;
  std::string public_key() const;  // the DNSKEY's public key field, base64
  std::time_t created() const;     // the .private's Created field (0 if none)
  bool active(std::time_t now) const;
};

struct NsecSettings {
  bool nsec3 = false;  // NSEC3 (RFC 5155), else NSEC
  long iterations = 0;
  bool narrow = false;  // PowerDNS's narrow mode: recorded; BIND always signs a full NSEC3 chain
  bool opt_out = false;
  std::string salt;  // hex, "" for none
};

// The algorithms cPanel offers: {number, BIND's name, cPanel's description}.
struct DnssecAlgorithm {
  int number;
  const char* tag;
  const char* description;
};
const DnssecAlgorithm* dnssec_algorithm(int number);  // nullptr if unknown

// The most NSEC3 iterations BIND's dnssec-signzone signs with.
constexpr long kMaxNsec3Iterations = 150;
// How long signatures stay valid; every change of the zone or its keys re-signs it.
constexpr long kSignatureValiditySeconds = 180L * 24 * 3600;

std::string dnssec_dir_rel(const std::string& zone);
std::string signed_zone_rel(const std::string& zone);

// A zone's DNSSEC state, read through a transaction and staged back.
class ZoneKeys {
 public:
  // An empty set (DNSSEC never enabled) if the zone has no dnssec.conf.
  static ZoneKeys load(const Transaction& txn, const std::string& zone);
  bool enabled() const { return enabled_; }
  const std::string& zone() const { return zone_; }
  const std::vector<DnssecKey>& keys() const { return keys_; }
  NsecSettings nsec;

  // Adds a key (made by make_key or import_key) and returns its new key_id.
  int add(DnssecKey key);
  // Throws ApiError if the zone has no key `id`.
  const DnssecKey& key(int id) const;
  void remove(int id);
  void set_active(int id, bool active, std::time_t now);

  // Writes dnssec.conf and the key files, removes those of removed keys, and
  // signs the zone (or serves it unsigned when no key is active).
  void stage(Transaction& txn) const;
  // Removes everything: the keys, the settings and the signed zone.
  static void stage_remove(Transaction& txn, const std::string& zone);

 private:
  std::string zone_;
  bool enabled_ = false;
  int next_id_ = 1;
  std::vector<DnssecKey> keys_;
  std::vector<std::string> removed_bases_;
};

// A new key made by BIND's dnssec-keygen. `bits` 0: the algorithm's default
// for the type (RSA: 2048 for KSK/CSK, 1024 for ZSK). Throws ApiError if
// dnssec-keygen is missing or refuses.
DnssecKey make_key(const std::string& zone, int algorithm, int bits, const std::string& type);
// A key from a BIND/PowerDNS private key file ("Private-key-format: v1.2"
// ...): RSA (5, 7, 8, 10) and ECDSA (13, 14). Throws ValidationError naming
// what is wrong with `key_data`.
DnssecKey import_key(const std::string& zone, const std::string& type, const std::string& key_data, std::time_t now);

// The DS digest of a key: 1 (SHA-1), 2 (SHA-256), 4 (SHA-384); lower-case hex.
std::string ds_digest(const std::string& zone, const DnssecKey& key, int digest_type);

// The zone's DNSSEC files for an account archive, by name ("dnssec.conf",
// "K....key"): empty without DNSSEC.
std::vector<std::pair<std::string, std::string>> dnssec_files(const Transaction& txn, const std::string& zone);
// Stages the files an archive holds (dnssec_files' names) for the zone,
// after checking them: dnssec.conf must name the zone's keys, and each key's
// private part must be a key importable by import_key whose public part is
// the .key file's. Throws ApiError naming what is wrong; the caller stages
// the zone text afterwards, which signs it.
void stage_restored_dnssec(Transaction& txn, const std::string& zone,
                           const std::vector<std::pair<std::string, std::string>>& files);

// The earliest expiration of the RRSIGs in a signed zone file (nullopt if it has none).
std::optional<std::time_t> earliest_signature_expiry(const std::string& signed_text);
// whmkit-check warns this long before a signed zone's signatures expire.
constexpr long kSignatureWarningSeconds = 14L * 24 * 3600;

// Re-signs the zone after its text changed (dns_store calls it with every zone
// it stages); nothing for a zone without DNSSEC.
void stage_zone_signature(Transaction& txn, const std::string& zone, const std::string& zone_text);

}  // namespace whm
