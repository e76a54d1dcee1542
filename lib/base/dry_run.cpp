#include "dry_run.hpp"

#include <nlohmann/json.hpp>
#include <regex>

#include "unified_diff.hpp"

namespace whm {
namespace {

thread_local DryRun* active_dry_run = nullptr;

const char* kind_name(PlannedChange::Kind kind) {
  switch (kind) {
    case PlannedChange::Write: return "write";
    case PlannedChange::Append: return "append";
    case PlannedChange::Remove: return "remove";
    case PlannedChange::Rename: return "rename";
    case PlannedChange::MakeDir: return "mkdir";
  }
  return "write";
}

// Files whose text is a secret (password hashes, private keys, credentials,
// tokens; "shadow" covers digestshadow): the report names them but shows
// no line of them.
bool secret_file(const std::string& path) {
  const std::string name = path.substr(path.rfind('/') + 1);
  for (const char* s : {"shadow", ".key", "my.cnf", ".pgpass"})
    if (name.find(s) != std::string::npos) return true;
  for (const char* dir : {"/keys/", "api_tokens", "/ssl/"})
    if (path.find(dir) != std::string::npos) return true;
  return false;
}

// What the change does, as text: a diff for a file's content, one line otherwise.
std::string describe(const PlannedChange& c) {
  if ((c.kind == PlannedChange::Write || c.kind == PlannedChange::Append || c.kind == PlannedChange::Remove) &&
      secret_file(c.path))
    return std::string(c.kind == PlannedChange::Remove ? "would remove " : "would change ") + c.path +
           " (a secret: its contents are not shown)\n";
  switch (c.kind) {
    case PlannedChange::Write:
    case PlannedChange::Append: return unified_diff(c.path, c.before, c.after);
    case PlannedChange::Remove:
      return c.before ? unified_diff(c.path, c.before, std::nullopt) : "would remove " + c.path + "\n";
    case PlannedChange::Rename: return "would rename " + c.path + " to " + c.to + "\n";
    case PlannedChange::MakeDir: return "would make directory " + c.path + "\n";
  }
  return "";
}

}  // namespace

DryRun::DryRun() : outer_(active_dry_run) { active_dry_run = this; }

DryRun::~DryRun() {
  if (outer_) {  // what an inner dry run saw belongs to the outer one's report
    for (auto& c : changes_) outer_->record(std::move(c));
    for (auto& a : actions_) outer_->would_run(std::move(a));
  }
  active_dry_run = outer_;
}

DryRun* DryRun::active() { return active_dry_run; }

bool skipped_by_dry_run(const std::string& action) {
  if (!active_dry_run) return false;
  active_dry_run->would_run(action);
  return true;
}

bool sql_skipped_by_dry_run(const char* engine, const std::string& sql) {
  if (!active_dry_run) return false;
  static const std::regex reading(R"(^\s*(SELECT|SHOW|DESCRIBE|DESC|EXPLAIN|CHECK\s+TABLE|SET\s+NAMES)\b)",
                                  std::regex::icase);
  static const std::regex control(R"(^\s*(BEGIN|START\s+TRANSACTION|COMMIT|ROLLBACK)\b)", std::regex::icase);
  if (std::regex_search(sql, reading)) return false;
  if (std::regex_search(sql, control)) return true;
  // A password never reaches the report: the literal after IDENTIFIED BY,
  // PASSWORD or USING is masked (quotes escaped by doubling or a backslash).
  static const std::regex secret(R"(((IDENTIFIED\s+BY|PASSWORD|USING)\s*\(?\s*E?)'(?:[^'\\]|\\.|'')*')",
                                 std::regex::icase);
  active_dry_run->would_run(std::string(engine) + ": " + std::regex_replace(sql, secret, "$1'********'"));
  return true;
}

std::string DryRun::report_text() const {
  std::string out;
  for (const auto& c : changes_) out += describe(c);
  for (const auto& a : actions_) out += "would run: " + a + "\n";
  return out;
}

std::string DryRun::report_json() const {
  nlohmann::json files = nlohmann::json::array();
  for (const auto& c : changes_) {
    nlohmann::json f = {{"path", c.path}, {"action", kind_name(c.kind)}, {"diff", describe(c)}};
    if (c.kind == PlannedChange::Rename) f["to"] = c.to;
    files.push_back(std::move(f));
  }
  nlohmann::json report = {{"changed", changed()}, {"files", files}, {"would_run", actions_}};
  // Invalid UTF-8 in a file's text must not stop the report.
  return nlohmann::json{{"whmkit_check", report}}.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace whm
