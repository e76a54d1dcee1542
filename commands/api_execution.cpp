// WHM API 1's tools for API clients: `applist` (what this build implements,
// which clients check before calling) and `batch` (several calls in one, each
// with its own envelope). The `cpanel`/`uapi_cpanel` passthroughs are in
// passthrough.cpp.
#include "dispatch.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"
#include "util.hpp"

namespace whm {
namespace {

// The functions the caller may call: implemented here, and allowed by its
// privileges (and its API token's).
Response applist(Context& ctx, const Request&) {
  const Registry& registry = Registry::instance();
  nlohmann::json apps = nlohmann::json::array();
  for (const auto& name : registry.names()) {
    if (!registry.implemented(name)) continue;
    const FunctionSpec* f = registry.find(name);
    if (!ctx.rights.may_call(f->auth) || !ctx.rights.token_allows(f->auth)) continue;
    apps.push_back(name);
  }
  Response r;
  r.data = {{"app", std::move(apps)}};
  return r;
}

// One batch command, "function?key=value&key=value" (already URI-decoded
// once as the batch's own argument; the query is decoded again).
Request batch_command(const std::string& command) {
  const auto mark = command.find('?');
  const std::string function = command.substr(0, mark);
  if (!is_function_name(function))
    throw invalid_param("command", "“" + command + "” does not start with a function name.");
  if (function == "batch") throw invalid_param("command", "A batch cannot contain another batch.");
  return request_from_pairs(function, parse_query_string(mark == std::string::npos ? "" : command.substr(mark + 1)));
}

Response batch(Context& ctx, const Request& req) {
  std::vector<Request> calls;
  for (const auto& command : req.list("command")) calls.push_back(batch_command(command));  // all parse, or none runs
  if (calls.empty()) throw missing_param("command");
  const bool abort_on_error = req.flag("abort_on_error");
  Response r;
  nlohmann::json results = nlohmann::json::array();
  for (auto& inner : calls) {
    Call call{Api::Whm1, "", std::move(inner), ctx.caller, ctx.rights.token_acls};
    auto outcome = run_call_for_json(ctx.root, std::move(call));
    const bool failed = outcome.envelope["metadata"].value("result", 0) != 1;
    results.push_back(std::move(outcome.envelope));
    if (failed && abort_on_error) {
      r.ok = false;
      r.reason = "The batch stopped after a failed command: " +
                 results.back()["metadata"].value("reason", std::string("(no reason)"));
      break;
    }
  }
  r.data = {{"result", std::move(results)}};
  return r;
}

WHMKIT_REGISTRATIONS(
    registrations, Registration({"applist", applist, Access::Read, any_reseller()}),
    // Each command takes the state lock itself and is authorized on its own.
    Registration(
        {"batch", batch, Access::Delegated, any_reseller(), {list_param("command", ParamType::String, true)}}), );

}  // namespace
}  // namespace whm
