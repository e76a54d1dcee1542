// An account's SSH keys: the files in ~/.ssh, as cPanel keeps them.
//  * A key pair is <name> (the private key, PEM, mode 0600) and <name>.pub
//    (one OpenSSH public key line "ssh-rsa AAAA... comment", mode 0644); the
//    default names are id_rsa and id_dsa. ~/.ssh itself is mode 0700.
//  * ~/.ssh/authorized_keys (mode 0600, as cPanel leaves it) holds one key a
//    line, optionally after sshd options; authorizing a key appends its .pub
//    line, deauthorizing removes every line holding the same key (type and
//    key data; the comment and options do not matter). Deauthorizing also
//    cleans the deprecated authorized_keys2, where it exists; nothing is
//    ever added to it.
//  * Everything lives in the home, so the home's lifecycle part moves,
//    archives and removes it; every path is reached as a UserPath / UserDir
//    (user_dir.hpp), never through a symlink, and written with the account's
//    uid and gid.
//  * A WHM user's keys (the WHM API 1 SSH functions) are the same files in
//    its home: root's in /root/.ssh, a reseller's in its account's home.
// Keys are generated with OpenSSL: the private key in the PEM format
// ssh-keygen -m PEM writes (AES-128-CBC when it has a passphrase), the
// public key line and fingerprint written here.
#pragma once
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "account_store.hpp"
#include "state.hpp"

namespace whm {

namespace ssh_paths {
inline constexpr const char* kDir = ".ssh";  // inside the home
inline constexpr const char* kAuthorizedKeys = "authorized_keys";
inline constexpr const char* kDeprecatedAuthorizedKeys = "authorized_keys2";
}  // namespace ssh_paths

// One OpenSSH public key: "ssh-rsa AAAA... comment".
struct PublicKey {
  std::string type, base64, comment;
  std::string line() const;  // "type base64[ comment]"
  bool same_key(const PublicKey& other) const { return type == other.type && base64 == other.base64; }
};

// The public key in `line` (surrounding blanks allowed), or nullopt unless
// it is one key of a type OpenSSH knows (ssh-rsa, ssh-dss, ssh-ed25519,
// ecdsa-sha2-nistp256/384/521) whose data is base64 of a blob naming that
// type, with a comment free of control characters.
std::optional<PublicKey> parse_public_key(const std::string& line);
// The private key in `text` with each line trimmed (no final newline), or
// nullopt unless `text` is one PEM-armoured private key: "-----BEGIN
// RSA|DSA|EC|OPENSSH PRIVATE KEY-----", optional "Name: value" headers,
// base64 lines, the matching END line, nothing else.
std::optional<std::string> parse_private_key(const std::string& text);
// The key data of a public key line or a private key alone (no blanks,
// armour or headers): equal for the same key stored twice.
std::string raw_key_data(const std::string& key_text);
// The key's fingerprint as ssh-keygen prints it: "SHA256:" and the unpadded
// base64 of the SHA-256 of the key blob.
std::string key_fingerprint(const PublicKey& key);

enum class KeyAlgorithm { Rsa, Dsa };

struct GeneratedKey {
  std::string private_pem;  // PEM, encrypted when a passphrase was given
  PublicKey public_key;
  std::string randomart;  // ssh-keygen's "randomart" picture of the fingerprint, lines ending in '\n'
};
// A new key pair. RSA: `bits` from 1024 to 4096; DSA: 1024 (all OpenSSH
// accepts). Throws ApiError if OpenSSL fails.
GeneratedKey generate_key(KeyAlgorithm algorithm, int bits, const std::string& passphrase, const std::string& comment);

// A private key opened with OpenSSL, as SSH's wire format writes it.
struct OpenedPrivateKey {
  PublicKey public_key;      // no comment (a PEM key carries none)
  std::string public_blob;   // the key blob the public key line encodes
  std::string private_blob;  // the private fields after the public ones, as PuTTY stores them
};
// The PEM private key `pem` (RSA, DSA or ECDSA on the NIST curves; PKCS#1,
// SEC1 or PKCS#8), decrypted with `passphrase` when it is encrypted. Throws
// ApiError when the passphrase is missing or wrong, or OpenSSL cannot read
// the key; the message never holds the passphrase.
OpenedPrivateKey open_private_key(const std::string& pem, const std::string& passphrase);

// A new key's passphrase: at least 5 characters (ssh-keygen's minimum) and
// the strength cPanel requires of the "sshkey" application's passwords
// (minpwstrength_sshkey). Throws ApiError with cPanel's wording.
void check_key_passphrase(const StateRoot& root, const std::string& passphrase);

// A key name as a file name in ~/.ssh: throws ApiError (invalid_param naming
// `param`) for an empty name, one starting with a period, holding "..", a
// slash, a blank or a control character, longer than 255 bytes, or one of the
// files sshd reads (authorized_keys, config, known_hosts, ...).
void check_key_name(const std::string& name, const std::string& param);

// A key file in ~/.ssh as the listing sees it.
struct KeyFile {
  std::string name;  // the file name ("id_rsa", "id_rsa.pub")
  bool is_private = false;
  std::string text;              // the file's contents, trimmed
  std::optional<PublicKey> key;  // public key files
  std::string raw;               // the key data alone (no blanks), to find the same key stored twice
  std::time_t mtime = 0, ctime = 0;
};

// An authorized_keys line holding a key.
struct AuthorizedKey {
  std::string options;  // "" if none
  PublicKey key;
};

// A user's ~/.ssh, read and changed inside one Transaction.
class SshDir {
 public:
  SshDir(const StateRoot& root, const CpanelAccount& account) : SshDir(root, account.home, account.owner) {}
  // The .ssh of the home `home` ("/root", as etc/passwd names it); new files get `owner`.
  SshDir(const StateRoot& root, const std::string& home, FileOwner owner);

  // "/home/bob/.ssh/<name>", as messages and answers name it.
  std::string shown(const std::string& name = "") const;
  // The key files (private keys or .pub files; others are left out), sorted
  // by name. Files that are not regular, have other hard links, or are larger
  // than a key could be are left out too.
  std::vector<KeyFile> key_files() const;
  std::optional<KeyFile> key_file(const std::string& name) const;
  // The keys in authorized_keys, in file order.
  std::vector<AuthorizedKey> authorized(const Transaction& txn) const;
  // The file `name` as `txn` sees it; nullopt if there is none (refuses a symlink).
  std::optional<std::string> read(const Transaction& txn, const std::string& name) const;
  // What is at `name` (lstat); nullopt if nothing.
  std::optional<struct stat> status(const std::string& name) const;

  // Stages a key file (0600 for a private key, 0644 for a .pub), creating ~/.ssh (0700) if needed.
  void stage_key(Transaction& txn, const std::string& name, const std::string& text) const;
  // The public key in the .pub file `name`: its last line holding anything,
  // as cPanel reads it. ApiError if it is empty or not a public key.
  PublicKey public_key(const Transaction& txn, const std::string& name) const;
  // Stages a key that is being imported, `content` as the file `name` holds
  // it. ApiError if that file exists or another key file holds the same key.
  void stage_import(Transaction& txn, const std::string& name, const std::string& content) const;
  // Stages renaming `from` to `to` (copy and remove: UserPaths are not renamed).
  void stage_move(Transaction& txn, const std::string& from, const std::string& to) const;
  // Adds (authorize) or removes (not) `key` in authorized_keys; every line
  // already holding the same key is removed first, so it is there at most
  // once. `options` (sshd's, checked by check_authorized_options) go before it.
  void stage_authorization(Transaction& txn, const PublicKey& key, bool authorize,
                           const std::string& options = "") const;
  // Removes the key file `name`; a public key is first taken out of
  // authorized_keys unless `leave_authorized`. ApiError if there is no such
  // regular file.
  void stage_delete(Transaction& txn, const std::string& name, bool leave_authorized) const;

 private:
  UserPath path(const std::string& name) const { return {home_rel_, std::string(ssh_paths::kDir) + "/" + name}; }
  void stage_dir(Transaction& txn) const;
  const StateRoot& root_;
  std::string home_;  // as shown: "/home/bob"
  FileOwner owner_;
  std::string home_rel_;
};

// The .ssh of the WHM user `user`: root's home /root, or the home of the
// reseller's account (ApiError if it has none).
SshDir whm_user_ssh_dir(const StateRoot& root, const std::string& user);

// sshd's options for an authorized_keys line, comma-separated
// ("no-pty,from=\"10.0.0.1\""): throws ApiError (invalid_param naming
// `param`) unless each is a name of letters, digits and "-", optionally
// ="value" with no double quote or control character in the value.
void check_authorized_options(const std::string& options, const std::string& param);

// The port sshd listens on: the first Port line of etc/ssh/sshd_config, 22 without one.
int sshd_port(const StateRoot& root);

}  // namespace whm
