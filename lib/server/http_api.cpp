#include "http_api.hpp"

#include <sstream>

#include <nlohmann/json.hpp>

#include "api0.hpp"
#include "dispatch.hpp"
#include "errors.hpp"
#include "output.hpp"
#include "request.hpp"
#include "secrets.hpp"
#include "sessions.hpp"
#include "sysusers.hpp"
#include "two_factor.hpp"
#include "util.hpp"

namespace whm {

namespace {

using Params = std::vector<std::pair<std::string, std::string>>;

// What cPanel sends for a request it refuses (403), whatever the reason: the
// client learns nothing about which part was wrong.
HttpResponse access_denied(std::string failure) {
  HttpResponse r;
  r.status = 403;
  r.body =
      R"({"cpanelresult":{"apiversion":"2","error":"Access denied","data":{"reason":"Access denied","result":"0"},"type":"text"})"
      "}\n";
  r.failure = std::move(failure);
  return r;
}

HttpResponse not_found() {
  HttpResponse r;
  r.status = 404;
  r.content_type = "text/plain; charset=UTF-8";
  r.body = "Not Found\n";
  return r;
}

std::string param(const Params& params, const std::string& key) {
  std::string value;
  for (const auto& [k, v] : params)
    if (k == key) value = v;  // the last one, as the command line
  return value;
}

Params without_prefix(const Params& params, const std::string& prefix) {
  Params out;
  for (const auto& p : params)
    if (!starts_with(p.first, prefix)) out.push_back(p);
  return out;
}

// Runs a call and renders its envelope as the command line prints it.
std::string rendered(const StateRoot& root, Call call, OutputFormat fmt) {
  std::ostringstream out;
  run_call(root, std::move(call), fmt, out);
  return out.str();
}

HttpResponse json_answer(std::string body) {
  HttpResponse r;
  r.body = std::move(body);
  return r;
}

HttpResponse xml_answer(std::string body) {
  HttpResponse r;
  r.content_type = "text/xml; charset=UTF-8";
  r.body = std::move(body);
  return r;
}

// A request whose arguments cannot even be read (a NUL byte): the function's
// error envelope, as the command line answers it.
HttpResponse unreadable(Api api, const std::string& module, const std::string& function, const std::string& why,
                        OutputFormat fmt) {
  std::ostringstream out;
  render_envelope(out, api, error_envelope(api, module, function, why), fmt);
  return fmt == OutputFormat::Xml ? xml_answer(out.str()) : json_answer(out.str());
}

// API 2's answer when the call never ran.
std::string cpanelresult_error(const std::string& reason) {
  nlohmann::json body = {
      {"cpanelresult",
       {{"apiversion", "2"}, {"error", reason}, {"data", {{"reason", reason}, {"result", "0"}}}, {"type", "text"}}}};
  return render(body, OutputFormat::Json);
}

// /json-api/<function> and /xml-api/<function> on the WHM port.
HttpResponse whm_call(const StateRoot& root, const Identity& who, const std::string& function, const Params& params,
                      OutputFormat fmt) {
  Request req;
  try {
    req = request_from_pairs(function, params);
  } catch (const ApiError& e) {
    return unreadable(Api::Whm1, "", function, e.what(), fmt);
  }
  const bool v1 = req.api.contains("version") && req.api["version"] == "1";
  if (req.api.contains("version")) req.api.erase("version");
  Call call{Api::Whm1, "", std::move(req), who.user, who.token_grants};
  if (v1) {
    std::string body = rendered(root, std::move(call), fmt);
    return fmt == OutputFormat::Xml ? xml_answer(std::move(body)) : json_answer(std::move(body));
  }
  // WHM API 0: the legacy shapes (docs/api0.md); its cpanel passthrough
  // answers with the inner call's own envelope.
  std::string body = run_api0_call(root, std::move(call), fmt).body;
  return fmt == OutputFormat::Xml ? xml_answer(std::move(body)) : json_answer(std::move(body));
}

// /json-api/cpanel on the cPanel port: API 2 (or UAPI) as the account itself.
HttpResponse cpanel_call(const StateRoot& root, const Identity& who, const Params& params) {
  const std::string user = param(params, "cpanel_jsonapi_user");
  if (!user.empty() && user != who.user) return access_denied(who.user + ": cpanel_jsonapi_user names “" + user + "”");
  const std::string version = param(params, "cpanel_jsonapi_apiversion");
  const std::string module = param(params, "cpanel_jsonapi_module"), function = param(params, "cpanel_jsonapi_func");
  if (module.empty() || function.empty())
    return json_answer(
        cpanelresult_error("The cpanel_jsonapi_module and cpanel_jsonapi_func parameters are required."));
  if (!version.empty() && version != "2" && version != "3")
    return json_answer(cpanelresult_error("cPanel API " + version +
                                          " is not implemented by whmkit (use cpanel_jsonapi_apiversion 2 or 3)."));
  const Api api = version == "3" ? Api::Uapi : Api::Api2;
  Request req;
  try {
    req = request_from_pairs(function, without_prefix(params, "cpanel_jsonapi_"));
  } catch (const ApiError& e) {
    return unreadable(api, module, function, e.what(), OutputFormat::Json);
  }
  return json_answer(rendered(root, {api, module, std::move(req), who.user, who.token_grants}, OutputFormat::Json));
}

// /execute/<Module>/<function> on the cPanel port: UAPI's "result" object.
HttpResponse uapi_call(const StateRoot& root, const Identity& who, const std::string& module,
                       const std::string& function, const Params& params) {
  Request req;
  try {
    req = request_from_pairs(function, params);
  } catch (const ApiError& e) {
    return json_answer(render(error_envelope(Api::Uapi, module, function, e.what())["result"], OutputFormat::Json));
  }
  auto outcome = run_call_for_json(root, {Api::Uapi, module, std::move(req), who.user, who.token_grants});
  return json_answer(render(outcome.envelope["result"], OutputFormat::Json));
}

std::string cookie_header(Port port, const std::string& value) {
  return std::string(session_cookie_of(port)) + "=" + uri_encode(value) +
         "; HttpOnly; path=/; port=" + (port == Port::Whm ? "2087" : "2083") + "; secure";
}

HttpResponse login_answer(Port port, const NewSession& made, bool login_only) {
  HttpResponse r;
  const std::string home = made.session.security_token + "/";
  r.user = made.session.user;
  r.headers = {{"Set-Cookie", cookie_header(port, made.cookie_value())}, {"Location", home}};
  if (!login_only) r.status = 302;
  r.body = render(nlohmann::json{{"status", 1}, {"security_token", made.session.security_token}, {"redirect", home}},
                  OutputFormat::Json);
  return r;
}

HttpResponse login_refused(const std::string& message, std::string failure) {
  HttpResponse r;
  r.status = 401;
  r.body =
      render(nlohmann::json{{"status", 0}, {"message", message}, {"security_token", nullptr}, {"redirect", nullptr}},
             OutputFormat::Json);
  r.failure = std::move(failure);
  return r;
}

// POST /login/?login_only=1 with user and pass (and tfa_token): a new session.
HttpResponse password_login(const StateRoot& root, Port port, const Params& params, std::time_t now) {
  const std::string user = param(params, "user"), pass = param(params, "pass");
  const bool login_only = param(params, "login_only") == "1";
  if (auto why = login_refusal(root, port, user); !why.empty())
    return login_refused("invalid_login", user + ": " + why);
  if (!check_system_password(root, user, pass)) return login_refused("invalid_login", user + ": wrong password");
  if (two_factor_required(root, user)) {
    const std::string code = param(params, "tfa_token");
    if (code.empty()) return login_refused("tfa_required", user + ": two-factor authentication code missing");
    if (!verify_two_factor_code(root, user, code, now))
      return login_refused("invalid_tfa", user + ": two-factor authentication code invalid");
  }
  StateWriter writer(root);
  NewSession made = create_session(writer.txn(), user, service_of(port), "login", user, "", now);
  writer.commit();
  return login_answer(port, made, login_only);
}

// /cpsessNNNNNNNNNN/login/?session=...: create_user_session's one login.
HttpResponse session_login(const StateRoot& root, Port port, const std::string& path_token, const Params& params,
                           std::time_t now) {
  const std::string text = param(params, "session");
  StateWriter writer(root);  // the session is used once: check and mark it under the lock
  auto session = find_session(root, text, now);
  if (!session) return login_refused("invalid_session", "no such session, or it expired");
  if (!session->login_pending)
    return login_refused("invalid_session", session->user + ": the session was used already");
  if (session->service != service_of(port) || !constant_time_equal(session->security_token, path_token))
    return login_refused("invalid_session", session->user + ": the session is for another service or URL");
  if (auto why = login_refusal(root, port, session->user); !why.empty())
    return login_refused("invalid_session", session->user + ": " + why);
  record_session_use(writer.txn(), *session, now);
  writer.commit();
  NewSession used{*session, text.substr(text.rfind(',') + 1)};
  return login_answer(port, used, param(params, "login_only") == "1");
}

HttpResponse logout(const StateRoot& root, const Identity& who) {
  HttpResponse r;
  r.user = who.user;
  if (who.session) {
    StateWriter writer(root);
    remove_session(writer.txn(), who.session->name);
    writer.commit();
  }
  r.body = render(nlohmann::json{{"status", 1}}, OutputFormat::Json);
  return r;
}

// A session request is a use: keep it alive (written at most once a minute).
void note_session_use(const StateRoot& root, const Identity& who, std::time_t now) {
  if (!who.session || now - who.session->last_used < 60) return;
  StateWriter writer(root);
  record_session_use(writer.txn(), *who.session, now);
  writer.commit();
}

}  // namespace

HttpResponse handle_http_request(const StateRoot& root, Port port, const HttpRequest& request, std::time_t now) {
  std::string path = request.path;
  std::string rest;
  const std::string path_token = security_token_of(path, &rest);
  if (!path_token.empty()) path = rest.empty() ? "/" : rest;

  if (path == "/login" || path == "/login/") {
    if (!param(request.params, "session").empty()) return session_login(root, port, path_token, request.params, now);
    if (request.method != "POST") return login_refused("invalid_login", "a password login must be a POST");
    return password_login(root, port, request.params, now);
  }

  Credentials creds = request.credentials;
  creds.path_token = path_token;
  AuthResult auth = authenticate(root, port, creds, now);
  if (!auth.identity) return access_denied(auth.failure);
  const Identity& who = *auth.identity;
  note_session_use(root, who, now);

  HttpResponse r;
  const auto parts = split(path.substr(path.empty() ? 0 : 1), '/');
  if (path == "/logout" || path == "/logout/") {
    r = logout(root, who);
  } else if (port == Port::Whm && parts.size() == 2 && (parts[0] == "json-api" || parts[0] == "xml-api") &&
             is_function_name(parts[1])) {
    r = whm_call(root, who, parts[1], request.params, parts[0] == "xml-api" ? OutputFormat::Xml : OutputFormat::Json);
  } else if (port == Port::Cpanel && parts.size() == 2 && parts[0] == "json-api" && parts[1] == "cpanel") {
    r = cpanel_call(root, who, request.params);
  } else if (port == Port::Cpanel && parts.size() == 3 && parts[0] == "execute" && is_function_name(parts[1]) &&
             is_function_name(parts[2])) {
    r = uapi_call(root, who, parts[1], parts[2], request.params);
  } else {
    r = not_found();
  }
  if (r.user == "-") r.user = who.user;
  r.auth_method = who.method;
  return r;
}

std::vector<std::pair<std::string, std::string>> json_body_params(const std::string& body) {
  const nlohmann::json doc = nlohmann::json::parse(body);
  if (!doc.is_object()) throw ValidationError("The JSON request body must be an object.");
  Params out;
  std::function<void(const std::string&, const nlohmann::json&)> add = [&](const std::string& key,
                                                                           const nlohmann::json& v) {
    if (v.is_object()) {
      for (const auto& [k, child] : v.items()) add(key.empty() ? k : key + "." + k, child);
    } else if (v.is_array()) {
      for (const auto& item : v) add(key, item);
    } else if (v.is_string()) {
      out.emplace_back(key, v.get<std::string>());
    } else if (v.is_boolean()) {
      out.emplace_back(key, v.get<bool>() ? "1" : "0");  // WHM API booleans are 1 and 0
    } else if (!v.is_null()) {
      out.emplace_back(key, v.dump());
    }
  };
  add("", doc);
  return out;
}

}  // namespace whm
