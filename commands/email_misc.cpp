// The remaining read-mostly UAPI Email functions: mailbox autocreation for
// plus addresses (a per-mailbox flag file), the character sets the system
// has (its charmaps, as iconv knows them), Webmail's settings of a mailbox,
// BlackBerry FastMail's switch file, and the domains with forwarders to back
// up. docs/email.md says which choices are UNCONFIRMED.
#include <iconv.h>

#include <set>

#include "account_store.hpp"
#include "email_accounts.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "mail_paths.hpp"
#include "mail_trace.hpp"
#include "registry.hpp"
#include "util.hpp"

namespace whm {
namespace {

// ---- mailbox autocreation ---------------------------------------------------

// etc/<domain>/<local>/mailbox_autocreate: while it exists, mail to
// local+folder@domain creates the folder (UNCONFIRMED file name; off by default).
UserPath autocreate_flag(const CpanelAccount& account, const EmailAddress& a) {
  UserPath p = mailbox_settings_dir(paths::rel_from_abs(account.home), a);
  p.rel += "/mailbox_autocreate";
  return p;
}

// `email`: one of the account's email accounts (the flag lives in the mailbox's settings
// directory, which the account's own mailbox has not).
EmailAddress existing_mailbox(const Transaction& view, const Context& ctx, const Request& req) {
  const std::string email = req.require("email");
  const auto a = mail_account_arg(view, ctx.account, "email", email);
  if (!a) throw ApiError("The email account “" + email + "” does not exist.");
  return *a;
}

Response get_mailbox_autocreate(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  const EmailAddress a = existing_mailbox(view, ctx, req);
  Response r;
  r.data = view.exists(autocreate_flag(ctx.account, a)) ? 1 : 0;
  return r;
}

Response set_mailbox_autocreate(Context& ctx, const Request& req, bool enable) {
  Transaction& txn = ctx.txn();
  const EmailAddress a = existing_mailbox(txn, ctx, req);
  const UserPath flag = autocreate_flag(ctx.account, a);
  if (enable && !txn.exists(flag)) txn.write(flag, "", 0640, ctx.account.owner);
  if (!enable && txn.exists(flag)) txn.remove(flag);
  Response r;
  r.data = 1;
  return r;
}
Response enable_mailbox_autocreate(Context& ctx, const Request& req) { return set_mailbox_autocreate(ctx, req, true); }
Response disable_mailbox_autocreate(Context& ctx, const Request& req) {
  return set_mailbox_autocreate(ctx, req, false);
}

// ---- character sets ---------------------------------------------------------

// The system's character maps (glibc's usr/share/i18n/charmaps, "UTF-8.gz"),
// by name in lower case.
std::set<std::string> charmap_names(const StateRoot& root) {
  std::set<std::string> names;
  for (std::string name : root.list_dir("usr/share/i18n/charmaps")) {
    if (ends_with(name, ".gz")) name.resize(name.size() - 3);
    if (!name.empty() && name.front() != '.') names.insert(to_lower(name));
  }
  return names;
}

bool iconv_converts(const std::string& charset) {
  const iconv_t cd = iconv_open("UTF-8", charset.c_str());
  if (cd == reinterpret_cast<iconv_t>(-1)) return false;
  iconv_close(cd);
  return true;
}

// The encodings the mail server can read a message in: the system's
// charmaps that iconv converts to UTF-8.
Response get_charsets(Context& ctx, const Request&) {
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& name : charmap_names(ctx.root))
    if (iconv_converts(name)) r.data.push_back(name);
  return r;
}

Response fetch_charmaps(Context& ctx, const Request&) {
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& name : charmap_names(ctx.root)) r.data.push_back({{"map", name}});
  return r;
}

// ---- trace_delivery --------------------------------------------------------

Response trace_delivery(Context& ctx, const Request& req) {
  const EmailAddress recipient = parse_email_address("recipient", req.require("recipient"));
  if (!ctx.account.owns_domain(recipient.domain))
    throw ApiError("The domain “" + recipient.domain + "” does not belong to the account “" + ctx.account.user + "”.");
  Transaction view(ctx.root);
  Response r;
  r.data = trace_mail_delivery(ctx.root, view, ctx.account, recipient);
  return r;
}

// ---- Webmail, FastMail, backups ----------------------------------------------

Response get_webmail_settings(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  const auto address = mail_account_arg(view, ctx.account, "account", req.get_or("account", ctx.account.user));
  Response r;
  r.data = {{"domain", "mail." + (address ? address->domain : ctx.account.main_domain)},
            {"has_maildir", 1},
            {"user", address ? address->full() : ctx.account.user}};
  return r;
}

// The contents of var/cpanel/fastmail (a version number), null without it.
Response check_fastmail(Context& ctx, const Request&) {
  Response r;
  const auto text = ctx.root.read("var/cpanel/fastmail");
  r.data = text ? nlohmann::json(trim(*text)) : nlohmann::json(nullptr);
  return r;
}

// The account's domains that have a forwarders file (etc/valiases/<domain>),
// the ones Backup's "Email Forwarders" downloads offer.
Response list_forwarders_backups(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& domain : ctx.account.domains)
    if (view.exists(mail_paths::valiases(domain))) r.data.push_back({{"domain", domain}});
  return r;
}

ModuleFunction email(const char* name, Handler h, Access access, Authorization auth,
                     std::vector<ParamSpec> params = {}) {
  return {Api::Uapi, "Email", name, std::move(h), access, std::move(auth), std::move(params)};
}

const ParamSpec kEmailParam = described(required_param("email", ParamType::Email), "An email account's address.");

WHMKIT_REGISTRATIONS(
    email_misc_functions,
    Registration(email("get_mailbox_autocreate", get_mailbox_autocreate, Access::Read, needs_feature("popaccts"),
                       {kEmailParam})),
    Registration(email("enable_mailbox_autocreate", enable_mailbox_autocreate, Access::Write, needs_feature("popaccts"),
                       {kEmailParam})),
    Registration(email("disable_mailbox_autocreate", disable_mailbox_autocreate, Access::Write,
                       needs_feature("popaccts"), {kEmailParam})),
    Registration(email("get_charsets", get_charsets, Access::Read, own_objects())),
    Registration(email("fetch_charmaps", fetch_charmaps, Access::Read, own_objects())),
    Registration(email("get_webmail_settings", get_webmail_settings, Access::Read, needs_feature("webmail"),
                       {described(optional_param("account"),
                                  "An email address of the account; the account's own mailbox when left out.")})),
    Registration(email("trace_delivery", trace_delivery, Access::Read, needs_feature("emailtrace"),
                       {described(required_param("recipient"), "The address to trace.")})),
    Registration(email("check_fastmail", check_fastmail, Access::Read, own_objects())),
    Registration(email("list_forwarders_backups", list_forwarders_backups, Access::Read,
                       needs_feature("forwarders"))), );

}  // namespace
}  // namespace whm
