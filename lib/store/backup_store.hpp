// The backup system's state: var/cpanel/backups/config (YAML with a JSON
// config.cache twin, UPPER-CASE keys, yes/no booleans) and the backups kept
// under BACKUPDIR: <dir>/<YYYY-MM-DD>/accounts/<user>.tar.gz (daily),
// <dir>/weekly/<date>/... and <dir>/monthly/<date>/...
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "state.hpp"

namespace whm {

constexpr const char* kBackupConfigRel = "var/cpanel/backups/config";

// The stored configuration: every key of the reference table, missing keys
// at their defaults, values as stored ("yes", "0,2,4,6", "7200").
using BackupConfig = std::map<std::string, std::string>;
BackupConfig load_backup_config(const Transaction& txn);
// The API view (backup_config_get): lower-case keys, booleans as 1/0,
// numbers as numbers.
nlohmann::json backup_config_api_view(const BackupConfig& c);
// Applies API arguments (lower-case names, 1/0 booleans); throws
// ValidationError naming the key for a bad value. Unknown keys are ignored.
void apply_backup_config_args(BackupConfig& c, const std::map<std::string, std::string>& args);
void stage_backup_config(Transaction& txn, const BackupConfig& c);
// The API names backup_config_set accepts.
std::vector<std::string> backup_config_api_names();

// The day of the week of `date` ("2026-11-23"): 0 = Sunday .. 6 = Saturday,
// as BACKUPDAYS counts them.
int backup_weekday(const std::string& date);
// Whether daily backups run on `date`: its weekday is listed in BACKUPDAYS.
bool is_daily_backup_day(const BackupConfig& c, const std::string& date);

// One account archive in the backup directory.
struct BackupPoint {
  std::string user;
  std::string date;         // "2026-11-23"
  std::string kind;         // daily, weekly, monthly
  std::string archive_rel;  // root-relative path of the .tar.gz / .tar
};
// Every archive under BACKUPDIR, oldest first.
std::vector<BackupPoint> list_backup_points(const StateRoot& root, const BackupConfig& c);
// "2026-11-23" -> "2026-11-23T00:00:00.000Z"
std::string restore_point_name(const std::string& date);
// "2026-11-23T00:00:00.000Z" or "2026-11-23" -> "2026-11-23"; nullopt if malformed.
std::optional<std::string> restore_point_date(const std::string& name);

}  // namespace whm
