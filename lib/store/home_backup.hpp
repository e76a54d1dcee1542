// An account's own full backups (UAPI Backup): the cpmove archive pkgacct
// writes (cpmove.hpp), made as a file in the account's home named as cPanel
// names it, backup-<M.D.YYYY>_<HH-MM-SS>_<user>.tar.gz (the server's local
// time), or uploaded to a remote server; and the restore of the home from
// such an archive. Everything inside the home is reached through a UserDir:
// no symlink there is followed.
#pragma once
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "account_store.hpp"
#include "cpmove.hpp"
#include "state.hpp"

namespace whm {

// "backup-12.1.2026_16-36-52_bob.tar.gz"
std::string home_backup_name(const std::string& user, std::time_t when);
// The time in such a name (nullopt when `name` is not one of `user`'s).
std::optional<std::time_t> home_backup_time(const std::string& name, const std::string& user);

struct HomeBackup {
  std::string name;
  std::time_t when;
};
// The account's backups directly in its home, oldest first.
std::vector<HomeBackup> list_home_backups(const StateRoot& root, const CpanelAccount& account);

// The account's archive in a private temporary directory outside every
// home, removed with this object.
class TemporaryAccountArchive {
 public:
  TemporaryAccountArchive(const StateRoot& root, const std::string& user, const PkgacctOptions& opts);
  ~TemporaryAccountArchive();
  TemporaryAccountArchive(const TemporaryAccountArchive&) = delete;
  TemporaryAccountArchive& operator=(const TemporaryAccountArchive&) = delete;
  const std::string& path() const { return path_; }

 private:
  std::string dir_, path_;
};

// Writes the account's archive into its home as home_backup_name(now),
// owned by the account, mode 0600. Returns the file's name.
std::string write_home_backup(const StateRoot& root, const CpanelAccount& account, const PkgacctOptions& opts);

// Restores the home from the full backup `backup` (a path in the account's
// home, as on the server) into `directory` (the home or a directory below
// it): each top-level entry of the archive's home replaces the one of the
// same name there. The archive is checked whole first (cpmove.hpp: no
// absolute paths, "..", hard links, devices, symlinks out of the home).
// Returns the restored top-level names.
std::vector<std::string> restore_home_files(const StateRoot& root, const CpanelAccount& account,
                                            const std::string& backup, const std::string& directory);

}  // namespace whm
