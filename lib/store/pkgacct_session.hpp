// pkgacct sessions, laid out as cPanel's start_background_pkgacct leaves them:
// var/cpanel/pkgacct_sessions/<session id>/
//   master.log        one JSON object per line: {"contents", "indent", "partial",
//                     "pid", "timestamp" ("2026-11-23 10:43:28 -0500"), "type"
//                     ("out" or "error")}; the last line says how it ended
//   master.error_log  the "error" lines only
//   upid              a symlink whose target names the running process
//                     ("<pid>.<start time in clock ticks>"), while it runs
// A session is finished when its process is gone: COMPLETED if the last line
// holds "pkgacct completed", FAILED if it is an error (what cPanel's
// get_pkgacct_session_state decides from the same files).
//
// The logs are informational and written as the work goes, outside any
// transaction, so a killed run leaves a short log that reads as unfinished.
#pragma once
#include <string>

#include "state.hpp"

namespace whm {

constexpr const char* kPkgacctSessionsRel = "var/cpanel/pkgacct_sessions";

class PkgacctSession {
 public:
  // Creates the session directory for an archive of `user`; the id is
  // <user><YYYYmmddHHMMSS><10 random alphanumerics>, as cPanel makes them.
  PkgacctSession(const StateRoot& root, const std::string& user);
  // Removes the running marker; the logs stay.
  ~PkgacctSession();
  PkgacctSession(const PkgacctSession&) = delete;
  PkgacctSession& operator=(const PkgacctSession&) = delete;

  const std::string& id() const { return id_; }
  // A line of output; `partial` when the next line continues it ("Creating archive ..." then "Done").
  void out(const std::string& contents, bool partial = false);
  // An error line, in master.log and in master.error_log.
  void error(const std::string& message);

 private:
  void append(const std::string& file, const std::string& type, const std::string& contents, bool partial);
  std::string dir_;
  std::string id_;
};

// Refuses a session id that cannot name a session directory (invalid_param "session_id").
void check_pkgacct_session_id(const std::string& id);
// master.log as it is now; ApiError if the session has none.
std::string pkgacct_master_log(const StateRoot& root, const std::string& id);
// RUNNING, COMPLETED or FAILED; ApiError when the log does not tell.
std::string pkgacct_session_state(const StateRoot& root, const std::string& id);

}  // namespace whm
