// whmkitd's login sessions: one file per session, var/cpanel/sessions/raw/<name>
// (mode 0600), key=value lines as cPanel keeps its own (docs/whmkitd.md).
//  * The name is "<user>:<16 random characters>"; the browser's cookie holds
//    "<name>,<secret>" and the file only the secret's SHA-256, so reading the
//    session files does not let anyone use a session.
//  * Every session has a security token "/cpsess" + 10 digits that each URL
//    of the session starts with: a cookie alone is not enough (CSRF).
//  * A session from create_user_session is first used once, by its login URL
//    (`login_pending`); then by its cookie, as a password login's.
//  * A session ends 15 minutes after its last use, a day after its creation
//    at the latest. It holds its user's uid, and is no session once the
//    name belongs to another uid: uids are never reused, so an account
//    removed and made again under the same name does not inherit it. whmkitd
//    also refuses it while its user may not log in (a suspended, renamed or
//    removed account); the files are not part of the account lifecycle (see
//    docs/whmkitd.md).
#pragma once
#include <ctime>
#include <optional>
#include <string>

#include "state.hpp"

namespace whm {

namespace session_paths {
inline constexpr const char* kDir = "var/cpanel/sessions/raw";
}

inline constexpr long long kSessionIdleSeconds = 15 * 60;
inline constexpr long long kSessionLifetimeSeconds = 24 * 60 * 60;

struct Session {
  std::string name;            // "<user>:<random>", the file's name
  std::string user;            // the account, reseller or root
  std::string uid;             // the user's uid when the session began
  std::string service;         // whostmgrd, cpaneld or webmaild
  std::string security_token;  // "/cpsess1234567890"
  std::string origin;          // "login" or "create_user_session"
  std::string creator;         // who made it (create_user_session: the WHM caller)
  std::string app;             // create_user_session: the application to open
  long long created = 0, last_used = 0, expires = 0;
  bool login_pending = false;
  std::string secret_sha256;

  bool expired(std::time_t now) const { return now >= expires || now - last_used >= kSessionIdleSeconds; }
};

struct NewSession {
  Session session;
  std::string secret;  // shown once, never stored
  // The cookie's value: "<name>,<secret>".
  std::string cookie_value() const { return session.name + "," + secret; }
  // create_user_session's "session": "<name>:CREATE_USER_SESSION,<secret>".
  std::string session_string() const;
};

// Stages a new session in `txn` (ApiError when `user` is not in etc/passwd).
NewSession create_session(Transaction& txn, const std::string& user, const std::string& service,
                          const std::string& origin, const std::string& creator, const std::string& app,
                          std::time_t now);

// The unexpired session that `text` ("<name>[:ORIGIN],<secret>", as a cookie
// or a login URL carries it) names, with its secret checked in constant time
// and its user still the uid it began with.
std::optional<Session> find_session(const StateRoot& root, const std::string& text, std::time_t now);

// Records a use: the first login of a create_user_session session, or a
// later request (written at most once a minute: each write takes the lock).
void record_session_use(Transaction& txn, Session session, std::time_t now);
void remove_session(Transaction& txn, const std::string& name);

}  // namespace whm
