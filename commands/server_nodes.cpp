// Server nodes: the remote cPanel servers linked to this one
// (lib/store/linked_nodes.hpp), the accounts they serve, their status asked
// over HTTPS (lib/store/linked_node_api.hpp), and the accounts' service
// proxying (lib/store/service_proxy.hpp).
#include <algorithm>
#include <ctime>

#include "account_lifecycle.hpp"
#include "account_store.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "linked_node_api.hpp"
#include "linked_nodes.hpp"
#include "registry.hpp"
#include "service_proxy.hpp"
#include "sysusers.hpp"
#include "util.hpp"
#include "validate.hpp"
#include "vhosts.hpp"

namespace whm {
namespace {

// ---------------------------------------------------------------- linked nodes

Response list_linked_server_nodes(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  const nlohmann::json nodes = load_linked_nodes(view);
  nlohmann::json payload = nlohmann::json::array();
  for (const auto& [alias, stored] : nodes.items()) {
    nlohmann::json node = linked_node_view(stored);
    node["alias"] = alias;
    payload.push_back(node);
  }
  Response r;
  r.data = {{"payload", payload}};
  return r;
}

Response get_linked_server_node(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  const nlohmann::json nodes = load_linked_nodes(view);
  Response r;
  r.data = linked_node_view(require_linked_node(nodes, req.require("alias")));
  return r;
}

Response list_user_child_nodes(Context& ctx, const Request&) {
  AccountStore store(ctx.root);
  nlohmann::json payload = nlohmann::json::array();
  for (const auto& user : store.usernames())
    if (auto u = store.load(user))
      for (const auto& w : worker_nodes_of(*u))
        payload.push_back({{"alias", w.alias}, {"type", w.type}, {"user", user}});
  Response r;
  r.data = {{"payload", payload}};
  return r;
}

Response get_server_node_status(Context&, const Request& req) {
  Response r;
  r.data = fetch_server_node_status(req.require("hostname"), req.require("username"), req.require("api_token"),
                                    req.flag("skip_tls_verification"));
  return r;
}

// The host names and addresses this server answers to.
bool is_local_server(const StateRoot& root, const std::string& host) {
  const ServerConfig cfg = load_server_config(root);
  return host == "localhost" || starts_with(host, "127.") || host == "::1" || host == cfg.hostname ||
         host == cfg.shared_ip;
}

// “a”, “b”, and “c”, as cPanel's list_and_quoted.
std::string quoted_list(const std::vector<std::string>& items) {
  std::string out;
  for (size_t i = 0; i < items.size(); ++i) {
    if (i) out += items.size() == 2 ? " and " : (i + 1 == items.size() ? ", and " : ", ");
    out += "“" + items[i] + "”";
  }
  return out;
}

// The oldest cPanel & WHM a Mail node may run. cPanel asks for its own
// major version; whmkit is not a cPanel build, so it asks for v94, the
// release whose linked-node API whmkit follows (UNCONFIRMED choice).
constexpr int kMinNodeMajor = 94;

// cPanel's checks that a node can take the Mail workload: its version, the
// services it must run, and that it does not already use this server as its
// own Mail node.
void check_mail_node(const StateRoot& root, const std::string& hostname, const nlohmann::json& status) {
  const std::string version = status["version"].is_string() ? status["version"].get<std::string>() : "";
  const auto parts = split(version, '.');
  const auto major = parts.size() > 1 ? parse_int(parts[1]) : std::nullopt;
  if (!major || parts[0] != "11" || *major < kMinNodeMajor)
    throw ApiError("The remote server “" + hostname + "” uses cPanel & WHM version “" + version +
                   "”. The minimum version that the system supports for “Mail” nodes is cPanel & WHM version “11." +
                   std::to_string(kMinNodeMajor) + ".0.0”.");
  std::vector<std::string> missing;
  for (const auto& service : linked_nodes::kMailServices)
    if (std::find(status["enabled_services"].begin(), status["enabled_services"].end(), service) ==
        status["enabled_services"].end())
      missing.push_back(service);
  if (!missing.empty()) {
    const auto& required = linked_nodes::kMailServices;
    throw ApiError("The remote server “" + hostname +
                   "” does not possess the required services for a “Mail” node. To link a server as a “Mail” node, "
                   "the server must support the " +
                   quoted_list(required) + " services. The remote server is missing the " + quoted_list(missing) +
                   (missing.size() == 1 ? " service." : " services."));
  }
  for (const auto& linkage : status["remote_node_linkages"])
    if (linkage.is_object() && linkage.contains("worker_capabilities") && linkage["worker_capabilities"].is_object() &&
        linkage["worker_capabilities"].contains("Mail") && linkage.contains("hostname") &&
        linkage["hostname"].is_string() && is_local_server(root, linkage["hostname"]))
      throw ApiError("This server cannot use “" + hostname + "” as a “Mail” linked node because “" + hostname +
                     "” already uses this server (" + linkage["hostname"].get<std::string>() +
                     ") as a “Mail” linked node.");
}

std::string text_of(const nlohmann::json& node, const char* key) {
  return node.contains(key) && node[key].is_string() ? node[key].get<std::string>() : "";
}

// cPanel links one node per host name.
void check_hostname_free(const nlohmann::json& nodes, const std::string& alias, const std::string& hostname) {
  for (const auto& [other, stored] : nodes.items())
    if (other != alias && text_of(stored, "hostname") == hostname)
      throw ApiError("The system already possesses a node linkage with alias “" + other +
                     "” to the server with hostname “" + hostname + "”.");
}

// Asks the node for its status first (no lock held while the network is
// used), then stores the new settings with what the node reported.
Response update_linked_server_node(Context& ctx, const Request& req) {
  const std::string alias = req.require("alias");
  nlohmann::json nodes;
  {
    StateReader reader(ctx.root);
    Transaction view(ctx.root);
    nodes = load_linked_nodes(view);
  }
  const nlohmann::json node = require_linked_node(nodes, alias);
  const bool verified = node.contains("tls_verified") && (node["tls_verified"] == 1 || node["tls_verified"] == true);
  const std::string new_hostname = req.get_or("hostname", "");
  if (verified && req.has("skip_tls_verification") && req.flag("skip_tls_verification"))
    throw ApiError("The hostname “" + (new_hostname.empty() ? text_of(node, "hostname") : new_hostname) +
                   "” is already TLS verified. You cannot disable TLS verification.");
  const bool changing_hostname = !new_hostname.empty() && new_hostname != text_of(node, "hostname");
  if (changing_hostname && domain_syntax_error(new_hostname))
    throw invalid_param("hostname", "“" + new_hostname + "” is not a valid hostname.");
  if (changing_hostname) check_hostname_free(nodes, alias, new_hostname);
  const std::string hostname = changing_hostname ? new_hostname : text_of(node, "hostname");
  const std::string username = req.get_or("username", "").empty() ? text_of(node, "username") : req.require("username");
  const std::string token = req.get_or("api_token", "").empty() ? text_of(node, "api_token") : req.require("api_token");
  std::vector<std::string> corrupt;
  if (hostname.empty()) corrupt.push_back("hostname");
  if (username.empty()) corrupt.push_back("username");
  if (token.empty()) corrupt.push_back("api_token");
  if (!corrupt.empty()) throw missing_param(join(corrupt, "”, “"));
  const bool skip_tls = req.has("skip_tls_verification") ? req.flag("skip_tls_verification") : !verified;

  const nlohmann::json status = fetch_server_node_status(hostname, username, token, skip_tls);
  check_mail_node(ctx.root, hostname, status);

  StateWriter writer(ctx.root);
  nodes = load_linked_nodes_for_change(writer.txn());
  require_linked_node(nodes, alias);
  if (changing_hostname) check_hostname_free(nodes, alias, hostname);
  nlohmann::json updated = {{"hostname", hostname},
                            {"username", username},
                            {"api_token", token},
                            {"worker_capabilities", {{"Mail", nlohmann::json::object()}}},
                            {"last_check", static_cast<long long>(std::time(nullptr))}};
  for (const auto& [key, value] : status.items()) updated[key] = value;
  nodes[alias] = updated;
  stage_linked_nodes(writer.txn(), nodes);
  writer.commit();
  return {};
}

// ---------------------------------------------------------------- service proxying

// A backend must name another server: an IP address or a domain name.
void check_backend(const StateRoot& root, const std::string& param, const std::string& host) {
  if (!is_remote_host(host)) throw invalid_param(param, "“" + host + "” is not a valid hostname or IP address.");
  if (is_local_server(root, host))
    throw invalid_param(
        param, "“" + host + "” resolves to the local server. Provide a remote hostname or IP address instead.");
}

// Whether this server serves the account's websites: a child account (one a
// parent server distributes here) serves only the workloads it names.
bool serves_web_here(const CpUser& u) {
  const std::string workloads = u.get("CHILD_WORKLOADS");
  if (workloads.empty()) return true;
  for (const auto& w : split(workloads, ','))
    if (trim(w) == "Web") return true;
  return false;
}

// Puts the account's web backend into each web vhost's userdata ("proxy_backend").
void stage_vhost_backends(const StateRoot& root, Transaction& txn, const CpUser& u) {
  if (!serves_web_here(u)) return;
  const AccountVhosts vhosts = AccountVhosts::load(root, u.user());
  std::vector<std::string> names = {vhosts.main_domain};
  names.insert(names.end(), vhosts.sub_domains.begin(), vhosts.sub_domains.end());
  SystemUsers sys;
  sys.load(txn);
  auto pw = sys.user(u.user());
  const FileOwner owner = pw ? owner_of(*pw) : FileOwner{};
  const std::string backend = web_proxy_backend(u);
  AccountStore store(root);
  for (const auto& vhost : names)
    for (const std::string& name : {vhost, vhost + "_SSL"}) {
      auto doc = store.userdata(u.user(), name);
      if (!doc || !doc->is_object()) continue;
      if (backend.empty())
        doc->erase("proxy_backend");
      else
        (*doc)["proxy_backend"] = backend;
      store.save_userdata(txn, u.user(), name, *doc, owner);
    }
}

// A distributed account's child nodes get the same proxying, as cPanel
// propagates it (before the local change, which is not made if one fails).
void propagate_to_child_nodes(const StateRoot& root, const CpUser& u, const RemoteArgs& set_args) {
  const auto workers = worker_nodes_of(u);
  if (workers.empty()) return;
  Transaction view(root);
  const nlohmann::json nodes = load_linked_nodes(view);
  for (const auto& w : workers) {
    const nlohmann::json& node = require_linked_node(nodes, w.alias);
    const bool verified = node.contains("tls_verified") && (node["tls_verified"] == 1 || node["tls_verified"] == true);
    RemoteWhm remote{text_of(node, "hostname"), text_of(node, "username"), text_of(node, "api_token"), verified};
    if (set_args.empty())
      call_remote_whmapi1(remote, "unset_all_service_proxy_backends", {{"username", u.user()}});
    else
      call_remote_whmapi1(remote, "set_service_proxy_backends", set_args);
  }
}

Response get_service_proxy_backends(Context& ctx, const Request& req) {
  const CpUser u = AccountStore(ctx.root).require(req.require("username"));
  nlohmann::json payload = nlohmann::json::array();
  for (const auto& b : service_proxy_backends(u))
    payload.push_back({{"backend", b.backend},
                       {"service_group", b.service_group ? nlohmann::json(*b.service_group) : nlohmann::json()}});
  Response r;
  r.data = {{"payload", payload}};
  return r;
}

Response set_service_proxy_backends(Context& ctx, const Request& req) {
  const std::string user = req.require("username");
  const std::optional<std::string> general =
      req.get_or("general", "").empty() ? std::nullopt : std::optional<std::string>(req.require("general"));
  std::vector<std::string> groups, backends;
  for (const auto& g : req.list("service_group"))
    if (!g.empty()) groups.push_back(g);
  for (const auto& b : req.list("service_group_backend"))
    if (!b.empty()) backends.push_back(b);
  if (groups.size() != backends.size())
    throw ApiError("Count of “service_group” (" + join(groups, " ") + ") mismatches “service_group_backend” (" +
                   join(backends, " ") + ")!");
  if (general) check_backend(ctx.root, "general", *general);
  std::map<std::string, std::string> by_group;
  for (size_t i = 0; i < groups.size(); ++i) {
    check_backend(ctx.root, "service_group_backend", backends[i]);
    by_group[groups[i]] = backends[i];
  }
  if (!general && by_group.empty()) return {};  // nothing to change, as cPanel

  AccountStore store(ctx.root);
  CpUser u = store.require(user);
  set_service_proxy_backends(u, general, by_group);
  // The exclusive lock is held while a child node is told: the account cannot change meanwhile.
  RemoteArgs set_args = {{"username", user}, {"general", u.get(service_proxy::kGeneralKey)}};
  for (const auto& [group, backend] : by_group) {
    set_args.emplace_back("service_group", group);
    set_args.emplace_back("service_group_backend", backend);
  }
  propagate_to_child_nodes(ctx.root, u, set_args);
  save_account(store, ctx.txn(), u);
  stage_vhost_backends(ctx.root, ctx.txn(), u);
  return {};
}

Response unset_all_service_proxy_backends(Context& ctx, const Request& req) {
  AccountStore store(ctx.root);
  CpUser u = store.require(req.require("username"));
  unset_service_proxy_backends(u);
  propagate_to_child_nodes(ctx.root, u, {});
  save_account(store, ctx.txn(), u);
  stage_vhost_backends(ctx.root, ctx.txn(), u);
  return {};
}

WHMKIT_REGISTRATIONS(
    registrations, Registration({"list_linked_server_nodes", list_linked_server_nodes, Access::Read, root_only()}),
    Registration({"get_linked_server_node", get_linked_server_node, Access::Read, root_only()}),
    Registration({"list_user_child_nodes", list_user_child_nodes, Access::Read, root_only()}),
    Registration({"get_server_node_status", get_server_node_status, Access::Delegated, root_only()}),
    Registration({"update_linked_server_node", update_linked_server_node, Access::Delegated, root_only()}),
    Registration({"get_service_proxy_backends", get_service_proxy_backends, Access::Read, root_only()}),
    Registration({"set_service_proxy_backends",
                  set_service_proxy_backends,
                  Access::Write,
                  root_only(),
                  {described(optional_param("general"),
                             "The hostname or IP address of the server that handles the account's service proxy "
                             "requests. This parameter defaults to the existing service proxy configuration, if one "
                             "exists."),
                   list_param("service_group"), list_param("service_group_backend")}}),
    Registration({"unset_all_service_proxy_backends", unset_all_service_proxy_backends, Access::Write, root_only()}), );

}  // namespace
}  // namespace whm
