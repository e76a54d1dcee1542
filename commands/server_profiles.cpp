// WHM API 1 Server Administration >> Server Profiles: get_available_profiles,
// get_current_profile, is_role_enabled, start_profile_activation, on the
// role touch files (lib/store/server_profile.hpp). whmkit switches the roles;
// it does not install, start or stop the services a role brings (it names
// them in the activation log and the call's warnings).
#include <unistd.h>
#include <chrono>

#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"
#include "server_profile.hpp"
#include "state.hpp"
#include "util.hpp"

namespace whm {
namespace {

nlohmann::json role_list(const std::vector<const ServerRole*>& roles) {
  nlohmann::json out = nlohmann::json::array();
  for (const ServerRole* r : roles)
    out.push_back({{"description", r->description}, {"module", r->module}, {"name", r->name}});
  return out;
}

std::vector<const ServerRole*> roles_named(const std::vector<const char*>& modules) {
  // In the API's role order, whatever order the profile lists them in.
  std::vector<const ServerRole*> out;
  for (const auto& r : server_roles())
    for (const char* m : modules)
      if (std::string(m) == r.module) out.push_back(&r);
  return out;
}

nlohmann::json profile_json(const ServerProfile& p) {
  return {{"code", p.code},
          {"description", p.description},
          {"disabled_roles", role_list(disabled_roles(p))},
          {"enabled_roles", role_list(roles_named(p.enabled_roles))},
          {"experimental", p.experimental ? 1 : 0},
          {"name", p.name},
          {"optional_roles", role_list(roles_named(p.optional_roles))}};
}

Response get_available_profiles(Context&, const Request&) {
  nlohmann::json profiles = nlohmann::json::array();
  for (const auto& p : server_profiles()) profiles.push_back(profile_json(p));
  Response r;
  r.data = {{"profiles", profiles}};
  return r;
}

Response get_current_profile(Context& ctx, const Request&) {
  Response r;
  r.data = profile_json(current_profile(ctx.root));
  return r;
}

Response is_role_enabled(Context& ctx, const Request& req) {
  const std::string role = req.require("role");
  auto enabled = role_enabled(ctx.root, role);
  if (!enabled) throw invalid_param("role", "“" + role + "” is not a server role.");
  Response r;
  r.data = {{"enabled", *enabled ? 1 : 0}};
  return r;
}

// optional={"DNS":0,"SpamFilter":1}: role module -> enabled.
std::map<std::string, bool> optional_roles_arg(const Request& req) {
  std::map<std::string, bool> out;
  auto text = req.get("optional");
  if (!text || trim(*text).empty()) return out;
  nlohmann::json parsed = nlohmann::json::parse(*text, nullptr, false);
  if (parsed.is_discarded() || !parsed.is_object())
    throw invalid_param("optional", "it must be a JSON object of role names and 1 or 0, such as {\"DNS\":1}.");
  for (const auto& [role, value] : parsed.items()) {
    if (!find_server_role(role)) throw invalid_param("optional", "“" + role + "” is not a server role.");
    bool on = false;
    if (value.is_boolean())
      on = value.get<bool>();
    else if (value.is_number_integer())
      on = value.get<long long>() != 0;
    else if (value.is_string())
      on = !value.get<std::string>().empty() && value.get<std::string>() != "0";
    else if (!value.is_null())
      throw invalid_param("optional", "the value for “" + role + "” must be 1 or 0.");
    out[role] = on;
  }
  return out;
}

// cPanel's log IDs: "<pid>.<microseconds>.<epoch seconds>".
std::string new_log_id() {
  const auto micros =
      std::chrono::duration_cast<std::chrono::microseconds>(std::chrono::system_clock::now().time_since_epoch())
          .count();
  return std::to_string(::getpid()) + "." + std::to_string(micros % 100000000) + "." + std::to_string(now());
}

Response start_profile_activation(Context& ctx, const Request& req) {
  const ServerProfile* profile = find_server_profile(req.require("code"));
  if (!profile) throw ApiError("Invalid server profile specified: “" + req.require("code") + "”.");
  const auto optional = optional_roles_arg(req);

  ProfileActivation done;
  if (std::string(current_profile(ctx.root).code) == profile->code && optional.empty()) {
    done.log.push_back(std::string("The server profile is already set to “") + profile->name + "”.");
  } else {
    done = stage_profile(ctx.root, ctx.txn(), *profile, optional);
  }
  Response r;
  if (!done.services_to_disable.empty() || !done.services_to_enable.empty()) {
    std::string note = "whmkit does not install, start or stop services: enable and monitor " +
                       (done.services_to_enable.empty() ? std::string("none") : join(done.services_to_enable, ", ")) +
                       "; disable " +
                       (done.services_to_disable.empty() ? std::string("none") : join(done.services_to_disable, ", ")) +
                       " where they are installed.";
    done.log.push_back(note);
    r.metadata["output"]["warnings"] = nlohmann::json::array({note});
  }
  const std::string log_id = new_log_id();
  ctx.txn().write("var/cpanel/logs/activate_profile/" + log_id + ".log", join(done.log, "\n") + "\n", 0600);
  r.data = {{"log_id", log_id}};
  return r;
}

WHMKIT_REGISTRATIONS(registrations,
                     Registration({"get_available_profiles", get_available_profiles, Access::Read, root_only()}),
                     Registration({"get_current_profile", get_current_profile, Access::Read, root_only()}),
                     Registration({"is_role_enabled", is_role_enabled, Access::Read, root_only()}),
                     Registration({"start_profile_activation", start_profile_activation, Access::Write,
                                   root_only()}), );

}  // namespace
}  // namespace whm
