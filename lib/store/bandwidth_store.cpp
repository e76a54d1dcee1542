// The account's bandwidth datastore, var/cpanel/bandwidth/<user>.sqlite (see
// bandwidth.hpp), archived by pkgacct as bandwidth_db/<user>.sqlite.
#include <unistd.h>

#include "account_lifecycle.hpp"
#include "bandwidth.hpp"
#include "errors.hpp"

namespace whm {
namespace {

// Builds an empty datastore beside its place; it moves in with the commit.
void stage_new_bandwidth_db(const StateRoot& root, Transaction& txn, const AccountFacts& a) {
  const std::string rel = paths::bandwidth_db(a.user), staging = rel + ".whmkit-new";
  mkdirs(root.path("var/cpanel/bandwidth"));
  txn.adopt_staged(staging);
  ::unlink(root.path(staging).c_str());
  create_bandwidth_db(root.path(staging), a.domains);
  txn.rename(staging, rel);
}

std::string archived(const std::string& user) { return "bandwidth_db/" + user + ".sqlite"; }

class BandwidthPart : public AccountPart {
 public:
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    return existing(root, {paths::bandwidth_db(a.user)});
  }
  void create(const StateRoot& root, Transaction& txn, const NewAccount& n, std::string& raw) const override {
    stage_new_bandwidth_db(root, txn, n.facts);
    raw += "Creating bandwidth datastore...Done\n";
  }
  // The history keeps the old domain's name: it is what was served.
  void rename(const StateRoot& root, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string&) const override {
    move_existing(root, txn, paths::bandwidth_db(from.user), paths::bandwidth_db(to.user));
  }
  void suspend(const StateRoot&, Transaction&, const AccountFacts&, const SuspendOptions&,
               std::string&) const override {}
  void unsuspend(const StateRoot&, Transaction&, const AccountFacts&, std::string&) const override {}
  void remove(const StateRoot& root, Transaction& txn, const AccountFacts& a, const RemoveOptions&,
              std::string&) const override {
    remove_existing(root, txn, {paths::bandwidth_db(a.user)});
  }
  void archive(const StateRoot& root, const Transaction&, const AccountFacts& a, const PkgacctOptions&,
               ArchiveOut& out) const override {
    if (auto db = root.read(paths::bandwidth_db(a.user))) out.file(archived(a.user), *db);
  }
  // Archives made before whmkit archived the datastore get an empty one.
  void restore(const StateRoot& root, Transaction& txn, const RestoreSource& src, std::string&) const override {
    const std::string* db = src.archive.file(archived(src.facts.user));
    if (!db) return stage_new_bandwidth_db(root, txn, src.facts);
    if (db->compare(0, 16, std::string("SQLite format 3\0", 16)) != 0)
      throw ApiError("The archive's " + archived(src.facts.user) + " is not an SQLite database.");
    txn.write(paths::bandwidth_db(src.facts.user), *db, 0644);
  }
  void check(const StateRoot&, const Transaction&, const SystemUsers&, const AccountFacts&, Problems&) const override {}
  void orphans(const StateRoot& root, const Transaction&, const std::set<std::string>& users,
               Problems& out) const override {
    report_orphans(root, "var/cpanel/bandwidth", ".sqlite", users, out);
  }
};

}  // namespace

const AccountPart& bandwidth_part() { return part_instance<BandwidthPart>(); }

}  // namespace whm
