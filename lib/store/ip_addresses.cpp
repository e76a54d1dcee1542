#include "ip_addresses.hpp"

#include <arpa/inet.h>
#include <ifaddrs.h>
#include <net/if.h>
#include <netinet/in.h>

#include <algorithm>
#include <cstdlib>

#include "account_store.hpp"
#include "curl_api.hpp"
#include "dns_store.hpp"
#include "dns_swap.hpp"
#include "errors.hpp"
#include "kvfile.hpp"
#include "state.hpp"
#include "sysusers.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {

namespace {

constexpr const char* kExtraIps = "etc/ips";
constexpr const char* kMainIp = "var/cpanel/mainip";
constexpr const char* kResellerMainIps = "var/cpanel/mainips";
constexpr const char* kPool = "etc/ipaddrpool";
constexpr const char* kDomainIps = "etc/domainips";
constexpr const char* kNat = "var/cpanel/cpnat";
constexpr const char* kDefaultMyIpUrl = "https://myip.cpanel.net/v1.0/";

std::string first_line(const std::optional<std::string>& text) {
  if (!text) return "";
  return trim(text->substr(0, text->find('\n')));
}

void add_unique(std::vector<std::string>& list, const std::string& ip) {
  if (!ip.empty() && std::find(list.begin(), list.end(), ip) == list.end()) list.push_back(ip);
}

}  // namespace

std::optional<uint32_t> parse_ipv4(const std::string& text) {
  if (!is_valid_ipv4(text)) return std::nullopt;
  in_addr a{};
  if (::inet_pton(AF_INET, text.c_str(), &a) != 1) return std::nullopt;
  return ntohl(a.s_addr);
}

std::string ipv4_text(uint32_t ip) {
  in_addr a{};
  a.s_addr = htonl(ip);
  char buf[INET_ADDRSTRLEN] = {0};
  ::inet_ntop(AF_INET, &a, buf, sizeof buf);
  return buf;
}

std::optional<int> netmask_prefix(const std::string& netmask) {
  auto m = parse_ipv4(netmask);
  if (!m) return std::nullopt;
  int prefix = 0;
  while (prefix < 32 && (*m & (0x80000000u >> prefix))) ++prefix;
  const uint32_t expected = prefix == 0 ? 0 : ~0u << (32 - prefix);
  if (*m != expected) return std::nullopt;
  return prefix;
}

std::vector<ExtraIp> read_extra_ips(const Transaction& txn) {
  std::vector<ExtraIp> out;
  for_each_line(txn.read(kExtraIps).value_or(""), [&](std::string_view line) {
    auto fields = split(std::string(line), ':');
    if (fields.empty() || !is_valid_ipv4(trim(fields[0]))) return;  // blank, comment or damaged line
    fields.resize(3);
    out.push_back({trim(fields[0]), trim(fields[1]), trim(fields[2])});
  });
  return out;
}

void stage_extra_ips(Transaction& txn, const std::vector<ExtraIp>& ips) {
  std::string text;
  for (const auto& e : ips) text += e.ip + ":" + e.netmask + ":" + e.broadcast + "\n";
  txn.write(kExtraIps, text, 0644);
}

std::string main_ip(const StateRoot& root) {
  std::string ip = first_line(root.read(kMainIp));
  return is_valid_ipv4(ip) ? ip : load_server_config(root).shared_ip;
}

std::vector<std::string> server_ips(const StateRoot& root) {
  std::vector<std::string> ips;
  add_unique(ips, main_ip(root));
  add_unique(ips, load_server_config(root).shared_ip);
  Transaction view(root);
  for (const auto& e : read_extra_ips(view)) add_unique(ips, e.ip);
  return ips;
}

void require_server_ip(const StateRoot& root, const std::string& ip) {
  auto ips = server_ips(root);
  if (std::find(ips.begin(), ips.end(), ip) == ips.end())
    throw ApiError("The IP address “" + ip + "” is not one of this server's IP addresses.");
}

std::string shared_ip_of(const StateRoot& root, const std::string& whm_user) {
  if (whm_user != "root") {
    check_path_component(whm_user, "username");
    std::string ip = first_line(root.read(std::string(kResellerMainIps) + "/" + whm_user));
    if (is_valid_ipv4(ip)) return ip;
  }
  return load_server_config(root).shared_ip;
}

bool IpUsage::is_shared(const std::string& ip) const {
  return ip == main_ip || ip == shared_ip || reseller_main_ips.count(ip);
}

std::optional<std::string> IpUsage::dedicated_to(const std::string& ip) const {
  auto it = accounts.find(ip);
  if (is_shared(ip) || it == accounts.end() || it->second.size() != 1) return std::nullopt;
  return it->second.front();
}

bool IpUsage::used(const std::string& ip) const { return is_shared(ip) || accounts.count(ip); }

IpUsage ip_usage(const StateRoot& root, const Transaction& txn, const std::vector<CpUser>& staged) {
  IpUsage u;
  u.main_ip = main_ip(root);
  u.shared_ip = load_server_config(root).shared_ip;
  for (const auto& reseller : root.list_dir(kResellerMainIps)) {
    if (reseller[0] == '.') continue;
    std::string ip = first_line(txn.read(std::string(kResellerMainIps) + "/" + reseller));
    if (is_valid_ipv4(ip)) u.reseller_main_ips.insert(ip);
  }
  auto add = [&](const CpUser& c) {
    u.accounts[c.get("IP")].push_back(c.user());
    u.main_domains[c.user()] = c.main_domain();
  };
  std::set<std::string> staged_users;
  for (const auto& c : staged) {
    staged_users.insert(c.user());
    add(c);
  }
  for (const auto& user : AccountStore(root).usernames()) {
    if (staged_users.count(user)) continue;
    auto text = txn.read(paths::cpuser(user));
    if (!text) continue;  // removed in this transaction
    CpUser c = parse_cpuser(*text);
    if (c.user().empty()) c.set("USER", user);
    add(c);
  }
  for (auto& [ip, users] : u.accounts) std::sort(users.begin(), users.end());
  return u;
}

std::vector<std::string> free_dedicated_ips(const StateRoot& root, const Transaction& txn,
                                            const std::vector<CpUser>& staged) {
  IpUsage usage = ip_usage(root, txn, staged);
  std::vector<std::string> out;
  for (const auto& e : read_extra_ips(txn))
    if (!usage.used(e.ip)) add_unique(out, e.ip);
  return out;
}

namespace {
// Writes a derived file when its text changes; one that would say nothing is not created.
void stage_if_changed(Transaction& txn, const char* rel, const std::string& text, const std::string& empty) {
  auto current = txn.read(rel);
  if (current ? *current != text : text != empty) txn.write(rel, text, 0644);
}
}  // namespace

void stage_derived_ip_files(const StateRoot& root, Transaction& txn, const std::vector<CpUser>& staged) {
  std::string pool;
  for (const auto& ip : free_dedicated_ips(root, txn, staged)) pool += ip + "\n";
  stage_if_changed(txn, kPool, pool, "");
  IpUsage usage = ip_usage(root, txn, staged);
  const std::string header = "#domainips v1\n";
  std::string domainips = header;
  for (const auto& [ip, users] : usage.accounts)
    if (auto user = usage.dedicated_to(ip); user && is_valid_ipv4(ip))
      domainips += ip + ": " + usage.main_domains[*user] + "\n";
  stage_if_changed(txn, kDomainIps, domainips, header);
}

std::string stage_account_ip(const StateRoot& root, Transaction& txn, const std::string& user, const std::string& ip) {
  AccountStore store(root);
  CpUser cpuser = store.require(user);
  const std::string old_ip = cpuser.get("IP");
  SystemUsers sys;
  sys.load(txn);
  const FileOwner owner = owner_of(sys.require_user(user));

  // Every vhost: the main domain's and each subdomain's (addon domains are
  // served by their subdomain's vhost), with an SSL twin if there is one.
  auto main = store.userdata(user, "main");
  if (!main || !main->is_object()) throw ApiError("The userdata of “" + user + "” is missing.");
  std::vector<std::string> vhosts{cpuser.main_domain()};
  if ((*main)["sub_domains"].is_array())
    for (const auto& s : (*main)["sub_domains"])
      if (s.is_string()) vhosts.push_back(s.get<std::string>());
  for (const auto& vhost : vhosts)
    for (const auto& name : {vhost, vhost + "_SSL"})
      if (auto doc = store.userdata(user, name); doc && doc->is_object()) {
        (*doc)["ip"] = ip;
        store.save_userdata(txn, user, name, *doc, owner);
      }
  auto rows = store.domain_rows(user);
  for (auto& row : rows) row.ip = ip;
  store.save_userdata_cache(txn, user, rows);
  cpuser.set("IP", ip);
  cpuser.set("MTIME", std::to_string(now()));
  store.save(txn, cpuser, rows, owner);

  // The account's zones: its main, parked and addon domains'.
  for (const auto& zone : cpuser.all_domains()) {
    if (!zone_exists(txn, zone)) continue;
    Zone z = load_zone(txn, zone);
    if (swap_ip_in_zone(z, {old_ip}, ip, ip, {}).empty()) continue;
    stage_zone(txn, z, now());
    txn.on_commit("reload the zone " + zone, [&root, zone] { reload_zone(root, zone); });
  }
  return old_ip;
}

std::map<std::string, std::string> read_nat_map(const Transaction& txn) {
  std::map<std::string, std::string> map;
  for_each_line(txn.read(kNat).value_or(""), [&](std::string_view line) {
    std::string text(line);
    std::replace(text.begin(), text.end(), '\t', ' ');
    std::vector<std::string> words;
    for (const auto& w : split(text, ' '))
      if (!w.empty()) words.push_back(w);
    if (words.size() >= 2 && is_valid_ipv4(words.front()) && is_valid_ipv4(words.back()))
      map[words.front()] = words.back();
  });
  return map;
}

void stage_nat_map(Transaction& txn, const std::map<std::string, std::string>& map) {
  std::string text;
  for (const auto& [local, pub] : map) text += local + " " + pub + "\n";
  txn.write(kNat, text, 0644);
}

std::map<std::string, std::string> live_addresses(int family) {
  std::map<std::string, std::string> out;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return out;
  for (ifaddrs* a = list; a; a = a->ifa_next) {
    if (!a->ifa_addr || a->ifa_addr->sa_family != family || !(a->ifa_flags & IFF_UP)) continue;
    char buf[INET6_ADDRSTRLEN] = {0};
    const void* addr = family == AF_INET
                           ? static_cast<const void*>(&reinterpret_cast<sockaddr_in*>(a->ifa_addr)->sin_addr)
                           : static_cast<const void*>(&reinterpret_cast<sockaddr_in6*>(a->ifa_addr)->sin6_addr);
    if (::inet_ntop(family, addr, buf, sizeof buf)) out.emplace(buf, a->ifa_name);
  }
  ::freeifaddrs(list);
  return out;
}

std::string main_interface(const StateRoot& root) {
  auto kv = parse_key_values(root.read("etc/wwwacct.conf").value_or(""), ' ');
  const std::string dev = kv["ETHDEV"];
  if (!dev.empty() && dev.size() < IFNAMSIZ && dev.find_first_of(" /:\t\n") == std::string::npos) return dev;
  if (root.is_system_root()) {
    auto live = live_addresses(AF_INET);
    if (auto it = live.find(main_ip(root)); it != live.end()) return it->second.substr(0, it->second.find(':'));
  }
  return "eth0";
}

namespace {
size_t collect_body(char* data, size_t size, size_t n, void* out) {
  auto* body = static_cast<std::string*>(out);
  if (body->size() < 4096) body->append(data, std::min(size * n, 4096 - body->size()));
  return size * n;
}
}  // namespace

std::string ask_public_ip(const StateRoot& root, const std::string& local_ip) {
  const char* configured = std::getenv("WHMKIT_MYIP_URL");
  const std::string url = configured && *configured ? configured : kDefaultMyIpUrl;
  CurlHandle c;
  if (!c.h) throw ApiError("libcurl could not start.");
  std::string body;
  cu().curl_easy_setopt(c.h, CURLOPT_URL, url.c_str());
  cu().curl_easy_setopt(c.h, CURLOPT_ERRORBUFFER, c.error);
  cu().curl_easy_setopt(c.h, CURLOPT_NOSIGNAL, 1L);
  cu().curl_easy_setopt(c.h, CURLOPT_CONNECTTIMEOUT, 10L);
  cu().curl_easy_setopt(c.h, CURLOPT_TIMEOUT, 30L);
  cu().curl_easy_setopt(c.h, CURLOPT_PROTOCOLS_STR, "http,https");
  cu().curl_easy_setopt(c.h, CURLOPT_WRITEFUNCTION, &collect_body);
  cu().curl_easy_setopt(c.h, CURLOPT_WRITEDATA, &body);
  // Only a real server's addresses are this machine's to leave from.
  const std::string source = "host!" + local_ip;
  if (root.is_system_root()) cu().curl_easy_setopt(c.h, CURLOPT_INTERFACE, source.c_str());
  CURLcode rc = perform_transfer(c.h, url);
  if (rc != CURLE_OK)
    throw ApiError("The system could not ask " + url + " for the public IP address of “" + local_ip +
                   "”: " + (c.error[0] ? c.error : cu().curl_easy_strerror(rc)));
  long status = 0;
  cu().curl_easy_getinfo(c.h, CURLINFO_RESPONSE_CODE, &status);
  const std::string answer = trim(body);
  if (status != 200 || !is_valid_ipv4(answer))
    throw ApiError("The service at " + url + " did not answer with an IPv4 address (HTTP " + std::to_string(status) +
                   ").");
  return answer;
}

}  // namespace whm
