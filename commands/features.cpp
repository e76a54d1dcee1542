// Feature lists (/var/cpanel/features/<list>) and per-account overrides
// (FEATURE-<NAME>=0|1 in the cpuser file). How they resolve: lib/store/features.hpp.
#include <algorithm>
#include <map>
#include <set>

#include "account_common.hpp"
#include "errors.hpp"
#include "features.hpp"
#include "lazy_registrations.hpp"
#include "packages.hpp"
#include "registry.hpp"
#include "util.hpp"

namespace whm {
namespace {

// The feature list the request names, refused naming “featurelist” when it cannot be one.
std::string featurelist_arg(const Request& req) {
  std::string name = req.get_or("featurelist", "");
  if (auto why = feature_list_name_error(name)) throw invalid_param("featurelist", *why);
  return name;
}

std::string serialize_list(const FeatureValues& values) {
  std::string out;
  for (const auto& [k, v] : values) out += k + "=" + v + "\n";
  return out;
}

void set_value(FeatureValues& values, const std::string& id, const std::string& v) {
  for (auto& kv : values)
    if (kv.first == id) {
      kv.second = v;
      return;
    }
  values.emplace_back(id, v);
}

// Feature values given as "<feature>=0|1" arguments (all but the named ones).
struct FeatureArgs {
  std::vector<std::pair<std::string, std::string>> valid;
  std::vector<std::string> invalid;
};
FeatureArgs feature_args(const StateRoot& root, const Request& req, const std::set<std::string>& skip) {
  FeatureArgs out;
  auto known = feature_catalogue(root);
  for (const auto& [key, values] : req.args) {
    if (skip.count(key)) continue;
    const std::string& v = values.back();
    if (v != "0" && v != "1") throw ValidationError("Invalid value for feature “" + key + "”: use 0 or 1.");
    if (known.count(key))
      out.valid.emplace_back(key, v);
    else
      out.invalid.push_back(key);
  }
  return out;
}

nlohmann::json invalid_json(const std::vector<std::string>& invalid) {
  nlohmann::json j = nlohmann::json::array();
  for (const auto& i : invalid) j.push_back({{i, 1}});
  return j;
}

// Writes a list; "disabled" keeps only feature=0 lines (enabling removes the line).
void store_list(Transaction& txn, const std::string& name, FeatureValues values) {
  if (name == "disabled")
    values.erase(std::remove_if(values.begin(), values.end(), [](const auto& kv) { return kv.second != "0"; }),
                 values.end());
  txn.write(feature_list_rel(name), serialize_list(values), 0644);
}

Response create_featurelist(Context& ctx, const Request& req) {
  std::string name = featurelist_arg(req);
  std::string rel = feature_list_rel(name);
  if (ctx.root.exists(rel) && !req.flag("overwrite"))
    throw ApiError("The feature list “" + name + "” already exists; pass overwrite=1 to replace it.");
  auto args = feature_args(ctx.root, req, {"featurelist", "overwrite", "featurelistname"});
  FeatureValues values;
  for (const auto& [id, v] : args.valid) set_value(values, id, v);
  Transaction txn(ctx.root);
  store_list(txn, name, values);
  txn.commit();
  Response r;
  r.data = {{"featurelist", name}, {"invalid_features", invalid_json(args.invalid)}};
  return r;
}

Response update_featurelist(Context& ctx, const Request& req) {
  std::string name = featurelist_arg(req);
  if (!feature_list_exists(ctx.root, name)) throw ApiError("The feature list “" + name + "” does not exist.");
  auto args = feature_args(ctx.root, req, {"featurelist", "feature name"});
  FileProblems damage;  // read_list skips lines that do not parse: rewriting would lose them
  parse_key_values(ctx.root.read(feature_list_rel(name)).value_or(""), '=', &damage);
  refuse_if_damaged(feature_list_rel(name), damage);
  FeatureValues values = read_feature_list(ctx.root, name);
  nlohmann::json updated = nlohmann::json::object();
  for (const auto& [id, v] : args.valid) {
    set_value(values, id, v);
    updated[id] = std::stoi(v);
  }
  Transaction txn(ctx.root);
  store_list(txn, name, values);
  txn.commit();
  Response r;
  r.data = {{"featurelist", name}, {"invalid_features", invalid_json(args.invalid)}, {"updated_features", updated}};
  return r;
}

Response delete_featurelist(Context& ctx, const Request& req) {
  std::string name = featurelist_arg(req);
  std::string rel = feature_list_rel(name);
  if (name == "default" || name == "disabled") throw ApiError("The feature list “" + name + "” cannot be deleted.");
  if (!ctx.root.exists(rel)) throw ApiError("The feature list “" + name + "” does not exist.");
  for (const auto& plan : package_names(ctx.root))
    if (auto text = ctx.root.read("var/cpanel/packages/" + plan);
        text && parse_key_values(*text)["FEATURELIST"] == name)
      throw ApiError("The feature list “" + name + "” is used by the package “" + plan + "”.");
  AccountStore store(ctx.root);
  for (const auto& user : store.usernames())
    if (auto u = store.load(user); u && u->get("FEATURELIST") == name)
      throw ApiError("The feature list “" + name + "” is used by the account “" + user + "”.");
  Transaction txn(ctx.root);
  txn.remove(rel);
  if (ctx.root.exists(rel + ".cpaddons")) txn.remove(rel + ".cpaddons");
  txn.commit();
  Response r;
  r.data = {{"deleted_featurelist", name}};
  return r;
}

Response get_featurelists(Context& ctx, const Request&) {
  std::set<std::string> names = {"default", "disabled"};
  for (const auto& n : ctx.root.list_dir("var/cpanel/features"))
    if (n[0] != '.' && !ends_with(n, ".cpaddons") && n.find(".whmkit") == std::string::npos) names.insert(n);
  Response r;
  r.data = {{"featurelists", std::vector<std::string>(names.begin(), names.end())}};
  return r;
}

Response get_featurelist_data(Context& ctx, const Request& req) {
  std::string name = featurelist_arg(req);
  if (!feature_list_exists(ctx.root, name)) throw ApiError("The feature list “" + name + "” does not exist.");
  auto defaults = read_feature_list(ctx.root, "default"), disabled = read_feature_list(ctx.root, "disabled"),
       list = read_feature_list(ctx.root, name);
  nlohmann::json features = nlohmann::json::array();
  for (const auto& [id, label] : feature_catalogue(ctx.root)) {
    auto d = feature_value(defaults, id);
    std::string value = (!d || d->empty() || *d == "1") ? "1" : "0";
    if (auto v = feature_value(list, id)) value = *v == "1" ? "1" : "0";
    auto off = feature_value(disabled, id);
    features.push_back(
        {{"id", id}, {"is_disabled", off && *off != "1" ? 1 : 0}, {"name", label}, {"value", std::stoi(value)}});
  }
  Response r;
  r.data = {{"featurelist", name}, {"features", features}};
  return r;
}

Response get_feature_names(Context& ctx, const Request&) {
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [id, name] : feature_catalogue(ctx.root)) list.push_back({{"id", id}, {"name", name}});
  Response r;
  r.data = {{"feature", list}};
  return r;
}

Response get_feature_metadata(Context& ctx, const Request&) {
  std::set<std::string> builtin;
  for (const auto& f : builtin_features()) builtin.insert(f.first);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [id, name] : feature_catalogue(ctx.root))
    list.push_back({{"id", id}, {"is_cpaddon", 0}, {"is_plugin", builtin.count(id) ? 0 : 1}, {"name", name}});
  Response r;
  r.data = {{"features", list}};
  return r;
}

void check_feature_id(const std::string& id) {
  if (!valid_feature_id(id)) throw ValidationError("Invalid feature name: “" + id + "”.");
}

Response verify_user_has_feature(Context& ctx, const Request& req) {
  std::string user = *req.get("user"), feature = *req.get("feature");
  check_feature_id(feature);
  CpUser u = AccountStore(ctx.root).require(user);
  if (!feature_catalogue(ctx.root).count(feature)) throw ApiError("The feature “" + feature + "” does not exist.");
  Response r;
  r.data = {{"has_feature", resolve_feature(ctx.root, u, feature).enabled ? 1 : 0}, {"query_feature", feature}};
  return r;
}

// The "features" argument: a JSON object {"feature": 0|1} or a JSON list of names.
nlohmann::json parse_features_arg(const std::string& text) {
  try {
    auto j = nlohmann::json::parse(text);
    if (j.is_object() || j.is_array()) return j;
  } catch (const std::exception&) {
  }
  throw invalid_param("features", "it must be JSON, e.g. {\"autossl\":1}.");
}

Response change_overrides(Context& ctx, const Request& req, bool add) {
  std::string user = *req.get("user");
  AccountStore store(ctx.root);
  CpUser u = store.require(user);
  auto features = parse_features_arg(*req.get("features"));
  auto known = feature_catalogue(ctx.root);
  std::vector<std::pair<std::string, std::string>> changes;
  auto take = [&](const std::string& id, const nlohmann::json& v) {
    check_feature_id(id);
    if (!known.count(id)) throw ApiError("The feature “" + id + "” does not exist.");
    std::string value = v.is_number()    ? std::to_string(v.get<long>())
                        : v.is_boolean() ? (v.get<bool>() ? "1" : "0")
                        : v.is_string()  ? v.get<std::string>()
                                         : "";
    if (add && value != "0" && value != "1")
      throw ValidationError("Invalid value for feature “" + id + "”: use 0 or 1.");
    changes.emplace_back(id, value);
  };
  if (features.is_object())
    for (auto it = features.begin(); it != features.end(); ++it) take(it.key(), it.value());
  else
    for (const auto& id : features) {
      if (!id.is_string()) throw invalid_param("features", "list feature names.");
      if (add) throw invalid_param("features", "give {\"feature\": 0 or 1}.");
      take(id.get<std::string>(), nullptr);
    }
  for (const auto& [id, v] : changes) {
    if (add)
      u.set(feature_override_key(id), v);
    else
      u.kv.erase(feature_override_key(id));
  }
  Transaction txn(ctx.root);
  save_account(store, txn, u);
  txn.commit();
  return {};
}

Response add_override_features_for_user(Context& ctx, const Request& req) { return change_overrides(ctx, req, true); }
Response remove_override_features_for_user(Context& ctx, const Request& req) {
  return change_overrides(ctx, req, false);
}

Response get_users_features_settings(Context& ctx, const Request& req) {
  AccountStore store(ctx.root);
  auto known = feature_catalogue(ctx.root);
  std::vector<std::string> features;
  for (const auto& f : req.list("feature")) {
    check_feature_id(f);
    if (!known.count(f)) throw ApiError("The feature “" + f + "” does not exist.");
    features.push_back(f);
  }
  if (features.empty())
    for (const auto& [id, _] : known) features.push_back(id);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& user : req.list("user")) {
    CpUser u = store.require(user);
    for (const auto& f : features) {
      auto res = resolve_feature(ctx.root, u, f);
      list.push_back(
          {{"cpuser_setting", res.override_value ? nlohmann::json(std::stoi(*res.override_value == "1" ? "1" : "0"))
                                                 : nlohmann::json(nullptr)},
           {"feature", f},
           {"feature_list", u.get("FEATURELIST")},
           {"feature_list_setting", std::stoi(res.list_value)},
           {"user", user}});
    }
  }
  Response r;
  r.data = {{"users_features_settings", list}};
  return r;
}

WHMKIT_REGISTRATIONS(
    registrations, Registration({"create_featurelist", create_featurelist, Access::Write, root_only()}),
    Registration({"update_featurelist", update_featurelist, Access::Write, root_only()}),
    Registration({"delete_featurelist", delete_featurelist, Access::Write, root_only()}),
    Registration({"get_featurelists", get_featurelists, Access::Read, any_reseller()}),
    Registration({"get_featurelist_data", get_featurelist_data, Access::Read, any_reseller()}),
    Registration({"get_feature_names", get_feature_names, Access::Read, any_reseller()}),
    Registration({"get_feature_metadata", get_feature_metadata, Access::Read, any_reseller()}),
    Registration({"verify_user_has_feature", verify_user_has_feature, Access::Read,
                  any_reseller({account_or_self("user")})}),
    Registration({"add_override_features_for_user", add_override_features_for_user, Access::Write, root_only()}),
    Registration({"remove_override_features_for_user", remove_override_features_for_user, Access::Write, root_only()}),
    Registration({"get_users_features_settings", get_users_features_settings, Access::Read,
                  any_reseller({account_or_self("user")})}), );

}  // namespace
}  // namespace whm
