// The disk figures the usage modules (Quota, StatsBar, ResourceUsage) share:
// the file-system quota of the home of the account a cPanel call runs as.
#pragma once
#include "account_usage.hpp"
#include "registry.hpp"

namespace whm {

// With user quotas off on the file system holding the home (or no quota
// support at all), every figure is 0 and quotas_on is false.
DiskFigures account_disk_figures(const Context& ctx);

// The account's usage, measured now (account_usage.hpp).
AccountUsage current_account_usage(const Context& ctx);

}  // namespace whm
