// Per-address control of outgoing mail (UAPI Email suspend_outgoing,
// hold_outgoing and their undoing), kept where cPanel keeps it:
//   var/cpanel/email_send_limits/users/<user>/suspensions.json
//       {"<domain>": {"suspended": {"<local>": 1}, "hold": {"<local>": 1}}}
//       (0640, root, the account's group; the record whmkit reads back)
//   etc/outgoing_mail_suspended_users, etc/outgoing_mail_hold_users
//       one entry per line, a cPanel user (WHM's account-wide switch) or an
//       address (this one): what Exim reads (0640 root, group mail)
// Held messages are the ones in Exim's queue (var/spool/exim/input under
// the state root, split into one-letter directories or not) that the
// address sent after logging in (the -H file's "-auth_id") and that Exim
// froze when it accepted them (its "-frozen" line). Releasing and deleting
// them goes through the Exim program (exim -M / -Mrm), as cPanel does.
#pragma once
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "mail_paths.hpp"
#include "state.hpp"

namespace whm {

enum class OutgoingControl { Suspended, Hold };

namespace outgoing_paths {
std::string limits_dir(const std::string& user);   // var/cpanel/email_send_limits/users/<user>
std::string limits_file(const std::string& user);  // .../suspensions.json
std::string exim_list(OutgoingControl which);      // etc/outgoing_mail_{suspended,hold}_users
constexpr const char* kSpoolInput = "var/spool/exim/input";
}  // namespace outgoing_paths

// The addresses ("local@domain") of `user` with that control set.
std::set<std::string> outgoing_controlled(const Transaction& view, const std::string& user, OutgoingControl which);
// Sets or clears the control of one address in both files; false when it
// already was so (nothing staged then). `account_gid` owns the record.
bool stage_outgoing_control(Transaction& txn, const std::string& user, gid_t account_gid, const EmailAddress& address,
                            OutgoingControl which, bool on);

// WHM's switch for a whole account (suspend_outgoing_email,
// hold_outgoing_email and their undoing), as cPanel's
// Whostmgr::Accounts::Email keeps it: the cpuser file's
// OUTGOING_MAIL_SUSPENDED / OUTGOING_MAIL_HOLD (the time it was set; the key
// goes when it is lifted) and the user's line in the Exim list. ApiError if
// `user` is no account.
void stage_account_outgoing_control(const StateRoot& root, Transaction& txn, const std::string& user,
                                    OutgoingControl which, bool on);

// One message in Exim's queue.
struct QueuedMessage {
  std::string id;       // "1tAbCd-000123-Ab"
  std::string auth_id;  // who logged in to send it ("" for none)
  bool frozen = false;
};
// Every message of the state root's Exim queue (its -H files).
std::vector<QueuedMessage> queued_messages(const StateRoot& root);
// The ids of the messages `address` sent that wait frozen: its held mail.
std::vector<std::string> held_message_ids(const StateRoot& root, const std::string& address);

// The account's held mail: frozen messages an address at one of `domains`
// sent, except those of an address that is held on its own (UAPI
// hold_outgoing), which stay until that address is released.
std::vector<std::string> account_held_message_ids(const Transaction& view, const std::string& user,
                                                  const std::vector<std::string>& domains);

// The Exim program: $WHMKIT_EXIM when set (a test points it at its own
// daemon's Exim), else the first of the usual paths; "" when there is none.
std::string exim_program();
// Runs Exim with `args` then `ids` (-M: deliver, thawing frozen ones;
// -Mrm: remove); `verb` ("release", "delete") names it in the ApiError
// thrown when Exim is missing or fails.
void run_exim_on_messages(const std::string& verb, const std::vector<std::string>& args,
                          const std::vector<std::string>& ids);

}  // namespace whm
