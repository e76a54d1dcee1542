#include "curl_api.hpp"

#include "dry_run.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <atomic>

#include "util.hpp"

namespace whm {
namespace {

std::atomic<bool> beyond_loopback{false};

// libcurl asks before it resolves a name: only loopback names are looked
// up, so not even a DNS query leaves for another host's URL.
int resolve_loopback_only(void*, void*, void* handle) {
  char* url = nullptr;
  cu().curl_easy_getinfo(static_cast<CURL*>(handle), CURLINFO_EFFECTIVE_URL, &url);
  return url && is_loopback_host(host_of_url(url)) ? 0 : 1;
}

// libcurl opens every socket through this: one to an address outside
// loopback is refused, so neither a URL, a redirect nor DNS can lead out.
curl_socket_t open_loopback_socket(void*, curlsocktype, curl_sockaddr* address) {
  bool loopback = false;
  if (address->family == AF_INET) {
    const auto* in = reinterpret_cast<const sockaddr_in*>(&address->addr);
    loopback = (ntohl(in->sin_addr.s_addr) >> 24) == 127;
  } else if (address->family == AF_INET6) {
    const auto* in6 = reinterpret_cast<const sockaddr_in6*>(&address->addr);
    loopback = IN6_IS_ADDR_LOOPBACK(&in6->sin6_addr);
  }
  if (!loopback) return CURL_SOCKET_BAD;
  return ::socket(address->family, address->socktype, address->protocol);
}

}  // namespace

std::string host_of_url(const std::string& url) {
  auto start = url.find("://");
  std::string rest = start == std::string::npos ? url : url.substr(start + 3);
  rest = rest.substr(0, rest.find_first_of("/?#"));
  if (auto at = rest.rfind('@'); at != std::string::npos) rest = rest.substr(at + 1);
  if (!rest.empty() && rest[0] == '[') return rest.substr(1, rest.find(']') - 1);
  return rest.substr(0, rest.find(':'));
}

bool is_loopback_host(const std::string& host) {
  in_addr v4{};
  in6_addr v6{};
  if (::inet_pton(AF_INET, host.c_str(), &v4) == 1) return (ntohl(v4.s_addr) >> 24) == 127;
  if (::inet_pton(AF_INET6, host.c_str(), &v6) == 1) return IN6_IS_ADDR_LOOPBACK(&v6);
  return to_lower(host) == "localhost";
}

void allow_connections_beyond_loopback(bool allowed) { beyond_loopback = allowed; }
bool connections_beyond_loopback_allowed() { return beyond_loopback; }

CURLcode perform_transfer(CURL* handle, const std::string& url) {
  if (skipped_by_dry_run("connect to " + url)) return CURLE_COULDNT_CONNECT;
  return cu().curl_easy_perform(handle);
}

CurlHandle::CurlHandle() {
  if (!h || beyond_loopback) return;
  cu().curl_easy_setopt(h, CURLOPT_NOPROXY, "*");  // a proxy elsewhere would be a way out
  cu().curl_easy_setopt(h, CURLOPT_RESOLVER_START_FUNCTION, &resolve_loopback_only);
  cu().curl_easy_setopt(h, CURLOPT_RESOLVER_START_DATA, h);
  cu().curl_easy_setopt(h, CURLOPT_OPENSOCKETFUNCTION, &open_loopback_socket);
}

const CurlApi& cu() {
  static const CurlApi api = [] {
    CurlApi a;
    LazyLibrary lib("libcurl.so.4", "libcurl");
    WHMKIT_CURL_FUNCTIONS(WHMKIT_LAZY_RESOLVE)
    return a;
  }();
  return api;
}

}  // namespace whm
