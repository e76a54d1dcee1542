// The owners and modes an account's mail files must have for Exim and Dovecot
// to read them and for no one else to: what WHM's
// normalize_user_email_configuration puts back after a hand-made copy, an
// untar or a chown gone wrong has changed them.
#pragma once
#include <string>
#include <vector>

#include "account_store.hpp"
#include "state.hpp"

namespace whm {

// Sets the owner and mode of
//   ~/etc, ~/etc/<domain>                 0750, the user and group "mail"
//   ~/etc/<domain>/{passwd,shadow,quota}  0640, the user and group "mail"
//   ~/mail, ~/mail/<domain>, each Maildir 0751, the user
//   each Maildir's cur, new and tmp       0700, the user
// and gives the user everything else below ~/mail (the messages; their modes
// are left alone). Symlinks are never followed nor changed: a link the user
// planted cannot point the change at another file. Returns one line per
// change ("~/etc/example.com/shadow: mode 0644 -> 0640").
std::vector<std::string> normalize_mail_permissions(const StateRoot& root, const CpanelAccount& account);

}  // namespace whm
