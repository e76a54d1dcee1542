// One account's use of the resources its package limits, counted in one
// place for the UAPI Quota, StatsBar and ResourceUsage modules.
//
// Where the counts come from:
//  * disk: the file-system quota (the caller reads it, see DiskFigures: the
//    quota reader lives with the WHM account functions);
//  * bandwidth: this month's bytes in var/cpanel/bandwidth/<user>.sqlite;
//  * FTP accounts: the account's virtual FTP logins (ftp_store.hpp);
//  * subdomains, parked and addon domains: the account's userdata;
//  * email accounts, forwarders, email filters, autoresponders, mailing
//    lists: the stores the Email functions keep (mail_counts.hpp);
//  * MySQL databases: whmkit keeps no databases yet (#23), so 0.
// The limits are the cpuser file's MAX* keys, QUOTA-derived disk limit and
// BWLIMIT.
#pragma once
#include <ctime>
#include <optional>
#include <string>

#include "account_store.hpp"

namespace whm {

class StateRoot;

// What the file-system quota says about the account's home. With quotas off
// every figure is 0, as cPanel reports it then ("0 - No usage or disabled
// server quotas").
struct DiskFigures {
  bool quotas_on = false;
  long long bytes_used = 0, byte_limit = 0;    // byte_limit 0 = unlimited
  long long inodes_used = 0, inode_limit = 0;  // inode_limit 0 = unlimited
};

// A count and its limit (nullopt = unlimited).
struct LimitedCount {
  long long used = 0;
  std::optional<long long> max;
  bool at_limit() const { return max && used >= *max; }
};

struct AccountUsage {
  DiskFigures disk;
  long long bandwidth_bytes = 0;             // this month (UTC), every domain and protocol
  std::optional<long long> bandwidth_limit;  // bytes; nullopt = unlimited
  LimitedCount ftp_accounts, subdomains, parked_domains, addon_domains;
  LimitedCount email_accounts, mailing_lists, mysql_databases;
  long long forwarders = 0, email_filters = 0, autoresponders = 0;
  std::string plan, theme;
};

// A cpuser limit ("unlimited", empty or a count) as a LimitedCount's max.
std::optional<long long> count_limit(const std::string& value);

AccountUsage measure_account_usage(const StateRoot& root, const CpanelAccount& account, const DiskFigures& disk,
                                   std::time_t now);

}  // namespace whm
