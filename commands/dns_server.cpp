// DNS: the server's own resolving — the reverse DNS names of its addresses
// (update_reverse_dns_cache), the workarounds its resolver needs on a
// network that breaks DNS (set_up_dns_resolver_workarounds) — and DNS
// cluster trust (cluster_member_has_trust_with). Files: lib/store/dns_server.hpp.
#include <arpa/nameser.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <map>
#include <optional>
#include <set>

#include "dns_server.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "notices.hpp"
#include "registry.hpp"
#include "resolver.hpp"
#include "user_dir.hpp"

namespace whm {
namespace {

// ---------------------------------------------------------------- reverse DNS cache

// The lookups run without the state lock (they may wait on the network);
// the cache is then merged and written under it.
Response update_reverse_dns_cache(Context& ctx, const Request&) {
  std::vector<ServerAddress> addresses;
  std::optional<Resolver> resolver;
  {
    StateReader reader(ctx.root);
    addresses = server_addresses(ctx.root);
    resolver.emplace(ctx.root);
  }
  std::map<std::string, std::string> found;
  std::set<std::string> local_addresses;
  for (const auto& a : addresses) {
    local_addresses.insert(a.local);
    const DnsAnswer answer = resolver->ptr(a.public_ip);
    if (answer.status == DnsAnswer::Failed)
      add_notice("The system could not look up the PTR record of “" + a.public_ip + "”: " + answer.error + ".");
    if (answer.status != DnsAnswer::Ok) continue;
    const std::string& name = answer.records.front();
    if (is_cacheable_host_name(name))
      found[a.local] = name;
    else
      add_notice("The PTR record of “" + a.public_ip + "” is not a host name; the cache keeps its earlier name.");
  }
  StateWriter writer(ctx.root);
  stage_reverse_dns_cache(writer.txn(), found, local_addresses);
  writer.commit();
  return {};
}

// ---------------------------------------------------------------- resolver workarounds

// The TXT record cPanel publishes to test resolving: its answer is over 512
// bytes, so it also shows whether large answers get through.
constexpr const char* kProbeName = "_dns_over_512.cpanel.net";

// Whether an IPv6 UDP packet can leave: as cPanel tests it, a packet to
// [::1]:53; only the errors that prove IPv6 unusable count against it.
bool can_send_ipv6_udp() {
  const int fd = ::socket(AF_INET6, SOCK_DGRAM | SOCK_CLOEXEC, IPPROTO_UDP);
  if (fd < 0) return errno != EAFNOSUPPORT;
  const Fd closer(fd);
  sockaddr_in6 addr{};
  addr.sin6_family = AF_INET6;
  addr.sin6_port = htons(NS_DEFAULTPORT);
  addr.sin6_addr = in6addr_loopback;
  if (::sendto(fd, "", 0, 0, reinterpret_cast<const sockaddr*>(&addr), sizeof addr) == 0) return true;
  return errno != ENETUNREACH && errno != EHOSTUNREACH && errno != EPERM;
}

bool resolves_with(const StateRoot& root, const std::map<std::string, std::string>& flags) {
  ResolverOptions options;
  options.edns = !flags.count("edns-buffer-size");
  options.udp = !flags.count("do-udp");
  return Resolver(root, options).query(kProbeName, ns_t_txt).status == DnsAnswer::Ok;
}

// cPanel's search: no workaround first, then each in turn (do-ip6 aside,
// which depends only on the IPv6 test); nullopt if nothing works.
std::optional<std::map<std::string, std::string>> find_workarounds(const StateRoot& root) {
  std::map<std::string, std::string> flags;
  if (!can_send_ipv6_udp()) flags["do-ip6"] = "no";
  if (resolves_with(root, flags)) return flags;
  for (const auto& w : resolver_workarounds()) {
    if (flags.count(w.option)) continue;
    auto tried = flags;
    tried[w.option] = w.value;
    if (resolves_with(root, tried)) return tried;
  }
  return std::nullopt;
}

// On failure the flags are cleared, as cPanel does, so that no workaround
// hides the problem; the call fails with cPanel's wording.
Response set_up_dns_resolver_workarounds(Context& ctx, const Request&) {
  std::optional<std::map<std::string, std::string>> flags;
  {
    StateReader reader(ctx.root);
    flags = find_workarounds(ctx.root);
  }
  StateWriter writer(ctx.root);
  stage_resolver_flags(ctx.root, writer.txn(), flags.value_or(std::map<std::string, std::string>{}));
  writer.commit();
  if (!flags)
    throw ApiError(
        "The system failed to find a functional recursive DNS resolver configuration. Ensure that your firewall "
        "allows bidirectional UDP and TCP with remote port 53.");
  Response r;
  r.data = {{"flags", nlohmann::json::object()}};
  for (const auto& [option, value] : *flags) r.data["flags"][option] = value;
  return r;
}

// ---------------------------------------------------------------- DNS cluster

// Asked by a cluster member (the caller's WHM user) at `host`, or at
// `althost` behind NAT: whether this server's cluster sends to it.
Response cluster_member_has_trust_with(Context& ctx, const Request& req) {
  bool trust = cluster_has_trust_with(ctx.root, ctx.caller, req.require("host"));
  if (auto alt = req.get("althost"); !trust && alt && !alt->empty())
    trust = cluster_has_trust_with(ctx.root, ctx.caller, *alt);
  Response r;
  r.data = {{"has_trust", trust ? 1 : 0}};
  return r;
}

ParamSpec optional_ipv4(const char* name) {
  ParamSpec p = optional_param(name, ParamType::IPv4);
  p.default_value = "";
  return p;
}

WHMKIT_REGISTRATIONS(
    registrations, Registration({"update_reverse_dns_cache", update_reverse_dns_cache, Access::Delegated, root_only()}),
    Registration({"set_up_dns_resolver_workarounds", set_up_dns_resolver_workarounds, Access::Delegated, root_only()}),
    Registration({"cluster_member_has_trust_with",
                  cluster_member_has_trust_with,
                  Access::Read,
                  needs("clustering"),
                  {make_param("host", ParamType::IPv4, true), optional_ipv4("althost")}}), );

}  // namespace
}  // namespace whm
