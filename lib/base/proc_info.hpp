// What the running kernel reports about the machine: the socket tables
// (/proc/net/tcp, tcp6, udp, udp6), the load average (/proc/loadavg), the
// mounted file systems (/proc/self/mounts) and their usage (statvfs). These
// are facts about the live system, not state: they are read from the real
// /proc whatever the state root is. The parsers take the text, so tests can
// feed them known lines.
#pragma once
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace whm {

// One line of a /proc/net/{tcp,tcp6,udp,udp6} table.
struct SocketEntry {
  std::string src, dst;  // IPv4 dotted quad, or IPv6 as eight unpadded hextets ("2001:db8:0:0:0:0:0:1")
  unsigned sport = 0, dport = 0;
  unsigned state = 0;  // the kernel's number (TCP_LISTEN = 10; UDP: 7 unbound, 1 connected)
  unsigned long long uid = 0, inode = 0;
  unsigned long long rqueue = 0, wqueue = 0;  // bytes waiting to be read, to be sent
};

enum class SocketTable { Tcp4, Tcp6, Udp4, Udp6 };

// Parses a table's text (its header line is skipped; a line that does not
// parse is left out).
std::vector<SocketEntry> parse_socket_table(std::string_view text, bool ipv6);
// Reads the kernel's table; empty when the kernel has none (no IPv6, say).
std::vector<SocketEntry> read_socket_table(SocketTable table);

struct LoadAverage {
  double one = 0, five = 0, fifteen = 0;
};
// The first three numbers of /proc/loadavg's text; nullopt when they do not parse.
std::optional<LoadAverage> parse_loadavg(std::string_view text);
std::optional<LoadAverage> read_loadavg();

struct Mount {
  std::string device, mount_point, fstype;
};
// /proc/self/mounts lines (octal escapes such as "\040" decoded).
std::vector<Mount> parse_mounts(std::string_view text);
std::vector<Mount> read_mounts();

// A file system's usage in 1024-byte blocks, as df -k counts it.
struct FsUsage {
  unsigned long long blocks = 0, used = 0, available = 0;
  unsigned long long inodes = 0, inodes_used = 0, inodes_available = 0;
  unsigned percent_used = 0, inodes_percent_used = 0;  // used / (used + available), rounded up, as df does
};
// statvfs of the mount point; nullopt when it cannot be asked.
std::optional<FsUsage> file_system_usage(const std::string& mount_point);

}  // namespace whm
