// The account's crontab: Debian's spool file var/spool/cron/crontabs/<user>,
// moved to var/spool/cron/crontabs.suspended/<user> while the account is suspended.
#pragma once
#include <string>

#include "crontab.hpp"
#include "state.hpp"

namespace whm {
namespace cron_paths {
std::string spool(const std::string& user);
std::string suspended_spool(const std::string& user);
}  // namespace cron_paths

// The account's live crontab (empty when it has none).
Crontab load_crontab(const Transaction& view, const std::string& user);
// Stages the live crontab the way `crontab` installs it: mode 0600, owned by
// the user (`ids`) and group "crontab" (the user's own group where the
// system has none).
void stage_crontab(Transaction& txn, const std::string& user, FileOwner ids, const Crontab& crontab);
}  // namespace whm
