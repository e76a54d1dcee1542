#include "account_usage.hpp"

#include "bandwidth.hpp"
#include "ftp_store.hpp"
#include "mail_counts.hpp"
#include "state.hpp"
#include "util.hpp"
#include "vhosts.hpp"

namespace whm {

std::optional<long long> count_limit(const std::string& value) {
  if (value.empty() || to_lower(value) == "unlimited") return std::nullopt;
  return parse_int(value);
}

namespace {

long long month_bandwidth(const StateRoot& root, const std::string& user, std::time_t now) {
  std::tm tm{};
  gmtime_r(&now, &tm);
  long long total = 0;
  for (const auto& [domain, bytes] :
       bandwidth_for_month(root.path(paths::bandwidth_db(user)), tm.tm_year + 1900, tm.tm_mon + 1))
    total += bytes;
  return total;
}

}  // namespace

AccountUsage measure_account_usage(const StateRoot& root, const CpanelAccount& account, const DiskFigures& disk,
                                   std::time_t now) {
  AccountUsage u;
  u.disk = disk;
  const CpUser cpuser = AccountStore(root).require(account.user);
  u.plan = cpuser.get("PLAN", "undefined");
  u.theme = cpuser.get("RS");

  u.bandwidth_bytes = month_bandwidth(root, account.user, now);
  // BWLIMIT is in bytes; 0 means unlimited, as in showbw.
  auto bw = count_limit(cpuser.get("BWLIMIT"));
  if (bw && *bw > 0) u.bandwidth_limit = bw;

  Transaction view(root);
  FtpAccounts ftp(view, account);
  for (const auto& login : ftp.logins())
    if (ftp.type_of(login) == FtpType::Sub) ++u.ftp_accounts.used;
  u.ftp_accounts.max = count_limit(cpuser.get("MAXFTP"));

  const auto vhosts = AccountVhosts::load(root, account.user);
  u.subdomains.used = static_cast<long long>(vhosts.plain_sub_domains().size());
  u.subdomains.max = count_limit(cpuser.get("MAXSUB"));
  u.parked_domains.used = static_cast<long long>(vhosts.parked_domains.size());
  u.parked_domains.max = count_limit(cpuser.get("MAXPARK"));
  u.addon_domains.used = static_cast<long long>(vhosts.addons.size());
  u.addon_domains.max = count_limit(cpuser.get("MAXADDON"));

  // Mail: the stores the Email functions keep (mail_counts.hpp).
  const MailCounts mail = count_account_mail(root, view, account, account.domains, true);
  u.email_accounts.used = mail.email_accounts;
  u.email_accounts.max = count_limit(cpuser.get("MAXPOP"));
  u.forwarders = mail.forwarders;
  u.email_filters = mail.email_filters;
  u.autoresponders = mail.autoresponders;
  u.mailing_lists.used = mail.mailing_lists;
  u.mailing_lists.max = count_limit(cpuser.get("MAXLST"));
  // No database store (#23): an account has no MySQL databases whmkit knows of.
  u.mysql_databases.max = count_limit(cpuser.get("MAXSQL"));
  return u;
}

}  // namespace whm
