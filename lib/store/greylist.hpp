// cPGreyList, cPanel's greylisting, kept where cPanel keeps it
// (docs/greylisting.md):
//   var/cpanel/greylist/enabled        exists while greylisting is on
//   var/cpanel/greylist/conf           key=value settings (0600), defaults below
//   var/cpanel/greylist/common_mail_providers_conf
//                                      key=value (0600): autotrust_new_common_mail_providers
//                                      and <provider>=0|1 (take the shipped list's updates)
//   var/cpanel/greylist/greylist.sqlite
//                                      cPanel's schema: triplets_seen, trusted_hosts,
//                                      common_mail_providers, common_mail_provider_ips,
//                                      opt_out_domains, stats; addresses as 16-byte BLOBs
//                                      (IPv4 as ::ffff:a.b.c.d), times as local
//                                      "YYYY-MM-DD HH:MM:SS" text
//   etc/greylist_trusted_netblocks, etc/greylist_common_mail_providers
//                                      derived: Exim host lists (one CIDR a line, IPv6
//                                      quoted, "# comment"), the trusted hosts and the
//                                      trusted providers' blocks
// The database is read whole into memory and staged whole (sqlite_image.hpp),
// so each change is one atomic replace under the state lock, also the
// decisions whmkit-greylist (apps/greylist.cpp) records for Exim.
#pragma once
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "state.hpp"

namespace whm {

class SqliteImage;

namespace greylist_paths {
constexpr const char* kEnabled = "var/cpanel/greylist/enabled";
constexpr const char* kConf = "var/cpanel/greylist/conf";
constexpr const char* kProvidersConf = "var/cpanel/greylist/common_mail_providers_conf";
constexpr const char* kDatabase = "var/cpanel/greylist/greylist.sqlite";
constexpr const char* kTrustedNetblocks = "etc/greylist_trusted_netblocks";
constexpr const char* kProviderNetblocks = "etc/greylist_common_mail_providers";
}  // namespace greylist_paths

bool greylist_enabled(const Transaction& view);
// Touches or removes the enabled file.
void stage_greylist_enabled(Transaction& txn, bool on);

// The settings: every key of conf with its value (the defaults filled in).
using GreylistConfig = std::map<std::string, long long>;
// The keys, in the order cPanel documents them.
const std::vector<std::string>& greylist_config_keys();
GreylistConfig load_greylist_config(const Transaction& view);
// Merges `changes` into conf after cPanel's checks; ApiError with cPanel's
// wording ("Invalid configuration value, ...") when a value or the order of
// the periods is wrong. A damaged conf is refused, not rewritten.
void stage_greylist_config(Transaction& txn, const GreylistConfig& changes);

// The common mail providers' switches: autotrust_new_common_mail_providers
// (default 1) and, per provider, whether it takes the shipped list's updates
// (default 1).
struct ProvidersConfig {
  bool autotrust_new = true;
  std::map<std::string, bool> autoupdate;  // only the providers the file names
  bool autoupdates(const std::string& tag) const;
};
ProvidersConfig load_providers_config(const Transaction& view);
void stage_providers_config(Transaction& txn, const ProvidersConfig& config);

// An address range as 16-byte big-endian addresses (IPv4 mapped into IPv6).
struct IpRange {
  std::string start, end;
};
// "192.0.2.1", "192.0.2.0/24", "192.0.2.1-192.0.2.9" and the same for IPv6;
// nullopt for anything else.
std::optional<IpRange> parse_ip_range(const std::string& text);
// The address as cPanel shows it ("192.0.2.1", "2001:db8::1").
std::string ip_text(const std::string& bin16);
// "a" when the range is one address, else "a-b".
std::string ip_range_text(const IpRange& range);
// The range as CIDR blocks ("192.0.2.0/24"), fewest first to last.
std::vector<std::string> range_cidrs(const IpRange& range);

// The deferred list's page: cPanel's get_deferred_list arguments.
struct DeferredQuery {
  long long limit = 20, offset = 0;
  std::string order_by = "id";
  bool descending = false;
  std::string filter;  // an address (exact) or part of an email address
};

// cPGreyList's database as a transaction sees it, with cPanel's schema and
// the shipped common mail providers loaded as cPanel loads its list: a new
// provider comes in trusted when autotrust_new_common_mail_providers is on,
// a provider's new blocks replace its old ones unless its autoupdate is off.
class GreylistDb {
 public:
  explicit GreylistDb(const Transaction& view);
  ~GreylistDb();
  GreylistDb(const GreylistDb&) = delete;
  GreylistDb& operator=(const GreylistDb&) = delete;
  // Stages the database, and the Exim host lists when the trusted hosts or
  // providers changed (or are missing).
  void stage(Transaction& txn);

  // Trusted hosts: {id, host_ip, comment, create_time}.
  nlohmann::json trusted_hosts();
  // Adds (or replaces, with a new id) the range's entry; returns it.
  nlohmann::json add_trusted_host(const IpRange& range, const std::string& comment);
  bool delete_trusted_host(const IpRange& range);
  // Whether one trusted host entry covers the whole range.
  bool range_trusted(const IpRange& range);

  // The providers by tag: {display_name, is_trusted}.
  std::map<std::string, nlohmann::json> providers();
  // Marks the provider's blocks (un)trusted; the number of blocks.
  long long set_provider_trusted(const std::string& tag, bool trusted);
  // The provider's blocks: {host_ip, create_time, is_trusted, provider_id}.
  nlohmann::json provider_entries(const std::string& tag);

  // The triplets, one page of them, and how many match in all.
  nlohmann::json deferred_entries(const DeferredQuery& q, long long& total);
  // cPanel's should_defer: "yes" (defer) or "no", recording the attempt.
  std::string should_defer(const std::string& sender_ip, const std::string& from, const std::string& to,
                           const GreylistConfig& config);
  // Removes expired triplets and unanswered ones past their retry time.
  long long purge_old_records();

 private:
  void sync_shipped_providers(const ProvidersConfig& config);
  bool ip_trusted(const std::string& bin16);
  bool domain_opted_out(const std::string& domain);
  std::string exim_hosts_file(const char* sql);
  std::unique_ptr<SqliteImage> db_;
  bool netblocks_changed_ = false;
  bool netblocks_missing_ = false;
};

}  // namespace whm
