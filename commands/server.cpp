// Server information and the API's own description: version, applist.
#include "lazy_registrations.hpp"
#include "registry.hpp"

namespace whm {
namespace {

// whmkit answers with its own version: it is not a cPanel build.
Response version(Context&, const Request&) {
  Response r;
  r.data = {{"version", WHMKIT_VERSION}};
  return r;
}

// The functions the caller may call: those whmkit implements whose privilege
// the caller holds (root and "all": every implemented function).
Response applist(Context& ctx, const Request&) {
  const auto& registry = Registry::instance();
  nlohmann::json apps = nlohmann::json::array();
  for (const auto& name : registry.names()) {
    const FunctionSpec* f = registry.find(name);
    if (f && f->handler && ctx.rights.may_call(f->auth)) apps.push_back(name);
  }
  Response r;
  r.data = {{"app", apps}};
  return r;
}

WHMKIT_REGISTRATIONS(registrations, Registration({"applist", applist, Access::Read, any_reseller()}),
                     Registration({"version", version, Access::Read, any_reseller()}), );

}  // namespace
}  // namespace whm
