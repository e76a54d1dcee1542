// Directories whose contents a user controls: an account's home and
// everything below it. whmkit runs as root, and the account's user may have
// planted a symlink anywhere below such a directory (or swap a directory for
// one while whmkit works) to make root read or write another account's files
// or system files. So nothing below it is reached by a path string: each
// component is opened relative to the directory opened before it, never
// through a symlink (openat2 with RESOLVE_BENEATH | RESOLVE_NO_SYMLINKS where
// the kernel has it, else one O_NOFOLLOW openat per component), and a symlink
// on the way is refused with an error naming it. The directory itself is
// reached by its path, which only root can change ("home/bob" in a root-owned
// "home").
//
// A Transaction (state.hpp) stages changes inside such a directory through
// UserPath; code that only reads or walks one opens a UserDir.
#pragma once
#include <sys/stat.h>
#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

namespace whm {

// The owner given to a file or directory whmkit creates (-1: left as created, root's).
struct FileOwner {
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
};

// A path inside a directory a user controls, as a Transaction stages it:
// `dir` is that directory relative to the state root ("home/bob"), `rel` the
// path inside it ("etc/ftpquota").
struct UserPath {
  std::string dir, rel;
  std::string joined() const { return rel.empty() ? dir : dir + "/" + rel; }
};

// The components of a relative path ("etc/ftpquota" -> {"etc", "ftpquota"});
// throws ApiError for an absolute path or an empty, ".", ".." component, NUL
// or another control character.
std::vector<std::string> relative_path_parts(const std::string& rel);

// Whether to try openat2 (on by default; off where the kernel lacks it).
// Tests turn it off to run the per-component walk that older kernels get.
void set_openat2_enabled(bool enabled);

// An open file descriptor, closed by its owner.
class Fd {
 public:
  Fd() = default;
  explicit Fd(int fd) : fd_(fd) {}
  Fd(Fd&& other) noexcept : fd_(other.release()) {}
  Fd& operator=(Fd&& other) noexcept;
  Fd(const Fd&) = delete;
  Fd& operator=(const Fd&) = delete;
  ~Fd();
  int get() const { return fd_; }
  explicit operator bool() const { return fd_ >= 0; }
  int release();

 private:
  int fd_ = -1;
};

// An open directory a user controls, or one below it. Messages name paths as
// they are on the server ("/home/bob/etc"), from `shown`.
class UserDir {
 public:
  // Opens the directory at `abs`, a path only root can change; `shown` names
  // it in messages. nullopt if it does not exist.
  static std::optional<UserDir> open(const std::string& abs, const std::string& shown);
  int fd() const { return fd_.get(); }
  // How messages name `rel` below this directory.
  std::string shown(const std::string& rel = "") const;

  // The directory `rel` below this one ("" = this one again); nullopt if a
  // component does not exist. Throws ApiError naming the component when one
  // is a symlink or not a directory.
  std::optional<UserDir> dir(const std::string& rel) const;
  // The same, creating what is missing with `mode` and `owner`.
  UserDir make_dirs(const std::string& rel, mode_t mode, FileOwner owner) const;
  // The first component on the way to the directory `rel` that does not exist
  // ("a/b" when "a" exists and "a/b" does not), "" when all do: what
  // make_dirs would create. Throws like dir().
  std::string first_missing(const std::string& rel) const;
  // What is at `rel`, without following a symlink there; nullopt if nothing.
  std::optional<struct stat> status(const std::string& rel) const;
  // The contents of the regular file `rel`; nullopt if there is none. Refuses
  // a symlink, anything but a regular file (a FIFO would block), and a file
  // with other hard links (it may be another account's file).
  std::optional<std::string> read(const std::string& rel) const;
  // Throws, naming the path, unless a regular file may be put at `rel`: the
  // directories on the way are real directories (or missing), and `rel` is
  // missing or a regular file.
  void check_can_hold_file(const std::string& rel) const;
  // Removes `rel`: a file, a symlink (not what it points to), or a whole tree
  // (its symlinks removed, never followed). Nothing if it does not exist.
  void remove(const std::string& rel) const;

  // For walks: the names in this directory (no "." and ".."), sorted.
  std::vector<std::string> entries() const;
  // Opens the entry `name` for reading if it is a regular file (never through a symlink); an empty Fd otherwise.
  Fd open_file(const std::string& name) const;
  // The target of the symlink `name`.
  std::optional<std::string> link_target(const std::string& name) const;
  // The total size of the regular files in this tree (symlinks not followed).
  long long tree_bytes() const;

 private:
  UserDir(Fd fd, std::string shown) : fd_(std::move(fd)), shown_(std::move(shown)) {}
  Fd fd_;
  std::string shown_;
};

}  // namespace whm
