// Remote MySQL profiles (WHM "Remote MySQL Databases"): cPanel's
// Cpanel::MysqlUtils::RemoteMySQL::ProfileManager store,
// var/cpanel/mysql/remote_profiles/profiles.json, mode 0600, root: one JSON
// object, profile name -> {mysql_host, mysql_port, mysql_user, mysql_pass,
// setup_via, active, cpcloud}. The active profile is the server /root/.my.cnf
// names. whmkit writes compact JSON with sorted keys (UNCONFIRMED layout).
#pragma once
#include <map>
#include <optional>
#include <string>

#include <nlohmann/json.hpp>

#include "state.hpp"

namespace whm {

inline constexpr const char* kMysqlProfilesFile = "var/cpanel/mysql/remote_profiles/profiles.json";
// whmkit's record of the last activation (cPanel keeps its job's state
// elsewhere: UNCONFIRMED).
inline constexpr const char* kMysqlActivationFile = "var/cpanel/mysql/remote_profiles/whmkit_activation.json";

// The profiles (missing file: none); a file that is not a JSON object of
// objects throws DamagedFileError.
nlohmann::json load_mysql_profiles(const Transaction& view);
void stage_mysql_profiles(Transaction& txn, const nlohmann::json& profiles);

// Checks a profile's fields as cPanel's _sanitize_profile_hr does and returns
// it with only the known keys (setup_via "Unspecified", active 0, cpcloud 0
// by default); throws ApiError listing what is wrong.
nlohmann::json sanitize_mysql_profile(const std::string& name, nlohmann::json profile);
bool is_local_mysql_host(const std::string& host);

}  // namespace whm
