// The state store: every file whmkit reads or writes lives under one state root
// ("/" on a real server, a temporary directory in tests).
//
// Concurrency and crash safety:
//  * One advisory lock (flock on var/cpanel/.whmkit.lock) serialises writers;
//    readers take it shared, so they never see a half-applied change.
//  * A Transaction stages every file of a change, writes each to a temporary
//    file beside its target (fsync'd), records the planned renames in a journal,
//    then applies them. If the process dies after the journal is durable, the
//    next invocation that takes the lock replays it; before that point, nothing
//    visible has changed. So a multi-file update is all-or-nothing.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <sys/types.h>
#include <vector>

namespace whm {

// Refuses anything that could leave the state root or corrupt a line-based
// file: empty, ".", "..", "/", NUL, control characters.
void check_path_component(const std::string& name, const char* what);

class StateRoot {
 public:
  explicit StateRoot(std::string root);
  const std::string& root() const { return root_; }
  bool is_system_root() const { return root_ == "/"; }
  // Absolute path of a root-relative path such as "etc/passwd". The relative
  // path must not contain ".." components (checked).
  std::string path(const std::string& rel) const;
  bool exists(const std::string& rel) const;
  std::optional<std::string> read(const std::string& rel) const;
  std::vector<std::string> list_dir(const std::string& rel) const;

 private:
  std::string root_;
};

class StateLock {
 public:
  enum class Mode { Shared, Exclusive };
  StateLock(const StateRoot& root, Mode mode);
  ~StateLock();
  StateLock(const StateLock&) = delete;
  StateLock& operator=(const StateLock&) = delete;

 private:
  int fd_ = -1;
};

// Replays an interrupted transaction's journal, if any. Call with the
// exclusive lock held.
void recover_journal(const StateRoot& root);
bool journal_pending(const StateRoot& root);

struct FileOwner {
  uid_t uid = static_cast<uid_t>(-1);
  gid_t gid = static_cast<gid_t>(-1);
};

class Transaction {
 public:
  explicit Transaction(const StateRoot& root) : root_(root) {}
  // An uncommitted transaction removes what it staged (see adopt_staged).
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;
  // Stage a whole-file write (atomic replace).
  void write(const std::string& rel, std::string content, mode_t mode = 0644, FileOwner owner = {});
  // Stage removal of a file, or of a whole directory tree.
  void remove(const std::string& rel);
  // Stage moving a prepared directory or file (e.g. a new home) into place.
  void rename(const std::string& from_rel, const std::string& to_rel);
  // Declares a file or tree that is about to be prepared (the source of a
  // later rename) as this transaction's: call it before creating the thing.
  // It is deleted if the transaction is abandoned, or by recovery if the
  // process dies before the commit.
  void adopt_staged(const std::string& rel);
  // Read a file as it will be after this transaction.
  std::optional<std::string> read(const std::string& rel) const;
  bool exists(const std::string& rel) const { return read(rel).has_value() || (!staged_removed(rel) && root_.exists(rel)); }
  bool empty() const { return ops_.empty(); }
  // Runs after a successful commit (e.g. appending to a log).
  void on_commit(std::function<void()> fn) { after_commit_.push_back(std::move(fn)); }
  void commit();

 private:
  struct Op {
    enum Kind { Write, Remove, Rename } kind;
    std::string rel, content, to_rel;
    mode_t mode;
    FileOwner owner;
  };
  bool staged_removed(const std::string& rel) const;
  const StateRoot& root_;
  std::vector<Op> ops_;
  std::map<std::string, std::optional<std::string>> view_;  // rel -> content (nullopt = removed)
  void prepare(const std::vector<std::string>& abs_paths);  // records them in the PREPARE journal
  std::vector<std::string> prepared_;  // absolute paths to roll back; empty once committed
  std::vector<std::function<void()>> after_commit_;
};

// Writes one file atomically right now (temp + fsync + rename + dir fsync).
// Not journaled: for files outside a transaction.
void atomic_write_file(const std::string& abs_path, const std::string& content, mode_t mode,
                       FileOwner owner = {});
void mkdirs(const std::string& abs_path, mode_t mode = 0755);
void remove_tree(const std::string& abs_path);

}  // namespace whm
