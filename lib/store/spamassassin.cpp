#include "spamassassin.hpp"

#include "user_dir.hpp"
#include "util.hpp"

namespace whm {

bool spamassassin_enabled(const Transaction& txn, const std::string& home_rel) {
  return !txn.exists(UserPath{home_rel, spamassassin::kDisableFile});
}

void stage_spamassassin(Transaction& txn, const std::string& home_rel, FileOwner owner, bool enabled) {
  const UserPath on{home_rel, spamassassin::kEnableFile}, off{home_rel, spamassassin::kDisableFile};
  const UserPath& wanted = enabled ? on : off;
  const UserPath& unwanted = enabled ? off : on;
  if (txn.exists(unwanted)) txn.remove(unwanted);
  if (!txn.exists(wanted)) txn.write(wanted, "", 0644, owner);
}

bool spam_box_enabled(const Transaction& txn, const std::string& home_rel) {
  return txn.exists(UserPath{home_rel, spamassassin::kSpamBoxFile});
}

void stage_spam_box(Transaction& txn, const std::string& home_rel, FileOwner owner, bool enabled) {
  const UserPath marker{home_rel, spamassassin::kSpamBoxFile};
  if (enabled && !txn.exists(marker)) txn.write(marker, "", 0644, owner);
  if (!enabled && txn.exists(marker)) txn.remove(marker);
}

namespace {
// The key of a preference line, "" for a comment or a blank line.
std::string preference_key(const std::string& line) {
  const std::string t = trim(line);
  if (t.empty() || t[0] == '#') return "";
  return t.substr(0, t.find_first_of(" \t"));
}
}  // namespace

SpamPreferences parse_spam_preferences(const std::string& text) {
  SpamPreferences out;
  for (const auto& line : split(text, '\n')) {
    const std::string key = preference_key(line);
    if (key.empty()) continue;
    const std::string t = trim(line);
    out[key].push_back(t.size() > key.size() ? trim(t.substr(key.size())) : "");
  }
  return out;
}

std::string with_spam_preference(const std::string& text, const std::string& key,
                                 const std::vector<std::string>& values) {
  std::string out;
  auto lines = split(text, '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();  // the final newline
  for (const auto& line : lines)
    if (preference_key(line) != key) out += line + "\n";
  for (const auto& v : values) out += key + " " + v + "\n";
  return out;
}

size_t stage_clear_spam_box(Transaction& txn, const StateRoot& root, const std::string& home_rel,
                            const std::string& home) {
  size_t removed = 0;
  auto dir = UserDir::open(root.path(home_rel), home);
  for (const char* sub : {"cur", "new", "tmp"}) {
    const std::string rel = std::string(spamassassin::kSpamBox) + "/" + sub;
    auto folder = dir ? dir->dir(rel) : std::nullopt;
    if (!folder) continue;
    for (const auto& name : folder->entries()) {
      txn.remove(UserPath{home_rel, rel + "/" + name});
      ++removed;
    }
  }
  return removed;
}

}  // namespace whm
