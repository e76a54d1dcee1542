#include "dispatch.hpp"

#include <algorithm>

#include "api_args.hpp"
#include "errors.hpp"
#include "notices.hpp"
#include "util.hpp"

namespace whm {

namespace {

nlohmann::json list_or_null(const std::vector<std::string>& v) {
  if (v.empty()) return nullptr;
  return v;
}

// cPanel API 2's cpanelresult. `preevent` and `postevent` report the hooks
// that run before and after every call (post-hooks run also when the call
// fails), so both are {"result": 1} on every answer, as real servers send
// them; `event` is the call's own result.
nlohmann::json api2_envelope(const std::string& module, const std::string& function, nlohmann::json data, bool ok) {
  return {{"cpanelresult",
           {{"apiversion", 2},
            {"data", std::move(data)},
            {"event", {{"result", ok ? 1 : 0}}},
            {"func", function},
            {"module", module},
            {"postevent", {{"result", 1}}},
            {"preevent", {{"result", 1}}}}}};
}

// The envelope of a call whose handler returned. A streamed list is left as a
// null placeholder at data.<key> (WHM API 1 only).
nlohmann::json envelope_of(const FunctionSpec& f, const Response& r) {
  switch (f.api) {
    case Api::Whm1: {
      nlohmann::json meta = r.metadata;
      meta["command"] = f.name;
      meta["reason"] = r.reason;
      meta["result"] = r.ok ? 1 : 0;
      meta["version"] = 1;
      nlohmann::json env = {{"metadata", meta}};
      if (!r.data.is_null() || (!r.ok && f.null_data_on_failure)) env["data"] = r.data;
      return env;
    }
    case Api::Api2: {
      // API 2 data is always a list.
      nlohmann::json data = r.data.is_null() ? nlohmann::json::array() : r.data;
      if (!data.is_array()) data = nlohmann::json::array({data});
      return api2_envelope(f.module, f.name, std::move(data), true);
    }
    case Api::Uapi: {
      nlohmann::json metadata = nlohmann::json::object();
      if (r.data.is_array()) metadata["transformed"] = 1;
      return {{"apiversion", 3},
              {"func", f.name},
              {"module", f.module},
              {"result",
               {{"data", r.data},
                {"errors", nullptr},
                {"messages", list_or_null(r.messages)},
                {"metadata", metadata},
                {"status", r.ok ? 1 : 0},  // a handler may answer "no" without an error (Features::has_feature)
                {"warnings", list_or_null(r.warnings)}}}};
    }
  }
  return nullptr;
}

std::string unknown_function_reason(const Call& call) {
  const auto& registry = Registry::instance();
  const std::string& name = call.request.function;
  if (call.api == Api::Whm1) {
    std::string reason = "Unknown function “" + name + "”.";
    auto near = registry.suggestions(name);
    if (!near.empty()) reason += " Did you mean: " + join(near, ", ") + "?";
    return reason;
  }
  auto modules = registry.modules(call.api);
  if (std::find(modules.begin(), modules.end(), call.module) == modules.end())
    return "The module “" + call.module + "” is not implemented by whmkit (available: " + join(modules, ", ") + ").";
  return "Could not find function “" + name + "” in module “" + call.module + "”.";
}

// Warnings the state layer raised during the call (notices.hpp), where each
// API puts warnings: WHM API 1 metadata.output.warnings, UAPI result.warnings.
// (API 2's cpanelresult has no place for them.)
void add_state_warnings(const FunctionSpec& f, Response& r) {
  for (auto& text : take_notices()) {
    if (f.api == Api::Uapi) {
      r.warnings.push_back(std::move(text));
    } else if (f.api == Api::Whm1) {
      auto& warnings = r.metadata["output"]["warnings"];
      if (!warnings.is_array()) warnings = nlohmann::json::array();
      warnings.push_back(std::move(text));
    }
  }
}

// Who the call runs for, and whether it may: a WHM caller's privileges and
// owned objects, or the cPanel account's own objects. Read under the lock.
void authorize(const StateRoot& root, const FunctionSpec& f, const Call& call, Context& ctx) {
  StateReader reader(root);  // nests in the call's own handle, if any
  if (f.api == Api::Whm1) {
    ctx.rights = load_caller(root, call.caller);
    ctx.rights.token_acls = call.token_grants;
    authorize_whm(root, ctx.rights, f.name, f.auth, call.request);
  } else {
    ctx.account = load_cpanel_account(root, call.caller);
    authorize_account(root, ctx.account, f.auth, call.request, call.token_grants);
  }
}

// Arguments the function does not declare: scripts that pass extra fields
// keep working, but a typo ("qouta") is pointed out.
void check_unknown_params(const FunctionSpec& f, const Call& call) {
  for (const auto& [key, closest] : unknown_params(f, call.request)) {
    std::string text = "The function “" + f.name + "” has no parameter “" + key + "”" +
                       (closest.empty() ? "" : " (did you mean “" + closest + "”?)") + ".";
    if (call.strict) throw ValidationError(text);
    if (call.warn) call.warn(text);
  }
}

// Called with the finished envelope while the lock is still held; `stream`
// (if any) produces the records of the placeholder at data.<stream->key>.
using Finish = std::function<void(nlohmann::json& envelope, const RecordStream* stream)>;

// Runs the handler under the lock its function declares, commits the write
// handle's transaction, and finishes (prints) before the lock is released.
// Returns the response's ok.
bool run_handler(const StateRoot& root, const FunctionSpec& f, Call& call, const Finish& finish) {
  auto run = [&](StateWriter* writer) {
    Context ctx{root, call.caller};
    ctx.writer = writer;
    authorize(root, f, call, ctx);  // first, as WHM does: a refused caller learns nothing of the parameters
    validate_request(f, call.request);
    check_unknown_params(f, call);
    Response r = f.handler(ctx, call.request);
    if (writer && r.ok) writer->commit();
    add_state_warnings(f, r);
    const Request& req = call.request;
    if (r.stream && (f.api != Api::Whm1 || !req.api.empty())) {  // the whole list is needed
      nlohmann::json records = nlohmann::json::array();
      r.stream->produce([&](const nlohmann::json& record) { records.push_back(record); });
      if (f.api == Api::Whm1) {
        if (!r.data.is_object()) r.data = nlohmann::json::object();
        r.data[r.stream->key] = std::move(records);
      } else {
        r.data = std::move(records);
      }
      r.stream.reset();
    }
    if (f.api == Api::Whm1 && r.ok) apply_api_args(req.api, r.data, r.metadata);
    if (r.stream && !r.data.is_object()) r.data = nlohmann::json::object();
    nlohmann::json env = envelope_of(f, r);
    if (r.stream) env["data"][r.stream->key] = nullptr;
    finish(env, r.stream ? &*r.stream : nullptr);
    return r.ok;
  };
  switch (f.access) {
    case Access::Delegated:  // the handler runs calls that take the lock themselves
      return run(nullptr);
    case Access::Write: {
      StateWriter writer(root);
      return run(&writer);
    }
    case Access::Read: {
      StateReader reader(root);
      return run(nullptr);
    }
  }
  return false;
}

// One call from lookup to finished envelope; returns the exit status.
int dispatch(const StateRoot& root, Call& call, const Finish& finish) {
  const FunctionSpec* f = Registry::instance().find(call.api, call.module, call.request.function);
  auto fail = [&](const std::string& reason, int status) {
    nlohmann::json env = error_envelope(call.api, call.module, call.request.function, reason);
    if (f && f->api == Api::Whm1 && f->null_data_on_failure) env["data"] = nullptr;
    finish(env, nullptr);
    return status;
  };
  take_notices();  // none left from an earlier call in this process
  if (!f) return fail(unknown_function_reason(call), kExitUnavailable);
  try {
    if (!f->handler) {  // its declaration still checks the arguments, for scripts being written against it
      validate_request(*f, call.request);
      return fail("Function '" + f->name + "' is not implemented by whmkit yet", kExitUnavailable);
    }
    return run_handler(root, *f, call, finish) ? kExitOk : kExitFailed;
  } catch (const NotAvailableError& e) {
    return fail(e.what(), kExitUnavailable);
  } catch (const ApiError& e) {
    return fail(e.what(), kExitFailed);
  } catch (const std::exception& e) {
    return fail(std::string("API failure: ") + e.what(), kExitFailed);
  }
}

}  // namespace

nlohmann::json error_envelope(Api api, const std::string& module, const std::string& function,
                              const std::string& reason) {
  switch (api) {
    case Api::Whm1: return {{"metadata", {{"command", function}, {"reason", reason}, {"result", 0}, {"version", 1}}}};
    case Api::Api2: {
      nlohmann::json env =
          api2_envelope(module, function, nlohmann::json::array({{{"reason", reason}, {"result", 0}}}), false);
      env["cpanelresult"]["error"] = reason;
      return env;
    }
    case Api::Uapi:
      return {{"apiversion", 3},
              {"func", function},
              {"module", module},
              {"result",
               {{"data", nullptr},
                {"errors", {reason}},
                {"messages", nullptr},
                {"metadata", nlohmann::json::object()},
                {"status", 0},
                {"warnings", nullptr}}}};
  }
  return nullptr;
}

void render_envelope(std::ostream& out, Api api, const nlohmann::json& envelope, OutputFormat fmt,
                     const StreamHook* hook) {
  if (fmt == OutputFormat::Xml && api == Api::Api2) {
    out << xml_dump(envelope.at("cpanelresult"), "cpanelresult");
    return;
  }
  render_to(out, envelope, fmt, hook);
}

int run_call(const StateRoot& root, Call call, OutputFormat fmt, std::ostream& out) {
  const Api api = call.api;
  return dispatch(root, call, [&](nlohmann::json& env, const RecordStream* stream) {
    if (!stream) return render_envelope(out, api, env, fmt);
    StreamHook hook;
    hook.at = &env["data"][stream->key];  // the placeholder the renderers stream into
    hook.produce = stream->produce;
    hook.sink = &out;
    render_envelope(out, api, env, fmt, &hook);
  });
}

CallOutcome run_call_for_json(const StateRoot& root, Call call) {
  CallOutcome outcome;
  outcome.status = dispatch(root, call, [&](nlohmann::json& env, const RecordStream* stream) {
    if (stream) {
      auto& list = env["data"][stream->key] = nlohmann::json::array();
      stream->produce([&](const nlohmann::json& record) { list.push_back(record); });
    }
    outcome.envelope = std::move(env);
  });
  return outcome;
}

}  // namespace whm
