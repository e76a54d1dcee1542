// Linked server nodes (cPanel's "Link Server Nodes"): the remote cPanel
// servers this (parent) server hands workloads such as Mail to.
//
//  * var/cpanel/linked_nodes/master.json (mode 0600, it holds API tokens):
//    one JSON object keyed by the node's alias, each value the node's
//    hostname, username, api_token, worker_capabilities ({"Mail": {}}),
//    last_check (epoch), and what the node reported: version,
//    enabled_services, tls_verified, system_settings, remote_node_linkages.
//  * An account a node serves holds "WORKER_NODE-<Type>=<alias>:<token>" in
//    its cpuser file (the parent's side); the node's copy of the account
//    holds CHILD_WORKLOADS=<Type,...>.
#pragma once
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "cpuser.hpp"
#include "state.hpp"

namespace whm {

namespace linked_nodes {
inline constexpr const char* kFile = "var/cpanel/linked_nodes/master.json";
// The workload types a node can take (cPanel's RECOGNIZED_WORKER_TYPES).
inline const std::vector<std::string> kWorkerTypes = {"Mail"};
// What a Mail node must run (Cpanel::LinkedNode::Type::Mail).
inline const std::vector<std::string> kMailServices = {"cpdavd", "exim", "imap", "lmtp", "pop"};
}  // namespace linked_nodes

// The nodes as the file has them (alias -> stored object), read leniently:
// a file that does not parse adds a warning and gives none.
nlohmann::json load_linked_nodes(const Transaction& view);
// The same, for a change: throws DamagedFileError if the file did not parse.
nlohmann::json load_linked_nodes_for_change(const Transaction& txn);
void stage_linked_nodes(Transaction& txn, const nlohmann::json& nodes);
// The stored node or ApiError “No node link with alias “x” exists on this system.”
const nlohmann::json& require_linked_node(const nlohmann::json& nodes, const std::string& alias);
// A node as the API shows it: every field but the API token, null where unset.
nlohmann::json linked_node_view(const nlohmann::json& stored);

// One "WORKER_NODE-<type>" entry of an account.
struct WorkerNode {
  std::string type, alias, token;
};
std::vector<WorkerNode> worker_nodes_of(const CpUser& u);
std::string worker_node_key(const std::string& type);

}  // namespace whm
