// What is inside an account's mailboxes: UAPI Mailboxes get_mailbox_status_list,
// expunge_mailbox_messages and expunge_messages_for_mailbox_guid (and WHM API
// 1's of the same names, with get_mailbox_status), UAPI Email
// fts_rescan_mailbox, asked of the server's real Dovecot (lib/store/dovecot_admin.hpp: folder GUIDs and
// expunging are its indexes' business), and UAPI Email browse_mailbox, which
// reads the mail directory itself (never through a symlink).
#include <regex>

#include "account_store.hpp"
#include "dovecot_admin.hpp"
#include "email_accounts.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"
#include "user_dir.hpp"
#include "util.hpp"

namespace whm {
namespace {

// The Dovecot login a call names with `account`. cPanel API: an address of
// the account, or the cPanel user (also "_mainaccount@<domain>") for its own
// mailbox. WHM API 1: the same, of any account (the dispatcher has checked
// that a reseller owns it).
using LoginOf = std::string (*)(const Context&, const Request&);
std::string account_login(const Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  const auto address = mail_account_arg(view, ctx.account, "account", req.require("account"));
  return address ? address->full() : ctx.account.user;
}
std::string server_login(const Context& ctx, const Request& req) {
  return server_mailbox_arg(ctx.root, "account", req.require("account")).login;
}

// The query, one Dovecot search-query word per argument (doveadm's own
// command line splits it the same way).
std::vector<std::string> query_arg(const Request& req) {
  std::vector<std::string> words;
  for (const auto& w : split(req.require("query"), ' '))
    if (!trim(w).empty()) words.push_back(trim(w));
  if (words.empty()) throw missing_param("query");
  return words;
}

nlohmann::json folder_list(const Context& ctx, const std::string& login) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& f : dovecot_folder_status(ctx.root, login))
    list.push_back({{"guid", f.guid}, {"mailbox", f.mailbox}, {"messages", f.messages}, {"vsize", f.vsize}});
  return list;
}

Response get_mailbox_status_list(Context& ctx, const Request& req) {
  Response r;
  r.data = folder_list(ctx, account_login(ctx, req));
  return r;
}

// WHM API 1 wraps the list: {"mailboxes": [...]}.
Response whm_get_mailbox_status_list(Context& ctx, const Request& req) {
  Response r;
  r.data = {{"mailboxes", folder_list(ctx, server_login(ctx, req))}};
  return r;
}

// WHM API 1's get_mailbox_status: the folders keyed by name.
Response get_mailbox_status(Context& ctx, const Request& req) {
  Response r;
  r.data = nlohmann::json::object();
  for (const auto& f : dovecot_folder_status(ctx.root, server_login(ctx, req)))
    r.data[f.mailbox] = {{"guid", f.guid}, {"messages", f.messages}, {"vsize", f.vsize}};
  return r;
}

template <LoginOf login_of>
Response expunge_mailbox_messages(Context& ctx, const Request& req) {
  const std::string login = login_of(ctx, req);
  const std::string mailbox = req.require("mailbox");
  dovecot_expunge(ctx.root, login, {"mailbox", mailbox}, query_arg(req));
  return {};
}

template <LoginOf login_of>
Response expunge_messages_for_mailbox_guid(Context& ctx, const Request& req) {
  const std::string login = login_of(ctx, req);
  const std::string guid = to_lower(req.require("mailbox_guid"));
  static const std::regex kGuid("[0-9a-f]{32}");
  if (!std::regex_match(guid, kGuid))
    throw invalid_param("mailbox_guid", "“" + guid + "” is not a mailbox GUID (32 hexadecimal digits).");
  const auto query = query_arg(req);
  // Dovecot expunges nothing, and says nothing, for a GUID it does not know.
  bool known = false;
  for (const auto& f : dovecot_folder_status(ctx.root, login)) known = known || f.guid == guid;
  if (!known) throw ApiError("The mailbox “" + login + "” has no folder with the GUID “" + guid + "”.");
  dovecot_expunge(ctx.root, login, {"mailbox-guid", guid}, query);
  Response r;
  r.data = nlohmann::json::object();
  return r;
}

// UAPI Email fts_rescan_mailbox: Dovecot's full-text search index of the
// mailbox is rebuilt (doveadm fts rescan) — cPanel's Solr plugin or, here,
// whichever FTS backend the server's Dovecot loads.
Response fts_rescan_mailbox(Context& ctx, const Request& req) {
  dovecot_fts_rescan(ctx.root, account_login(ctx, req));
  Response r;
  r.data = 1;
  return r;
}

// ---- browse_mailbox ---------------------------------------------------------

// A Maildir (or Maildir++ folder): it holds cur, new and tmp.
bool is_maildir(const UserDir& dir) {
  for (const char* sub : {"cur", "new", "tmp"}) {
    const auto st = dir.status(sub);
    if (!st || !S_ISDIR(st->st_mode)) return false;
  }
  return true;
}

// The entries of one mail directory: ~/mail, or the account's Maildir, or
// `dir` below it ("default" and "mail" mean the top). Hidden entries (Maildir++
// folders are ".Sent"...) only with showdotfiles=1.
Response browse_mailbox(Context& ctx, const Request& req) {
  std::string top = "mail";
  if (const auto account = req.get("account"); account && !account->empty()) {
    Transaction view(ctx.root);
    if (const auto a = mail_account_arg(view, ctx.account, "account", *account))
      top += "/" + a->domain + "/" + a->local;
  }
  std::string rel = top;
  const std::string dir = req.get_or("dir", "default");
  if (dir != "default" && dir != "mail" && !dir.empty()) {
    for (const auto& part : relative_path_parts(dir)) rel += "/" + part;
  }
  const bool dotfiles = req.flag("showdotfiles");
  const std::string home_rel = paths::rel_from_abs(ctx.account.home);
  const auto home = home_rel.empty() ? std::nullopt : UserDir::open(ctx.root.path(home_rel), ctx.account.home);
  const auto listed = home ? home->dir(rel) : std::nullopt;
  if (!listed) throw ApiError("The directory “" + ctx.account.home + "/" + rel + "” does not exist.");
  const std::string path = ctx.account.home + "/" + rel;
  const auto depth = split(rel, '/').size() + 1;
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& name : listed->entries()) {
    if (name.front() == '.' && !dotfiles) continue;
    const auto st = listed->status(name);
    if (!st || !(S_ISDIR(st->st_mode) || S_ISREG(st->st_mode))) continue;  // symlinks and the like: not mail
    const bool is_dir = S_ISDIR(st->st_mode);
    std::optional<UserDir> sub;
    if (is_dir) sub = listed->dir(name);
    r.data.push_back({{"depth", depth},
                      {"file", name},
                      {"fullpath", path + "/" + name},
                      {"isleaf", is_dir ? 0 : 1},
                      {"ismailbox", sub && is_maildir(*sub) ? 1 : 0},
                      {"mtime", static_cast<long long>(st->st_mtime)},
                      {"path", path},
                      {"relpath", rel.substr(top.size()) + "/" + name},
                      {"type", is_dir ? "dir" : "file"}});
  }
  return r;
}

ParamSpec account_param(bool required) {
  return described(make_param("account", ParamType::String, required),
                   "An email address of the account, or the cPanel user (or _mainaccount@<domain>) for its own "
                   "mailbox.");
}

ParamSpec mailbox_param() {
  return described(required_param("mailbox"), "The folder, as get_mailbox_status_list names it (INBOX.Sent).");
}
ParamSpec guid_param() {
  return described(required_param("mailbox_guid"), "The folder's GUID (get_mailbox_status_list).");
}
ParamSpec query_param() { return described(required_param("query"), "A Dovecot search query (savedbefore 52w)."); }

ModuleFunction mailboxes(const char* name, Handler h, Access access, std::vector<ParamSpec> params) {
  return {Api::Uapi, "Mailboxes", name, std::move(h), access, own_objects(), std::move(params)};
}

WHMKIT_REGISTRATIONS(
    mailbox_content_functions,
    Registration(mailboxes("get_mailbox_status_list", get_mailbox_status_list, Access::Read, {account_param(true)})),
    Registration(mailboxes("expunge_mailbox_messages", expunge_mailbox_messages<account_login>, Access::Write,
                           {account_param(true), mailbox_param(), query_param()})),
    Registration(mailboxes("expunge_messages_for_mailbox_guid", expunge_messages_for_mailbox_guid<account_login>,
                           Access::Write, {account_param(true), guid_param(), query_param()})),
    Registration(ModuleFunction{Api::Uapi,
                                "Email",
                                "fts_rescan_mailbox",
                                fts_rescan_mailbox,
                                Access::Read,
                                needs_feature("popaccts"),
                                {account_param(true)}}),
    // WHM API 1: the same, of any account's mailbox.
    Registration(Implementation{"get_mailbox_status",
                                get_mailbox_status,
                                Access::Read,
                                any_reseller({mail_account("account")}),
                                {account_param(true)}}),
    Registration(Implementation{"get_mailbox_status_list",
                                whm_get_mailbox_status_list,
                                Access::Read,
                                any_reseller({mail_account("account")}),
                                {account_param(true)}}),
    Registration(Implementation{"expunge_mailbox_messages",
                                expunge_mailbox_messages<server_login>,
                                Access::Write,
                                any_reseller({mail_account("account")}),
                                {account_param(true), mailbox_param(), query_param()}}),
    Registration(Implementation{"expunge_messages_for_mailbox_guid",
                                expunge_messages_for_mailbox_guid<server_login>,
                                Access::Write,
                                any_reseller({mail_account("account")}),
                                {account_param(true), guid_param(), query_param()}}),
    Registration(ModuleFunction{
        Api::Uapi,
        "Email",
        "browse_mailbox",
        browse_mailbox,
        Access::Read,
        needs_feature("popaccts"),
        {account_param(false), described(optional_param("dir"), "A directory below the mail directory."),
         optional_param("showdotfiles", ParamType::Boolean, "0")}}), );

}  // namespace
}  // namespace whm
