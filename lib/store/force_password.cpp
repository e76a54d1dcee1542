#include "force_password.hpp"

#include "account_parts.hpp"
#include "damage.hpp"
#include "util.hpp"

namespace whm {
namespace {

UserPath force_file(const std::string& home_rel) { return {home_rel, force_password::kFile}; }

std::set<std::string> parse_logins(const std::string& text, FileProblems* problems) {
  std::set<std::string> out;
  for_each_checked_line(text, problems, [&](size_t, std::string_view line) {
    if (!line.empty()) out.insert(std::string(line));
  });
  return out;
}

FileProblems login_problems(const std::string& text) {
  FileProblems problems;
  parse_logins(text, &problems);
  return problems;
}

void save_logins(Transaction& txn, const std::string& home_rel, FileOwner owner, const std::set<std::string>& logins) {
  const UserPath file = force_file(home_rel);
  if (auto current = txn.read(file)) refuse_if_damaged(file.joined(), login_problems(*current));
  if (logins.empty()) return txn.remove(file);
  std::string text;
  for (const auto& login : logins) text += login + "\n";
  txn.make_dir({home_rel, ".cpanel"}, 0700, owner);
  txn.write(file, text, 0600, owner);
}

// The file lives in the home: the home's part moves, archives, removes and
// restores it. Only the account's own line changes with a rename.
class ForcePasswordPart : public AccountPart {
 public:
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    if (a.home_rel.empty()) return {};
    return existing(root, {force_file(a.home_rel).joined()});
  }
  void create(const StateRoot&, Transaction&, const NewAccount&, std::string&) const override {}
  // Rewritten where it is: the home moves after this (see account_parts()).
  void rename(const StateRoot&, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string&) const override {
    if (from.user == to.user || from.home_rel.empty()) return;
    auto logins = forced_logins(txn, from.home_rel);
    if (!logins.erase(from.user)) return;
    logins.insert(to.user);
    save_logins(txn, from.home_rel, to.ids, logins);
  }
  void suspend(const StateRoot&, Transaction&, const AccountFacts&, const SuspendOptions&,
               std::string&) const override {}
  void unsuspend(const StateRoot&, Transaction&, const AccountFacts&, std::string&) const override {}
  void remove(const StateRoot&, Transaction&, const AccountFacts&, const RemoveOptions&, std::string&) const override {}
  void archive(const StateRoot&, const Transaction&, const AccountFacts&, const PkgacctOptions&,
               ArchiveOut&) const override {}
  void restore(const StateRoot&, Transaction&, const RestoreSource&, std::string&) const override {}
  void check(const StateRoot&, const Transaction& view, const SystemUsers&, const AccountFacts& a,
             Problems& out) const override {
    if (a.home_rel.empty()) return;
    const UserPath file = force_file(a.home_rel);
    if (auto text = view.read(file); text && !login_problems(*text).empty())
      out.push_back(damage_summary(file.joined(), login_problems(*text)));
  }
  void orphans(const StateRoot&, const Transaction&, const std::set<std::string>&, Problems&) const override {}
};

}  // namespace

std::set<std::string> forced_logins(const Transaction& txn, const std::string& home_rel) {
  return parse_logins(txn.read(force_file(home_rel)).value_or(""), nullptr);
}

bool stage_force_password(Transaction& txn, const std::string& home_rel, FileOwner owner, const std::string& login,
                          bool forced) {
  auto logins = forced_logins(txn, home_rel);
  if (forced ? !logins.insert(login).second : !logins.erase(login)) return false;
  save_logins(txn, home_rel, owner, logins);
  return true;
}

const AccountPart& force_password_part() { return part_instance<ForcePasswordPart>(); }

}  // namespace whm
