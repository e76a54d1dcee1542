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

// One account's record as listaccts/accountsummary print it.
struct AccountRecordContext {
  const AccountStore& store;
  const SystemUsers& users;
  const ServerConfig& config;
  std::set<std::string> users_with_backups;
};
// Accounts that have an archive under the backup directory (BACKUPDIR of
// var/cpanel/backups/config, default /backup): <dir>[/weekly|/monthly]/<date>/accounts/<user>{.tar.gz,.tar,/}.
std::set<std::string> find_users_with_backups(const StateRoot& root);
nlohmann::json account_record(const AccountRecordContext& ctx, const CpUser& u);

// Appends a line to var/cpanel/accounting.log: "localtime:TYPE:root:user:domain:extra".
void log_accounting(const StateRoot& root, const std::string& type, const std::string& user,
                    const std::string& domain, const std::string& extra);

}  // namespace whm
