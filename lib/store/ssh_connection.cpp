#include "ssh_connection.hpp"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netdb.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>
#include <memory>

#include "curl_api.hpp"
#include "errors.hpp"
#include "user_dir.hpp"

namespace whm {
namespace {

using Clock = std::chrono::steady_clock;

// RFC 4253: the identification line is at most 255 characters with CR LF;
// lines before it are allowed. Past this much, it is not an SSH server.
constexpr size_t kMaxLine = 255;
constexpr size_t kMaxBytesBeforeIdentification = 8192;

struct AddrinfoFree {
  void operator()(addrinfo* a) const { freeaddrinfo(a); }
};

bool is_loopback_address(const sockaddr* address) {
  if (address->sa_family == AF_INET)
    return (ntohl(reinterpret_cast<const sockaddr_in*>(address)->sin_addr.s_addr) >> 24) == 127;
  if (address->sa_family == AF_INET6)
    return IN6_IS_ADDR_LOOPBACK(&reinterpret_cast<const sockaddr_in6*>(address)->sin6_addr);
  return false;
}

std::string error_text(int error) {
  char buf[256];
  return ::strerror_r(error, buf, sizeof buf);  // the GNU strerror_r: thread-safe, returns the text
}

int remaining_ms(Clock::time_point deadline) {
  auto left = std::chrono::duration_cast<std::chrono::milliseconds>(deadline - Clock::now()).count();
  return left > 0 ? static_cast<int>(left) : 0;
}

// A connected, non-blocking socket to one of `addresses`; the last error otherwise.
Fd connect_any(const addrinfo* addresses, Clock::time_point deadline, int& error) {
  error = ECONNREFUSED;
  for (const addrinfo* a = addresses; a; a = a->ai_next) {
    if (!connections_beyond_loopback_allowed() && !is_loopback_address(a->ai_addr)) continue;
    Fd fd(::socket(a->ai_family, a->ai_socktype | SOCK_NONBLOCK | SOCK_CLOEXEC, a->ai_protocol));
    if (!fd) {
      error = errno;
      continue;
    }
    if (::connect(fd.get(), a->ai_addr, a->ai_addrlen) == 0) return fd;
    if (errno != EINPROGRESS) {
      error = errno;
      continue;
    }
    pollfd p{fd.get(), POLLOUT, 0};
    int ready = ::poll(&p, 1, remaining_ms(deadline));
    if (ready <= 0) {
      error = ready == 0 ? ETIMEDOUT : errno;
      continue;
    }
    socklen_t len = sizeof error;
    if (::getsockopt(fd.get(), SOL_SOCKET, SO_ERROR, &error, &len) == 0 && error == 0) return fd;
  }
  return Fd();
}

bool printable(const std::string& line) {
  for (unsigned char c : line)
    if (c < 0x20 || c > 0x7e) return false;
  return true;
}

SshIdentification parse_identification(const std::string& line) {
  SshIdentification id;
  id.received = line;
  const std::string rest = line.substr(4);  // after "SSH-"
  const size_t dash = rest.find('-');
  id.protocol_version = rest.substr(0, dash);
  const std::string after = dash == std::string::npos ? "" : rest.substr(dash + 1);
  const size_t blank = after.find(' ');
  id.software = after.substr(0, blank);
  if (blank != std::string::npos) id.comment = after.substr(blank + 1);
  return id;
}

}  // namespace

SshIdentification read_ssh_identification(const std::string& host, int port, int timeout_seconds) {
  const std::string where = host + " port " + std::to_string(port);
  if (!connections_beyond_loopback_allowed() && !is_loopback_host(host))
    throw ApiError("Could not resolve host: " + host);
  const auto deadline = Clock::now() + std::chrono::seconds(timeout_seconds);

  addrinfo hints{};
  hints.ai_socktype = SOCK_STREAM;
  hints.ai_flags = AI_NUMERICSERV;
  addrinfo* found = nullptr;
  if (::getaddrinfo(host.c_str(), std::to_string(port).c_str(), &hints, &found) != 0 || !found)
    throw ApiError("Could not resolve host: " + host);
  std::unique_ptr<addrinfo, AddrinfoFree> addresses(found);

  int error = 0;
  Fd fd = connect_any(addresses.get(), deadline, error);
  if (!fd) throw ApiError("Could not connect to " + where + ": " + error_text(error) + ".");

  std::string line;
  size_t total = 0;
  for (;;) {
    pollfd p{fd.get(), POLLIN, 0};
    int ready = ::poll(&p, 1, remaining_ms(deadline));
    if (ready == 0) throw ApiError("The server at " + where + " sent no SSH identification in time.");
    if (ready < 0) throw ApiError("Reading from " + where + " failed: " + error_text(errno) + ".");
    char buf[512];
    ssize_t n = ::recv(fd.get(), buf, sizeof buf, 0);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) throw ApiError("The server at " + where + " closed the connection without an SSH identification.");
    for (ssize_t i = 0; i < n; ++i) {
      if (buf[i] != '\n') {
        line += buf[i];
        if (line.size() > kMaxLine) break;
        continue;
      }
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.compare(0, 4, "SSH-") == 0 && printable(line)) return parse_identification(line);
      line.clear();
    }
    total += static_cast<size_t>(n);
    if (line.size() > kMaxLine || total > kMaxBytesBeforeIdentification)
      throw ApiError("The server at " + where + " did not send an SSH identification.");
  }
}

}  // namespace whm
