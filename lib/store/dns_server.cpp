#include "dns_server.hpp"

#include <nlohmann/json.hpp>

#include "damage.hpp"
#include "errors.hpp"
#include "ip_addresses.hpp"
#include "kvfile.hpp"
#include "output.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {

// ---------------------------------------------------------------- reverse DNS

std::vector<ServerAddress> server_addresses(const StateRoot& root) {
  Transaction view(root);
  auto public_of = read_nat_map(view);
  std::vector<ServerAddress> out;
  for (const auto& ip : server_ips(root))
    if (is_valid_ipv4(ip)) out.push_back({ip, public_of.count(ip) ? public_of[ip] : ip});
  return out;
}

bool is_cacheable_host_name(const std::string& name) {
  if (name.empty() || name.size() > 253) return false;
  for (unsigned char c : name)
    if (!std::isalnum(c) && c != '-' && c != '_' && c != '.') return false;
  return true;
}

std::map<std::string, std::string> stage_reverse_dns_cache(Transaction& txn,
                                                           const std::map<std::string, std::string>& found,
                                                           const std::set<std::string>& local_addresses) {
  nlohmann::json doc = nlohmann::json::object();
  if (auto text = txn.read(kReverseDnsCacheJson)) {
    FileProblems problems;
    doc = parse_json_object(*text, problems);
    if (doc.contains("ip_to_ptr_map") && !doc["ip_to_ptr_map"].is_object())
      problems.push_back("its “ip_to_ptr_map” is not a JSON object");
    refuse_if_damaged(kReverseDnsCacheJson, problems);
  }
  std::map<std::string, std::string> names;
  const nlohmann::json kept = doc.value("ip_to_ptr_map", nlohmann::json::object());
  for (const auto& [ip, name] : kept.items())
    if (local_addresses.count(ip) && name.is_string() && is_cacheable_host_name(name.get<std::string>()))
      names[ip] = name.get<std::string>();
  for (const auto& [ip, name] : found) names[ip] = name;

  doc["ip_to_ptr_map"] = names;
  txn.write(kReverseDnsCacheJson, json_text(doc), 0644);
  std::string lines;
  for (const auto& [ip, name] : names) lines += ip + ": " + name + "\n";
  txn.write(kReverseDnsCache, lines, 0644);
  return names;
}

// ---------------------------------------------------------------- resolver workarounds

const std::vector<ResolverWorkaround>& resolver_workarounds() {
  static const std::vector<ResolverWorkaround> all = {
      {"do-ip6", "no", "has_broken_ipv6"},
      {"edns-buffer-size", "512", "has_udp_mtu_reassembly_problem"},
      {"do-udp", "no", "has_udp_dns_blocked"},
  };
  return all;
}

void stage_resolver_flags(const StateRoot& root, Transaction& txn, const std::map<std::string, std::string>& flags) {
  for (const auto& w : resolver_workarounds()) {
    const std::string rel = std::string(kDnsFlagsDir) + "/" + w.flag_file;
    if (flags.count(w.option))
      txn.write(rel, "", 0644);
    else if (root.exists(rel))
      txn.remove(rel);
  }
}

// ---------------------------------------------------------------- DNS cluster

bool cluster_has_trust_with(const StateRoot& root, const std::string& user, const std::string& host) {
  check_path_component(user, "user");
  check_path_component(host, "host");
  auto text = root.read("var/cpanel/cluster/" + user + "/config/" + host);
  if (!text) return false;
  KeyValues config = parse_key_values(*text);
  return !trim(config["user"]).empty() && !trim(config["pass"]).empty();
}

}  // namespace whm
