// The lifecycle of one account, walking every store of account_parts():
// creation, suspension, unsuspension, removal, rename and restore, each staged
// into a Transaction; plus the helpers the account functions share.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "account_parts.hpp"
#include "account_store.hpp"
#include "sysusers.hpp"

namespace whm {

constexpr const char* kNoShell = "/usr/local/cpanel/bin/noshell";
constexpr const char* kSuspendedShell = "/bin/false";

// The facts of an existing account, as `txn` sees it. Without an etc/passwd
// entry the home, shell and ids are left empty (removal still works).
AccountFacts load_account_facts(const Transaction& txn, const CpUser& u);
AccountFacts load_account_facts(const SystemUsers& sys, const CpUser& u);
// Where a new home is built before it moves into place: beside it, so the
// move is a rename on the same filesystem.
std::string home_staging_rel(const std::string& home_rel);

// Each returns the progress text for metadata.output.raw; the accounting log
// line is written when the transaction commits.
std::string stage_creation(const StateRoot& root, Transaction& txn, const NewAccount& a);
std::string stage_suspension(const StateRoot& root, Transaction& txn, const std::string& user,
                             const SuspendOptions& opts);
std::string stage_unsuspension(const StateRoot& root, Transaction& txn, const std::string& user);
// Removes the account's DNS zones too, unless keep_dns.
std::string stage_removal(const StateRoot& root, Transaction& txn, const std::string& user, bool keep_dns = false);
// Renames the account `user` to `new_user` and/or moves it to `new_domain`
// (the caller has checked that both are free); subdomains of the main domain
// follow it, and a renamed reseller keeps its privileges and accounts.
// Refuses a domain change of an account with parked or addon domains.
std::string stage_rename(const StateRoot& root, Transaction& txn, const std::string& user, const std::string& new_user,
                         const std::string& new_domain);

struct RestoreResult {
  std::string user, raw;
};
// Restores the account in `archive_abs` as one transaction (committed here).
RestoreResult restore_account_archive(const StateRoot& root, const std::string& archive_abs,
                                      const std::string& expected_user);

// Refuses a username that is malformed, taken (account, system user or
// group) or clashes in its first eight characters with another account
// (other than `renamed_from`, the account being renamed).
void check_new_username(const AccountStore& store, const SystemUsers& sys, const std::string& user,
                        const std::string& renamed_from = "");
// The same, reading the state root (verify_new_username and its restore twin).
void check_username_available(const StateRoot& root, const std::string& user);
// Stages an account's cpuser file, its JSON twin and lookup lines, group-owned
// by the account's group (looked up in the transaction's etc/passwd).
void save_account(const AccountStore& store, Transaction& txn, const CpUser& u);
// The same with domain rows that differ from the stored ones.
void save_account(const AccountStore& store, Transaction& txn, const CpUser& u, const std::vector<DomainRow>& rows);

// A web vhost's userdata file (/var/cpanel/userdata/<user>/<domain>).
struct VhostSpec {
  std::string user, owner, home, domain, docroot, ip;
  bool cgi = true;
  std::string serveralias;  // "mail.d www.d" for the main domain, "www.sub" for a subdomain
};
nlohmann::json vhost_userdata(const VhostSpec& v);

// Appends a line to var/cpanel/accounting.log: "localtime:TYPE:root:user:domain:extra".
void log_accounting(const StateRoot& root, const std::string& type, const std::string& user, const std::string& domain,
                    const std::string& extra);

}  // namespace whm
