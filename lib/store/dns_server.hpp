// The server's own DNS settings, as cPanel keeps them:
//  * the reverse DNS cache (update_reverse_dns_cache): var/cpanel/ip_rdns_cache,
//    "ip: name" lines Exim reads for its HELO name, and its persistent twin
//    var/cpanel/ip_rdns_cache.json, {"ip_to_ptr_map": {ip: name}}, which keeps
//    the names of earlier lookups when one fails, so HELO does not change;
//  * the resolver workarounds (set_up_dns_resolver_workarounds): one flag file
//    per workaround in var/cpanel/dns_flags/, which cPanel's resolver
//    (libunbound) turns into the option the workaround names;
//  * DNS cluster trust (cluster_member_has_trust_with): the members a WHM
//    user's cluster sends to, var/cpanel/cluster/<user>/config/<host>.
#pragma once
#include <map>
#include <set>
#include <string>
#include <vector>

#include "state.hpp"

namespace whm {

// ---------------------------------------------------------------- reverse DNS

inline constexpr const char* kReverseDnsCache = "var/cpanel/ip_rdns_cache";
inline constexpr const char* kReverseDnsCacheJson = "var/cpanel/ip_rdns_cache.json";

// One of the server's IPv4 addresses: as the system has it, and as the world
// sees it (different behind 1:1 NAT, var/cpanel/cpnat "local public" lines).
struct ServerAddress {
  std::string local, public_ip;
};
std::vector<ServerAddress> server_addresses(const StateRoot& root);

// Whether `name` may go into the cache: a host name (letters, digits, "-",
// "_", "."), nothing that could break its lines.
bool is_cacheable_host_name(const std::string& name);

// Merges `found` (local address -> name) into the persistent map, forgets the
// addresses that are no longer the server's, and stages both files. Returns
// the map written. Refuses (DamagedFileError) a persistent file that did not parse.
std::map<std::string, std::string> stage_reverse_dns_cache(Transaction& txn,
                                                           const std::map<std::string, std::string>& found,
                                                           const std::set<std::string>& local_addresses);

// ---------------------------------------------------------------- resolver workarounds

inline constexpr const char* kDnsFlagsDir = "var/cpanel/dns_flags";

// The libunbound options cPanel's workarounds set, and each one's flag file.
struct ResolverWorkaround {
  const char *option, *value, *flag_file;
};
const std::vector<ResolverWorkaround>& resolver_workarounds();

// Stages a flag file for each option in `flags` and removes the others.
void stage_resolver_flags(const StateRoot& root, Transaction& txn, const std::map<std::string, std::string>& flags);

// ---------------------------------------------------------------- DNS cluster

// Whether `user`'s DNS cluster has a member at `host` it can send to: a
// config/<host> file with the remote user and its API token (user=, pass=).
bool cluster_has_trust_with(const StateRoot& root, const std::string& user, const std::string& host);

}  // namespace whm
