#include "cpmove.hpp"

#include <archive.h>
#include <archive_entry.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <memory>
#include <set>

#include "account_lifecycle.hpp"
#include "errors.hpp"
#include "lazy_library.hpp"
#include "sysusers.hpp"
#include "user_dir.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace fs = std::filesystem;

namespace whm {

namespace {

// libarchive, opened on first use (see lazy_library.hpp).
// clang-format off
#define WHMKIT_ARCHIVE_FUNCTIONS(X) \
  X(archive_entry_filetype) \
  X(archive_entry_free) \
  X(archive_entry_hardlink) \
  X(archive_entry_mtime) \
  X(archive_entry_new) \
  X(archive_entry_pathname) \
  X(archive_entry_perm) \
  X(archive_entry_set_filetype) \
  X(archive_entry_set_gid) \
  X(archive_entry_set_mtime) \
  X(archive_entry_set_pathname) \
  X(archive_entry_set_perm) \
  X(archive_entry_set_size) \
  X(archive_entry_set_symlink) \
  X(archive_entry_set_uid) \
  X(archive_entry_size) \
  X(archive_entry_symlink) \
  X(archive_error_string) \
  X(archive_read_data) \
  X(archive_read_data_block) \
  X(archive_read_free) \
  X(archive_read_new) \
  X(archive_read_next_header) \
  X(archive_read_open_filename) \
  X(archive_read_support_filter_all) \
  X(archive_read_support_format_gnutar) \
  X(archive_read_support_format_tar) \
  X(archive_write_add_filter_gzip) \
  X(archive_write_close) \
  X(archive_write_data) \
  X(archive_write_free) \
  X(archive_write_header) \
  X(archive_write_new) \
  X(archive_write_open_filename) \
  X(archive_write_set_format_pax_restricted)
// clang-format on
WHMKIT_LAZY_API(ArchiveApi, la, "libarchive.so.13", "libarchive", WHMKIT_ARCHIVE_FUNCTIONS)

// pkgacct's directory tree (PKGTREE_DIRS), created at mode 0700.
const char* const kTreeDirs[] = {"apache_tls",
                                 "bandwidth",
                                 "bandwidth_db",
                                 "counters",
                                 "cp",
                                 "cron",
                                 "customizations",
                                 "dnszones",
                                 "domainkeys",
                                 "domainkeys/private",
                                 "domainkeys/public",
                                 "httpfiles",
                                 "ips",
                                 "locale",
                                 "logs",
                                 "meta",
                                 "mm",
                                 "mma",
                                 "mma/priv",
                                 "mma/pub",
                                 "mms",
                                 "mysql",
                                 "mysql-timestamps",
                                 "psql",
                                 "resellerconfig",
                                 "resellerfeatures",
                                 "resellerpackages",
                                 "sslcerts",
                                 "sslkeys",
                                 "ssl",
                                 "suspended",
                                 "suspendinfo",
                                 "userdata",
                                 "va",
                                 "vad",
                                 "vf",
                                 "team"};

// Files restore reads (everything else is checked but not kept in memory).
bool restore_needs(const std::string& rel) {
  static const std::set<std::string> single = {
      "shadow", "shell",  "version", "homedir_paths", "proftpdpasswd", "sds",         "sds2",
      "pds",    "addons", "quota",   "meta/hostname", "digestshadow",  "autossl.json"};
  if (single.count(rel)) return true;
  // The MariaDB grants and each database's files (mysql_db.cpp).
  if (rel == "mysql.sql" || rel == "mysql_host_notes.json" ||
      (starts_with(rel, "mysql/") && rel.find('/', 6) == std::string::npos))
    return true;
  // The PostgreSQL users, grants and each database's dump (pgsql_store.cpp).
  if (rel == "psql_users.sql" || rel == "psql_grants.sql" ||
      (starts_with(rel, "psql/") && rel.find('/', 5) == std::string::npos))
    return true;
  for (const char* dir : {"cp/", "userdata/", "dnszones/", "cron/", "suspended/", "suspendinfo/", "bandwidth_db/",
                          "whmkit/", "api_tokens/", "va/", "vad/", "domainkeys/private/", "apache_tls/"})
    if (starts_with(rel, dir) && rel.find('/', std::string(dir).size()) == std::string::npos) return true;
  // A zone's DNSSEC keys: dnssec/<zone>/<file> (dns_store.cpp).
  if (starts_with(rel, "dnssec/") && std::count(rel.begin(), rel.end(), '/') == 2) return true;
  // A mailing list's files: mm/<list>_<domain>/<file> (mailing_lists.cpp).
  if (starts_with(rel, "mm/") && std::count(rel.begin(), rel.end(), '/') == 2) return true;
  return false;
}

constexpr size_t kMaxKeptFile = 64u << 20;  // a metadata file larger than this is not an account's

using ArchivePtr = std::unique_ptr<struct archive, int (*)(struct archive*)>;
using EntryPtr = std::unique_ptr<struct archive_entry, void (*)(struct archive_entry*)>;

ArchivePtr open_reader(const std::string& path) {
  ArchivePtr a(la().archive_read_new(), la().archive_read_free);
  la().archive_read_support_filter_all(a.get());
  la().archive_read_support_format_tar(a.get());
  la().archive_read_support_format_gnutar(a.get());
  if (la().archive_read_open_filename(a.get(), path.c_str(), 1 << 16) != ARCHIVE_OK)
    throw ApiError("The archive “" + path + "” is damaged or not an archive: " +
                   (la().archive_error_string(a.get()) ? la().archive_error_string(a.get()) : "unknown error"));
  return a;
}

[[noreturn]] void damaged(struct archive* a, const std::string& path) {
  const char* why = la().archive_error_string(a);
  throw ApiError("The archive “" + path + "” is damaged or truncated: " + (why ? why : "read error"));
}

// "a//b/./c/" -> {"a", "b", "c"}; throws for absolute paths and "..".
std::vector<std::string> entry_components(const char* raw, const std::string& archive) {
  if (!raw || !*raw) throw ApiError("The archive “" + archive + "” has an entry without a usable name.");
  std::string name = raw;
  if (name[0] == '/') throw ApiError("The archive “" + archive + "” has an absolute path: “" + name + "”.");
  std::vector<std::string> parts;
  for (const auto& p : split(name, '/')) {
    if (p.empty() || p == ".") continue;
    if (p == "..") throw ApiError("The archive “" + archive + "” has a path with “..”: “" + name + "”.");
    for (unsigned char c : p)
      if (c < 0x20 || c == 0x7f) throw ApiError("The archive “" + archive + "” has a path with a control character.");
    parts.push_back(p);
  }
  if (parts.empty()) throw ApiError("The archive “" + archive + "” has an entry without a usable name.");
  return parts;
}

// Lexically resolves a symlink target against the link's directory (both
// relative to the home); false if it leaves the home.
bool link_stays_inside(const std::vector<std::string>& link_dir, const std::string& target) {
  std::vector<std::string> stack = link_dir;
  for (const auto& p : split(target, '/')) {
    if (p.empty() || p == ".") continue;
    if (p == "..") {
      if (stack.empty()) return false;
      stack.pop_back();
    } else {
      stack.push_back(p);
    }
  }
  return true;
}

// ---- writing ----------------------------------------------------------------

class ArchiveWriter;
void archive_tree(ArchiveWriter& w, const std::string& top_abs, const std::string& prefix);

class ArchiveWriter : public ArchiveOut {
 public:
  ArchiveWriter(const std::string& path, bool compress, std::string top)
      : a_(la().archive_write_new(), la().archive_write_free), top_(std::move(top)) {
    if (compress) la().archive_write_add_filter_gzip(a_.get());
    la().archive_write_set_format_pax_restricted(a_.get());
    if (la().archive_write_open_filename(a_.get(), path.c_str()) != ARCHIVE_OK) fail("open");
  }
  void dir(const std::string& name, mode_t mode = 0700, std::time_t mtime = 0) {
    EntryPtr e(la().archive_entry_new(), la().archive_entry_free);
    la().archive_entry_set_pathname(e.get(), (name + "/").c_str());
    la().archive_entry_set_filetype(e.get(), AE_IFDIR);
    la().archive_entry_set_perm(e.get(), mode);
    la().archive_entry_set_mtime(e.get(), mtime ? mtime : now(), 0);
    header(e.get());
    ++count;
  }
  void file(const std::string& rel, const std::string& content) override {
    EntryPtr e(la().archive_entry_new(), la().archive_entry_free);
    la().archive_entry_set_pathname(e.get(), (top_ + "/" + rel).c_str());
    la().archive_entry_set_filetype(e.get(), AE_IFREG);
    la().archive_entry_set_perm(e.get(), 0600);
    la().archive_entry_set_size(e.get(), static_cast<la_int64_t>(content.size()));
    la().archive_entry_set_mtime(e.get(), now(), 0);
    header(e.get());
    if (!content.empty() && la().archive_write_data(a_.get(), content.data(), content.size()) < 0) fail("write");
    ++count;
  }
  // One entry of the home tree: a directory, or a symlink as a symlink.
  void dir_entry(const std::string& name, const struct stat& st) {
    EntryPtr e = disk_entry(name, st, AE_IFDIR);
    header(e.get());
    ++count;
  }
  void symlink_entry(const std::string& name, const struct stat& st, const std::string& target) {
    EntryPtr e = disk_entry(name, st, AE_IFLNK);
    la().archive_entry_set_symlink(e.get(), target.c_str());
    header(e.get());
    ++count;
  }
  // A regular file, from `fd` (opened without following a symlink); `st` is its fstat.
  void file_entry(const std::string& name, const struct stat& st, int fd) {
    EntryPtr e = disk_entry(name, st, AE_IFREG);
    la().archive_entry_set_size(e.get(), st.st_size);
    header(e.get());
    char buf[1 << 16];
    ssize_t n;
    la_int64_t left = st.st_size;
    while (left > 0 && (n = ::read(fd, buf, sizeof buf)) > 0) {
      n = std::min<la_int64_t>(n, left);
      if (la().archive_write_data(a_.get(), buf, static_cast<size_t>(n)) < 0) fail("write");
      left -= n;
    }
    // A file that shrank while being read is padded so the archive stays valid.
    std::string zeros(1 << 16, '\0');
    while (left > 0) {
      auto chunk = static_cast<size_t>(std::min<la_int64_t>(left, static_cast<la_int64_t>(zeros.size())));
      la().archive_write_data(a_.get(), zeros.data(), chunk);
      left -= static_cast<la_int64_t>(chunk);
    }
    ++count;
  }
  void tree(const std::string& rel, const std::string& abs) override { archive_tree(*this, abs, top_ + "/" + rel); }
  void close() {
    if (la().archive_write_close(a_.get()) != ARCHIVE_OK) fail("finish");
  }
  size_t count = 0;

 private:
  EntryPtr disk_entry(const std::string& name, const struct stat& st, unsigned type) {
    EntryPtr e(la().archive_entry_new(), la().archive_entry_free);
    la().archive_entry_set_pathname(e.get(), name.c_str());
    la().archive_entry_set_filetype(e.get(), type);
    la().archive_entry_set_perm(e.get(), st.st_mode & 07777);
    la().archive_entry_set_uid(e.get(), st.st_uid);
    la().archive_entry_set_gid(e.get(), st.st_gid);
    la().archive_entry_set_mtime(e.get(), st.st_mtim.tv_sec, st.st_mtim.tv_nsec);
    return e;
  }
  void header(struct archive_entry* e) {
    if (la().archive_write_header(a_.get(), e) != ARCHIVE_OK) fail("write a header to");
  }
  [[noreturn]] void fail(const char* what) {
    const char* why = la().archive_error_string(a_.get());
    throw ApiError(std::string("Could not ") + what + " the archive: " + (why ? why : "unknown error"));
  }
  ArchivePtr a_;
  std::string top_;
};

// The tree below `dir`, walked through directory descriptors: a symlink the
// user planted is archived as a symlink and never followed, and a directory
// swapped for a symlink meanwhile is refused, so nothing outside the home
// gets into the archive. Sockets, FIFOs and devices are left out, as pkgacct does.
void archive_dir(ArchiveWriter& w, const UserDir& dir, const std::string& prefix) {
  for (const auto& name : dir.entries()) {
    struct stat st;
    if (::fstatat(dir.fd(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // vanished
    const std::string entry = prefix + "/" + name;
    if (S_ISDIR(st.st_mode)) {
      auto sub = dir.dir(name);
      if (!sub || ::fstat(sub->fd(), &st) != 0) continue;
      w.dir_entry(entry, st);
      archive_dir(w, *sub, entry);
    } else if (S_ISLNK(st.st_mode)) {
      if (auto target = dir.link_target(name)) w.symlink_entry(entry, st, *target);
    } else if (S_ISREG(st.st_mode)) {
      Fd fd = dir.open_file(name);  // vanished or unreadable: pkgacct skips it too
      if (fd && ::fstat(fd.get(), &st) == 0) w.file_entry(entry, st, fd.get());
    }
  }
}

void archive_tree(ArchiveWriter& w, const std::string& top_abs, const std::string& prefix) {
  auto top = UserDir::open(top_abs, top_abs);
  struct stat st;
  if (!top || ::fstat(top->fd(), &st) != 0) return;
  w.dir_entry(prefix, st);
  archive_dir(w, *top, prefix);
}

}  // namespace

size_t write_account_archive(const StateRoot& root, const Transaction& txn, const std::string& user,
                             const std::string& out_abs, const PkgacctOptions& opts) {
  const AccountFacts facts = load_account_facts(txn, AccountStore(root).require(user));
  SystemUsers sys;
  sys.load(txn);
  sys.require_user(user);

  const std::string tmp = out_abs + ".whmkit-tmp";
  const std::string top = "cpmove-" + user;
  ArchiveWriter w(tmp, opts.compress, top);
  w.dir(top);
  for (const char* d : kTreeDirs) w.dir(top + "/" + d);
  w.file("version", "pkgacct version: 10\narchive version: 4\n");
  w.file("meta/hostname", load_server_config(root).hostname + "\n");
  for (const auto* part : account_parts()) part->archive(root, txn, facts, opts, w);
  w.close();
  int fd = ::open(tmp.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
  if (::rename(tmp.c_str(), out_abs.c_str()) != 0) {
    ::unlink(tmp.c_str());
    throw ApiError("Could not move the archive into place at “" + out_abs + "”.");
  }
  return w.count;
}

std::vector<std::string> AccountArchive::under(const std::string& dir) const {
  std::vector<std::string> out;
  const std::string prefix = dir + "/";
  for (const auto& [rel, content] : files)
    if (starts_with(rel, prefix) && rel.find('/', prefix.size()) == std::string::npos)
      out.push_back(rel.substr(prefix.size()));
  return out;
}

const std::string* AccountArchive::file(const std::string& rel) const {
  auto it = files.find(rel);
  return it == files.end() ? nullptr : &it->second;
}

// Refused rather than opened without following symlinks: a restore reads
// the archive twice (inspect_account_archive checks all of it before
// extract_account_home reads it again), and the account's user owns what is
// in the home. Between the two reads the user could rewrite the file in
// place, which no symlink-safe open prevents, and have an archive that was
// never checked extracted. Outside every home only root can change it.
void check_archive_outside_homes(const StateRoot& root, const std::string& path) {
  const std::string rel = paths::rel_from_abs(path);
  // Where a path leads once symlinks are followed, with a "/" at the end; "" if unknown.
  const auto real = [&root](const std::string& r) -> std::string {
    std::error_code ec;
    auto resolved = fs::weakly_canonical(root.path(r), ec);
    return ec ? "" : resolved.string() + "/";
  };
  const std::string real_archive = real(rel);
  Transaction view(root);
  SystemUsers sys;
  sys.load(view);
  for (const auto& user : AccountStore(root).usernames()) {
    auto pw = sys.user(user);
    if (!pw) continue;
    std::string home = pw->home, home_rel;
    while (home.size() > 1 && home.back() == '/') home.pop_back();
    try {
      home_rel = paths::rel_from_abs(home);
    } catch (const ApiError&) {
      continue;  // a home no account could have (whmkit-check reports it)
    }
    if (home_rel.empty()) continue;
    const std::string real_home = real(home_rel);
    if (starts_with(rel, home_rel + "/") ||
        (!real_archive.empty() && !real_home.empty() && starts_with(real_archive, real_home)))
      throw ApiError("The archive “" + path + "” is in the home directory of the account “" + user +
                     "”, whose user could replace it while it is restored: move it to a directory only root can "
                     "change first.");
  }
}

AccountArchive inspect_account_archive(const std::string& archive_abs) {
  AccountArchive out;
  auto a = open_reader(archive_abs);
  struct archive_entry* e = nullptr;
  std::set<std::string> seen;
  std::vector<std::pair<std::vector<std::string>, std::string>> links;  // home-relative link path, target
  std::set<std::string> link_paths;
  int rc;
  while ((rc = la().archive_read_next_header(a.get(), &e)) == ARCHIVE_OK || rc == ARCHIVE_WARN) {
    if (rc == ARCHIVE_WARN) damaged(a.get(), archive_abs);
    auto parts = entry_components(la().archive_entry_pathname(e), archive_abs);
    if (out.top.empty()) out.top = parts[0];
    if (parts[0] != out.top)
      throw ApiError("The archive “" + archive_abs + "” has more than one top-level directory (“" + out.top + "”, “" +
                     parts[0] + "”).");
    std::vector<std::string> rel_parts(parts.begin() + 1, parts.end());
    const std::string rel = join(rel_parts, "/");
    if (!seen.insert(rel).second) throw ApiError("The archive “" + archive_abs + "” lists “" + rel + "” twice.");
    if (la().archive_entry_hardlink(e))
      throw ApiError("The archive “" + archive_abs + "” has a hard link (“" + rel +
                     "”); whmkit does not restore hard links.");
    const auto type = la().archive_entry_filetype(e);
    const bool in_home = !rel_parts.empty() && rel_parts[0] == "homedir";
    if (type == AE_IFLNK) {
      if (!in_home || rel_parts.size() < 2)
        throw ApiError("The archive “" + archive_abs + "” has a symlink outside the home directory: “" + rel + "”.");
      const char* target = la().archive_entry_symlink(e);
      links.push_back({{rel_parts.begin() + 1, rel_parts.end() - 1}, target ? target : ""});
      link_paths.insert(rel);
    } else if (type != AE_IFREG && type != AE_IFDIR) {
      throw ApiError("The archive “" + archive_abs + "” has a device, FIFO or socket: “" + rel + "”.");
    }
    if (in_home) {
      ++out.home_entries;
    } else if (type == AE_IFREG && restore_needs(rel)) {
      if (la().archive_entry_size(e) > static_cast<la_int64_t>(kMaxKeptFile))
        throw ApiError("The archive “" + archive_abs + "” has an oversized “" + rel + "”.");
      std::string content;
      char buf[1 << 16];
      la_ssize_t n;
      while ((n = la().archive_read_data(a.get(), buf, sizeof buf)) > 0) content.append(buf, static_cast<size_t>(n));
      if (n < 0) damaged(a.get(), archive_abs);
      if (static_cast<la_int64_t>(content.size()) != la().archive_entry_size(e)) damaged(a.get(), archive_abs);
      out.files[rel] = std::move(content);
      continue;
    }
    // Read (and so check) the data of everything else too: a truncated
    // archive fails here, not halfway through a restore.
    const void* block;
    size_t size;
    la_int64_t offset;
    int r;
    while ((r = la().archive_read_data_block(a.get(), &block, &size, &offset)) == ARCHIVE_OK) {
    }
    if (r != ARCHIVE_EOF) damaged(a.get(), archive_abs);
  }
  if (rc != ARCHIVE_EOF) damaged(a.get(), archive_abs);
  if (out.top.empty()) throw ApiError("The archive “" + archive_abs + "” is empty.");

  auto cp = out.under("cp");
  if (cp.size() != 1)
    throw ApiError("The archive “" + archive_abs + "” is not an account archive: it needs exactly one cp/<user> file.");
  out.user = cp[0];
  if (auto why = username_syntax_error(out.user))
    throw ApiError("The archive “" + archive_abs + "” names an invalid user “" + out.user + "”: " + *why);
  if (const auto* paths_file = out.file("homedir_paths")) out.original_home = trim(split(*paths_file, '\n')[0]);
  if (out.original_home.empty()) out.original_home = "/home/" + out.user;

  for (const auto& [dir, target] : links) {
    bool inside;
    if (!target.empty() && target[0] == '/') {
      // An absolute target is fine when it names a place in the account's own home.
      inside = target == out.original_home || starts_with(target, out.original_home + "/");
      if (inside) inside = link_stays_inside({}, target.substr(out.original_home.size()));
    } else {
      inside = !target.empty() && link_stays_inside(dir, target);
    }
    if (!inside)
      throw ApiError("The archive “" + archive_abs + "” has a symlink pointing out of the home directory (to “" +
                     target + "”).");
  }
  // Nothing may be extracted through a symlink of the archive.
  for (const auto& rel : seen)
    for (const auto& link : link_paths)
      if (starts_with(rel, link + "/"))
        throw ApiError("The archive “" + archive_abs + "” puts “" + rel + "” below the symlink “" + link + "”.");
  return out;
}

void extract_account_home(const std::string& archive_abs, const std::string& dest_abs, FileOwner owner,
                          const std::string& original_home, const std::string& new_home) {
  auto a = open_reader(archive_abs);
  if (::mkdir(dest_abs.c_str(), 0711) != 0) throw ApiError("Cannot create “" + dest_abs + "”.");
  // Everything is made through descriptors below the new directory, never
  // through a symlink (and the archive's own symlinks are made last).
  const auto dest = UserDir::open(dest_abs, dest_abs);
  if (!dest) throw ApiError("Cannot open “" + dest_abs + "”.");
  const bool as_root = ::geteuid() == 0;
  struct Deferred {
    std::string rel, target;
    mode_t mode;
    std::time_t mtime;
    bool is_link;
  };
  std::vector<Deferred> later;  // directories' modes and times, and symlinks, once everything else is in place
  // The directory a file goes into, made if the archive did not list it (kept for the next entry).
  std::string parent_rel;
  std::optional<UserDir> parent;
  auto parent_of = [&](const std::string& rel) -> const UserDir& {
    const auto slash = rel.rfind('/');
    const std::string wanted = slash == std::string::npos ? "" : rel.substr(0, slash);
    if (!parent || wanted != parent_rel) {
      parent = dest->make_dirs(wanted, 0755, owner);
      parent_rel = wanted;
    }
    return *parent;
  };
  auto name_of = [](const std::string& rel) { return rel.substr(rel.rfind('/') + 1); };
  struct archive_entry* e = nullptr;
  int rc;
  while ((rc = la().archive_read_next_header(a.get(), &e)) == ARCHIVE_OK) {
    auto parts = entry_components(la().archive_entry_pathname(e), archive_abs);
    if (parts.size() < 2 || parts[1] != "homedir") continue;
    const std::string rel = join(std::vector<std::string>(parts.begin() + 2, parts.end()), "/");
    const mode_t mode = la().archive_entry_perm(e) & 01777;  // no setuid/setgid bits from an archive
    const std::time_t mtime = la().archive_entry_mtime(e);
    switch (la().archive_entry_filetype(e)) {
      case AE_IFDIR:
        if (!rel.empty() && ::mkdirat(parent_of(rel).fd(), name_of(rel).c_str(), 0700) != 0 && errno != EEXIST)
          throw ApiError("Cannot create “" + dest->shown(rel) + "”.");
        later.push_back({rel, "", mode, mtime, false});
        break;
      case AE_IFLNK: {
        // A link to a place in the archived home points into the new home.
        std::string target = la().archive_entry_symlink(e);
        if (target == original_home || starts_with(target, original_home + "/"))
          target = new_home + target.substr(original_home.size());
        later.push_back({rel, target, 0, mtime, true});
        break;
      }
      case AE_IFREG: {
        const UserDir& dir = parent_of(rel);
        Fd fd(::openat(dir.fd(), name_of(rel).c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
        if (!fd) throw ApiError("Cannot create “" + dest->shown(rel) + "”.");
        const void* block;
        size_t size;
        la_int64_t offset;
        int r;
        while ((r = la().archive_read_data_block(a.get(), &block, &size, &offset)) == ARCHIVE_OK)
          if (::pwrite(fd.get(), block, size, offset) != static_cast<ssize_t>(size))
            throw ApiError("Cannot write “" + dest->shown(rel) + "”.");
        if (r != ARCHIVE_EOF) damaged(a.get(), archive_abs);
        ::ftruncate(fd.get(), la().archive_entry_size(e));
        if (as_root) (void)::fchown(fd.get(), owner.uid, owner.gid);
        ::fchmod(fd.get(), mode);
        struct timespec times[2] = {{mtime, 0}, {mtime, 0}};
        ::futimens(fd.get(), times);
        break;
      }
      default: break;  // inspect_account_archive refused everything else
    }
  }
  if (rc != ARCHIVE_EOF) damaged(a.get(), archive_abs);
  parent.reset();
  // Symlinks first (their directories are still writable), then directory
  // modes and times, deepest first.
  for (const auto& d : later) {
    if (!d.is_link) continue;
    const UserDir& dir = parent_of(d.rel);
    const std::string name = name_of(d.rel);
    struct timespec times[2] = {{d.mtime, 0}, {d.mtime, 0}};
    if (::symlinkat(d.target.c_str(), dir.fd(), name.c_str()) != 0)
      throw ApiError("Cannot create the symlink “" + dest->shown(d.rel) + "”.");
    if (as_root) (void)::fchownat(dir.fd(), name.c_str(), owner.uid, owner.gid, AT_SYMLINK_NOFOLLOW);
    ::utimensat(dir.fd(), name.c_str(), times, AT_SYMLINK_NOFOLLOW);
  }
  for (auto it = later.rbegin(); it != later.rend(); ++it) {
    if (it->is_link) continue;
    auto dir = dest->dir(it->rel);
    if (!dir) continue;
    struct timespec times[2] = {{it->mtime, 0}, {it->mtime, 0}};
    if (as_root) (void)::fchown(dir->fd(), owner.uid, owner.gid);
    ::fchmod(dir->fd(), it->mode);
    ::futimens(dir->fd(), times);
  }
  if (as_root) (void)::fchown(dest->fd(), owner.uid, owner.gid);
  // One syncfs instead of an fsync per file: the home must be on disk before
  // the transaction that renames it into place commits.
  ::syncfs(dest->fd());
}

}  // namespace whm
