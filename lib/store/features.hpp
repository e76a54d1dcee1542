// Which cPanel features an account has: the feature lists
// (var/cpanel/features/<list>, "feature=0|1" lines) and the account's
// overrides (FEATURE-<NAME>=0|1 in the cpuser file).
//
// Resolution, as cPanel does it: "default" disables what it sets to anything
// but 1; the account's list then enables (1) or disables (other values) what
// it names (skipped when the list is "default" or "disabled"); the account's
// overrides come next; "disabled" is applied last and always wins.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace whm {

class StateRoot;
struct CpUser;

// A feature list's lines, in file order.
using FeatureValues = std::vector<std::pair<std::string, std::string>>;

// Lowercase letters, digits, "_" and "-", at most 64 characters.
bool valid_feature_id(const std::string& id);
// The list's "feature=value" lines (empty when it does not exist); lines that do not parse are skipped.
FeatureValues read_feature_list(const StateRoot& root, const std::string& list);
std::optional<std::string> feature_value(const FeatureValues& values, const std::string& id);

// The features cPanel ships (id, name), in id order.
const std::vector<std::pair<std::string, std::string>>& builtin_features();
// The add-on (plugin) features of usr/local/cpanel/whostmgr/addonfeatures/* ("id:Name" lines).
std::map<std::string, std::string> plugin_features(const StateRoot& root);
// Every known feature id with its name: the built-in ones, the add-on
// features of usr/local/cpanel/whostmgr/addonfeatures/* ("id:Name" lines)
// and any id a feature list names.
std::map<std::string, std::string> feature_catalogue(const StateRoot& root);

// "FEATURE-<ID>": the cpuser key of an account's override.
std::string feature_override_key(std::string id);

struct FeatureResolution {
  bool enabled;
  std::string list_value;  // what the account's list (after default) says: "1" or "0"
  std::optional<std::string> override_value;
};
FeatureResolution resolve_feature(const StateRoot& root, const CpUser& account, const std::string& id);

}  // namespace whm
