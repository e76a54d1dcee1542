#include "legacy_backup_config.hpp"

#include "damage.hpp"
#include "errors.hpp"
#include "util.hpp"

namespace whm {

namespace {

// Keys the legacy and the new configuration share (cPanel's legacy-to-new map,
// less USEBINARYPKGACCT, which the new configuration does not have).
const char* const kSharedKeys[] = {"BACKUPACCTS",  "GZIPRSYNCOPTS", "PREBACKUP",      "POSTBACKUP",   "BACKUPDAYS",
                                   "BACKUPBWDATA", "BACKUPDIR",     "BACKUPMOUNT",    "BACKUPENABLE", "LINKDEST",
                                   "BACKUPFILES",  "BACKUPLOGS",    "LOCALZONESONLY", "MYSQLBACKUP"};

std::string value_of(const KeyValues& kv, const char* key) {
  auto it = kv.find(key);
  return it == kv.end() ? "" : it->second;
}

}  // namespace

KeyValues load_legacy_backup_config(const Transaction& txn) {
  KeyValues merged;
  for (const char* rel : {kLegacyBackupConfigRel, kLegacyBackupShadowRel}) {
    auto text = txn.read(rel);
    if (!text) continue;
    FileProblems problems;
    KeyValues kv = parse_key_values(*text, ' ', &problems);
    refuse_if_damaged(rel, problems, "converted");
    for (auto& [k, v] : kv) merged[k] = trim(v);
  }
  return merged;
}

BackupConfig convert_legacy_backup_config(const KeyValues& legacy, BackupConfig current) {
  std::map<std::string, std::string> args;  // in the API's names, checked as backup_config_set checks them
  for (const char* key : kSharedKeys) {
    auto it = legacy.find(key);
    if (it == legacy.end()) continue;
    std::string v = it->second;
    if (std::string(key) == "LINKDEST") v = v == "yes" ? "1" : v == "no" ? "0" : v;
    if (std::string(key) == "BACKUPENABLE" && v == "restoreonly") v = "no";  // restoring needs no switch now
    args[to_lower(key)] = v;
  }
  if (value_of(legacy, "BACKUPINC") == "yes")
    args["backuptype"] = "incremental";
  else if (value_of(legacy, "COMPRESSACCTS") == "yes")
    args["backuptype"] = "compressed";
  else if (value_of(legacy, "COMPRESSACCTS") == "no")
    args["backuptype"] = "uncompressed";
  // Legacy keeps one copy of each kind or none; the new system counts them.
  if (value_of(legacy, "BACKUPRETDAILY") == "1") args["backup_daily_retention"] = "1";
  if (value_of(legacy, "BACKUPRETWEEKLY") == "1") args["backup_weekly_retention"] = "1";
  if (value_of(legacy, "BACKUPRETMONTHLY") == "1") args["backup_monthly_retention"] = "1";
  const std::string interval = value_of(legacy, "BACKUPINT");
  if (interval == "daily" || interval == "weekly" || interval == "monthly") {
    args["backup_daily_enable"] = interval == "daily" ? "yes" : "no";
    args["backup_weekly_enable"] = interval == "monthly" ? "no" : "yes";
    args["backup_monthly_enable"] = "yes";
  }
  apply_backup_config_args(current, args);
  return current;
}

}  // namespace whm
