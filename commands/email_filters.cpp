// Email filters (UAPI Email store_filter, list_filters, get_filter,
// delete_filter, enable_filter, disable_filter, reorder_filters,
// count_filters, trace_filter, list_filters_backups, list_system_filter_info;
// API 2 storefilter,
// filterlist, loadfilter, deletefilter) on the filter sets of
// lib/store/mail_filters.hpp, gated by cPanel's "blockers" feature (Email
// Filters). `account` names the set: empty or the cPanel user name for the
// account-level filters, an email address of the account for one mailbox's.
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <map>

#include "account_store.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "mail_filters.hpp"
#include "outgoing_mail.hpp"
#include "process.hpp"
#include "registry.hpp"
#include "util.hpp"

namespace whm {
namespace {

constexpr const char* kFeature = "blockers";

// The numbers N of the parameters "<prefix>N" given (part1, part2...), in order.
std::vector<size_t> numbers_of(const Request& req, const std::vector<std::string>& prefixes) {
  std::vector<size_t> out;
  for (const auto& [key, values] : req.args)
    for (const auto& prefix : prefixes)
      if (starts_with(key, prefix) && key.size() > prefix.size() && is_digits(key.substr(prefix.size()))) {
        auto n = parse_int(key.substr(prefix.size()));
        if (!n || *n < 1 || *n > 4096) throw invalid_param(key, "Filters are numbered from 1 to 4096.");
        out.push_back(static_cast<size_t>(*n));
      }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

// The filter a store_filter call describes, checked.
MailFilter filter_from_request(const Request& req, const std::string& home) {
  MailFilter f;
  f.name = req.require("filtername");
  const auto rule_numbers = numbers_of(req, {"part", "match", "val", "opt"});
  const auto action_numbers = numbers_of(req, {"action", "dest"});
  for (size_t n : rule_numbers) {
    const std::string i = std::to_string(n);
    const std::string part = req.get_or("part" + i, "");
    if (part.empty()) throw missing_param("part" + i);
    auto canonical = canonical_filter_part(part);
    if (!canonical) throw invalid_param("part" + i, "“" + part + "” is not a part of a message.");
    f.rules.push_back(
        {*canonical, req.get_or("match" + i, ""), req.get_or("val" + i, ""), req.get_or("opt" + i, "and")});
    if (f.rules.back().match.empty()) throw missing_param("match" + i);
    if (f.rules.back().opt.empty()) f.rules.back().opt = "and";
  }
  for (size_t n : action_numbers) {
    const std::string i = std::to_string(n);
    const std::string action = req.get_or("action" + i, "");
    if (action.empty()) throw missing_param("action" + i);
    f.actions.push_back({action, action == "finish" ? "" : req.get_or("dest" + i, "")});
  }
  check_filter(f, home, rule_numbers, action_numbers);
  return f;
}

std::string shown_account(const CpanelAccount& acct, const std::string& account) {
  return account.empty() ? acct.user : to_lower(account);
}

nlohmann::json filter_json(const MailFilter& f, bool numbered) {
  nlohmann::json rules = nlohmann::json::array(), actions = nlohmann::json::array();
  for (size_t i = 0; i < f.rules.size(); ++i) {
    const auto& r = f.rules[i];
    rules.push_back({{"part", r.part}, {"match", r.match}, {"val", r.val}, {"opt", r.opt}});
    if (numbered) rules.back()["number"] = i + 1;
  }
  for (size_t i = 0; i < f.actions.size(); ++i) {
    actions.push_back({{"action", f.actions[i].action}, {"dest", f.actions[i].dest}});
    if (numbered) actions.back()["number"] = i + 1;
  }
  return {{"filtername", f.name}, {"rules", rules}, {"actions", actions}};
}

nlohmann::json listed(const FilterSet& set, bool api2) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& f : set.filters()) {
    auto item = filter_json(f, false);
    item["enabled"] = f.enabled ? 1 : 0;
    if (api2) item["unescaped"] = 1;
    out.push_back(item);
  }
  return out;
}

void warn_if_damaged(const FilterSet& set, Response& r) {
  if (!set.problems().empty()) r.warnings.push_back(damage_summary(set.yaml_path().joined(), set.problems()));
}

const MailFilter& require_filter(const FilterSet& set, const std::string& name) {
  const MailFilter* f = set.find(name);
  if (!f) throw ApiError("No filter named “" + name + "” exists.");
  return *f;
}

Response store_filter(Context& ctx, const Request& req) {
  const std::string account = req.get_or("account", "");
  FilterSet set = filter_set_named(ctx.txn(), ctx.account, "account", account);
  set.store(filter_from_request(req, ctx.account.home), req.get_or("oldfiltername", ""));
  set.stage(ctx.txn());
  Response r;
  r.data = {{"account", shown_account(ctx.account, account)}};
  return r;
}

Response list_filters(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  FilterSet set = filter_set_named(view, ctx.account, "account", req.get_or("account", ""));
  Response r;
  r.data = listed(set, false);
  warn_if_damaged(set, r);
  return r;
}

Response get_filter(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  FilterSet set = filter_set_named(view, ctx.account, "account", req.require("account"));
  Response r;
  r.data = filter_json(require_filter(set, req.require("filtername")), true);
  return r;
}

Response delete_filter(Context& ctx, const Request& req) {
  FilterSet set = filter_set_named(ctx.txn(), ctx.account, "account", req.require("account"));
  const std::string name = req.require("filtername");
  if (!set.remove(name)) throw ApiError("No filter named “" + name + "” exists.");
  set.stage(ctx.txn());
  return {};
}

Response switch_filter(Context& ctx, const Request& req, bool enabled) {
  FilterSet set = filter_set_named(ctx.txn(), ctx.account, "account", req.require("account"));
  const std::string name = req.require("filtername");
  const bool changed = require_filter(set, name).enabled != enabled;
  if (changed) {
    set.set_enabled(name, enabled);
    set.stage(ctx.txn());
  }
  Response r;
  r.data = {{"filtername", name}, {"updated", changed ? 1 : 0}};
  return r;
}
Response enable_filter(Context& ctx, const Request& req) { return switch_filter(ctx, req, true); }
Response disable_filter(Context& ctx, const Request& req) { return switch_filter(ctx, req, false); }

Response reorder_filters(Context& ctx, const Request& req) {
  FilterSet set = filter_set_named(ctx.txn(), ctx.account, "mailbox", req.require("mailbox"));
  std::vector<std::string> names;
  for (size_t n : numbers_of(req, {"filter"})) {
    const std::string name = req.get_or("filter" + std::to_string(n), "");
    if (!set.find(name)) throw invalid_param("filter" + std::to_string(n), "No filter named “" + name + "” exists.");
    names.push_back(name);
  }
  set.reorder(names);
  set.stage(ctx.txn());
  return {};
}

// Every filter of the account: its own and each mailbox's.
Response count_filters(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  size_t count = filter_set_named(view, ctx.account, "account", "").filters().size();
  const std::string home_rel = paths::rel_from_abs(ctx.account.home);
  for (const auto& domain : ctx.account.domains)
    for (const auto& local : email_account_locals(view, home_rel, domain))
      count += filter_set_named(view, ctx.account, "account", local + "@" + domain).filters().size();
  Response r;
  r.data = count;
  return r;
}

// The account's domains whose mail an account-level filter file applies to.
Response list_filters_backups(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& domain : ctx.account.domains)
    if (view.exists(mail_paths::vfilters(domain))) r.data.push_back({{"domain", domain}});
  return r;
}

// The name of the download that holds the account-level filters (cPanel's
// Backup page offers ~/.cpanel/filter.yaml as filter_info.<user>.yaml.gz);
// no name when the account has no account-level filters (UNCONFIRMED: the
// reference shows only an account that has them).
Response list_system_filter_info(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  Response r;
  r.data = nlohmann::json::object();
  if (view.exists(filter_paths::account_yaml(paths::rel_from_abs(ctx.account.home))))
    r.data["filter_info"] = "filter_info." + ctx.account.user + ".yaml.gz";
  return r;
}

// Runs the real Exim in filter-testing mode (-bF, the mode where "fail" is
// allowed, as the routers that apply these files allow it) with `msg` as a
// message body, on the filter file of the main domain or the mailbox. Exim
// runs as root here and expands what it reads, so it gets the file generated
// again from the checked YAML (a private copy, named back in its report),
// never a file the user could have edited (a mailbox's is in the home).
Response trace_filter(Context& ctx, const Request& req) {
  const std::string account = req.get_or("account", "");
  Transaction view(ctx.root);
  FilterSet set = filter_set_named(view, ctx.account, "account", account);
  std::string shown;
  bool exists = false;
  if (set.scope().mailbox) {
    const UserPath file = filter_paths::mailbox_filter(set.scope().home_rel, *set.scope().mailbox);
    exists = view.exists(file);
    shown = "/" + file.joined();
  } else {
    exists = view.exists(mail_paths::vfilters(ctx.account.main_domain));
    shown = "/" + mail_paths::vfilters(ctx.account.main_domain);
  }
  if (!exists) throw ApiError("There is no filter file “" + shown + "” to test.");
  const std::string text = set.exim_text();
  const std::string exim = exim_program();
  if (exim.empty())
    throw ApiError("Exim is not installed on this server: there is no “exim” program to test filters with.");

  char path[] = "/tmp/whmkit-filter-XXXXXX";
  int fd = ::mkstemp(path);
  if (fd < 0) throw ApiError("A temporary copy of the filter file could not be made.");
  bool written = ::write(fd, text.data(), text.size()) == static_cast<ssize_t>(text.size());
  ::close(fd);
  const std::string sender =
      set.scope().mailbox ? set.scope().mailbox->full() : ctx.account.user + "@" + ctx.account.main_domain;
  std::optional<ProgramOutput> out;
  if (written) out = run_with_input({exim, "-bF", path, "-f", sender}, "\n" + req.require("msg") + "\n");
  ::unlink(path);
  if (!out) throw ApiError("Exim could not be run to test the filter.");
  std::string trace = out->output;
  for (size_t at; (at = trace.find(path)) != std::string::npos;) trace.replace(at, std::strlen(path), shown);
  Response r;
  r.data = {{"trace", html_escape(trace)}};
  return r;
}

// API 2: the same calls in cPanel API 2's shapes.
Response api2_storefilter(Context& ctx, const Request& req) {
  store_filter(ctx, req);
  Response r;
  r.data = nlohmann::json::array({{{"account", shown_account(ctx.account, req.get_or("account", ""))},
                                   {"filtername", req.require("filtername")}}});
  return r;
}

Response api2_filterlist(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  FilterSet set = filter_set_named(view, ctx.account, "account", req.get_or("account", ""));
  Response r;
  r.data = listed(set, true);
  return r;
}

Response api2_loadfilter(Context& ctx, const Request& req) {
  Response r = get_filter(ctx, req);
  r.data = nlohmann::json::array({r.data});
  return r;
}

Response api2_deletefilter(Context& ctx, const Request& req) {
  delete_filter(ctx, req);
  Response r;
  r.data = nlohmann::json::array(
      {{{"account", shown_account(ctx.account, req.require("account"))}, {"filtername", req.require("filtername")}}});
  return r;
}

ParamSpec account_param(bool required, const char* what) {
  return described(make_param("account", ParamType::String, required), what);
}
const char* kAccountHelp =
    "An email address of the account (its mailbox's filters), or the cPanel user name (the "
    "account-level filters, also when left out).";

// The numbered parameters (action1, part2...): the reference marks action*,
// part*, match* and val* required, and the handler requires the first of each.
ParamSpec numbered(const char* name, const char* what, const char* fallback = nullptr) {
  ParamSpec p = described(optional_param(name), what);
  if (fallback) p.default_value = fallback;
  return p;
}

std::vector<ParamSpec> store_params() {
  return {described(make_param("filtername", ParamType::String, true), "The filter's name."),
          account_param(false, kAccountHelp),
          described(optional_param("oldfiltername"), "The name of the filter to replace (rename)."),
          numbered("action*", "action1, action2...: deliver, fail, finish, save or pipe."),
          numbered("dest*", "dest1...: the address (deliver), file (save), program (pipe) or message (fail)."),
          numbered("part*", "part1, part2...: the part of the message a rule tests."),
          numbered("match*", "match1...: is, contains, matches, begins, ends, is above..."),
          numbered("val*", "val1...: the value to match."),
          numbered("opt*", "opt1...: and or or, joining the rule to the next.", "and")};
}

std::vector<ParamSpec> named_filter_params() {
  return {account_param(true, kAccountHelp),
          described(make_param("filtername", ParamType::String, true), "The filter's name.")};
}

ModuleFunction uapi(const char* name, Handler h, Access access, std::vector<ParamSpec> params = {}) {
  return {Api::Uapi, "Email", name, std::move(h), access, needs_feature(kFeature), std::move(params)};
}
ModuleFunction api2(const char* name, Handler h, Access access, std::vector<ParamSpec> params = {}) {
  return {Api::Api2, "Email", name, std::move(h), access, needs_feature(kFeature), std::move(params)};
}

WHMKIT_REGISTRATIONS(
    email_filter_functions, Registration(uapi("store_filter", store_filter, Access::Write, store_params())),
    Registration(uapi("list_filters", list_filters, Access::Read, {account_param(false, kAccountHelp)})),
    Registration(uapi("get_filter", get_filter, Access::Read, named_filter_params())),
    Registration(uapi("delete_filter", delete_filter, Access::Write, named_filter_params())),
    Registration(uapi("enable_filter", enable_filter, Access::Write, named_filter_params())),
    Registration(uapi("disable_filter", disable_filter, Access::Write, named_filter_params())),
    Registration(uapi("reorder_filters", reorder_filters, Access::Write,
                      {described(make_param("mailbox", ParamType::String, true), kAccountHelp),
                       described(optional_param("filter*"),
                                 "filter1, filter2...: the filters' names in their new order.")})),
    Registration(uapi("count_filters", count_filters, Access::Read)),
    Registration(uapi("list_filters_backups", list_filters_backups, Access::Read)),
    Registration(uapi("list_system_filter_info", list_system_filter_info, Access::Read)),
    Registration(uapi("trace_filter", trace_filter, Access::Read,
                      {[] {
                         ParamSpec p = described(make_param("msg", ParamType::String, true),
                                                 "The message body to test the filters with.");
                         p.multiline = true;  // a body has lines; it goes to Exim's stdin, never into a file
                         return p;
                       }(),
                       account_param(false, kAccountHelp)})),
    Registration(api2("storefilter", api2_storefilter, Access::Write, store_params())),
    Registration(api2("filterlist", api2_filterlist, Access::Read, {account_param(false, kAccountHelp)})),
    Registration(api2("loadfilter", api2_loadfilter, Access::Read, named_filter_params())),
    Registration(api2("deletefilter", api2_deletefilter, Access::Write, named_filter_params())), );

}  // namespace
}  // namespace whm
