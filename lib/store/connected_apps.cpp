#include "connected_apps.hpp"

#include "damage.hpp"
#include "notices.hpp"

namespace whm {

namespace {

std::string apps_rel(const std::string& owner) {
  if (owner == "root") return "root/conn-apps.json";
  check_path_component(owner, "reseller");
  return "var/cpanel/reseller-data/" + owner + "/conn-apps.json";
}

// The file's mapping; each application's data must be a mapping too.
nlohmann::json read_apps(const Transaction& view, const std::string& rel, FileProblems& problems) {
  auto text = view.read(rel);
  if (!text) return nlohmann::json::object();
  nlohmann::json apps = parse_json_object(*text, problems);
  for (auto it = apps.begin(); it != apps.end();) {
    if (it.value().is_object()) {
      ++it;
    } else {
      problems.push_back("the data of “" + it.key() + "” is not a JSON object");
      it = apps.erase(it);
    }
  }
  return apps;
}

}  // namespace

ConnectedApps ConnectedApps::load(const Transaction& view, const std::string& owner) {
  ConnectedApps c;
  c.rel_ = apps_rel(owner);
  FileProblems problems;
  c.apps_ = read_apps(view, c.rel_, problems);
  if (!problems.empty()) add_notice(damage_summary(c.rel_, problems));
  return c;
}

ConnectedApps ConnectedApps::load_for_change(const Transaction& txn, const std::string& owner) {
  ConnectedApps c;
  c.rel_ = apps_rel(owner);
  FileProblems problems;
  c.apps_ = read_apps(txn, c.rel_, problems);
  refuse_if_damaged(c.rel_, problems);
  return c;
}

const nlohmann::json* ConnectedApps::find(const std::string& name) const {
  auto it = apps_.find(name);
  return it == apps_.end() ? nullptr : &*it;
}

void ConnectedApps::stage(Transaction& txn) const { txn.write(rel_, apps_.dump() + "\n", 0600); }

}  // namespace whm
