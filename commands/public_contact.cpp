// Resellers / Account Settings: the caller's public contact information
// (get_public_contact, set_public_contact). Root and a reseller holding "all"
// share root's; another reseller keeps its own and, until it sets one, shows
// root's. Storage: lib/store/public_contact.hpp.
#include "public_contact.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"
#include "util.hpp"

namespace whm {
namespace {

// Whose contact the caller reads and writes (cPanel's get_pc_user).
std::string contact_user(const Context& ctx) { return ctx.rights.privileged ? "root" : ctx.caller; }

Response get_public_contact(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  const PublicContact c = load_public_contact(view, contact_user(ctx));
  Response r;
  r.data = {{"name", c.name}, {"url", c.url}};
  return r;
}

// cPanel's login page caches the contact it shows.
constexpr const char* kLoginCacheDir = "var/cpanel/caches/showtemplate.stor";

Response set_public_contact(Context& ctx, const Request& req) {
  const auto name = req.get("name"), url = req.get("url");
  if (!name && !url) throw ApiError("Need at least one of: url, name when setting public contact");
  Transaction& txn = ctx.txn();
  stage_public_contact(txn, contact_user(ctx), name, url);
  for (const auto& file : ctx.root.list_dir(kLoginCacheDir))
    if (starts_with(file, "login_template_")) txn.remove(std::string(kLoginCacheDir) + "/" + file);
  return {};
}

WHMKIT_REGISTRATIONS(registrations,
                     Registration({"get_public_contact", get_public_contact, Access::Read, needs("public-contact")}),
                     Registration({"set_public_contact", set_public_contact, Access::Write,
                                   needs("public-contact")}), );

}  // namespace
}  // namespace whm
