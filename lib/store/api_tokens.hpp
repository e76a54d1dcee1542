// API tokens, stored as cPanel stores them (docs/api-tokens.md):
//   var/cpanel/authn/api_tokens_v2/whostmgr/<user>.json  (WHM: root, resellers; 0600)
//   var/cpanel/authn/api_tokens_v2/cpanel/<user>.json    (cPanel accounts; 0640)
// {"tokens": {"<sha512 hex of the token>": {"name": ..., "create_time": ...,
// "acls" | "has_full_access"+"features", "expires_at": ..., "whitelist_ips": [...]}}}
// The token itself (32 characters of [0-9A-Z]) is shown once and never stored.
#pragma once
#include <ctime>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "damage.hpp"
#include "secrets.hpp"  // sha512_hex: the digest the token files key by
#include "state.hpp"

namespace whm {

enum class TokenService { Whostmgr, Cpanel };

struct ApiToken {
  std::string name;
  long long create_time = 0;
  std::optional<long long> expires_at;  // epoch seconds; none: never expires
  // WHM tokens: the privileges the token grants; all_acls when it has every
  // privilege of its user (the file then has no "acls", or they name "all").
  bool all_acls = true;
  std::vector<std::string> acls;
  // cPanel tokens: full access, or only these features.
  bool has_full_access = true;
  std::vector<std::string> features;
  // Addresses or CIDR ranges the token may be used from; empty: any.
  std::vector<std::string> whitelist_ips;
};

// The token of `user` whose SHA-512 is that of `plaintext`, if any. Compares
// digests in constant time; reads leniently (a damaged file matches nothing).
std::optional<ApiToken> find_api_token(const StateRoot& root, TokenService service, const std::string& user,
                                       const std::string& plaintext);

// Why `token` may not be used now from `remote_ip` ("" when it may): expired,
// or the address is outside its allow-list.
std::string api_token_refusal(const ApiToken& token, const std::string& remote_ip, std::time_t now);

// ---- what the commands and the account lifecycle add ------------------------

namespace api_tokens {
inline constexpr const char* kDir = "var/cpanel/authn/api_tokens_v2";
inline constexpr size_t kMaxNameLength = 50;
inline constexpr size_t kTokenLength = 32;
inline constexpr size_t kMaxWhitelist = 100;  // addresses or ranges per token
}  // namespace api_tokens

const char* service_name(TokenService service);  // "whostmgr", "cpanel"
// var/cpanel/authn/api_tokens_v2/<service>/<user>.json
std::string api_tokens_rel(TokenService service, const std::string& user);

// The checks cPanel makes of a token's parts; each throws ApiError with
// cPanel's wording. The name: 1 to 50 of [A-Za-z0-9_-].
void check_token_name(const std::string& name);
// An expiry time: 0 (never) or a time after `now`.
void check_expiry(long long expires_at, std::time_t now);
// Addresses and CIDR ranges as cPanel stores them: IPv4 dotted, IPv6 as
// eight four-digit groups, a single host without its /32 or /128, sorted
// (IPv4 first, by address) without repeats. A range with host bits set or
// more than kMaxWhitelist entries is refused.
std::vector<std::string> normalize_whitelist(const std::vector<std::string>& entries);
// Whether `ip` (IPv4, IPv6, or IPv4 written as ::ffff:a.b.c.d) lies in one
// of the entries.
bool ip_in_whitelist(const std::string& ip, const std::vector<std::string>& whitelist);

// The token file of one user, keyed by the SHA-512 hex digest of each token.
class TokenFile {
 public:
  // Reads the file as it will be after `txn`. `damage` collects what keeps it
  // from being read completely (a token entry that does not parse is left out).
  TokenFile(const Transaction& txn, TokenService service, std::string user, FileProblems* damage = nullptr);
  TokenFile(TokenService service, std::string user, const nlohmann::json& tokens, FileProblems* damage = nullptr);

  TokenService service() const { return service_; }
  const std::map<std::string, ApiToken>& tokens() const { return tokens_; }
  // The token named `name`, if any.
  const ApiToken* named(const std::string& name) const;
  // The token whose digest is that of `plaintext`, compared in constant time.
  const ApiToken* matching(const std::string& plaintext) const;

  // Adds `token` (its name checked and free) under a new random token's
  // digest; returns the token itself, which is not kept anywhere.
  std::string add(const ApiToken& token);
  // Replaces the token named `name` with `token` (a new name must be free).
  void replace(const std::string& name, const ApiToken& token);
  // Removes the token named `name`; false if there was none.
  bool remove(const std::string& name);

  // {"<digest>": {...}, ...}, as the file's "tokens" holds them (and pkgacct's api_tokens/<service>).
  nlohmann::json tokens_json() const;
  // Writes the file (mode and owner as cPanel's: WHM 0600 root, cPanel 0640
  // root:<the user's group>; directories made with cPanel's modes).
  void stage(const StateRoot& root, Transaction& txn, FileOwner user_ids) const;

 private:
  TokenService service_;
  std::string user_;
  std::map<std::string, ApiToken> tokens_;
};

// One token as the file stores it (and as api_token_create and friends answer).
nlohmann::json token_json(TokenService service, const ApiToken& token);

}  // namespace whm
