// Mailman mailing lists, in cPanel's layout under the state root:
//   usr/local/cpanel/3rdparty/mailman/lists/<list>_<domain>/      the list
//     (its existence is what cPanel's Exim router checks); Mailman 2 keeps
//     config.pck there, which whmkit neither reads nor writes (no Mailman 2
//     here): whmkit keeps the settings it needs beside it in whmkit.json
//     (ours, docs/email-lists.md), mode 0600, the admin password as a
//     SHA-512 crypt hash
//   usr/local/cpanel/3rdparty/mailman/archives/private/<id>{,.mbox}/  archives
//   var/cpanel/cpses/mailman/<id>_<user>   a one-time password (hashed, with its expiry)
// and in the account's home:
//   etc/<domain>/_privs.json  {"mailman": {"<id>": {"delegates": {"<address>": 1}}}},
//     the list administrators (delegates) of the domain's email accounts
#pragma once
#include <ctime>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "account_store.hpp"
#include "state.hpp"
#include "user_dir.hpp"

namespace whm {

namespace mailman_paths {
constexpr const char* kLists = "usr/local/cpanel/3rdparty/mailman/lists";
constexpr const char* kPrivateArchives = "usr/local/cpanel/3rdparty/mailman/archives/private";
constexpr const char* kOneTimePasswords = "var/cpanel/cpses/mailman";
std::string list_dir(const std::string& id);                             // lists/<id>
std::string settings_file(const std::string& id);                        // lists/<id>/whmkit.json
UserPath privs(const std::string& home_rel, const std::string& domain);  // etc/<domain>/_privs.json
}  // namespace mailman_paths

// Mailman's defaults for a new public list, and what "private" sets.
struct ListPrivacy {
  int advertised = 1, archive_private = 0, subscribe_policy = 1;
  bool is_private() const { return !advertised && archive_private && subscribe_policy >= 2; }
};
ListPrivacy private_list_privacy();

struct MailingList {
  MailingList() = default;
  MailingList(std::string list_name, std::string list_domain)
      : name(std::move(list_name)), domain(std::move(list_domain)) {}
  std::string name, domain;
  std::string password_hash;  // SHA-512 crypt; "" when the list has no whmkit.json
  ListPrivacy privacy;
  std::vector<std::string> members;  // subscriber addresses, in order
  bool has_settings = false;         // whmkit.json was read
  std::string id() const { return name + "_" + domain; }
  std::string address() const { return name + "@" + domain; }
};

// "<name>_<domain>" split at its last "_"; nullopt when it is not a list id
// cPanel could have made (the name of [a-z0-9_.-], the domain valid).
std::optional<std::pair<std::string, std::string>> parse_list_id(const std::string& id);
// nullopt when `name` may name a list at `domain`; else why not.
std::optional<std::string> list_name_error(const std::string& name, const std::string& domain);

// The lists of `domains` (every list directory whose domain is one of them),
// sorted by address. A damaged whmkit.json adds a warning; its list keeps Mailman's defaults.
std::vector<MailingList> lists_of(const Transaction& view, const std::vector<std::string>& domains);
std::optional<MailingList> find_list(const Transaction& view, const std::string& name, const std::string& domain);

// Stages the list's directory and whmkit.json (new or changed).
void stage_list(Transaction& txn, const MailingList& list);
// Stages the removal of the list, its archives and one-time passwords.
void stage_list_removal(const StateRoot& root, Transaction& txn, const std::string& id);

// Bytes of the list's directory and archives (symlinks not followed).
long long list_disk_bytes(const StateRoot& root, const std::string& id);

// ---- delegates (the list administrators among the account's email accounts)

// The delegates of list `id`, sorted, from every domain's _privs.json.
std::vector<std::string> list_delegates(const Transaction& view, const CpanelAccount& account, const std::string& id);
// Whether `address` (at one of the account's domains) administers any list.
bool has_delegated_lists(const Transaction& view, const CpanelAccount& account, const std::string& address);
// Adds or removes delegates (addresses at the account's domains) of list `id`.
void stage_delegates(Transaction& txn, const CpanelAccount& account, const std::string& id,
                     const std::vector<std::string>& addresses, bool add);
// Removes list `id` from every domain's _privs.json.
void stage_forget_list_delegates(Transaction& txn, const CpanelAccount& account, const std::string& id);

// ---- one-time passwords

// "<8 letters or digits>_<32 letters or digits>", as cPanel's; stored as
// var/cpanel/cpses/mailman/<id>_<user> holding the password's SHA-512 crypt
// hash and its expiry (never the password).
std::string stage_one_time_password(Transaction& txn, const std::string& id, std::time_t now);
constexpr std::time_t kOneTimePasswordLifetime = 600;  // seconds (UNCONFIRMED)

}  // namespace whm
