// How much mail an account (or one of its domains) has, counted from the
// stores the Email functions keep, each read only as far as its count needs:
//  * email accounts: the lines of etc/<domain>/passwd in the home (never the
//    shadow or quota files);
//  * forwarders: the destinations of etc/valiases/<domain>, without the
//    autoresponder pipes (as UAPI Email count_forwarders counts them);
//  * domain forwarders: etc/vdomainaliases/<domain>;
//  * email filters: the account-level filter.yaml (whole-account counts only)
//    and each mailbox's filter.yaml (as Email count_filters counts them);
//  * autoresponders: the message files of ~/.autorespond (as Email
//    count_auto_responders counts them);
//  * mailing lists: the Mailman list directories of the domains.
#pragma once
#include <string>
#include <vector>

#include "account_store.hpp"
#include "state.hpp"

namespace whm {

struct MailCounts {
  long long email_accounts = 0, forwarders = 0, domain_forwarders = 0, email_filters = 0, autoresponders = 0,
            mailing_lists = 0;
};

// The counts for `domains` (some or all of the account's; a domain the
// account does not own counts nothing). The account-level filters are
// counted when `account_filters` (they belong to the account, not to one of
// its domains).
MailCounts count_account_mail(const StateRoot& root, const Transaction& view, const CpanelAccount& account,
                              const std::vector<std::string>& domains, bool account_filters);

}  // namespace whm
