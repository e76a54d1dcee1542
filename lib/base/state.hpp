// The state store: every file whmkit reads or writes lives under one state root
// ("/" on a real server, a temporary directory in tests).
//
// Concurrency and crash safety (this file and state.cpp are the only code that
// touches the lock and the journal):
//  * One advisory lock (flock on the state root directory itself, so taking it
//    creates no file) serialises writers; readers take it shared, so they never
//    see a half-applied change. Code gets it only through a StateReader or a
//    StateWriter handle, which also finish an interrupted change first.
//  * A Transaction stages every file of a change, writes each to a temporary
//    file beside its target (fsync'd), records the planned renames in a journal
//    (var/cpanel/.whmkit.journal), then applies them. If the process dies after
//    the journal is durable, the next handle replays it; before that point,
//    nothing visible has changed. So a multi-file update is all-or-nothing.
//    A Transaction commits only while a StateWriter holds the lock.
//  * The journal names only paths relative to the state root; recovery
//    refuses (and leaves untouched) a journal naming anything else.
//  * Changes inside a directory a user controls (an account's home) are
//    staged as UserPath (user_dir.hpp): their temporary file and rename are
//    made relative to that directory, opened without following a symlink,
//    and checked again when the change is applied or recovered.
#pragma once
#include <sys/types.h>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "user_dir.hpp"

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

class Transaction {
 public:
  explicit Transaction(const StateRoot& root) : root_(root) {}
  const StateRoot& root() const { return root_; }
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
  // later rename) as this transaction's: call it before creating the thing
  // and the directories on the way to it. It is deleted if the transaction
  // is abandoned, or by recovery if the process dies before the commit.
  void adopt_staged(const std::string& rel);
  // Read a file as it will be after this transaction.
  std::optional<std::string> read(const std::string& rel) const;
  bool exists(const std::string& rel) const {
    return read(rel).has_value() || (!staged_removed(rel) && root_.exists(rel));
  }

  // The same inside a directory a user controls. Each refuses, with an error
  // naming the path, a symlink on the way (and at the file itself), when
  // staged and again at the commit; the user's directory must exist.
  void write(const UserPath& path, std::string content, mode_t mode, FileOwner owner);
  // Removes a file, a symlink or a tree (its symlinks removed, not followed).
  void remove(const UserPath& path);
  // Adds `text` at the end of the file (its mode and owner stay): the cost
  // is the text's, not the file's. The file's old size is journaled before
  // the text is written, so a change that does not commit is undone by
  // cutting the file back to it. A file that does not exist yet, or that this
  // transaction rewrites, gets a whole-file write of the result instead.
  // The caller makes sure the file ends with a newline where lines matter.
  void append(const UserPath& path, std::string text, mode_t mode, FileOwner owner);
  // Creates the directory and those missing on the way to it.
  void make_dir(const UserPath& path, mode_t mode, FileOwner owner);
  std::optional<std::string> read(const UserPath& path) const;
  bool exists(const UserPath& path) const;

  bool empty() const { return ops_.empty(); }
  // Runs after a successful commit (e.g. reloading a server, appending to a
  // log); `what` names it for a dry run's report ("reload the zone bob.example").
  // An empty `what`: it only adds to this call's answer (a notice), and runs
  // in a dry run too.
  void on_commit(std::string what, std::function<void()> fn) {
    after_commit_.push_back({std::move(what), std::move(fn)});
  }
  // Applies the change. In a dry run (dry_run.hpp) it records what it would
  // change instead and applies nothing; what was staged is then discarded
  // with the transaction, as for a refused call.
  void commit();

 private:
  struct Op {
    enum Kind { Write, Remove, Rename, MakeDir, Append } kind;
    std::string user_dir;  // "" = paths whmkit trusts; else the user's directory `rel` lies in
    std::string rel, content, to_rel;
    mode_t mode;
    FileOwner owner;
  };
  bool staged_removed(const std::string& rel) const;
  const StateRoot& root_;
  std::vector<Op> ops_;
  std::map<std::string, std::optional<std::string>> view_;  // rel -> content (nullopt = removed)
  // rel -> the text appended to the file as it is on disk (a path is in view_
  // or here, never both): reading the whole file is left to whoever asks.
  std::map<std::string, std::string> appended_;
  std::optional<std::string> staged_or_on_disk(const std::string& key, const std::string& user_dir,
                                               const std::string& rel) const;
  // Adds journal lines naming staged files and trees to the PREPARE journal.
  void prepare(const std::vector<std::string>& discard_lines);
  std::vector<std::string> prepared_;  // the PREPARE journal's lines: what to roll back; empty once committed
  // Directories missing when this transaction first needed them (the
  // journal's, those on the way to an adopted tree): an abandoned transaction
  // removes each that is left empty, so a refused call leaves nothing behind.
  // (After a crash they may stay, empty.)
  std::vector<std::string> made_dirs_;
  void note_missing_dirs(const std::string& dir);
  struct FollowUp {
    std::string what;
    std::function<void()> run;
  };
  std::vector<FollowUp> after_commit_;
  void record_dry_run();
};

// A consistent view of the state for the handle's lifetime (shared lock).
// Reading never creates or changes a file, so it works on a read-only root;
// only an interrupted change left by a crash is finished first.
class StateReader {
 public:
  explicit StateReader(const StateRoot& root);
  ~StateReader();
  StateReader(const StateReader&) = delete;
  StateReader& operator=(const StateReader&) = delete;
  const StateRoot& root() const { return root_; }

 private:
  const StateRoot& root_;
};

// The right to change the state (exclusive lock) for the handle's lifetime,
// with one Transaction that commit() applies; what is not committed when the
// handle ends is rolled back. Handles nest: an inner handle on the same root
// shares the outer one's lock (a writer inside a reader is refused).
class StateWriter {
 public:
  explicit StateWriter(const StateRoot& root);
  ~StateWriter();
  StateWriter(const StateWriter&) = delete;
  StateWriter& operator=(const StateWriter&) = delete;
  const StateRoot& root() const { return root_; }
  Transaction& txn() { return *txn_; }
  void commit() { txn_->commit(); }

 private:
  const StateRoot& root_;
  std::unique_ptr<Transaction> txn_;
};

// Writes one file atomically right now (temp + fsync + rename + dir fsync).
// Not journaled: for files outside a transaction. A dry run records it instead.
void atomic_write_file(const std::string& abs_path, const std::string& content, mode_t mode, FileOwner owner = {});
void mkdirs(const std::string& abs_path, mode_t mode = 0755);
void remove_tree(const std::string& abs_path);

}  // namespace whm
