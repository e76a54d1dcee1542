// IPv6 address ranges and the accounts' IPv6 addresses.
//   etc/cpanel/ipv6/range_allocation_data  YAML (as cPanel's CachedDataStore
//       writes it): range name -> {name, owner, first, last, CIDR, enabled,
//       note, mostrecent, range_users, reclaimed}
//   the range "SHARED" is the server's shared IPv6 address (etc/wwwacct.conf
//       ADDR6); it is only stored while accounts use it
//   an account's address: the "ipv6" key of each vhost's userdata
//       ({"<address>": {"dedicated": 1, "namevhost": 0}}), the ipv6 field of
//       its userdatadomains rows, and AAAA records beside its A records
// Addresses are written in full (eight groups of four hex digits), as cPanel
// writes first/last/mostrecent.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace whm {

class StateRoot;
class Transaction;

using Ipv6Number = unsigned __int128;

std::optional<Ipv6Number> parse_ipv6(const std::string& text);
std::string ipv6_full(Ipv6Number n);   // 2001:0db8:0000:...
std::string ipv6_short(Ipv6Number n);  // 2001:db8::

struct Ipv6Range {
  std::string name, owner = "root";
  Ipv6Number first = 0, last = 0;
  bool enabled = true;
  std::optional<std::string> note, mostrecent;
  std::vector<std::string> users, reclaimed;
  int prefix() const;  // of the CIDR block first..last
  std::string cidr() const;
  bool contains(Ipv6Number n) const { return n >= first && n <= last; }
};
using Ipv6Ranges = std::map<std::string, Ipv6Range>;

constexpr const char* kSharedIpv6Range = "SHARED";

// "2001:db8::/64" as a range named `name`; ValidationError for anything but
// an IPv6 address with a prefix length and no bits set past the prefix.
Ipv6Range parse_ipv6_cidr(const std::string& name, const std::string& cidr);

// The stored ranges, plus SHARED when etc/wwwacct.conf has ADDR6.
Ipv6Ranges read_ipv6_ranges(const StateRoot& root, const Transaction& txn);
void stage_ipv6_ranges(Transaction& txn, const Ipv6Ranges& ranges);
// The range or ApiError "Range does not exist: NAME".
Ipv6Range& require_ipv6_range(Ipv6Ranges& ranges, const std::string& name);
// The enabled range (other than `except`) that `r` overlaps, if any.
std::optional<std::string> overlapping_range(const Ipv6Ranges& ranges, const Ipv6Range& r, const std::string& except);

// Addresses of a range: in use, inside a disabled (reserved) range, and free.
struct Ipv6RangeUsage {
  Ipv6Number used = 0, forbidden = 0, free = 0;
};
Ipv6RangeUsage count_range_usage(const Ipv6Ranges& ranges, const std::string& name);

// The account's IPv6 address (normalized, full form), if it has one.
std::optional<std::string> account_ipv6(const StateRoot& root, const std::string& user);
// Gives the account an address from `range` (the next free one, or the
// shared address for SHARED): userdata, lookup rows and AAAA records. The
// address, or ApiError with the reason. On "/" the address is bound to the
// main interface once the transaction commits.
std::string stage_enable_ipv6(const StateRoot& root, Transaction& txn, Ipv6Ranges& ranges, const std::string& user,
                              const std::string& range);
// Takes the account's address away (reclaimed by its range) and removes its
// AAAA records; on "/" unbinds a dedicated address after the commit.
void stage_disable_ipv6(const StateRoot& root, Transaction& txn, Ipv6Ranges& ranges, const std::string& user);

}  // namespace whm
