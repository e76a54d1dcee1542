// WHM API 1's forwarding of a system user's own mail (root's notices,
// nobody's bounces): the user's line in etc/localaliases (etc/aliases where
// that names the user), and root's .forward, the files the Contact Manager's
// CONTACTEMAIL also points (lib/store/contact_settings.hpp).
#include "contact_settings.hpp"
#include "errors.hpp"
#include "mail_paths.hpp"
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

const Registration registrations[] = {
    Registration({"get_user_email_forward_destination", get_user_email_forward_destination, Access::Read, root_only()}),
    Registration(
        {"set_user_email_forward_destination", set_user_email_forward_destination, Access::Write, root_only()}),
};

}  // namespace
}  // namespace whm
