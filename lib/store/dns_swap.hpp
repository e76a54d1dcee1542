// Replacing an account's IPv4 address in its zones (cPanel's swapip, UAPI DNS
// swap_ip_in_zones), and what a server offers for ALIAS records (WHM and UAPI
// is_alias_available).
#pragma once
#include <optional>
#include <set>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "zone.hpp"

namespace whm {

class StateRoot;
class Transaction;

// One A record that changed: the shape of swap_ip_in_zones' answer.
struct SwappedRecord {
  std::string zone_name, record_name, record_type, old_value, new_value;
};

// The address a zone's A records are detected to hold, as cPanel detects it:
// the zone root's first A record unless it is a loopback address, else the
// zone's first A record unless that is one; nullopt otherwise.
std::optional<std::string> detect_zone_source_ip(const Zone& zone);

// Points every A record of `zone` that holds one of `source_ips` (empty: the
// detected one; no detected one: nothing changes) at `dest_ip`, or at
// `ftp_ip` for names starting with "ftp.". Names in `static_names` (the
// nameservers and the hostname, lower case, no trailing dot) are left alone.
std::vector<SwappedRecord> swap_ip_in_zone(Zone& zone, std::set<std::string> source_ips, const std::string& dest_ip,
                                           const std::string& ftp_ip, const std::set<std::string>& static_names);

// The names swapip never changes: every reseller's and the server's
// nameservers, and the hostname (lower case, no trailing dot).
std::set<std::string> swap_static_names(const StateRoot& root, const Transaction& view);

// is_alias_available's data: {alias, aname, resolver}. ALIAS records need a
// nameserver that resolves their target when asked: cPanel's PowerDNS with a
// resolver set in pdns.conf. BIND has none; ANAME is offered by neither.
nlohmann::json alias_availability(const Transaction& view);

}  // namespace whm
