// The account's crontab: Debian's spool file var/spool/cron/crontabs/<user>,
// moved to var/spool/cron/crontabs.suspended/<user> while the account is suspended.
#pragma once
#include <string>

namespace whm {
namespace cron_paths {
std::string spool(const std::string& user);
std::string suspended_spool(const std::string& user);
}  // namespace cron_paths
}  // namespace whm
