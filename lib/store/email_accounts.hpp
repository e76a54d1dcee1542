// One cPanel account's mailboxes (email accounts), stored as cPanel stores
// them in the account's home (the paths are in mail_paths.hpp):
//  * etc/<domain>/passwd  "local:x:uid:gid::<home>/mail/<domain>/<local>:<home>"
//  * etc/<domain>/shadow  "local:<SHA-512 crypt>:<days since 1970>::::::";
//    a suspended login has "*LOCKED*" in front of its hash
//  * etc/<domain>/quota   "local:<bytes>" (no line: unlimited)
//  * mail/<domain>/<local>/{cur,new,tmp} the Maildir, with "maildirsize"
//    (Maildir++ quota: "<bytes>S", then "<bytes> <messages>" lines) while
//    the mailbox has a quota
//  * etc/<domain>/<local>/suspended_incoming  incoming mail refused while present
//  * .cpanel/email_accounts.json  a cache of the above (see email_accounts.cpp)
// The files of etc/<domain> are mode 0640, owned by the account, group
// "mail" (the account's own group where the system has no "mail" group).
// The cPanel account's own mailbox is ~/mail itself ("Main Account").
//
// Everything in the home is reached as a UserPath, never through a symlink.
#pragma once
#include <deque>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "account_store.hpp"
#include "damage.hpp"
#include "mail_paths.hpp"
#include "state.hpp"

namespace whm {

// "*LOCKED*" in front of a shadow hash: no password matches it. Account
// suspension adds one more in front of every mailbox's hash and
// unsuspension takes one away, so a login suspended on its own stays
// suspended after the account comes back.
inline constexpr const char* kLockedHashPrefix = "*LOCKED*";

struct Mailbox {
  EmailAddress address;
  std::string hash;                      // the shadow hash, with its "*LOCKED*" prefixes
  std::string changed_days;              // shadow's third field (days since 1970)
  std::optional<long long> quota_bytes;  // nullopt = unlimited
  bool login_suspended() const;
};

// The package limits and server defaults that bound mailboxes, in bytes
// (nullopt = unlimited): MAXPOP and MAX_EMAILACCT_QUOTA of the cpuser file,
// the default quota of cpanel.config.
struct MailboxLimits {
  std::optional<long long> max_mailboxes;
  std::optional<long long> max_quota_bytes;
  std::optional<long long> default_quota_bytes;
};
MailboxLimits load_mailbox_limits(const StateRoot& root, const CpUser& cpuser);

// The largest quota cPanel accepts, in MiB (2^32 MiB = 4 PiB): what an
// unlimited maximum is reported as.
inline constexpr long long kLargestQuotaMib = 4294967296LL;

class EmailAccounts {
 public:
  // Reads the mailboxes of every domain of `account` as `view` sees them.
  // A damaged passwd, shadow or quota file is read as far as it parses (a
  // warning names it) and is never rewritten: a change to its domain is
  // refused (DamagedFileError) by stage().
  // `warn`: name a damaged file in the call's warnings (whmkit-check reads
  // the problems instead).
  // `adding`: the call only adds that mailbox (add_pop). Its domain's shadow
  // is then checked line by line but not read into the mailboxes (appending
  // a line needs no other hash), unless a line there or in quota already
  // names it (a stale line: the files are then rewritten, from everything).
  EmailAccounts(const Transaction& view, const CpanelAccount& account, bool warn = true,
                const EmailAddress* adding = nullptr);

  const CpanelAccount& account() const { return account_; }
  // Every mailbox, domain by domain (the account's order), each domain's in
  // file order; valid while this object lives.
  std::vector<const Mailbox*> all() const;
  size_t count() const;
  const Mailbox* find(const EmailAddress& address) const;
  // Throws ApiError in cPanel's words when the mailbox does not exist.
  const Mailbox& require(const EmailAddress& address) const;

  // Edits, staged by stage(). The caller has checked the address and the limits.
  void add(const EmailAddress& address, const std::string& hash, std::optional<long long> quota_bytes);
  void remove(const EmailAddress& address);
  void set_hash(const EmailAddress& address, const std::string& hash);  // keeps the "*LOCKED*" prefixes
  void set_quota(const EmailAddress& address, std::optional<long long> quota_bytes);
  void set_login_suspended(const EmailAddress& address, bool suspended);

  // Stages the passwd, shadow and quota files of every domain that changed
  // and, unless `skip_cache`, .cpanel/email_accounts.json.
  void stage(Transaction& txn, bool skip_cache = false) const;
  // What keeps a domain's files from being read completely ("" domain: all).
  FileProblems problems() const;

 private:
  struct DomainFiles {
    std::vector<Mailbox> boxes;
    // passwd's lines, same order as boxes: views into passwd's text (shared by
    // copies) or into new_lines (a deque: added lines do not move).
    std::vector<std::string_view> passwd;
    std::shared_ptr<const std::string> passwd_text;
    std::deque<std::string> new_lines;
    bool hashes_read = true;  // false: shadow was only checked (`adding`), appends only
    // Lines of shadow and quota naming no mailbox: kept as they are.
    std::vector<std::string> other_shadow, other_quota;
    FileProblems problems;
    bool changed = false;          // the files are written again in full
    std::vector<size_t> appended;  // else: the new mailboxes (boxes[i]), whose lines are added at the end
    bool ends_in_newline = true;   // each of the files is missing, empty or ends with a whole line
  };
  DomainFiles& files_of(const std::string& domain);
  Mailbox& require_mutable(const EmailAddress& address);

  CpanelAccount account_;
  std::string home_rel_;
  std::map<std::string, DomainFiles> domains_;
};

// The mailbox that `value` (of parameter `param`) names where the account's
// own mailbox may be meant too: the cPanel user name, or cPanel's
// "_mainaccount@<a domain of the account>" alias, give nullopt (the main
// account); an address must be one of the account's email accounts (ApiError
// in cPanel's words otherwise).
std::optional<EmailAddress> mail_account_arg(const Transaction& view, const CpanelAccount& account,
                                             const std::string& param, const std::string& value);

// A mailbox named on the server's side (WHM API 1): an address (or
// "_mainaccount@<domain>") finds its account through the domain's owner, a
// cPanel user name is that account's own mailbox.
struct ServerMailbox {
  CpanelAccount account;
  std::optional<EmailAddress> address;  // nullopt: the account's own mailbox
  std::string login;                    // the address, or the user name (Dovecot's login)
};
ServerMailbox server_mailbox_arg(const StateRoot& root, const std::string& param, const std::string& value);

// Where the user's mail and per-mailbox settings live, and what they weigh.
bool incoming_suspended(const Transaction& view, const std::string& home_rel, const EmailAddress& address);
// The addresses whose incoming mail is suspended, read once per domain from
// the per-mailbox directories (for listings: one look per mailbox that has
// settings, not per mailbox). Never follows a symlink.
std::set<std::string> incoming_suspended_addresses(const StateRoot& root, const CpanelAccount& account);
UserPath incoming_suspended_flag(const std::string& home_rel, const EmailAddress& address);
UserPath mailbox_settings_dir(const std::string& home_rel, const EmailAddress& address);  // etc/<domain>/<local>
// Bytes of the mailbox's Maildir (0 when missing); the main account's mail is
// ~/mail without the domains' directories. Never follows a symlink.
long long mailbox_bytes(const StateRoot& root, const CpanelAccount& account, const EmailAddress& address);
long long main_mailbox_bytes(const StateRoot& root, const CpanelAccount& account);
// The Maildir's mtime (0 when missing).
long long mailbox_mtime(const StateRoot& root, const CpanelAccount& account, const EmailAddress& address);

// Stages a new Maildir (cur, new, tmp) owned by the account.
void stage_new_maildir(Transaction& txn, const CpanelAccount& account, const EmailAddress& address);
// Stages maildirsize for `quota_bytes` with the Maildir's current use, or its
// removal for no quota (Dovecot rebuilds it from the quota it is given).
void stage_maildirsize(const StateRoot& root, Transaction& txn, const CpanelAccount& account,
                       const EmailAddress& address, std::optional<long long> quota_bytes);

// Refuses (naming `param`) a local part that cannot name a new mailbox:
// "cpanel" (reserved, as the reference says) and a "/" (the local part names
// the Maildir's directory). local_part_error() has checked the rest.
void check_new_mailbox_local_part(const std::string& param, const std::string& local);

// cPanel's check of a mailbox password: no control character, not empty,
// strong enough for the "pop" application of minpwstrength.
void check_mailbox_password(const StateRoot& root, const std::string& param, const std::string& password);

}  // namespace whm
