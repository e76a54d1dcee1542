// WHM API 1 Server Administration / Connections: cPanel Analytics
// (participate_in_analytics) and the cPanel license (purchase_a_license,
// run_cpkeyclt). The analytics switch is cPanel's touch file
// var/cpanel/feature_toggles/analytics_ui_includes. The license functions
// talk to cPanel's Store and licensing servers through cPanel's own
// programs: run_cpkeyclt runs /usr/local/cpanel/cpkeyclt where a real
// server (state root "/") has it; without it, and for purchase_a_license,
// the call fails and says why.
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "process.hpp"
#include "registry.hpp"
#include "util.hpp"

namespace whm {
namespace {

constexpr const char* kAnalyticsToggle = "var/cpanel/feature_toggles/analytics_ui_includes";
constexpr const char* kCpkeyclt = "/usr/local/cpanel/cpkeyclt";

// enabled=1: the touch file exists (Interface Analytics' UI includes load); 0: it does not.
Response participate_in_analytics(Context& ctx, const Request& req) {
  Transaction& txn = ctx.txn();
  if (req.flag("enabled")) {
    if (!txn.exists(kAnalyticsToggle)) txn.write(kAnalyticsToggle, "", 0644);
  } else if (txn.exists(kAnalyticsToggle)) {
    txn.remove(kAnalyticsToggle);
  }
  return {};
}

// The checkout URL comes from the provider's module (cPanel's Market
// modules) and cPanel's Store; whmkit has neither.
Response purchase_a_license(Context&, const Request& req) {
  std::string provider = req.require("provider");
  std::string url = req.require("url_after_checkout");
  req.require("login_token");
  if (!(starts_with(url, "http://") || starts_with(url, "https://")) || url.find(' ') != std::string::npos)
    throw invalid_param("url_after_checkout", "it must be an http:// or https:// URL.");
  throw ApiError("The system cannot start a purchase from the “" + provider +
                 "” provider: purchases go through cPanel’s Store and its Market provider modules, which this "
                 "server does not have.");
}

// cPanel's answer: the license updated when cpkeyclt printed "Update succeeded".
Response run_cpkeyclt(Context& ctx, const Request&) {
  const bool installed = ctx.root.is_system_root() && program_available(kCpkeyclt);
  if (!installed)
    throw ApiError(std::string("Error: The system could not update the license: ") + kCpkeyclt +
                   " (cPanel’s license client) is not installed on this server.");
  auto output = run_capture({kCpkeyclt});
  if (!output || to_lower(*output).find("update succeeded") == std::string::npos)
    throw ApiError("Error: The system could not update the license.");
  Response r;
  r.reason = "The system successfully updated the license.";
  return r;
}

WHMKIT_REGISTRATIONS(registrations,
                     Registration({"participate_in_analytics", participate_in_analytics, Access::Write, root_only()}),
                     Registration({"purchase_a_license", purchase_a_license, Access::Read, root_only()}),
                     Registration({"run_cpkeyclt", run_cpkeyclt, Access::Delegated, root_only()}), );

}  // namespace
}  // namespace whm
