// The state root's etc/passwd, etc/shadow and etc/group, edited as text so
// that lines we do not touch stay exactly as they were.
#pragma once
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "damage.hpp"
#include "state.hpp"

namespace whm {

struct PasswdEntry {
  std::string name, password, uid, gid, gecos, home, shell;
};
// The entry's uid and gid, as file ownership.
FileOwner owner_of(const PasswdEntry& pw);

// A colon-separated system file (passwd, shadow or group). Lines are kept
// as they are (blank ones too), so a save changes only the entries edited.
// An entry whose field count is wrong is read leniently (missing fields
// empty), but replacing it is refused, as is saving a file cut off in the
// middle of a line (damage.hpp).
class ColonFile {
 public:
  ColonFile(std::string rel, mode_t mode, size_t fields) : rel_(std::move(rel)), mode_(mode), fields_(fields) {}
  void load(const Transaction& txn);
  // Only the entries of `names` (for reading a few entries of a large
  // file): such a ColonFile cannot be saved.
  void load_only(const Transaction& txn, const std::vector<std::string>& names);
  std::optional<std::vector<std::string>> find(const std::string& name) const;
  // find() on the file `rel` as `txn` sees it, without loading it all.
  static std::optional<std::vector<std::string>> find_in(const Transaction& txn, const std::string& rel,
                                                         const std::string& name);
  void upsert(const std::vector<std::string>& fields);  // keyed by field 0
  bool erase(const std::string& name);
  const std::vector<std::string>& lines() const { return lines_; }
  const std::string& rel() const { return rel_; }
  void save(Transaction& txn) const;
  // Throws DamagedFileError if the entry of `name` does not have the file's field count.
  void refuse_if_malformed(const std::string& name) const;
  // Every line with a wrong field count or a NUL byte, and a last line cut off.
  FileProblems problems() const;

 private:
  std::optional<std::string> problem_of(size_t line) const;
  std::string rel_;
  mode_t mode_;
  size_t fields_;  // of every entry
  std::vector<std::string> lines_;
  std::unordered_map<std::string, size_t> index_;  // name -> line
  FileProblems cut_off_;                           // the last line had no newline
  bool partial_ = false;                           // load_only
};

// Field values must not break the colon/newline structure.
bool is_safe_colon_field(const std::string& v);

struct SystemUsers {
  ColonFile passwd{"etc/passwd", 0644, 7}, shadow{"etc/shadow", 0600, 9}, group{"etc/group", 0644, 4};
  void load(const Transaction& txn);
  void save(Transaction& txn) const;
  std::optional<PasswdEntry> user(const std::string& name) const;
  // The entry, or ApiError "The system user “name” is missing from etc/passwd."
  PasswdEntry require_user(const std::string& name) const;
  bool group_exists(const std::string& name) const { return group.find(name).has_value(); }
  // Lowest uid (and matching gid) in the UID_MIN..UID_MAX range of
  // etc/login.defs that is free and was never an account's (id_tracking.hpp).
  std::pair<long, long> allocate_ids(const StateRoot& root) const;
  bool uid_in_use(long uid) const;
  bool gid_in_use(long gid) const;
  std::set<long> uids() const;  // of etc/passwd
  std::set<long> gids() const;  // of etc/group and the primary groups of etc/passwd
};

// The id ranges of etc/login.defs (the defaults where it does not set them):
// ids below UID_MIN / GID_MIN are the system's own.
struct LoginDefs {
  long uid_min = 1000, uid_max = 60000, gid_min = 1000;
};
LoginDefs load_login_defs(const StateRoot& root);

// Whether `password` is `user`'s password in etc/shadow (crypt(3) of the
// hash stored there; a locked "!" or "*" hash matches nothing).
bool check_system_password(const StateRoot& root, const std::string& user, const std::string& password);
// `user`'s uid in etc/passwd, nullopt if there is no such user. Uids are never
// reused (id_tracking.hpp), so it tells a user from a later one of the same name.
std::optional<std::string> system_uid(const StateRoot& root, const std::string& user);
// sha512-crypt hash of a password, with a fresh random salt.
std::string hash_password(const std::string& password);
bool verify_password(const std::string& password, const std::string& hash);
// A random password for accounts created without one.
std::string generate_password(size_t length = 16);
// Random [A-Za-z0-9] identifiers (destination ids, session and queue ids).
std::string random_alphanumeric(size_t length);
long days_since_epoch();

}  // namespace whm
