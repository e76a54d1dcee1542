#include "state.hpp"

#include "dry_run.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <cerrno>
#include <cstring>
#include <filesystem>
#include <random>
#include <set>
#include <stdexcept>

#include "errors.hpp"
#include "util.hpp"

namespace fs = std::filesystem;

namespace whm {

namespace {

const char* kJournalRel = "var/cpanel/.whmkit.journal";

[[noreturn]] void sys_fail(const std::string& what, const std::string& path) {
  throw ApiError(what + " “" + path + "”: " + std::strerror(errno));
}

std::string dirname_of(const std::string& p) {
  auto pos = p.find_last_of('/');
  if (pos == std::string::npos) return ".";
  if (pos == 0) return "/";
  return p.substr(0, pos);
}

void fsync_dir(const std::string& dir) {
  int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd >= 0) {
    ::fsync(fd);
    ::close(fd);
  }
}

std::string random_suffix() {
  static std::mt19937_64 rng{std::random_device{}() ^ static_cast<unsigned long>(::getpid())};
  static const char* chars = "abcdefghijklmnopqrstuvwxyz0123456789";
  std::string s;
  for (int i = 0; i < 10; ++i) s += chars[rng() % 36];
  return s;
}

// Files written but not yet fsync'd: a transaction writes all its files,
// asking the kernel to start writing each out at once, then fsyncs them one
// after the other; the later fsyncs find the data written and the file
// system's journal committed, instead of each waiting for its own commit.
class PendingSyncs {
 public:
  void add(Fd fd, std::string shown) {
    ::sync_file_range(fd.get(), 0, 0, SYNC_FILE_RANGE_WRITE);
    files_.emplace_back(std::move(fd), std::move(shown));
    if (files_.size() >= kMaxOpen) sync();
  }
  // Throws, naming the file, when one cannot be flushed.
  void sync() {
    for (auto& [fd, shown] : files_)
      if (::fsync(fd.get()) != 0) sys_fail("Cannot flush", shown);
    files_.clear();
  }

 private:
  static constexpr size_t kMaxOpen = 128;  // well under the open-file limit
  std::vector<std::pair<Fd, std::string>> files_;
};

// Writes content to a new file `name` of the directory `dir_fd` (AT_FDCWD:
// `name` is a path), which must not exist, never through a symlink, and
// fsyncs it, or hands it to `pending` to be fsync'd with the others. `shown`
// names it in messages.
void write_new_file(int dir_fd, const std::string& name, const std::string& shown, const std::string& content,
                    mode_t mode, FileOwner owner, PendingSyncs* pending = nullptr) {
  Fd fd(::openat(dir_fd, name.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600));
  if (!fd) sys_fail("Cannot create", shown);
  size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd.get(), content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::unlinkat(dir_fd, name.c_str(), 0);
      sys_fail("Cannot write", shown);
    }
    off += static_cast<size_t>(n);
  }
  if (owner.uid != static_cast<uid_t>(-1) || owner.gid != static_cast<gid_t>(-1))
    if (::geteuid() == 0) (void)::fchown(fd.get(), owner.uid, owner.gid);
  ::fchmod(fd.get(), mode);
  if (pending) return pending->add(std::move(fd), shown);
  if (::fsync(fd.get()) != 0 || ::close(fd.release()) != 0) {
    ::unlinkat(dir_fd, name.c_str(), 0);
    sys_fail("Cannot flush", shown);
  }
}

void write_file_at(const std::string& path, const std::string& content, mode_t mode, FileOwner owner,
                   PendingSyncs* pending = nullptr) {
  mkdirs(dirname_of(path));
  write_new_file(AT_FDCWD, path, path, content, mode, owner, pending);
}

std::string parent_of(const std::string& rel) {
  auto slash = rel.rfind('/');
  return slash == std::string::npos ? "" : rel.substr(0, slash);
}

std::string name_of(const std::string& rel) { return rel.substr(rel.rfind('/') + 1); }

std::string temp_name() { return ".whmkit-tmp." + random_suffix(); }

// The outermost directory on the way to `dir` (relative to the state root,
// "" = the root itself) that does not exist yet; "" if they all do.
std::string first_missing_dir(const StateRoot& root, const std::string& dir) {
  std::string missing;
  for (std::string d = dir; !d.empty() && !root.exists(d); d = parent_of(d)) missing = d;
  return missing;
}

}  // namespace

void check_path_component(const std::string& name, const char* what) {
  if (name.empty() || name == "." || name == "..") throw ApiError(std::string("Invalid ") + what + ": “" + name + "”.");
  for (unsigned char c : name)
    if (c == '/' || c < 0x20 || c == 0x7f)
      throw ApiError(std::string("Invalid ") + what + ": it contains a “/” or a control character.");
}

StateRoot::StateRoot(std::string root) : root_(std::move(root)) {
  if (root_.empty()) root_ = "/";
  if (root_ != "/") {
    std::error_code ec;
    auto abs = fs::absolute(root_, ec);
    if (!ec) root_ = abs.lexically_normal().string();
    while (root_.size() > 1 && root_.back() == '/') root_.pop_back();
  }
}

std::string StateRoot::path(const std::string& rel) const {
  for (const auto& part : split(rel, '/'))
    if (part == ".." || part.find('\0') != std::string::npos)
      throw ApiError("Refusing a path that leaves the state root: " + rel);
  if (root_ == "/") return "/" + rel;
  return root_ + "/" + rel;
}

bool StateRoot::exists(const std::string& rel) const {
  struct stat st;
  return ::lstat(path(rel).c_str(), &st) == 0;
}

std::optional<std::string> StateRoot::read(const std::string& rel) const { return read_file(path(rel)); }

std::vector<std::string> StateRoot::list_dir(const std::string& rel) const {
  std::vector<std::string> names;
  DIR* d = ::opendir(path(rel).c_str());
  if (!d) return names;
  while (auto* e = ::readdir(d)) {
    std::string n = e->d_name;
    if (n != "." && n != "..") names.push_back(std::move(n));
  }
  ::closedir(d);
  return names;
}

// ---- the journal -------------------------------------------------------------
//
// "PREPARE" followed by the staged files and trees that may exist and must go
// if the change never commits:
//   T  <path>                  (relative to the state root)
//   UT <dir> <path>            (<path> inside the user's directory <dir>)
//   UA <dir> <path> <size>     a file appended to: cut it back to <size> bytes
// or "COMMIT" followed by the steps that apply it:
//   R  <from> <to>             rename (a directory moved in replaces the target)
//   D  <path>                  remove the file or tree
//   UR <dir> <from> <to>       the same inside a user's directory
//   UD <dir> <path>
// (fields separated by tabs). Every path is relative: to the state root, or
// to <dir>, itself relative to the state root; none has a ".." component.
// Every step is idempotent, so recovery can run any number of times.

namespace {

struct JournalStep {
  enum Kind { Discard, Move, Delete, Truncate } kind;
  std::string user_dir;  // "" = the paths are relative to the state root
  std::string path, to;
  long long size = 0;  // Truncate: the file's size before the change
};

std::string journal_line(const JournalStep& s) {
  const std::string user = s.user_dir.empty() ? "" : "U";
  const std::string dir = s.user_dir.empty() ? "" : s.user_dir + "\t";
  switch (s.kind) {
    case JournalStep::Discard: return user + "T\t" + dir + s.path;
    case JournalStep::Move: return user + "R\t" + dir + s.path + "\t" + s.to;
    case JournalStep::Delete: return user + "D\t" + dir + s.path;
    case JournalStep::Truncate: return user + "A\t" + dir + s.path + "\t" + std::to_string(s.size);
  }
  return "";
}

struct Journal {
  bool committed = false;
  std::vector<JournalStep> steps;
};

// A path for a message: control characters (and NUL) shown as "?".
std::string printable(std::string text) {
  for (auto& c : text)
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
  return text;
}

bool relative_inside(const std::string& path) {
  try {
    return !relative_path_parts(path).empty();
  } catch (const ApiError&) {
    return false;
  }
}

// Parses and checks the whole journal before anything is done; throws
// ApiError naming the first line whmkit would not have written.
Journal parse_journal(const std::string& text, const std::string& shown) {
  const auto lines = split(text, '\n');
  auto refused = [&](size_t n, const std::string& why) {
    return ApiError("The state journal “" + shown + "” was not replayed: its line " + std::to_string(n + 1) + " " +
                    why + ". Nothing was changed; inspect the file, then remove it.");
  };
  Journal j;
  if (lines[0] == "COMMIT")
    j.committed = true;
  else if (lines[0] != "PREPARE")
    throw refused(0, "is neither “PREPARE” nor “COMMIT”");
  for (size_t n = 1; n < lines.size(); ++n) {
    if (lines[n].empty()) continue;
    const auto f = split(lines[n], '\t');
    const bool user = f[0].size() == 2 && f[0][0] == 'U';
    const std::string kind = user ? f[0].substr(1) : f[0];
    JournalStep s;
    size_t path_count = 1;
    if (kind == "T" && !j.committed) {
      s.kind = JournalStep::Discard;
    } else if (kind == "R" && j.committed) {
      s.kind = JournalStep::Move;
      path_count = 2;
    } else if (kind == "D" && j.committed) {
      s.kind = JournalStep::Delete;
    } else if (kind == "A" && user && !j.committed) {  // whmkit appends only inside a user's directory
      s.kind = JournalStep::Truncate;
    } else {
      throw refused(n, "is not a step of a " + lines[0] + " journal");
    }
    const size_t size_fields = s.kind == JournalStep::Truncate ? 1 : 0;
    if (f.size() != 1 + (user ? 1 : 0) + path_count + size_fields) throw refused(n, "has the wrong number of fields");
    size_t i = 1;
    if (user) s.user_dir = f[i++];
    s.path = f[i++];
    if (path_count == 2) s.to = f[i++];
    if (size_fields) {
      const auto size = parse_int(f[i++]);
      if (!size || *size < 0) throw refused(n, "does not end with a file size");
      s.size = *size;
    }
    std::vector<const std::string*> paths = {&s.path};
    if (user) paths.push_back(&s.user_dir);
    if (path_count == 2) paths.push_back(&s.to);
    for (const std::string* path : paths)
      if (!relative_inside(*path))
        throw refused(n, "names “" + printable(*path) + "”, which is not a relative path inside the state root");
    j.steps.push_back(std::move(s));
  }
  return j;
}

// The directories of a user's files that the steps use, by "<user dir>\n<parent>":
// opened when the change was staged (so a symlink swapped in since cannot
// redirect it), or again, without following a symlink, for a recovery.
using HeldDirs = std::map<std::string, UserDir>;

const UserDir* user_parent(const StateRoot& root, const std::string& user_dir, const std::string& rel, HeldDirs& held) {
  const std::string key = user_dir + "\n" + parent_of(rel);
  if (auto it = held.find(key); it != held.end()) return &it->second;
  auto top = UserDir::open(root.path(user_dir), "/" + user_dir);
  if (!top) return nullptr;
  auto parent = top->dir(parent_of(rel));
  if (!parent) return nullptr;
  return &held.emplace(key, std::move(*parent)).first->second;
}

// Cuts the regular file `name` of the directory `dir_fd` back to `size`
// bytes (never through a symlink; a file already that short is left alone).
void truncate_at(int dir_fd, const std::string& name, long long size) {
  const int fd = ::openat(dir_fd, name.c_str(), O_WRONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK);
  if (fd < 0) return;
  struct stat st;
  if (::fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_size > size && ::ftruncate(fd, size) == 0) ::fsync(fd);
  ::close(fd);
}

// A step inside a user's directory that can no longer be made safely (the
// user put a symlink or a directory in the way since it was staged) is left
// out: it only concerns the user's own files, and it must not keep the
// journal, and so every later change, from completing.
// The directories whose entries the steps changed: each is fsync'd once,
// after the last step (a transaction often changes many files of one
// directory), and before the journal is retired.
struct ChangedDirs {
  std::set<std::string> paths;    // outside users' directories
  std::set<const UserDir*> held;  // users' directories, open in HeldDirs
  void sync() const {
    for (const auto& dir : paths) fsync_dir(dir);
    for (const UserDir* dir : held) ::fsync(dir->fd());
  }
};

void apply_user_step(const StateRoot& root, const JournalStep& s, HeldDirs& held, ChangedDirs& changed) {
  try {
    const UserDir* from = user_parent(root, s.user_dir, s.path, held);
    if (!from) return;
    if (s.kind == JournalStep::Truncate) return truncate_at(from->fd(), name_of(s.path), s.size);
    if (s.kind != JournalStep::Move) {
      from->remove(name_of(s.path));
      changed.held.insert(from);
      return;
    }
    const UserDir* to = user_parent(root, s.user_dir, s.to, held);
    if (!to) return;
    if (::renameat(from->fd(), name_of(s.path).c_str(), to->fd(), name_of(s.to).c_str()) != 0) {
      ::unlinkat(from->fd(), name_of(s.path).c_str(), 0);
      return;
    }
    changed.held.insert(to);
  } catch (const ApiError&) {
  }
}

void apply_step(const StateRoot& root, const JournalStep& s, HeldDirs& held, ChangedDirs& changed) {
  if (!s.user_dir.empty()) return apply_user_step(root, s, held, changed);
  const std::string path = root.path(s.path);
  switch (s.kind) {
    case JournalStep::Discard: remove_tree(path); break;
    case JournalStep::Truncate: break;  // only inside a user's directory (parse_journal)
    case JournalStep::Delete:
      remove_tree(path);
      changed.paths.insert(dirname_of(path));
      break;
    case JournalStep::Move: {
      const std::string to = root.path(s.to);
      struct stat st;
      if (::lstat(path.c_str(), &st) != 0) break;  // moved already
      mkdirs(dirname_of(to));
      if (S_ISDIR(st.st_mode)) remove_tree(to);
      if (::rename(path.c_str(), to.c_str()) != 0) sys_fail("Cannot rename into place", to);
      changed.paths.insert(dirname_of(to));
      break;
    }
  }
}

void apply_steps(const StateRoot& root, const std::vector<JournalStep>& steps, HeldDirs& held) {
  ChangedDirs changed;
  for (const auto& s : steps) apply_step(root, s, held, changed);
  changed.sync();
}

}  // namespace

// Writes the journal through a fixed temp name, so a crash here leaves
// nothing that recovery does not know about.
static void write_journal(const StateRoot& root, const std::string& text) {
  std::string path = root.path(kJournalRel), tmp = path + ".new";
  mkdirs(dirname_of(path));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
  if (fd < 0) sys_fail("Cannot write the journal", tmp);
  bool ok = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok || ::rename(tmp.c_str(), path.c_str()) != 0) sys_fail("Cannot write the journal", path);
  fsync_dir(dirname_of(path));
}

static void retire_journal(const StateRoot& root) {
  ::unlink(root.path(std::string(kJournalRel) + ".new").c_str());
  ::unlink(root.path(kJournalRel).c_str());
  fsync_dir(dirname_of(root.path(kJournalRel)));
}

static bool journal_pending(const StateRoot& root) {
  return root.exists(kJournalRel) || root.exists(std::string(kJournalRel) + ".new");
}

// Finishes (or rolls back) a change that a crash interrupted. Exclusive lock held.
static void recover_journal(const StateRoot& root) {
  if (!journal_pending(root)) return;
  if (auto text = root.read(kJournalRel)) {
    const Journal journal = parse_journal(*text, root.path(kJournalRel));  // throws before anything is done
    HeldDirs dirs;
    apply_steps(root, journal.steps, dirs);
  }
  retire_journal(root);
}

namespace {

// The state lock: flock on the state root directory. flock locks belong to
// an open file description, so a second flock in the same thread would wait
// for itself; the locks this thread holds are counted here instead, and an
// inner handle reuses the outer one's. Per thread, because each of whmkitd's
// workers opens the root itself: its flock then excludes the other workers'
// (and other processes') exactly as one process's excludes another's.
struct HeldLock {
  int fd = -1;
  bool exclusive = false;
  int depth = 0;
};
std::map<std::string, HeldLock>& held_locks() {
  thread_local std::map<std::string, HeldLock> locks;
  return locks;
}

void flock_or_fail(int fd, int op, const std::string& path) {
  while (::flock(fd, op) != 0)
    if (errno != EINTR) sys_fail("Cannot lock the state root", path);
}

// Takes the lock (or nests in the one held). A missing root is only created
// by a writer; a reader of a missing root reads nothing and needs no lock.
void acquire(const StateRoot& root, bool exclusive) {
  auto& held = held_locks()[root.root()];
  if (held.depth > 0) {
    if (exclusive && !held.exclusive) throw std::logic_error("a state write inside a state read");
    ++held.depth;
    return;
  }
  if (exclusive) mkdirs(root.root());
  int fd = ::open(root.root().c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 && !(errno == ENOENT && !exclusive)) sys_fail("Cannot open the state root", root.root());
  held = {fd, exclusive, 1};
  if (fd < 0) return;
  try {
    if (exclusive) {
      flock_or_fail(fd, LOCK_EX, root.root());
      recover_journal(root);
    } else {
      flock_or_fail(fd, LOCK_SH, root.root());
      if (journal_pending(root)) {  // finish the interrupted change, then read
        flock_or_fail(fd, LOCK_EX, root.root());
        recover_journal(root);
        flock_or_fail(fd, LOCK_SH, root.root());
      }
    }
  } catch (...) {
    ::close(fd);
    held_locks().erase(root.root());
    throw;
  }
}

void release(const StateRoot& root) {
  auto it = held_locks().find(root.root());
  if (it == held_locks().end() || --it->second.depth > 0) return;
  if (it->second.fd >= 0) ::close(it->second.fd);
  held_locks().erase(it);
}

bool holds_write_lock(const StateRoot& root) {
  auto it = held_locks().find(root.root());
  return it != held_locks().end() && it->second.exclusive;
}

}  // namespace

StateReader::StateReader(const StateRoot& root) : root_(root) { acquire(root, false); }
StateReader::~StateReader() { release(root_); }

StateWriter::StateWriter(const StateRoot& root) : root_(root) {
  acquire(root, true);
  txn_ = std::make_unique<Transaction>(root);
}

StateWriter::~StateWriter() {
  txn_.reset();  // rolls back what was staged and not committed, under the lock
  release(root_);
}

namespace {

std::optional<UserDir> open_user_dir(const StateRoot& root, const std::string& user_dir) {
  if (!relative_inside(user_dir)) throw ApiError("Refusing “" + printable(user_dir) + "” as a user's directory.");
  return UserDir::open(root.path(user_dir), "/" + user_dir);
}

UserDir require_user_dir(const StateRoot& root, const std::string& user_dir) {
  auto dir = open_user_dir(root, user_dir);
  if (!dir) throw ApiError("The directory “/" + user_dir + "” does not exist.");
  return std::move(*dir);
}

// The path of a file or tree inside a user's directory (not the directory itself).
const std::string& checked_inside(const UserPath& path) {
  if (relative_path_parts(path.rel).empty()) throw ApiError("Refusing “/" + path.dir + "” itself as a path inside it.");
  return path.rel;
}

}  // namespace

namespace {

// Removes the directory `name` of `parent` if nothing but empty directories
// is left in it: a file or a symlink anywhere below keeps it (and the
// directories on the way to it). Nothing is followed through a symlink.
void remove_if_only_empty_dirs(const UserDir& parent, const std::string& name) {
  auto dir = parent.dir(name);
  if (!dir) return;
  for (const auto& entry : dir->entries())
    if (auto st = dir->status(entry); st && S_ISDIR(st->st_mode)) remove_if_only_empty_dirs(*dir, entry);
  ::unlinkat(parent.fd(), name.c_str(), AT_REMOVEDIR);  // fails, keeping it, unless it is empty now
}

}  // namespace

Transaction::~Transaction() {
  if (prepared_.empty()) return;
  try {  // never committed: roll back what was staged (best effort in a destructor)
    HeldDirs dirs;
    apply_steps(root_, parse_journal("PREPARE\n" + join(prepared_, "\n"), "(in memory)").steps, dirs);
    retire_journal(root_);
    // A refused call leaves nothing behind, not even the journal's directory.
    for (auto it = made_dirs_.rbegin(); it != made_dirs_.rend(); ++it) {
      const std::string parent = parent_of(*it);
      if (auto dir = UserDir::open(parent.empty() ? root_.root() : root_.path(parent), "/" + parent))
        remove_if_only_empty_dirs(*dir, name_of(*it));
    }
  } catch (...) {
  }
}

void Transaction::note_missing_dirs(const std::string& dir) {
  if (auto missing = first_missing_dir(root_, dir); !missing.empty()) made_dirs_.push_back(missing);
}

void Transaction::adopt_staged(const std::string& rel) {
  root_.path(rel);  // validates
  note_missing_dirs(parent_of(rel));
  prepare({journal_line({JournalStep::Discard, "", rel, ""})});
}

void Transaction::prepare(const std::vector<std::string>& discard_lines) {
  for (const auto& line : discard_lines)
    if (std::find(prepared_.begin(), prepared_.end(), line) == prepared_.end()) prepared_.push_back(line);
  note_missing_dirs(parent_of(kJournalRel));  // write_journal makes it
  write_journal(root_, "PREPARE\n" + join(prepared_, "\n") + "\n");
}

void Transaction::write(const std::string& rel, std::string content, mode_t mode, FileOwner owner) {
  root_.path(rel);  // validates
  appended_.erase(rel);
  view_[rel] = content;
  ops_.push_back({Op::Write, "", rel, std::move(content), "", mode, owner});
}

void Transaction::remove(const std::string& rel) {
  root_.path(rel);
  appended_.erase(rel);
  view_[rel] = std::nullopt;
  ops_.push_back({Op::Remove, "", rel, "", "", 0, {}});
}

void Transaction::rename(const std::string& from_rel, const std::string& to_rel) {
  root_.path(from_rel);
  root_.path(to_rel);
  ops_.push_back({Op::Rename, "", from_rel, "", to_rel, 0, {}});
}

void Transaction::write(const UserPath& path, std::string content, mode_t mode, FileOwner owner) {
  require_user_dir(root_, path.dir).check_can_hold_file(checked_inside(path));
  appended_.erase(path.joined());
  view_[path.joined()] = content;
  ops_.push_back({Op::Write, path.dir, path.rel, std::move(content), "", mode, owner});
}

void Transaction::remove(const UserPath& path) {
  if (auto dir = open_user_dir(root_, path.dir)) dir->dir(parent_of(checked_inside(path)));  // no symlink on the way
  appended_.erase(path.joined());
  view_[path.joined()] = std::nullopt;
  ops_.push_back({Op::Remove, path.dir, path.rel, "", "", 0, {}});
}

void Transaction::append(const UserPath& path, std::string text, mode_t mode, FileOwner owner) {
  const std::string key = path.joined();
  if (auto it = view_.find(key); it != view_.end())
    return write(path, (it->second ? *it->second : "") + text, mode, owner);
  // The file's text is not read: an addition to 10,000 mailboxes' passwd
  // costs the line's bytes, not the file's.
  if (auto it = appended_.find(key); it != appended_.end()) {
    it->second += text;
  } else {
    if (!exists(path)) return write(path, std::move(text), mode, owner);
    appended_[key] = text;
  }
  ops_.push_back({Op::Append, path.dir, path.rel, std::move(text), "", mode, owner});
}

void Transaction::make_dir(const UserPath& path, mode_t mode, FileOwner owner) {
  require_user_dir(root_, path.dir).first_missing(checked_inside(path));
  ops_.push_back({Op::MakeDir, path.dir, path.rel, "", "", mode, owner});
}

namespace {

// A file as it is on disk, ignoring what a transaction staged: `rel` under
// the state root, or inside the user's directory `user_dir` when it is set.
std::optional<std::string> read_on_disk(const StateRoot& root, const std::string& user_dir, const std::string& rel) {
  if (user_dir.empty()) return root.read(rel);
  auto dir = open_user_dir(root, user_dir);
  return dir ? dir->read(rel) : std::nullopt;
}

bool exists_on_disk(const StateRoot& root, const std::string& user_dir, const std::string& rel) {
  if (user_dir.empty()) return root.exists(rel);
  auto dir = open_user_dir(root, user_dir);
  return dir && dir->status(rel).has_value();
}

}  // namespace

// The file as this transaction leaves it: staged, or on disk with what was appended.
std::optional<std::string> Transaction::staged_or_on_disk(const std::string& key, const std::string& user_dir,
                                                          const std::string& rel) const {
  if (auto it = view_.find(key); it != view_.end()) return it->second;
  auto text = read_on_disk(root_, user_dir, rel);
  if (auto it = appended_.find(key); it != appended_.end()) return text.value_or("") + it->second;
  return text;
}

std::optional<std::string> Transaction::read(const UserPath& path) const {
  return staged_or_on_disk(path.joined(), path.dir, checked_inside(path));
}

bool Transaction::exists(const UserPath& path) const {
  if (auto it = view_.find(path.joined()); it != view_.end()) return it->second.has_value();
  if (appended_.count(path.joined())) return true;
  return exists_on_disk(root_, path.dir, checked_inside(path));
}

bool Transaction::staged_removed(const std::string& rel) const {
  auto it = view_.find(rel);
  return it != view_.end() && !it->second;
}

std::optional<std::string> Transaction::read(const std::string& rel) const { return staged_or_on_disk(rel, "", rel); }

void Transaction::commit() {
  if (!holds_write_lock(root_)) throw std::logic_error("Transaction::commit without a StateWriter on the state root");
  if (DryRun::active()) return record_dry_run();
  if (ops_.empty() && prepared_.empty()) {
    auto after = std::move(after_commit_);
    after_commit_.clear();
    for (auto& f : after) f.run();
    return;
  }
  // Phase 1: name every temporary file, and every directory this
  // transaction creates, in the PREPARE journal; then make them (files
  // fsync'd). Nothing visible has changed; a crash is rolled back.
  std::vector<std::string> temps(ops_.size());  // a Write's temporary file, relative like its target
  std::vector<std::string> discard;
  for (size_t i = 0; i < ops_.size(); ++i) {
    const Op& op = ops_[i];
    if (op.kind != Op::Write && op.kind != Op::MakeDir) continue;
    const std::string dir = op.kind == Op::Write ? parent_of(op.rel) : op.rel;
    // The first directory on the way that does not exist yet.
    const std::string created =
        op.user_dir.empty() ? first_missing_dir(root_, dir) : require_user_dir(root_, op.user_dir).first_missing(dir);
    if (!created.empty()) discard.push_back(journal_line({JournalStep::Discard, op.user_dir, created, ""}));
    if (op.kind == Op::Write) {
      temps[i] = (dir.empty() ? "" : dir + "/") + temp_name();
      discard.push_back(journal_line({JournalStep::Discard, op.user_dir, temps[i], ""}));
    }
  }
  // An appended file is opened now (never through a symlink) and its size
  // journaled; the text goes in after the PREPARE journal names it.
  HeldDirs dirs;
  std::vector<Fd> appended(ops_.size());
  for (size_t i = 0; i < ops_.size(); ++i) {
    const Op& op = ops_[i];
    if (op.kind != Op::Append) continue;
    const UserDir* parent = user_parent(root_, op.user_dir, op.rel, dirs);
    if (parent)
      appended[i] = Fd(
          ::openat(parent->fd(), name_of(op.rel).c_str(), O_WRONLY | O_APPEND | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK));
    struct stat st;
    if (!appended[i] || ::fstat(appended[i].get(), &st) != 0 || !S_ISREG(st.st_mode))
      throw ApiError("Cannot add to “/" + op.user_dir + "/" + op.rel + "”: it is not a regular file.");
    discard.push_back(journal_line({JournalStep::Truncate, op.user_dir, op.rel, "", st.st_size}));
  }
  prepare(discard);
  // A user's directories are opened here, without following a symlink, and
  // phase 3 renames and removes relative to these very directories.
  PendingSyncs pending;
  for (size_t i = 0; i < ops_.size(); ++i) {
    const Op& op = ops_[i];
    if (op.kind == Op::Write && op.user_dir.empty()) {
      write_file_at(root_.path(temps[i]), op.content, op.mode, op.owner, &pending);
    } else if (op.kind == Op::Write) {
      const std::string key = op.user_dir + "\n" + parent_of(op.rel);
      auto it = dirs.find(key);
      if (it == dirs.end())
        it = dirs.emplace(key, require_user_dir(root_, op.user_dir).make_dirs(parent_of(op.rel), 0755, op.owner)).first;
      const UserDir& parent = it->second;
      parent.check_can_hold_file(name_of(op.rel));  // again: the user may have put something in the way since
      write_new_file(parent.fd(), name_of(temps[i]), parent.shown(name_of(temps[i])), op.content, op.mode, op.owner,
                     &pending);
    } else if (op.kind == Op::Append) {
      const int fd = appended[i].get();
      if (::write(fd, op.content.data(), op.content.size()) != static_cast<ssize_t>(op.content.size()))
        throw ApiError("Cannot add to “/" + op.user_dir + "/" + op.rel + "”: " + std::strerror(errno) + ".");
      pending.add(std::move(appended[i]), "/" + op.user_dir + "/" + op.rel);
    } else if (op.kind == Op::MakeDir) {
      require_user_dir(root_, op.user_dir).make_dirs(op.rel, op.mode, op.owner);
    } else if (op.kind == Op::Remove && !op.user_dir.empty()) {
      user_parent(root_, op.user_dir, op.rel, dirs);  // refuses a symlink on the way now
    }
  }

  pending.sync();

  // Phase 2: the COMMIT journal replaces the PREPARE one: the commit point.
  std::vector<JournalStep> steps;
  for (size_t i = 0; i < ops_.size(); ++i) {
    const Op& op = ops_[i];
    switch (op.kind) {
      case Op::Write: steps.push_back({JournalStep::Move, op.user_dir, temps[i], op.rel}); break;
      case Op::Remove: steps.push_back({JournalStep::Delete, op.user_dir, op.rel, ""}); break;
      case Op::Rename: steps.push_back({JournalStep::Move, "", op.rel, op.to_rel}); break;
      case Op::MakeDir: break;  // made in phase 1
      case Op::Append: break;   // written in phase 1; the COMMIT journal keeps it
    }
  }
  std::string journal = "COMMIT\n";
  for (const auto& step : steps) journal += journal_line(step) + "\n";
  write_journal(root_, journal);
  prepared_.clear();  // from here on a crash rolls forward

  // Phase 3: apply, then retire the journal.
  apply_steps(root_, steps, dirs);
  retire_journal(root_);
  ops_.clear();
  view_.clear();
  appended_.clear();
  auto after = std::move(after_commit_);
  after_commit_.clear();
  for (auto& f : after) f.run();
}

// Each path once, in the order first staged, with its text now and as the
// transaction leaves it; a path the transaction leaves as it is is no change.
void Transaction::record_dry_run() {
  DryRun& dry = *DryRun::active();
  std::set<std::string> seen;
  for (const Op& op : ops_) {
    const std::string key = op.user_dir.empty() ? op.rel : UserPath{op.user_dir, op.rel}.joined();
    switch (op.kind) {
      case Op::Write:
      case Op::Append:
      case Op::Remove: {
        if (!seen.insert(key).second) break;
        std::optional<std::string> before = read_on_disk(root_, op.user_dir, op.rel),
                                   after = staged_or_on_disk(key, op.user_dir, op.rel);
        if (op.kind == Op::Remove && !after) {
          if (exists_on_disk(root_, op.user_dir, op.rel))
            dry.record({PlannedChange::Remove, key, before, std::nullopt, ""});
        } else if (before != after) {
          dry.record({op.kind == Op::Append ? PlannedChange::Append : PlannedChange::Write, key, before, after, ""});
        }
        break;
      }
      case Op::Rename: dry.record({PlannedChange::Rename, key, std::nullopt, std::nullopt, op.to_rel}); break;
      case Op::MakeDir:
        if (!exists_on_disk(root_, op.user_dir, op.rel))
          dry.record({PlannedChange::MakeDir, key, std::nullopt, std::nullopt, ""});
        break;
    }
  }
  for (const auto& f : after_commit_) {
    if (f.what.empty())
      f.run();
    else
      dry.would_run(f.what);
  }
  // Nothing is applied; what was prepared on disk (adopted trees) is rolled
  // back when the transaction ends. Later reads in this call still see the
  // staged contents.
  ops_.clear();
  after_commit_.clear();
}

void atomic_write_file(const std::string& abs_path, const std::string& content, mode_t mode, FileOwner owner) {
  if (DryRun* dry = DryRun::active()) {
    auto before = read_file(abs_path);
    if (before != content) dry->record({PlannedChange::Write, abs_path, before, content, ""});
    return;
  }
  std::string tmp = dirname_of(abs_path) + "/.whmkit-tmp." + random_suffix();
  write_file_at(tmp, content, mode, owner);
  if (::rename(tmp.c_str(), abs_path.c_str()) != 0) {
    ::unlink(tmp.c_str());
    sys_fail("Cannot replace", abs_path);
  }
  fsync_dir(dirname_of(abs_path));
}

void mkdirs(const std::string& abs_path, mode_t mode) {
  std::error_code ec;
  if (fs::is_directory(abs_path, ec)) return;
  fs::create_directories(abs_path, ec);
  if (ec) throw ApiError("Cannot create directory “" + abs_path + "”: " + ec.message());
  ::chmod(abs_path.c_str(), mode);
}

void remove_tree(const std::string& abs_path) {
  // A tree may hold a user's files (a removed home): what is in it is removed
  // without following a symlink, however the user rearranges it meanwhile.
  const std::string parent = dirname_of(abs_path);
  if (auto dir = UserDir::open(parent, parent)) dir->remove(name_of(abs_path));
}

}  // namespace whm
