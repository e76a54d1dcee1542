// Digest Authentication (Web Disk over plain HTTP): etc/digestshadow, one
// "user:hash" line per account that has it enabled, the hash being the hex
// MD5 of "user:cPanel:password" (RFC 2617's HA1 with cPanel's realm). A
// suspended account's hash is prefixed with "*LOCKED*". Mode 0640.
#pragma once
#include <optional>
#include <string>

#include "state.hpp"

namespace whm {

namespace digest_auth {
inline constexpr const char* kFile = "etc/digestshadow";
inline constexpr const char* kRealm = "cPanel";
inline constexpr const char* kLocked = "*LOCKED*";
}  // namespace digest_auth

// The account's entry (its hash, possibly locked), if it has one.
std::optional<std::string> digest_entry(const Transaction& txn, const std::string& user);
// Enables it: stages the entry for `password` (locked if `locked`).
void stage_digest_password(Transaction& txn, const std::string& user, const std::string& password, bool locked);
// Disables it; false if the account had no entry.
bool stage_digest_removal(Transaction& txn, const std::string& user);

}  // namespace whm
