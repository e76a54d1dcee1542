// The cPanel-level APIs: cPanel API 2 (cpapi2) and UAPI (uapi). A call runs
// as one cPanel account (--user) and can only see and change that account's
// things. Functions are registered per API, module and name, the way the WHM
// API 1 registry works, and answer in their API's envelope:
//   API 2: {"cpanelresult": {apiversion: 2, func, module, data, event: {result}}}
//   UAPI:  {apiversion: 3, func, module, result: {data, errors, messages, metadata, status, warnings}}
#pragma once
#include <functional>
#include <map>
#include <ostream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "output.hpp"
#include "registry.hpp"
#include "request.hpp"
#include "account_store.hpp"
#include "state.hpp"

namespace whm {

enum class CpanelApi { Api2 = 2, Uapi = 3 };

struct CpanelContext {
  const StateRoot& root;
  CpanelAccount account;
};

// A handler's answer. Failures are thrown as ApiError (the message becomes
// the API 2 "error"/reason or the UAPI errors list).
struct CpanelResult {
  nlohmann::json data = nullptr;
  std::vector<std::string> messages, warnings;
};

using CpanelHandler = std::function<CpanelResult(CpanelContext&, const Request&)>;

struct CpanelFunction {
  CpanelApi api;
  std::string module, name;
  CpanelHandler handler;
  Access access = Access::Read;
  std::vector<ParamSpec> params = {};
  std::string summary = "";
};

class CpanelRegistry {
 public:
  static CpanelRegistry& instance();
  void add(CpanelFunction f);
  const CpanelFunction* find(CpanelApi api, const std::string& module, const std::string& name) const;
  std::vector<const CpanelFunction*> functions(CpanelApi api) const;  // sorted by module, name

 private:
  std::map<std::string, CpanelFunction> functions_;
};

struct CpanelRegistration {
  explicit CpanelRegistration(CpanelFunction f) { CpanelRegistry::instance().add(std::move(f)); }
};

struct CpanelOutcome {
  nlohmann::json envelope;
  int status = 0;  // process exit status (see dispatch.hpp)
};

// Runs Module::function as `user` under the state lock and builds the envelope.
CpanelOutcome run_cpanel_call(const StateRoot& root, CpanelApi api, const std::string& user, const std::string& module,
                              Request req);
nlohmann::json cpanel_error_envelope(CpanelApi api, const std::string& module, const std::string& func,
                                    const std::string& reason);
// Renders an envelope (API 2 XML uses <cpanelresult> as its root element).
void render_cpanel(std::ostream& out, CpanelApi api, const nlohmann::json& envelope, OutputFormat fmt);

}  // namespace whm
