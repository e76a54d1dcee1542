#include "access_log.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <cstdio>

#include "util.hpp"

namespace whm {

namespace {
const char* kAccessLog = "usr/local/cpanel/logs/access_log";
const char* kLoginLog = "usr/local/cpanel/logs/login_log";

std::string or_dash(const std::string& s) { return s.empty() ? "-" : log_escape(s); }

std::string prefix(const LogEntry& e) {
  return or_dash(e.remote_ip) + " - " + or_dash(e.user) + " [" + log_time(e.when) + "] \"" +
         log_escape(e.request_line) + "\"";
}
}  // namespace

std::string log_time(std::time_t t) {
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%02d/%02d/%04d:%02d:%02d:%02d -0000", tm.tm_mon + 1, tm.tm_mday, tm.tm_year + 1900,
                tm.tm_hour, tm.tm_min, tm.tm_sec);
  return buf;
}

std::string log_escape(const std::string& s) {
  std::string out;
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20 || c >= 0x7f) {
      char buf[5];
      std::snprintf(buf, sizeof buf, "\\x%02X", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

ServerLogs::ServerLogs(const StateRoot& root) : root_(root) { mkdirs(root_.path("usr/local/cpanel/logs")); }

void ServerLogs::append(const std::string& rel, const std::string& line) {
  std::lock_guard<std::mutex> hold(mutex_);
  const int fd = ::open(root_.path(rel).c_str(), O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return;  // a log that cannot be written never fails a request
  const std::string text = line + "\n";
  [[maybe_unused]] ssize_t n = ::write(fd, text.data(), text.size());
  ::close(fd);
}

void ServerLogs::access(const LogEntry& e) {
  append(kAccessLog, prefix(e) + " " + std::to_string(e.status) + " " + std::to_string(e.size) + " \"" +
                         or_dash(e.referer) + "\" \"" + or_dash(e.agent) + "\" \"" + or_dash(e.auth) + "\" \"" +
                         or_dash(e.forwarded_for) + "\" " + std::to_string(e.port));
}

void ServerLogs::failed_login(const LogEntry& e, const std::string& service, const std::string& reason) {
  append(kLoginLog, prefix(e) + " FAILED LOGIN " + service + ": " + log_escape(reason));
}

}  // namespace whm
