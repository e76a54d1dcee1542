// Forced password changes: ~/.cpanel/passwordforce in the account's home
// lists, one per line in byte order, the logins (the account itself, and its
// mail or FTP logins) that must change their password at the next login.
// The file is removed once empty. The account's own line goes when its
// password is changed (passwd).
#pragma once
#include <set>
#include <string>

#include "state.hpp"

namespace whm {

namespace force_password {
inline constexpr const char* kFile = ".cpanel/passwordforce";  // inside the home
}

// The logins of the account (home `home_rel`) that must change their password.
std::set<std::string> forced_logins(const Transaction& txn, const std::string& home_rel);
// Adds or removes `login`; false if it was already so.
bool stage_force_password(Transaction& txn, const std::string& home_rel, FileOwner owner, const std::string& login,
                          bool forced);

}  // namespace whm
