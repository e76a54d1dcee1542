// The /etc lookup databases derived from the cpuser files (what cPanel's
// scripts/updateuserdomains writes): trueuserdomains, userdomains, ...
// Each account contributes some lines to each file; updating one account
// replaces exactly its lines, and a full rebuild is the same per-account
// derivation applied to every account.
//
// The files hold nothing of their own: a file that is missing or damaged (a
// line that does not parse, a last line cut off) is not merged into, which
// would leave it with this account's lines only, but rebuilt completely from
// every account, and the call warns which file was rebuilt (notices.hpp).
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cpuser.hpp"
#include "damage.hpp"

namespace whm {

class Transaction;
class StateRoot;

// One row of /etc/userdatadomains and the per-user userdata "cache".
struct DomainRow {
  std::string domain, type, parent, docroot, ip;
  int port = 80, ssl_port = 443;
  std::string ipv6, php_version;
  bool modsec_disabled = false;
  std::string user, owner;
  std::vector<std::string> fields() const;  // user, owner, type, parent, docroot, ip:port, ...
  std::string cache_line_value() const;     // the fields joined by "=="
};
DomainRow parse_domain_row(const std::string& domain, const std::string& value);

struct AccountIndex {
  CpUser cpuser;
  std::vector<DomainRow> domains;
};

// Every account as the transaction sees it; asked for only when a file must be rebuilt.
using AccountIndexes = std::function<std::vector<AccountIndex>()>;

// Replaces `user`'s lines in every lookup file; `account` null removes them.
// A missing or damaged file is rebuilt from `every_account` instead (its
// entry for `user`, if any, replaced by `account`).
void update_lookup_files(Transaction& txn, const std::string& user, const AccountIndex* account,
                         const AccountIndexes& every_account);
// Writes every lookup file from scratch from all accounts.
void rebuild_lookup_files(Transaction& txn, const std::vector<AccountIndex>& accounts);
// An account's index with only the cpuser keys the lookup files are made of
// (whmkit-check holds every account's: 20,000 whole cpuser files would not
// keep its memory flat). rebuild_lookup_files writes the same files from it.
AccountIndex lookup_index(const CpUser& u, std::vector<DomainRow> domains);
// The text rebuild_lookup_files writes to `rel` (one of lookup_file_paths()),
// made on its own: a checker compares the files one at a time.
std::optional<std::string> lookup_file_text(const std::string& rel, const std::vector<AccountIndex>& accounts);
// The lookup files, root-relative ("etc/userdomains", ...).
std::vector<std::string> lookup_file_paths();
// What keeps the lookup file `rel` from being read completely (see damage.hpp).
FileProblems lookup_file_problems(const std::string& rel, const std::string& text);

// Reads "left: right" lines of a lookup file (headers and comments skipped).
std::vector<std::pair<std::string, std::string>> read_lookup_pairs(const StateRoot& root, const std::string& rel);
// With `problems`, also lists lines that are not "left: right", a NUL byte,
// a last line cut off.
std::vector<std::pair<std::string, std::string>> parse_lookup_pairs(const std::string& text,
                                                                    FileProblems* problems = nullptr);

}  // namespace whm
