// Configuration clusters: the servers this (parent) server pushes its
// configuration to, each with the root user and remote access key to use
// (lib/store/config_cluster.hpp). As in cPanel, the answers show a key only
// as its signature and put name, user and signature in the metadata; a
// refused change keeps cPanel's one-line reason per function and changes
// nothing.
#include "config_cluster.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "linked_node_api.hpp"
#include "registry.hpp"

namespace whm {
namespace {

// A refusal that still echoes what the call named, as cPanel's metadata does.
Response refused(std::string reason, nlohmann::json metadata) {
  Response r;
  r.ok = false;
  r.reason = std::move(reason);
  r.metadata = std::move(metadata);
  return r;
}

Response list_configclusterservers(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  Response r;
  r.data = nlohmann::json::object();
  // Never the key itself: its signature only.
  for (const auto& [name, s] : load_cluster_servers(view))
    r.data[name] = {{"signature", cluster_key_signature(s.key)}, {"user", s.user}};
  return r;
}

Response add_configclusterserver(Context& ctx, const Request& req) {
  const std::string name = req.require("name"), user = req.require("user"), key = req.require("key");
  nlohmann::json echo = {{"name", name}, {"user", user}};
  ClusterServers servers = load_cluster_servers_for_change(ctx.txn());
  const std::string clean_key = sanitize_cluster_key(key);
  if (!is_cluster_server_user(user) || !is_remote_host(name) || servers.count(name) || clean_key.empty())
    return refused("The system was unable to add server “" + name + "” to the configuration cluster servers list.",
                   echo);
  servers[name] = {user, clean_key};
  stage_cluster_servers(ctx.txn(), servers);
  Response r;
  r.metadata = echo;
  r.metadata["signature"] = cluster_key_signature(clean_key);
  return r;
}

Response delete_configclusterserver(Context& ctx, const Request& req) {
  const std::string name = req.require("name");
  ClusterServers servers = load_cluster_servers_for_change(ctx.txn());
  if (!servers.erase(name))
    return refused("The system was unable to delete server “" + name + "” from the configuration clusters list.",
                   {{"name", name}});
  stage_cluster_servers(ctx.txn(), servers);
  Response r;
  r.metadata = {{"name", name}};
  return r;
}

Response update_configclusterserver(Context& ctx, const Request& req) {
  const std::string name = req.require("name");
  const std::string user = req.get_or("user", ""), key = req.get_or("key", "");
  if (user.empty() && key.empty()) throw missing_param("key", "or “user”");
  ClusterServers servers = load_cluster_servers_for_change(ctx.txn());
  auto it = servers.find(name);
  const std::string clean_key = sanitize_cluster_key(key);
  if (it == servers.end() || (!key.empty() && clean_key.empty()) || (!user.empty() && !is_cluster_server_user(user)))
    return refused("Cannot update server “" + name + "”.", {{"name", name}});
  if (!clean_key.empty()) it->second.key = clean_key;
  if (!user.empty()) it->second.user = user;
  stage_cluster_servers(ctx.txn(), servers);
  Response r;
  r.metadata = {{"name", name}, {"signature", cluster_key_signature(it->second.key)}, {"user", it->second.user}};
  return r;
}

// A remote access key is pasted from WHM as several lines: only its letters
// and digits are kept.
ParamSpec access_key_param(bool required) {
  ParamSpec p = make_param("key", ParamType::String, required);
  p.multiline = true;
  return p;
}

WHMKIT_REGISTRATIONS(
    registrations, Registration({"list_configclusterservers", list_configclusterservers, Access::Read, root_only()}),
    Registration(
        {"add_configclusterserver", add_configclusterserver, Access::Write, root_only(), {access_key_param(true)}}),
    Registration({"delete_configclusterserver", delete_configclusterserver, Access::Write, root_only()}),
    Registration({"update_configclusterserver",
                  update_configclusterserver,
                  Access::Write,
                  root_only(),
                  {access_key_param(false)}}), );

}  // namespace
}  // namespace whm
