#include "pkgacct_session.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "errors.hpp"
#include "output.hpp"
#include "sysusers.hpp"
#include "util.hpp"

namespace whm {

namespace {

// The start time of process `pid` in clock ticks since boot (field 22 of
// /proc/<pid>/stat), or "" if there is no such process. With the pid it
// names one process: a pid the kernel reuses has another start time.
std::string process_start_time(pid_t pid) {
  auto stat = read_file("/proc/" + std::to_string(pid) + "/stat");
  if (!stat) return "";
  // The command name (field 2) is in parentheses and may hold spaces: count from its end.
  size_t close = stat->rfind(')');
  if (close == std::string::npos) return "";
  auto fields = split(std::string_view(*stat).substr(close + 2), ' ');
  return fields.size() > 19 ? fields[19] : "";  // field 3 is fields[0]
}

bool upid_is_alive(const std::string& upid) {
  auto dot = upid.find('.');
  if (dot == std::string::npos) return false;
  auto pid = parse_int(upid.substr(0, dot));
  if (!pid || *pid <= 0) return false;
  return process_start_time(static_cast<pid_t>(*pid)) == upid.substr(dot + 1);
}

std::string session_rel(const std::string& id) { return std::string(kPkgacctSessionsRel) + "/" + id; }

}  // namespace

void check_pkgacct_session_id(const std::string& id) {
  if (id.empty()) throw missing_param("session_id");
  for (unsigned char c : id)
    if (!std::isalnum(c) && c != '_' && c != '-' && c != '.')
      throw invalid_param("session_id", "“" + id + "” is not a pkgacct session ID.");
  if (id[0] == '.') throw invalid_param("session_id", "“" + id + "” is not a pkgacct session ID.");
}

PkgacctSession::PkgacctSession(const StateRoot& root, const std::string& user) {
  id_ = user + format_time(now(), "%Y%m%d%H%M%S") + random_alphanumeric(10);
  mkdirs(root.path(kPkgacctSessionsRel), 0700);
  dir_ = root.path(session_rel(id_));
  mkdirs(dir_, 0700);
  const std::string upid = std::to_string(::getpid()) + "." + process_start_time(::getpid());
  (void)!::symlink(upid.c_str(), (dir_ + "/upid").c_str());
}

PkgacctSession::~PkgacctSession() { ::unlink((dir_ + "/upid").c_str()); }

void PkgacctSession::append(const std::string& file, const std::string& type, const std::string& contents,
                            bool partial) {
  const nlohmann::json line = {{"contents", contents},
                               {"indent", 0},
                               {"partial", partial ? 1 : 0},
                               {"pid", ::getpid()},
                               {"timestamp", format_time(now(), "%Y-%m-%d %H:%M:%S %z")},
                               {"type", type}};
  const std::string text = json_text(line) + "\n";
  int fd = ::open((dir_ + "/" + file).c_str(), O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC | O_NOFOLLOW, 0600);
  if (fd < 0) return;  // a log that cannot be written does not stop the archive
  (void)!::write(fd, text.data(), text.size());
  ::close(fd);
}

void PkgacctSession::out(const std::string& contents, bool partial) { append("master.log", "out", contents, partial); }

void PkgacctSession::error(const std::string& message) {
  append("master.log", "error", message + "\n", false);
  append("master.error_log", "error", message + "\n", false);
}

std::string pkgacct_master_log(const StateRoot& root, const std::string& id) {
  check_pkgacct_session_id(id);
  const std::string rel = session_rel(id) + "/master.log";
  auto text = root.read(rel);
  if (!text)
    throw ApiError("The system failed to open the file “/" + rel + "” because of an error: No such file or directory");
  // The lines as they are, without the last line's newline (as the reference's sample ends).
  if (!text->empty() && text->back() == '\n') text->pop_back();
  return *text;
}

std::string pkgacct_session_state(const StateRoot& root, const std::string& id) {
  check_pkgacct_session_id(id);
  char target[256];
  ssize_t n = ::readlink(root.path(session_rel(id) + "/upid").c_str(), target, sizeof target - 1);
  if (n > 0 && upid_is_alive(std::string(target, static_cast<size_t>(n)))) return "RUNNING";
  const std::string log = pkgacct_master_log(root, id);
  const std::string last = log.substr(log.rfind('\n') == std::string::npos ? 0 : log.rfind('\n') + 1);
  auto j = nlohmann::json::parse(last, nullptr, false);
  const std::string type =
      j.is_object() && j.contains("type") && j["type"].is_string() ? j["type"].get<std::string>() : "";
  const std::string contents =
      j.is_object() && j.contains("contents") && j["contents"].is_string() ? j["contents"].get<std::string>() : "";
  if (type.empty() || contents.empty()) throw ApiError("Could not identify state from pkgacct log");
  if (type == "error") return "FAILED";
  if (contents.find("pkgacct completed") != std::string::npos) return "COMPLETED";
  throw ApiError("Could not identify state from pkgacct log");
}

}  // namespace whm
