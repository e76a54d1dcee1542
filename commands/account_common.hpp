// Pieces of account handling shared by the account functions: building the
// listaccts record, limits. The lifecycle itself (create, suspend, remove,
// rename, restore) is in lib/store/account_lifecycle.hpp.
#pragma once
#include <ctime>
#include <optional>
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

// The directories new homes go into: wwwacct.conf's HOMEDIR (/home), and
// with HOMEMATCH set, every directory at the top of the filesystem whose
// name contains it (/home2, /home3 for HOMEMATCH home). cPanel matches
// HOMEMATCH against mount points; whmkit, working on a state root, matches
// the top-level directories there. "/" itself is never a home root.
std::vector<std::string> home_roots(const StateRoot& root, const ServerConfig& config);

// Disk usage from filesystem user quotas (quotactl), as cPanel reports it.
// Without quotas on the filesystem holding the home, usage is reported as 0
// and `known` is false.
class QuotaReader {
 public:
  struct Usage {
    long long bytes = 0, inodes = 0;
    long long block_limit = 0, inode_limit = 0;  // hard limits (1 KiB blocks), 0 = none
    bool known = false;
  };
  Usage usage(const std::string& abs_path, uid_t uid);
  // Whether user quotas are on for the filesystem holding `abs_path`.
  bool enabled(const std::string& abs_path);
  // Sets `uid`'s soft and hard block limits (1 KiB blocks, 0 = none) on the
  // filesystem holding `abs_path`, as cPanel's setquota does; its inode
  // limits stay. Returns the limits it replaced, nullopt (nothing done) where
  // user quotas are off; ApiError when the kernel refuses.
  std::optional<Usage> set_block_limit(const std::string& abs_path, uid_t uid, long long blocks);

 private:
  // The block device of the filesystem holding `abs_path`, if it is one.
  const std::string* device_of(const std::string& abs_path);
  std::vector<std::pair<std::string, std::string>> mounts_;  // mount point, device
  bool loaded_ = false, unavailable_ = false;
};

// Temporary domains: createacct without a domain names the account
// "<user>.<base>", base being the tweak setting temporary_domain_base
// (tweak_settings.hpp); "" when the server has none, and then a domain is
// required. listaccts reports such a main domain as is_temporary_domain.
std::string temporary_domain_base(const Transaction& view);
std::string temporary_domain_for(const std::string& user, const std::string& base);
bool is_temporary_domain(const std::string& domain, const std::string& base);

// One account's record as listaccts/accountsummary print it.
struct AccountRecordContext {
  const AccountStore& store;
  const SystemUsers& users;
  const ServerConfig& config;
  std::set<std::string> users_with_backups;
  std::string temporary_base = {};  // temporary_domain_base()
  QuotaReader quotas = {};
};
// Accounts that have an archive under the backup directory (BACKUPDIR of
// var/cpanel/backups/config, default /backup): <dir>[/weekly|/monthly]/<date>/accounts/<user>{.tar.gz,.tar,/}.
std::set<std::string> find_users_with_backups(const StateRoot& root);
nlohmann::json account_record(AccountRecordContext& ctx, const CpUser& u);

struct Context;
struct Request;
// createacct's checks and its staging of the new account into `txn` (not
// committed), for createacct itself and for the addon-to-account conversion.
// `released_domain` is a domain the same transaction takes away from another
// account (the converted addon domain): it counts as free.
struct AccountCreation {
  NewAccount account;
  std::string password, plan, ip;
  std::string progress;  // the stores' progress lines for metadata.output.raw
};
AccountCreation stage_account_creation(const Context& ctx, const Request& req, Transaction& txn,
                                       const std::string& released_domain = "");

}  // namespace whm
