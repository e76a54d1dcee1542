// The Mailman mailing-list functions of UAPI Email (feature "lists"): the
// lists as lib/store/mailing_lists.hpp keeps them. Wordings come from
// cPanel's list admin module where the reference gives none
// (docs/email-lists.md).
#include <ctime>
#include <regex>

#include "account_store.hpp"
#include "account_usage.hpp"
#include "errors.hpp"
#include "human_size.hpp"
#include "lazy_registrations.hpp"
#include "mail_paths.hpp"
#include "mail_routing.hpp"
#include "mailing_lists.hpp"
#include "password_strength.hpp"
#include "registry.hpp"
#include "sysusers.hpp"
#include "tweak_settings.hpp"
#include "util.hpp"

namespace whm {
namespace {

constexpr const char* kFeature = "lists";
// Tweak Settings' minpwstrength application of mailing lists (getminimumpasswordstrengths).
constexpr const char* kPasswordApp = "list";

void refuse_if_mailman_disabled(const Context& ctx) {
  if (tweak_setting(ctx.root, "skipmailman", "0") == "1")
    throw ApiError("The administrator has disabled Mailman mailing lists.");
}

[[noreturn]] void no_such_list(const std::string& address) {
  throw ApiError("You do not have a mailing list named “" + address + "”.");
}

// `list=`: "name@domain", the list id "name_domain", or a bare name that
// only one of the account's lists has (UNCONFIRMED: cPanel's examples use
// both "mylist" and "mylist@example.com"). The domain must be the account's.
MailingList require_list(const Context& ctx, const Transaction& view, const Request& req) {
  refuse_if_mailman_disabled(ctx);
  const std::string value = to_lower(req.require("list"));
  if (auto at = value.rfind('@'); at != std::string::npos) {
    const std::string name = value.substr(0, at), domain = value.substr(at + 1);
    if (!ctx.account.owns_domain(domain))
      throw ApiError("The domain “" + domain + "” does not belong to the account “" + ctx.account.user + "”.");
    if (auto list = find_list(view, name, domain)) return *list;
    no_such_list(value);
  }
  if (auto id = parse_list_id(value); id && ctx.account.owns_domain(id->second))
    if (auto list = find_list(view, id->first, id->second)) return *list;
  std::vector<MailingList> named;
  for (auto& l : lists_of(view, ctx.account.domains))
    if (l.name == value) named.push_back(std::move(l));
  if (named.size() == 1) return named[0];
  if (named.size() > 1)
    throw invalid_param("list",
                        "several of your domains have a list named “" + value + "”: give “" + value + "@<domain>”.");
  no_such_list(value);
}

void check_list_password(const Context& ctx, const std::string& password) {
  for (unsigned char c : password)
    if (c < 0x20 || c == 0x7f) throw invalid_param("password", "it contains a control character.");
  check_password_strength(ctx.root, kPasswordApp, "password", password);
}

// "19.9 KB" with a no-break space, as the reference's example shows ("483 bytes" below 1 KB).
std::string list_size_text(long long bytes) { return human_size(bytes, 1, "\u00a0"); }

// The list administrators: the cPanel user at the list's domain (the owner
// cPanel's newlist gives it) and the delegates.
std::string list_admins(const Context& ctx, const Transaction& view, const MailingList& list) {
  std::vector<std::string> admins = {ctx.account.user + "@" + list.domain};
  for (const auto& d : list_delegates(view, ctx.account, list.id())) admins.push_back(d);
  return join(admins, ",");
}

// The delegate functions' data: the reference's shape carries cPanel's
// "transformed" marker inside data as well as in the result's metadata.
nlohmann::json delegates_data(const Context& ctx, const Transaction& view, const MailingList& list) {
  return {{"delegates", list_delegates(view, ctx.account, list.id())}, {"metadata", {{"transformed", 1}}}};
}

// ---- reading ---------------------------------------------------------------

Response list_lists(Context& ctx, const Request& req) {
  refuse_if_mailman_disabled(ctx);
  std::vector<std::string> domains = ctx.account.domains;
  if (auto d = req.get("domain"); d && !d->empty()) domains = {to_lower(*d)};
  std::optional<std::regex> re;
  if (auto text = req.get("regex"); text && !text->empty()) {
    try {
      re = std::regex(*text, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      throw invalid_param("regex", "it is not a valid regular expression.");
    }
  }
  Transaction view(ctx.root);
  const std::string ip = AccountStore(ctx.root).require(ctx.account.user).get("IP");
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& list : lists_of(view, domains)) {
    if (re && !std::regex_search(list.address(), *re)) continue;
    const long long bytes = list_disk_bytes(ctx.root, list.id());
    r.data.push_back({{"accesstype", list.privacy.is_private() ? "private" : "public"},
                      {"advertised", list.privacy.advertised},
                      {"archive_private", list.privacy.archive_private},
                      {"desthost", ip},
                      {"diskused", bytes},
                      {"humandiskused", list_size_text(bytes)},
                      {"list", list.address()},
                      {"listadmin", list_admins(ctx, view, list)},
                      {"listid", list.id()},
                      {"subscribe_policy", list.privacy.subscribe_policy}});
  }
  return r;
}

Response count_lists(Context& ctx, const Request&) {
  refuse_if_mailman_disabled(ctx);
  Transaction view(ctx.root);
  Response r;
  r.data = lists_of(view, ctx.account.domains).size();
  return r;
}

Response get_lists_total_disk_usage(Context& ctx, const Request&) {
  refuse_if_mailman_disabled(ctx);
  Transaction view(ctx.root);
  long long bytes = 0;
  for (const auto& list : lists_of(view, ctx.account.domains)) bytes += list_disk_bytes(ctx.root, list.id());
  Response r;
  r.data = bytes;
  return r;
}

Response get_mailman_delegates(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  const MailingList list = require_list(ctx, view, req);
  Response r;
  r.data = delegates_data(ctx, view, list);
  return r;
}

Response has_delegated_mailman_lists(Context& ctx, const Request& req) {
  refuse_if_mailman_disabled(ctx);
  const std::string delegate = to_lower(req.require("delegate"));
  Response r;
  r.data = 0;
  if (delegate == ctx.account.user) return r;
  const EmailAddress a = parse_email_address("delegate", delegate);
  if (!ctx.account.owns_domain(a.domain)) throw ApiError("“" + a.domain + "” is not a domain that you control.");
  Transaction view(ctx.root);
  r.data = has_delegated_lists(view, ctx.account, a.full()) ? 1 : 0;
  return r;
}

// ---- changes ---------------------------------------------------------------

Response add_list(Context& ctx, const Request& req) {
  refuse_if_mailman_disabled(ctx);
  const std::string domain = req.domain("domain");
  const std::string name = to_lower(req.require("list"));
  const std::string password = req.require("password");
  if (list_name_error(name, domain)) throw ApiError("“" + name + "” is not a valid name for a mailing list.");
  check_list_password(ctx, password);
  Transaction& txn = ctx.txn();
  const auto existing = find_list(txn, name, domain);
  MailingList list{name, domain};
  if (req.flag("rebuildonly")) {
    // Rebuilds the list's settings (password, privacy) in place; its members stay.
    if (!existing) no_such_list(list.address());
    list.members = existing->members;
  } else {
    if (existing) throw ApiError("The mailing list “" + list.address() + "” is already configured.");
    const EmailAddress address{name, domain};
    if (email_account_exists(txn, paths::rel_from_abs(ctx.account.home), address))
      throw ApiError("The email account “" + address.full() + "” already exists: a list cannot have its address.");
    const DomainAliases aliases(txn, domain);
    for (const auto& e : aliases.entries())
      if (e.address == address.full())
        throw ApiError("The forwarder “" + address.full() + "” already exists: a list cannot have its address.");
    const auto max = count_limit(AccountStore(ctx.root).require(ctx.account.user).get("MAXLST"));
    if (max && *max > 0 && static_cast<long long>(lists_of(txn, ctx.account.domains).size()) >= *max)
      throw ApiError("Your account exceeds the maximum allowed mailing lists.");
  }
  list.password_hash = hash_password(password);
  if (req.flag("private")) list.privacy = private_list_privacy();
  stage_list(txn, list);
  return {};
}

Response delete_list(Context& ctx, const Request& req) {
  Transaction& txn = ctx.txn();
  const MailingList list = require_list(ctx, txn, req);
  stage_list_removal(ctx.root, txn, list.id());
  stage_forget_list_delegates(txn, ctx.account, list.id());
  return {};
}

Response passwd_list(Context& ctx, const Request& req) {
  Transaction& txn = ctx.txn();
  MailingList list = require_list(ctx, txn, req);
  const std::string password = req.require("password");
  check_list_password(ctx, password);
  list.password_hash = hash_password(password);
  stage_list(txn, list);
  return {};
}

Response set_list_privacy_options(Context& ctx, const Request& req) {
  Transaction& txn = ctx.txn();
  MailingList list = require_list(ctx, txn, req);
  list.privacy.advertised = req.flag("advertised") ? 1 : 0;
  list.privacy.archive_private = req.flag("archive_private") ? 1 : 0;
  list.privacy.subscribe_policy = static_cast<int>(*req.integer("subscribe_policy", 1, 3));
  stage_list(txn, list);
  return {};
}

// delegates=a@x,b@y: each an email account of the account (a delegate logs
// in to webmail to administer the list; UNCONFIRMED that cPanel requires it).
std::vector<std::string> delegates_arg(const Context& ctx, const Transaction& view, const Request& req) {
  std::vector<std::string> out;
  for (const auto& item : split(req.require("delegates"), ',')) {
    const std::string text = to_lower(trim(item));
    if (text.empty()) continue;
    const EmailAddress a = parse_email_address("delegates", text);
    if (!ctx.account.owns_domain(a.domain)) throw ApiError("“" + a.domain + "” is not a domain that you control.");
    if (!email_account_exists(view, paths::rel_from_abs(ctx.account.home), a))
      throw ApiError("The email account “" + a.full() + "” does not exist.");
    out.push_back(a.full());
  }
  if (out.empty()) throw missing_param("delegates");
  return out;
}

Response change_delegates(Context& ctx, const Request& req, bool add) {
  Transaction& txn = ctx.txn();
  const MailingList list = require_list(ctx, txn, req);
  stage_delegates(txn, ctx.account, list.id(), delegates_arg(ctx, txn, req), add);
  Response r;
  r.data = delegates_data(ctx, txn, list);
  return r;
}

Response add_mailman_delegates(Context& ctx, const Request& req) { return change_delegates(ctx, req, true); }
Response remove_mailman_delegates(Context& ctx, const Request& req) { return change_delegates(ctx, req, false); }

// ~/mail/exported_lists/<list>.csv per list: "email,name" then a line per
// member, the name being the address's local part, as cPanel writes it.
Response export_lists(Context& ctx, const Request&) {
  refuse_if_mailman_disabled(ctx);
  Transaction& txn = ctx.txn();
  const auto lists = lists_of(txn, ctx.account.domains);
  if (lists.empty()) throw ApiError("The system could not find a mailing list for this user.");
  const std::string home_rel = paths::rel_from_abs(ctx.account.home);
  const UserPath dir{home_rel, "mail/exported_lists"};
  if (!txn.exists(dir)) txn.make_dir(dir, 0700, ctx.account.owner);
  for (const auto& list : lists) {
    std::string csv = "email,name\n";
    for (const auto& m : list.members) csv += m + ",\"" + m.substr(0, m.rfind('@')) + "\"\n";
    txn.write(UserPath{home_rel, dir.rel + "/" + list.name + ".csv"}, csv, 0600, ctx.account.owner);
  }
  return {};
}

Response generate_mailman_otp(Context& ctx, const Request& req) {
  Transaction& txn = ctx.txn();
  const MailingList list = require_list(ctx, txn, req);
  Response r;
  r.data = stage_one_time_password(txn, list.id(), std::time(nullptr));
  return r;
}

// ---- declarations ----------------------------------------------------------

ModuleFunction uapi(const char* name, Handler h, Access access, std::vector<ParamSpec> params, const char* summary) {
  return {Api::Uapi,         "Email", name, std::move(h), access, needs_feature(kFeature, {domain("domain")}),
          std::move(params), summary};
}

ParamSpec choice(const char* name, std::vector<std::string> values, bool required, const char* fallback = nullptr) {
  ParamSpec p =
      required ? required_param(name, ParamType::Integer) : optional_param(name, ParamType::Integer, fallback);
  p.allowed = std::move(values);
  return p;
}

WHMKIT_REGISTRATIONS(
    email_list_functions,
    Registration(uapi("add_list", add_list, Access::Write,
                      {required_param("domain", ParamType::Domain), required_param("list"), required_param("password"),
                       choice("private", {"0", "1"}, false, "0"), choice("rebuildonly", {"0", "1"}, false, "0")},
                      "Create mailing list")),
    Registration(uapi("delete_list", delete_list, Access::Write, {required_param("list")}, "Delete mailing list")),
    Registration(uapi("list_lists", list_lists, Access::Read,
                      {optional_param("domain", ParamType::Domain), optional_param("regex")}, "Return mailing lists")),
    Registration(uapi("count_lists", count_lists, Access::Read, {}, "Return mailing list count")),
    Registration(uapi("export_lists", export_lists, Access::Write, {}, "Export mailing lists")),
    Registration(uapi("passwd_list", passwd_list, Access::Write, {required_param("list"), required_param("password")},
                      "Update mailing list password")),
    Registration(uapi("set_list_privacy_options", set_list_privacy_options, Access::Write,
                      {choice("advertised", {"0", "1"}, true), choice("archive_private", {"0", "1"}, true),
                       required_param("list"), choice("subscribe_policy", {"1", "2", "3"}, true)},
                      "Update mailing list privacy options")),
    Registration(uapi("get_lists_total_disk_usage", get_lists_total_disk_usage, Access::Read, {},
                      "Return mailing lists' disk usage")),
    Registration(uapi("has_delegated_mailman_lists", has_delegated_mailman_lists, Access::Read,
                      {required_param("delegate")}, "Return whether address administers lists")),
    Registration(uapi("add_mailman_delegates", add_mailman_delegates, Access::Write,
                      {required_param("delegates"), required_param("list")}, "Add administrators to mailing list")),
    Registration(uapi("remove_mailman_delegates", remove_mailman_delegates, Access::Write,
                      {required_param("delegates"), required_param("list")},
                      "Remove administrators from mailing list")),
    Registration(uapi("get_mailman_delegates", get_mailman_delegates, Access::Read, {required_param("list")},
                      "Return mailing list administrators")),
    Registration(uapi("generate_mailman_otp", generate_mailman_otp, Access::Write, {required_param("list")},
                      "Create mailing list one-time password")), );

}  // namespace
}  // namespace whm
