// Where zones live on the server: /var/named/<zone>.db and the zone stanzas
// of /etc/named.conf; creating zones from the template; reloading BIND.
#pragma once
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "zone.hpp"

namespace whm {

class StateRoot;
class Transaction;

std::string zone_rel(const std::string& zone);  // validates the name
bool zone_exists(const Transaction& txn, const std::string& zone);
// Reads and parses a zone; throws ApiError if it does not exist.
Zone load_zone(const Transaction& txn, const std::string& zone);
// Bumps the serial, refreshes the header and stages the file.
long stage_zone(Transaction& txn, Zone& zone, std::time_t now);

// The nameservers new zones get: NS..NS4 of etc/wwwacct.conf, else ns1/ns2
// under the hostname's domain (or under the zone itself when the hostname has
// no domain part).
std::vector<std::string> default_nameservers(const StateRoot& root, const std::string& zone);
// A new zone's text from the template (var/cpanel/zonetemplates/<template>
// if the admin made one).
std::string new_zone_text(const StateRoot& root, const std::string& domain, const std::string& ip,
                          const std::string& ipv6 = "", const std::string& template_name = "standard");
// Stages a new zone from the template and its named.conf stanza.
void stage_new_zone(const StateRoot& root, Transaction& txn, const std::string& domain, const std::string& ip,
                    const std::string& ipv6 = "", const std::string& template_name = "standard");
// Stages a zone file with this exact text and its named.conf stanza (restores).
void stage_zone_text(Transaction& txn, const std::string& zone, const std::string& text);
// Removes the zone file, its named.conf stanza and its DNSSEC keys.
void stage_remove_zone(Transaction& txn, const std::string& zone);
// Points the zone's stanza at its signed file (dnssec.hpp) or at <zone>.db.
void stage_zone_stanza(Transaction& txn, const std::string& zone, bool signed_zone);
// Zones named in named.conf, in file order.
std::vector<std::string> configured_zones(const Transaction& txn);

// Runs "rndc reload ZONE" when the state root is "/" and BIND is running;
// returns the reason text to report ("" when nothing was reloaded).
std::string reload_zone(const StateRoot& root, const std::string& zone);

}  // namespace whm
