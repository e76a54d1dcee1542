// whmkit's own version (applist, the API's description of itself, is in api_execution.cpp).
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

WHMKIT_REGISTRATIONS(registrations, Registration({"version", version, Access::Read, any_reseller()}), );

}  // namespace
}  // namespace whm
