// The UAPI Mailboxes module, as far as it is the account's setting: whether
// Roundcube shows the account's mailbox (folder) names in UTF-8, the cpuser
// file's UTF8MAILBOX key ("1" on, "0" or absent off; docs/email.md).
#include "account_store.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"

namespace whm {
namespace {

constexpr const char* kUtf8Key = "UTF8MAILBOX";

Response has_utf8_mailbox_names(Context& ctx, const Request&) {
  const CpUser account = AccountStore(ctx.root).require(ctx.account.user);
  Response r;
  r.data = {{"enabled", account.get(kUtf8Key, "0") == "1" ? 1 : 0}};
  return r;
}

Response set_utf8_mailbox_names(Context& ctx, const Request& req) {
  const bool enabled = req.flag("enabled");
  AccountStore store(ctx.root);
  CpUser account = store.require(ctx.account.user);
  account.set(kUtf8Key, enabled ? "1" : "0");
  store.save(ctx.txn(), account, store.domain_rows(ctx.account.user), ctx.account.owner);
  Response r;
  r.data = {{"success", 1}};
  return r;
}

WHMKIT_REGISTRATIONS(mailbox_functions,
                     // user= may name only the account itself.
                     Registration(ModuleFunction{Api::Uapi,
                                                 "Mailboxes",
                                                 "has_utf8_mailbox_names",
                                                 has_utf8_mailbox_names,
                                                 Access::Read,
                                                 own_objects({self("user")}),
                                                 {make_param("user", ParamType::Username)}}),
                     Registration(ModuleFunction{Api::Uapi,
                                                 "Mailboxes",
                                                 "set_utf8_mailbox_names",
                                                 set_utf8_mailbox_names,
                                                 Access::Write,
                                                 own_objects(),
                                                 {make_param("enabled", ParamType::Boolean, true)}}), );

}  // namespace
}  // namespace whm
