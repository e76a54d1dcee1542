// The account's own name/value store (lib/store/nvdata.hpp, user_nvdata):
// UAPI NVData (get, set; deprecated by cPanel yet still answered, and not in
// the OpenAPI description) and its successor Personalization (get, set), and
// API 2 NVData (get, set, setall). Every account may use them.
#include "nvdata.hpp"
#include "account_store.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"
#include "util.hpp"

namespace whm {
namespace {

std::string home_rel(const Context& ctx) { return paths::rel_from_abs(ctx.account.home); }

// A stored value; an empty file reads as unset, as cPanel reads it.
std::optional<std::string> stored(const Context& ctx, const Transaction& view, const std::string& param,
                                  const std::string& name) {
  auto value = user_nvdata::get(view, home_rel(ctx), user_nvdata::file_name(param, name));
  if (value && value->empty()) return std::nullopt;
  return value;
}

void store(Context& ctx, const std::string& param, const std::string& name, const std::string& value) {
  user_nvdata::stage_set(ctx.txn(), home_rel(ctx), ctx.account.owner, user_nvdata::file_name(param, name), value);
}

// "name1|name2": the names of NVData's calls, empty ones left out.
std::vector<std::string> pipe_names(const Request& req) {
  std::vector<std::string> out;
  for (const auto& name : split(req.get_or("names", ""), '|'))
    if (!name.empty()) out.push_back(name);
  return out;
}

nlohmann::json or_null(const std::optional<std::string>& v) { return v ? nlohmann::json(*v) : nlohmann::json(); }

// ---- UAPI NVData ---------------------------------------------------------

Response nvdata_get(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  const auto fallback = req.get("default");
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& name : pipe_names(req)) {
    auto value = stored(ctx, view, "names", name);
    r.data.push_back({{"name", name}, {"value", or_null(value ? value : fallback)}});
  }
  return r;
}

// Each name in `names` takes its value from the argument of that name; a name
// without one is left alone unless setmissing=1 (then it is emptied).
Response nvdata_set(Context& ctx, const Request& req) {
  const bool set_missing = req.flag("setmissing");
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& name : pipe_names(req)) {
    auto value = req.get(name);
    if (!value && !set_missing) continue;
    store(ctx, "names", name, value.value_or(""));
    r.data.push_back({{"set", name}, {"value", or_null(value)}});
  }
  return r;
}

// ---- UAPI Personalization ------------------------------------------------

Response personalization_get(Context& ctx, const Request& req) {
  const auto& names = req.list("names");
  if (names.empty()) throw ApiError("You must provide at least one personalization property name to fetch.");
  for (const auto& name : names) user_nvdata::file_name("names", name);
  Transaction view(ctx.root);
  nlohmann::json out = nlohmann::json::object();
  for (const auto& name : names)
    out[name] = {{"reason", "OK"}, {"success", 1}, {"value", or_null(stored(ctx, view, "names", name))}};
  Response r;
  r.data = {{"personalization", out}};
  return r;
}

// What cPanel stores for a JSON value: its text, and "" for what Perl
// counts as false (null, false, 0, "", "0").
std::string stored_text(const nlohmann::json& v) {
  std::string text = v.is_string() ? v.get<std::string>() : v.is_boolean() ? (v.get<bool>() ? "1" : "") : v.dump();
  if (v.is_null() || text == "0" || text == "0.0") return "";
  return text;
}

// personalization: a JSON object of names and values.
Response personalization_set(Context& ctx, const Request& req) {
  nlohmann::json pairs;
  try {
    pairs = nlohmann::json::parse(req.require("personalization"));
  } catch (const nlohmann::json::exception&) {
    throw invalid_param("personalization", "it is not valid JSON.");
  }
  if (!pairs.is_object())
    throw invalid_param("personalization", "it must be a JSON object of names and values ({\"name\": \"value\"}).");
  if (pairs.empty())
    throw ApiError("The personalization property must be an object which contains one or more name/value pairs.");
  std::vector<std::pair<std::string, std::string>> values;
  for (auto it = pairs.begin(); it != pairs.end(); ++it) {
    user_nvdata::file_name("personalization", it.key());
    std::string text = stored_text(it.value());
    if (text.size() > nvdata::kMaxValueLength)
      throw ApiError("Value '" + text + "' is invalid. Values can only be " + std::to_string(nvdata::kMaxValueLength) +
                     " characters.");
    if (text.find('\0') != std::string::npos) throw invalid_param("personalization", "a value contains a NUL byte.");
    values.emplace_back(it.key(), text);
  }
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [name, text] : values) {
    store(ctx, "personalization", name, text);
    out[name] = {{"reason", "OK"}, {"success", 1}, {"value", text}};
  }
  Response r;
  r.data = {{"personalization", out}};
  return r;
}

// ---- API 2 NVData --------------------------------------------------------

// default= stands in for an unset or empty value; html_encode=1 or
// encoded=1 escape the value for a page.
Response api2_get(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  const std::string fallback = req.get_or("default", "");
  const bool encode = req.flag("html_encode") || req.flag("encoded");
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& name : pipe_names(req)) {
    auto value = stored(ctx, view, "names", name);
    if (!value && !fallback.empty()) value = fallback;
    if (value && encode) value = html_escape(*value);
    r.data.push_back({{"name", name}, {"value", or_null(value)}});
  }
  return r;
}

// API 2 stores an argument's value with Perl's `||`: "0" is stored as "".
std::string api2_value(const std::optional<std::string>& v) { return !v || *v == "0" ? "" : *v; }

Response api2_set(Context& ctx, const Request& req) {
  const bool set_missing = req.has("setmissing");
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& name : pipe_names(req)) {
    auto value = req.get(name);
    if (!value && !set_missing) continue;
    store(ctx, "names", name, api2_value(value));
    r.data.push_back({{"set", name}});
  }
  return r;
}

// Every argument is a name and its value.
Response api2_setall(Context& ctx, const Request& req) {
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& [name, values] : req.args) {
    store(ctx, name, name, values.empty() ? "" : values.back());
    r.data.push_back({{"set", name}});
  }
  return r;
}

// ---- registrations -------------------------------------------------------

// The value arguments of set: any name listed in `names`.
ParamSpec any_name() { return described(optional_param("*"), "The value to store for each name listed in “names”."); }
ParamSpec names_param() { return described(optional_param("names"), "The names, separated by “|” (name1|name2)."); }

ModuleFunction fn(Api api, const char* module, const char* name, Handler h, Access access,
                  std::vector<ParamSpec> params) {
  return {api, module, name, std::move(h), access, own_objects(), std::move(params)};
}

WHMKIT_REGISTRATIONS(
    nvdata_functions,
    Registration(fn(Api::Uapi, "NVData", "get", nvdata_get, Access::Read,
                    {names_param(), described(optional_param("default"), "The value of a name never set.")})),
    Registration(fn(Api::Uapi, "NVData", "set", nvdata_set, Access::Write,
                    {names_param(),
                     described(optional_param("setmissing", ParamType::Boolean),
                               "1: empty a listed name given no value (default 0: leave it)."),
                     optional_param("__nvdata::nocache", ParamType::Boolean), any_name()})),
    Registration(fn(Api::Uapi, "Personalization", "get", personalization_get, Access::Read,
                    {described(list_param("names", ParamType::String, true), "The names to read (names=a names=b).")})),
    Registration(fn(Api::Uapi, "Personalization", "set", personalization_set, Access::Write,
                    {described(make_param("personalization", ParamType::String, true),
                               "A JSON object of names and values ({\"coffee\":\"hot\"}).")})),
    Registration(fn(Api::Api2, "NVData", "get", api2_get, Access::Read,
                    {names_param(), described(optional_param("default"), "The value of a name unset or empty."),
                     optional_param("html_encode", ParamType::Boolean),
                     optional_param("encoded", ParamType::Boolean)})),
    Registration(fn(Api::Api2, "NVData", "set", api2_set, Access::Write,
                    {names_param(), optional_param("setmissing"), optional_param("__nvdata::nocache"), any_name()})),
    Registration(fn(Api::Api2, "NVData", "setall", api2_setall, Access::Write,
                    {described(optional_param("*"), "Each argument: a name and the value to store.")})), );

}  // namespace
}  // namespace whm
