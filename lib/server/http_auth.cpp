#include "http_auth.hpp"

#include <algorithm>

#include "account_store.hpp"
#include "api_tokens.hpp"
#include "base64.hpp"
#include "resellers.hpp"
#include "secrets.hpp"
#include "sysusers.hpp"
#include "two_factor.hpp"
#include "util.hpp"

namespace whm {

const char* service_of(Port port) { return port == Port::Whm ? "whostmgrd" : "cpaneld"; }
const char* session_cookie_of(Port port) { return port == Port::Whm ? "whostmgrsession" : "cpsession"; }

std::string security_token_of(const std::string& path, std::string* rest) {
  const std::string prefix = "/cpsess";
  if (path.compare(0, prefix.size(), prefix) != 0 || path.size() < prefix.size() + 10) return "";
  const std::string digits = path.substr(prefix.size(), 10);
  if (!is_digits(digits)) return "";
  const size_t end = prefix.size() + 10;
  if (end < path.size() && path[end] != '/') return "";
  if (rest) *rest = path.substr(end);
  return path.substr(0, end);
}

std::string login_refusal(const StateRoot& root, Port port, const std::string& user) {
  if (user.empty()) return "no user name";
  if (port == Port::Whm) {
    if (user == "root") return "";
    Transaction view(root);  // reads only
    return is_reseller(view, user) ? "" : "the user is not root or a reseller";
  }
  if (user == "root") return "root has no cPanel account";
  auto account = AccountStore(root).load(user);
  if (!account) return "the user is not a cPanel account";
  if (account->suspended()) return "the account is suspended";
  return "";
}

namespace {

AuthResult refused(std::string why) { return {std::nullopt, std::move(why)}; }

// The two-factor step of a token or password call.
std::string two_factor_refusal(const StateRoot& root, const std::string& user, const std::string& otp,
                               std::time_t now) {
  if (!two_factor_required(root, user)) return "";
  if (otp.empty()) return "two-factor authentication code missing (X-CPANEL-OTP)";
  return verify_two_factor_code(root, user, otp, now) ? "" : "two-factor authentication code invalid";
}

AuthResult by_token(const StateRoot& root, Port port, const std::string& scheme, const std::string& value,
                    const Credentials& creds, std::time_t now) {
  // A cPanel token on a WHM URL (or the reverse) is refused.
  const Port wanted = scheme == "whm" ? Port::Whm : Port::Cpanel;
  if (wanted != port) return refused("a " + scheme + " token on the " + service_of(port) + " port");
  const auto colon = value.find(':');
  if (colon == std::string::npos) return refused("the token header is not USER:TOKEN");
  const std::string user = value.substr(0, colon), token = value.substr(colon + 1);
  if (auto why = login_refusal(root, port, user); !why.empty()) return refused(user + ": " + why);
  auto found = find_api_token(root, port == Port::Whm ? TokenService::Whostmgr : TokenService::Cpanel, user, token);
  if (!found) return refused(user + ": no such API token");
  if (auto why = api_token_refusal(*found, creds.remote_ip, now); !why.empty()) return refused(user + ": " + why);
  if (auto why = two_factor_refusal(root, user, creds.otp, now); !why.empty()) return refused(user + ": " + why);
  Identity id{user, "token", std::nullopt, std::nullopt};
  if (port == Port::Whm && !found->all_acls) id.token_grants = found->acls;
  if (port == Port::Cpanel && !found->has_full_access) id.token_grants = found->features;
  return {id, ""};
}

AuthResult by_password(const StateRoot& root, Port port, const std::string& value, const Credentials& creds,
                       std::time_t now) {
  auto decoded = base64_decode(value);
  if (!decoded) return refused("the Basic credentials are not base64");
  const auto colon = decoded->find(':');
  if (colon == std::string::npos) return refused("the Basic credentials are not USER:PASSWORD");
  const std::string user = decoded->substr(0, colon), password = decoded->substr(colon + 1);
  if (auto why = login_refusal(root, port, user); !why.empty()) return refused(user + ": " + why);
  if (!check_system_password(root, user, password)) return refused(user + ": wrong password");
  if (auto why = two_factor_refusal(root, user, creds.otp, now); !why.empty()) return refused(user + ": " + why);
  return {Identity{user, "password", std::nullopt, std::nullopt}, ""};
}

AuthResult by_session(const StateRoot& root, Port port, const Credentials& creds, std::time_t now) {
  auto session = find_session(root, creds.session_cookie, now);
  if (!session) return refused("no such session, or it expired");
  if (session->service != service_of(port)) return refused(session->user + ": the session is for another service");
  if (session->login_pending) return refused(session->user + ": the session has not logged in yet");
  if (!constant_time_equal(session->security_token, creds.path_token))
    return refused(session->user + ": the URL's security token is not the session's");
  if (auto why = login_refusal(root, port, session->user); !why.empty()) return refused(session->user + ": " + why);
  return {Identity{session->user, "session", std::nullopt, session}, ""};
}

}  // namespace

AuthResult authenticate(const StateRoot& root, Port port, const Credentials& creds, std::time_t now) {
  if (!creds.authorization.empty()) {
    const auto space = creds.authorization.find(' ');
    const std::string scheme = to_lower(creds.authorization.substr(0, space));
    std::string value = space == std::string::npos ? "" : creds.authorization.substr(space + 1);
    value.erase(0, value.find_first_not_of(' '));
    if (scheme == "whm" || scheme == "cpanel") return by_token(root, port, scheme, value, creds, now);
    if (scheme == "basic") return by_password(root, port, value, creds, now);
    return refused("unknown authorization scheme “" + scheme + "”");
  }
  if (!creds.session_cookie.empty() && !creds.path_token.empty()) return by_session(root, port, creds, now);
  return refused("no credentials");
}

}  // namespace whm
