// Who an HTTP request comes from, exactly as cPanel's server accepts it
// (docs/whmkitd.md):
//  * `Authorization: whm USER:TOKEN` (WHM port only) and `cpanel USER:TOKEN`
//    (cPanel port only), any case of the scheme: an API token;
//  * `Authorization: Basic` with the system password (etc/shadow);
//  * a session: the cookie a login set, with the URL under its
//    /cpsessNNNNNNNNNN security token.
// A user with two-factor authentication gives the code in X-CPANEL-OTP with a
// token or a password. Secrets are compared in constant time.
#pragma once
#include <ctime>
#include <optional>
#include <string>
#include <vector>

#include "sessions.hpp"
#include "state.hpp"

namespace whm {

// The two listeners: WHM (2087: root and resellers) and cPanel (2083: accounts).
enum class Port { Whm, Cpanel };
const char* service_of(Port port);         // "whostmgrd" / "cpaneld"
const char* session_cookie_of(Port port);  // "whostmgrsession" / "cpsession"

// What the server needs of a request to authenticate it.
struct Credentials {
  std::string authorization;   // the Authorization header, if any
  std::string otp;             // X-CPANEL-OTP
  std::string session_cookie;  // the port's session cookie, URL-decoded
  std::string path_token;      // "/cpsess1234567890" when the path starts with one
  std::string remote_ip;
};

struct Identity {
  std::string user;
  std::string method;  // "token", "password" or "session" (the access log's)
  // An API token that grants only some privileges (WHM) or features (cPanel).
  std::optional<std::vector<std::string>> token_grants;
  std::optional<Session> session;
};

struct AuthResult {
  std::optional<Identity> identity;
  std::string failure;  // why not, for the login log (never shown to the client)
};

AuthResult authenticate(const StateRoot& root, Port port, const Credentials& creds, std::time_t now);

// Whether `user` may log in on `port` at all: root or a reseller on WHM; a
// cPanel account that is not suspended on cPanel. "" when it may.
std::string login_refusal(const StateRoot& root, Port port, const std::string& user);

// "/cpsess1234567890" if `path` starts with "/cpsess" + 10 digits (then
// `rest` is what follows), else "".
std::string security_token_of(const std::string& path, std::string* rest = nullptr);

}  // namespace whm
