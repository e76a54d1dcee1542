// An account's SSL storage, as cPanel's Cpanel::SSLStorage::User keeps it
// in the home (docs/ssl.md):
//  * ~/ssl/keys/<id>.key (private keys; whmkit writes them 0600, cPanel 0640
//    group mail), ~/ssl/certs/<id>.crt and ~/ssl/csrs/<id>.csr (0644), each
//    the PEM text as cPanel's demunge_ssldata leaves it: 64-column base64, LF
//    line ends, no final newline. The directories are 0751 under ~/ssl (0755).
//  * ~/ssl/ssl.db (0600), a CachedDataStore (YAML::Syck) mapping
//      files:   {key|certificate|csr: {<id>: record}}
//      uniques: {key: {"modulus:ecdsa_curve_name:ecdsa_public": {<value>: <id>},
//                      friendly_name: {<name>: <id>}},
//                certificate|csr: {friendly_name: {<name>: <id>}}}
//      indexes: {certificate: {modulus|ecdsa_curve_name|ecdsa_public|subject.commonName:
//                              {<value>: {<id>: ~}}},
//                csr: {modulus|ecdsa_curve_name|ecdsa_public|commonName: {...}}}
//    and its JSON twin ssl.db.cache.
//  * IDs are Cpanel::SSLStorage::Utils's: a key <mod first 5>_<mod last 5>_<md5
//    of the modulus hex> (ECDSA: ec-<X first 10>_<md5 of "X_Y_curveOID">), a
//    certificate <CN>_<mod first 5>_<mod last 5>_<notAfter>_<md5 of the
//    base64> (ECDSA: ec-<CN>_<compressed point chars 2..11>_<notAfter>_<md5>),
//    a CSR the same without notAfter; the CN with a leading "*" as
//    "_wildcard_" and every run of other than [A-Za-z0-9_] as "_".
// Every path below the home is reached through a UserPath / UserDir (never
// through a symlink) and written with the account's uid and gid. A ssl.db
// that does not parse is never rewritten: only rebuild() replaces it, after
// keeping it as ssl.db.<time>.0 as cPanel does.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "state.hpp"
#include "x509.hpp"

namespace whm {

namespace user_ssl_paths {
inline constexpr const char* kDir = "ssl";  // inside the home
inline constexpr const char* kDb = "ssl/ssl.db";
inline constexpr const char* kDbCache = "ssl/ssl.db.cache";
}  // namespace user_ssl_paths

enum class SslKind { Key, Certificate, Csr };
const char* ssl_kind_name(SslKind);  // "key", "certificate", "csr" (ssl.db's names)

// cPanel's IDs (see above).
std::string ssl_key_id(const x509::PublicKeyInfo& key);
std::string ssl_certificate_id(const x509::CertInfo& cert);
std::string ssl_csr_id(const x509::CsrInfo& csr);
// An ID as a file name: refuses "", ".", "..", a slash, a leading period and
// control characters with cPanel's `The “id” parameter is invalid.`
void check_ssl_id(const std::string& id);

class UserSslStore {
 public:
  // The store in the home `home` ("/home/bob", as etc/passwd names it); new
  // files get `owner`. Reads ssl.db through `txn` (building the index from
  // the files when there is none yet, as cPanel does); ApiError when ssl.db
  // does not parse.
  UserSslStore(Transaction& txn, const std::string& home, FileOwner owner);
  // root's store, /var/cpanel/ssl/system/{keys,certs,csrs,ssl.db} (cPanel's
  // SSLStorage::User for root: WHM API 1 generatessl).
  struct SystemStore {};
  UserSslStore(Transaction& txn, SystemStore);

  // Every record of a kind, sorted by friendly_name, as cPanel's find_*
  // return them (key_algorithm defaulted, the ECDSA fields null on RSA).
  std::vector<nlohmann::json> list(SslKind kind) const;
  std::optional<nlohmann::json> by_id(SslKind kind, const std::string& id) const;
  std::optional<nlohmann::json> by_friendly_name(SslKind kind, const std::string& name) const;
  // The records of `kind` whose public key is `key`'s.
  std::vector<nlohmann::json> for_key(SslKind kind, const x509::PublicKeyInfo& key) const;
  // The stored text of the item (nullopt when the file is missing).
  std::optional<std::string> text(SslKind kind, const std::string& id) const;

  // Adds an item (or returns the one already stored with the same ID and
  // friendly name); `friendly_name` "" = cPanel's default. ApiError in
  // cPanel's words for bad text or a clash.
  nlohmann::json add_key(const std::string& text, const std::string& friendly_name);
  nlohmann::json add_certificate(const std::string& text, const std::string& friendly_name);
  nlohmann::json add_csr(const std::string& text, const std::string& friendly_name);
  // Removes the item and its file (nothing if it is not there).
  void remove(SslKind kind, const std::string& id);
  void set_friendly_name(SslKind kind, const std::string& id, const std::string& name);
  // Rebuilds ssl.db from the files (cPanel's rebuild_records): the list of
  // {action, type, path, details} changes.
  nlohmann::json rebuild();

  // "/home/bob/ssl/keys/<id>.key"
  std::string shown_path(SslKind kind, const std::string& id) const;

  // Problems of a home's store, for whmkit-check: ssl.db damaged, an
  // indexed item's file missing, a key readable by others.
  static std::vector<std::string> problems(const StateRoot& root, const std::string& home);

 private:
  nlohmann::json add(SslKind kind, nlohmann::json record, const std::string& pem, const std::string& friendly_name);
  void load();
  void save();
  void build_from_files(const nlohmann::json& old);
  std::string path(SslKind kind, const std::string& id) const;  // inside home_rel_
  std::optional<std::string> read_rel(const std::string& rel) const;
  bool exists_rel(const std::string& rel) const;
  void write_rel(const std::string& rel, const std::string& content, mode_t mode);
  void remove_rel(const std::string& rel);
  void make_dir_rel(const std::string& rel, mode_t mode);
  void ensure_dirs();
  std::string default_friendly_name(SslKind kind, const nlohmann::json& record);
  bool friendly_name_taken(SslKind kind, const std::string& name) const;
  void reindex();

  Transaction& txn_;
  std::string home_, home_rel_;
  FileOwner owner_;
  std::string db_rel() const { return prefix_ + "/ssl.db"; }
  std::string prefix_;  // the store's directory inside home_rel_ ("ssl")
  std::string shown_;   // as messages name it ("/home/bob/ssl")
  nlohmann::json db_;
  bool building_ = false;
  bool system_ = false;                             // root's store: paths only root controls
  std::map<std::string, std::string> found_texts_;  // "<kind>/<id>" -> PEM, from build_from_files
};

}  // namespace whm
