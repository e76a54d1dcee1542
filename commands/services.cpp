// Server Administration / Services: the status of the server's services,
// restarting them, enabling, disabling and monitoring them, the background
// process killer, and the settings cPanel keeps for a service. How a service
// is found, started and stopped lives in lib/store/services (see
// docs/services.md).
#include "services.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"
#include "util.hpp"

namespace whm {
namespace {

std::string in_quotes(const std::string& s) { return "“" + s + "”"; }

// WHM API 1 puts warnings in metadata.output.warnings.
void add_warning(Response& r, const std::string& text) {
  auto& warnings = r.metadata["output"]["warnings"];
  if (!warnings.is_array()) warnings = nlohmann::json::array();
  warnings.push_back(text);
}

const ServiceInfo& service_arg(const Request& req) {
  std::string name = req.require("service");
  const ServiceInfo* s = find_service(name);
  if (!s) throw invalid_param("service", "there is no service named " + in_quotes(name) + " on this server.");
  return *s;
}

// A reseller with only the "clustering" privilege acts on the DNS server
// alone (the reference's note on restartservice and configureservice).
void check_clustering_scope(const Context& ctx, const ServiceInfo& s) {
  if (!ctx.rights.privileged && std::string(s.name) != "named")
    throw ApiError("The reseller " + in_quotes(ctx.caller) + " may act only on the " + in_quotes("named") +
                   " service with the " + in_quotes("clustering") + " privilege.");
}

nlohmann::json status_json(const ServiceInfo& s, const ServiceStatus& st) {
  return {{"display_name", s.display_name},
          {"enabled", st.enabled ? 1 : 0},
          {"installed", st.installed ? 1 : 0},
          {"monitored", st.monitored ? 1 : 0},
          {"name", s.name},
          {"running", st.running ? 1 : 0}};
}

Response servicestatus(Context& ctx, const Request& req) {
  Services services(ctx.root);
  nlohmann::json list = nlohmann::json::array();
  if (req.has("service")) {
    const ServiceInfo& s = service_arg(req);
    list.push_back(status_json(s, services.status(s)));
  } else {
    for (const auto& s : service_catalogue()) list.push_back(status_json(s, services.status(s)));
  }
  Response r;
  r.data = {{"service", list}};
  return r;
}

Response restartservice(Context& ctx, const Request& req) {
  const ServiceInfo& s = service_arg(req);
  check_clustering_scope(ctx, s);
  Services services(ctx.root);
  if (services.disabled(s))
    throw ApiError("The service " + in_quotes(s.name) + " is disabled: enable it with configureservice first.");
  Response r;
  r.data = {{"output", services.restart(s)}, {"service", s.name}};
  if (req.flag("queue_task")) add_warning(r, "whmkit has no task queue: the service was restarted at once.");
  return r;
}

// "26, 5000, 6000": the ports Exim also listens on.
std::vector<int> exim_altports(const Request& req) {
  std::vector<int> ports;
  for (const auto& word : split(req.get_or("exim-altportnum", "26"), ',')) {
    std::string p = trim(word);
    auto n = is_digits(p) && p.size() <= 5 ? parse_int(p) : std::nullopt;
    if (!n || *n < 1 || *n > 65535) throw invalid_param("exim-altportnum", in_quotes(p) + " is not a port number.");
    if (std::find(ports.begin(), ports.end(), *n) == ports.end()) ports.push_back(static_cast<int>(*n));
  }
  return ports;
}

Response configureservice(Context& ctx, const Request& req) {
  const ServiceInfo& s = service_arg(req);
  check_clustering_scope(ctx, s);
  const std::string name = s.name;
  Services services(ctx.root);
  std::vector<std::string> done;
  std::optional<bool> enabled, monitored;
  if (req.has("enabled")) enabled = req.flag("enabled");
  if (req.has("monitored")) monitored = req.flag("monitored");
  if (enabled == false && name == "cpsrvd")
    throw invalid_param("enabled", "the " + in_quotes(name) + " service runs WHM and cPanel: it cannot be disabled.");
  if (name == "exim-altport") {
    std::vector<int> ports = exim_altports(req);
    services.stage_exim_altports(ctx.txn(), ports, monitored.value_or(services.monitored(s)));
  }
  if (enabled) {
    services.stage_enabled(ctx.txn(), s, *enabled);
    done.push_back((*enabled ? "Enabled " : "Disabled ") + name + ".");
  }
  if (monitored) {
    services.stage_monitored(ctx.txn(), s, *monitored);
    done.push_back((*monitored ? "Enabled monitoring for " : "Disabled monitoring for ") + name + ".");
  }
  // Start or stop it now; a failure leaves the files as they were.
  if (enabled) services.apply_enabled(s, *enabled);
  Response r;
  if (!done.empty()) r.reason = join(done, " ");
  return r;
}

Response enable_monitor_all_enabled_services(Context& ctx, const Request&) {
  Services services(ctx.root);
  nlohmann::json list = nlohmann::json::array();
  for (const auto& s : service_catalogue()) {
    if (services.disabled(s) || !services.installed(s)) continue;
    if (!services.monitored(s)) services.stage_monitored(ctx.txn(), s, true);
    list.push_back({{"monitored", 1}, {"service", s.name}});
  }
  Response r;
  r.data = {{"services", list}};
  return r;
}

Response configurebackgroundprocesskiller(Context& ctx, const Request& req) {
  stage_process_killer(ctx.root, ctx.txn(), {req.list("processes_to_kill"), req.list("trusted_users")});
  return {};
}

Response get_service_config(Context& ctx, const Request& req) {
  Response r;
  r.data = load_service_config(ctx.root, req.require("service"));
  return r;
}

Response get_service_config_key(Context& ctx, const Request& req) {
  std::string key = req.require("key");
  nlohmann::json config = load_service_config(ctx.root, req.require("service"));
  Response r;
  r.data = {{key, config.contains(key) ? config[key] : nlohmann::json(nullptr)}};
  return r;
}

Response set_service_config_key(Context& ctx, const Request& req) {
  stage_service_config_key(ctx.root, ctx.txn(), req.require("service"), req.require("key"), req.get_or("value", ""));
  Response r;
  r.reason = "Succeeded";
  return r;
}

WHMKIT_REGISTRATIONS(registrations, Registration({"servicestatus", servicestatus, Access::Read, root_only()}),
                     Registration({"restartservice", restartservice, Access::Write, needs("clustering")}),
                     Registration({"configureservice", configureservice, Access::Write, needs("clustering")}),
                     Registration({"enable_monitor_all_enabled_services", enable_monitor_all_enabled_services,
                                   Access::Write, root_only()}),
                     Registration({"configurebackgroundprocesskiller",
                                   configurebackgroundprocesskiller,
                                   Access::Write,
                                   root_only(),
                                   {list_param("processes_to_kill", ParamType::String, true),
                                    list_param("trusted_users")}}),
                     Registration({"get_service_config", get_service_config, Access::Read, root_only()}),
                     Registration({"get_service_config_key", get_service_config_key, Access::Read, root_only()}),
                     Registration({"set_service_config_key", set_service_config_key, Access::Write, root_only()}), );

}  // namespace
}  // namespace whm
