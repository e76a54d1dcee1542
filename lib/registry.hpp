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

struct Response {
  nlohmann::json data;                                // null = no "data" key
  std::string reason = "OK";
  bool ok = true;
  nlohmann::json metadata = nlohmann::json::object();  // extra metadata (output.raw, ...)
};

using Handler = std::function<Response(Context&, const Request&)>;

enum class Access { Read, Write };

struct FunctionSpec {
  std::string name;
  std::string category;
  std::string summary;
  std::vector<ParamSpec> params;
  Handler handler;  // empty = not implemented yet
  Access access = Access::Read;
  // Name of the key in `data` holding the record list that the generic
  // api.filter/sort/chunk/columns arguments work on (empty = none).
  std::string list_key;
};

class Registry {
 public:
  static Registry& instance();
  void add(FunctionSpec spec);
  const FunctionSpec* find(const std::string& name) const;
  std::vector<std::string> names() const;
  // Names closest to a mistyped one, best first.
  std::vector<std::string> suggestions(const std::string& name, size_t max = 3) const;

 private:
  std::map<std::string, FunctionSpec> functions_;
};

// Throws ValidationError naming the first bad or missing parameter; fills defaults.
void validate_request(const FunctionSpec& spec, Request& req);

// Registers functions at static-initialisation time from the commands/ files.
struct Registration {
  explicit Registration(FunctionSpec spec) { Registry::instance().add(std::move(spec)); }
};

}  // namespace whm
