#include "digest_auth.hpp"

#include <openssl/evp.h>

#include <map>

#include "account_parts.hpp"
#include "damage.hpp"
#include "errors.hpp"
#include "util.hpp"

namespace whm {
namespace {

using Entries = std::map<std::string, std::string>;  // user -> hash, in file order by name

Entries parse_entries(const std::string& text, FileProblems* problems) {
  Entries out;
  for_each_checked_line(text, problems, [&](size_t number, std::string_view line) {
    if (line.empty()) return;
    const auto colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      if (problems) problems->push_back(line_problem(number, "is not “USER:HASH”"));
      return;
    }
    out[std::string(line.substr(0, colon))] = std::string(line.substr(colon + 1));
  });
  return out;
}

Entries load_entries(const Transaction& txn) {
  return parse_entries(txn.read(digest_auth::kFile).value_or(""), nullptr);
}

FileProblems entry_problems(const std::string& text) {
  FileProblems problems;
  parse_entries(text, &problems);
  return problems;
}

// Rewrites the file with `entries` (removed once empty), refusing to replace
// one that did not parse.
void save_entries(Transaction& txn, const Entries& entries) {
  if (auto current = txn.read(digest_auth::kFile)) refuse_if_damaged(digest_auth::kFile, entry_problems(*current));
  if (entries.empty()) return txn.remove(digest_auth::kFile);
  std::string text;
  for (const auto& [user, hash] : entries) text += user + ":" + hash + "\n";
  txn.write(digest_auth::kFile, text, 0640);
}

std::string hex_md5(const std::string& s) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (EVP_Digest(s.data(), s.size(), digest, &len, EVP_md5(), nullptr) != 1)
    throw ApiError("Cannot compute the Digest Authentication hash.");
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) out += {hex[digest[i] >> 4], hex[digest[i] & 15]};
  return out;
}

std::string unlocked(std::string hash) {
  while (starts_with(hash, digest_auth::kLocked)) hash.erase(0, std::string(digest_auth::kLocked).size());
  return hash;
}

// Sets the lock prefix of an existing entry.
void stage_lock(Transaction& txn, const std::string& user, bool locked) {
  Entries entries = load_entries(txn);
  auto it = entries.find(user);
  if (it == entries.end()) return;
  const std::string hash = (locked ? digest_auth::kLocked : "") + unlocked(it->second);
  if (hash == it->second) return;
  it->second = hash;
  save_entries(txn, entries);
}

const char* kArchived = "digestshadow";  // pkgacct's name: the account's hash alone

class DigestAuthPart : public AccountPart {
 public:
  // The shared file, while it holds the account's entry.
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    const auto entries = parse_entries(root.read(digest_auth::kFile).value_or(""), nullptr);
    if (!entries.count(a.user)) return {};
    return {digest_auth::kFile};
  }
  // Off for a new account: enabling it needs the password (set_digest_auth).
  void create(const StateRoot&, Transaction&, const NewAccount&, std::string&) const override {}
  // The hash covers the user name, so a renamed account loses it, as in cPanel.
  void rename(const StateRoot&, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string& raw) const override {
    if (from.user != to.user && stage_digest_removal(txn, from.user))
      raw += "Digest Authentication was disabled: the new username needs the password to enable it again.\n";
  }
  void suspend(const StateRoot&, Transaction& txn, const AccountFacts& a, const SuspendOptions&,
               std::string&) const override {
    stage_lock(txn, a.user, true);
  }
  void unsuspend(const StateRoot&, Transaction& txn, const AccountFacts& a, std::string&) const override {
    stage_lock(txn, a.user, false);
  }
  void remove(const StateRoot&, Transaction& txn, const AccountFacts& a, const RemoveOptions&,
              std::string&) const override {
    stage_digest_removal(txn, a.user);
  }
  void archive(const StateRoot&, const Transaction& txn, const AccountFacts& a, const PkgacctOptions&,
               ArchiveOut& out) const override {
    if (auto hash = digest_entry(txn, a.user)) out.file(kArchived, *hash + "\n");
  }
  // Only under the archived name: the hash covers it.
  void restore(const StateRoot&, Transaction& txn, const RestoreSource& src, std::string& raw) const override {
    const std::string* text = src.archive.file(kArchived);
    if (!text || src.archive.user != src.facts.user) return;
    const std::string hash = unlocked(trim(*text));
    if (hash.size() != 32 || hash.find_first_not_of("0123456789abcdef") != std::string::npos)
      throw ApiError("The archive's digestshadow is not an MD5 hash.");
    Entries entries = load_entries(txn);
    entries[src.facts.user] = (src.facts.suspended ? digest_auth::kLocked : "") + hash;
    save_entries(txn, entries);
    raw += "Restoring Digest Authentication...Done\n";
  }
  void check(const StateRoot&, const Transaction&, const SystemUsers&, const AccountFacts&, Problems&) const override {}
  void orphans(const StateRoot&, const Transaction& view, const std::set<std::string>& users,
               Problems& out) const override {
    const auto text = view.read(digest_auth::kFile);
    if (!text) return;
    if (auto problems = entry_problems(*text); !problems.empty())
      out.push_back(damage_summary(digest_auth::kFile, problems));
    for (const auto& [user, hash] : parse_entries(*text, nullptr))
      if (!users.count(user)) out.push_back("Orphaned entry in etc/digestshadow (no account “" + user + "”).");
  }
};

}  // namespace

std::optional<std::string> digest_entry(const Transaction& txn, const std::string& user) {
  Entries entries = load_entries(txn);
  auto it = entries.find(user);
  if (it == entries.end()) return std::nullopt;
  return it->second;
}

void stage_digest_password(Transaction& txn, const std::string& user, const std::string& password, bool locked) {
  Entries entries = load_entries(txn);
  entries[user] = (locked ? digest_auth::kLocked : "") + hex_md5(user + ":" + digest_auth::kRealm + ":" + password);
  save_entries(txn, entries);
}

bool stage_digest_removal(Transaction& txn, const std::string& user) {
  Entries entries = load_entries(txn);
  if (!entries.erase(user)) return false;
  save_entries(txn, entries);
  return true;
}

const AccountPart& digest_auth_part() { return part_instance<DigestAuthPart>(); }

}  // namespace whm
