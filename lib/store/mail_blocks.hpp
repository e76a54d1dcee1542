// Incoming mail refused by where it comes from (WHM's Filter Incoming
// Emails by Domain / by Country), in the files cPanel's Exim reads:
//   etc/blocked_incoming_email_domains      one sender domain a line; "*.x"
//       blocks every subdomain of x (0640 root, group mail: Exim reads it
//       at RCPT time as its own user)
//   etc/blocked_incoming_email_countries    one ISO 3166 code a line (0640)
//   etc/blocked_incoming_email_country_ips  the CIDR blocks of those
//       countries, one a line, rebuilt from the GeoIP database
//       (lib/store/geoip_country.hpp) whenever the countries change; Exim
//       drops a connection from any of them (0644, read at connect time)
// Lists keep the order entries were added in.
#pragma once
#include <string>
#include <vector>

#include "state.hpp"

namespace whm {

enum class MailBlock { Domains, Countries };

namespace mail_block_paths {
constexpr const char* kDomains = "etc/blocked_incoming_email_domains";
constexpr const char* kCountries = "etc/blocked_incoming_email_countries";
constexpr const char* kCountryIps = "etc/blocked_incoming_email_country_ips";
}  // namespace mail_block_paths

// The blocked domains or country codes; a line that is neither is left out
// with a warning (and the file is refused for changes).
std::vector<std::string> blocked_senders(const Transaction& view, MailBlock which);

// Adds (block) or removes the values of the parameter `param`; true if the
// list changed. Domains are lower-cased; "*.x" must name a valid x. Country
// codes (either case) must be in the GeoIP database, also to unblock, as
// cPanel has it. Bad values, to block or to unblock, are refused in
// cPanel's words (“XX” is not a valid “country_code” value.) before
// anything is staged. A change of the countries rebuilds the CIDR file.
bool stage_mail_block(Transaction& txn, MailBlock which, const std::string& param,
                      const std::vector<std::string>& values, bool block);

}  // namespace whm
