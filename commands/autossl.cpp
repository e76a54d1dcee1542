// AutoSSL: WHM API 1's provider, metadata, excluded domains, checks, logs and
// problems, and UAPI SSL's functions for one account's own AutoSSL. Files and
// the check itself: lib/store/autossl.hpp (docs/autossl.md).
#include <unistd.h>

#include <algorithm>
#include <ctime>
#include <set>
#include <sstream>

#include "account_store.hpp"
#include "autossl.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {
namespace {

using namespace autossl;

// ---------------------------------------------------------------- providers

nlohmann::json provider_record(const ProviderInfo& p, const Config& config) {
  nlohmann::json r = {{"display_name", p.display_name},
                      {"enabled", config.provider() == p.module_name ? 1 : 0},
                      {"module_name", p.module_name},
                      {"specs", p.specs}};
  // The provider's properties as set with x_* (UNCONFIRMED: how cPanel shows them).
  const nlohmann::json props = config.properties(p.module_name);  // items() must not outlive it
  for (const auto& [k, v] : props.items()) r["x_" + k] = v;
  return r;
}

Response get_autossl_providers(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  Config config = Config::load(view);
  Response r;
  r.data = {{"payload", nlohmann::json::array()}};
  for (const auto& p : providers()) r.data["payload"].push_back(provider_record(p, config));
  return r;
}

// The x_* arguments as provider properties (without the prefix).
nlohmann::json x_properties(const Request& req, nlohmann::json props) {
  for (const auto& [key, values] : req.args) {
    if (!starts_with(key, "x_") || key.size() == 2 || values.empty()) continue;
    const std::string name = key.substr(2);
    const std::string& v = values.back();
    if (name == "http_port") {
      auto port = parse_int(v);
      if (!port || *port < 1 || *port > 65535) throw invalid_param(key, "it must be a port number (1 to 65535).");
      props[name] = *port;
    } else {
      props[name] = v;
    }
  }
  return props;
}

Response set_autossl_provider(Context& ctx, const Request& req) {
  const ProviderInfo& p = provider_or_die(req.require("provider"));
  Config config = Config::load(ctx.txn());
  config.set_properties(p.module_name, x_properties(req, config.properties(p.module_name)));
  config.set_provider(p.module_name);
  config.stage(ctx.txn());
  return {};
}

// Forgets the registration (the ACME account) so that the next check makes a new one.
Response reset_autossl_provider(Context& ctx, const Request& req) {
  const ProviderInfo& p = provider_or_die(req.require("provider"));
  Config config = Config::load(ctx.txn());
  config.set_properties(p.module_name, x_properties(req, config.properties(p.module_name)));
  config.stage(ctx.txn());
  if (ctx.txn().exists(kAcmeAccountRel)) ctx.txn().remove(kAcmeAccountRel);
  return {};
}

Response disable_autossl(Context& ctx, const Request&) {
  Config config = Config::load(ctx.txn());
  config.set_provider(std::nullopt);
  config.stage(ctx.txn());
  return {};
}

// ---------------------------------------------------------------- metadata

Response get_autossl_metadata(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  Response r;
  r.data = {{"payload", Config::load(view).metadata()}};
  return r;
}

int metadata_value(const std::string& key, const nlohmann::json& v) {
  if (v.is_boolean()) return v.get<bool>() ? 1 : 0;
  if (v.is_number_integer() && (v.get<long long>() == 0 || v.get<long long>() == 1)) return v.get<int>();
  if (v.is_string() && (v.get<std::string>() == "0" || v.get<std::string>() == "1"))
    return v.get<std::string>() == "1" ? 1 : 0;
  throw invalid_param("metadata_json", "the value of “" + key + "” must be 0 or 1.");
}

Response set_autossl_metadata(Context& ctx, const Request& req) {
  auto j = nlohmann::json::parse(req.require("metadata_json"), nullptr, false);
  if (j.is_discarded() || !j.is_object()) throw invalid_param("metadata_json", "it must be a JSON object.");
  nlohmann::json metadata = nlohmann::json::object();
  for (const auto& [k, v] : j.items()) {
    if (!metadata_defaults().count(k))
      throw invalid_param("metadata_json", "“" + k + "” is not an AutoSSL metadata key.");
    metadata[k] = metadata_value(k, v);
  }
  Config config = Config::load(ctx.txn());
  config.set_metadata(metadata);
  config.stage(ctx.txn());
  return {};
}

Response set_autossl_metadata_key(Context& ctx, const Request& req) {
  const std::string key = req.require("key");
  if (!metadata_defaults().count(key)) throw invalid_param("key", "“" + key + "” is not an AutoSSL metadata key.");
  Config config = Config::load(ctx.txn());
  nlohmann::json metadata = config.data().contains("metadata") && config.data()["metadata"].is_object()
                                ? config.data()["metadata"]
                                : nlohmann::json::object();
  metadata[key] = req.flag("value") ? 1 : 0;
  config.set_metadata(metadata);
  config.stage(ctx.txn());
  return {};
}

// ---------------------------------------------------------------- the schedule

std::vector<std::string> split_ws(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  for (std::string w; in >> w;) out.push_back(w);
  return out;
}

// The next time a "M H * * *" entry runs, in UTC (null for other entries).
nlohmann::json next_run(const std::string& entry) {
  auto f = split_ws(entry);
  if (f.size() < 5 || f[2] != "*" || f[3] != "*" || f[4] != "*") return nullptr;
  auto m = parse_int(f[0]);
  auto h = parse_int(f[1]);
  if (!m || !h || *m < 0 || *m > 59 || *h < 0 || *h > 23) return nullptr;
  std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  long long today = static_cast<long long>(now) - tm.tm_hour * 3600 - tm.tm_min * 60 - tm.tm_sec;
  long long next = today + *h * 3600 + *m * 60;
  if (next <= now) next += 86400;
  return with_millis(iso_z(next));
}

Response get_autossl_check_schedule(Context& ctx, const Request&) {
  auto text = ctx.root.read("etc/cron.d/cpanel_autossl");
  if (!text) throw ApiError("The AutoSSL check is not scheduled: “/etc/cron.d/cpanel_autossl” does not exist.");
  nlohmann::json cron = nlohmann::json::array();
  nlohmann::json next = nullptr;
  for (const auto& line : split(*text, '\n')) {
    auto f = split_ws(line);
    if (f.size() < 6 || f[0][0] == '#' || line.find("autossl_check") == std::string::npos) continue;
    std::string entry = f[0] + " " + f[1] + " " + f[2] + " " + f[3] + " " + f[4];
    cron.push_back(entry);
    if (next.is_null()) next = next_run(entry);
  }
  Response r;
  r.data = {{"cron", cron}, {"next_time", next}};
  return r;
}

// ---------------------------------------------------------------- excluded domains

std::string account_name(const Request& req) {
  const std::string user = req.require("username");
  check_path_component(user, "username");
  return user;
}

std::vector<std::string> lowered(std::vector<std::string> v) {
  for (auto& d : v) d = to_lower(d);
  return v;
}

Response add_autossl_user_excluded_domains(Context& ctx, const Request& req) {
  const std::string user = account_name(req);
  auto domains = lowered(req.list("domain"));
  check_domains_controlled(ctx.root, user, domains);
  auto current = excluded_domains(ctx.txn(), user);
  current.insert(current.end(), domains.begin(), domains.end());
  stage_excluded_domains(ctx.txn(), user, current);
  return {};
}

Response remove_autossl_user_excluded_domains(Context& ctx, const Request& req) {
  const std::string user = account_name(req);
  load_cpanel_account(ctx.root, user);
  auto domains = lowered(req.list("domain"));
  std::set<std::string> gone(domains.begin(), domains.end());
  auto current = excluded_domains(ctx.txn(), user);
  current.erase(std::remove_if(current.begin(), current.end(), [&](const std::string& d) { return gone.count(d); }),
                current.end());
  stage_excluded_domains(ctx.txn(), user, current);
  return {};
}

Response set_autossl_user_excluded_domains(Context& ctx, const Request& req) {
  const std::string user = account_name(req);
  std::vector<std::string> domains = req.has("domain") ? lowered(req.list("domain")) : std::vector<std::string>{};
  check_domains_controlled(ctx.root, user, domains);
  if (domains.empty()) load_cpanel_account(ctx.root, user);
  stage_excluded_domains(ctx.txn(), user, domains);
  return {};
}

Response get_autossl_user_excluded_domains(Context& ctx, const Request& req) {
  const std::string user = account_name(req);
  load_cpanel_account(ctx.root, user);
  Transaction view(ctx.root);
  Response r;
  r.data = {{"payload", nlohmann::json::array()}};
  for (const auto& d : excluded_domains(view, user)) r.data["payload"].push_back({{"excluded_domain", d}});
  return r;
}

// ---------------------------------------------------------------- checks

// The check runs in this process, to its end, without holding the state lock
// (UNCONFIRMED: cPanel forks it into the background; `pid` is then this
// process, which has finished it when the answer comes).
Response start_autossl_check_for_one_user(Context& ctx, const Request& req) {
  const std::string user = account_name(req);
  {
    StateReader reader(ctx.root);
    load_cpanel_account(ctx.root, user);
  }
  run_check(ctx.root, {user}, false);
  Response r;
  r.data = {{"pid", static_cast<long long>(::getpid())}};
  return r;
}

std::vector<std::string> all_accounts(const StateRoot& root) {
  std::vector<std::string> users;
  for (const auto& name : root.list_dir("var/cpanel/users")) {
    if (name.empty() || name[0] == '.' || name == "system" || name == "root") continue;
    try {
      load_cpanel_account(root, name);
      users.push_back(name);
    } catch (const ApiError&) {
    }
  }
  return users;
}

Response start_autossl_check_for_all_users(Context& ctx, const Request&) {
  std::vector<std::string> users;
  {
    StateReader reader(ctx.root);
    users = all_accounts(ctx.root);
  }
  run_check(ctx.root, users, true);
  Response r;
  r.data = {{"pid", static_cast<long long>(::getpid())}};
  return r;
}

// ---------------------------------------------------------------- logs and problems

Response get_autossl_logs_catalog(Context& ctx, const Request&) {
  Response r;
  r.data = {{"payload", nlohmann::json::array()}};
  for (const auto& e : log_catalog(ctx.root))
    r.data["payload"].push_back({{"in_progress", e.in_progress ? 1 : 0},
                                 {"provider", e.provider},
                                 {"start_time", with_millis(e.start_time)},
                                 {"username", e.username}});
  return r;
}

// start_time as given ("2016-06-09T14:25:37Z"), or with milliseconds as the catalog shows it.
std::string log_name(const std::string& given) {
  if (given.size() == 24 && ends_with(given, ".000Z")) return given.substr(0, 19) + "Z";
  return given;
}

Response get_autossl_log(Context& ctx, const Request& req) {
  const std::string given = req.require("start_time");
  const std::string name = log_name(given);
  if (!is_iso_z_time(name)) throw invalid_param("start_time", "it must be an ISO 8601 time (YYYY-MM-DDTHH:MM:SSZ).");
  auto entries = read_log(ctx.root, name);
  if (!entries) throw ApiError("No AutoSSL log exists for “" + given + "”.");  // UNCONFIRMED wording
  Response r;
  r.data = {{"payload", *entries}};
  return r;
}

nlohmann::json whm_problems(const std::vector<Problem>& list) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& p : list)
    out.push_back(
        {{"domain", p.domain}, {"log", with_millis(p.log)}, {"problem", p.problem}, {"time", with_millis(p.time)}});
  return out;
}

Response get_autossl_problems_for_domain(Context& ctx, const Request& req) {
  const std::string domain = req.domain("domain");
  Transaction view(ctx.root);
  Response r;
  r.data = {{"problems_by_domain", whm_problems(problems(view, "", domain))}};
  return r;
}

Response get_autossl_problems_for_user(Context& ctx, const Request& req) {
  const std::string user = account_name(req);
  load_cpanel_account(ctx.root, user);
  Transaction view(ctx.root);
  Response r;
  r.data = {{"problems_by_domain", whm_problems(problems(view, user))}};
  return r;
}

// ---------------------------------------------------------------- UAPI SSL (the account's own)

std::vector<std::string> uapi_domains(const Request& req, bool required) {
  std::vector<std::string> out;
  for (const auto& v : req.has("domains") ? req.list("domains") : std::vector<std::string>{})
    for (const auto& part : split(v, ',')) {
      std::string d = to_lower(trim(part));
      if (d.empty()) continue;
      if (auto why = domain_syntax_error(d))
        throw invalid_param("domains", "“" + d + "” is not a valid domain: " + *why);
      out.push_back(d);
    }
  if (required && out.empty()) throw missing_param("domains");
  return out;
}

Response uapi_add_excluded(Context& ctx, const Request& req) {
  auto domains = uapi_domains(req, true);
  check_domains_controlled(ctx.root, ctx.account.user, domains);
  auto current = excluded_domains(ctx.txn(), ctx.account.user);
  current.insert(current.end(), domains.begin(), domains.end());
  stage_excluded_domains(ctx.txn(), ctx.account.user, current);
  return {};
}

Response uapi_remove_excluded(Context& ctx, const Request& req) {
  auto domains = uapi_domains(req, true);
  std::set<std::string> gone(domains.begin(), domains.end());
  auto current = excluded_domains(ctx.txn(), ctx.account.user);
  current.erase(std::remove_if(current.begin(), current.end(), [&](const std::string& d) { return gone.count(d); }),
                current.end());
  stage_excluded_domains(ctx.txn(), ctx.account.user, current);
  return {};
}

Response uapi_set_excluded(Context& ctx, const Request& req) {
  auto domains = uapi_domains(req, false);
  check_domains_controlled(ctx.root, ctx.account.user, domains);
  stage_excluded_domains(ctx.txn(), ctx.account.user, domains);
  return {};
}

Response uapi_get_excluded(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& d : excluded_domains(view, ctx.account.user)) r.data.push_back({{"excluded_domain", d}});
  return r;
}

Response uapi_get_problems(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& p : problems(view, ctx.account.user))
    r.data.push_back({{"domain", p.domain}, {"problem", p.problem}, {"time", p.time + "+00:00"}});
  return r;
}

Response uapi_in_progress(Context& ctx, const Request&) {
  Response r;
  r.data = check_in_progress(ctx.root, ctx.account.user) ? 1 : 0;
  return r;
}

Response uapi_start_check(Context& ctx, const Request&) {
  run_check(ctx.root, {ctx.account.user}, false);
  return {};
}

ModuleFunction ssl(const char* name, Handler h, Access access, std::vector<ParamSpec> params = {}) {
  return {Api::Uapi, "SSL", name, std::move(h), access, needs_feature("autossl"), std::move(params)};
}

WHMKIT_REGISTRATIONS(
    registrations, Registration({"get_autossl_providers", get_autossl_providers, Access::Read, root_only()}),
    Registration({"set_autossl_provider", set_autossl_provider, Access::Write, root_only()}),
    Registration({"reset_autossl_provider", reset_autossl_provider, Access::Write, root_only()}),
    Registration({"disable_autossl", disable_autossl, Access::Write, root_only()}),
    Registration({"get_autossl_metadata", get_autossl_metadata, Access::Read, root_only()}),
    Registration({"set_autossl_metadata", set_autossl_metadata, Access::Write, root_only()}),
    Registration({"set_autossl_metadata_key", set_autossl_metadata_key, Access::Write, root_only()}),
    Registration({"get_autossl_check_schedule", get_autossl_check_schedule, Access::Read, root_only()}),
    Registration({"add_autossl_user_excluded_domains",
                  add_autossl_user_excluded_domains,
                  Access::Write,
                  root_only(),
                  {list_param("domain", ParamType::Domain, true)}}),
    Registration({"remove_autossl_user_excluded_domains",
                  remove_autossl_user_excluded_domains,
                  Access::Write,
                  root_only(),
                  {list_param("domain", ParamType::Domain, true)}}),
    Registration({"set_autossl_user_excluded_domains",
                  set_autossl_user_excluded_domains,
                  Access::Write,
                  root_only(),
                  {list_param("domain", ParamType::Domain)}}),
    Registration({"get_autossl_user_excluded_domains", get_autossl_user_excluded_domains, Access::Read, root_only()}),
    Registration({"start_autossl_check_for_one_user", start_autossl_check_for_one_user, Access::Delegated,
                  root_only()}),
    Registration({"start_autossl_check_for_all_users", start_autossl_check_for_all_users, Access::Delegated,
                  root_only()}),
    Registration({"get_autossl_logs_catalog", get_autossl_logs_catalog, Access::Read, root_only()}),
    Registration({"get_autossl_log", get_autossl_log, Access::Read, root_only()}),
    Registration({"get_autossl_problems_for_domain", get_autossl_problems_for_domain, Access::Read, root_only()}),
    Registration({"get_autossl_problems_for_user", get_autossl_problems_for_user, Access::Read, root_only()}),

    Registration(ssl("add_autossl_excluded_domains", uapi_add_excluded, Access::Write,
                     {list_param("domains", ParamType::String, true)})),
    Registration(ssl("remove_autossl_excluded_domains", uapi_remove_excluded, Access::Write,
                     {list_param("domains", ParamType::String, true)})),
    Registration(ssl("set_autossl_excluded_domains", uapi_set_excluded, Access::Write, {list_param("domains")})),
    Registration(ssl("get_autossl_excluded_domains", uapi_get_excluded, Access::Read)),
    Registration(ssl("get_autossl_problems", uapi_get_problems, Access::Read)),
    Registration(ssl("is_autossl_check_in_progress", uapi_in_progress, Access::Read)),
    Registration(ssl("start_autossl_check", uapi_start_check, Access::Delegated)), );

}  // namespace
}  // namespace whm
