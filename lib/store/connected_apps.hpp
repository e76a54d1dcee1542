// Connected applications: what WHM keeps about an outside application linked
// to the server (its API token's name, key files, the JSON Web Token it was
// linked with...), one JSON file per WHM user, as cPanel keeps it:
//   root/conn-apps.json                                 root's (0600)
//   var/cpanel/reseller-data/<reseller>/conn-apps.json  a reseller's (0600)
// holding {"<application name>": {<its data>}, ...}. Only the file changes:
// removing an application frees none of the resources its data names.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

#include "state.hpp"

namespace whm {

class ConnectedApps {
 public:
  // The applications of WHM user `owner` ("root" or a reseller). A damaged
  // file reads as empty, with a warning.
  static ConnectedApps load(const Transaction& view, const std::string& owner);
  // For a change: a damaged file is refused (DamagedFileError).
  static ConnectedApps load_for_change(const Transaction& txn, const std::string& owner);

  // {name: data}, in name order.
  const nlohmann::json& all() const { return apps_; }
  const nlohmann::json* find(const std::string& name) const;
  void save(const std::string& name, const nlohmann::json& data) { apps_[name] = data; }
  bool remove(const std::string& name) { return apps_.erase(name) > 0; }
  void stage(Transaction& txn) const;

 private:
  std::string rel_;
  nlohmann::json apps_ = nlohmann::json::object();
};

}  // namespace whm
