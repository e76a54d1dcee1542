// Configuration cluster servers: var/cpanel/clusterserver/servers.db, the
// YAML::Syck datastore cPanel's Whostmgr::ClusterServer keeps (mode 0600:
// it holds each server's remote access key), one entry per server name:
//
//   ---
//   example.com:
//     key: 0a1b...
//     user: root
//
// cPanel removes the file when the last server goes, and keeps a cache beside
// it (servers.db.cache) that a change removes so cPanel rebuilds it.
#pragma once
#include <map>
#include <string>

#include "state.hpp"

namespace whm {

namespace config_cluster {
inline constexpr const char* kFile = "var/cpanel/clusterserver/servers.db";
inline constexpr const char* kCache = "var/cpanel/clusterserver/servers.db.cache";
}  // namespace config_cluster

struct ClusterServer {
  std::string user, key;
};
using ClusterServers = std::map<std::string, ClusterServer>;  // by server name

// The servers as the file has them, read leniently (a damaged file adds a
// warning and gives what parsed).
ClusterServers load_cluster_servers(const Transaction& view);
// The same, for a change: throws DamagedFileError if the file did not parse.
ClusterServers load_cluster_servers_for_change(const Transaction& txn);
// Stages the file (removed when `servers` is empty) and the cache's removal.
void stage_cluster_servers(Transaction& txn, const ClusterServers& servers);

// The key as cPanel stores it: its letters and digits only.
std::string sanitize_cluster_key(const std::string& key);
// What cPanel shows instead of a key: its first 32 hex digits, lower-cased,
// in colon-separated pairs ("d0:d0:..."); "" for a key without hex digits.
std::string cluster_key_signature(const std::string& key);
// Whether `user` is a username as cPanel accepts one for a remote server
// (letters, digits, "_", "-", "." and no leading "-" or ".").
bool is_cluster_server_user(const std::string& user);

}  // namespace whm
