// The uids and gids accounts have had. A new account must never get the id
// of a removed one: files the old account left behind (in a backup, /tmp, a
// mail spool, another home) would belong to the new one. cPanel keeps every
// id it has allocated, together with every id of etc/passwd and etc/group
// when it writes, in var/cpanel/usedids.db: one JSON object
// {"uids": {"1001": 1, ...}, "gids": {"1001": 1, ...}} (mode 0644). whmkit
// keeps the same file: account creation and the restores add the new
// account's ids, removal makes sure the removed account's are in, the id
// allocation (SystemUsers::allocate_ids) skips them, and untrack_acct_id
// takes one out again.
#pragma once
#include <set>
#include <string>

#include "damage.hpp"
#include "state.hpp"

namespace whm {

struct SystemUsers;

inline constexpr const char* kUsedIdsFile = "var/cpanel/usedids.db";

class TrackedIds {
 public:
  // The file as `txn` sees it. Read leniently: what does not parse is in problems().
  explicit TrackedIds(const Transaction& txn);
  bool has_uid(long id) const { return uids_.count(id) > 0; }
  bool has_gid(long id) const { return gids_.count(id) > 0; }
  const std::set<long>& uids() const { return uids_; }
  const std::set<long>& gids() const { return gids_; }
  void add(FileOwner ids);
  // Whether the id was in the list.
  bool remove_uid(long id) { return uids_.erase(id) > 0; }
  bool remove_gid(long id) { return gids_.erase(id) > 0; }
  // Every id of etc/passwd and etc/group, as cPanel adds them when it allocates.
  void add_system_ids(const SystemUsers& sys);
  // Stages the file; refuses (DamagedFileError) to replace one that did not parse.
  void save(Transaction& txn) const;
  const FileProblems& problems() const { return problems_; }

 private:
  std::set<long> uids_, gids_;
  FileProblems problems_;
};

// The file's text for these ids: what json_text writes for
// {"gids": {"<id>": 1, ...}, "uids": {...}}, built without a JSON document.
std::string used_ids_text(const std::set<long>& gids, const std::set<long>& uids);

// Adds an account's uid and gid to the file (creation, restore, removal).
void track_account_ids(Transaction& txn, FileOwner ids);

}  // namespace whm
