#include "mail_filters.hpp"

#include <algorithm>
#include <map>

#include "account_lifecycle.hpp"
#include "account_parts.hpp"
#include "account_store.hpp"
#include "home_backup_file.hpp"
#include "lookup.hpp"
#include "syck_yaml.hpp"
#include "sysusers.hpp"
#include "util.hpp"

namespace whm {

namespace filter_paths {
UserPath account_yaml(const std::string& home_rel) { return {home_rel, ".cpanel/filter.yaml"}; }
UserPath mailbox_yaml(const std::string& home_rel, const EmailAddress& mailbox) {
  return {home_rel, "etc/" + mailbox.domain + "/" + mailbox.local + "/filter.yaml"};
}
UserPath mailbox_filter(const std::string& home_rel, const EmailAddress& mailbox) {
  return {home_rel, "etc/" + mailbox.domain + "/" + mailbox.local + "/filter"};
}
}  // namespace filter_paths

namespace {

// A part of a message a rule can test: as cPanel stores it, and the Exim
// expression that yields it ("" for the parts that are conditions of their own).
struct PartForm {
  const char* stored;
  const char* exim;
};
const PartForm kParts[] = {
    {"$header_from:", "$header_from:"},
    {"$header_subject:", "$header_subject:"},
    {"$header_to:", "$header_to:"},
    {"$reply_address:", "$reply_address"},
    {"$message_body", "$message_body"},
    {"$message_headers", "$message_headers"},
    {"foranyaddress $h_to:,$h_cc:,$h_bcc:", "$thisaddress"},
    {"not delivered", ""},
    {"error_message", ""},
    {"$h_X-Spam-Status:", "$h_X-Spam-Status:"},
    {"$h_X-Spam-Score:", "$h_X-Spam-Score:"},
    {"$h_X-Spam-Bar:", "$h_X-Spam-Bar:"},
    {"$h_List-Id:", "$h_List-Id:"},
};
constexpr const char* kAnyAddress = "foranyaddress $h_to:,$h_cc:,$h_bcc:";

// How the API's spellings of a part compare: lower case, without the colons,
// spaces and "foranyaddress" that some spellings leave out.
std::string part_key(const std::string& part) {
  std::string s = to_lower(part);
  if (auto at = s.find("foranyaddress"); at != std::string::npos) s.erase(at, 13);
  s.erase(std::remove_if(s.begin(), s.end(), [](char c) { return c == ' ' || c == ':'; }), s.end());
  if (s == "$h_to,$h_cc") s = "$h_to,$h_cc,$h_bcc";
  return s;
}

const PartForm* part_form(const std::string& stored) {
  for (const auto& p : kParts)
    if (stored == p.stored) return &p;
  return nullptr;
}

const std::vector<std::string> kStringMatches = {
    "is",   "matches",      "contains",      "does not contain", "begins", "does not begin",
    "ends", "does not end", "does not match"};
const std::vector<std::string> kNumberMatches = {"is above", "is not above", "is below", "is not below"};
const std::vector<std::string> kActions = {"deliver", "fail", "finish", "save", "pipe"};

bool contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

bool takes_value(const std::string& part) { return part != "not delivered" && part != "error_message"; }

// Whether `path` is a file path inside `home` ("/home/bob/..."), with no "."
// or ".." component that could lead out of it.
// A path ending in "/" is a Maildir folder ("save" delivers into it as one).
bool inside_home(const std::string& path, const std::string& home) {
  if (!starts_with(path, home + "/")) return false;
  std::string below = path.substr(home.size() + 1);
  if (ends_with(below, "/")) below.pop_back();
  for (const auto& part : split(below, '/'))
    if (part.empty() || part == "." || part == "..") return false;
  return true;
}

std::string text_of(const nlohmann::json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number_integer()) return std::to_string(v.get<long long>());
  if (v.is_number()) return v.dump();
  return "";
}

}  // namespace

std::optional<std::string> canonical_filter_part(const std::string& part) {
  const std::string key = part_key(part);
  for (const auto& p : kParts)
    if (part_key(p.stored) == key) return std::string(p.stored);
  return std::nullopt;
}

void check_filter(const MailFilter& filter, const std::string& home, const std::vector<size_t>& rule_numbers,
                  const std::vector<size_t>& action_numbers) {
  auto number = [](const std::vector<size_t>& numbers, size_t i) {
    return std::to_string(i < numbers.size() ? numbers[i] : i + 1);
  };
  if (filter.name.empty()) throw missing_param("filtername");
  if (filter.rules.empty()) throw missing_param("part1");
  if (filter.actions.empty()) throw missing_param("action1");
  for (size_t i = 0; i < filter.rules.size(); ++i) {
    const FilterRule& r = filter.rules[i];
    const std::string n = number(rule_numbers, i);
    if (!part_form(r.part)) throw invalid_param("part" + n, "“" + r.part + "” is not a part of a message.");
    const bool numeric = contains(kNumberMatches, r.match);
    if (!numeric && !contains(kStringMatches, r.match))
      throw invalid_param("match" + n, "“" + r.match + "” is not a match type.");
    if (r.opt != "and" && r.opt != "or") throw invalid_param("opt" + n, "It must be “and” or “or”.");
    if (!takes_value(r.part)) continue;
    if (r.val.empty()) throw missing_param("val" + n);
    if (numeric && !parse_int(r.val))
      throw invalid_param("val" + n, "“" + r.match + "” compares numbers; “" + r.val + "” is not an integer.");
  }
  for (size_t i = 0; i < filter.actions.size(); ++i) {
    const FilterAction& a = filter.actions[i];
    const std::string n = number(action_numbers, i);
    if (!contains(kActions, a.action)) throw invalid_param("action" + n, "“" + a.action + "” is not a filter action.");
    if (a.action == "deliver") {
      if (a.dest.empty()) throw missing_param("dest" + n, "to deliver the message");
      parse_email_address("dest" + n, a.dest);
    } else if (a.action == "save") {
      if (a.dest.empty()) throw missing_param("dest" + n, "to save the message");
      if (a.dest != "/dev/null" && !inside_home(a.dest, home))
        throw invalid_param("dest" + n, "A message may be saved only to /dev/null or a file in " + home + ".");
    } else if (a.action == "pipe") {
      if (a.dest.empty()) throw missing_param("dest" + n, "to pipe the message");
      const std::string program = a.dest.substr(0, a.dest.find(' '));
      if (!inside_home(program, home))
        throw invalid_param("dest" + n, "A message may be piped only to a program in " + home + ".");
    }
  }
}

std::vector<MailFilter> parse_filter_yaml(const std::string& text, FileProblems& problems) {
  std::vector<MailFilter> out;
  problems = yaml_problems(text);
  if (!problems.empty()) return out;
  const nlohmann::json doc = text.empty() ? nlohmann::json::object() : yaml_to_json(text);
  if (!doc.is_object()) {
    problems.push_back("it is not a mapping");
    return out;
  }
  const auto list = doc.value("filter", nlohmann::json::array());
  if (!list.is_array()) {
    problems.push_back("its “filter” is not a list");
    return out;
  }
  for (size_t i = 0; i < list.size(); ++i) {
    const auto& item = list[i];
    if (!item.is_object() || text_of(item.value("filtername", nlohmann::json())).empty()) {
      problems.push_back("filter " + std::to_string(i + 1) + " has no name");
      continue;
    }
    MailFilter f;
    f.name = text_of(item["filtername"]);
    f.enabled = text_of(item.value("enabled", nlohmann::json(1))) != "0";
    const auto rules = item.value("rules", nlohmann::json::array());
    const auto actions = item.value("actions", nlohmann::json::array());
    for (const auto& r : rules)
      if (r.is_object())
        f.rules.push_back({text_of(r.value("part", nlohmann::json())), text_of(r.value("match", nlohmann::json())),
                           text_of(r.value("val", nlohmann::json())), text_of(r.value("opt", nlohmann::json("and")))});
    for (const auto& a : actions)
      if (a.is_object())
        f.actions.push_back({text_of(a.value("action", nlohmann::json())), text_of(a.value("dest", nlohmann::json()))});
    if (f.rules.size() != rules.size() || f.actions.size() != actions.size())
      problems.push_back("filter “" + f.name + "” has a rule or action that is not a mapping");
    out.push_back(std::move(f));
  }
  return out;
}

std::string filter_yaml(const std::vector<MailFilter>& filters) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : filters) {
    nlohmann::json rules = nlohmann::json::array(), actions = nlohmann::json::array();
    for (const auto& r : f.rules)
      rules.push_back({{"part", r.part}, {"match", r.match}, {"val", r.val}, {"opt", r.opt}});
    for (const auto& a : f.actions) actions.push_back({{"action", a.action}, {"dest", a.dest}});
    list.push_back({{"filtername", f.name},
                    {"enabled", f.enabled ? 1 : 0},
                    {"rules", rules},
                    {"actions", actions},
                    {"unescaped", 1}});
  }
  return syck_dump({{"filter", list}, {"version", "2.2"}});
}

std::string exim_string(const std::string& value) {
  // Exim reads a quoted string ("\\" -> "\", "\"" -> "), then expands it
  // ("\$" -> "$", "\\" -> "\"): each special character is escaped for both.
  std::string out = "\"";
  for (char c : value) {
    if (c == '\\')
      out += "\\\\\\\\";
    else if (c == '$')
      out += "\\\\$";
    else if (c == '"')
      out += "\\\"";
    else
      out += c;
  }
  return out + "\"";
}

namespace {

std::string exim_condition(const FilterRule& r) {
  const PartForm* form = part_form(r.part);
  if (!takes_value(r.part)) return r.part;  // "not delivered", "error_message": conditions of their own
  std::string tested = form->exim;
  // A number compared with a missing or non-numeric header would stop the
  // whole filter with an error (and defer the mail): such a value counts as 0.
  if (contains(kNumberMatches, r.match))
    tested = "\"${if match{" + tested + "}{\\\\N^-?\\\\d+$\\\\N}{" + tested + "}{0}}\"";
  const std::string test = tested + " " + r.match + " " + exim_string(r.val);
  if (r.part == kAnyAddress) return "foranyaddress \"$h_to:,$h_cc:,$h_bcc:\" (" + test + ")";
  return test;
}

std::string exim_action(const FilterAction& a) {
  if (a.action == "deliver") return "deliver " + exim_string(a.dest);
  if (a.action == "save") return "save " + exim_string(a.dest) + " 660";
  if (a.action == "pipe") return "pipe " + exim_string(a.dest);
  if (a.action == "fail") return a.dest.empty() ? "fail" : "fail text " + exim_string(a.dest);
  return "finish";
}

}  // namespace

std::string exim_filter_file(const std::vector<MailFilter>& filters) {
  std::string out =
      "# Exim filter - auto-generated by cPanel.\n#\n"
      "# Do not manually edit this file. Instead, use cPanel APIs to manage filters.\n#\n\n"
      "headers charset \"UTF-8\"\n\n"
      "if not first_delivery and error_message then finish endif\n";
  for (const auto& f : filters) {
    // Only checked filters get here (FilterSet::check_all); a rule of an unknown part is never written.
    if (!f.enabled ||
        std::any_of(f.rules.begin(), f.rules.end(), [](const FilterRule& r) { return !part_form(r.part); }))
      continue;
    out += "\n#" + f.name + "\nif\n";
    for (size_t i = 0; i < f.rules.size(); ++i)
      out += std::string(" ") + (i ? f.rules[i - 1].opt + " " : "") + exim_condition(f.rules[i]) + "\n";
    out += "then\n";
    for (const auto& a : f.actions) out += " " + exim_action(a) + "\n";
    out += "endif\n";
  }
  return out;
}

FilterSet::FilterSet(const Transaction& view, FilterScope scope) : scope_(std::move(scope)) {
  if (auto text = view.read(yaml_path())) filters_ = parse_filter_yaml(*text, problems_);
}

UserPath FilterSet::yaml_path() const {
  return scope_.mailbox ? filter_paths::mailbox_yaml(scope_.home_rel, *scope_.mailbox)
                        : filter_paths::account_yaml(scope_.home_rel);
}

const MailFilter* FilterSet::find(const std::string& name) const {
  for (const auto& f : filters_)
    if (f.name == name) return &f;
  return nullptr;
}

void FilterSet::store(MailFilter filter, const std::string& old_name) {
  const std::string& replaced = old_name.empty() ? filter.name : old_name;
  auto it = std::find_if(filters_.begin(), filters_.end(), [&](const MailFilter& f) { return f.name == replaced; });
  // A rename onto another filter's name would leave two of one name.
  if (filter.name != replaced && find(filter.name))
    throw invalid_param("filtername", "A filter named “" + filter.name + "” already exists.");
  if (it == filters_.end())
    filters_.push_back(std::move(filter));
  else
    *it = std::move(filter);
}

void FilterSet::check_all() const {
  // The YAML lies in the user's home: a filter edited there by hand must not
  // bring an Exim command (a match or part is written as it is) into the file.
  for (const auto& f : filters_) try {
      check_filter(f, scope_.home);
    } catch (const ApiError& e) {
      throw DamagedFileError("The file “" + server_path(yaml_path().joined()) + "” cannot be used: its filter “" +
                             f.name + "” is not one cPanel would store (" + e.what() + ").");
    }
}

std::string FilterSet::exim_text() const {
  refuse_if_damaged(yaml_path().joined(), problems_, "used");
  check_all();
  return exim_filter_file(filters_);
}

bool FilterSet::remove(const std::string& name) {
  auto it = std::find_if(filters_.begin(), filters_.end(), [&](const MailFilter& f) { return f.name == name; });
  if (it == filters_.end()) return false;
  filters_.erase(it);
  return true;
}

bool FilterSet::set_enabled(const std::string& name, bool enabled) {
  for (auto& f : filters_)
    if (f.name == name) {
      f.enabled = enabled;
      return true;
    }
  return false;
}

void FilterSet::reorder(const std::vector<std::string>& names) {
  std::vector<MailFilter> ordered;
  for (const auto& name : names) {
    auto it = std::find_if(filters_.begin(), filters_.end(), [&](const MailFilter& f) { return f.name == name; });
    if (it == filters_.end()) continue;
    ordered.push_back(std::move(*it));
    filters_.erase(it);
  }
  for (auto& f : filters_) ordered.push_back(std::move(f));
  filters_ = std::move(ordered);
}

void FilterSet::stage(Transaction& txn) const {
  refuse_if_damaged(yaml_path().joined(), problems_);
  check_all();
  const std::string exim = exim_filter_file(filters_);
  const gid_t mail = mail_gid(txn).value_or(scope_.owner.gid);
  if (scope_.mailbox) {
    const FileOwner owner{scope_.owner.uid, mail};
    txn.write(yaml_path(), filter_yaml(filters_), 0640, owner);
    txn.write(filter_paths::mailbox_filter(scope_.home_rel, *scope_.mailbox), exim, 0640, owner);
    return;
  }
  txn.write(yaml_path(), filter_yaml(filters_), 0644, scope_.owner);
  for (const auto& domain : scope_.domains)
    txn.write(mail_paths::vfilters(domain), exim, 0640, FileOwner{static_cast<uid_t>(-1), mail});
}

namespace {

// A filter set whose save and pipe destinations lie in `from_home`, moved to `to_home`.
std::vector<MailFilter> rehomed(std::vector<MailFilter> filters, const std::string& from_home,
                                const std::string& to_home) {
  for (auto& f : filters)
    for (auto& a : f.actions)
      if (a.action == "save" || a.action == "pipe") a.dest = rehome(a.dest, from_home, to_home);
  return filters;
}

FilterScope account_scope(const AccountFacts& a, const std::string& home_rel) {
  return FilterScope{a.home, home_rel, a.ids, a.domains, std::nullopt};
}

// The account-level filters (etc/vfilters/<domain> for each of the account's
// domains, generated from ~/.cpanel/filter.yaml, which moves and archives
// with the home). Mailbox filters live in the home entirely.
class MailFiltersPart : public AccountPart {
 public:
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    std::vector<std::string> rels;
    for (const auto& d : a.domains) rels.push_back(mail_paths::vfilters(d));
    if (!a.home_rel.empty()) rels.push_back(filter_paths::account_yaml(a.home_rel).joined());
    return existing(root, rels);
  }
  void create(const StateRoot&, Transaction&, const NewAccount&, std::string&) const override {}
  // The filters follow the account's domains, and destinations in the home follow the home.
  void rename(const StateRoot&, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string&) const override {
    if (from.home_rel.empty()) return;
    FilterSet set(txn, account_scope(from, from.home_rel));
    if (!txn.exists(set.yaml_path())) return;
    refuse_if_damaged(set.yaml_path().joined(), set.problems());
    for (const auto& d : from.domains)
      if (std::find(to.domains.begin(), to.domains.end(), d) == to.domains.end() && txn.exists(mail_paths::vfilters(d)))
        txn.remove(mail_paths::vfilters(d));
    // Written at the old home's path: the home moves after this part (see account_parts()).
    FilterSet moved(txn, account_scope(to, from.home_rel));
    for (const auto& f : rehomed(set.filters(), from.home, to.home)) moved.store(f, "");
    moved.stage(txn);
  }
  void suspend(const StateRoot&, Transaction&, const AccountFacts&, const SuspendOptions&,
               std::string&) const override {}
  void unsuspend(const StateRoot&, Transaction&, const AccountFacts&, std::string&) const override {}
  void remove(const StateRoot& root, Transaction& txn, const AccountFacts& a, const RemoveOptions&,
              std::string&) const override {
    std::vector<std::string> rels;
    for (const auto& d : a.domains) rels.push_back(mail_paths::vfilters(d));
    remove_existing(root, txn, rels);
  }
  // pkgacct's vf/<domain>.
  void archive(const StateRoot&, const Transaction& txn, const AccountFacts& a, const PkgacctOptions&,
               ArchiveOut& out) const override {
    for (const auto& d : a.domains)
      if (auto text = txn.read(mail_paths::vfilters(d))) out.file("vf/" + d, *text);
  }
  // Generated again from the restored home's filter.yaml (pkgacct's vf/
  // files are not even read), each filter checked
  // as store_filter checks it: an archive's vf/ file is Exim commands that
  // could pipe mail to anything, so it is never copied as it is.
  void restore(const StateRoot&, Transaction& txn, const RestoreSource& src, std::string& raw) const override {
    const AccountFacts& a = src.facts;
    const std::string staged_home = home_staging_rel(a.home_rel);
    FilterSet archived(txn, account_scope(a, staged_home));
    if (!txn.exists(archived.yaml_path())) {
      if (!src.archive.under("vf").empty())
        raw += "Account-level email filters not restored: the archive's home has no .cpanel/filter.yaml.\n";
      return;
    }
    if (!archived.problems().empty())
      throw ApiError("The archive's .cpanel/filter.yaml is damaged: " + archived.problems().front() + ".");
    const auto filters = rehomed(archived.filters(), src.archive.original_home, a.home);
    for (const auto& f : filters) check_filter(f, a.home);
    FilterSet restored(txn, account_scope(a, staged_home));
    if (filters_changed(archived.filters(), filters)) {
      for (const auto& f : filters) restored.store(f, "");
    }
    restored.stage(txn);
    raw += "Restoring email filters...Done\n";
  }
  void check(const StateRoot&, const Transaction& view, const SystemUsers&, const AccountFacts& a,
             Problems& out) const override {
    if (a.home_rel.empty()) return;
    FilterSet set(view, account_scope(a, a.home_rel));
    if (!set.problems().empty()) {
      out.push_back(damage_summary(set.yaml_path().joined(), set.problems()));
      return;
    }
    if (!view.exists(set.yaml_path())) return;
    for (const auto& d : a.domains)
      if (!view.exists(mail_paths::vfilters(d))) report_missing(out, a.user, mail_paths::vfilters(d));
  }
  void orphans(const StateRoot& root, const Transaction&, const std::set<std::string>& users,
               Problems& out) const override {
    std::map<std::string, std::string> owner_of_domain;
    for (const auto& [domain, user] : read_lookup_pairs(root, "etc/userdomains")) owner_of_domain[domain] = user;
    for (const auto& name : root.list_dir("etc/vfilters")) {
      auto it = owner_of_domain.find(name);
      if (name[0] != '.' && (it == owner_of_domain.end() || !users.count(it->second)))
        out.push_back("Orphaned etc/vfilters/" + name + " (no account has the domain “" + name + "”).");
    }
  }

 private:
  static bool filters_changed(const std::vector<MailFilter>& a, const std::vector<MailFilter>& b) {
    return filter_yaml(a) != filter_yaml(b);
  }
};

}  // namespace

const AccountPart& mail_filters_part() { return part_instance<MailFiltersPart>(); }

FilterSet filter_set_named(const Transaction& view, const CpanelAccount& acct, const std::string& param,
                           const std::string& account) {
  FilterScope scope{acct.home, paths::rel_from_abs(acct.home), acct.owner, acct.domains, std::nullopt};
  if (account.empty() || account == acct.user) return FilterSet(view, scope);
  EmailAddress address = parse_email_address(param, account);
  if (!acct.owns_domain(address.domain))
    throw ApiError("The domain “" + address.domain + "” does not belong to the account “" + acct.user + "”.");
  if (!email_account_exists(view, scope.home_rel, address))
    throw ApiError("The email account “" + address.full() + "” does not exist.");
  scope.mailbox = address;
  return FilterSet(view, scope);
}

}  // namespace whm

namespace whm {

void FilterSet::replace_all(std::vector<MailFilter> filters) { filters_ = std::move(filters); }

std::string stage_filters_backup_restore(const StateRoot& root, Transaction& txn, const CpanelAccount& account,
                                         const std::string& backup) {
  const std::string rel = home_backup_rel(account.home, backup);
  const std::string name = backup_file_name(rel);
  // cPanel's names: "filter_info.<user>.yaml", optionally ".gz".
  const auto parts = split(name, '.');
  if (parts.size() < 3 || parts.size() > 4 || parts[0] != "filter_info" || parts[1].empty() || parts[2] != "yaml" ||
      (parts.size() == 4 && parts[3] != "gz"))
    throw invalid_param(
        "backup", "The backup name is not formatted correctly. It should be similar to “filter_info.cpuser.yaml.gz”.");
  if (parts[1] != account.user) throw ApiError("The email filters in the backup are not for the current user.");
  const std::string text = read_home_backup_file(root, account.home, rel);

  FileProblems problems;
  std::vector<MailFilter> filters = parse_filter_yaml(text, problems);
  if (!problems.empty() || text.find_first_not_of(" \t\r\n") == std::string::npos)
    throw ApiError("The file is not a recognized email filter backup format.");
  if (filters.empty())
    throw ApiError(
        "The backup did not contain any email filters. The original email filter configuration was recovered.");
  for (const auto& f : filters) try {
      check_filter(f, account.home);
    } catch (const ApiError& e) {
      throw ApiError("The system failed to restore the email filters because of the following error: the filter “" +
                     f.name + "”: " + e.what());
    }

  FilterSet set = filter_set_named(txn, account, "account", "");
  set.replace_all(std::move(filters));
  set.stage(txn);
  return name;
}

}  // namespace whm
