#include "tweak_settings.hpp"

#include <algorithm>

#include "damage.hpp"
#include "errors.hpp"
#include "util.hpp"

namespace whm {
namespace {

const char* kHeader =
    "################################################################################\n"
    "# NOTICE\n"
    "# Manually modifying this file is not recommended! Please use set_tweaksetting\n"
    "# (whmapi1) to change these values.\n"
    "################################################################################\n";

// etc/wwwacct.conf as cPanel reads it: "KEY value", blanks between.
std::optional<std::string> basic_value(const Transaction& view, const std::string& key) {
  std::optional<std::string> found;
  for_each_line(view.read(tweak_settings::kBasicFile).value_or(""), [&](std::string_view line) {
    std::string t = trim(line);
    if (t.empty() || t[0] == '#') return;
    size_t blank = t.find_first_of(" \t");
    if (t.substr(0, blank) == key) found = blank == std::string::npos ? "" : trim(t.substr(blank));
  });
  return found;
}

// Replaces the key's line (or adds one), keeping every other line as it is.
void stage_basic_value(Transaction& txn, const std::string& key, const std::string& value) {
  std::vector<std::string> lines = split(txn.read(tweak_settings::kBasicFile).value_or(""), '\n');
  if (!lines.empty() && lines.back().empty()) lines.pop_back();
  const std::string line = key + " " + value;
  auto same_key = [&](const std::string& l) {
    std::string t = trim(l);
    return t.substr(0, t.find_first_of(" \t")) == key;
  };
  auto at = std::find_if(lines.begin(), lines.end(), same_key);
  if (at == lines.end())
    lines.push_back(line);
  else
    *at = line;
  txn.write(tweak_settings::kBasicFile, join(lines, "\n") + "\n", 0644);
}

bool truthy(const std::optional<std::string>& v) { return v && !v->empty() && *v != "0"; }

// The file cPanel writes beside the setting (see SideFile).
void stage_side_file(Transaction& txn, const TweakKey& key, const std::optional<std::string>& value) {
  const std::string& path = key.side_path;
  auto touch = [&](const std::string& rel, bool present) {
    if (present && !txn.exists(rel)) txn.write(rel, "", 0644);
    if (!present && txn.exists(rel)) txn.remove(rel);
  };
  switch (key.side) {
    case SideFile::None: return;
    case SideFile::Touch: return touch(path, truthy(value));
    case SideFile::InverseTouch: return touch(path, !truthy(value));
    case SideFile::Value:
      if (truthy(value))
        txn.write(path, *value, 0644);
      else
        touch(path, false);
      return;
    case SideFile::Size:
      if (truthy(value))
        txn.write(path, std::string(static_cast<size_t>(std::stoll(*value)), 'x'), 0644);
      else
        touch(path, false);
      return;
    case SideFile::ProcFlag:
      for (const auto& flag : key.choices) touch(path + "/" + flag, value && *value == flag);
      return;
  }
}

}  // namespace

std::optional<std::string> read_tweak_setting(const Transaction& view, const std::string& key) {
  FileProblems ignored;
  ConfigValues values = parse_config_values(view.read(tweak_settings::kFile).value_or(""), &ignored);
  auto it = values.find(key);
  return it == values.end() ? std::nullopt : it->second;
}

std::string tweak_setting(const StateRoot& root, const std::string& key, const std::string& fallback) {
  return read_tweak_setting(Transaction(root), key).value_or(fallback);
}

ConfigValues load_tweak_settings_for_change(const Transaction& txn) {
  FileProblems problems;
  ConfigValues values = parse_config_values(txn.read(tweak_settings::kFile).value_or(""), &problems);
  refuse_if_damaged(tweak_settings::kFile, problems);
  return values;
}

void stage_tweak_settings(Transaction& txn, const ConfigValues& values) {
  txn.write(tweak_settings::kFile, kHeader + serialize_config_values(values), 0644);
  if (txn.exists(tweak_settings::kCache)) txn.remove(tweak_settings::kCache);
}

}  // namespace whm

namespace whm {

std::optional<std::string> effective_tweak_setting(const Transaction& view, TweakModule module, const TweakKey& key) {
  if (module == TweakModule::Basic) {
    if (auto v = basic_value(view, key.name)) return v;
    return key.fallback;
  }
  FileProblems ignored;
  for (const char* file : {tweak_settings::kFile, tweak_settings::kShippedDefaults}) {
    ConfigValues values = parse_config_values(view.read(file).value_or(""), &ignored);
    if (auto it = values.find(key.name); it != values.end()) return it->second;
  }
  return key.fallback;
}

void apply_tweak_setting(const StateRoot& root, Transaction& txn, TweakModule module, const TweakKey& key,
                         const std::string& value) {
  const auto& table_key = [&](const std::string& name) { return find_tweak_key(module, name); };
  if (!key.depends_on.empty() && truthy(value)) {
    const TweakKey* needed = table_key(key.depends_on);
    if (needed && !truthy(effective_tweak_setting(txn, module, *needed)))
      throw ApiError(key.name + " requires " + key.depends_on);
  }
  TweakCheck checked = check_tweak_value(key, value, root.root() == "/" ? "" : root.root());
  if (!checked.reason.empty()) throw ApiError(checked.reason);
  if (module == TweakModule::Basic) {
    stage_basic_value(txn, key.name, checked.value.value_or(""));
    return;
  }
  ConfigValues config = load_tweak_settings_for_change(txn);
  config[key.name] = checked.value;
  stage_tweak_settings(txn, config);
  stage_side_file(txn, key, checked.value);
}

}  // namespace whm
