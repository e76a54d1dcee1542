// Which country each IP address range belongs to, from the GeoIP country
// databases Debian's geoip-database package installs (MaxMind's legacy
// binary format, GeoLite country data), read where the state root has them:
//   usr/share/GeoIP/GeoIP.dat     IPv4 (database type 1)
//   usr/share/GeoIP/GeoIPv6.dat   IPv6 (database type 12)
// On a server (root "/") these are the package's files; a test root holds
// small databases of its own in the same format.
//
// A database is a binary tree: each node is two 3-byte little-endian
// records (bit 0, bit 1 of the address, most significant first); a record
// of 16776960 or more is a leaf, the country's index in libGeoIP's table
// (kGeoIpCountryCodes) plus 16776960. Each leaf is one CIDR block.
//
// GeoIP's "--" (no country: reserved and unassigned space) is cPanel's
// "ZZ"; its blocks leave out loopback and private networks, which cPanel
// never blocks either (127.0.0.0/8, 10.0.0.0/8, 172.16.0.0/12,
// 192.168.0.0/16, and for IPv6 fc00::/7 and fe80::/10). The IPv6 database's
// ::/8 (the IPv4-mapped and -compatible addresses) is left out: the IPv4
// database has those countries.
#pragma once
#include <map>
#include <string>
#include <vector>

#include "state.hpp"

namespace whm {

namespace geoip_paths {
constexpr const char* kIpv4 = "usr/share/GeoIP/GeoIP.dat";
constexpr const char* kIpv6 = "usr/share/GeoIP/GeoIPv6.dat";
}  // namespace geoip_paths

class CountryNetworks {
 public:
  // One CIDR block: the address (IPv4 in the low 32 bits), prefix length, and 32 or 128.
  struct Block {
    unsigned __int128 addr;
    int len, bits;
  };

  // Reads both databases (either may be missing, not both); throws ApiError
  // naming the file when there is none or one cannot be read as a GeoIP
  // country database.
  explicit CountryNetworks(const StateRoot& root);
  // Whether the databases have addresses for the ISO 3166 code ("ZZ" too).
  bool has(const std::string& code) const { return blocks_.count(code) > 0; }
  // Its CIDR blocks ("2.0.0.0/16", "2001:db8::/32"), IPv4 first, in address order.
  std::vector<std::string> cidrs(const std::string& code) const;

 private:
  std::map<std::string, std::vector<Block>> blocks_;
};

}  // namespace whm
