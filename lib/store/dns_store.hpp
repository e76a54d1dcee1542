// Where zones live on the server: /var/named/<zone>.db and the zone stanzas
// of /etc/named.conf; creating zones from the template; reloading BIND.
#pragma once
#include <ctime>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

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

// ---------------------------------------------------------------- edits shared by WHM and cPanel
// (WHM addzonerecord/mass_edit_dns_zone/resetzone..., UAPI DNS, API 2 ZoneEdit and Email MX)

// A zone name as a caller gives it ("Example.COM." -> "example.com"); an
// invalid name is refused as invalid_param(param).
std::string zone_name_arg(const std::string& value, const char* param);
// The reference's refusal of a stale serial (mass_edit_dns_zone, DNS::mass_edit_zone,
// removezonerecord serialnum): nothing is written.
void check_serial(const Zone& zone, long expected);
// No CNAME beside other data at the same name (RFC 1034); `ignore_line` is
// the record being replaced.
void check_cname_conflicts(const Zone& zone, const ZoneRecord& r, int ignore_line = 0);
// Validates a new record, appends it and stages the zone; the new serial.
long stage_added_record(Transaction& txn, Zone& zone, const ZoneRecord& r);
// Validates a record, puts it in place of the one on `line` and stages the zone; the new serial.
long stage_edited_record(Transaction& txn, Zone& zone, int line, const ZoneRecord& r);
// Removes the record on `line` and stages the zone; the new serial.
long stage_removed_record(Transaction& txn, Zone& zone, int line);

// A record's data from its type's fields (address, exchange, txtdata...: the
// names rdata_fields gives), read through `field`. A field left out keeps its
// `current` value; a host name gets its trailing period.
std::vector<std::string> rdata_from_fields(const std::string& type,
                                           const std::function<std::optional<std::string>(const std::string&)>& field,
                                           const std::vector<std::string>& current = {});
// A TTL given as text (1..2147483647), or `fallback` when none is given.
long ttl_value(const std::optional<std::string>& text, long fallback);

// mass_edit_dns_zone / DNS::mass_edit_zone: `add` and `edit` hold one JSON
// object per item ({"dname", "ttl", "record_type", "data"}, edit also
// "line_index"), `remove` line indexes (line number less one). The serial
// must be the zone's current one. Edits are applied before additions and
// removals; a bad item refuses the whole call. Stages the zone; the new serial.
struct MassEdit {
  std::vector<std::string> add, edit, remove;
};
long stage_mass_edit(Transaction& txn, const std::string& zone, long serial, const MassEdit& edits);

// The zone as parse_dns_zone / DNS::parse_zone give it: one item per record,
// comment or directive ("control") line, with its 0-based line_index, names
// and data base64-encoded; blank lines are left out.
nlohmann::json zone_line_model(const Zone& zone);

// resetzone: a new zone from the template for `ip`, written without parsing
// the old file as a whole (a reset repairs a zone that no longer parses);
// the serial moves past the old one and the old TXT/SPF records are kept.
void stage_reset_zone(const StateRoot& root, Transaction& txn, const std::string& zone, const std::string& ip);

// The closest zone this server holds that `domain` is in (the domain's own
// zone, else the nearest one above it), or nullopt.
std::optional<std::string> enclosing_zone(const Transaction& txn, const std::string& domain);
// has_local_authority's item for one domain: the closest enclosing zone this
// server holds and its apex NS records, or local_authority 0 with the reason.
nlohmann::json local_authority(const Transaction& txn, const std::string& domain);

// Runs "rndc reload ZONE" when the state root is "/" and BIND is running;
// returns the reason text to report ("" when nothing was reloaded).
std::string reload_zone(const StateRoot& root, const std::string& zone);

// ---- MX records ----

// An MX record at the zone's apex, with the line it starts on.
struct MxRecord {
  int line;
  long preference;
  std::string exchange;  // with its trailing period, as the zone holds it
};
// The zone's MX records at its apex, most preferred first (file order among equals).
std::vector<MxRecord> mx_records(const Zone& zone);

}  // namespace whm
