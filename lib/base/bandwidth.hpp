// Per-account bandwidth datastore: /var/cpanel/bandwidth/<user>.sqlite.
// cPanel keeps bandwidth in SQLite; its exact schema is not documented in
// shared/docs, so whmkit uses (and documents in README) this one:
//   domains(id INTEGER PRIMARY KEY, name TEXT UNIQUE)
//   bandwidth_daily(domain_id, protocol, unixtime, bytes)  -- one row per day/protocol
#pragma once
#include <map>
#include <string>
#include <vector>

namespace whm {

// Creates an empty datastore at `abs_path` listing the account's domains.
void create_bandwidth_db(const std::string& abs_path, const std::vector<std::string>& domains);
// Bytes per domain for one month (UTC), summed over protocols. Missing file = no usage.
std::map<std::string, long long> bandwidth_for_month(const std::string& abs_path, int year, int month);

// One stored sample: a day's bytes for one domain and protocol.
struct BandwidthSample {
  std::string domain, protocol;
  long long unixtime = 0, bytes = 0;
};
// Every sample with start <= unixtime <= end, by time. Missing file = none.
std::vector<BandwidthSample> bandwidth_samples(const std::string& abs_path, long long start, long long end);

}  // namespace whm
