// Server information: version.
#include "registry.hpp"

namespace whm {
namespace {

// whmkit answers with its own version: it is not a cPanel build.
Response version(Context&, const Request&) {
  Response r;
  r.data = {{"version", WHMKIT_VERSION}};
  return r;
}

const Registration registrations[] = {
    Registration({"version", version, Access::Read}),
};

}  // namespace
}  // namespace whm
