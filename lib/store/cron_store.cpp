#include "cron_store.hpp"

#include "account_lifecycle.hpp"
#include "sysusers.hpp"
#include "util.hpp"

namespace whm {

namespace cron_paths {
std::string spool(const std::string& user) { return "var/spool/cron/crontabs/" + user; }
std::string suspended_spool(const std::string& user) { return "var/spool/cron/crontabs.suspended/" + user; }
}  // namespace cron_paths

Crontab load_crontab(const Transaction& view, const std::string& user) {
  return Crontab::parse(view.read(cron_paths::spool(user)).value_or(""));
}

void stage_crontab(Transaction& txn, const std::string& user, FileOwner ids, const Crontab& crontab) {
  SystemUsers sys;
  sys.load(txn);
  if (auto g = sys.group.find("crontab"); g && g->size() > 2)
    if (auto gid = parse_int((*g)[2])) ids.gid = static_cast<gid_t>(*gid);
  txn.write(cron_paths::spool(user), crontab.serialize(), 0600, ids);
}

namespace {

std::string spool_for(const std::string& user, bool suspended) {
  return suspended ? cron_paths::suspended_spool(user) : cron_paths::spool(user);
}

// Moves the crontab between the live and the suspended spool.
void move_crontab(Transaction& txn, const AccountFacts& a, bool to_suspended, std::string& raw, const char* done) {
  const std::string from = spool_for(a.user, !to_suspended), to = spool_for(a.user, to_suspended);
  auto cron = txn.read(from);
  if (!cron) return;
  txn.write(to, *cron, 0600, a.ids);
  txn.remove(from);
  raw += done;
}

class CronPart : public AccountPart {
 public:
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    return existing(root, {cron_paths::spool(a.user), cron_paths::suspended_spool(a.user)});
  }
  void create(const StateRoot&, Transaction&, const NewAccount&, std::string&) const override {}
  void rename(const StateRoot& root, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string&) const override {
    for (bool suspended : {false, true})
      move_existing(root, txn, spool_for(from.user, suspended), spool_for(to.user, suspended));
  }
  void suspend(const StateRoot&, Transaction& txn, const AccountFacts& a, const SuspendOptions&,
               std::string& raw) const override {
    if (!a.suspended) move_crontab(txn, a, true, raw, "Suspending cron jobs...Done\n");
  }
  void unsuspend(const StateRoot&, Transaction& txn, const AccountFacts& a, std::string& raw) const override {
    move_crontab(txn, a, false, raw, "");
  }
  void remove(const StateRoot& root, Transaction& txn, const AccountFacts& a, const RemoveOptions&,
              std::string&) const override {
    remove_existing(root, txn, {cron_paths::spool(a.user), cron_paths::suspended_spool(a.user)});
  }
  void archive(const StateRoot&, const Transaction& txn, const AccountFacts& a, const PkgacctOptions&,
               ArchiveOut& out) const override {
    for (bool suspended : {false, true})
      if (auto cron = txn.read(spool_for(a.user, suspended))) out.file("cron/" + a.user, *cron);
  }
  void restore(const StateRoot&, Transaction& txn, const RestoreSource& src, std::string& raw) const override {
    if (const auto* cron = src.archive.file("cron/" + src.facts.user)) {
      txn.write(spool_for(src.facts.user, src.facts.suspended), *cron, 0600, src.facts.ids);
      raw += "Restoring cron jobs...Done\n";
    }
  }
  void check(const StateRoot&, const Transaction&, const SystemUsers&, const AccountFacts&, Problems&) const override {}
  // Only the suspended spool: the live one also holds crontabs of system users.
  void orphans(const StateRoot& root, const Transaction&, const std::set<std::string>& users,
               Problems& out) const override {
    report_orphans(root, "var/spool/cron/crontabs.suspended", "", users, out);
  }
};

}  // namespace

const AccountPart& cron_part() { return part_instance<CronPart>(); }

}  // namespace whm
