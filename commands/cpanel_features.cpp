// The UAPI Features module: which cPanel features the account the call runs
// as has, resolved from its feature list and overrides (lib/store/features.hpp)
// exactly as the dispatcher resolves them when it gates a function.
#include "account_store.hpp"
#include "errors.hpp"
#include "features.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"

namespace whm {
namespace {

CpUser account_record(const Context& ctx) { return AccountStore(ctx.root).require(ctx.account.user); }

// status 1 when the account has the feature; status 0 when it does not: with
// a message when the feature exists, without one when no such feature is
// installed (the reference's three examples).
Response has_feature(Context& ctx, const Request& req) {
  const std::string name = req.require("name");
  Response r;
  const auto catalogue = feature_catalogue(ctx.root);
  if (!catalogue.count(name)) {
    r.ok = false;
    return r;
  }
  if (!resolve_feature(ctx.root, account_record(ctx), name).enabled) {
    r.ok = false;
    r.messages.push_back("The feature “" + name + "” exists but is not enabled.");
  }
  return r;
}

Response list_features(Context& ctx, const Request&) {
  const CpUser account = account_record(ctx);
  Response r;
  r.data = nlohmann::json::object();
  for (const auto& [id, name] : feature_catalogue(ctx.root))
    r.data[id] = resolve_feature(ctx.root, account, id).enabled ? 1 : 0;
  return r;
}

// cPanel's own features first, then the add-on (plugin) ones.
Response get_feature_metadata(Context& ctx, const Request&) {
  Response r;
  r.data = nlohmann::json::array();
  auto entry = [](const std::string& id, const std::string& name, bool plugin) {
    return nlohmann::json{{"id", id}, {"is_cpaddon", 0}, {"is_plugin", plugin ? 1 : 0}, {"name", name}};
  };
  for (const auto& [id, name] : builtin_features()) r.data.push_back(entry(id, name, false));
  for (const auto& [id, name] : plugin_features(ctx.root)) r.data.push_back(entry(id, name, true));
  return r;
}

ModuleFunction uapi(const char* name, Handler h, std::vector<ParamSpec> params = {}) {
  return {Api::Uapi, "Features", name, std::move(h), Access::Read, own_objects(), std::move(params)};
}

WHMKIT_REGISTRATIONS(feature_functions,
                     Registration(uapi("has_feature", has_feature,
                                       {described(make_param("name", ParamType::String, true), "The feature's id.")})),
                     Registration(uapi("list_features", list_features)),
                     Registration(uapi("get_feature_metadata", get_feature_metadata)), );

}  // namespace
}  // namespace whm
