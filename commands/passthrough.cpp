// WHM API 1's doors into the cPanel-level APIs: `cpanel` (API 2, or UAPI with
// cpanel_jsonapi_apiversion=3) and `uapi_cpanel`. The called function runs as
// the named account exactly as cpapi2/uapi would run it; a reseller may only
// name accounts it owns (declared with the functions).
#include "account_store.hpp"
#include "dispatch.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"
#include "util.hpp"

namespace whm {
namespace {

// The call's own arguments: everything but the passthrough's control keys.
Request inner_request(const Request& outer, const std::string& function, const std::string& control_prefix) {
  Request inner;
  inner.function = function;
  for (const auto& [key, values] : outer.args)
    if (!starts_with(key, control_prefix)) inner.args[key] = values;
  return inner;
}

// The UAPI answer's "result" object becomes data.uapi; the WHM call fails with it.
Response uapi_response(const nlohmann::json& envelope) {
  Response r;
  const auto& result = envelope.at("result");
  r.data = {{"uapi", result}};
  if (result.value("status", 0) != 1) {
    r.ok = false;
    r.reason = result["errors"].is_array() && !result["errors"].empty() ? result["errors"][0].get<std::string>()
                                                                        : "The UAPI call failed.";
  }
  return r;
}

Response uapi_cpanel(Context& ctx, const Request& req) {
  const std::string user = req.require("cpanel.user");
  auto outcome = run_call_for_json(ctx.root, {Api::Uapi, req.require("cpanel.module"),
                                              inner_request(req, req.require("cpanel.function"), "cpanel."), user});
  return uapi_response(outcome.envelope);
}

Response cpanel(Context& ctx, const Request& req) {
  const std::string user = req.require("cpanel_jsonapi_user");
  const std::string version = req.get_or("cpanel_jsonapi_apiversion", "2");
  if (version == "1")
    throw NotAvailableError(
        "cPanel API 1 is not available: whmkit implements no cPanel API 1 functions (cPanel deprecated API 1 in "
        "favour of UAPI). Call the function through cPanel API 2 (cpanel_jsonapi_apiversion=2) or UAPI "
        "(cpanel_jsonapi_apiversion=3).");
  const Api api = version == "3" ? Api::Uapi : Api::Api2;
  auto outcome =
      run_call_for_json(ctx.root, {api, req.require("cpanel_jsonapi_module"),
                                   inner_request(req, req.require("cpanel_jsonapi_func"), "cpanel_jsonapi_"), user});
  if (api == Api::Uapi) return uapi_response(outcome.envelope);
  Response r;
  const auto& result = outcome.envelope.at("cpanelresult");
  r.data = {{"cpanelresult", result}};
  if (result.contains("error")) {
    r.ok = false;
    r.reason = result["error"].get<std::string>();
  }
  return r;
}

// Every other argument belongs to the called function, which checks it.
ParamSpec passed_on() {
  ParamSpec p = make_param("*");
  p.list = true;
  p.description = "Any other parameter is passed on to the called function, which checks it.";
  return p;
}

// The called function takes the state lock itself.
WHMKIT_REGISTRATIONS(
    registrations,
    Registration(
        {"cpanel", cpanel, Access::Delegated, any_reseller({account_or_self("cpanel_jsonapi_user")}), {passed_on()}}),
    Registration({"uapi_cpanel",
                  uapi_cpanel,
                  Access::Delegated,
                  any_reseller({account_or_self("cpanel.user")}),
                  {passed_on()}}), );

}  // namespace
}  // namespace whm
