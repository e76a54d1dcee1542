// Calls to another server's WHM API 1 over HTTPS (libcurl), as cPanel's
// Cpanel::RemoteAPI::WHM makes them for linked nodes: a POST to
// https://HOST:2087/json-api/FUNCTION with "api.version=1" and the
// arguments as a form, authenticated by "Authorization: whm USER:TOKEN"
// (or, for execute_remote_whmapi1_with_password, HTTP Basic with the
// user's password).
//
// Test hooks (never set on a real server): WHMKIT_REMOTE_WHM_PORT replaces
// the port 2087, WHMKIT_REMOTE_WHM_CA_FILE names the CA bundle that
// verifies the node's certificate (tests run a loopback server with a
// certificate of their own).
#pragma once
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "errors.hpp"

namespace whm {

// Whether `host` can name another server: a domain name or an IP address.
bool is_remote_host(const std::string& host);

struct RemoteWhm {
  std::string hostname, username, api_token;
  bool verify_tls = true;
  std::string password = "";  // set: Basic authentication with it instead of the token
};

// The node's certificate could not be verified (or TLS failed).
struct RemoteTlsError : ApiError {
  using ApiError::ApiError;
};

using RemoteArgs = std::vector<std::pair<std::string, std::string>>;

// Calls `function` and returns its data as cPanel's client gives it: a
// "data" object whose only member is a list is that list. Throws
// RemoteTlsError, or ApiError when the node cannot be reached, does not
// answer WHM API 1 JSON, or reports a failure (its reason).
nlohmann::json call_remote_whmapi1(const RemoteWhm& node, const std::string& function, const RemoteArgs& args = {});

// The whole envelope `function` answered with, whether it succeeded or not.
// Throws as call_remote_whmapi1 when there is none.
nlohmann::json call_remote_whmapi1_envelope(const RemoteWhm& node, const std::string& function,
                                            const RemoteArgs& args = {});

// One batch call of several functions (WHM API 1 "batch"): each answer's
// data, in order. Throws as call_remote_whmapi1, naming the function that failed.
std::vector<nlohmann::json> call_remote_batch(const RemoteWhm& node,
                                              const std::vector<std::pair<std::string, RemoteArgs>>& calls);

// What get_server_node_status reports about a node: version,
// enabled_services, tls_verified, system_settings, remote_node_linkages.
// Without verification the node is tried with it first, then without when
// TLS fails (tls_verified 0), as cPanel does.
nlohmann::json fetch_server_node_status(const std::string& hostname, const std::string& username,
                                        const std::string& api_token, bool skip_tls_verification);

}  // namespace whm
