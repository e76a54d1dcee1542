// Whether an SSH server answers: a TCP connection and the identification
// line every SSH server sends first (RFC 4253 section 4.2:
// "SSH-protoversion-softwareversion SP comments CR LF"), nothing more: no
// key exchange, no login.
//
// The network rule of curl_api.hpp holds here too, checked by this code
// since it does not go through libcurl: unless the program lifted it (state
// root "/"), only loopback names and addresses are reached; another host
// fails as libcurl's requests do, with "Could not resolve host".
#pragma once
#include <optional>
#include <string>

namespace whm {

struct SshIdentification {
  std::string received;                // the line, without CR LF: "SSH-2.0-OpenSSH_9.2p1 Debian-2"
  std::string protocol_version;        // "2.0" ("1.99": both 1 and 2)
  std::string software;                // "OpenSSH_9.2p1"
  std::optional<std::string> comment;  // "Debian-2"; none when the line has no blank
};

// Connects to `host` (a name or an address) on `port` and reads the
// server's identification line, within `timeout_seconds` in all. Throws
// ApiError naming the host when it cannot be resolved or reached, or sends
// no identification line. Thread-safe.
SshIdentification read_ssh_identification(const std::string& host, int port, int timeout_seconds);

}  // namespace whm
