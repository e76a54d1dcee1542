#include "state.hpp"

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

// Writes content to a new file at `tmp` (which must not exist) and fsyncs it.
void write_file_at(const std::string& tmp, const std::string& content, mode_t mode, FileOwner owner) {
  mkdirs(dirname_of(tmp));
  int fd = ::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) sys_fail("Cannot create", tmp);
  size_t off = 0;
  while (off < content.size()) {
    ssize_t n = ::write(fd, content.data() + off, content.size() - off);
    if (n < 0) {
      if (errno == EINTR) continue;
      ::close(fd);
      ::unlink(tmp.c_str());
      sys_fail("Cannot write", tmp);
    }
    off += static_cast<size_t>(n);
  }
  if (owner.uid != static_cast<uid_t>(-1) || owner.gid != static_cast<gid_t>(-1))
    if (::geteuid() == 0) (void)::fchown(fd, owner.uid, owner.gid);
  ::fchmod(fd, mode);
  if (::fsync(fd) != 0 || ::close(fd) != 0) {
    ::unlink(tmp.c_str());
    sys_fail("Cannot flush", tmp);
  }
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

// The journal is "PREPARE" followed by "T\t<path>" lines (temp files and
// staged trees that may exist and must go if the transaction never commits),
// or "COMMIT" followed by "R\t<from>\t<to>" (rename) and "D\t<path>" (remove
// tree) lines. Every step is idempotent, so recovery can run any number of times.
static void apply_journal_lines(const std::string& journal) {
  auto lines = split(journal, '\n');
  bool prepare = !lines.empty() && lines[0] == "PREPARE";
  for (const auto& line : lines) {
    if (line.empty()) continue;
    auto f = split(line, '\t');
    struct stat st;
    if (prepare) {
      if (f[0] == "T" && f.size() == 2) remove_tree(f[1]);
    } else if (f[0] == "R" && f.size() == 3) {
      if (::lstat(f[1].c_str(), &st) == 0) {
        mkdirs(dirname_of(f[2]));
        if (S_ISDIR(st.st_mode)) remove_tree(f[2]);  // a directory move replaces the target
        if (::rename(f[1].c_str(), f[2].c_str()) != 0) sys_fail("Cannot rename into place", f[2]);
        fsync_dir(dirname_of(f[2]));
      }
    } else if (f[0] == "D" && f.size() == 2) {
      remove_tree(f[1]);
      fsync_dir(dirname_of(f[1]));
    }
  }
}

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
  if (auto journal = root.read(kJournalRel)) apply_journal_lines(*journal);
  retire_journal(root);
}

namespace {

// The state lock: flock on the state root directory. flock locks belong to
// an open file description, so a second flock in the same process would wait
// for itself; the locks this process holds are counted here instead, and an
// inner handle reuses the outer one's.
struct HeldLock {
  int fd = -1;
  bool exclusive = false;
  int depth = 0;
};
std::map<std::string, HeldLock>& held_locks() {
  static std::map<std::string, HeldLock> locks;
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

Transaction::~Transaction() {
  if (prepared_.empty()) return;
  try {  // never committed: roll back what was staged (best effort in a destructor)
    for (const auto& path : prepared_) remove_tree(path);
    retire_journal(root_);
  } catch (...) {
  }
}

void Transaction::adopt_staged(const std::string& rel) { prepare({root_.path(rel)}); }

void Transaction::prepare(const std::vector<std::string>& paths) {
  prepared_.insert(prepared_.end(), paths.begin(), paths.end());
  std::string text = "PREPARE\n";
  for (const auto& p : prepared_) text += "T\t" + p + "\n";
  write_journal(root_, text);
}

void Transaction::write(const std::string& rel, std::string content, mode_t mode, FileOwner owner) {
  root_.path(rel);  // validates
  view_[rel] = content;
  ops_.push_back({Op::Write, rel, std::move(content), "", mode, owner});
}

void Transaction::remove(const std::string& rel) {
  root_.path(rel);
  view_[rel] = std::nullopt;
  ops_.push_back({Op::Remove, rel, "", "", 0, {}});
}

void Transaction::rename(const std::string& from_rel, const std::string& to_rel) {
  root_.path(from_rel);
  root_.path(to_rel);
  ops_.push_back({Op::Rename, from_rel, "", to_rel, 0, {}});
}

bool Transaction::staged_removed(const std::string& rel) const {
  auto it = view_.find(rel);
  return it != view_.end() && !it->second;
}

std::optional<std::string> Transaction::read(const std::string& rel) const {
  auto it = view_.find(rel);
  if (it != view_.end()) return it->second;
  return root_.read(rel);
}

void Transaction::commit() {
  if (!holds_write_lock(root_)) throw std::logic_error("Transaction::commit without a StateWriter on the state root");
  if (ops_.empty() && prepared_.empty()) {
    for (auto& fn : after_commit_) fn();
    after_commit_.clear();
    return;
  }
  // Phase 1: name every temp file in the PREPARE journal, then write them
  // (fsync'd). Nothing visible has changed; a crash is rolled back.
  std::vector<std::pair<std::string, const Op*>> temps;
  for (const auto& op : ops_)
    if (op.kind == Op::Write) {
      std::string dst = root_.path(op.rel);
      temps.emplace_back(dirname_of(dst) + "/.whmkit-tmp." + random_suffix(), &op);
    }
  // Directories this transaction creates are rolled back with it too.
  std::vector<std::string> temp_paths;
  for (const auto& t : temps) {
    std::string created;
    for (std::string dir = dirname_of(t.first); dir.size() > 1 && !fs::exists(dir); dir = dirname_of(dir))
      created = dir;
    if (!created.empty() && std::find(temp_paths.begin(), temp_paths.end(), created) == temp_paths.end() &&
        std::find(prepared_.begin(), prepared_.end(), created) == prepared_.end())
      temp_paths.push_back(created);
    temp_paths.push_back(t.first);
  }
  prepare(temp_paths);
  for (const auto& [tmp, op] : temps) write_file_at(tmp, op->content, op->mode, op->owner);

  // Phase 2: the COMMIT journal replaces the PREPARE one: the commit point.
  std::string journal = "COMMIT\n";
  size_t next_temp = 0;
  for (const auto& op : ops_) {
    switch (op.kind) {
      case Op::Write: journal += "R\t" + temps[next_temp++].first + "\t" + root_.path(op.rel) + "\n"; break;
      case Op::Remove: journal += "D\t" + root_.path(op.rel) + "\n"; break;
      case Op::Rename: journal += "R\t" + root_.path(op.rel) + "\t" + root_.path(op.to_rel) + "\n"; break;
    }
  }
  write_journal(root_, journal);
  prepared_.clear();  // from here on a crash rolls forward

  // Phase 3: apply, then retire the journal.
  apply_journal_lines(journal);
  retire_journal(root_);
  ops_.clear();
  view_.clear();
  auto after = std::move(after_commit_);
  after_commit_.clear();
  for (auto& fn : after) fn();
}

void atomic_write_file(const std::string& abs_path, const std::string& content, mode_t mode, FileOwner owner) {
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
  std::error_code ec;
  fs::remove_all(abs_path, ec);
  if (ec) throw ApiError("Cannot remove “" + abs_path + "”: " + ec.message());
}

}  // namespace whm
