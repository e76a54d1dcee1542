// create_user_session: a session a billing system or a panel hands to a user
// so that the user logs in without the password (single sign-on). The session
// store is lib/store/sessions.*; whmkitd accepts the session once at its login
// URL, then by the cookie it sets (docs/whmkitd.md).
#include <ctime>

#include "account_store.hpp"
#include "errors.hpp"
#include "hostname.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"
#include "resellers.hpp"
#include "sessions.hpp"

namespace whm {
namespace {

// The port each service's URLs use (cPanel's standard TLS ports).
int service_port(const std::string& service) {
  if (service == "whostmgrd") return 2087;
  if (service == "webmaild") return 2096;
  return 2083;
}

// Who may have a session of `service`: WHM sessions are root's and resellers';
// cPanel and Webmail sessions belong to cPanel accounts (not suspended).
void check_session_user(Context& ctx, const std::string& user, const std::string& service) {
  if (user.find('@') != std::string::npos)
    throw invalid_param("user", "Sessions for email addresses need email accounts, which whmkit does not manage yet.");
  if (service == "whostmgrd") {
    if (user != "root" && !is_reseller(ctx.txn(), user))
      throw ApiError("The user “" + user + "” is not root or a reseller, so it cannot log in to WHM.");
    return;
  }
  auto account = AccountStore(ctx.root).load(user);
  if (!account) throw ApiError("The user “" + user + "” does not exist.");
  if (account->suspended()) throw ApiError("The account “" + user + "” is suspended.");
}

Response create_user_session(Context& ctx, const Request& req) {
  const std::string user = req.require("user");
  const std::string service = req.require("service");
  check_session_user(ctx, user, service);
  const std::string app = req.get_or("app", "");
  const std::time_t now = std::time(nullptr);
  NewSession made = create_session(ctx.txn(), user, service, "create_user_session", ctx.caller, app, now);
  std::string host = req.get_or("preferred_domain", "");
  if (host.empty()) host = server_hostname(ctx.root);
  std::string url = "https://" + host + ":" + std::to_string(service_port(service)) + made.session.security_token +
                    "/login/?session=" + made.session_string();
  if (!app.empty()) url += "&goto_app=" + app;
  Response r;
  r.data = {{"cp_security_token", made.session.security_token},
            {"expires", made.session.expires},
            {"service", service},
            {"session", made.session_string()},
            {"url", url}};
  return r;
}

WHMKIT_REGISTRATIONS(registrations,
                     // "user" names the account (or the reseller itself) the session is for.
                     Registration({"create_user_session", create_user_session, Access::Write,
                                   needs("create-user-session", {account_or_self("user")})}), );

}  // namespace
}  // namespace whm
