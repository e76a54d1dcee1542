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

// Runs the handler under the lock, and `finish` (which writes the output) before releasing it.
static void run_locked(const StateRoot& root, const FunctionSpec& spec, const Request& req, const std::string& caller,
                       const std::function<void(Response&)>& finish) {
  Context ctx{root, caller};
  if (spec.access == Access::Delegated) {
    check_caller(ctx);
    Response r = spec.handler(ctx, req);
    finish(r);
    return;
  }
  if (spec.access == Access::Write) {
    StateLock lock(root, StateLock::Mode::Exclusive);
    recover_journal(root);
    check_caller(ctx);
    Response r = spec.handler(ctx, req);
    finish(r);
    return;
  }
  if (journal_pending(root)) {  // finish an interrupted write before reading
    StateLock lock(root, StateLock::Mode::Exclusive);
    recover_journal(root);
  }
  StateLock lock(root, StateLock::Mode::Shared);
  check_caller(ctx);
  Response r = spec.handler(ctx, req);
  finish(r);
}

// Writes the envelope, streaming data.<key> when the handler produced a stream.
static void write_response(const std::string& command, Response& r, const Request& req, OutputFormat fmt,
                           std::ostream& out) {
  if (r.stream && !req.api.empty()) {  // api.* needs the whole list
    nlohmann::json records = nlohmann::json::array();
    r.stream->produce([&](const nlohmann::json& record) { records.push_back(record); });
    if (!r.data.is_object()) r.data = nlohmann::json::object();
    r.data[r.stream->key] = std::move(records);
    r.stream.reset();
  }
  if (r.ok) apply_api_args(req.api, r.data, r.metadata);
  if (r.stream && !r.data.is_object()) r.data = nlohmann::json::object();
  nlohmann::json env = envelope_for(command, r);
  if (!r.stream) {
    render_to(out, env, fmt, nullptr);
    return;
  }
  StreamHook hook;
  hook.at = &(env["data"][r.stream->key] = nullptr);  // the placeholder the renderers stream into
  hook.produce = r.stream->produce;
  hook.sink = &out;
  render_to(out, env, fmt, &hook);
}

int run_call(const StateRoot& root, Request req, const std::string& caller, OutputFormat fmt, std::ostream& out) {
  auto fail = [&](const std::string& reason, int status) {
    render_to(out, error_envelope(req.function, reason), fmt, nullptr);
    return status;
  };
  const auto& registry = Registry::instance();
  const FunctionSpec* spec = registry.find(req.function);
  if (!spec) {
    std::string reason = "Unknown function “" + req.function + "”.";
    auto near = registry.suggestions(req.function);
    if (!near.empty()) reason += " Did you mean: " + join(near, ", ") + "?";
    return fail(reason, kExitUnavailable);
  }
  try {
    validate_request(*spec, req);
    if (!spec->handler) return fail("Function '" + req.function + "' is not implemented by whmkit yet", kExitUnavailable);
    int status = kExitOk;
    run_locked(root, *spec, req, caller, [&](Response& r) {
      write_response(req.function, r, req, fmt, out);
      status = r.ok ? kExitOk : kExitFailed;
    });
    return status;
  } catch (const NotAvailableError& e) {
    return fail(e.what(), kExitUnavailable);
  } catch (const ApiError& e) {
    return fail(e.what(), kExitFailed);
  } catch (const std::exception& e) {
    return fail(std::string("API failure: ") + e.what(), kExitFailed);
  }
}

}  // namespace whm
