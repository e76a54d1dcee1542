// WHM API 1 "Configurations": Tweak Settings (get_tweaksetting,
// set_tweaksetting) over var/cpanel/cpanel.config ("Main") and
// etc/wwwacct.conf ("Basic"), and leika_get_config. The keys, their defaults
// and checks are in lib/store/tweak_setting_keys.cpp; docs/tweak-settings.md.
#include <map>

#include <nlohmann/json.hpp>

#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "notices.hpp"
#include "registry.hpp"
#include "tweak_settings.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {
namespace {

// The module argument, as cPanel checks it: one of its Tweak Settings
// modules. "Apache" (EasyApache's global configuration) and "Mail" (Exim's
// etc/exim.conf.localopts) are cPanel modules whmkit does not manage.
TweakModule tweak_module(const Request& req) {
  const std::string name = req.get_or("module", "Main");
  if (name == "Main" || name.empty()) return TweakModule::Main;
  if (name == "Basic") return TweakModule::Basic;
  if (name == "Apache" || name == "Mail")
    throw ApiError("whmkit does not manage the “" + name + "” Tweak Settings module (" +
                   (name == "Mail" ? "Exim’s /etc/exim.conf.localopts" : "EasyApache’s global configuration") + ").");
  throw ApiError("Invalid tweaksetting module");
}

// The key, as cPanel checks it: safe characters and a key of the module.
const TweakKey& tweak_key(const Request& req, TweakModule module) {
  const std::string name = req.require("key");
  const bool safe =
      name.find_first_not_of("_abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-") == std::string::npos;
  const TweakKey* key = safe ? find_tweak_key(module, name) : nullptr;
  if (!key) throw ApiError("Invalid tweaksetting key");
  return *key;
}

Response get_tweaksetting(Context& ctx, const Request& req) {
  const TweakModule module = tweak_module(req);
  const TweakKey& key = tweak_key(req, module);
  Transaction view(ctx.root);
  nlohmann::json setting = {{"key", key.name}};
  if (auto value = effective_tweak_setting(view, module, key)) setting["value"] = *value;  // undefined: no value
  Response r;
  r.data = {{"tweaksetting", setting}};
  return r;
}

// Without a value cPanel changes nothing and answers OK; an empty value
// leaves a key that may be undefined undefined (and is checked like any
// other value for the rest).
Response set_tweaksetting(Context& ctx, const Request& req) {
  const TweakModule module = tweak_module(req);
  const TweakKey& key = tweak_key(req, module);
  if (auto value = req.get("value")) apply_tweak_setting(ctx.root, ctx.txn(), module, key, *value);
  return {};
}

// ---------------------------------------------------------------- restore

// The settings a configuration backup holds: a JSON object, or lines of
// "key=value" (Main: cpanel.config's form) or "key value" (Basic:
// wwwacct.conf's). A JSON null or a bare key is an undefined value.
std::map<std::string, std::string> backup_settings(const std::string& text, TweakModule module,
                                                   const std::string& where) {
  std::map<std::string, std::string> settings;
  const bool binary = text.find('\0') != std::string::npos;
  const auto first = text.find_first_not_of(" \t\r\n");
  if (!binary && first != std::string::npos && text[first] == '{') {
    auto json = nlohmann::json::parse(text, nullptr, false);
    if (json.is_object())
      for (const auto& [k, v] : json.items()) {
        if (v.is_string())
          settings[k] = v.get<std::string>();
        else if (v.is_number() || v.is_boolean())
          settings[k] = v.is_boolean() ? (v.get<bool>() ? "1" : "0") : v.dump();
        else if (v.is_null())
          settings[k] = "";
        else
          add_notice("“" + k + "” is not a single value: skipped.");
      }
  } else if (!binary) {
    if (module == TweakModule::Basic) {
      for (const auto& [k, v] : parse_key_values(text, ' ')) settings[k] = v;
    } else {
      for (const auto& [k, v] : parse_config_values(text)) settings[k] = v.value_or("");
    }
  }
  if (settings.empty())
    throw invalid_param("path", "The file located in the “" + where +
                                    "” directory does not contain JSON, space-separated key and value pairs on "
                                    "newlines, or equals sign-separated key and value pairs on newlines.");
  return settings;
}

// Applies a configuration backup through the module's checks, as
// set_tweaksetting would key by key, in one transaction: a known key with a
// value the module refuses refuses the whole backup (nothing changes); a key
// whmkit does not manage is skipped with a warning; a key that already has
// its value is left alone, so a backup without changes writes nothing.
Response restore_config(Context& ctx, TweakModule module, const std::string& text, const std::string& where) {
  Transaction& txn = ctx.txn();
  int changed = 0;
  for (const auto& [name, value] : backup_settings(text, module, where)) {
    const TweakKey* key = find_tweak_key(module, name);
    if (!key) {
      add_notice("“" + name + "” is not a setting whmkit manages: skipped.");
      continue;
    }
    TweakCheck checked = check_tweak_value(*key, value, ctx.root.is_system_root() ? "" : ctx.root.root());
    if (!checked.reason.empty()) throw ApiError(name + ": " + checked.reason);
    if (checked.value == effective_tweak_setting(txn, module, *key)) continue;
    apply_tweak_setting(ctx.root, txn, module, *key, value);
    ++changed;
  }
  Response r;
  if (!changed) add_notice("The backup holds no change: nothing was written.");
  return r;
}

// A backup file on the server (an absolute path, read under the state root).
Response restore_config_from_path(Context& ctx, TweakModule module, const std::string& param, const std::string& path) {
  if (auto why = plain_absolute_path_error(path)) throw invalid_param(param, *why);
  auto text = ctx.root.read(path.substr(1));
  if (!text) throw ApiError("The system failed to open the file “" + path + "”: it does not exist or is unreadable.");
  return restore_config(ctx, module, *text, path);
}

Response restore_config_from_file(Context& ctx, const Request& req) {
  return restore_config_from_path(ctx, tweak_module(req), "path", req.require("path"));
}

// The uploaded file's contents; on the command line "file=@/path" names a
// file on the server instead, as cPanel's whmapi1 takes it.
Response restore_config_from_upload(Context& ctx, const Request& req) {
  const TweakModule module = tweak_module(req);
  const std::string file = req.get_or("file", "");
  if (file.empty())
    throw ApiError("Upload a configuration file with “multipart/form-data” encoding for this function.");
  if (file[0] == '@') return restore_config_from_path(ctx, module, "file", file.substr(1));
  return restore_config(ctx, module, file, "upload");
}

ParamSpec uploaded_file_param() {
  ParamSpec p = make_param("file", ParamType::String, true);
  p.multiline = true;  // a file's contents; parsed, never written as given
  return described(p, "The configuration file's contents, or @/path of a file on the server.");
}

// ---------------------------------------------------------------- Leika

// Leika's configuration: one JSON object of features, each an object of keys
// (UNCONFIRMED: the reference names no file; see docs/tweak-settings.md).
constexpr const char* kLeikaFile = "var/cpanel/leika/config.json";

Response leika_get_config(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  nlohmann::json config = nlohmann::json::object();
  if (auto text = view.read(kLeikaFile)) {
    config = nlohmann::json::parse(*text, nullptr, false);
    if (!config.is_object()) {
      add_notice(std::string("/") + kLeikaFile + " is not a JSON object: it was read as empty.");
      config = nlohmann::json::object();
    }
  }
  Response r;
  const auto& items = req.list("item");
  if (items.empty()) {
    r.data = config;
    return r;
  }
  r.data = nlohmann::json::object();
  for (const auto& item : items) {
    const nlohmann::json* at = &config;
    for (const auto& part : split(item, '.')) {
      if (!at->is_object() || !at->contains(part)) {
        at = nullptr;
        break;
      }
      at = &(*at)[part];
    }
    r.data[item] = at ? *at : nlohmann::json();  // an absent key: null, as the reference says
  }
  return r;
}

ParamSpec module_param() {
  ParamSpec p = optional_param("module");
  p.default_value = "Main";
  return described(p, "The Tweak Settings module: Main (cpanel.config) or Basic (wwwacct.conf).");
}

WHMKIT_REGISTRATIONS(
    registrations, Registration({"get_tweaksetting", get_tweaksetting, Access::Read, root_only(), {module_param()}}),
    Registration({"set_tweaksetting", set_tweaksetting, Access::Write, root_only(), {module_param()}}),
    Registration({"restore_config_from_file", restore_config_from_file, Access::Write, root_only()}),
    Registration({"restore_config_from_upload",
                  restore_config_from_upload,
                  Access::Write,
                  root_only(),
                  {uploaded_file_param()}}),
    Registration({"leika_get_config", leika_get_config, Access::Read, root_only(), {list_param("item")}}), );

}  // namespace
}  // namespace whm
