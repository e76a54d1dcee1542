// Password strength as cPanel rates it (0..100), and the minimum strength
// each kind of password must reach: Tweak Settings' minpwstrength in
// var/cpanel/cpanel.config, overridden per application by
// minpwstrength_<app> (createacct, passwd, virtual, ...).
#pragma once
#include <set>
#include <string>
#include <string_view>

namespace whm {

class StateRoot;

// The applications whose passwords whmkit checks, named as cpanel.config
// names them. FTP, mail and Web Disk accounts share "virtual", as in cPanel.
namespace password_app {
inline constexpr const char* kDefault = "default";  // minpwstrength itself
inline constexpr const char* kCreateAccount = "createacct";
inline constexpr const char* kSystemAccount = "passwd";
inline constexpr const char* kFtp = "virtual";
}  // namespace password_app

// cPanel's rating: 0 for an empty password, 1 for one shorter than 4
// characters or on the bad-password list (compared case-insensitively),
// otherwise the password's entropy as a percentage of 70 bits, capped at 100.
// Each character adds log2 of the size of the character classes the whole
// password draws on; a character that repeats its predecessor or is next to
// it in the character set adds only log2(3).
int password_strength(std::string_view password, const std::set<std::string>& bad_passwords = {});

// The words of etc/bad_passwords_list and usr/local/cpanel/etc/bad_passwords_list, lower-cased.
std::set<std::string> bad_passwords(const StateRoot& root);

// The minimum strength for `app`: minpwstrength_<app>, else minpwstrength
// (for kDefault: minpwstrength alone), else the shipped default
// (usr/local/cpanel/etc/cpanel.config's minpwstrength), else 65. 0 turns the
// check off.
int required_password_strength(const StateRoot& root, const std::string& app);

// Refuses a password weaker than `app` requires, naming `param`, in
// cPanel's words ("The given password is too weak. ...").
void check_password_strength(const StateRoot& root, const std::string& app, const std::string& param,
                             const std::string& password);

}  // namespace whm
