// The account's home directory: built from the skeleton at creation, moved
// aside and deleted at removal, archived as homedir/ by pkgacct.
#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>

#include "account_lifecycle.hpp"
#include "mail_paths.hpp"

namespace fs = std::filesystem;

namespace whm {
namespace {

// Builds the home directory at `staging_rel` (skeleton, standard directories).
// ~/etc is the account's with group `mail_group` (when there is one): Exim
// and Dovecot reach the mailbox files in it through that group.
void build_home(const StateRoot& root, const std::string& staging_rel, FileOwner owner,
                std::optional<gid_t> mail_group) {
  std::string staging = root.path(staging_rel);
  remove_tree(staging);
  mkdirs(staging, 0711);
  std::string skel = root.path("root/cpanel3-skel");
  std::error_code ec;
  if (fs::is_directory(skel, ec))
    fs::copy(skel, staging, fs::copy_options::recursive | fs::copy_options::copy_symlinks, ec);
  const std::pair<const char*, mode_t> dirs[] = {{"public_html", 0750}, {"public_html/cgi-bin", 0755},
                                                 {"public_ftp", 0755},  {"public_ftp/incoming", 0700},
                                                 {"mail", 0751},        {"etc", 0750},
                                                 {"tmp", 0755},         {".cpanel", 0700}};
  for (auto [d, mode] : dirs) {
    mkdirs(staging + "/" + d, mode);
    ::chmod((staging + "/" + d).c_str(), mode);
  }
  ::chmod(staging.c_str(), 0711);
  if (::geteuid() == 0) {
    for (auto it = fs::recursive_directory_iterator(staging, ec); !ec && it != fs::recursive_directory_iterator();
         it.increment(ec))
      (void)::lchown(it->path().c_str(), owner.uid, owner.gid);
    (void)::lchown(staging.c_str(), owner.uid, owner.gid);
    if (mail_group) (void)::lchown((staging + "/etc").c_str(), owner.uid, *mail_group);
  }
}

class HomePart : public AccountPart {
 public:
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    return a.home_rel.empty() ? std::vector<std::string>{} : existing(root, {a.home_rel});
  }
  void create(const StateRoot& root, Transaction& txn, const NewAccount& a, std::string&) const override {
    // Prepared trees move into place with the rest of the transaction.
    const std::string staging = home_staging_rel(a.facts.home_rel);
    txn.adopt_staged(staging);
    build_home(root, staging, a.facts.ids, mail_gid(txn));
    txn.rename(staging, a.facts.home_rel);
  }
  void rename(const StateRoot& root, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string&) const override {
    move_existing(root, txn, from.home_rel, to.home_rel);
  }
  void suspend(const StateRoot&, Transaction&, const AccountFacts&, const SuspendOptions&,
               std::string&) const override {}
  void unsuspend(const StateRoot&, Transaction&, const AccountFacts&, std::string&) const override {}
  void remove(const StateRoot& root, Transaction& txn, const AccountFacts& a, const RemoveOptions&,
              std::string& raw) const override {
    if (a.home_rel.empty()) return;
    // The home moves aside atomically with the rest; its contents are deleted after.
    std::string trash_rel = a.home_rel.substr(0, a.home_rel.rfind('/') + 1) + ".whmkit-removed-" + a.user;
    if (root.exists(a.home_rel)) txn.rename(a.home_rel, trash_rel);
    txn.remove(trash_rel);
    raw += "Removing home directory " + a.home + "...Done\n";
  }
  void archive(const StateRoot& root, const Transaction&, const AccountFacts& a, const PkgacctOptions& opts,
               ArchiveOut& out) const override {
    if (!opts.skip_homedir) out.tree("homedir", root.path(a.home_rel));
  }
  void restore(const StateRoot& root, Transaction& txn, const RestoreSource& src, std::string& raw) const override {
    // The home is extracted beside its final place and moves in with the commit.
    const std::string& home_rel = src.facts.home_rel;
    const std::string staging = home_staging_rel(home_rel);
    txn.adopt_staged(staging);
    remove_tree(root.path(staging));
    mkdirs(root.path(home_rel.substr(0, home_rel.rfind('/'))), 0755);
    extract_account_home(src.archive_abs, root.path(staging), src.facts.ids, src.archive.original_home, src.facts.home);
    txn.rename(staging, home_rel);
    raw += "Restoring the home directory...Done\n";
  }
  void check(const StateRoot& root, const Transaction&, const SystemUsers&, const AccountFacts& a,
             Problems& out) const override {
    if (!a.home_rel.empty() && !root.exists(a.home_rel)) report_missing(out, a.user, "its home directory " + a.home);
  }
  void orphans(const StateRoot&, const Transaction&, const std::set<std::string>&, Problems&) const override {}
};

}  // namespace

const AccountPart& home_part() { return part_instance<HomePart>(); }

}  // namespace whm
