// The UAPI ResourceUsage module: the account's use of each limited resource,
// from the same counts as StatsBar (lib/store/account_usage.hpp).
#include "lazy_registrations.hpp"
#include "quota.hpp"
#include "tweak_settings.hpp"

namespace whm {
namespace {

nlohmann::json maximum_of(const std::optional<long long>& max) {
  return max ? nlohmann::json(*max) : nlohmann::json(nullptr);
}

nlohmann::json entry(const char* id, const char* description, long long usage, const std::optional<long long>& max,
                     const char* formatter = nullptr) {
  nlohmann::json e = nlohmann::json::object();
  e.emplace("description", description);
  e.emplace("formatter", formatter ? nlohmann::json(formatter) : nlohmann::json(nullptr));
  e.emplace("id", id);
  e.emplace("maximum", maximum_of(max));
  e.emplace("usage", usage);
  return e;
}

nlohmann::json entry(const char* id, const char* description, const LimitedCount& c) {
  return entry(id, description, c.used, c.max);
}

// The reference's order. Left out, as cPanel leaves them out when the
// service is off: MySQL and PostgreSQL usage and databases (whmkit keeps no
// databases yet, #23), mailing lists while Mailman is off (Tweak Setting
// skipmailman, as the Email lists functions read it), and filesusage (the
// "Display File Usage" tweak setting is off by default).
Response get_usages(Context& ctx, const Request&) {
  const AccountUsage u = current_account_usage(ctx);
  std::optional<long long> disk_max;
  if (u.disk.byte_limit > 0) disk_max = u.disk.byte_limit;
  Response r;
  r.data = nlohmann::json::array();
  r.data.push_back(entry("disk_usage", "Disk Usage", u.disk.bytes_used, disk_max, "format_bytes"));
  r.data.push_back(entry("bandwidth", "Bandwidth", u.bandwidth_bytes, u.bandwidth_limit, "format_bytes"));
  r.data.push_back(entry("addon_domains", "Addon Domains", u.addon_domains));
  r.data.push_back(entry("subdomains", "Subdomains", u.subdomains));
  r.data.push_back(entry("aliases", "Aliases", u.parked_domains));
  r.data.push_back(entry("email_accounts", "Email Accounts", u.email_accounts));
  if (tweak_setting(ctx.root, "skipmailman", "0") != "1")
    r.data.push_back(entry("mailing_lists", "Mailing Lists", u.mailing_lists));
  r.data.push_back(entry("autoresponders", "Autoresponders", u.autoresponders, std::nullopt));
  r.data.push_back(entry("forwarders", "Forwarders", u.forwarders, std::nullopt));
  r.data.push_back(entry("email_filters", "Email Filters", u.email_filters, std::nullopt));
  r.data.push_back(entry("ftp_accounts", "FTP Accounts", u.ftp_accounts));
  return r;
}

// Every account may see its own usage: cPanel gates it by no feature.
WHMKIT_REGISTRATIONS(resource_usage_functions,
                     Registration(ModuleFunction{Api::Uapi,
                                                 "ResourceUsage",
                                                 "get_usages",
                                                 get_usages,
                                                 Access::Read,
                                                 own_objects(),
                                                 {},
                                                 "Return resource usage and custom statistics"}), );

}  // namespace
}  // namespace whm
