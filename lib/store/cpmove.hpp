// Account archives in pkgacct's layout ("archive version 4"): one top-level
// directory cpmove-<user>/ holding cp/<user>, shadow, shell, version,
// homedir_paths, userdata/, dnszones/, proftpdpasswd, cron/<user>,
// suspended/, suspendinfo/, sds/sds2/pds/addons, bandwidth_db/<user>.sqlite,
// the home under homedir/ and
// whmkit's own whmkit/ftp.json (FTP logins' read-only flags and allowed IPs).
// Written and read with libarchive. Reading checks the whole archive before
// anything is written: damaged or truncated data, absolute paths, "..",
// hard links, device files, and symlinks that point out of the home are all
// refused. The home is read and written through directory descriptors
// (user_dir.hpp): no symlink in it is followed, on disk or in the archive.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "state.hpp"

namespace whm {

struct PkgacctOptions {
  bool compress = true;
  bool skip_homedir = false;
  bool skip_dnszones = false;
  bool skip_ftpusers = false;
};

// Where the stores put their files in an archive (see AccountPart::archive).
class ArchiveOut {
 public:
  virtual ~ArchiveOut() = default;
  // A file at `rel` below the top directory ("cp/bob"), mode 0600.
  virtual void file(const std::string& rel, const std::string& content) = 0;
  // The directory tree at `abs` (as lstat sees it: modes, owners, times,
  // symlinks as symlinks) as `rel`. A tree a user controls (the home): it is
  // walked without following a symlink in it.
  virtual void tree(const std::string& rel, const std::string& abs) = 0;
};

// Archives `user` (read through `txn`, under the state lock) into `out_abs`
// (written to a temporary file, fsync'd, renamed into place). Returns the
// number of entries written.
size_t write_account_archive(const StateRoot& root, const Transaction& txn, const std::string& user,
                             const std::string& out_abs, const PkgacctOptions& opts);

struct AccountArchive {
  std::string user;  // the name of cp/<user>
  std::string top;   // the top-level directory ("cpmove-bob")
  std::string original_home;
  // The small files restore needs, by path below the top directory ("cp/bob").
  std::map<std::string, std::string> files;
  size_t home_entries = 0;
  std::vector<std::string> under(const std::string& dir) const;  // file names directly in dir/
  const std::string* file(const std::string& rel) const;
};

// Refuses (ApiError naming the account) an archive to restore at `path` (as
// on the server, "/home/cpmove-bob.tar.gz") inside an account's home, by its
// path or by where its symlinks lead: see the definition for why.
void check_archive_outside_homes(const StateRoot& root, const std::string& path);

// Reads and checks the whole archive; throws ApiError naming the problem.
AccountArchive inspect_account_archive(const std::string& archive_abs);
// Extracts homedir/ into `dest_abs` (created here; must not exist), every
// file owned by `owner`, never writing through a symlink; a symlink to a
// place in `original_home` points to the same place in `new_home`. Only
// call after inspect_account_archive accepted the archive.
void extract_account_home(const std::string& archive_abs, const std::string& dest_abs, FileOwner owner,
                          const std::string& original_home, const std::string& new_home);

}  // namespace whm
