// Account Enhancements: named upgrades that a plugin defines, assigned to
// accounts, and how many of each a reseller may assign. As cPanel keeps them:
//  * var/cpanel/account_enhancements/<name>.json: {"id": ..., "name": ...},
//    one file per enhancement (mode 0644, the directory 0700);
//  * var/cpanel/account_enhancements/config/installed.json: the plugins'
//    enhancements, {"<name>": {"id": ..., "plugin_id": ...}}, written by a
//    plugin's installer; an enhancement's id must be one of these ids;
//  * an assignment is the cpuser key ACCOUNT-ENHANCEMENT-<name>=<id>, so it
//    follows the account through rename, pkgacct and restore with the file;
//  * a reseller's limits are in var/cpanel/reseller-limits.yaml under
//    <reseller>.limits.account_enhancements.<id>: {limited, limit, usage}.
//    "usage" is the number of the reseller's accounts holding the id: the
//    lifecycle part keeps it in step when an account goes or comes back.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "cpuser.hpp"

namespace whm {

class StateRoot;
class Transaction;

namespace enhancements {
inline constexpr const char* kDir = "var/cpanel/account_enhancements";
inline constexpr const char* kInstalled = "var/cpanel/account_enhancements/config/installed.json";
inline constexpr const char* kAssignmentPrefix = "ACCOUNT-ENHANCEMENT-";
inline constexpr size_t kMaxNameLength = 80;
}  // namespace enhancements

struct Enhancement {
  std::string name, id;
};

// The enhancement's file, root-relative.
std::string enhancement_rel(const std::string& name);

// Every enhancement file that reads as one, sorted by name without regard to
// case; `warnings` gets one line per file that does not.
std::vector<Enhancement> list_enhancements(const StateRoot& root, const Transaction& txn,
                                           std::vector<std::string>& warnings);
// The enhancement called `name` (the name checked first), or ApiError
// "The system was unable to find the “X” enhancement."
Enhancement find_enhancement(const Transaction& txn, const std::string& name);
// Stages the enhancement's file.
void stage_enhancement(Transaction& txn, const Enhancement& e);

// ApiError (cPanel's wording) unless `name` is 1-80 characters that can name
// a file and a cpuser key.
void check_enhancement_name(const std::string& name);
// ApiError "The “X” enhancement ID is not valid." unless an installed plugin
// defines the id.
void check_enhancement_id(const Transaction& txn, const std::string& id);
// The ids installed plugins define, each once.
std::vector<std::string> installed_enhancement_ids(const Transaction& txn);

// An account's assignments: enhancement name -> id.
std::map<std::string, std::string> assignments_of(const CpUser& u);

// A reseller's limit for one enhancement id.
struct EnhancementLimit {
  bool limited = true;  // cPanel's default: limited to 0
  long long limit = 0;
  long long usage = 0;
};
// The stored limits of `reseller`, by id (usage as stored).
std::map<std::string, EnhancementLimit> enhancement_limits(const Transaction& txn, const std::string& reseller);
// How many of `reseller`'s accounts hold each id, as `txn` sees them.
std::map<std::string, long long> enhancement_usage(const StateRoot& root, const Transaction& txn,
                                                   const std::string& reseller);
// The same for every owner at once (one pass over the cpuser files): owner ->
// ID -> count.
std::map<std::string, std::map<std::string, long long>> enhancement_usage_by_owner(const StateRoot& root,
                                                                                   const Transaction& txn);
// Stages `reseller`'s limit for `id` (usage set to the count above).
void stage_enhancement_limit(const StateRoot& root, Transaction& txn, const std::string& reseller,
                             const std::string& id, bool limited, std::optional<long long> limit);
// After an assignment to or from one of `reseller`'s accounts: its entry for
// `id` (cPanel's default one if it has none) and the others get the counts.
void stage_enhancement_usage(const StateRoot& root, Transaction& txn, const std::string& reseller,
                             const std::string& id);
// Rewrites the stored usage of every id `reseller` has an entry for to the
// count above; nothing when it has none, or is not a reseller.
void sync_enhancement_usage(const StateRoot& root, Transaction& txn, const std::string& reseller);

}  // namespace whm
