#include "ipv6_ranges.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cstdio>

#include <nlohmann/json.hpp>

#include "account_store.hpp"
#include "damage.hpp"
#include "dns_store.hpp"
#include "errors.hpp"
#include "ip_addresses.hpp"
#include "kvfile.hpp"
#include "process.hpp"
#include "state.hpp"
#include "syck_yaml.hpp"
#include "sysusers.hpp"
#include "util.hpp"

namespace whm {

namespace {

constexpr const char* kRangesFile = "etc/cpanel/ipv6/range_allocation_data";

std::string shared_ipv6(const StateRoot& root) {
  auto kv = parse_key_values(root.read("etc/wwwacct.conf").value_or(""), ' ');
  auto n = parse_ipv6(kv["ADDR6"]);
  return n ? ipv6_full(*n) : "";
}

std::optional<std::string> string_field(const nlohmann::json& j, const char* key) {
  if (!j.contains(key) || !j[key].is_string()) return std::nullopt;
  return j[key].get<std::string>();
}

std::vector<std::string> string_list(const nlohmann::json& j, const char* key) {
  std::vector<std::string> out;
  if (j.contains(key) && j[key].is_array())
    for (const auto& v : j[key])
      if (v.is_string()) out.push_back(v.get<std::string>());
  return out;
}

// Perl's truth: 0, "0" and "" are false.
bool truthy(const nlohmann::json& v) {
  if (v.is_number()) return v.get<double>() != 0;
  if (v.is_string()) return !v.get<std::string>().empty() && v.get<std::string>() != "0";
  return v.is_boolean() && v.get<bool>();
}

nlohmann::json optional_json(const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

// The vhosts (userdata names) of an account: the main domain's and each subdomain's.
std::vector<std::string> account_vhosts(const AccountStore& store, const std::string& user,
                                        const std::string& main_domain) {
  std::vector<std::string> vhosts{main_domain};
  if (auto main = store.userdata(user, "main"); main && main->is_object() && (*main)["sub_domains"].is_array())
    for (const auto& s : (*main)["sub_domains"])
      if (s.is_string()) vhosts.push_back(s.get<std::string>());
  return vhosts;
}

// Writes (or with no address removes) the account's IPv6 address in its
// userdata, lookup rows and zones.
void stage_account_ipv6(const StateRoot& root, Transaction& txn, const std::string& user,
                        const std::optional<std::string>& old_address, const std::optional<std::string>& address,
                        bool dedicated) {
  AccountStore store(root);
  CpUser cpuser = store.require(user);
  SystemUsers sys;
  sys.load(txn);
  const FileOwner owner = owner_of(sys.require_user(user));
  for (const auto& vhost : account_vhosts(store, user, cpuser.main_domain()))
    for (const auto& name : {vhost, vhost + "_SSL"})
      if (auto doc = store.userdata(user, name); doc && doc->is_object()) {
        if (address)
          (*doc)["ipv6"] = {{*address, {{"dedicated", dedicated ? 1 : 0}, {"namevhost", dedicated ? 0 : 1}}}};
        else
          doc->erase("ipv6");
        store.save_userdata(txn, user, name, *doc, owner);
      }
  auto rows = store.domain_rows(user);
  for (auto& row : rows) row.ipv6 = address.value_or("");
  store.save_userdata_cache(txn, user, rows);
  cpuser.set("MTIME", std::to_string(now()));
  store.save(txn, cpuser, rows, owner);

  // AAAA records beside the account's A records, or the old ones removed.
  const std::string ipv4 = cpuser.get("IP");
  for (const auto& zone : cpuser.all_domains()) {
    if (!zone_exists(txn, zone)) continue;
    Zone z = load_zone(txn, zone);
    bool changed = false;
    std::vector<ZoneRecord> additions;
    for (const auto& [line, record] : z.records()) {
      if (record.type == "AAAA" && record.rdata.size() == 1 && old_address) {
        auto n = parse_ipv6(record.rdata[0]);
        if (n && ipv6_full(*n) == *old_address) {
          z.remove(line);
          changed = true;
        }
      }
      if (address && record.type == "A" && record.rdata.size() == 1 && record.rdata[0] == ipv4) {
        const auto records = z.records();
        const std::string name = record.name;
        const bool has_aaaa = std::any_of(records.begin(), records.end(), [&](const auto& other) {
          return other.second.type == "AAAA" && other.second.name == name;
        });
        if (!has_aaaa) additions.push_back({name, record.ttl, "IN", "AAAA", {*address}});
      }
    }
    for (const auto& r : additions) z.add(r);
    if (!changed && additions.empty()) continue;
    stage_zone(txn, z, now());
    txn.on_commit("reload the zone " + zone, [&root, zone] { reload_zone(root, zone); });
  }
}

// The next address of the range nobody has: a reclaimed one first, then
// the one after the most recent, stepping over reserved (disabled) ranges
// and the shared address.
Ipv6Number next_free_address(const Ipv6Ranges& ranges, Ipv6Range& range) {
  auto forbidden = [&](Ipv6Number n) {
    for (const auto& [name, other] : ranges)
      if (name != range.name && (!other.enabled || name == kSharedIpv6Range) && other.contains(n)) return &other;
    return static_cast<const Ipv6Range*>(nullptr);
  };
  for (auto it = range.reclaimed.begin(); it != range.reclaimed.end(); ++it)
    if (auto n = parse_ipv6(*it); n && range.contains(*n) && !forbidden(*n)) {
      range.reclaimed.erase(it);
      return *n;
    }
  std::optional<Ipv6Number> start = range.mostrecent ? parse_ipv6(*range.mostrecent) : std::nullopt;
  Ipv6Number next = start && range.contains(*start) ? *start + 1 : range.first;
  while (next >= range.first && next <= range.last) {
    const Ipv6Range* reserved = forbidden(next);
    if (!reserved) {
      range.mostrecent = ipv6_full(next);
      return next;
    }
    if (reserved->last == ~Ipv6Number(0)) break;
    next = reserved->last + 1;
  }
  throw ApiError(
      "This IPv6 address range does not have any IPv6 addresses available. All IPv6 addresses in this range have "
      "been assigned to users.");
}

// On "/": binds or unbinds a dedicated address on the main interface.
void change_binding(const StateRoot& root, Transaction& txn, const char* action, const std::string& address,
                    int prefix) {
  if (!root.is_system_root()) return;
  const std::string dev = main_interface(root);
  const std::string cidr = address + "/" + std::to_string(prefix);
  txn.on_commit(std::string("ip -6 addr ") + action + " " + cidr + " dev " + dev, [action, dev, cidr] {
    run_program({"ip", "-6", "addr", action, cidr, "dev", dev});
  });
}

}  // namespace

std::optional<Ipv6Number> parse_ipv6(const std::string& text) {
  if (text.empty() || text.size() > 45 || text.find(':') == std::string::npos) return std::nullopt;
  in6_addr a{};
  if (::inet_pton(AF_INET6, text.c_str(), &a) != 1) return std::nullopt;
  Ipv6Number n = 0;
  for (unsigned char byte : a.s6_addr) n = (n << 8) | byte;
  return n;
}

std::string ipv6_full(Ipv6Number n) {
  std::string out;
  for (int group = 7; group >= 0; --group) {
    char buf[5];
    snprintf(buf, sizeof buf, "%04x", static_cast<unsigned>((n >> (group * 16)) & 0xffff));
    out += buf;
    if (group) out += ':';
  }
  return out;
}

std::string ipv6_short(Ipv6Number n) {
  in6_addr a{};
  for (int i = 15; i >= 0; --i, n >>= 8) a.s6_addr[i] = static_cast<unsigned char>(n & 0xff);
  char buf[INET6_ADDRSTRLEN] = {0};
  ::inet_ntop(AF_INET6, &a, buf, sizeof buf);
  return buf;
}

int Ipv6Range::prefix() const {
  const Ipv6Number size = last - first;
  int host_bits = 0;
  while (host_bits < 128 && (size >> host_bits) != 0) ++host_bits;
  return 128 - host_bits;
}

std::string Ipv6Range::cidr() const { return ipv6_short(first) + "/" + std::to_string(prefix()); }

Ipv6Range parse_ipv6_cidr(const std::string& name, const std::string& cidr) {
  const auto slash = cidr.find('/');
  const auto address = parse_ipv6(cidr.substr(0, slash));
  const std::string bits = slash == std::string::npos ? "" : cidr.substr(slash + 1);
  const long long prefix = is_digits(bits) && bits.size() <= 3 ? std::stoll(bits) : 0;
  if (!address || prefix < 1 || prefix > 128)
    throw invalid_param("range",
                        "“" + cidr + "” is not an IPv6 range in CIDR format (for example 2001:db8:66ac:cafe::/64).");
  const Ipv6Number host_mask = prefix == 128 ? 0 : (~Ipv6Number(0) >> prefix);
  if (*address & host_mask)
    throw invalid_param("range",
                        "“" + cidr + "” has address bits set past its prefix length /" + std::to_string(prefix) + ".");
  Ipv6Range r;
  r.name = name;
  r.first = *address;
  r.last = *address | host_mask;
  return r;
}

Ipv6Ranges read_ipv6_ranges(const StateRoot& root, const Transaction& txn) {
  Ipv6Ranges ranges;
  nlohmann::json doc;
  try {
    doc = yaml_to_json(txn.read(kRangesFile).value_or("{}"));
  } catch (const ApiError&) {
    doc = nlohmann::json::object();  // damaged: read as empty, never rewritten (stage_ipv6_ranges)
  }
  if (doc.is_object())
    for (auto it = doc.begin(); it != doc.end(); ++it) {
      const auto& j = it.value();
      if (!j.is_object()) continue;
      auto first = parse_ipv6(string_field(j, "first").value_or(""));
      auto last = parse_ipv6(string_field(j, "last").value_or(""));
      if (!first || !last || *last < *first) continue;
      Ipv6Range r;
      r.name = it.key();
      r.owner = string_field(j, "owner").value_or("root");
      r.first = *first;
      r.last = *last;
      r.enabled = !j.contains("enabled") || truthy(j["enabled"]);
      r.note = string_field(j, "note");
      r.mostrecent = string_field(j, "mostrecent");
      r.users = string_list(j, "range_users");
      r.reclaimed = string_list(j, "reclaimed");
      ranges[r.name] = r;
    }
  const std::string shared = shared_ipv6(root);
  if (!shared.empty()) {
    Ipv6Range& s = ranges[kSharedIpv6Range];
    s.name = kSharedIpv6Range;
    s.first = s.last = *parse_ipv6(shared);  // always the configured address
    s.enabled = true;
  } else if (auto it = ranges.find(kSharedIpv6Range); it != ranges.end() && it->second.users.empty()) {
    ranges.erase(it);
  }
  return ranges;
}

void stage_ipv6_ranges(Transaction& txn, const Ipv6Ranges& ranges) {
  if (auto current = txn.read(kRangesFile)) refuse_if_damaged(kRangesFile, yaml_mapping_problems(*current));
  nlohmann::json doc = nlohmann::json::object();
  for (const auto& [name, r] : ranges) {
    if (name == kSharedIpv6Range && r.users.empty()) continue;  // derived from ADDR6 while unused
    doc[name] = {{"name", r.name},
                 {"owner", r.owner},
                 {"first", ipv6_full(r.first)},
                 {"last", ipv6_full(r.last)},
                 {"CIDR", r.cidr()},
                 {"enabled", r.enabled ? 1 : 0},
                 {"note", optional_json(r.note)},
                 {"mostrecent", optional_json(r.mostrecent)},
                 {"range_users", r.users},
                 {"reclaimed", r.reclaimed}};
  }
  txn.write(kRangesFile, syck_dump(doc), 0600);
}

Ipv6Range& require_ipv6_range(Ipv6Ranges& ranges, const std::string& name) {
  auto it = ranges.find(name);
  if (it == ranges.end()) throw ApiError("Range does not exist: " + name);
  return it->second;
}

std::optional<std::string> overlapping_range(const Ipv6Ranges& ranges, const Ipv6Range& r, const std::string& except) {
  for (const auto& [name, other] : ranges)
    if (name != except && name != kSharedIpv6Range && other.enabled && r.first <= other.last && other.first <= r.last)
      return name;
  return std::nullopt;
}

Ipv6RangeUsage count_range_usage(const Ipv6Ranges& ranges, const std::string& name) {
  const Ipv6Range& range = ranges.at(name);
  Ipv6RangeUsage u;
  u.used = range.users.size();
  // Reserved addresses: the parts of disabled ranges inside this one (they may overlap each other).
  std::vector<std::pair<Ipv6Number, Ipv6Number>> parts;
  for (const auto& [other_name, other] : ranges)
    if (other_name != name && !other.enabled && other.first <= range.last && range.first <= other.last)
      parts.emplace_back(std::max(other.first, range.first), std::min(other.last, range.last));
  std::sort(parts.begin(), parts.end());
  Ipv6Number covered_to = 0;
  bool any = false;
  for (const auto& [from, to] : parts) {
    Ipv6Number start = any && from <= covered_to ? covered_to + 1 : from;
    if (any && to <= covered_to) continue;
    u.forbidden += to - start + 1;
    covered_to = to;
    any = true;
  }
  const Ipv6Number size = range.last - range.first + 1;  // ranges have a prefix of 1 or more: it fits
  const Ipv6Number taken = u.used + u.forbidden;
  u.free = taken < size ? size - taken : 0;
  return u;
}

std::optional<std::string> account_ipv6(const StateRoot& root, const std::string& user) {
  AccountStore store(root);
  auto cpuser = store.load(user);
  if (!cpuser) return std::nullopt;
  auto doc = store.userdata(user, cpuser->main_domain());
  if (doc && doc->is_object() && (*doc)["ipv6"].is_object())
    for (auto it = (*doc)["ipv6"].begin(); it != (*doc)["ipv6"].end(); ++it)
      if (auto n = parse_ipv6(it.key())) return ipv6_full(*n);
  if (auto n = parse_ipv6(cpuser->get("IPV6"))) return ipv6_full(*n);
  return std::nullopt;
}

std::string stage_enable_ipv6(const StateRoot& root, Transaction& txn, Ipv6Ranges& ranges, const std::string& user,
                              const std::string& range_name) {
  AccountStore store(root);
  if (!store.exists(user)) throw ApiError("The “" + user + "” account does not exist.");
  if (auto current = account_ipv6(root, user))
    throw ApiError("The “" + user + "” account already has an IPv6 address: " + *current);
  Ipv6Range& range = require_ipv6_range(ranges, range_name);
  if (!range.enabled) throw ApiError("Range is not enabled: " + range_name);
  const bool shared = range_name == kSharedIpv6Range;
  const std::string address = ipv6_full(shared ? range.first : next_free_address(ranges, range));
  stage_account_ipv6(root, txn, user, std::nullopt, address, !shared);
  if (std::find(range.users.begin(), range.users.end(), user) == range.users.end()) range.users.push_back(user);
  if (!shared) change_binding(root, txn, "add", address, range.prefix());
  return address;
}

void stage_disable_ipv6(const StateRoot& root, Transaction& txn, Ipv6Ranges& ranges, const std::string& user) {
  AccountStore store(root);
  if (!store.exists(user)) throw ApiError("The “" + user + "” account does not exist.");
  const auto address = account_ipv6(root, user);
  for (auto& [name, range] : ranges) {
    auto it = std::find(range.users.begin(), range.users.end(), user);
    if (it == range.users.end()) continue;
    range.users.erase(it);
    if (name == kSharedIpv6Range || !address) continue;
    if (auto n = parse_ipv6(*address); n && range.contains(*n)) {
      range.reclaimed.push_back(*address);
      change_binding(root, txn, "del", *address, range.prefix());
    }
  }
  stage_account_ipv6(root, txn, user, address, std::nullopt, false);
}

}  // namespace whm
