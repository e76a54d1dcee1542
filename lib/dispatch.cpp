#include "dispatch.hpp"

#include "api_args.hpp"
#include "resellers.hpp"

#include "errors.hpp"
#include "util.hpp"

namespace whm {

nlohmann::json error_envelope(const std::string& command, const std::string& reason) {
  return {{"metadata", {{"command", command}, {"reason", reason}, {"result", 0}, {"version", 1}}}};
}

static nlohmann::json envelope_for(const std::string& command, const Response& r) {
  nlohmann::json meta = r.metadata;
  meta["command"] = command;
  meta["reason"] = r.reason;
  meta["result"] = r.ok ? 1 : 0;
  meta["version"] = 1;
  nlohmann::json env = {{"metadata", meta}};
  if (!r.data.is_null()) env["data"] = r.data;
  return env;
}

static void check_caller(const Context& ctx) {
  if (ctx.caller == "root") return;
  Transaction view(ctx.root);
  if (!is_reseller(view, ctx.caller)) throw ApiError("“" + ctx.caller + "” is not a reseller on this server.");
}

static Response run_locked(const StateRoot& root, const FunctionSpec& spec, const Request& req, const std::string& caller) {
  Context ctx{root, caller};
  if (spec.access == Access::Write) {
    StateLock lock(root, StateLock::Mode::Exclusive);
    recover_journal(root);
    check_caller(ctx);
    return spec.handler(ctx, req);
  }
  if (journal_pending(root)) {  // finish an interrupted write before reading
    StateLock lock(root, StateLock::Mode::Exclusive);
    recover_journal(root);
  }
  StateLock lock(root, StateLock::Mode::Shared);
  check_caller(ctx);
  return spec.handler(ctx, req);
}

CallResult execute_call(const StateRoot& root, Request req, const std::string& caller) {
  const auto& registry = Registry::instance();
  const FunctionSpec* spec = registry.find(req.function);
  if (!spec) {
    std::string reason = "Unknown function “" + req.function + "”.";
    auto near = registry.suggestions(req.function);
    if (!near.empty()) reason += " Did you mean: " + join(near, ", ") + "?";
    return {error_envelope(req.function, reason), kExitUnavailable};
  }
  try {
    validate_request(*spec, req);
    if (!spec->handler)
      return {error_envelope(req.function, "Function '" + req.function + "' is not implemented by whmkit yet"),
              kExitUnavailable};
    Response r = run_locked(root, *spec, req, caller);
    if (r.ok) apply_api_args(req.api, r.data, r.metadata);
    return {envelope_for(req.function, r), r.ok ? kExitOk : kExitFailed};
  } catch (const NotAvailableError& e) {
    return {error_envelope(req.function, e.what()), kExitUnavailable};
  } catch (const ApiError& e) {
    return {error_envelope(req.function, e.what()), kExitFailed};
  } catch (const std::exception& e) {
    return {error_envelope(req.function, std::string("API failure: ") + e.what()), kExitFailed};
  }
}

}  // namespace whm
