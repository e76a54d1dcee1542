#include "geoip_country.hpp"

#include <arpa/inet.h>

#include <cstdint>

#include "damage.hpp"
#include "errors.hpp"

namespace whm {

namespace {

constexpr uint32_t kCountryBegin = 16776960;  // the first leaf value
constexpr size_t kNodeSize = 6;               // two 3-byte records
constexpr int kCountryEdition = 1, kCountryEditionV6 = 12;

// libGeoIP's country table (GeoIP_country_code): a leaf's index into it.
const char* const kGeoIpCountryCodes[256] = {
    "--", "AP", "EU", "AD", "AE", "AF", "AG", "AI", "AL", "AM", "CW", "AO", "AQ", "AR", "AS", "AT", "AU", "AW", "AZ",
    "BA", "BB", "BD", "BE", "BF", "BG", "BH", "BI", "BJ", "BM", "BN", "BO", "BR", "BS", "BT", "BV", "BW", "BY", "BZ",
    "CA", "CC", "CD", "CF", "CG", "CH", "CI", "CK", "CL", "CM", "CN", "CO", "CR", "CU", "CV", "CX", "CY", "CZ", "DE",
    "DJ", "DK", "DM", "DO", "DZ", "EC", "EE", "EG", "EH", "ER", "ES", "ET", "FI", "FJ", "FK", "FM", "FO", "FR", "SX",
    "GA", "GB", "GD", "GE", "GF", "GH", "GI", "GL", "GM", "GN", "GP", "GQ", "GR", "GS", "GT", "GU", "GW", "GY", "HK",
    "HM", "HN", "HR", "HT", "HU", "ID", "IE", "IL", "IN", "IO", "IQ", "IR", "IS", "IT", "JM", "JO", "JP", "KE", "KG",
    "KH", "KI", "KM", "KN", "KP", "KR", "KW", "KY", "KZ", "LA", "LB", "LC", "LI", "LK", "LR", "LS", "LT", "LU", "LV",
    "LY", "MA", "MC", "MD", "MG", "MH", "MK", "ML", "MM", "MN", "MO", "MP", "MQ", "MR", "MS", "MT", "MU", "MV", "MW",
    "MX", "MY", "MZ", "NA", "NC", "NE", "NF", "NG", "NI", "NL", "NO", "NP", "NR", "NU", "NZ", "OM", "PA", "PE", "PF",
    "PG", "PH", "PK", "PL", "PM", "PN", "PR", "PS", "PT", "PW", "PY", "QA", "RE", "RO", "RU", "RW", "SA", "SB", "SC",
    "SD", "SE", "SG", "SH", "SI", "SJ", "SK", "SL", "SM", "SN", "SO", "SR", "ST", "SV", "SY", "SZ", "TC", "TD", "TF",
    "TG", "TH", "TJ", "TK", "TM", "TN", "TO", "TL", "TR", "TT", "TV", "TW", "TZ", "UA", "UG", "UM", "US", "UY", "UZ",
    "VA", "VC", "VE", "VG", "VI", "VN", "VU", "WF", "WS", "YE", "YT", "RS", "ZA", "ZM", "ME", "ZW", "A1", "A2", "O1",
    "AX", "GG", "IM", "JE", "BL", "MF", "BQ", "SS", "O1"};

using U128 = unsigned __int128;

U128 mask(int len, int bits) {
  if (len == 0) return 0;
  const U128 all = bits == 128 ? ~U128(0) : (U128(1) << bits) - 1;
  return (all << (bits - len)) & all;
}

bool within(const CountryNetworks::Block& inner, const CountryNetworks::Block& outer) {
  return outer.bits == inner.bits && outer.len <= inner.len &&
         ((inner.addr ^ outer.addr) & mask(outer.len, outer.bits)) == 0;
}

CountryNetworks::Block v4(uint32_t a, int len) { return {a, len, 32}; }
CountryNetworks::Block v6(uint16_t first_group, int len) { return {U128(first_group) << 112, len, 128}; }

// Never blocked, as cPanel never blocks them: loopback and private networks.
const std::vector<CountryNetworks::Block>& local_networks() {
  static const std::vector<CountryNetworks::Block> nets = {v4(0x7F000000, 8),  v4(0x0A000000, 8), v4(0xAC100000, 12),
                                                           v4(0xC0A80000, 16), v6(0xFC00, 7),     v6(0xFE80, 10)};
  return nets;
}

// The database type the structure info at the end of the file names (three
// 0xFF bytes, then the type), as libGeoIP finds it; country edition without.
int database_type(const std::string& data) {
  for (size_t back = 4; back < 4 + 20 && back <= data.size(); ++back) {
    const size_t pos = data.size() - back;
    if (static_cast<unsigned char>(data[pos]) == 0xFF && static_cast<unsigned char>(data[pos + 1]) == 0xFF &&
        static_cast<unsigned char>(data[pos + 2]) == 0xFF) {
      const int type = static_cast<unsigned char>(data[pos + 3]);
      return type >= 106 ? type - 105 : type;  // libGeoIP's older numbering
    }
  }
  return kCountryEdition;
}

// Walks the tree of one database, adding each leaf to `out` by country index.
class TreeWalk {
 public:
  TreeWalk(const std::string& data, int bits, const std::string& rel) : data_(data), bits_(bits), rel_(rel) {}
  void run(std::map<int, std::vector<CountryNetworks::Block>>& out) { walk(0, 0, 0, out); }

 private:
  void walk(uint32_t node, U128 addr, int depth, std::map<int, std::vector<CountryNetworks::Block>>& out) {
    // A tree visits each node once: more visits mean a damaged file whose
    // records point back (and could make the walk endless).
    if (depth >= bits_ || (node + size_t(1)) * kNodeSize > data_.size() || ++visits_ > data_.size() / kNodeSize)
      throw ApiError("The GeoIP database “" + server_path(rel_) + "” is damaged: its tree is not one.");
    for (int bit = 0; bit < 2; ++bit) {
      const auto* p = reinterpret_cast<const unsigned char*>(data_.data()) + node * kNodeSize + bit * 3;
      const uint32_t record = p[0] | (p[1] << 8) | (p[2] << 16);
      const U128 child = addr | (U128(bit) << (bits_ - 1 - depth));
      if (record >= kCountryBegin)
        out[static_cast<int>(record - kCountryBegin)].push_back({child, depth + 1, bits_});
      else
        walk(record, child, depth + 1, out);
    }
  }

  const std::string& data_;
  const int bits_;
  const std::string& rel_;
  size_t visits_ = 0;
};

// Adds `b` to `out`, less the parts inside `excluded` (split into halves
// until none overlaps).
void add_block(const CountryNetworks::Block& b, const std::vector<CountryNetworks::Block>& excluded,
               std::vector<CountryNetworks::Block>& out) {
  for (const auto& e : excluded) {
    if (within(b, e)) return;
    if (within(e, b)) {
      const U128 half = U128(1) << (b.bits - b.len - 1);
      add_block({b.addr, b.len + 1, b.bits}, excluded, out);
      add_block({b.addr | half, b.len + 1, b.bits}, excluded, out);
      return;
    }
  }
  out.push_back(b);
}

std::string format_block(const CountryNetworks::Block& b) {
  char text[INET6_ADDRSTRLEN] = "";
  if (b.bits == 32) {
    in_addr a{};
    a.s_addr = htonl(static_cast<uint32_t>(b.addr));
    ::inet_ntop(AF_INET, &a, text, sizeof text);
  } else {
    in6_addr a{};
    for (int i = 0; i < 16; ++i) a.s6_addr[i] = static_cast<uint8_t>(b.addr >> (8 * (15 - i)));
    ::inet_ntop(AF_INET6, &a, text, sizeof text);
  }
  return std::string(text) + "/" + std::to_string(b.len);
}

}  // namespace

CountryNetworks::CountryNetworks(const StateRoot& root) {
  bool any = false;
  for (const auto& [rel, bits] : {std::pair{geoip_paths::kIpv4, 32}, std::pair{geoip_paths::kIpv6, 128}}) {
    const auto data = root.read(rel);
    if (!data) continue;
    any = true;
    const int want = bits == 32 ? kCountryEdition : kCountryEditionV6;
    if (database_type(*data) != want)
      throw ApiError("The file “" + server_path(rel) + "” is not a GeoIP " + (bits == 32 ? "IPv4" : "IPv6") +
                     " country database.");
    std::map<int, std::vector<Block>> leaves;
    TreeWalk(*data, bits, rel).run(leaves);
    // The IPv4 addresses inside IPv6 (::/8) come from the IPv4 database.
    std::vector<Block> skipped;
    if (bits == 128) skipped.push_back({0, 8, 128});
    for (const auto& [index, blocks] : leaves) {
      if (index < 0 || index > 255) continue;
      const std::string code = index == 0 ? "ZZ" : kGeoIpCountryCodes[index];
      std::vector<Block> excluded = skipped;
      if (code == "ZZ") excluded.insert(excluded.end(), local_networks().begin(), local_networks().end());
      auto& out = blocks_[code];
      for (const auto& b : blocks) add_block(b, excluded, out);
      if (out.empty()) blocks_.erase(code);
    }
  }
  if (!any)
    throw ApiError("This server has no GeoIP country database (" + server_path(geoip_paths::kIpv4) +
                   ", Debian's geoip-database package).");
}

std::vector<std::string> CountryNetworks::cidrs(const std::string& code) const {
  std::vector<std::string> out;
  auto it = blocks_.find(code);
  if (it == blocks_.end()) return out;
  out.reserve(it->second.size());
  for (const auto& b : it->second) out.push_back(format_block(b));
  return out;
}

}  // namespace whm
