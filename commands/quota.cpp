// The UAPI Quota module: the account's disk quota as the file system's user
// quotas report it. With quotas off, cPanel answers 0 for every figure ("0 -
// Unlimited or disabled server quotas"), and so does whmkit.
#include "quota.hpp"

#include <cmath>

#include "account_common.hpp"
#include "lazy_registrations.hpp"
#include "util.hpp"

namespace whm {

DiskFigures account_disk_figures(const Context& ctx) {
  QuotaReader quotas;
  const auto q = quotas.usage(ctx.root.path(paths::rel_from_abs(ctx.account.home)), ctx.account.owner.uid);
  if (!q.known) return {};
  return {true, q.bytes, q.block_limit * 1024, q.inodes, q.inode_limit};
}

AccountUsage current_account_usage(const Context& ctx) {
  return measure_account_usage(ctx.root, ctx.account, account_disk_figures(ctx), now());
}

namespace {

// Megabytes with two decimals, as a number (5.46); whole values stay integers (0).
nlohmann::json megabytes(long long bytes) {
  const double mb = std::round(static_cast<double>(bytes) / 1048576.0 * 100.0) / 100.0;
  if (mb == std::floor(mb)) return static_cast<long long>(mb);
  return mb;
}

// What is left under a limit; 0 for no limit (the reference: "0 - Unlimited").
long long remaining(long long used, long long limit) { return limit > 0 && limit > used ? limit - used : 0; }
bool under(long long used, long long limit) { return limit == 0 || used < limit; }

Response get_quota_info(Context& ctx, const Request&) {
  const DiskFigures d = account_disk_figures(ctx);
  const bool under_bytes = under(d.bytes_used, d.byte_limit), under_inodes = under(d.inodes_used, d.inode_limit);
  Response r;
  r.data = {{"inode_limit", d.inode_limit},
            {"inodes_remain", remaining(d.inodes_used, d.inode_limit)},
            {"inodes_used", d.inodes_used},
            {"megabyte_limit", megabytes(d.byte_limit)},
            {"megabytes_remain", megabytes(remaining(d.bytes_used, d.byte_limit))},
            {"megabytes_used", megabytes(d.bytes_used)},
            {"under_inode_limit", under_inodes ? 1 : 0},
            {"under_megabyte_limit", under_bytes ? 1 : 0},
            {"under_quota_overall", under_bytes && under_inodes ? 1 : 0}};
  return r;
}

// whmkit runs on one server (no distributed accounts): the local quota is the whole quota.
Response get_local_quota_info(Context& ctx, const Request&) {
  const DiskFigures d = account_disk_figures(ctx);
  Response r;
  r.data = {{"byte_limit", d.byte_limit},
            {"bytes_used", d.bytes_used},
            {"inode_limit", d.inode_limit},
            {"inodes_used", d.inodes_used}};
  return r;
}

// Every account may read its own quota: cPanel gates neither function by a feature.
WHMKIT_REGISTRATIONS(quota_functions,
                     Registration(ModuleFunction{Api::Uapi,
                                                 "Quota",
                                                 "get_quota_info",
                                                 get_quota_info,
                                                 Access::Read,
                                                 own_objects(),
                                                 {},
                                                 "Return disk quota information"}),
                     Registration(ModuleFunction{Api::Uapi,
                                                 "Quota",
                                                 "get_local_quota_info",
                                                 get_local_quota_info,
                                                 Access::Read,
                                                 own_objects(),
                                                 {},
                                                 "Return local disk quota information"}), );

}  // namespace
}  // namespace whm
