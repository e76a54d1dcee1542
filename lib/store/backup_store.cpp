#include "backup_store.hpp"

#include <algorithm>
#include <ctime>

#include "account_store.hpp"
#include "errors.hpp"
#include "output.hpp"
#include "syck_yaml.hpp"
#include "util.hpp"

namespace whm {

namespace {

enum class Kind { YesNo, Int, Enum, DayList, DateList, Path, Text };

struct KeyRule {
  const char* key;
  const char* fallback;
  Kind kind;
  long long min = 0, max = 0;             // Int
  std::vector<std::string> allowed = {};  // Enum
};

const std::vector<KeyRule>& rules() {
  static const std::vector<KeyRule> r = {
      {"BACKUPENABLE", "no", Kind::YesNo},
      {"BACKUPTYPE", "compressed", Kind::Enum, 0, 0, {"compressed", "uncompressed", "incremental"}},
      {"BACKUPDIR", "/backup", Kind::Path},
      {"BACKUPACCTS", "yes", Kind::YesNo},
      {"BACKUPSUSPENDEDACCTS", "no", Kind::YesNo},
      {"BACKUPBWDATA", "yes", Kind::YesNo},
      {"BACKUPFILES", "yes", Kind::YesNo},
      {"BACKUPLOGS", "no", Kind::YesNo},
      {"BACKUPMOUNT", "no", Kind::YesNo},
      {"LOCALZONESONLY", "no", Kind::YesNo},
      {"BACKUPDAYS", "0,2,4,6", Kind::DayList},
      {"BACKUP_DAILY_ENABLE", "yes", Kind::YesNo},
      {"BACKUP_WEEKLY_ENABLE", "no", Kind::YesNo},
      {"BACKUP_MONTHLY_ENABLE", "no", Kind::YesNo},
      {"BACKUP_DAILY_RETENTION", "5", Kind::Int, 1, 9999},
      {"BACKUP_WEEKLY_RETENTION", "4", Kind::Int, 1, 9999},
      {"BACKUP_MONTHLY_RETENTION", "1", Kind::Int, 1, 9999},
      {"BACKUP_WEEKLY_DAY", "0", Kind::Int, 0, 6},
      {"BACKUP_MONTHLY_DATES", "1", Kind::DateList},
      {"KEEPLOCAL", "1", Kind::Int, 0, 1},
      {"MYSQLBACKUP", "accounts", Kind::Enum, 0, 0, {"accounts", "both", "dir"}},
      {"PSQLBACKUP", "no", Kind::YesNo},
      {"GZIPRSYNCOPTS", "", Kind::Text},
      {"MAXIMUM_TIMEOUT", "7200", Kind::Int, 300, 50000},
      {"MAXIMUM_RESTORE_TIMEOUT", "21600", Kind::Int, 300, 86400},
      {"ERRORTHRESHHOLD", "3", Kind::Int, 1, 100},
      {"LINKDEST", "0", Kind::Int, 0, 1},
      {"CHECK_MIN_FREE_SPACE", "1", Kind::Int, 0, 1},
      {"MIN_FREE_SPACE", "5", Kind::Int, 0, 1LL << 40},
      {"MIN_FREE_SPACE_UNIT", "percent", Kind::Enum, 0, 0, {"percent", "MB"}},
      {"FORCE_PRUNE_DAILY", "0", Kind::Int, 0, 1},
      {"FORCE_PRUNE_WEEKLY", "0", Kind::Int, 0, 1},
      {"FORCE_PRUNE_MONTHLY", "0", Kind::Int, 0, 1},
      {"DISABLE_METADATA", "no", Kind::YesNo},
      {"REMOTE_RESTORE_STAGING_DIR", "/backup", Kind::Path},
      {"PREBACKUP", "-1", Kind::Int, -1, 1},
      {"POSTBACKUP", "no", Kind::YesNo},
  };
  return r;
}

[[noreturn]] void bad(const std::string& name, const std::string& value, const std::string& why) {
  throw ValidationError("Invalid value for “" + name + "”: “" + value + "” " + why);
}

void check_number_list(const std::string& name, const std::string& value, long long lo, long long hi) {
  if (value.empty()) bad(name, value, "is empty.");
  for (const auto& part : split(value, ',')) {
    auto n = parse_int(trim(part));
    if (!n || *n < lo || *n > hi)
      bad(name, value,
          "must be a comma-separated list of numbers from " + std::to_string(lo) + " to " + std::to_string(hi) + ".");
  }
}

// The stored form of an API value for `r`, or ValidationError.
std::string stored_value(const KeyRule& r, const std::string& value) {
  const std::string name = to_lower(r.key);
  for (unsigned char c : value)
    if (c < 0x20 || c == 0x7f) bad(name, value, "contains a control character.");
  switch (r.kind) {
    case Kind::YesNo: {
      std::string v = to_lower(value);
      if (v == "1" || v == "yes" || v == "on") return "yes";
      if (v == "0" || v == "no" || v == "off") return "no";
      bad(name, value, "is not 1 or 0.");
    }
    case Kind::Int: {
      auto n = parse_int(value);
      if (!n || *n < r.min || *n > r.max)
        bad(name, value, "is not a number from " + std::to_string(r.min) + " to " + std::to_string(r.max) + ".");
      return std::to_string(*n);
    }
    case Kind::Enum:
      if (std::find(r.allowed.begin(), r.allowed.end(), value) == r.allowed.end())
        bad(name, value, "is not one of: " + join(r.allowed, ", ") + ".");
      return value;
    case Kind::DayList: check_number_list(name, value, 0, 6); return value;
    case Kind::DateList: check_number_list(name, value, 1, 31); return value;
    case Kind::Path: {
      if (value.empty() || value[0] != '/') bad(name, value, "is not an absolute path.");
      for (const auto& part : split(value, '/'))
        if (part == "..") bad(name, value, "contains “..”.");
      return value;
    }
    case Kind::Text: return value;
  }
  return value;
}

}  // namespace

BackupConfig load_backup_config(const Transaction& txn) {
  BackupConfig c;
  for (const auto& r : rules()) c[r.key] = r.fallback;
  if (auto text = txn.read(kBackupConfigRel)) {
    auto doc = yaml_to_json(*text);
    if (doc.is_object())
      for (auto it = doc.begin(); it != doc.end(); ++it) {
        if (it.value().is_string())
          c[it.key()] = it.value().get<std::string>();
        else if (it.value().is_number_integer())
          c[it.key()] = std::to_string(it.value().get<long long>());
        else if (it.value().is_boolean())
          c[it.key()] = it.value().get<bool>() ? "yes" : "no";
      }
  }
  return c;
}

nlohmann::json backup_config_api_view(const BackupConfig& c) {
  nlohmann::json out = nlohmann::json::object();
  for (const auto& r : rules()) {
    const std::string& v = c.at(r.key);
    nlohmann::json value = v;
    if (r.kind == Kind::YesNo) value = (v == "yes" || v == "1") ? 1 : 0;
    if (r.kind == Kind::Int)
      if (auto n = parse_int(v)) value = *n;
    out[to_lower(r.key)] = value;
  }
  return out;
}

void apply_backup_config_args(BackupConfig& c, const std::map<std::string, std::string>& args) {
  for (const auto& r : rules()) {
    auto it = args.find(to_lower(r.key));
    if (it != args.end()) c[r.key] = stored_value(r, it->second);
  }
}

std::vector<std::string> backup_config_api_names() {
  std::vector<std::string> out;
  for (const auto& r : rules()) out.push_back(to_lower(r.key));
  return out;
}

void stage_backup_config(Transaction& txn, const BackupConfig& c) {
  nlohmann::json doc = nlohmann::json::object();
  for (const auto& [k, v] : c) doc[k] = v;
  for (const auto& r : rules())  // numbers are stored as YAML numbers, not strings
    if (r.kind == Kind::Int)
      if (auto n = parse_int(c.at(r.key))) doc[r.key] = *n;
  // load_backup_config reads a damaged file leniently: what it skipped would be lost.
  if (auto current = txn.read(kBackupConfigRel)) refuse_if_damaged(kBackupConfigRel, yaml_mapping_problems(*current));
  txn.write(kBackupConfigRel, syck_dump(doc), 0644);
  txn.write(std::string(kBackupConfigRel) + ".cache", json_text(doc) + "\n", 0644);
}

int backup_weekday(const std::string& date) {
  std::tm tm{};
  tm.tm_year = std::stoi(date.substr(0, 4)) - 1900;
  tm.tm_mon = std::stoi(date.substr(5, 2)) - 1;
  tm.tm_mday = std::stoi(date.substr(8, 2));
  tm.tm_hour = 12;
  std::time_t t = ::timegm(&tm);
  std::tm out{};
  ::gmtime_r(&t, &out);
  return out.tm_wday;
}

bool is_daily_backup_day(const BackupConfig& c, const std::string& date) {
  const std::string today = std::to_string(backup_weekday(date));
  auto it = c.find("BACKUPDAYS");
  for (const auto& day : split(it == c.end() ? "" : it->second, ','))
    if (trim(day) == today) return true;
  return false;
}

std::vector<BackupPoint> list_backup_points(const StateRoot& root, const BackupConfig& c) {
  std::vector<BackupPoint> out;
  std::string base;
  try {
    base = paths::rel_from_abs(c.at("BACKUPDIR"));
  } catch (const ApiError&) {
    return out;
  }
  auto scan = [&](const std::string& rel, const std::string& kind) {
    for (const auto& date : root.list_dir(rel)) {
      if (!restore_point_date(date)) continue;  // "weekly", "monthly", stray files
      for (const auto& name : root.list_dir(rel + "/" + date + "/accounts")) {
        std::string user = name;
        for (const char* ext : {".tar.gz", ".tar"})
          if (ends_with(user, ext)) user = user.substr(0, user.size() - std::string(ext).size());
        if (user.empty() || user[0] == '.') continue;
        out.push_back({user, date, kind, rel + "/" + date + "/accounts/" + name});
      }
    }
  };
  scan(base, "daily");
  scan(base + "/weekly", "weekly");
  scan(base + "/monthly", "monthly");
  std::sort(out.begin(), out.end(), [](const BackupPoint& a, const BackupPoint& b) {
    return std::tie(a.date, a.kind, a.user) < std::tie(b.date, b.kind, b.user);
  });
  return out;
}

std::string restore_point_name(const std::string& date) { return date + "T00:00:00.000Z"; }

std::optional<std::string> restore_point_date(const std::string& name) {
  std::string d = name.substr(0, 10);
  if (d.size() != 10 || d[4] != '-' || d[7] != '-' || !is_digits(d.substr(0, 4)) || !is_digits(d.substr(5, 2)) ||
      !is_digits(d.substr(8, 2)))
    return std::nullopt;
  if (name.size() > 10 && name.substr(10) != "T00:00:00.000Z" && name.substr(10) != "T00:00:00Z") return std::nullopt;
  return d;
}

}  // namespace whm
