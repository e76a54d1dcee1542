#include "mail_counts.hpp"

#include <optional>
#include <set>

#include "autoresponders.hpp"
#include "errors.hpp"
#include "mail_filters.hpp"
#include "mail_paths.hpp"
#include "mail_routing.hpp"
#include "mailing_lists.hpp"
#include "user_dir.hpp"

namespace whm {
namespace {

long long filters_in(const Transaction& view, const UserPath& yaml) {
  auto text = view.read(yaml);
  if (!text) return 0;
  FileProblems problems;  // counted as far as it parses, as the listings do
  return static_cast<long long>(parse_filter_yaml(*text, problems).size());
}

// The entries of the home's etc/<domain> (the per-mailbox settings
// directories among them), read once: a mailbox without one has no filters,
// so an account with 10,000 mailboxes is not asked 10,000 times.
std::set<std::string> settings_entries(const std::optional<UserDir>& home, const std::string& domain) {
  std::set<std::string> out;
  try {
    auto etc = home ? home->dir("etc/" + domain) : std::nullopt;
    if (etc)
      for (const auto& name : etc->entries()) out.insert(name);
  } catch (const ApiError&) {
    // A symlink on the way: nothing behind it is read.
  }
  return out;
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
  std::optional<UserDir> home;
  try {
    home = UserDir::open(root.path(home_rel), account.home);
  } catch (const ApiError&) {
  }
  for (const auto& domain : owned) {
    const std::set<std::string> settings = settings_entries(home, domain);
    for (const auto& local : email_account_locals(view, home_rel, domain)) {
      ++c.email_accounts;
      if (settings.count(local))
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
