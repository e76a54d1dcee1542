#include "spamassassin.hpp"

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

}  // namespace whm
