// The /etc lookup databases derived from the cpuser files (what cPanel's
// scripts/updateuserdomains writes): trueuserdomains, userdomains, ...
// Each account contributes some lines to each file; updating one account
// replaces exactly its lines, and a full rebuild is the same per-account
// derivation applied to every account.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "cpuser.hpp"

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

// Replaces `user`'s lines in every lookup file; `account` null removes them.
void update_lookup_files(Transaction& txn, const std::string& user, const AccountIndex* account);
// Writes every lookup file from scratch from all accounts.
void rebuild_lookup_files(Transaction& txn, const std::vector<AccountIndex>& accounts);

// Reads "left: right" lines of a lookup file (headers and comments skipped).
std::vector<std::pair<std::string, std::string>> read_lookup_pairs(const StateRoot& root, const std::string& rel);
std::vector<std::pair<std::string, std::string>> parse_lookup_pairs(const std::string& text);

}  // namespace whm
