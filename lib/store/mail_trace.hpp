// Where mail for an address goes, traced through the routing whmkit keeps, in
// the order the server's Exim routers read it (docs/email.md, "Which router
// reads which file"): the domain forwarder (etc/vdomainaliases), the address's
// forwarders (etc/valiases), a suspended mailbox, the mailbox
// (~/etc/<domain>/passwd), the account's own mailbox, the default address.
// Filters are not traced: what they do depends on the message (Exim's -bt
// does not run them either).
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "account_store.hpp"
#include "mail_paths.hpp"
#include "state.hpp"

namespace whm {

// The trace tree of UAPI Email::trace_delivery for `recipient`, an address at
// one of `account`'s domains. Each node has a "type": "routed" (with
// "address", "destinations" and, when a file routed it, "aliasfile"),
// "local_delivery" ("mailbox"), "bounce" / "defer" ("message"), "discard",
// "command" ("command"), "remote_delivery" ("address"), "error" ("message").
// Addresses at another account's domains are not followed (their routing is
// that account's business): a "routed" node without destinations.
nlohmann::json trace_mail_delivery(const StateRoot& root, const Transaction& view, const CpanelAccount& account,
                                   const EmailAddress& recipient);

}  // namespace whm
