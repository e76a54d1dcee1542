#include "proc_info.hpp"

#include <arpa/inet.h>
#include <sys/statvfs.h>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "util.hpp"

namespace whm {
namespace {

std::vector<std::string_view> words(std::string_view line) {
  std::vector<std::string_view> out;
  size_t i = 0;
  while (i < line.size()) {
    while (i < line.size() && (line[i] == ' ' || line[i] == '\t')) ++i;
    size_t start = i;
    while (i < line.size() && line[i] != ' ' && line[i] != '\t') ++i;
    if (i > start) out.push_back(line.substr(start, i - start));
  }
  return out;
}

std::optional<unsigned long long> hex_number(std::string_view s) {
  if (s.empty() || s.size() > 16) return std::nullopt;
  unsigned long long v = 0;
  for (char c : s) {
    int d = (c >= '0' && c <= '9')   ? c - '0'
            : (c >= 'A' && c <= 'F') ? c - 'A' + 10
            : (c >= 'a' && c <= 'f') ? c - 'a' + 10
                                     : -1;
    if (d < 0) return std::nullopt;
    v = v * 16 + static_cast<unsigned>(d);
  }
  return v;
}

std::optional<unsigned long long> decimal_number(std::string_view s) {
  if (!is_digits(s) || s.size() > 19) return std::nullopt;
  return static_cast<unsigned long long>(*parse_int(s));
}

// The kernel prints an address as the 32-bit words it holds in memory, each
// in the host's byte order: copying each word back gives the address bytes.
std::optional<std::string> address_text(std::string_view hex, bool ipv6) {
  const size_t word_count = ipv6 ? 4 : 1;
  if (hex.size() != word_count * 8) return std::nullopt;
  unsigned char bytes[16];
  for (size_t w = 0; w < word_count; ++w) {
    auto word = hex_number(hex.substr(w * 8, 8));
    if (!word) return std::nullopt;
    const uint32_t host_word = static_cast<uint32_t>(*word);
    std::memcpy(bytes + w * 4, &host_word, 4);
  }
  char buf[INET6_ADDRSTRLEN];
  if (!ipv6) return std::string(inet_ntop(AF_INET, bytes, buf, sizeof buf));
  // cPanel writes IPv6 addresses as eight colon-separated hextets, uncompressed.
  std::string out;
  for (int g = 0; g < 8; ++g) {
    std::snprintf(buf, sizeof buf, "%x", (bytes[g * 2] << 8) | bytes[g * 2 + 1]);
    if (g) out += ':';
    out += buf;
  }
  return out;
}

// "0100007F:0CEA" -> address and port.
bool endpoint(std::string_view text, bool ipv6, std::string& addr, unsigned& port) {
  const size_t colon = text.find(':');
  if (colon == std::string_view::npos) return false;
  auto a = address_text(text.substr(0, colon), ipv6);
  auto p = hex_number(text.substr(colon + 1));
  if (!a || !p || *p > 65535) return false;
  addr = *a;
  port = static_cast<unsigned>(*p);
  return true;
}

std::optional<SocketEntry> socket_line(std::string_view line, bool ipv6) {
  // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
  const auto w = words(line);
  if (w.size() < 10) return std::nullopt;
  SocketEntry e;
  if (!endpoint(w[1], ipv6, e.src, e.sport) || !endpoint(w[2], ipv6, e.dst, e.dport)) return std::nullopt;
  auto state = hex_number(w[3]);
  const size_t colon = w[4].find(':');
  if (!state || colon == std::string_view::npos) return std::nullopt;
  auto tx = hex_number(w[4].substr(0, colon));
  auto rx = hex_number(w[4].substr(colon + 1));
  auto uid = decimal_number(w[7]);
  auto inode = decimal_number(w[9]);
  if (!tx || !rx || !uid || !inode) return std::nullopt;
  e.state = static_cast<unsigned>(*state);
  e.wqueue = *tx;
  e.rqueue = *rx;
  e.uid = *uid;
  e.inode = *inode;
  return e;
}

// "\040" in a mount point is a space (the kernel escapes space, tab, newline, backslash).
std::string unescape_octal(std::string_view s) {
  std::string out;
  for (size_t i = 0; i < s.size(); ++i) {
    auto octal = [&](size_t k, char max) { return s[k] >= '0' && s[k] <= max; };
    if (s[i] == '\\' && s.size() - i >= 4 && octal(i + 1, '3') && octal(i + 2, '7') && octal(i + 3, '7')) {
      out += static_cast<char>((s[i + 1] - '0') * 64 + (s[i + 2] - '0') * 8 + (s[i + 3] - '0'));
      i += 3;
    } else {
      out += s[i];
    }
  }
  return out;
}

unsigned percent_of(unsigned long long used, unsigned long long available) {
  const unsigned long long total = used + available;
  if (total == 0) return 0;
  return static_cast<unsigned>((used * 100 + total - 1) / total);
}

}  // namespace

std::vector<SocketEntry> parse_socket_table(std::string_view text, bool ipv6) {
  std::vector<SocketEntry> out;
  bool header = true;
  for_each_line(text, [&](std::string_view line) {
    if (header) {
      header = false;
      return;
    }
    if (auto e = socket_line(line, ipv6)) out.push_back(std::move(*e));
  });
  return out;
}

std::vector<SocketEntry> read_socket_table(SocketTable table) {
  const char* path = table == SocketTable::Tcp4   ? "/proc/net/tcp"
                     : table == SocketTable::Tcp6 ? "/proc/net/tcp6"
                     : table == SocketTable::Udp4 ? "/proc/net/udp"
                                                  : "/proc/net/udp6";
  auto text = read_file(path);
  if (!text) return {};
  return parse_socket_table(*text, table == SocketTable::Tcp6 || table == SocketTable::Udp6);
}

std::optional<LoadAverage> parse_loadavg(std::string_view text) {
  const std::string line = trim(text);
  const auto w = words(line);
  if (w.size() < 3) return std::nullopt;
  double values[3];
  for (int i = 0; i < 3; ++i) {
    std::string s(w[i]);
    char* end = nullptr;
    values[i] = std::strtod(s.c_str(), &end);
    if (s.empty() || *end != '\0' || !std::isfinite(values[i]) || values[i] < 0) return std::nullopt;
  }
  return LoadAverage{values[0], values[1], values[2]};
}

std::optional<LoadAverage> read_loadavg() {
  auto text = read_file("/proc/loadavg");
  if (!text) return std::nullopt;
  return parse_loadavg(*text);
}

std::vector<Mount> parse_mounts(std::string_view text) {
  std::vector<Mount> out;
  for_each_line(text, [&](std::string_view line) {
    const auto w = words(line);
    if (w.size() < 3) return;
    out.push_back({unescape_octal(w[0]), unescape_octal(w[1]), std::string(w[2])});
  });
  return out;
}

std::vector<Mount> read_mounts() {
  auto text = read_file("/proc/self/mounts");
  return text ? parse_mounts(*text) : std::vector<Mount>{};
}

std::optional<FsUsage> file_system_usage(const std::string& mount_point) {
  struct statvfs st {};
  if (::statvfs(mount_point.c_str(), &st) != 0) return std::nullopt;
  const unsigned long long unit = st.f_frsize ? st.f_frsize : st.f_bsize;
  auto kib = [&](unsigned long long n) { return n * unit / 1024; };
  FsUsage u;
  u.blocks = kib(st.f_blocks);
  u.used = kib(st.f_blocks - st.f_bfree);
  u.available = kib(st.f_bavail);
  u.percent_used = percent_of(u.used, u.available);
  u.inodes = st.f_files;
  u.inodes_used = st.f_files - st.f_ffree;
  u.inodes_available = st.f_favail;
  u.inodes_percent_used = percent_of(u.inodes_used, u.inodes_available);
  return u;
}

}  // namespace whm
