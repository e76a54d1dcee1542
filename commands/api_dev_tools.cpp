// WHM API 1 API Development Tools: cPanel API 1 usage statistics
// (get_api_calls, get_api_pages), the AppConfig application registry
// (get_appconfig_application_list), fetching a page for WHM's interface
// (cors_proxy_get) and calling WHM API 1 on another server with a password
// (execute_remote_whmapi1_with_password).
#include <algorithm>

#include "api_dev_tools.hpp"
#include "appconfig.hpp"
#include "errors.hpp"
#include "hostname.hpp"
#include "lazy_registrations.hpp"
#include "linked_node_api.hpp"
#include "registry.hpp"
#include "util.hpp"

namespace whm {
namespace {

// cPanel records the usage of cPanel API 1 only.
Response api1_usage_response(Context& ctx, const Request& req, const char* kind) {
  if (req.get_or("type", "cpapi1") != "cpapi1") throw ApiError("Invalid type specified.");
  Response r;
  r.data = {{"result", api1_usage(ctx.root, kind)}};
  return r;
}

Response get_api_calls(Context& ctx, const Request& req) { return api1_usage_response(ctx, req, "api1_calls"); }
Response get_api_pages(Context& ctx, const Request& req) { return api1_usage_response(ctx, req, "api1_pages"); }

Response get_appconfig_application_list(Context& ctx, const Request&) {
  Response r;
  r.data = appconfig_application_list(ctx.root);
  r.reason = "Got application list";
  return r;
}

// The Origin a browser on this server's WHM would send; whmapi1 is not
// behind WHM's HTTPS port, so it is WHM's plain port, as cPanel's own
// command line sends it.
Response cors_proxy_get(Context& ctx, const Request& req) {
  const std::string url = req.require("url");
  std::string host;
  {
    StateReader reader(ctx.root);
    host = server_hostname(ctx.root);
  }
  Response r;
  r.data = cors_proxy_fetch(url, "http://" + host + ":2086");
  return r;
}

constexpr const char* kRemoteCall = "execute_remote_whmapi1_with_password";

// The remote call's arguments, parameter_name[i]=parameter_value[i]; a name
// given several times is sent several times.
RemoteArgs remote_arguments(const Request& req) {
  std::vector<std::string> names;
  for (const auto& n : req.list("parameter_name"))
    if (!n.empty()) names.push_back(n);
  const std::vector<std::string>& values = req.list("parameter_value");
  if (names.size() != values.size()) throw ApiError("mismatch names/values");
  RemoteArgs args;
  for (size_t i = 0; i < names.size(); ++i) args.emplace_back(names[i], values[i]);
  return args;
}

// A remote call that would itself call another server (directly, or in a batch).
void refuse_multi_level_proxy(const std::string& function, const Request& req) {
  bool nested = function == kRemoteCall;
  if (function == "batch")
    for (const auto& command : req.list("parameter_value"))
      if (starts_with(command, kRemoteCall)) nested = true;
  if (nested) throw ApiError("Multi-level proxying is unsupported.");
}

// The remote's metadata.output warnings and messages (a text or a list of
// texts each) become this call's own.
void pass_on_output(const nlohmann::json& remote_meta, Response& r) {
  if (!remote_meta.contains("output") || !remote_meta["output"].is_object()) return;
  for (const char* key : {"warnings", "messages"}) {
    if (!remote_meta["output"].contains(key)) continue;
    const nlohmann::json& v = remote_meta["output"][key];
    nlohmann::json texts = nlohmann::json::array();
    if (v.is_string()) texts.push_back(v);
    if (v.is_array())
      for (const auto& item : v)
        if (item.is_string()) texts.push_back(item);
    if (!texts.empty()) r.metadata["output"][key] = texts;
  }
}

Response execute_remote_whmapi1_with_password(Context&, const Request& req) {
  const std::string host = req.require("host");
  const std::string function = req.require("function");
  RemoteWhm remote{host, req.require("username"), "", true, req.require("password")};
  refuse_multi_level_proxy(function, req);
  const std::string tls = req.get_or("tls_verification", "");
  if (tls == "off")
    remote.verify_tls = false;
  else if (!tls.empty() && tls != "on")
    throw ApiError("bad “tls_verification”: “" + tls + "”");
  if (!is_remote_host(host)) throw invalid_param("host", "“" + host + "” is not a valid hostname or IP address.");
  const bool plain_name = std::all_of(function.begin(), function.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_';
  });
  if (!plain_name) throw invalid_param("function", "“" + function + "” is not a valid function name.");

  const nlohmann::json env = call_remote_whmapi1_envelope(remote, function, remote_arguments(req));
  const nlohmann::json& meta = env["metadata"];
  Response r;
  r.data = env.contains("data") ? env["data"] : nlohmann::json();
  pass_on_output(meta, r);
  const nlohmann::json result = meta.contains("result") ? meta["result"] : nlohmann::json();
  r.ok = result == 1 || result == "1";
  if (!r.ok)
    r.reason = meta.contains("reason") && meta["reason"].is_string() ? meta["reason"].get<std::string>()
                                                                     : function + " failed on “" + host + "”.";
  return r;
}

WHMKIT_REGISTRATIONS(
    registrations, Registration({"get_api_calls", get_api_calls, Access::Read, root_only()}),
    Registration({"get_api_pages", get_api_pages, Access::Read, root_only()}),
    Registration({"get_appconfig_application_list", get_appconfig_application_list, Access::Read, root_only()}),
    Registration({"cors_proxy_get", cors_proxy_get, Access::Delegated, root_only()}),
    Registration({kRemoteCall,
                  execute_remote_whmapi1_with_password,
                  Access::Delegated,
                  root_only(),
                  {described(list_param("parameter_name"),
                             "The name of a parameter for the remote function; give one per parameter "
                             "(parameter_name-0, parameter_name-1, ...), each with its parameter_value."),
                   described(list_param("parameter_value"),
                             "The value of the parameter_name at the same position.")}}), );

}  // namespace
}  // namespace whm
