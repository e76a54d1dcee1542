// Service proxying (cPanel's Cpanel::AccountProxy): where the services of an
// account that lives elsewhere answer, kept in its cpuser file:
//
//   PROXY_BACKEND=<host>           the general backend
//   PROXY_BACKEND-<group>=<host>   one service group's (only "Mail" so far)
//
// A group's backend needs a general one. Each of the account's web vhost
// userdata files (main domain and subdomains, and their _SSL twins) carries
// the web backend as "proxy_backend" (PROXY_BACKEND-Web, else the general
// one) while the account's website is served here.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cpuser.hpp"

namespace whm {

namespace service_proxy {
inline constexpr const char* kGeneralKey = "PROXY_BACKEND";
}  // namespace service_proxy

struct ProxyBackend {
  std::optional<std::string> service_group;  // nullopt: the general backend
  std::string backend;
};
// The general backend first, then each recognised group's; none without a
// general backend (as cPanel reports them).
std::vector<ProxyBackend> service_proxy_backends(const CpUser& u);
// Sets the general backend (when given) and the groups' backends. Throws
// ApiError for an unknown group, or a group without a general backend.
void set_service_proxy_backends(CpUser& u, const std::optional<std::string>& general,
                                const std::map<std::string, std::string>& groups);
// Removes every backend.
void unset_service_proxy_backends(CpUser& u);
// The backend the account's websites are proxied to ("" for none).
std::string web_proxy_backend(const CpUser& u);

}  // namespace whm
