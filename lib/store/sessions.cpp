#include "sessions.hpp"

#include "kvfile.hpp"
#include "secrets.hpp"
#include "sysusers.hpp"
#include "util.hpp"

namespace whm {

namespace {

const char* kRandomAlphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

std::string file_of(const std::string& name) { return std::string(session_paths::kDir) + "/" + name; }

std::string serialize(const Session& s) {
  KeyValues kv = {{"user", s.user},
                  {"uid", s.uid},
                  {"service", s.service},
                  {"cp_security_token", s.security_token},
                  {"origin", s.origin},
                  {"creator", s.creator},
                  {"app", s.app},
                  {"created", std::to_string(s.created)},
                  {"last_used", std::to_string(s.last_used)},
                  {"expires", std::to_string(s.expires)},
                  {"login_pending", s.login_pending ? "1" : "0"},
                  {"secret_sha256", s.secret_sha256}};
  return serialize_key_values(kv);
}

long long number(const KeyValues& kv, const char* key) {
  auto it = kv.find(key);
  return it != kv.end() && is_digits(it->second) && it->second.size() < 19 ? std::stoll(it->second) : 0;
}

std::optional<Session> parse(const std::string& name, const std::string& text) {
  FileProblems problems;
  KeyValues kv = parse_key_values(text, '=', &problems);
  if (!problems.empty()) return std::nullopt;  // a damaged session is no session
  Session s;
  s.name = name;
  s.user = kv["user"];
  s.uid = kv["uid"];
  s.service = kv["service"];
  s.security_token = kv["cp_security_token"];
  s.origin = kv["origin"];
  s.creator = kv["creator"];
  s.app = kv["app"];
  s.created = number(kv, "created");
  s.last_used = number(kv, "last_used");
  s.expires = number(kv, "expires");
  s.login_pending = kv["login_pending"] == "1";
  s.secret_sha256 = kv["secret_sha256"];
  if (s.user.empty() || s.uid.empty() || s.secret_sha256.size() != 64 || s.security_token.empty()) return std::nullopt;
  return s;
}

// Every character a session name, user or value may hold: no separators of
// the cookie or the file, no control bytes.
bool is_plain(const std::string& s) {
  for (unsigned char c : s)
    if (c < 0x21 || c == 0x7f || c == ',' || c == '=' || c == ';' || c == '/') return false;
  return !s.empty() && s != "." && s != "..";
}

}  // namespace

std::string NewSession::session_string() const { return session.name + ":CREATE_USER_SESSION," + secret; }

NewSession create_session(Transaction& txn, const std::string& user, const std::string& service,
                          const std::string& origin, const std::string& creator, const std::string& app,
                          std::time_t now) {
  if (!is_plain(user) || user.find(':') != std::string::npos) throw ApiError("Invalid user name for a session.");
  NewSession made;
  Session& s = made.session;
  s.name = user + ":" + random_string(16, kRandomAlphabet);
  s.user = user;
  auto uid = system_uid(txn.root(), user);
  if (!uid) throw ApiError("The system user “" + user + "” is missing from etc/passwd.");
  s.uid = *uid;
  s.service = service;
  s.security_token = "/cpsess" + random_digits(10);
  s.origin = origin;
  s.creator = creator;
  s.app = app;
  s.created = s.last_used = now;
  s.expires = now + kSessionLifetimeSeconds;
  s.login_pending = origin == "create_user_session";
  made.secret = random_string(32, kRandomAlphabet);
  s.secret_sha256 = sha256_hex(made.secret);
  txn.write(file_of(s.name), serialize(s), 0600);
  return made;
}

std::optional<Session> find_session(const StateRoot& root, const std::string& text, std::time_t now) {
  const auto comma = text.rfind(',');
  if (comma == std::string::npos) return std::nullopt;
  const std::string secret = text.substr(comma + 1);
  // "<user>:<random>" or "<user>:<random>:<ORIGIN>": the file is the first two.
  const auto parts = split(text.substr(0, comma), ':');
  if (parts.size() < 2 || parts.size() > 3) return std::nullopt;
  const std::string name = parts[0] + ":" + parts[1];
  if (!is_plain(parts[0]) || !is_plain(parts[1])) return std::nullopt;
  auto content = root.read(file_of(name));
  if (!content) return std::nullopt;
  auto session = parse(name, *content);
  if (!session || session->user != parts[0]) return std::nullopt;
  if (!constant_time_equal(session->secret_sha256, sha256_hex(secret))) return std::nullopt;
  if (session->expired(now)) return std::nullopt;
  if (system_uid(root, session->user) != session->uid) return std::nullopt;  // a later user of the name
  return session;
}

void record_session_use(Transaction& txn, Session session, std::time_t now) {
  if (!session.login_pending && now - session.last_used < 60) return;
  session.login_pending = false;
  session.last_used = now;
  txn.write(file_of(session.name), serialize(session), 0600);
}

void remove_session(Transaction& txn, const std::string& name) {
  if (txn.exists(file_of(name))) txn.remove(file_of(name));
}

}  // namespace whm
