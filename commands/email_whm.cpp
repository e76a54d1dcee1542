// WHM API 1's mail functions for one account or system user:
//  * the forwarding of a system user's own mail (root's notices, nobody's
//    bounces): the user's line in etc/localaliases (etc/aliases where that
//    names the user), and root's .forward, the files the Contact Manager's
//    CONTACTEMAIL also points (lib/store/contact_settings.hpp);
//  * an account's mailboxes as a whole: ending their IMAP/POP3 sessions,
//    repairing their files' owners and modes, and the Apple configuration
//    profile of one of them (lib/store/mobileconfig.hpp).
#include "base64.hpp"
#include "contact_settings.hpp"
#include "dovecot_admin.hpp"
#include "email_accounts.hpp"
#include "errors.hpp"
#include "hostname.hpp"
#include "lazy_registrations.hpp"
#include "mail_paths.hpp"
#include "mail_permissions.hpp"
#include "mobileconfig.hpp"
#include "registry.hpp"
#include "sysusers.hpp"
#include "util.hpp"

namespace whm {
namespace {

std::string system_user_param(const Request& req, const SystemUsers& sys) {
  const std::string user = req.require("user");
  if (!sys.user(user)) throw invalid_param("user", "The system user “" + user + "” does not exist.");
  return user;
}

Response get_user_email_forward_destination(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  SystemUsers sys;
  sys.load(view);
  const std::string user = system_user_param(req, sys);
  Response r;
  r.data = {{"forward_to", join(mail_forward(view, user), ",")}};
  return r;
}

Response set_user_email_forward_destination(Context& ctx, const Request& req) {
  Transaction& txn = ctx.txn();
  SystemUsers sys;
  sys.load(txn);
  const std::string user = system_user_param(req, sys);
  std::vector<std::string> dests;
  for (const auto& item : split(req.require("forward_to"), ',')) {
    const std::string d = trim(item);
    if (d.empty()) continue;
    if (d.find('@') != std::string::npos)
      dests.push_back(parse_email_address("forward_to", d).full());
    else if (sys.user(d))
      dests.push_back(d);
    else
      throw invalid_param("forward_to", "“" + d + "” is neither an email address nor a system user.");
  }
  if (dests.empty()) throw missing_param("forward_to");
  stage_mail_forward(txn, user, join(dests, ","));
  return {};
}

Response terminate_cpuser_mailbox_sessions(Context& ctx, const Request& req) {
  dovecot_kick_account(ctx.root, load_cpanel_account(ctx.root, req.require("username")));
  return {};
}

// The envelope is the reference's (nothing but the result); what was
// repaired is not reported.
Response normalize_user_email_configuration(Context& ctx, const Request& req) {
  normalize_mail_permissions(ctx.root, load_cpanel_account(ctx.root, req.require("username")));
  return {};
}

// Base64 as Perl's MIME::Base64 writes it (what cPanel answers with): lines
// of 76 characters, each ended by a newline.
std::string mime_base64(const std::string& bytes) {
  const std::string flat = base64_encode(bytes);
  std::string out;
  for (size_t i = 0; i < flat.size(); i += 76) out += flat.substr(i, 76) + "\n";
  return out;
}

// The Apple configuration profile of a mailbox (or the account's own), for
// the services asked for, signed with the service certificate when the
// server has one.
Response generate_mobileconfig(Context& ctx, const Request& req) {
  const ServerMailbox box = server_mailbox_arg(ctx.root, "account", req.require("account"));
  MobileConfigRequest profile;
  profile.address = box.address ? box.address->full() : box.account.user + "@" + box.account.main_domain;
  profile.login = box.login;
  profile.hostname = server_hostname(ctx.root);
  profile.use_ssl = req.flag("use_ssl");
  profile.caldav = profile.carddav = profile.email = false;
  // Unsupported names are left out, as the reference says.
  for (const auto& item : split(req.get_or("selected_account_services", "email,caldav,carddav"), ',')) {
    const std::string service = trim(item);
    profile.caldav = profile.caldav || service == "caldav";
    profile.carddav = profile.carddav || service == "carddav";
    profile.email = profile.email || service == "email";
  }
  if (!profile.caldav && !profile.carddav && !profile.email)
    throw invalid_param("selected_account_services", "name at least one of “email”, “caldav” and “carddav”.");
  const std::string signed_profile = sign_mobileconfig(mobileconfig_plist(profile), read_service_certificate(ctx.root));
  Response r;
  r.data = {{"payload", mime_base64(signed_profile)}};
  return r;
}

WHMKIT_REGISTRATIONS(
    registrations,
    Registration({"get_user_email_forward_destination", get_user_email_forward_destination, Access::Read, root_only()}),
    Registration({"set_user_email_forward_destination", set_user_email_forward_destination, Access::Write,
                  root_only()}),
    Registration(Implementation{"terminate_cpuser_mailbox_sessions", terminate_cpuser_mailbox_sessions, Access::Read,
                                any_reseller({account("username")})}),
    Registration(Implementation{"normalize_user_email_configuration", normalize_user_email_configuration, Access::Write,
                                any_reseller({account("username")})}),
    // The services are a comma-separated list in which unknown names are
    // ignored (the reference), not one of three values.
    Registration(Implementation{
        "generate_mobileconfig",
        generate_mobileconfig,
        Access::Read,
        any_reseller({mail_account("account")}),
        {described(optional_param("selected_account_services", ParamType::String, "email,caldav,carddav"),
                   "A comma-separated list of caldav, carddav and email; other names are ignored.")}}), );

}  // namespace
}  // namespace whm
