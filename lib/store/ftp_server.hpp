// The machine's FTP daemon, as the Ftp module reports it (see docs/ftp.md):
//  * which daemon: `ftpserver` in var/cpanel/cpanel.config ("pure-ftpd",
//    "proftpd"; anything else, or no value, is "disabled", cPanel's default);
//  * its port: Pure-FTPd's `Bind [address,]port` in etc/pure-ftpd.conf (the
//    file `pure-ftpd /etc/pure-ftpd.conf` reads), ProFTPD's `Port N` in
//    etc/proftpd.conf; 21 when the file or the setting is missing.
#pragma once
#include <string>

#include "state.hpp"

namespace whm {

namespace ftp_server_paths {
constexpr const char* kCpanelConfig = "var/cpanel/cpanel.config";
constexpr const char* kPureFtpdConf = "etc/pure-ftpd.conf";
constexpr const char* kProftpdConf = "etc/proftpd.conf";
}  // namespace ftp_server_paths

struct FtpDaemonInfo {
  std::string name;  // "pure-ftpd", "proftpd", or "" when disabled
  bool enabled = false;
  bool supports_quota = false;                 // per-login disk quotas
  bool supports_login_without_domain = false;  // "name" logs in without "@domain"
};

// "pure-ftpd", "proftpd" or "disabled".
std::string ftp_server_type(const StateRoot& root);
FtpDaemonInfo ftp_daemon_info(const StateRoot& root);
// The port the configured daemon listens on. A value that is not a port is
// named in the call's warnings and 21 is reported.
int ftp_server_port(const StateRoot& root);

}  // namespace whm
