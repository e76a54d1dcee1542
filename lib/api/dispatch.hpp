// The dispatcher: the one path every call of every API takes. It looks the
// function up in the registry, validates the request against the declaration,
// takes the state lock the function declares (StateReader or StateWriter),
// resolves the account a cPanel call runs as, runs the handler, applies the
// api.* arguments, builds the API's envelope and prints it. Handlers only
// return data or throw; the exit status is chosen here.
#pragma once
#include <functional>
#include <optional>
#include <ostream>
#include <string>

#include <nlohmann/json.hpp>

#include "output.hpp"
#include "registry.hpp"
#include "request.hpp"
#include "state.hpp"

namespace whm {

// Exit statuses of the program. As with cPanel's own tools, an envelope that
// was printed means exit 0, also when metadata.result is 0 (clients read the
// reason from the envelope); kExitFailed is only used with --fail.
enum ExitStatus {
  kExitOk = 0,
  kExitFailed = 1,       // --fail (or WHMKIT_FAIL=1) and metadata.result 0
  kExitUnavailable = 2,  // unknown function, not implemented, or bad command line
};

struct Call {
  Api api = Api::Whm1;
  std::string module;  // cpapi2/uapi: the cPanel module ("Ftp")
  Request request;
  // whmapi1: the authenticated WHM user, "root" or a reseller (--user).
  // cpapi2/uapi: the cPanel account the call runs as (--user).
  std::string caller = "root";
  // whmkitd: a call made with an API token that grants only some privileges
  // (WHM API 1) or features (cPanel): those. Nothing: the caller's full rights.
  std::optional<std::vector<std::string>> token_grants = std::nullopt;
  // Arguments the function does not declare: an error when strict (--strict,
  // WHMKIT_STRICT=1), otherwise a warning passed to `warn` (standard error);
  // the envelope is the same either way.
  bool strict = false;
  std::function<void(const std::string&)> warn = nullptr;
};

// Runs one call and prints its envelope to `out` in `fmt`; returns
// kExitFailed when metadata.result is 0 (the caller maps it to its exit
// status, see ExitStatus). The output is written while the call still holds
// its lock, so a list streamed record by record is one consistent snapshot.
int run_call(const StateRoot& root, Call call, OutputFormat fmt, std::ostream& out);

// The same call, its envelope returned as JSON (for WHM API 1's cpanel and
// uapi_cpanel, which wrap a cPanel call's answer in their own).
struct CallOutcome {
  nlohmann::json envelope;
  int status = kExitOk;
};
CallOutcome run_call_for_json(const StateRoot& root, Call call);

// The envelope of a call that failed before its function ran (e.g. a
// malformed key=value word).
nlohmann::json error_envelope(Api api, const std::string& module, const std::string& function,
                              const std::string& reason);
// Prints an envelope (API 2's XML has <cpanelresult> as its root element).
void render_envelope(std::ostream& out, Api api, const nlohmann::json& envelope, OutputFormat fmt,
                     const StreamHook* hook = nullptr);

}  // namespace whm
