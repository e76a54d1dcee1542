#include "mail_counts.hpp"

#include "autoresponders.hpp"
#include "mail_filters.hpp"
#include "mail_paths.hpp"
#include "mail_routing.hpp"
#include "mailing_lists.hpp"

namespace whm {
namespace {

long long filters_in(const Transaction& view, const UserPath& yaml) {
  auto text = view.read(yaml);
  if (!text) return 0;
  FileProblems problems;  // counted as far as it parses, as the listings do
  return static_cast<long long>(parse_filter_yaml(*text, problems).size());
}

}  // namespace

MailCounts count_account_mail(const StateRoot& root, const Transaction& view, const CpanelAccount& account,
                              const std::vector<std::string>& domains, bool account_filters) {
  MailCounts c;
  const std::string home_rel = paths::rel_from_abs(account.home);
  std::vector<std::string> owned;
  for (const auto& d : domains)
    if (account.owns_domain(d)) owned.push_back(d);

  if (account_filters) c.email_filters += filters_in(view, filter_paths::account_yaml(home_rel));
  for (const auto& domain : owned) {
    for (const auto& local : email_account_locals(view, home_rel, domain)) {
      ++c.email_accounts;
      c.email_filters += filters_in(view, filter_paths::mailbox_yaml(home_rel, EmailAddress{local, domain}));
    }
    DomainAliases aliases(view, domain);
    for (const auto& e : aliases.entries())
      for (const auto& dest : e.destinations)
        if (!is_autoresponder_destination(dest)) ++c.forwarders;
    if (domain_forward_target(view, domain)) ++c.domain_forwarders;
  }
  for (const auto& address : autoresponder_addresses(root.path(home_rel), account.home))
    for (const auto& domain : owned)
      if (address.domain == domain) ++c.autoresponders;
  c.mailing_lists = static_cast<long long>(lists_of(view, owned).size());
  return c;
}

}  // namespace whm
