#include "config_cluster.hpp"

#include <cctype>

#include <nlohmann/json.hpp>

#include "damage.hpp"
#include "notices.hpp"
#include "syck_yaml.hpp"
#include "util.hpp"

namespace whm {

namespace {

std::string text_field(const nlohmann::json& entry, const char* key) {
  if (!entry.is_object() || !entry.contains(key)) return "";
  const auto& v = entry[key];
  if (v.is_string()) return v.get<std::string>();
  if (v.is_number()) return v.dump();  // a key of digits only reads back as a number
  return "";
}

ClusterServers parse(const std::string& text) {
  ClusterServers out;
  if (trim(text).empty()) return out;
  nlohmann::json doc;
  try {
    doc = yaml_to_json(text);
  } catch (const ApiError&) {
    return out;
  }
  if (!doc.is_object()) return out;
  for (auto it = doc.begin(); it != doc.end(); ++it)
    out[it.key()] = {text_field(it.value(), "user"), text_field(it.value(), "key")};
  return out;
}

FileProblems problems_of(const std::string& text) {
  return trim(text).empty() ? FileProblems{} : yaml_mapping_problems(text);
}

}  // namespace

ClusterServers load_cluster_servers(const Transaction& view) {
  auto text = view.read(config_cluster::kFile);
  if (!text) return {};
  if (FileProblems problems = problems_of(*text); !problems.empty())
    add_notice(damage_summary(config_cluster::kFile, problems));
  return parse(*text);
}

ClusterServers load_cluster_servers_for_change(const Transaction& txn) {
  auto text = txn.read(config_cluster::kFile);
  if (!text) return {};
  refuse_if_damaged(config_cluster::kFile, problems_of(*text));
  return parse(*text);
}

void stage_cluster_servers(Transaction& txn, const ClusterServers& servers) {
  if (servers.empty()) {
    if (txn.exists(config_cluster::kFile)) txn.remove(config_cluster::kFile);
  } else {
    nlohmann::json doc = nlohmann::json::object();
    for (const auto& [name, s] : servers) doc[name] = {{"key", s.key}, {"user", s.user}};
    txn.write(config_cluster::kFile, syck_dump(doc), 0600);
  }
  if (txn.exists(config_cluster::kCache)) txn.remove(config_cluster::kCache);
}

std::string sanitize_cluster_key(const std::string& key) {
  std::string out;
  for (char c : key)
    if (std::isalnum(static_cast<unsigned char>(c))) out += c;
  return out;
}

std::string cluster_key_signature(const std::string& key) {
  std::string hex;
  for (char c : key) {
    char l = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    if ((l >= '0' && l <= '9') || (l >= 'a' && l <= 'f')) hex += l;
    if (hex.size() == 32) break;
  }
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    if (!out.empty()) out += ':';
    out += hex.substr(i, 2);
  }
  return out;
}

bool is_cluster_server_user(const std::string& user) {
  if (user.empty() || user.size() > 32 || user[0] == '-' || user[0] == '.') return false;
  for (char c : user)
    if (!(std::islower(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c)) || c == '_' ||
          c == '-' || c == '.'))
      return false;
  return true;
}

}  // namespace whm
