// The mail authentication records of a domain's zone (EmailAuth): the DKIM
// key record (default._domainkey), SPF at the apex and DMARC at _dmarc, all
// TXT records edited through the zone code (lib/store/dns_store.hpp), and
// the checks the validate_* functions make of them.
#pragma once
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "zone.hpp"

namespace whm {

// The kinds of record, by the tag their text starts with.
enum class AuthRecord { Dkim, Spf, Dmarc };

// The TXT records at `name` (absolute, no trailing dot) of that kind, their
// strings joined, in zone order.
std::vector<std::string> auth_records(const Zone& zone, const std::string& name, AuthRecord kind);

// What an edit did, as cPanel's messages say it: "[ADD:TXT@<name>:<text>]",
// "[REPLACE:TXT@<name>:<text>]", "[REMOVE:TXT@<name>:<text>]" or "[no changes needed]".
struct AuthEdit {
  bool changed = false;
  std::string msg;
};
// Makes `text` the one record of that kind at `name` (others of the kind go).
// `shown_name` is how the message names the record.
AuthEdit put_auth_record(Zone& zone, const std::string& name, AuthRecord kind, const std::string& text,
                         const std::string& shown_name);
// Removes every record of that kind at `name`.
AuthEdit remove_auth_records(Zone& zone, const std::string& name, AuthRecord kind, const std::string& shown_name);

// Why `text` is not an SPF record (RFC 7208 syntax), or nullopt.
std::optional<std::string> spf_problem(const std::string& text);
// Why `text` is not a DMARC record (RFC 7489: v=DMARC1 first, then p=), or nullopt.
std::optional<std::string> dmarc_problem(const std::string& text);
// Why `text` is not a DKIM key record (RFC 6376 3.6.1), or nullopt.
std::optional<std::string> dkim_problem(const std::string& text);

// What an SPF record says of mail from `ip` for `domain`: PASS, NEUTRAL,
// FAIL, SOFTFAIL, TEMPERROR or PERMERROR, and why. `addresses(name, mx)`
// gives the addresses of a name (mx: of its mail exchangers), or nullopt
// when it cannot tell (the name is not in this server's zones).
struct SpfResult {
  std::string state, reason;
};
using AddressLookup = std::function<std::optional<std::vector<std::string>>(const std::string& name, bool mx)>;
SpfResult evaluate_spf(const std::string& record, const std::string& domain, const std::string& ip,
                       const AddressLookup& addresses);

}  // namespace whm
