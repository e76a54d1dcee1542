// WHM API 1 "Configurations": Tweak Settings (get_tweaksetting,
// set_tweaksetting) over var/cpanel/cpanel.config ("Main") and
// etc/wwwacct.conf ("Basic"), and leika_get_config. The keys, their defaults
// and checks are in lib/store/tweak_setting_keys.cpp; docs/tweak-settings.md.
#include <nlohmann/json.hpp>

#include "errors.hpp"
#include "notices.hpp"
#include "registry.hpp"
#include "tweak_settings.hpp"
#include "util.hpp"

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

const Registration registrations[] = {
    Registration({"get_tweaksetting", get_tweaksetting, Access::Read, root_only(), {module_param()}}),
    Registration({"set_tweaksetting", set_tweaksetting, Access::Write, root_only(), {module_param()}}),
    Registration({"leika_get_config", leika_get_config, Access::Read, root_only(), {list_param("item")}}),
};

}  // namespace
}  // namespace whm
