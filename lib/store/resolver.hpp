// DNS questions to the server's recursive resolvers, through the C library's
// resolver (res_nquery), for the functions that look something up in DNS
// (update_reverse_dns_cache, set_up_dns_resolver_workarounds). The
// nameservers are those of the state root's etc/resolv.conf, so on a real
// server (root "/") they are the system's; where it names none, 127.0.0.1,
// as the C library does. Only IPv4 nameservers are used (the C library's
// resolver state holds IPv4 addresses).
#pragma once
#include <string>
#include <vector>

#include "state.hpp"

namespace whm {

// How to ask: the workarounds cPanel tries when a network breaks DNS (the
// names are libunbound's options, set_up_dns_resolver_workarounds).
struct ResolverOptions {
  bool edns = true;      // false: "edns-buffer-size: 512", answers over 512 bytes come over TCP
  bool udp = true;       // false: "do-udp: no", every question over TCP
  int timeout_secs = 2;  // per try, and two tries per nameserver: a call never waits long
};

struct DnsAnswer {
  enum Status { Ok, NoSuchName, NoData, Failed } status = Failed;
  std::vector<std::string>
      records;        // PTR, NS: names without the final dot; TXT: each string joined; A, AAAA: addresses
  std::string error;  // Failed: what went wrong, for messages
};

class Resolver {
 public:
  Resolver(const StateRoot& root, ResolverOptions options = {});
  // `type` is ns_t_ptr, ns_t_ns, ns_t_txt, ns_t_a or ns_t_aaaa (the ones whmkit asks for).
  DnsAnswer query(const std::string& name, int type) const;
  // The PTR names of an IPv4 address.
  DnsAnswer ptr(const std::string& ipv4) const;
  const std::vector<std::string>& nameservers() const { return nameservers_; }

 private:
  std::vector<std::string> nameservers_;
  ResolverOptions options_;
};

// "4.3.2.1.in-addr.arpa" for 1.2.3.4.
std::string reverse_name(const std::string& ipv4);

}  // namespace whm
