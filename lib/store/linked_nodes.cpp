#include "linked_nodes.hpp"

#include "damage.hpp"
#include "errors.hpp"
#include "notices.hpp"
#include "output.hpp"
#include "util.hpp"

namespace whm {

namespace {

// The fields the API shows, in cPanel's order (Privileged::Configuration):
// the API token is left out, remote_node_linkages is kept on disk only.
const char* const kViewFields[] = {"hostname",   "username", "enabled_services", "worker_capabilities",
                                   "last_check", "version",  "tls_verified",     "system_settings"};

// Why `text` is not a node index (nullopt: it is one).
std::optional<std::string> index_problem(const std::string& text) {
  if (trim(text).empty()) return std::nullopt;
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (doc.is_discarded()) return "it is not valid JSON";
  if (!doc.is_object()) return "it is not a JSON object";
  return std::nullopt;
}

nlohmann::json parse_index(const std::string& text) {
  auto doc = nlohmann::json::parse(text, nullptr, false);
  if (!doc.is_object()) return nlohmann::json::object();
  // An entry that is not an object cannot describe a node.
  for (auto it = doc.begin(); it != doc.end();) it = it.value().is_object() ? std::next(it) : doc.erase(it);
  return doc;
}

}  // namespace

nlohmann::json load_linked_nodes(const Transaction& view) {
  auto text = view.read(linked_nodes::kFile);
  if (!text) return nlohmann::json::object();
  if (auto why = index_problem(*text)) {
    add_notice(std::string("The file “/") + linked_nodes::kFile + "” is damaged: " + *why + ".");
    return nlohmann::json::object();
  }
  return parse_index(*text);
}

nlohmann::json load_linked_nodes_for_change(const Transaction& txn) {
  auto text = txn.read(linked_nodes::kFile);
  if (!text) return nlohmann::json::object();
  if (auto why = index_problem(*text))
    throw DamagedFileError(std::string("The file “/") + linked_nodes::kFile + "” cannot be changed: " + *why + ".");
  return parse_index(*text);
}

void stage_linked_nodes(Transaction& txn, const nlohmann::json& nodes) {
  txn.write(linked_nodes::kFile, json_text(nodes), 0600);
}

const nlohmann::json& require_linked_node(const nlohmann::json& nodes, const std::string& alias) {
  auto it = nodes.find(alias);
  if (it == nodes.end()) throw ApiError("No node link with alias “" + alias + "” exists on this system.");
  return *it;
}

nlohmann::json linked_node_view(const nlohmann::json& stored) {
  nlohmann::json view = nlohmann::json::object();
  for (const char* field : kViewFields) view[field] = stored.contains(field) ? stored[field] : nlohmann::json();
  return view;
}

std::string worker_node_key(const std::string& type) { return "WORKER_NODE-" + type; }

std::vector<WorkerNode> worker_nodes_of(const CpUser& u) {
  std::vector<WorkerNode> out;
  const std::string prefix = "WORKER_NODE-";
  for (const auto& [key, value] : u.kv) {
    if (!starts_with(key, prefix) || value.empty()) continue;
    auto colon = value.find(':');
    out.push_back(
        {key.substr(prefix.size()), value.substr(0, colon), colon == std::string::npos ? "" : value.substr(colon + 1)});
  }
  return out;
}

}  // namespace whm
