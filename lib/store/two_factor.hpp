// Two-factor authentication (TOTP, RFC 6238), stored as cPanel stores it
// (docs/two-factor.md).
#pragma once
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "state.hpp"

namespace whm {

// Whether a login as `user` (root, a reseller, a cPanel account or
// "account@domain" for a webmail user) must give a two-factor code: the
// server's two-factor policy is enabled and the user has a configuration.
bool two_factor_required(const StateRoot& root, const std::string& user);

// Whether `code` is the user's current TOTP code (RFC 6238: SHA-1, 6 digits,
// 30-second steps, one step of clock drift allowed either way). Compares in
// constant time; false when the user has no configuration.
bool verify_two_factor_code(const StateRoot& root, const std::string& user, const std::string& code, std::time_t now);

// ---------------------------------------------------------------- TOTP

// RFC 4648 base32 (A-Z, 2-7; lowercase accepted, no padding written).
std::string base32_encode(const std::string& bytes);
// nullopt when `text` holds a character outside the alphabet ('=' padding
// at the end is accepted). Leftover bits that do not make a byte are dropped.
std::optional<std::string> base32_decode(const std::string& text);
// Whether `secret` is a secret cPanel accepts: base32 characters only.
bool valid_two_factor_secret(const std::string& secret);
// A new random secret as cPanel makes one: 16 base32 characters (80 bits).
std::string generate_two_factor_secret();
// The code of `key` (raw bytes) for the 30-second step holding `t` (6
// digits as cPanel uses it; RFC 6238's test vectors have 8).
std::string totp_code(const std::string& key, std::time_t t, int digits = 6);
// Whether `code` is `secret`'s code at `now`, or one step before or after.
bool totp_code_matches(const std::string& secret, const std::string& code, std::time_t now);
// "otpauth://totp/ISSUER:ACCOUNT?secret=SECRET&issuer=ISSUER", the issuer and
// the account URI-encoded as cPanel encodes them.
std::string otpauth_url(const std::string& issuer, const std::string& account, const std::string& secret);

// ---------------------------------------------------------------- storage

namespace two_factor {
inline constexpr const char* kDir = "var/cpanel/authn/twofactor_auth";
inline constexpr const char* kSecretsFile = "var/cpanel/authn/twofactor_auth/tfa_userdata.json";
inline constexpr const char* kIssuersFile = "var/cpanel/authn/twofactor_auth/issuer_userdata.json";
// The cpanel.config key of the server's security policy.
inline constexpr const char* kPolicyKey = "SecurityPolicy::TwoFactorAuth";
}  // namespace two_factor

// tfa_userdata.json: {"<user>": {"secret": "<base32>"}, ...}, mode 0600. The
// users are root, resellers, cPanel accounts, webmail users ("local@domain")
// and team users ("teamuser@account").
class TwoFactorSecrets {
 public:
  // Read leniently: a damaged file reads as empty, with a warning.
  static TwoFactorSecrets load(const Transaction& view);
  // For a change: a damaged file is refused (DamagedFileError).
  static TwoFactorSecrets load_for_change(const Transaction& txn);

  const nlohmann::json& all() const { return users_; }
  std::optional<std::string> secret(const std::string& user) const;
  bool has(const std::string& user) const { return users_.contains(user); }
  void set(const std::string& user, const std::string& secret);
  bool remove(const std::string& user) { return users_.erase(user) > 0; }
  void stage(Transaction& txn) const;

 private:
  nlohmann::json users_ = nlohmann::json::object();
};

// issuer_userdata.json: {"system_wide_issuer": "...", "<reseller>": "..."},
// mode 0600: the name authentication apps show beside the code.
class TwoFactorIssuers {
 public:
  static TwoFactorIssuers load(const Transaction& view);
  static TwoFactorIssuers load_for_change(const Transaction& txn);

  // root's setting, else the hostname.
  std::string system_wide(const StateRoot& root) const;
  // The issuer `user`'s codes carry: a reseller's own setting, else the
  // setting of the reseller owning the account, else the system-wide one.
  std::string for_user(const StateRoot& root, const Transaction& view, const std::string& user) const;
  // Sets (empty: removes) the setting of the WHM user `whm_user` (root's is
  // the system-wide one).
  void set(const std::string& whm_user, const std::string& issuer);
  bool remove(const std::string& key) { return entries_.erase(key) > 0; }
  const nlohmann::json& all() const { return entries_; }
  void stage(Transaction& txn) const;

 private:
  nlohmann::json entries_ = nlohmann::json::object();
};

// Checks an issuer as cPanel does (quotes around it are dropped); the
// cleaned value, "" to unset it. ApiError with cPanel's wording otherwise.
std::string checked_two_factor_issuer(const std::string& issuer);

// Whether the server's two-factor security policy is on (cpanel.config).
bool two_factor_policy_enabled(const Transaction& view);
// Stages the policy's cpanel.config key.
void stage_two_factor_policy(Transaction& txn, bool enabled);

// The names under which the account's other logins keep a configuration:
// its email accounts ("local@domain", from etc/<domain>/passwd in the home,
// read without following a symlink) and its team users ("name@account",
// from var/cpanel/team/<account>).
std::vector<std::string> account_email_logins(const StateRoot& root, const std::string& user);
std::vector<std::string> account_team_logins(const StateRoot& root, const std::string& user);

}  // namespace whm
