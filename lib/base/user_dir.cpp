#include "user_dir.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstring>

#include "errors.hpp"
#include "util.hpp"

namespace whm {

namespace {

// A walk keeps at most this many directories open; see remove_entry().
constexpr size_t kMaxOpenDepth = 64;
// tree_bytes() does not count deeper than this.
constexpr size_t kMaxCountedDepth = 256;

[[noreturn]] void fail(const std::string& what, const std::string& shown, int error) {
  throw ApiError(what + " “" + shown + "”: " + std::strerror(error));
}

// Why the component `name` of `dir_fd` could not be opened: a symlink
// (ELOOP) or not a directory (ENOTDIR) is told apart from `error` here,
// since open() reports them differently depending on its flags.
int classify(int dir_fd, const std::string& name, bool want_dir, int error) {
  struct stat st;
  if (::fstatat(dir_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) return error;
  if (S_ISLNK(st.st_mode)) return ELOOP;
  if (want_dir && !S_ISDIR(st.st_mode)) return ENOTDIR;
  return error;
}

[[noreturn]] void refuse(const std::string& shown, int error) {
  if (error == ELOOP)
    throw ApiError("Refusing “" + shown +
                   "”: it is a symbolic link, and whmkit does not follow symbolic links inside a directory "
                   "its user controls.");
  if (error == ENOTDIR) throw ApiError("Refusing “" + shown + "”: it is not a directory.");
  fail("Cannot open", shown, error);
}

std::string joined(const std::vector<std::string>& parts, size_t count) {
  return join(std::vector<std::string>(parts.begin(), parts.begin() + static_cast<long>(count)), "/");
}

int open_nofollow(int dir_fd, const std::string& name, int flags) {
  return ::openat(dir_fd, name.c_str(), flags | O_NOFOLLOW | O_CLOEXEC);
}

constexpr int kDirFlags = O_RDONLY | O_DIRECTORY;

// The outcome of opening a path below a directory.
struct Walk {
  Fd fd;                 // the last component, when every one could be opened
  size_t failed_at = 0;  // else the component that could not be
  int error = 0;         // and why (errno; ELOOP: a symlink)
};

std::atomic<bool> openat2_usable{true};  // until the kernel says ENOSYS

// Opens `parts` below `dir_fd`, none through a symlink: the last with
// `last_flags`, the others as directories.
Walk walk(int dir_fd, const std::vector<std::string>& parts, int last_flags) {
  if (parts.empty()) {
    int fd = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
    return fd >= 0 ? Walk{Fd(fd), 0, 0} : Walk{Fd(), 0, errno};
  }
  if (openat2_usable) {
    // One system call for the whole path; if it fails, the walk below finds
    // out which component is to blame.
    struct open_how how {};
    how.flags = static_cast<unsigned long long>(last_flags | O_NOFOLLOW | O_CLOEXEC);
    how.resolve = RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS | RESOLVE_NO_MAGICLINKS;
    const std::string path = join(parts, "/");
    long fd = ::syscall(SYS_openat2, dir_fd, path.c_str(), &how, sizeof how);
    if (fd >= 0) return {Fd(static_cast<int>(fd)), 0, 0};
    if (errno == ENOSYS) openat2_usable = false;
  }
  int current = dir_fd;
  Fd held;
  for (size_t i = 0; i < parts.size(); ++i) {
    const bool last = i + 1 == parts.size();
    const int flags = last ? last_flags : kDirFlags;
    int fd = open_nofollow(current, parts[i], flags);
    if (fd < 0) return {Fd(), i, classify(current, parts[i], (flags & O_DIRECTORY) != 0, errno)};
    held = Fd(fd);
    current = fd;
  }
  return {std::move(held), 0, 0};
}

std::vector<std::string> names_in(int dir_fd, const std::string& shown) {
  int fd = ::fcntl(dir_fd, F_DUPFD_CLOEXEC, 0);
  DIR* d = fd >= 0 ? ::fdopendir(fd) : nullptr;
  if (!d) {
    int error = errno;
    if (fd >= 0) ::close(fd);
    fail("Cannot list", shown, error);
  }
  ::rewinddir(d);  // the duplicate shares the original's position
  std::vector<std::string> names;
  while (auto* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(std::move(n));
  }
  ::closedir(d);
  std::sort(names.begin(), names.end());
  return names;
}

// Removes the entry `name` of `parent_fd` and, for a directory, everything
// in it, never through a symlink. Without recursion and with at most
// kMaxOpenDepth directories open: a directory deeper than that is first
// moved up into the tree's top directory (a rename inside the tree), so a
// hostile tree of any depth goes away without running out of stack or file
// descriptors.
void remove_entry(int parent_fd, const std::string& name, const std::string& shown) {
  struct stat st;
  if (::fstatat(parent_fd, name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return;
    fail("Cannot remove", shown, errno);
  }
  if (!S_ISDIR(st.st_mode)) {
    if (::unlinkat(parent_fd, name.c_str(), 0) != 0 && errno != ENOENT) fail("Cannot remove", shown, errno);
    return;
  }
  struct Level {
    Fd fd;
    std::string name;
    std::vector<std::string> names;
    size_t next = 0;
    int rounds = 0;  // listings after the first: files the user adds while we remove
  };
  auto open_level = [&](int at, const std::string& n) -> std::optional<Level> {
    int fd = open_nofollow(at, n, kDirFlags);
    if (fd < 0) {
      const int error = classify(at, n, true, errno);
      if (error == ENOENT) return std::nullopt;
      if (error != ELOOP && error != ENOTDIR) fail("Cannot remove", shown, error);
      // Swapped for a symlink or a file meanwhile: that entry itself goes.
      if (::unlinkat(at, n.c_str(), 0) != 0 && errno != ENOENT) fail("Cannot remove", shown, errno);
      return std::nullopt;
    }
    Level level{Fd(fd), n, {}, 0, 0};
    level.names = names_in(fd, shown);
    return level;
  };
  std::vector<Level> stack;
  if (auto top = open_level(parent_fd, name)) stack.push_back(std::move(*top));
  bool moved_up = false;  // directories were moved into the top one since it was listed
  unsigned long moved = 0;
  while (!stack.empty()) {
    Level& level = stack.back();
    if (level.next == level.names.size()) {
      auto again = names_in(level.fd.get(), shown);
      const bool expected = stack.size() == 1 && moved_up;
      if (!again.empty() && (expected || ++level.rounds < 3)) {
        if (expected) moved_up = false;
        level.names = std::move(again);
        level.next = 0;
        continue;
      }
      const std::string done = level.name;
      stack.pop_back();
      const int at = stack.empty() ? parent_fd : stack.back().fd.get();
      if (::unlinkat(at, done.c_str(), AT_REMOVEDIR) != 0 && errno != ENOENT) fail("Cannot remove", shown, errno);
      continue;
    }
    const std::string entry = level.names[level.next++];
    if (::fstatat(level.fd.get(), entry.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;  // gone already
    if (!S_ISDIR(st.st_mode)) {
      if (::unlinkat(level.fd.get(), entry.c_str(), 0) != 0 && errno != ENOENT) fail("Cannot remove", shown, errno);
      continue;
    }
    if (stack.size() >= kMaxOpenDepth) {
      while (true) {
        const std::string up = ".whmkit-deep-" + std::to_string(moved++);
        if (::renameat2(level.fd.get(), entry.c_str(), stack.front().fd.get(), up.c_str(), RENAME_NOREPLACE) == 0)
          break;
        if (errno != EEXIST) fail("Cannot remove", shown, errno);
      }
      moved_up = true;
      continue;
    }
    if (auto sub = open_level(level.fd.get(), entry)) stack.push_back(std::move(*sub));
  }
}

}  // namespace

void set_openat2_enabled(bool enabled) { openat2_usable = enabled; }

std::vector<std::string> relative_path_parts(const std::string& rel) {
  std::vector<std::string> parts;
  if (rel.empty()) return parts;
  for (auto& part : split(rel, '/')) {
    bool bad = part.empty() || part == "." || part == "..";
    for (unsigned char c : part) bad = bad || c < 0x20 || c == 0x7f;
    if (bad)
      throw ApiError("Refusing the path “" + rel +
                     "”: it must be relative, without empty, “.” or “..” components or control characters.");
    parts.push_back(std::move(part));
  }
  return parts;
}

Fd& Fd::operator=(Fd&& other) noexcept {
  if (this != &other) {
    if (fd_ >= 0) ::close(fd_);
    fd_ = other.release();
  }
  return *this;
}

Fd::~Fd() {
  if (fd_ >= 0) ::close(fd_);
}

int Fd::release() {
  int fd = fd_;
  fd_ = -1;
  return fd;
}

std::optional<UserDir> UserDir::open(const std::string& abs, const std::string& shown) {
  int fd = ::open(abs.c_str(), kDirFlags | O_CLOEXEC);
  if (fd < 0) {
    if (errno == ENOENT) return std::nullopt;
    refuse(shown, errno);
  }
  return UserDir(Fd(fd), shown);
}

std::string UserDir::shown(const std::string& rel) const { return rel.empty() ? shown_ : shown_ + "/" + rel; }

std::optional<UserDir> UserDir::dir(const std::string& rel) const {
  const auto parts = relative_path_parts(rel);
  Walk w = walk(fd(), parts, kDirFlags);
  if (w.fd) return UserDir(std::move(w.fd), shown(rel));
  if (w.error == ENOENT) return std::nullopt;
  refuse(shown(joined(parts, w.failed_at + 1)), w.error);
}

UserDir UserDir::make_dirs(const std::string& rel, mode_t mode, FileOwner owner) const {
  const auto parts = relative_path_parts(rel);
  Fd current(::fcntl(fd(), F_DUPFD_CLOEXEC, 0));
  if (!current) fail("Cannot open", shown_, errno);
  for (size_t i = 0; i < parts.size(); ++i) {
    const std::string here = shown(joined(parts, i + 1));
    int fd = open_nofollow(current.get(), parts[i], kDirFlags);
    bool created = false;
    if (fd < 0 && errno == ENOENT) {
      if (::mkdirat(current.get(), parts[i].c_str(), mode) == 0)
        created = true;
      else if (errno != EEXIST)
        fail("Cannot create", here, errno);
      fd = open_nofollow(current.get(), parts[i], kDirFlags);
    }
    if (fd < 0) refuse(here, classify(current.get(), parts[i], true, errno));
    current = Fd(fd);
    if (created) {
      if (::geteuid() == 0 && (owner.uid != static_cast<uid_t>(-1) || owner.gid != static_cast<gid_t>(-1)))
        (void)::fchown(fd, owner.uid, owner.gid);
      ::fchmod(fd, mode);  // mkdirat applied the umask
    }
  }
  return UserDir(std::move(current), shown(rel));
}

std::string UserDir::first_missing(const std::string& rel) const {
  const auto parts = relative_path_parts(rel);
  Walk w = walk(fd(), parts, kDirFlags);
  if (w.fd) return "";
  if (w.error == ENOENT) return joined(parts, w.failed_at + 1);
  refuse(shown(joined(parts, w.failed_at + 1)), w.error);
}

std::optional<struct stat> UserDir::status(const std::string& rel) const {
  auto parts = relative_path_parts(rel);
  struct stat st;
  if (parts.empty()) {
    if (::fstat(fd(), &st) != 0) fail("Cannot inspect", shown_, errno);
    return st;
  }
  const std::string name = parts.back();
  parts.pop_back();
  auto parent = dir(join(parts, "/"));
  if (!parent) return std::nullopt;
  if (::fstatat(parent->fd(), name.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) {
    if (errno == ENOENT) return std::nullopt;
    fail("Cannot inspect", shown(rel), errno);
  }
  return st;
}

std::optional<std::string> UserDir::read(const std::string& rel) const {
  const auto parts = relative_path_parts(rel);
  if (parts.empty()) refuse(shown_, EISDIR);
  Walk w = walk(fd(), parts, O_RDONLY | O_NONBLOCK);
  if (!w.fd) {
    if (w.error == ENOENT) return std::nullopt;
    refuse(shown(joined(parts, w.failed_at + 1)), w.error);
  }
  struct stat st;
  if (::fstat(w.fd.get(), &st) != 0) fail("Cannot inspect", shown(rel), errno);
  if (!S_ISREG(st.st_mode)) throw ApiError("Refusing “" + shown(rel) + "”: it is not a regular file.");
  if (st.st_nlink > 1)
    throw ApiError("Refusing “" + shown(rel) +
                   "”: it has other hard links, so it may be another account's file in disguise.");
  std::string out;
  out.reserve(static_cast<size_t>(st.st_size));
  char buf[65536];
  for (;;) {
    ssize_t n = ::read(w.fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) fail("Cannot read", shown(rel), errno);
    if (n == 0) break;
    out.append(buf, static_cast<size_t>(n));
  }
  return out;
}

void UserDir::check_can_hold_file(const std::string& rel) const {
  auto parts = relative_path_parts(rel);
  if (parts.empty()) refuse(shown_, EISDIR);
  parts.pop_back();
  first_missing(join(parts, "/"));
  auto st = status(rel);
  if (!st || S_ISREG(st->st_mode)) return;
  if (S_ISLNK(st->st_mode)) refuse(shown(rel), ELOOP);
  throw ApiError("Refusing “" + shown(rel) + "”: it is not a regular file.");
}

void UserDir::remove(const std::string& rel) const {
  auto parts = relative_path_parts(rel);
  if (parts.empty()) throw ApiError("Refusing to remove “" + shown_ + "” through itself.");
  const std::string name = parts.back();
  parts.pop_back();
  if (auto parent = dir(join(parts, "/"))) remove_entry(parent->fd(), name, shown(rel));
}

std::vector<std::string> UserDir::entries() const { return names_in(fd(), shown_); }

Fd UserDir::open_file(const std::string& name) const {
  Fd fd(open_nofollow(fd_.get(), name, O_RDONLY | O_NONBLOCK));
  struct stat st;
  if (!fd || ::fstat(fd.get(), &st) != 0 || !S_ISREG(st.st_mode)) return Fd();
  return fd;
}

std::optional<std::string> UserDir::link_target(const std::string& name) const {
  std::string buf(256, '\0');
  for (;;) {
    ssize_t n = ::readlinkat(fd(), name.c_str(), buf.data(), buf.size());
    if (n < 0) return std::nullopt;
    if (static_cast<size_t>(n) < buf.size()) return buf.substr(0, static_cast<size_t>(n));
    buf.resize(buf.size() * 2);
  }
}

long long UserDir::tree_bytes() const {
  long long total = 0;
  struct Level {
    Fd fd;
    std::vector<std::string> names;
    size_t next = 0;
  };
  std::vector<Level> stack;
  Fd top(::fcntl(fd(), F_DUPFD_CLOEXEC, 0));
  if (!top) return 0;
  auto names = names_in(top.get(), shown_);
  stack.push_back({std::move(top), std::move(names), 0});
  while (!stack.empty()) {
    Level& level = stack.back();
    if (level.next == level.names.size()) {
      stack.pop_back();
      continue;
    }
    const std::string& entry = level.names[level.next++];
    struct stat st;
    if (::fstatat(level.fd.get(), entry.c_str(), &st, AT_SYMLINK_NOFOLLOW) != 0) continue;
    if (S_ISREG(st.st_mode)) total += st.st_size;
    if (!S_ISDIR(st.st_mode) || stack.size() >= kMaxCountedDepth) continue;
    Fd sub(open_nofollow(level.fd.get(), entry, kDirFlags));
    if (!sub) continue;
    std::vector<std::string> sub_names;
    try {
      sub_names = names_in(sub.get(), shown_);
    } catch (const ApiError&) {
      continue;
    }
    stack.push_back({std::move(sub), std::move(sub_names), 0});
  }
  return total;
}

}  // namespace whm
