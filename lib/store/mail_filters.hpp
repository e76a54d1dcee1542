// Email filters, as cPanel keeps them: each set of filters is a YAML file
// (the source the API edits) from which an Exim filter file is generated.
//
//   account-level  ~/.cpanel/filter.yaml (UNCONFIRMED path) -> etc/vfilters/<domain>
//                  under the state root, one copy for every domain of the account
//   one mailbox    ~/etc/<domain>/<local>/filter.yaml     -> ~/etc/<domain>/<local>/filter
//
// The YAML: {filter: [{filtername, enabled, rules: [{part, match, val, opt}],
// actions: [{action, dest}], unescaped: 1}], version: "2.2"}. The Exim file
// starts with "# Exim filter" and holds one "if ... then ... endif" per
// enabled filter. Every value written into it is quoted so that it stays one
// string whatever it holds ("\"", "\\", "$"; control bytes never get this far).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "account_store.hpp"
#include "damage.hpp"
#include "mail_paths.hpp"
#include "state.hpp"

namespace whm {

struct FilterRule {
  std::string part, match, val, opt = "and";
};
struct FilterAction {
  std::string action, dest;
};
struct MailFilter {
  std::string name;
  bool enabled = true;
  std::vector<FilterRule> rules;
  std::vector<FilterAction> actions;
};

// Whose filters: the account's own (mailbox empty) or one mailbox's.
struct FilterScope {
  std::string home, home_rel;        // "/home/bob", "home/bob"
  FileOwner owner;                   // the account's uid and gid
  std::vector<std::string> domains;  // the account's (account-level filters: a vfilters file each)
  std::optional<EmailAddress> mailbox;
};

namespace filter_paths {
UserPath account_yaml(const std::string& home_rel);                                 // .cpanel/filter.yaml
UserPath mailbox_yaml(const std::string& home_rel, const EmailAddress& mailbox);    // etc/<d>/<l>/filter.yaml
UserPath mailbox_filter(const std::string& home_rel, const EmailAddress& mailbox);  // etc/<d>/<l>/filter
}  // namespace filter_paths

// The part as cPanel stores it ("$header_from:") for any spelling the API
// takes ("$header_from", "$h_to, $h_cc"...); nullopt if it names none.
std::optional<std::string> canonical_filter_part(const std::string& part);
// Throws invalid_param (naming the numbered parameter: "val2", "dest1") for a
// rule or action cPanel would not store, or one that may not act outside the
// account (`home`): a save to a file or a pipe to a program outside the home.
void check_filter(const MailFilter& filter, const std::string& home, const std::vector<size_t>& rule_numbers = {},
                  const std::vector<size_t>& action_numbers = {});

// The filters in a filter.yaml; what keeps it from being read completely goes to `problems`.
std::vector<MailFilter> parse_filter_yaml(const std::string& text, FileProblems& problems);
std::string filter_yaml(const std::vector<MailFilter>& filters);
// The Exim filter file for the enabled filters.
std::string exim_filter_file(const std::vector<MailFilter>& filters);
// `value` as an Exim filter string ("..."): once read and expanded by Exim it is `value` again.
std::string exim_string(const std::string& value);

// One filter set, loaded from the YAML as `view` sees it.
class FilterSet {
 public:
  FilterSet(const Transaction& view, FilterScope scope);
  const FilterScope& scope() const { return scope_; }
  const std::vector<MailFilter>& filters() const { return filters_; }
  const MailFilter* find(const std::string& name) const;
  // Adds `filter`, or replaces the one named `old_name` (or of its own name) in place.
  void store(MailFilter filter, const std::string& old_name);
  // False when there is no such filter.
  bool remove(const std::string& name);
  bool set_enabled(const std::string& name, bool enabled);
  // The named filters first, in that order, then the others as they were.
  void reorder(const std::vector<std::string>& names);
  // Every filter replaced by `filters` (a restored backup).
  void replace_all(std::vector<MailFilter> filters);
  // Stages the YAML and the Exim file(s); refuses (DamagedFileError) when the
  // YAML did not parse completely or holds a filter store_filter would refuse.
  void stage(Transaction& txn) const;
  // The Exim filter file for the set, every filter checked as store_filter checks it (DamagedFileError if one is not).
  std::string exim_text() const;
  // What keeps the YAML from being read completely (listings warn with it).
  const FileProblems& problems() const { return problems_; }
  UserPath yaml_path() const;

 private:
  void check_all() const;
  FilterScope scope_;
  std::vector<MailFilter> filters_;
  FileProblems problems_;
};

// The filter set a call's `account` parameter (named `param` in errors)
// names: the account's own when it is empty or the user name, else the
// mailbox "local@domain", which must be one of the account's.
FilterSet filter_set_named(const Transaction& view, const CpanelAccount& acct, const std::string& param,
                           const std::string& account);

}  // namespace whm

namespace whm {

// ---- cPanel's filters backup (UAPI Backup restore_email_filters) ----
// "filter_info.<user>.yaml.gz" (or ".yaml") in the account's home (`backup`:
// absolute inside the home, or relative to it): the account-level
// filter.yaml, as cPanel's Backup page gives it (only the account-level
// filters can be restored, as in cPanel). <user> must be the account's. The
// backup replaces the account-level filters: their YAML and every domain's
// vfilters file are staged anew. A backup with no filters, one that does not
// parse completely, or one holding a filter store_filter would refuse
// changes nothing. Returns the backup's file name.
std::string stage_filters_backup_restore(const StateRoot& root, Transaction& txn, const CpanelAccount& account,
                                         const std::string& backup);

}  // namespace whm
