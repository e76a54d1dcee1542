// The server's IPv4 addresses, who uses each, and moving an account to
// another address. The one place for "the server's IPs":
//   etc/ips             "ip:netmask:broadcast" lines: the addresses added
//                       besides the main one (addips/delip)
//   var/cpanel/mainip   the main IP (else etc/wwwacct.conf's ADDR)
//   var/cpanel/mainips/<reseller>   a reseller's main (shared) IP
//   etc/ipaddrpool      derived: the free dedicated IPs, one per line
//   etc/domainips       derived: "ip: maindomain" for every dedicated IP
//   var/cpanel/cpnat    "local public" lines: the 1:1 NAT map
// On the state root "/" addips/delip also bring the address up or down on
// the main interface (`ip addr`); under any other root nothing on the host
// is touched.
#pragma once
#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "cpuser.hpp"

namespace whm {

class StateRoot;
class Transaction;

// One etc/ips line.
struct ExtraIp {
  std::string ip, netmask, broadcast;
};

// IPv4 text <-> number (host order); nullopt for anything else.
std::optional<uint32_t> parse_ipv4(const std::string& text);
std::string ipv4_text(uint32_t ip);
// The prefix length of a netmask such as 255.255.255.0 (24); nullopt when
// the text is not a netmask (its one bits must come first).
std::optional<int> netmask_prefix(const std::string& netmask);

std::vector<ExtraIp> read_extra_ips(const Transaction& txn);
void stage_extra_ips(Transaction& txn, const std::vector<ExtraIp>& ips);

// The main IP: var/cpanel/mainip, else the shared IP of etc/wwwacct.conf.
std::string main_ip(const StateRoot& root);
// IPs of this server: the main IP, the shared IP, then etc/ips in file order.
std::vector<std::string> server_ips(const StateRoot& root);
// Refuses an address that is not one of server_ips().
void require_server_ip(const StateRoot& root, const std::string& ip);
// The shared IP a WHM user's accounts get: a reseller's main IP, else the
// server's shared IP.
std::string shared_ip_of(const StateRoot& root, const std::string& whm_user);

// Who uses each address, as `txn` sees the accounts (plus `staged`, accounts
// this transaction creates, which are not on disk yet).
struct IpUsage {
  std::string main_ip, shared_ip;
  std::map<std::string, std::vector<std::string>> accounts;  // ip -> users
  std::map<std::string, std::string> main_domains;           // user -> main domain
  std::set<std::string> reseller_main_ips;
  // Shared by design: the main IP, the shared IP or a reseller's main IP.
  bool is_shared(const std::string& ip) const;
  // Used by exactly one account and not shared: that account's own.
  std::optional<std::string> dedicated_to(const std::string& ip) const;
  bool used(const std::string& ip) const;
};
IpUsage ip_usage(const StateRoot& root, const Transaction& txn, const std::vector<CpUser>& staged = {});

// The etc/ips addresses nobody uses (not the main IP, not a reseller's main
// IP, no account's), in file order: what createacct ip=y takes from.
std::vector<std::string> free_dedicated_ips(const StateRoot& root, const Transaction& txn,
                                            const std::vector<CpUser>& staged = {});
// Rewrites etc/ipaddrpool and etc/domainips from the state `txn` sees.
void stage_derived_ip_files(const StateRoot& root, Transaction& txn, const std::vector<CpUser>& staged = {});

// Moves the account to `ip`: its cpuser IP, every vhost's userdata, the
// userdata cache and lookup files, and the A records of its zones that
// pointed at the old address (the zones are reloaded after the commit).
// Returns the old address.
std::string stage_account_ip(const StateRoot& root, Transaction& txn, const std::string& user, const std::string& ip);

// The 1:1 NAT map (var/cpanel/cpnat): local -> public.
std::map<std::string, std::string> read_nat_map(const Transaction& txn);
void stage_nat_map(Transaction& txn, const std::map<std::string, std::string>& map);

// The live machine's interfaces (getifaddrs): address -> interface name,
// for the addresses of `family` (AF_INET, AF_INET6). Only read on "/".
std::map<std::string, std::string> live_addresses(int family);
// The interface addips/delip act on: etc/wwwacct.conf's ETHDEV, else the
// interface carrying the main IP, else eth0.
std::string main_interface(const StateRoot& root);

// The public address this server appears as when it connects from `local_ip`
// (on "/" the request leaves from that address), as the myip service
// answers: its URL is $WHMKIT_MYIP_URL, else https://myip.cpanel.net/v1.0/.
std::string ask_public_ip(const StateRoot& root, const std::string& local_ip);

}  // namespace whm
