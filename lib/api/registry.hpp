// The function registry: every function of every API (WHM API 1, cPanel API 2,
// UAPI) declares its parameters, its handler and its locking once, in one
// table keyed by API, module and name. The dispatcher (dispatch.hpp) validates
// a Request against the declaration before the handler runs, so handlers only
// see well-formed input; handlers never print or choose an exit status.
#pragma once
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "account_store.hpp"
#include "authorization.hpp"
#include "request.hpp"
#include "spec.hpp"

namespace whm {

// The three APIs. WHM API 1 functions have no module.
enum class Api { Whm1 = 1, Api2 = 2, Uapi = 3 };
const char* api_program(Api api);  // "whmapi1", "cpapi2", "uapi"

enum class ParamType {
  String,          // any text without NUL
  Integer,         // base-10 integer, optional min/max
  Boolean,         // 0 or 1
  IntOrUnlimited,  // integer >= 0, or "unlimited" (case-insensitive)
  Username,        // an existing-or-new username's syntax (lowercase, checked later)
  Domain,          // a domain name's syntax
  Email,
  IPv4,
};

struct ParamSpec {
  std::string name;
  ParamType type = ParamType::String;
  bool required = false;
  std::optional<std::string> default_value;
  std::vector<std::string> allowed;  // empty = any
  std::optional<long long> min, max;
  std::string description;
  bool list = false;        // takes several values (user=a user=b, user-0=a user-1=b); otherwise one
  bool multiline = false;   // may hold line breaks (never written into a line-oriented file)
  bool in_example = false;  // optional, yet in help's example: one of alternatives a call needs (pass or pass_hash)
};

// What a handler runs with. The dispatcher holds the state lock for the
// whole call (shared for Access::Read, exclusive for Access::Write).
struct Context {
  const StateRoot& root;
  std::string caller = "root";    // the authenticated WHM user (root for the CLI), or the cPanel account
  Caller rights = {};             // WHM API 1: what the caller may do and see (listings filter with it)
  CpanelAccount account = {};     // cpapi2/uapi: the account the call runs as (empty for WHM API 1)
  StateWriter* writer = nullptr;  // Access::Write: the dispatcher's write handle
  // The write handle's transaction: the dispatcher commits it when the
  // handler returns successfully, before the answer is printed.
  Transaction& txn() const;
};

// A long list produced one record at a time (listaccts at 100,000 accounts
// must not hold every record in memory). The producer calls `emit` per record.
using RecordEmitter = std::function<void(const nlohmann::json&)>;
using RecordProducer = std::function<void(const RecordEmitter& emit)>;

struct RecordStream {
  std::string key;  // data.<key> is the list
  RecordProducer produce;
};

// A handler's answer. Failures are thrown as ApiError (or ok = false with a
// reason, for WHM API 1 functions that return data with a failure).
struct Response {
  nlohmann::json data;                 // null = no "data" key (WHM), null data (UAPI)
  std::optional<RecordStream> stream;  // data.<stream->key>, produced while the output is written
  std::string reason = "OK";
  bool ok = true;
  nlohmann::json metadata = nlohmann::json::object();  // extra metadata (output.raw, ...)
  std::vector<std::string> messages, warnings;         // UAPI result.messages / result.warnings
};

using Handler = std::function<Response(Context&, const Request&)>;

// Read: shared lock; Write: exclusive lock; Delegated: the handler runs a
// call that takes the lock itself (the cPanel API passthroughs).
enum class Access { Read, Write, Delegated };

struct FunctionSpec {
  Api api = Api::Whm1;
  std::string module;  // cPanel module ("Ftp"); empty for WHM API 1
  std::string name;
  std::string category;
  std::string summary;
  std::vector<ParamSpec> params;
  Handler handler;  // empty = not implemented yet
  Access access = Access::Read;
  Authorization auth;                 // who may call it (the dispatcher checks before the handler runs)
  const SpecFunction* doc = nullptr;  // the reference's entry, if any
  bool null_data_on_failure = false;  // WHM API 1: a failure still carries "data": null
};

// What a command file registers for a WHM API 1 function: the handler, plus
// parameters that refine or add to the reference's declaration (same name =
// replaces it).
struct Implementation {
  std::string name;
  Handler handler;
  Access access;
  Authorization auth;
  std::vector<ParamSpec> params = {};
  // A failed call's envelope carries "data": null instead of no "data", as
  // real servers send it for some functions (clients decode it so).
  bool null_data_on_failure = false;
};

// What a command file registers for a cPanel function (API 2 or UAPI): the
// parameters are declared here in full (there is no generated reference).
struct ModuleFunction {
  Api api;
  std::string module, name;
  Handler handler;
  Access access;
  Authorization auth;  // the owned parameters: the account's own domains
  std::vector<ParamSpec> params = {};
  std::string summary = "";
};

class Registry {
 public:
  static Registry& instance();
  void add(Implementation impl);
  void add(ModuleFunction f);
  // WHM API 1: the reference's declaration merged with the implementation, if any.
  const FunctionSpec* find(const std::string& name) const { return find(Api::Whm1, "", name); }
  const FunctionSpec* find(Api api, const std::string& module, const std::string& name) const;
  std::vector<std::string> names() const;  // every known WHM API 1 function, sorted
  bool implemented(const std::string& name) const { return impls_.count(name) > 0; }
  // The cPanel functions of one API, sorted by module and name.
  std::vector<const FunctionSpec*> module_functions(Api api) const;
  std::vector<std::string> modules(Api api) const;
  // Names closest to a mistyped one, best first.
  std::vector<std::string> suggestions(const std::string& name, size_t max = 3) const;

 private:
  std::map<std::string, Implementation> impls_;
  mutable std::map<std::string, FunctionSpec> merged_;  // WHM API 1, built on first use
  mutable std::mutex merged_mutex_;
  std::map<std::string, FunctionSpec> module_functions_;  // "api:Module::name"
};

// A parameter declaration, for refining the reference's in command files.
ParamSpec make_param(std::string name, ParamType type = ParamType::String, bool required = false);
// An optional parameter of `type`, with the default value help shows.
ParamSpec optional_param(std::string name, ParamType type = ParamType::String, const char* default_value = nullptr);
// A parameter the call must have.
ParamSpec required_param(std::string name, ParamType type = ParamType::String);
// `p` with the description help prints for it.
ParamSpec described(ParamSpec p, std::string description);
// The same for a parameter that takes several values (user=a user=b).
ParamSpec list_param(std::string name, ParamType type = ParamType::String, bool required = false);

// A reference parameter as a ParamSpec.
ParamSpec param_from_spec(const SpecParam& p);

// Throws ValidationError naming the first bad or missing parameter, a value
// with a control character, or a one-value parameter given several times.
void validate_request(const FunctionSpec& spec, Request& req);

// The arguments `spec` does not declare, each with the closest declared name
// ("qouta" -> "quota"; "" if none is close). A declared name with a '*'
// ("MXCHECK-*") matches every name it stands for.
std::vector<std::pair<std::string, std::string>> unknown_params(const FunctionSpec& spec, const Request& req);

// Registers functions at static-initialisation time from the commands/ files.
struct Registration {
  explicit Registration(Implementation impl) { Registry::instance().add(std::move(impl)); }
  explicit Registration(ModuleFunction f) { Registry::instance().add(std::move(f)); }
};

}  // namespace whm
