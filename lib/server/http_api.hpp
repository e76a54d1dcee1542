// whmkitd's routes, apart from the transport: an HTTP request (already
// parsed by the HTTP library) in, the status, headers and body out.
//   WHM port:    /json-api/<function>, /xml-api/<function> (WHM API 1 with
//                api.version=1, else WHM API 0's legacy shapes);
//                /json-api/cpanel (the cpanel_jsonapi_* passthrough)
//   cPanel port: /execute/<Module>/<function> (UAPI),
//                /json-api/cpanel?cpanel_jsonapi_module=... (API 2, or UAPI
//                with cpanel_jsonapi_apiversion=3)
//   both:        /login/ (password or create_user_session login), /logout/;
//                any of these under /cpsessNNNNNNNNNN/ with a session.
// Every call runs through the same dispatcher, authorization and locks as
// the command line, as the authenticated user.
#pragma once
#include <ctime>
#include <string>
#include <utility>
#include <vector>

#include "http_auth.hpp"
#include "state.hpp"

namespace whm {

struct HttpRequest {
  std::string method;                                       // "GET", "POST", ...
  std::string path;                                         // without the query
  std::vector<std::pair<std::string, std::string>> params;  // query and form or JSON body, decoded, in order
  Credentials credentials;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json; charset=UTF-8";
  std::string body;
  std::vector<std::pair<std::string, std::string>> headers;
  // For the logs: who it was and how it authenticated (Identity::method,
  // "" when it did not), and why a refusal was refused (never sent).
  std::string user = "-";
  std::string auth_method;
  std::string failure;
};

HttpResponse handle_http_request(const StateRoot& root, Port port, const HttpRequest& request, std::time_t now);

// A JSON request body ({"user": "bob", "api.version": 1, "list": [1, 2]})
// as the same (key, value) pairs a form would give; nested objects become
// dotted keys ("api": {"version": 1} is api.version=1). Throws on bad JSON.
std::vector<std::pair<std::string, std::string>> json_body_params(const std::string& body);

}  // namespace whm
