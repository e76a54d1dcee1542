// The UAPI DomainInfo module: the domains of the account the call runs as,
// read from its userdata (var/cpanel/userdata/<user>/main and the vhost files).
#include "account_store.hpp"
#include "errors.hpp"
#include "registry.hpp"
#include "util.hpp"

namespace whm {
namespace {

// The account's userdata "main" file (main_domain, sub_domains, parked_domains, addon_domains).
nlohmann::json main_userdata(const Context& ctx) {
  auto main = AccountStore(ctx.root).userdata(ctx.account.user, "main");
  if (!main || !main->is_object())
    throw ApiError("The userdata of the cPanel account “" + ctx.account.user + "” cannot be read.");
  return *main;
}

nlohmann::json string_list(const nlohmann::json& v) {
  nlohmann::json out = nlohmann::json::array();
  if (v.is_array())
    for (const auto& item : v)
      if (item.is_string()) out.push_back(item);
  return out;
}

Response list_domains(Context& ctx, const Request&) {
  nlohmann::json main = main_userdata(ctx);
  nlohmann::json addons = nlohmann::json::array();  // addon_domains maps each addon to its subdomain
  const nlohmann::json addon_map = main.value("addon_domains", nlohmann::json::object());
  for (const auto& [addon, sub] : addon_map.items()) addons.push_back(addon);
  Response r;
  r.data = {{"addon_domains", addons},
            {"main_domain", main.value("main_domain", ctx.account.main_domain)},
            {"parked_domains", string_list(main.value("parked_domains", nlohmann::json()))},
            {"sub_domains", string_list(main.value("sub_domains", nlohmann::json()))}};
  return r;
}

// The labels that the main domain's vhost answers for besides the domain
// itself ("mail", "www"), from its serveralias.
Response main_domain_builtin_subdomain_aliases(Context& ctx, const Request&) {
  const std::string& domain = ctx.account.main_domain;
  auto vhost = AccountStore(ctx.root).userdata(ctx.account.user, domain);
  if (!vhost || !vhost->is_object()) throw ApiError("The userdata of the domain “" + domain + "” cannot be read.");
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& alias : split(vhost->value("serveralias", ""), ' '))
    if (ends_with(alias, "." + domain)) r.data.push_back(alias.substr(0, alias.size() - domain.size() - 1));
  return r;
}

const Registration domaininfo_functions[] = {
    Registration({Api::Uapi,
                  "DomainInfo",
                  "list_domains",
                  list_domains,
                  Access::Read,
                  own_objects({domain("domain")}),
                  {},
                  "Return cPanel account's domains"}),
    Registration({Api::Uapi,
                  "DomainInfo",
                  "main_domain_builtin_subdomain_aliases",
                  main_domain_builtin_subdomain_aliases,
                  Access::Read,
                  own_objects({domain("domain")}),
                  {},
                  "Return built-in subdomain aliases"}),
};

}  // namespace
}  // namespace whm
