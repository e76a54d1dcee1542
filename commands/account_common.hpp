// Pieces of account handling shared by the account functions: building the
// listaccts record, packages, shells, home directories.
#pragma once
#include <ctime>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "account_store.hpp"
#include "kvfile.hpp"
#include "packages.hpp"
#include "sysusers.hpp"

namespace whm {

constexpr const char* kNoShell = "/usr/local/cpanel/bin/noshell";
constexpr const char* kSuspendedShell = "/bin/false";

std::string normalize_limit(const std::string& v);  // "UNLIMITED" -> "unlimited"

// Disk usage from filesystem user quotas, as cPanel reports it. Without
// quotas on the filesystem holding the home, usage is reported as 0.
class QuotaReader {
 public:
  struct Usage {
    long long bytes = 0, inodes = 0;
  };
  Usage usage(const std::string& abs_path, uid_t uid);

 private:
  std::vector<std::pair<std::string, std::string>> mounts_;  // mount point, device
  bool loaded_ = false, unavailable_ = false;
};

// One account's record as listaccts/accountsummary print it.
struct AccountRecordContext {
  const AccountStore& store;
  const SystemUsers& users;
  const ServerConfig& config;
  std::set<std::string> users_with_backups;
  QuotaReader quotas = {};
};
// Accounts that have an archive under the backup directory (BACKUPDIR of
// var/cpanel/backups/config, default /backup): <dir>[/weekly|/monthly]/<date>/accounts/<user>{.tar.gz,.tar,/}.
std::set<std::string> find_users_with_backups(const StateRoot& root);
nlohmann::json account_record(AccountRecordContext& ctx, const CpUser& u);

// Suspension, unsuspension and removal of one account, staged into `txn`
// (so a reseller's accounts can go in one all-or-nothing transaction). Each
// returns the progress text for metadata.output.raw; the accounting log line
// is written when the transaction commits.
struct SuspendOptions {
  std::string reason = "Unknown";
  bool lock = false;       // only root may unsuspend (suspended/<user>.lock)
  bool leave_ftp = false;  // keep the FTP accounts working
};
std::string stage_suspension(const StateRoot& root, Transaction& txn, const std::string& user, const SuspendOptions& opts);
std::string stage_unsuspension(const StateRoot& root, Transaction& txn, const std::string& user);
// Removes the account's DNS zones too, unless keep_dns.
std::string stage_removal(const StateRoot& root, Transaction& txn, const std::string& user, bool keep_dns = false);
FileOwner owner_of(const PasswdEntry& pw);
// Refuses a username that is malformed, taken (account, system user or
// group) or clashes in its first eight characters with another account.
void check_new_username(const AccountStore& store, const SystemUsers& sys, const std::string& user);
// The same, reading the state root (verify_new_username and its restore twin).
void check_username_available(const StateRoot& root, const std::string& user);
// Where a new home is built before it moves into place: beside it, so the
// move is a rename on the same filesystem.
std::string home_staging_rel(const std::string& home_rel);
// Stages an account's cpuser file, its JSON twin and lookup lines, group-owned
// by the account's group (looked up in the transaction's etc/passwd).
void save_account(const AccountStore& store, Transaction& txn, const CpUser& u);

// A web vhost's userdata file (/var/cpanel/userdata/<user>/<domain>).
struct VhostSpec {
  std::string user, owner, home, domain, docroot, ip;
  bool cgi = true;
  std::string serveralias;  // "mail.d www.d" for the main domain, "www.sub" for a subdomain
};
nlohmann::json vhost_userdata(const VhostSpec& v);

// Appends a line to var/cpanel/accounting.log: "localtime:TYPE:root:user:domain:extra".
void log_accounting(const StateRoot& root, const std::string& type, const std::string& user,
                    const std::string& domain, const std::string& extra);

}  // namespace whm
