#include "mail_permissions.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>
#include <optional>

#include "email_accounts.hpp"
#include "errors.hpp"
#include "mail_paths.hpp"
#include "user_dir.hpp"
#include "util.hpp"

namespace whm {
namespace {

constexpr mode_t kEtcMode = 0750, kMailFileMode = 0640, kMaildirMode = 0751, kMaildirSubMode = 0700;
// Below ~/mail: Maildir++ folders and their messages, a few levels at most.
constexpr int kMaxMailDepth = 8;

std::string octal(mode_t mode) {
  char buf[8];
  std::snprintf(buf, sizeof buf, "%04o", static_cast<unsigned>(mode & 07777));
  return buf;
}

class Normalizer {
 public:
  Normalizer(const CpanelAccount& account, FileOwner user, FileOwner mail)
      : account_(account), user_(user), mail_(mail) {}

  // One entry of `dir`, named `name`: its owner, and its mode when `mode` is set.
  void fix(const UserDir& dir, const std::string& name, FileOwner owner, std::optional<mode_t> mode) {
    const auto st = dir.status(name);
    if (!st || S_ISLNK(st->st_mode)) return;
    if (!S_ISDIR(st->st_mode) && !S_ISREG(st->st_mode)) return;
    // Through a descriptor opened without following a link: the entry seen is the one changed.
    std::optional<UserDir> sub;
    Fd file;
    int fd = -1;
    if (S_ISDIR(st->st_mode)) {
      sub = dir.dir(name);
      if (!sub) return;
      fd = sub->fd();
    } else {
      file = dir.open_file(name);
      if (!file) return;
      fd = file.get();
    }
    const std::string shown = dir.shown(name);
    if (st->st_uid != owner.uid || st->st_gid != owner.gid) {
      if (fchown(fd, owner.uid, owner.gid) != 0) throw ApiError("Cannot change the owner of “" + shown + "”.");
      changes_.push_back(shown + ": owner " + std::to_string(st->st_uid) + ":" + std::to_string(st->st_gid) + " -> " +
                         std::to_string(owner.uid) + ":" + std::to_string(owner.gid));
    }
    if (mode && (st->st_mode & 07777) != *mode) {
      if (fchmod(fd, *mode) != 0) throw ApiError("Cannot change the mode of “" + shown + "”.");
      changes_.push_back(shown + ": mode " + octal(st->st_mode) + " -> " + octal(*mode));
    }
  }

  // Every entry below `dir` belongs to the user (modes left alone).
  void own_tree(const UserDir& dir, int depth) {
    if (depth > kMaxMailDepth) return;
    for (const auto& name : dir.entries()) {
      fix(dir, name, user_, std::nullopt);
      const auto st = dir.status(name);
      if (st && S_ISDIR(st->st_mode))
        if (auto sub = dir.dir(name)) own_tree(*sub, depth + 1);
    }
  }

  void run(const UserDir& home, const Transaction& view) {
    fix(home, "etc", mail_, kEtcMode);
    if (auto etc = home.dir("etc"))
      for (const auto& domain : account_.domains) {
        fix(*etc, domain, mail_, kEtcMode);
        if (auto d = etc->dir(domain))
          for (const char* file : {"passwd", "shadow", "quota"}) fix(*d, file, mail_, kMailFileMode);
      }
    fix(home, "mail", user_, kMaildirMode);
    auto mail = home.dir("mail");
    if (!mail) return;
    own_tree(*mail, 0);
    for (const char* sub : {"cur", "new", "tmp"}) fix(*mail, sub, user_, kMaildirSubMode);
    for (const auto& domain : account_.domains) fix(*mail, domain, user_, kMaildirMode);
    const EmailAccounts accounts(view, account_);
    for (const Mailbox* m : accounts.all()) {
      auto domain_dir = mail->dir(m->address.domain);
      if (!domain_dir) continue;
      fix(*domain_dir, m->address.local, user_, kMaildirMode);
      if (auto box = domain_dir->dir(m->address.local))
        for (const char* sub : {"cur", "new", "tmp"}) fix(*box, sub, user_, kMaildirSubMode);
    }
  }

  std::vector<std::string> changes() const { return changes_; }

 private:
  const CpanelAccount& account_;
  FileOwner user_, mail_;
  std::vector<std::string> changes_;
};

}  // namespace

std::vector<std::string> normalize_mail_permissions(const StateRoot& root, const CpanelAccount& account) {
  const std::string home_rel = paths::rel_from_abs(account.home);
  const auto home = home_rel.empty() ? std::nullopt : UserDir::open(root.path(home_rel), account.home);
  if (!home) throw ApiError("The home directory “" + account.home + "” of “" + account.user + "” does not exist.");
  Transaction view(root);
  const FileOwner user = account.owner;
  const FileOwner mail = {account.owner.uid, mail_gid(view).value_or(account.owner.gid)};
  Normalizer normalizer(account, user, mail);
  normalizer.run(*home, view);
  return normalizer.changes();
}

}  // namespace whm
