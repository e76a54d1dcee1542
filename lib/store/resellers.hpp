// Resellers: var/cpanel/resellers ("user:acl,acl" sorted), resellers-nameservers,
// reseller-limits.yaml (+ its .cache twin), package-limits.yaml, acllists/<name>,
// mainips/<user>, dips/<user>.
//
// The read_* functions read leniently (a line that does not parse is
// skipped); the write_* functions refuse (DamagedFileError) to replace a file
// that did not parse completely, since what was skipped would be lost.
#pragma once
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "damage.hpp"

namespace whm {

class StateRoot;
class Transaction;

// The ACL names of cPanel & WHM (v120).
const std::vector<std::string>& known_acls();

using AclTable = std::map<std::string, std::set<std::string>>;  // reseller -> ACLs

AclTable read_resellers(const Transaction& txn);
void write_resellers(Transaction& txn, const AclTable& table);
bool is_reseller(const Transaction& txn, const std::string& user);

std::map<std::string, std::vector<std::string>> read_reseller_nameservers(const Transaction& txn);
void write_reseller_nameservers(Transaction& txn, const std::map<std::string, std::vector<std::string>>& ns);

// reseller-limits.yaml: { user: { limits: { number_of_accounts: {enabled, accounts}, resources: {...},
// preassigned_packages: {enabled}, number_of_packages: {enabled} } } }
nlohmann::json read_reseller_limits(const Transaction& txn);
void write_reseller_limits(Transaction& txn, const nlohmann::json& limits);
// package-limits.yaml: { user: { package: { allowed: 0|1, number: N, no_limit: 0|1 } } }
nlohmann::json read_package_limits(const Transaction& txn);
void write_package_limits(Transaction& txn, const nlohmann::json& limits);

// Makes `user` a reseller with no privileges yet (setupreseller, createacct
// reseller=1, modifyacct reseller=1); an existing reseller keeps its ACLs.
void stage_reseller_grant(Transaction& txn, const std::string& user);
// Removes `user`'s entries from every reseller file (unsetupreseller,
// modifyacct reseller=0). With `reassign_accounts` the accounts it owns go to
// root; its own account, if it owns itself, is the caller's to change.
void stage_reseller_revoke(const StateRoot& root, Transaction& txn, const std::string& user, bool reassign_accounts);

// Moves the reseller `from`'s entries in every reseller file to `to`, and
// hands the accounts it owns to `to` (cpuser OWNER=, their userdata's owner,
// the lookup lines). The reseller's own account is renamed by the caller.
void stage_reseller_rename(const StateRoot& root, Transaction& txn, const std::string& from, const std::string& to);

// The reseller files above that do not parse completely, for whmkit-check.
std::vector<DamagedFile> damaged_reseller_files(const Transaction& txn);

// The account limit of a reseller, if enabled.
std::optional<long long> account_limit(const Transaction& txn, const std::string& reseller);

}  // namespace whm
