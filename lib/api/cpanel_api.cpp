#include "cpanel_api.hpp"

#include <algorithm>

#include "account_store.hpp"
#include "dispatch.hpp"
#include "errors.hpp"
#include "sysusers.hpp"
#include "util.hpp"

namespace whm {


CpanelRegistry& CpanelRegistry::instance() {
  static CpanelRegistry registry;
  return registry;
}

static std::string registry_key(CpanelApi api, const std::string& module, const std::string& name) {
  return std::to_string(static_cast<int>(api)) + ":" + module + "::" + name;
}

void CpanelRegistry::add(CpanelFunction f) {
  std::string key = registry_key(f.api, f.module, f.name);
  functions_[key] = std::move(f);
}

const CpanelFunction* CpanelRegistry::find(CpanelApi api, const std::string& module, const std::string& name) const {
  auto it = functions_.find(registry_key(api, module, name));
  return it == functions_.end() ? nullptr : &it->second;
}

std::vector<const CpanelFunction*> CpanelRegistry::functions(CpanelApi api) const {
  std::vector<const CpanelFunction*> out;
  for (const auto& [key, f] : functions_)
    if (f.api == api) out.push_back(&f);
  return out;
}


namespace {

nlohmann::json string_list_or_null(const std::vector<std::string>& v) {
  if (v.empty()) return nullptr;
  return v;
}

nlohmann::json success_envelope(CpanelApi api, const std::string& module, const std::string& func, CpanelResult& r) {
  if (api == CpanelApi::Api2) {
    // API 2 data is always a list.
    nlohmann::json data = r.data.is_null() ? nlohmann::json::array() : r.data;
    if (!data.is_array()) data = nlohmann::json::array({data});
    return {{"cpanelresult",
             {{"apiversion", 2}, {"data", data}, {"event", {{"result", 1}}}, {"func", func}, {"module", module}}}};
  }
  nlohmann::json metadata = nlohmann::json::object();
  if (r.data.is_array()) metadata["transformed"] = 1;
  return {{"apiversion", 3},
          {"func", func},
          {"module", module},
          {"result",
           {{"data", r.data},
            {"errors", nullptr},
            {"messages", string_list_or_null(r.messages)},
            {"metadata", metadata},
            {"status", 1},
            {"warnings", string_list_or_null(r.warnings)}}}};
}

}  // namespace

nlohmann::json cpanel_error_envelope(CpanelApi api, const std::string& module, const std::string& func,
                                    const std::string& reason) {
  if (api == CpanelApi::Api2)
    return {{"cpanelresult",
             {{"apiversion", 2},
              {"data", nlohmann::json::array({{{"reason", reason}, {"result", 0}}})},
              {"error", reason},
              {"event", {{"result", 0}}},
              {"func", func},
              {"module", module}}}};
  return {{"apiversion", 3},
          {"func", func},
          {"module", module},
          {"result",
           {{"data", nullptr},
            {"errors", {reason}},
            {"messages", nullptr},
            {"metadata", nlohmann::json::object()},
            {"status", 0},
            {"warnings", nullptr}}}};
}

CpanelOutcome run_cpanel_call(const StateRoot& root, CpanelApi api, const std::string& user, const std::string& module,
                              Request req) {
  const std::string func = req.function;
  auto fail = [&](const std::string& reason, int status) {
    return CpanelOutcome{cpanel_error_envelope(api, module, func, reason), status};
  };
  const CpanelFunction* f = CpanelRegistry::instance().find(api, module, func);
  if (!f) {
    bool module_known = false;
    for (const auto* g : CpanelRegistry::instance().functions(api)) module_known |= g->module == module;
    if (!module_known)
      return fail("The module “" + module + "” is not implemented by whmkit (available: Ftp, Cron).", kExitUnavailable);
    return fail("Could not find function “" + func + "” in module “" + module + "”.", kExitUnavailable);
  }
  try {
    FunctionSpec spec;
    spec.name = func;
    spec.params = f->params;
    validate_request(spec, req);
    for (const auto& [key, values] : req.args)
      for (const auto& v : values)
        if (v.find('\0') != std::string::npos) throw ValidationError("Invalid value for parameter “" + key + "”: it contains a NUL byte.");
    auto call = [&] {
      CpanelContext ctx{root, load_cpanel_account(root, user)};
      CpanelResult r = f->handler(ctx, req);
      return CpanelOutcome{success_envelope(api, module, func, r), kExitOk};
    };
    if (f->access == Access::Write) {
      StateLock lock(root, StateLock::Mode::Exclusive);
      recover_journal(root);
      return call();
    }
    if (journal_pending(root)) {
      StateLock lock(root, StateLock::Mode::Exclusive);
      recover_journal(root);
    }
    StateLock lock(root, StateLock::Mode::Shared);
    return call();
  } catch (const ApiError& e) {
    return fail(e.what(), kExitFailed);
  } catch (const std::exception& e) {
    return fail(std::string("API failure: ") + e.what(), kExitFailed);
  }
}

void render_cpanel(std::ostream& out, CpanelApi api, const nlohmann::json& envelope, OutputFormat fmt) {
  if (fmt == OutputFormat::Xml && api == CpanelApi::Api2) {
    out << xml_dump(envelope.at("cpanelresult"), "cpanelresult");
    return;
  }
  render_to(out, envelope, fmt, nullptr);
}

}  // namespace whm
