// cPanel & WHM's update preferences and what its updater leaves on disk:
//  * etc/cpupdate.conf: sorted KEY=value lines (CPANEL, RPMUP, SARULESUP,
//    UPDATES, STAGING_DIR), values lowercased but STAGING_DIR's;
//  * etc/cpanel/TIERS.json: the tier list cPanel's updater downloads from its
//    update servers (httpupdate.cpanel.net) and caches; whmkit only reads it;
//  * usr/local/cpanel/version: the installed cPanel & WHM build;
//  * var/cpanel/activate/<EULA version>: the EULA acceptance touch file.
#pragma once
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "state.hpp"

namespace whm {

namespace update_files {
inline constexpr const char* kConfig = "etc/cpupdate.conf";
inline constexpr const char* kTiers = "etc/cpanel/TIERS.json";
inline constexpr const char* kCpanelVersion = "usr/local/cpanel/version";
inline constexpr const char* kEulaAccepted = "var/cpanel/activate/2024-05.v01.GDPR.CPWHMEULA";
}  // namespace update_files

using UpdateConfig = std::map<std::string, std::string>;

// The preferences: the file's valid keys, cleaned as cPanel cleans them, and
// cPanel's defaults for those it lacks (release, daily, daily, daily,
// /usr/local/cpanel).
UpdateConfig load_update_config(const Transaction& view);
// Stages the file (cleaned, sorted).
void stage_update_config(Transaction& txn, const UpdateConfig& config);

// The cached tier list, or nullopt (absent or not a JSON object).
std::optional<nlohmann::json> load_tiers(const Transaction& view);
// The build a tier names: an explicit build ("11.110.0.5") is itself; a major
// version ("11.110") its main build; a branch ("11.110.0") its first build; a
// named tier ("release") the build that carries the name. nullopt: unknown.
std::optional<std::string> build_for_tier(const nlohmann::json& tiers, const std::string& tier);
// Each major version's main build and each named tier's build, as cPanel
// flattens the list for get_available_tiers.
nlohmann::json flattened_tiers(const nlohmann::json& tiers);
// When the build's long-term support ends (seconds), from its entry or the
// first LTS build of its major version that gives one.
std::optional<long long> lts_expiry(const nlohmann::json& tiers, const std::string& build);

// The installed cPanel & WHM build (usr/local/cpanel/version), if any.
std::optional<std::string> installed_cpanel_version(const Transaction& view);
// cPanel's version comparison: numeric, part by part ("11.110" > "11.98").
int compare_versions(const std::string& a, const std::string& b);

}  // namespace whm
