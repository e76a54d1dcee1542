// A dry run (`--check`): a call runs fully against the current state and
// prints the answer it would print, but changes nothing. While a DryRun is
// active on a thread, Transaction::commit records what it would change
// instead of applying it (what the transaction staged is then rolled back as
// for a refused call), and the few gates to the world outside the state root
// record what they would do instead of doing it: programs run for their
// effect (process.hpp), connections made (curl_api.hpp), signals sent to
// services, statements sent to database servers, whole-file writes outside a
// transaction (atomic_write_file).
//
// Limits (docs/dry-run.md): a call that commits twice sees, in its second
// part, the state without its first part's changes; a call whose answer
// depends on what a remote server says cannot know it and reports the
// remote step as "would run".
#pragma once
#include <optional>
#include <string>
#include <vector>

namespace whm {

// One file the call would change; paths are relative to the state root.
struct PlannedChange {
  enum Kind { Write, Append, Remove, Rename, MakeDir } kind;
  std::string path;
  std::optional<std::string> before, after;  // Write and Append: the file's text (nullopt: absent)
  std::string to;                            // Rename: the new path
};

class DryRun {
 public:
  // Activates the dry run for this thread until destroyed. A dry run inside
  // another records into the outer one.
  DryRun();
  ~DryRun();
  DryRun(const DryRun&) = delete;
  DryRun& operator=(const DryRun&) = delete;

  // The thread's active dry run, or nullptr when changes are applied.
  static DryRun* active();

  void record(PlannedChange change) { changes_.push_back(std::move(change)); }
  void would_run(std::string action) { actions_.push_back(std::move(action)); }

  const std::vector<PlannedChange>& changes() const { return changes_; }
  const std::vector<std::string>& actions() const { return actions_; }
  bool changed() const { return !changes_.empty() || !actions_.empty(); }

  // A unified diff of every change (git's style, a/ and b/ prefixes)
  // followed by one "would run: ..." line per action.
  std::string report_text() const;
  // The same as one JSON object: {"whmkit_check":{"changed":..,"files":[..],"would_run":[..]}}.
  std::string report_json() const;

 private:
  DryRun* outer_;
  std::vector<PlannedChange> changes_;
  std::vector<std::string> actions_;
};

// Records `action` and returns true when a dry run is active: the caller then
// skips the action. `if (skipped_by_dry_run("reload named")) return;`
bool skipped_by_dry_run(const std::string& action);

// The same for a statement sent to a database server (`engine`: "MariaDB",
// "PostgreSQL"): statements that only read (SELECT, SHOW, ...) still run;
// transaction control is neither run nor listed; any other is recorded, its
// password literals masked, and skipped.
bool sql_skipped_by_dry_run(const char* engine, const std::string& sql);

}  // namespace whm
