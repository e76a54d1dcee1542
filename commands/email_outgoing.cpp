// One email account's outgoing mail (UAPI Email suspend_outgoing,
// unsuspend_outgoing, hold_outgoing, release_outgoing, get_held_message_count,
// delete_held_messages) on the files of lib/store/outgoing_mail.hpp, gated
// by cPanel's "popaccts" feature like the other mailbox functions.
#include <set>

#include "account_store.hpp"
#include "email_accounts.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "outgoing_mail.hpp"
#include "registry.hpp"

namespace whm {
namespace {

constexpr const char* kFeature = "popaccts";

// The address in `email`; its domain must be the account's, and (to set a
// control) the email account must exist.
EmailAddress address_of(Context& ctx, const Transaction& view, const Request& req, bool must_exist) {
  const EmailAddress a = parse_email_address("email", req.require("email"));
  if (!ctx.account.owns_domain(a.domain))
    throw ApiError("The domain “" + a.domain + "” does not belong to the account “" + ctx.account.user + "”.");
  if (must_exist) EmailAccounts(view, ctx.account).require(a);
  return a;
}

void set_control(Context& ctx, const Request& req, OutgoingControl which, bool on) {
  Transaction& txn = ctx.txn();
  const EmailAddress a = address_of(ctx, txn, req, on);
  stage_outgoing_control(txn, ctx.account.user, ctx.account.owner.gid, a, which, on);
}

// suspend_outgoing answers 1, as its published schema has it; the others no data.
Response suspend_outgoing(Context& ctx, const Request& req) {
  set_control(ctx, req, OutgoingControl::Suspended, true);
  Response r;
  r.data = 1;
  return r;
}

Response unsuspend_outgoing(Context& ctx, const Request& req) {
  set_control(ctx, req, OutgoingControl::Suspended, false);
  return {};
}

Response hold_outgoing(Context& ctx, const Request& req) {
  set_control(ctx, req, OutgoingControl::Hold, true);
  return {};
}

// Ends the hold and has Exim deliver what it held ("sends all of the
// outgoing mail from Exim's queue for an email account").
Response release_outgoing(Context& ctx, const Request& req) {
  set_control(ctx, req, OutgoingControl::Hold, false);
  const EmailAddress a = address_of(ctx, ctx.txn(), req, false);
  run_exim_on_messages("release", {"-M"}, held_message_ids(ctx.root, a.full()));
  return {};
}

// Without `email`: the held messages of every email account of the cPanel
// account (UNCONFIRMED: the reference makes `email` optional and says no more).
Response get_held_message_count(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  size_t count = 0;
  if (req.get("email")) {
    count = held_message_ids(ctx.root, address_of(ctx, view, req, false).full()).size();
  } else {
    // One pass over the queue, not one per mailbox.
    const EmailAccounts accounts(view, ctx.account);
    std::set<std::string> addresses;
    for (const Mailbox* m : accounts.all()) addresses.insert(m->address.full());
    for (const auto& m : queued_messages(ctx.root))
      if (m.frozen && addresses.count(m.auth_id)) ++count;
  }
  Response r;
  r.data = count;
  return r;
}

Response delete_held_messages(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  const auto ids = held_message_ids(ctx.root, address_of(ctx, view, req, false).full());
  run_exim_on_messages("delete", {"-Mrm"}, ids);
  Response r;
  r.data = ids.size();
  return r;
}

ModuleFunction fn(const char* name, Handler h, Access access, bool email_required) {
  ParamSpec email =
      described(email_required ? required_param("email", ParamType::Email) : optional_param("email", ParamType::Email),
                "The email account's address.");
  return {Api::Uapi, "Email", name, std::move(h), access, needs_feature(kFeature), {email}};
}

WHMKIT_REGISTRATIONS(email_outgoing_functions,
                     Registration(fn("suspend_outgoing", suspend_outgoing, Access::Write, true)),
                     Registration(fn("unsuspend_outgoing", unsuspend_outgoing, Access::Write, true)),
                     Registration(fn("hold_outgoing", hold_outgoing, Access::Write, true)),
                     Registration(fn("release_outgoing", release_outgoing, Access::Write, true)),
                     Registration(fn("get_held_message_count", get_held_message_count, Access::Read, false)),
                     // Exclusive like a write: one change of the queue at a time.
                     Registration(fn("delete_held_messages", delete_held_messages, Access::Write, true)), );

}  // namespace
}  // namespace whm
