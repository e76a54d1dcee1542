#include "ftp_server.hpp"

#include "kvfile.hpp"
#include "notices.hpp"
#include "util.hpp"

namespace whm {

namespace {

constexpr int kDefaultFtpPort = 21;

// The last value of `directive` in a "Directive value" file (Pure-FTPd and
// ProFTPD both read directive names without regard to case); "" if none.
std::string directive_value(const std::string& text, const std::string& directive) {
  std::string value;
  for (const auto& raw : split(text, '\n')) {
    std::string line = trim(raw);
    if (line.empty() || line[0] == '#') continue;
    const auto blank = line.find_first_of(" \t");
    if (blank == std::string::npos || to_lower(line.substr(0, blank)) != to_lower(directive)) continue;
    value = trim(line.substr(blank));
  }
  return value;
}

// Pure-FTPd's Bind is "port" or "address,port".
std::string port_of_bind(const std::string& bind) {
  const auto comma = bind.rfind(',');
  return trim(comma == std::string::npos ? bind : bind.substr(comma + 1));
}

}  // namespace

std::string ftp_server_type(const StateRoot& root) {
  const KeyValues config = parse_key_values(root.read(ftp_server_paths::kCpanelConfig).value_or(""));
  const auto it = config.find("ftpserver");
  const std::string type = it == config.end() ? "" : trim(it->second);
  return type == "pure-ftpd" || type == "proftpd" ? type : "disabled";
}

FtpDaemonInfo ftp_daemon_info(const StateRoot& root) {
  const std::string type = ftp_server_type(root);
  FtpDaemonInfo info;
  if (type == "disabled") return info;
  info.name = type;
  info.enabled = true;
  // Pure-FTPd keeps per-login quotas (the .ftpquota files) and needs the
  // domain in a virtual login; ProFTPD has no quotas and takes a bare name.
  info.supports_quota = type == "pure-ftpd";
  info.supports_login_without_domain = type == "proftpd";
  return info;
}

int ftp_server_port(const StateRoot& root) {
  const std::string type = ftp_server_type(root);
  const char* rel = type == "proftpd" ? ftp_server_paths::kProftpdConf : ftp_server_paths::kPureFtpdConf;
  const auto text = root.read(rel);
  if (!text) return kDefaultFtpPort;
  const std::string value =
      type == "proftpd" ? directive_value(*text, "Port") : port_of_bind(directive_value(*text, "Bind"));
  if (value.empty()) return kDefaultFtpPort;
  const auto port = parse_int(value);
  if (!port || *port < 1 || *port > 65535) {
    add_notice("The file “" + server_path(rel) + "” gives the port “" + value + "”, which is not a port number; " +
               "the default port " + std::to_string(kDefaultFtpPort) + " is reported.");
    return kDefaultFtpPort;
  }
  return static_cast<int>(*port);
}

}  // namespace whm
