// The UAPI WebVhosts module: which web virtual host serves each of the
// account's domains (lib/store/vhosts.hpp), and the names an SSL certificate
// for them may cover.
#include "lazy_registrations.hpp"
#include "registry.hpp"
#include "tweak_settings.hpp"
#include "util.hpp"
#include "vhosts.hpp"

namespace whm {
namespace {

// The account's domains in cPanel's order: main, aliases, addon domains, subdomains.
std::vector<std::string> served_domains(const AccountVhosts& vhosts) {
  std::vector<std::string> out = {vhosts.main_domain};
  out.insert(out.end(), vhosts.parked_domains.begin(), vhosts.parked_domains.end());
  for (const auto& [addon, sub] : vhosts.addons) out.push_back(addon);
  out.insert(out.end(), vhosts.sub_domains.begin(), vhosts.sub_domains.end());
  return out;
}

// The service (proxy) subdomains a domain gets: none for a subdomain, none
// when Tweak Settings turn them off (proxysubdomains=0); autodiscover only
// with autodiscover_proxy_subdomains.
std::vector<std::string> proxy_subdomains(const StateRoot& root, const AccountVhosts& vhosts,
                                          const std::string& domain) {
  auto setting = [&](const char* key) { return tweak_setting(root, key, "1"); };  // both on by default
  if (vhosts.type_of(domain) == "sub_domain" || setting("proxysubdomains") != "1") return {};
  std::vector<std::string> labels = {"cpanel", "webmail"};
  if (setting("autodiscover_proxy_subdomains") == "1") labels.push_back("autodiscover");
  labels.push_back("whm");
  labels.push_back("webdisk");
  return labels;
}

Response list_domains(Context& ctx, const Request&) {
  const auto vhosts = AccountVhosts::load(ctx.root, ctx.account.user);
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& domain : served_domains(vhosts)) {
    const std::string vhost = *vhosts.vhost_of(domain);
    const auto labels = proxy_subdomains(ctx.root, vhosts, domain);
    r.data.push_back({{"domain", domain},
                      {"proxy_subdomains", labels.empty() ? nlohmann::json(nullptr) : nlohmann::json(labels)},
                      {"vhost_is_ssl", vhost_has_ssl(ctx.root, ctx.account.user, vhost) ? 1 : 0},
                      {"vhost_name", vhost}});
  }
  r.metadata["transformed"] = 1;
  return r;
}

// Every name of every vhost (its servername and aliases, wildcards left
// out), then each domain's service subdomains.
Response list_ssl_capable_domains(Context& ctx, const Request&) {
  const auto vhosts = AccountVhosts::load(ctx.root, ctx.account.user);
  Response r;
  r.data = nlohmann::json::array();
  std::vector<std::string> seen;
  auto add = [&](const std::string& name, const std::string& vhost, bool proxy) {
    if (name.empty() || name.find('*') != std::string::npos) return;
    if (std::find(seen.begin(), seen.end(), name) != seen.end()) return;
    seen.push_back(name);
    r.data.push_back({{"domain", name}, {"is_proxy", proxy ? 1 : 0}, {"vhost_name", vhost}});
  };
  std::vector<std::string> vhost_names = {vhosts.main_domain};
  vhost_names.insert(vhost_names.end(), vhosts.sub_domains.begin(), vhosts.sub_domains.end());
  for (const auto& vhost : vhost_names) {
    auto data = vhost_userdata(ctx.root, ctx.account.user, vhost);
    if (!data) continue;
    add(data->value("servername", vhost), vhost, false);
    for (const auto& alias : split(data->value("serveralias", ""), ' ')) add(alias, vhost, false);
  }
  for (const auto& domain : served_domains(vhosts))
    for (const auto& label : proxy_subdomains(ctx.root, vhosts, domain))
      add(label + "." + domain, *vhosts.vhost_of(domain), true);
  r.metadata["transformed"] = 1;
  return r;
}

WHMKIT_REGISTRATIONS(webvhosts_functions,
                     Registration({Api::Uapi,
                                   "WebVhosts",
                                   "list_domains",
                                   list_domains,
                                   Access::Read,
                                   own_objects(),
                                   {},
                                   "Return virtual host names for domains"}),
                     Registration({Api::Uapi,
                                   "WebVhosts",
                                   "list_ssl_capable_domains",
                                   list_ssl_capable_domains,
                                   Access::Read,
                                   own_objects(),
                                   {},
                                   "Return domains that allow SSL certificate purchase"}), );

}  // namespace
}  // namespace whm
