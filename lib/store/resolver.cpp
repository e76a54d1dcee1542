#include "resolver.hpp"

#include <arpa/inet.h>
#include <arpa/nameser.h>
#include <netdb.h>
#include <netinet/in.h>
#include <resolv.h>

#include <cstring>

#include "util.hpp"
#include "validate.hpp"

namespace whm {
namespace {

// The resolver state res_ninit builds, closed on every way out.
struct ResolverState {
  struct __res_state st {};
  bool open = false;
  ResolverState() { open = res_ninit(&st) == 0; }
  ~ResolverState() {
    if (open) res_nclose(&st);
  }
};

// The blank-separated words of a line.
std::vector<std::string> words_of(std::string line) {
  for (char& c : line)
    if (c == '\t' || c == '\r') c = ' ';
  std::vector<std::string> out;
  for (auto& w : split(line, ' '))
    if (!w.empty()) out.push_back(w);
  return out;
}

uint16_t read16(const unsigned char* p) { return static_cast<uint16_t>((p[0] << 8) | p[1]); }

// The records of `type` in the answer section of the DNS message.
std::vector<std::string> answer_records(const unsigned char* msg, int len, int type) {
  std::vector<std::string> out;
  if (len < HFIXEDSZ) return out;
  const unsigned char* end = msg + len;
  const unsigned char* p = msg + HFIXEDSZ;
  char name[NS_MAXDNAME];
  for (int q = read16(msg + 4); q > 0; --q) {  // the question: a name, its type and class
    int n = dn_expand(msg, end, p, name, sizeof name);
    if (n < 0 || p + n + QFIXEDSZ > end) return out;
    p += n + QFIXEDSZ;
  }
  for (int a = read16(msg + 6); a > 0; --a) {
    int n = dn_expand(msg, end, p, name, sizeof name);
    if (n < 0 || p + n + RRFIXEDSZ > end) return out;
    p += n;
    const int rr_type = read16(p);
    const uint16_t rdlen = read16(p + 8);
    p += RRFIXEDSZ;
    if (p + rdlen > end) return out;
    char addr[INET6_ADDRSTRLEN];
    if (rr_type == type && (type == ns_t_ptr || type == ns_t_ns)) {
      if (dn_expand(msg, end, p, name, sizeof name) > 0) out.emplace_back(name);
    } else if (rr_type == type && type == ns_t_txt) {
      std::string text;
      for (const unsigned char* s = p; s < p + rdlen && s + 1 + *s <= p + rdlen; s += 1 + *s)
        text.append(reinterpret_cast<const char*>(s + 1), *s);
      out.push_back(text);
    } else if (rr_type == type && type == ns_t_a && rdlen == 4 && inet_ntop(AF_INET, p, addr, sizeof addr)) {
      out.emplace_back(addr);
    } else if (rr_type == type && type == ns_t_aaaa && rdlen == 16 && inet_ntop(AF_INET6, p, addr, sizeof addr)) {
      out.emplace_back(addr);
    }
    p += rdlen;
  }
  return out;
}

}  // namespace

Resolver::Resolver(const StateRoot& root, ResolverOptions options) : options_(options) {
  if (auto text = root.read("etc/resolv.conf"))
    for (const auto& line : split(*text, '\n')) {
      auto words = words_of(line);
      if (words.size() >= 2 && words[0] == "nameserver" && is_valid_ipv4(words[1]) && nameservers_.size() < MAXNS)
        nameservers_.push_back(words[1]);
    }
  if (nameservers_.empty()) nameservers_.push_back("127.0.0.1");
}

DnsAnswer Resolver::query(const std::string& name, int type) const {
  DnsAnswer answer;
  ResolverState rs;
  if (!rs.open) {
    answer.error = "the resolver could not be set up";
    return answer;
  }
  auto& st = rs.st;
  st.nscount = 0;
  for (const auto& ns : nameservers_) {
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_port = htons(NS_DEFAULTPORT);
    inet_pton(AF_INET, ns.c_str(), &addr.sin_addr);
    st.nsaddr_list[st.nscount++] = addr;
  }
  st.retrans = options_.timeout_secs;
  st.retry = 2;
  st.options &= ~(RES_USE_EDNS0 | RES_USEVC | RES_ROTATE);
  if (options_.edns) st.options |= RES_USE_EDNS0;
  if (!options_.udp) st.options |= RES_USEVC;

  unsigned char buf[65536];
  const int len = res_nquery(&st, name.c_str(), ns_c_in, type, buf, sizeof buf);
  if (len < 0) {
    switch (st.res_h_errno) {
      case HOST_NOT_FOUND: answer.status = DnsAnswer::NoSuchName; break;
      case NO_DATA: answer.status = DnsAnswer::NoData; break;
      case TRY_AGAIN: answer.error = "no nameserver answered, or one answered SERVFAIL"; break;
      default: answer.error = "the nameservers refused the question";
    }
    return answer;
  }
  answer.records = answer_records(buf, len, type);
  answer.status = answer.records.empty() ? DnsAnswer::NoData : DnsAnswer::Ok;
  return answer;
}

DnsAnswer Resolver::ptr(const std::string& ipv4) const { return query(reverse_name(ipv4), ns_t_ptr); }

std::string reverse_name(const std::string& ipv4) {
  auto octets = split(ipv4, '.');
  std::string out;
  for (auto it = octets.rbegin(); it != octets.rend(); ++it) out += *it + ".";
  return out + "in-addr.arpa";
}

}  // namespace whm
