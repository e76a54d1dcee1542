// whmkitd's logs, in cPanel's formats, under the state root:
//   usr/local/cpanel/logs/access_log: one line per request,
//     IP - USER [MM/DD/YYYY:HH:MM:SS -0000] "REQUEST" STATUS SIZE "REFERER" "AGENT" "AUTH" "X-FORWARDED-FOR" PORT
//     (AUTH: b Basic, s session, a API token, - none)
//   usr/local/cpanel/logs/login_log: one line per refused login or request,
//     IP - USER [DATE] "REQUEST" FAILED LOGIN SERVICE: REASON
// Logs are appended (O_APPEND, one write per line), not part of the state's
// transactions; control bytes in what a client sent are escaped.
#pragma once
#include <ctime>
#include <mutex>
#include <string>

#include "state.hpp"

namespace whm {

struct LogEntry {
  std::string remote_ip, user = "-", request_line, referer, agent, auth, forwarded_for;
  int status = 0;
  size_t size = 0;
  int port = 0;
  std::time_t when = 0;
};

class ServerLogs {
 public:
  explicit ServerLogs(const StateRoot& root);
  void access(const LogEntry& e);
  void failed_login(const LogEntry& e, const std::string& service, const std::string& reason);

 private:
  void append(const std::string& rel, const std::string& line);
  const StateRoot& root_;
  std::mutex mutex_;
};

// "MM/DD/YYYY:HH:MM:SS -0000" (UTC), as cPanel's logs write time.
std::string log_time(std::time_t t);
// Printable ASCII kept; anything else as \xHH; '"' and '\' escaped.
std::string log_escape(const std::string& s);

}  // namespace whm
