#include "home_backup.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <filesystem>

#include "errors.hpp"
#include "sysusers.hpp"
#include "user_dir.hpp"
#include "util.hpp"

namespace whm {

namespace {

constexpr const char* kPrefix = "backup-";
constexpr const char* kSuffix = ".tar.gz";

std::optional<UserDir> open_home(const StateRoot& root, const CpanelAccount& account) {
  return UserDir::open(root.path(paths::rel_from_abs(account.home)), account.home);
}

UserDir require_home(const StateRoot& root, const CpanelAccount& account) {
  auto home = open_home(root, account);
  if (!home) throw ApiError("The home directory “" + account.home + "” does not exist.");
  return std::move(*home);
}

FileOwner account_owner(const StateRoot& root, const std::string& user) {
  Transaction view(root);
  SystemUsers sys;
  sys.load(view);
  return owner_of(sys.require_user(user));
}

// Copies everything `from` holds into `to` (both open), from the start.
void copy_fd(int from, int to, const std::string& shown) {
  char buf[1 << 16];
  ssize_t n;
  while ((n = ::read(from, buf, sizeof buf)) > 0)
    for (ssize_t done = 0; done < n;) {
      ssize_t w = ::write(to, buf + done, static_cast<size_t>(n - done));
      if (w <= 0) throw ApiError("Cannot write “" + shown + "”.");
      done += w;
    }
  if (n < 0) throw ApiError("Cannot read the archive for “" + shown + "”.");
}

// A root-only (0700) directory: what is made in it cannot be reached by any
// account's user, whatever it owns. Removed with this object.
struct PrivateDir {
  std::string path;
  explicit PrivateDir(const std::string& pattern) {
    std::string tmpl = pattern;
    if (!::mkdtemp(tmpl.data())) throw ApiError("Cannot create a temporary directory.");
    path = tmpl;
  }
  ~PrivateDir() {
    std::error_code ec;
    std::filesystem::remove_all(path, ec);  // does not follow symlinks
  }
};

std::string temp_pattern() {
  const char* tmp = std::getenv("TMPDIR");
  return std::string(tmp && *tmp ? tmp : "/tmp") + "/whmkit-backup-XXXXXX";
}

}  // namespace

std::string home_backup_name(const std::string& user, std::time_t when) {
  struct tm t {};
  ::localtime_r(&when, &t);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%d.%d.%d_%02d-%02d-%02d", t.tm_mon + 1, t.tm_mday, t.tm_year + 1900, t.tm_hour,
                t.tm_min, t.tm_sec);
  return kPrefix + std::string(buf) + "_" + user + kSuffix;
}

std::optional<std::time_t> home_backup_time(const std::string& name, const std::string& user) {
  const std::string tail = "_" + user + kSuffix;
  if (!starts_with(name, kPrefix) || name.size() <= tail.size() + 7 ||
      name.compare(name.size() - tail.size(), tail.size(), tail) != 0)
    return std::nullopt;
  const std::string stamp = name.substr(7, name.size() - tail.size() - 7);
  struct tm t {};
  int consumed = 0;
  if (std::sscanf(stamp.c_str(), "%d.%d.%d_%d-%d-%d%n", &t.tm_mon, &t.tm_mday, &t.tm_year, &t.tm_hour, &t.tm_min,
                  &t.tm_sec, &consumed) != 6 ||
      static_cast<size_t>(consumed) != stamp.size())
    return std::nullopt;
  if (t.tm_mon < 1 || t.tm_mon > 12 || t.tm_mday < 1 || t.tm_mday > 31 || t.tm_hour > 23 || t.tm_min > 59 ||
      t.tm_sec > 60 || t.tm_year < 1970)
    return std::nullopt;
  t.tm_mon -= 1;
  t.tm_year -= 1900;
  t.tm_isdst = -1;
  return ::mktime(&t);
}

std::vector<HomeBackup> list_home_backups(const StateRoot& root, const CpanelAccount& account) {
  std::vector<HomeBackup> out;
  auto home = open_home(root, account);
  if (!home) return out;
  for (const auto& name : home->entries()) {
    auto when = home_backup_time(name, account.user);
    auto st = home->status(name);
    if (when && st && S_ISREG(st->st_mode)) out.push_back({name, *when});
  }
  std::stable_sort(out.begin(), out.end(), [](const HomeBackup& a, const HomeBackup& b) { return a.when < b.when; });
  return out;
}

TemporaryAccountArchive::TemporaryAccountArchive(const StateRoot& root, const std::string& user,
                                                 const PkgacctOptions& opts) {
  std::string tmpl = temp_pattern();
  if (!::mkdtemp(tmpl.data())) throw ApiError("Cannot create a temporary directory.");
  dir_ = tmpl;
  path_ = dir_ + "/cpmove-" + user + (opts.compress ? ".tar.gz" : ".tar");
  try {
    Transaction view(root);
    write_account_archive(root, view, user, path_, opts);
  } catch (...) {
    std::error_code ec;
    std::filesystem::remove_all(dir_, ec);
    throw;
  }
}

TemporaryAccountArchive::~TemporaryAccountArchive() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

std::string write_home_backup(const StateRoot& root, const CpanelAccount& account, const PkgacctOptions& opts) {
  const FileOwner owner = account_owner(root, account.user);
  TemporaryAccountArchive archive(root, account.user, opts);
  const UserDir home = require_home(root, account);
  const std::string name = home_backup_name(account.user, now());
  // Written under a temporary name beside it, then renamed: a reader never
  // sees half an archive under the final name.
  const std::string partial = "." + name + ".whmkit-tmp";
  Fd in(::open(archive.path().c_str(), O_RDONLY | O_CLOEXEC));
  if (!in) throw ApiError("Cannot read the archive of “" + account.user + "”.");
  (void)::unlinkat(home.fd(), partial.c_str(), 0);  // a leftover of a crash (unlinkat never follows a symlink)
  Fd out(::openat(home.fd(), partial.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!out) throw ApiError("Cannot create “" + home.shown(partial) + "”.");
  try {
    copy_fd(in.get(), out.get(), home.shown(name));
    if (::geteuid() == 0 && ::fchown(out.get(), owner.uid, owner.gid) != 0)
      throw ApiError("Cannot give “" + home.shown(name) + "” to “" + account.user + "”.");
    if (::fsync(out.get()) != 0) throw ApiError("Cannot write “" + home.shown(name) + "”.");
    if (::renameat(home.fd(), partial.c_str(), home.fd(), name.c_str()) != 0)
      throw ApiError("Cannot move the archive into place at “" + home.shown(name) + "”.");
  } catch (...) {
    ::unlinkat(home.fd(), partial.c_str(), 0);
    throw;
  }
  return name;
}

std::vector<std::string> restore_home_files(const StateRoot& root, const CpanelAccount& account,
                                            const std::string& backup, const std::string& directory) {
  const std::string& home_abs = account.home;
  if (!starts_with(backup, home_abs + "/"))
    throw invalid_param("backup", "“" + backup + "” is not a file in your home directory “" + home_abs + "”.");
  if (directory != home_abs && !starts_with(directory, home_abs + "/"))
    throw invalid_param("directory", "“" + directory + "” is not in your home directory “" + home_abs + "”.");
  const auto backup_parts = relative_path_parts(backup.substr(home_abs.size() + 1));
  const auto directory_rel = directory == home_abs ? "" : directory.substr(home_abs.size() + 1);
  if (!directory_rel.empty()) relative_path_parts(directory_rel);  // refuses "..", control bytes

  const FileOwner owner = account_owner(root, account.user);
  const UserDir home = require_home(root, account);
  const std::string backup_dir_rel = join(std::vector<std::string>(backup_parts.begin(), backup_parts.end() - 1), "/");
  auto backup_dir = home.dir(backup_dir_rel);
  Fd in = backup_dir ? backup_dir->open_file(backup_parts.back()) : Fd();
  if (!in) throw invalid_param("backup", "“" + backup + "” is not a regular file.");
  auto target = home.dir(directory_rel);
  if (!target) throw invalid_param("directory", "“" + directory + "” does not exist.");

  // The user owns the archive and could rewrite it while it is read: it is
  // copied first, and only the copy is checked and extracted.
  PrivateDir work(temp_pattern());
  const std::string copy = work.path + "/backup.tar.gz";
  {
    Fd out(::open(copy.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
    if (!out) throw ApiError("Cannot create a temporary file.");
    copy_fd(in.get(), out.get(), copy);
  }
  // Its messages name the copy: they name the user's file instead.
  const auto name_backup = [&](const ApiError& e) {
    std::string text = e.what();
    for (size_t at; (at = text.find(copy)) != std::string::npos;) text.replace(at, copy.size(), backup);
    return ApiError(text);
  };
  AccountArchive archive;
  try {
    archive = inspect_account_archive(copy);
  } catch (const ApiError& e) {
    throw name_backup(e);
  }

  // Extracted beside the home (the same filesystem, so entries move by
  // rename) in a root-only directory the user cannot reach into meanwhile.
  const std::string home_rel = paths::rel_from_abs(home_abs);
  const std::string parent_rel = home_rel.substr(0, home_rel.rfind('/'));
  PrivateDir staging(root.path(parent_rel) + "/.whmkit-restore-" + account.user + "-XXXXXX");
  try {
    extract_account_home(copy, staging.path + "/home", owner, archive.original_home, directory);
  } catch (const ApiError& e) {
    throw name_backup(e);
  }
  auto extracted = UserDir::open(staging.path + "/home", directory);
  if (!extracted) throw ApiError("Cannot open the extracted home.");

  std::vector<std::string> restored;
  for (const auto& name : extracted->entries()) {
    target->remove(name);  // a symlink is removed, never followed
    if (::renameat(extracted->fd(), name.c_str(), target->fd(), name.c_str()) != 0)
      throw ApiError("Cannot restore “" + target->shown(name) + "”.");
    restored.push_back(name);
  }
  return restored;
}

}  // namespace whm
