// The function registry: each WHM API 1 function declares its parameters and
// its handler once. The core validates a Request against the declaration
// before the handler runs, so handlers only see well-formed input.
#pragma once
#include <functional>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "request.hpp"
#include "spec.hpp"

namespace whm {

class StateRoot;

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
};

struct Context {
  const StateRoot& root;
  std::string caller = "root";  // the authenticated WHM user (root for the CLI)
};

// A long list produced one record at a time (listaccts at 100,000 accounts
// must not hold every record in memory). The producer calls `emit` per record.
using RecordEmitter = std::function<void(const nlohmann::json&)>;
using RecordProducer = std::function<void(const RecordEmitter& emit)>;

struct RecordStream {
  std::string key;  // data.<key> is the list
  RecordProducer produce;
};

struct Response {
  nlohmann::json data;                                // null = no "data" key
  std::optional<RecordStream> stream;                 // data.<stream->key>, produced while the output is written
  std::string reason = "OK";
  bool ok = true;
  nlohmann::json metadata = nlohmann::json::object();  // extra metadata (output.raw, ...)
};

using Handler = std::function<Response(Context&, const Request&)>;

// Read: shared lock; Write: exclusive lock; Delegated: the handler runs a
// call that takes the lock itself (the cPanel API passthroughs).
enum class Access { Read, Write, Delegated };

struct FunctionSpec {
  std::string name;
  std::string category;
  std::string summary;
  std::vector<ParamSpec> params;
  Handler handler;  // empty = not implemented yet
  Access access = Access::Read;
  const SpecFunction* doc = nullptr;  // the reference's entry, if any
};

// What a command file registers: the handler, plus parameters that refine
// or add to the reference's declaration (same name = replaces it).
struct Implementation {
  std::string name;
  Handler handler;
  Access access = Access::Read;
  std::vector<ParamSpec> params = {};
};

class Registry {
 public:
  static Registry& instance();
  void add(Implementation impl);
  // The reference's declaration merged with the implementation, if any.
  const FunctionSpec* find(const std::string& name) const;
  std::vector<std::string> names() const;  // every known function, sorted
  bool implemented(const std::string& name) const { return impls_.count(name) > 0; }
  // Names closest to a mistyped one, best first.
  std::vector<std::string> suggestions(const std::string& name, size_t max = 3) const;

 private:
  std::map<std::string, Implementation> impls_;
  mutable std::map<std::string, FunctionSpec> merged_;
};

// A parameter declaration, for refining the reference's in command files.
ParamSpec make_param(std::string name, ParamType type = ParamType::String, bool required = false);

// A reference parameter as a ParamSpec.
ParamSpec param_from_spec(const SpecParam& p);

// Throws ValidationError naming the first bad or missing parameter.
void validate_request(const FunctionSpec& spec, Request& req);

// Registers functions at static-initialisation time from the commands/ files.
struct Registration {
  explicit Registration(Implementation impl) { Registry::instance().add(std::move(impl)); }
};

}  // namespace whm
