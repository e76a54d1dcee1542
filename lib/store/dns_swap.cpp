#include "dns_swap.hpp"

#include "account_store.hpp"
#include "hostname.hpp"
#include "resellers.hpp"
#include "state.hpp"
#include "tweak_settings.hpp"
#include "util.hpp"

namespace whm {
namespace {

bool is_loopback(const std::string& ip) { return starts_with(ip, "127."); }

// "www.example.com." -> "www.example.com"
std::string without_dot(const std::string& name) {
  return !name.empty() && name.back() == '.' ? name.substr(0, name.size() - 1) : name;
}

}  // namespace

std::optional<std::string> detect_zone_source_ip(const Zone& zone) {
  const auto records = zone.records();
  const std::string root = to_lower(zone.origin()) + ".";
  for (const auto& [line, r] : records)
    if (r.type == "A" && to_lower(r.name) == root && r.rdata.size() == 1)
      return is_loopback(r.rdata[0]) ? std::nullopt : std::optional<std::string>(r.rdata[0]);
  for (const auto& [line, r] : records)
    if (r.type == "A" && r.rdata.size() == 1)
      return is_loopback(r.rdata[0]) ? std::nullopt : std::optional<std::string>(r.rdata[0]);
  return std::nullopt;
}

std::vector<SwappedRecord> swap_ip_in_zone(Zone& zone, std::set<std::string> source_ips, const std::string& dest_ip,
                                           const std::string& ftp_ip, const std::set<std::string>& static_names) {
  std::vector<SwappedRecord> out;
  if (source_ips.empty()) {
    auto detected = detect_zone_source_ip(zone);
    if (!detected) return out;
    source_ips.insert(*detected);
  }
  for (auto [line, r] : zone.records()) {
    if (r.type != "A" || r.rdata.size() != 1 || !source_ips.count(r.rdata[0])) continue;
    const std::string name = to_lower(without_dot(r.name));
    if (static_names.count(name)) continue;
    const std::string to = starts_with(name, "ftp.") && !ftp_ip.empty() ? ftp_ip : dest_ip;
    out.push_back({zone.origin(), name, "A", r.rdata[0], to});
    if (to == r.rdata[0]) continue;
    r.rdata[0] = to;
    zone.replace(line, r);
  }
  return out;
}

std::set<std::string> swap_static_names(const StateRoot& root, const Transaction& view) {
  std::set<std::string> names;
  names.insert(to_lower(without_dot(server_hostname(root))));
  for (const auto& ns : load_server_config(root).nameservers) names.insert(to_lower(without_dot(ns)));
  for (const auto& [reseller, list] : read_reseller_nameservers(view))
    for (const auto& ns : list) names.insert(to_lower(without_dot(ns)));
  names.erase("");
  return names;
}

nlohmann::json alias_availability(const Transaction& view) {
  std::string resolver;
  if (read_tweak_setting(view, "local_nameserver_type") == "powerdns")
    for (const auto& line : split(view.read("etc/pdns/pdns.conf").value_or(""), '\n'))
      if (starts_with(trim(line), "resolver=")) resolver = trim(trim(line).substr(9));
  return {{"alias", resolver.empty() ? 0 : 1},
          {"aname", 0},
          {"resolver", resolver.empty() ? nlohmann::json(nullptr) : nlohmann::json(resolver)}};
}

}  // namespace whm
