// Pieces of account handling shared by the account functions: building the
// listaccts record, limits. The lifecycle itself (create, suspend, remove,
// rename, restore) is in lib/store/account_lifecycle.hpp.
#pragma once
#include <ctime>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "account_lifecycle.hpp"
#include "account_store.hpp"
#include "kvfile.hpp"
#include "packages.hpp"
#include "sysusers.hpp"

namespace whm {

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

}  // namespace whm
