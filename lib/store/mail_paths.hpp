// Where an account's mail state lives, in cPanel's layout, and the one reader
// of the per-domain list of email accounts that every mail area needs (an
// autoresponder, a filter or a forwarder may name a mailbox; only the
// mailbox store writes the list).
//
// In the account's home (a directory the user controls: UserPath, never a
// path string):
//   etc/<domain>/passwd   local:x:uid:gid::<home>/mail/<domain>/<local>:<home>
//   etc/<domain>/shadow   local:<SHA-512 crypt>:<days since 1970>::::::
//   etc/<domain>/quota    local:<bytes>      (no line: unlimited)
//   mail/<domain>/<local>/                   the Maildir
//   .cpanel/email_accounts.json              cPanel's cache of the above
// Under the state root (root's files, mode 0640 group mail unless noted):
//   etc/valiases/<domain>, etc/vdomainaliases/<domain>, etc/vfilters/<domain>
//   etc/localdomains, etc/remotedomains (0644), etc/secondarymx
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "state.hpp"
#include "user_dir.hpp"

namespace whm {

// "local@domain", the domain in lower case. cPanel keeps local parts in lower
// case too, and so do we.
struct EmailAddress {
  std::string local, domain;
  std::string full() const { return local + "@" + domain; }
};

// nullopt when `local` may name a mailbox or forwarder: 1 to 64 of
// a-z 0-9 ! # $ % & ' * + / = ? ^ _ ` { | } ~ . - (after lower-casing), not
// starting or ending with a dot and without two dots in a row; else why not.
std::optional<std::string> local_part_error(const std::string& local);

// Splits and checks "local@domain" (lower-cased); throws invalid_param naming
// `param` when either half is not valid.
EmailAddress parse_email_address(const std::string& param, const std::string& value);

namespace mail_paths {
// Inside the account's home (`home_rel`: "home/bob").
UserPath domain_etc(const std::string& home_rel, const std::string& domain);  // etc/<domain>
UserPath passwd(const std::string& home_rel, const std::string& domain);
UserPath shadow(const std::string& home_rel, const std::string& domain);
UserPath quota(const std::string& home_rel, const std::string& domain);
UserPath mail_domain_dir(const std::string& home_rel, const std::string& domain);  // mail/<domain>
UserPath maildir(const std::string& home_rel, const EmailAddress& address);        // mail/<domain>/<local>
UserPath email_accounts_cache(const std::string& home_rel);                        // .cpanel/email_accounts.json
// Under the state root.
std::string valiases(const std::string& domain);        // etc/valiases/<domain>
std::string vdomainaliases(const std::string& domain);  // etc/vdomainaliases/<domain>
std::string vfilters(const std::string& domain);        // etc/vfilters/<domain>
constexpr const char* kLocalDomains = "etc/localdomains";
constexpr const char* kRemoteDomains = "etc/remotedomains";
constexpr const char* kSecondaryMx = "etc/secondarymx";
}  // namespace mail_paths

// One line of etc/<domain>/passwd.
struct MailPasswdEntry {
  std::string local, password = "x", uid, gid, gecos, maildir, home;  // maildir and home absolute ("/home/bob/...")
};
// nullopt for a line that is not seven colon-separated fields.
std::optional<MailPasswdEntry> parse_mail_passwd_line(std::string_view line);
std::string format_mail_passwd_line(const MailPasswdEntry& e);

// The local parts of the email accounts of `domain` in the account whose
// home is `home_rel`, as `view` sees them (staged changes included), in file
// order. Empty when the domain has no passwd file.
std::vector<std::string> email_account_locals(const Transaction& view, const std::string& home_rel,
                                              const std::string& domain);
bool email_account_exists(const Transaction& view, const std::string& home_rel, const EmailAddress& address);

// cPanel's mail files (etc/<domain> in a home, valiases, the /etc lookup
// files) belong to group "mail": Exim and Dovecot read them through it. The
// state root's mail gid; nullopt when its etc/group has no such group.
std::optional<gid_t> mail_gid(const Transaction& view);

}  // namespace whm
