#include "linked_node_api.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cstdlib>

#include "curl_api.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {

namespace {

constexpr long kTimeoutSeconds = 30;

std::string escaped(CurlHandle& c, const std::string& s) {
  char* e = cu().curl_easy_escape(c.h, s.c_str(), static_cast<int>(s.size()));
  std::string out = e ? e : "";
  cu().curl_free(e);
  return out;
}

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

std::string port() {
  const char* p = std::getenv("WHMKIT_REMOTE_WHM_PORT");
  return p && *p ? p : "2087";
}

// An IPv6 address goes in brackets in a URL.
std::string url_host(const std::string& host) { return host.find(':') != std::string::npos ? "[" + host + "]" : host; }

// A message from the node, on one line and of a sensible length.
std::string one_line(std::string text) {
  for (char& ch : text)
    if (static_cast<unsigned char>(ch) < 0x20) ch = ' ';
  if (text.size() > 300) text = text.substr(0, 300) + "...";
  return text;
}

// What goes into the URL and the Authorization header must not change
// them: a host name or address, and a user and token without blanks,
// control bytes or (for the user) the colon that ends it.
void check_credentials(const RemoteWhm& node) {
  if (!is_remote_host(node.hostname))
    throw invalid_param("hostname", "“" + node.hostname + "” is not a valid hostname or IP address.");
  auto plain = [](const std::string& s, bool colon_ok) {
    return !s.empty() && std::all_of(s.begin(), s.end(), [&](char ch) {
      const auto u = static_cast<unsigned char>(ch);
      return u > 0x20 && u != 0x7f && (colon_ok || ch != ':');
    });
  };
  if (!plain(node.username, false)) throw invalid_param("username", "it must be a username without blanks or “:”.");
  if (!node.password.empty()) return;  // libcurl encodes it: any bytes will do
  if (!plain(node.api_token, true)) throw invalid_param("api_token", "it must not hold blanks or control characters.");
}

// The envelope `function` answered with; throws when there is none.
nlohmann::json post(const RemoteWhm& node, const std::string& function, const RemoteArgs& args) {
  check_credentials(node);
  CurlHandle c;
  if (!c.h) throw ApiError("libcurl could not start.");
  const std::string url = "https://" + url_host(node.hostname) + ":" + port() + "/json-api/" + function;
  std::string body = "api.version=1";
  for (const auto& [k, v] : args) body += "&" + escaped(c, k) + "=" + escaped(c, v);
  if (node.password.empty()) {
    const std::string auth = "Authorization: whm " + node.username + ":" + node.api_token;
    c.headers = cu().curl_slist_append(c.headers, auth.c_str());
  } else {
    cu().curl_easy_setopt(c.h, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC));
    cu().curl_easy_setopt(c.h, CURLOPT_USERNAME, node.username.c_str());
    cu().curl_easy_setopt(c.h, CURLOPT_PASSWORD, node.password.c_str());
  }
  std::string answer;
  cu().curl_easy_setopt(c.h, CURLOPT_URL, url.c_str());
  cu().curl_easy_setopt(c.h, CURLOPT_ERRORBUFFER, c.error);
  cu().curl_easy_setopt(c.h, CURLOPT_NOSIGNAL, 1L);
  cu().curl_easy_setopt(c.h, CURLOPT_CONNECTTIMEOUT, kTimeoutSeconds);
  cu().curl_easy_setopt(c.h, CURLOPT_TIMEOUT, 4 * kTimeoutSeconds);
  cu().curl_easy_setopt(c.h, CURLOPT_PROTOCOLS_STR, "https");
  cu().curl_easy_setopt(c.h, CURLOPT_HTTPHEADER, c.headers);
  cu().curl_easy_setopt(c.h, CURLOPT_POSTFIELDS, body.c_str());
  cu().curl_easy_setopt(c.h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  cu().curl_easy_setopt(c.h, CURLOPT_WRITEFUNCTION, &collect);
  cu().curl_easy_setopt(c.h, CURLOPT_WRITEDATA, &answer);
  if (const char* ca = std::getenv("WHMKIT_REMOTE_WHM_CA_FILE"); ca && *ca)
    cu().curl_easy_setopt(c.h, CURLOPT_CAINFO, ca);
  if (!node.verify_tls) {
    cu().curl_easy_setopt(c.h, CURLOPT_SSL_VERIFYPEER, 0L);
    cu().curl_easy_setopt(c.h, CURLOPT_SSL_VERIFYHOST, 0L);
  }
  const CURLcode rc = perform_transfer(c.h, url);
  if (rc != CURLE_OK) {
    const std::string why =
        "The system could not query “" + node.hostname + "”: " + (c.error[0] ? c.error : cu().curl_easy_strerror(rc));
    if (rc == CURLE_PEER_FAILED_VERIFICATION || rc == CURLE_SSL_CONNECT_ERROR || rc == CURLE_SSL_CERTPROBLEM)
      throw RemoteTlsError(why);
    throw ApiError(why);
  }
  long status = 0;
  cu().curl_easy_getinfo(c.h, CURLINFO_RESPONSE_CODE, &status);
  auto env = nlohmann::json::parse(answer, nullptr, false);
  if (status >= 400 || !env.is_object() || !env.contains("metadata") || !env["metadata"].is_object())
    throw ApiError("“" + node.hostname + "” did not answer “" + function + "” with WHM API 1 JSON (HTTP " +
                   std::to_string(status) + "): " + one_line(answer));
  return env;
}

std::string reason_of(const nlohmann::json& env) {
  const auto& meta = env["metadata"];
  return meta.contains("reason") && meta["reason"].is_string() ? meta["reason"].get<std::string>() : "failed";
}

bool succeeded(const nlohmann::json& env) {
  const auto& meta = env.contains("metadata") ? env["metadata"] : nlohmann::json();
  if (!meta.is_object() || !meta.contains("result")) return false;
  const auto& r = meta["result"];
  return (r.is_number() && r.get<double>() == 1) || (r.is_string() && r.get<std::string>() == "1");
}

// cPanel's client hands a list back as the list itself ({"payload": [...]} -> [...]).
nlohmann::json data_of(const nlohmann::json& env) {
  if (!env.contains("data")) return nullptr;
  const auto& data = env["data"];
  if (data.is_object() && data.size() == 1 && data.begin().value().is_array()) return data.begin().value();
  return data;
}

// "function?key=value&..." as a batch command.
std::string batch_command(const std::string& function, const RemoteArgs& args) {
  CurlHandle c;
  std::string out = function;
  for (size_t i = 0; i < args.size(); ++i)
    out += (i ? "&" : "?") + escaped(c, args[i].first) + "=" + escaped(c, args[i].second);
  return out;
}

}  // namespace

bool is_remote_host(const std::string& host) {
  unsigned char buf[sizeof(struct in6_addr)];
  if (inet_pton(AF_INET, host.c_str(), buf) == 1 || inet_pton(AF_INET6, host.c_str(), buf) == 1) return true;
  return !domain_syntax_error(host);
}

nlohmann::json call_remote_whmapi1(const RemoteWhm& node, const std::string& function, const RemoteArgs& args) {
  nlohmann::json env = post(node, function, args);
  if (!succeeded(env)) throw ApiError(function + ": " + one_line(reason_of(env)));
  return data_of(env);
}

nlohmann::json call_remote_whmapi1_envelope(const RemoteWhm& node, const std::string& function,
                                            const RemoteArgs& args) {
  return post(node, function, args);
}

std::vector<nlohmann::json> call_remote_batch(const RemoteWhm& node,
                                              const std::vector<std::pair<std::string, RemoteArgs>>& calls) {
  RemoteArgs args;
  for (const auto& [function, fargs] : calls) args.emplace_back("command", batch_command(function, fargs));
  nlohmann::json env = post(node, "batch", args);
  const nlohmann::json results = env.contains("data") && env["data"].is_object() && env["data"].contains("result")
                                     ? env["data"]["result"]
                                     : nlohmann::json();
  if (!results.is_array() || results.size() != calls.size()) {
    if (!succeeded(env)) throw ApiError("batch: " + one_line(reason_of(env)));
    throw ApiError("“" + node.hostname + "” answered the batch call without one result per call.");
  }
  std::vector<nlohmann::json> out;
  for (size_t i = 0; i < calls.size(); ++i) {
    const auto& one = results[i];
    if (!one.is_object() || !one.contains("metadata") || !one["metadata"].is_object() || !succeeded(one))
      throw ApiError(calls[i].first + ": " +
                     (one.is_object() && one.contains("metadata") && one["metadata"].is_object()
                          ? one_line(reason_of(one))
                          : std::string("no answer")));
    out.push_back(data_of(one));
  }
  return out;
}

nlohmann::json fetch_server_node_status(const std::string& hostname, const std::string& username,
                                        const std::string& api_token, bool skip_tls_verification) {
  // What cPanel asks a node (Cpanel::LinkedNode::get_server_node_status).
  const std::vector<std::pair<std::string, RemoteArgs>> calls = {
      {"version", {}},
      {"myprivs", {}},
      {"servicestatus", {}},
      {"list_linked_server_nodes", {}},
      {"get_tweaksetting", {{"module", "Mail"}, {"key", "globalspamassassin"}}},
  };
  RemoteWhm node{hostname, username, api_token, true};
  std::vector<nlohmann::json> results;
  int tls_verified = 1;
  try {
    results = call_remote_batch(node, calls);
  } catch (const RemoteTlsError&) {
    if (!skip_tls_verification) throw;
    node.verify_tls = false;
    tls_verified = 0;
    results = call_remote_batch(node, calls);
  }
  const auto& version = results[0];
  const auto& privs = results[1];
  const bool has_all = privs.is_array() && !privs.empty() && privs[0].is_object() && privs[0].contains("all") &&
                       (privs[0]["all"] == 1 || privs[0]["all"] == "1");
  if (!has_all) throw ApiError("You must specify an API token that possesses the “all” ACL.");
  nlohmann::json enabled = nlohmann::json::array();
  if (results[2].is_array())
    for (const auto& s : results[2])
      if (s.is_object() && s.contains("name") && s.contains("enabled") && (s["enabled"] == 1 || s["enabled"] == "1"))
        enabled.push_back(s["name"]);
  nlohmann::json spam = nullptr;
  if (results[4].is_object() && results[4].contains("tweaksetting") && results[4]["tweaksetting"].is_object() &&
      results[4]["tweaksetting"].contains("value"))
    spam = results[4]["tweaksetting"]["value"];
  return {{"version", version.is_object() && version.contains("version") ? version["version"] : nlohmann::json()},
          {"enabled_services", enabled},
          {"tls_verified", tls_verified},
          {"system_settings", {{"Mail", {{"globalspamassassin", spam}}}}},
          {"remote_node_linkages", results[3].is_array() ? results[3] : nlohmann::json::array()}};
}

}  // namespace whm
