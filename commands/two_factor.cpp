// Two-Factor Authentication: WHM API 1's twofactorauth_* functions (the
// server's policy, the issuer, root's and resellers' own configuration, and
// the configurations of the accounts a WHM user controls) and the UAPI
// TwoFactorAuth module (a cPanel account's own). Storage and TOTP:
// lib/store/two_factor.hpp; choices: docs/two-factor.md.
#include <algorithm>

#include "account_store.hpp"
#include "errors.hpp"
#include "hostname.hpp"
#include "lazy_registrations.hpp"
#include "lookup.hpp"
#include "registry.hpp"
#include "two_factor.hpp"
#include "util.hpp"

namespace whm {
namespace {

const char* kInvalidCode = "The security code is invalid.";

// Sets `user`'s configuration to `secret` once `code` proves that the user's
// authentication app holds it (cPanel's twofactorauth_set_tfa_config).
void configure_with_code(Context& ctx, const std::string& user, const std::string& secret, const std::string& code) {
  if (!valid_two_factor_secret(secret)) throw ApiError("Missing or Invalid: “secret”");
  if (!totp_code_matches(secret, code, now())) throw ApiError(kInvalidCode);
  auto secrets = TwoFactorSecrets::load_for_change(ctx.txn());
  secrets.set(user, secret);
  secrets.stage(ctx.txn());
}

// A new secret and its otpauth:// URL for `user`, with the issuer its codes carry.
nlohmann::json generated_configuration(const Context& ctx, const std::string& user) {
  Transaction view(ctx.root);
  const std::string secret = generate_two_factor_secret();
  const std::string issuer = TwoFactorIssuers::load(view).for_user(ctx.root, view, user);
  return {{"otpauth_str", otpauth_url(issuer, user, secret)}, {"secret", secret}};
}

// ---------------------------------------------------------------- WHM API 1: the policy

Response twofactorauth_policy_status(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  Response r;
  r.data = {{"is_enabled", two_factor_policy_enabled(view) ? 1 : 0}};
  return r;
}

Response set_policy(Context& ctx, bool enabled) {
  stage_two_factor_policy(ctx.txn(), enabled);
  return {};
}
Response twofactorauth_enable_policy(Context& ctx, const Request&) { return set_policy(ctx, true); }
Response twofactorauth_disable_policy(Context& ctx, const Request&) { return set_policy(ctx, false); }

// ---------------------------------------------------------------- WHM API 1: the issuer

Response twofactorauth_get_issuer(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  const auto issuers = TwoFactorIssuers::load(view);
  Response r;
  r.data = {{"issuer", issuers.for_user(ctx.root, view, ctx.caller)},
            {"system_wide_issuer", issuers.system_wide(ctx.root)}};
  return r;
}

Response twofactorauth_set_issuer(Context& ctx, const Request& req) {
  std::string issuer;
  try {
    issuer = checked_two_factor_issuer(req.require("issuer"));
  } catch (const ApiError& e) {
    throw ApiError(std::string("Failed to set issuer: ") + e.what());
  }
  auto issuers = TwoFactorIssuers::load_for_change(ctx.txn());
  issuers.set(ctx.caller, issuer);
  issuers.stage(ctx.txn());
  return {};
}

// ---------------------------------------------------------------- WHM API 1: the caller's own configuration

Response twofactorauth_generate_tfa_config(Context& ctx, const Request&) {
  Response r;
  r.data = generated_configuration(ctx, ctx.caller);
  return r;
}

Response twofactorauth_set_tfa_config(Context& ctx, const Request& req) {
  configure_with_code(ctx, ctx.caller, req.require("secret"), req.require("tfa_token"));
  Response r;
  r.data = {{"success", 1}};
  return r;
}

// ---------------------------------------------------------------- WHM API 1: the users' configurations

// The WHM user's view of accounts: every account and root for root, its own
// accounts for a reseller. {user: its primary domain}.
std::map<std::string, std::optional<std::string>> controlled_users(const Context& ctx) {
  std::map<std::string, std::optional<std::string>> out;
  for (const auto& [user, owner] : read_lookup_pairs(ctx.root, "etc/trueuserowners"))
    if (ctx.rights.privileged || owner == ctx.caller) out[user] = std::nullopt;
  AccountStore store(ctx.root);
  for (auto& [user, domain] : out)
    if (auto account = store.load(user)) domain = account->get("DNS");
  if (ctx.rights.privileged) out["root"] = server_hostname(ctx.root);
  return out;
}

Response twofactorauth_get_user_configs(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  const auto secrets = TwoFactorSecrets::load(view);
  auto users = controlled_users(ctx);
  const std::string single = req.get_or("user", "");
  if (!single.empty()) {
    if (!users.count(single) && single != ctx.caller)
      throw ApiError("You do not have access to an account named “" + single + "”.");
    std::optional<std::string> domain;
    if (auto it = users.find(single); it != users.end())
      domain = it->second;
    else if (auto account = AccountStore(ctx.root).load(single))
      domain = account->get("DNS");
    users = {{single, domain}};
  }
  Response r;
  r.data = nlohmann::json::object();
  for (const auto& [user, domain] : users)
    r.data[user] = {{"is_enabled", secrets.has(user) ? 1 : 0},
                    {"primary_domain", domain ? nlohmann::json(*domain) : nlohmann::json()}};
  return r;
}

// Why the caller may not change `user`'s configuration ("" = it may).
std::string access_refusal(const Context& ctx, const std::string& user) {
  if (user == ctx.caller) return "";
  if (user == "root") return ctx.rights.privileged ? "" : "Only root may modify “root”.";
  auto account = AccountStore(ctx.root).load(user);
  if (!account) return "The user “" + user + "” does not exist.";
  if (ctx.rights.privileged || account->get("OWNER") == ctx.caller) return "";
  return "The user “" + ctx.caller + "” does not own the account “" + user + "”.";
}

Response twofactorauth_remove_user_config(Context& ctx, const Request& req) {
  std::vector<std::string> users;
  if (req.has("user"))
    for (const auto& u : req.list("user"))
      if (!u.empty()) users.push_back(u);
  if (users.empty()) throw ApiError("No users specified.");
  auto secrets = TwoFactorSecrets::load_for_change(ctx.txn());
  nlohmann::json failed = nlohmann::json::object(), modified = nlohmann::json::array();
  for (const auto& user : users) {
    if (auto why = access_refusal(ctx, user); !why.empty()) {
      failed[user] = "You are not authorized to modify “" + user + "”: " + why;
      continue;
    }
    secrets.remove(user);
    modified.push_back(user);
  }
  if (!modified.empty()) secrets.stage(ctx.txn());
  Response r;
  r.data = {{"failed", failed}, {"users_modified", modified}};
  return r;
}

Response twofactorauth_get_tfa_config_for_user(Context& ctx, const Request& req) {
  const std::string user = req.require("user");
  if (!AccountStore(ctx.root).exists(user)) throw ApiError("Invalid user: " + user);
  Transaction view(ctx.root);
  const auto secrets = TwoFactorSecrets::load(view);
  nlohmann::json info = nlohmann::json::object();
  if (auto s = secrets.secret(user)) info["primary_account"] = {{"secret", *s}};
  for (const auto& login : account_email_logins(ctx.root, user))
    if (auto s = secrets.secret(login)) info["email"][login] = {{"secret", *s}};
  for (const auto& login : account_team_logins(ctx.root, user))
    if (auto s = secrets.secret(login)) info["team"][login] = {{"secret", *s}};
  Response r;
  r.data = {{user, info}};
  return r;
}

// The input of set_tfa_config_for_user: {"primary_account": {"secret": ...},
// "email": {"a@dom": {"secret": ...}}, "team": {"t@user": {...}}}; the
// reason with cPanel's wording when it is not that.
std::string config_problem(const nlohmann::json& config, const std::string& user,
                           const std::vector<std::string>& emails, const std::vector<std::string>& team) {
  if (!config.is_object()) return "‘" + user + "’ is not a hash reference";
  auto secret_problem = [](const nlohmann::json& entry, const std::string& who) -> std::string {
    if (!entry.is_object()) return "‘secret’ is the only valid key for ‘" + who + "’";
    for (const auto& [key, value] : entry.items())
      if (key != "secret") return "‘secret’ is the only valid key for ‘" + who + "’";
    if (!entry.contains("secret") || !entry["secret"].is_string() || entry["secret"].get<std::string>().empty())
      return "No ‘secret’ given for ‘" + who + "’";
    if (!valid_two_factor_secret(entry["secret"].get<std::string>()))
      return "The parameter “secret” specified is not valid.";  // cPanel adds the value: a secret stays out
    return "";
  };
  for (const auto& [key, value] : config.items()) {
    if (key == "primary_account") {
      if (auto why = secret_problem(value, "primary_account"); !why.empty()) return why;
      continue;
    }
    if (key != "email" && key != "team") return "‘" + key + "’ is not a valid key for ‘" + user + "’";
    if (!value.is_object()) return "‘" + key + "’ is not a hash reference";
    const auto& owned = key == "email" ? emails : team;
    for (const auto& [login, entry] : value.items()) {
      if (std::find(owned.begin(), owned.end(), login) == owned.end())
        return "‘" + user + "’ does not own " + (key == "email" ? "an email account" : "a team user") + " named ‘" +
               login + "’";
      if (auto why = secret_problem(entry, login); !why.empty()) return why;
    }
  }
  return "";
}

// The whole configuration of one account and its logins, replaced at once
// (account transfers): the single argument is named by the account and holds
// the JSON that get_tfa_config_for_user returns for it.
Response twofactorauth_set_tfa_config_for_user(Context& ctx, const Request& req) {
  if (req.args.size() != 1) throw ApiError("Invalid data detected in input arguments.");
  const std::string user = req.args.begin()->first;
  if (!AccountStore(ctx.root).exists(user)) throw ApiError("Invalid user: " + user);
  nlohmann::json config;
  try {
    config = nlohmann::json::parse(req.args.begin()->second.back());
  } catch (const nlohmann::json::exception&) {
    throw ApiError("Invalid data detected in input arguments:  ‘" + user + "’ is not a hash reference");
  }
  const auto emails = account_email_logins(ctx.root, user);
  const auto team = account_team_logins(ctx.root, user);
  if (auto why = config_problem(config, user, emails, team); !why.empty())
    throw ApiError("Invalid data detected in input arguments:  " + why);

  auto secrets = TwoFactorSecrets::load_for_change(ctx.txn());
  secrets.remove(user);
  for (const auto& login : emails) secrets.remove(login);
  for (const auto& login : team) secrets.remove(login);
  if (config.contains("primary_account")) secrets.set(user, config["primary_account"]["secret"].get<std::string>());
  for (const char* key : {"email", "team"})
    if (config.contains(key))
      for (const auto& [login, entry] : config[key].items()) secrets.set(login, entry["secret"].get<std::string>());
  secrets.stage(ctx.txn());
  return {};
}

// ---------------------------------------------------------------- UAPI TwoFactorAuth

// A cPanel account's own configuration is under its username.
Response generate_user_configuration(Context& ctx, const Request&) {
  Response r;
  r.data = generated_configuration(ctx, ctx.account.user);
  return r;
}

Response set_user_configuration(Context& ctx, const Request& req) {
  try {
    configure_with_code(ctx, ctx.account.user, req.require("secret"), req.require("tfa_token"));
  } catch (const ValidationError&) {
    throw;
  } catch (const ApiError& e) {
    throw ApiError(std::string("Failed to set user configuration: ") + e.what());
  }
  Response r;
  r.data = {{"tfa_configured", 1}};
  return r;
}

// {is_enabled: 1, issuer} when `login` has a configuration, else {is_enabled: 0}.
nlohmann::json login_configuration(const Context& ctx, const std::string& login) {
  Transaction view(ctx.root);
  if (!TwoFactorSecrets::load(view).has(login)) return {{"is_enabled", 0}};
  return {{"is_enabled", 1}, {"issuer", TwoFactorIssuers::load(view).for_user(ctx.root, view, login)}};
}

Response get_user_configuration(Context& ctx, const Request&) {
  Response r;
  r.data = login_configuration(ctx, ctx.account.user);
  return r;
}

Response remove_user_configuration(Context& ctx, const Request&) {
  auto secrets = TwoFactorSecrets::load_for_change(ctx.txn());
  if (secrets.remove(ctx.account.user)) secrets.stage(ctx.txn());
  Response r;
  r.data = {{"tfa_removed", 1}};
  return r;
}

// The team user by its name, or by the name the reference shows
// ("name@<the account's domain>").
Response get_team_user_configuration(Context& ctx, const Request& req) {
  std::string name = req.require("team_user");
  if (auto at = name.find('@'); at != std::string::npos && ctx.account.owns_domain(name.substr(at + 1)))
    name = name.substr(0, at);
  const std::string login = name + "@" + ctx.account.user;
  const auto team = account_team_logins(ctx.root, ctx.account.user);
  if (std::find(team.begin(), team.end(), login) == team.end())
    throw ApiError("The team user “" + name + "” does not exist.");
  Response r;
  r.data = login_configuration(ctx, login);
  return r;
}

ParamSpec account_config_param() {
  ParamSpec p = described(make_param("*"),
                          "The cPanel account's username, as the parameter's name; its value is the account's "
                          "configuration as JSON: {\"primary_account\":{\"secret\":\"...\"},\"email\":{...},"
                          "\"team\":{...}}.");
  p.multiline = true;
  return p;
}

const char* kModule = "TwoFactorAuth";
const char* kFeature = "twofactorauth";

WHMKIT_REGISTRATIONS(
    registrations,
    Registration({"twofactorauth_policy_status", twofactorauth_policy_status, Access::Read, any_reseller()}),
    Registration({"twofactorauth_enable_policy", twofactorauth_enable_policy, Access::Write, root_only()}),
    Registration({"twofactorauth_disable_policy", twofactorauth_disable_policy, Access::Write, root_only()}),
    Registration({"twofactorauth_get_issuer", twofactorauth_get_issuer, Access::Read, any_reseller()}),
    // The reference requires issuer; a value of only quotes ('') goes back to the default.
    Registration({"twofactorauth_set_issuer", twofactorauth_set_issuer, Access::Write, any_reseller()}),
    Registration({"twofactorauth_generate_tfa_config", twofactorauth_generate_tfa_config, Access::Read,
                  any_reseller()}),
    // tfa_token is text: cPanel compares it with the code as text ("012345").
    Registration({"twofactorauth_set_tfa_config",
                  twofactorauth_set_tfa_config,
                  Access::Write,
                  any_reseller(),
                  {make_param("secret", ParamType::String, true), make_param("tfa_token", ParamType::String, true)}}),
    // The handler lists only what the caller controls and checks a named user.
    Registration({"twofactorauth_get_user_configs", twofactorauth_get_user_configs, Access::Read, any_reseller()}),
    // Each user is checked by the handler: the ones the caller may not change go to "failed".
    Registration({"twofactorauth_remove_user_config",
                  twofactorauth_remove_user_config,
                  Access::Write,
                  any_reseller(),
                  {list_param("user")}}),
    // These two hand out and replace secrets (account transfers): root's work.
    Registration({"twofactorauth_get_tfa_config_for_user", twofactorauth_get_tfa_config_for_user, Access::Read,
                  root_only()}),
    Registration({"twofactorauth_set_tfa_config_for_user",
                  twofactorauth_set_tfa_config_for_user,
                  Access::Write,
                  root_only(),
                  {account_config_param()}}),

    Registration({Api::Uapi,
                  kModule,
                  "generate_user_configuration",
                  generate_user_configuration,
                  Access::Read,
                  needs_feature(kFeature),
                  {},
                  "Create a two-factor secret and its otpauth:// URL."}),
    Registration({Api::Uapi,
                  kModule,
                  "set_user_configuration",
                  set_user_configuration,
                  Access::Write,
                  needs_feature(kFeature),
                  {described(make_param("secret", ParamType::String, true),
                             "The base32 secret that generate_user_configuration created."),
                   described(make_param("tfa_token", ParamType::String, true),
                             "The six-digit code the authentication app shows for it.")},
                  "Save the two-factor configuration once the code verifies."}),
    Registration({Api::Uapi,
                  kModule,
                  "get_user_configuration",
                  get_user_configuration,
                  Access::Read,
                  needs_feature(kFeature),
                  {},
                  "Whether two-factor authentication is on, and its issuer."}),
    Registration({Api::Uapi,
                  kModule,
                  "remove_user_configuration",
                  remove_user_configuration,
                  Access::Write,
                  needs_feature(kFeature),
                  {},
                  "Turn two-factor authentication off."}),
    Registration({Api::Uapi,
                  kModule,
                  "get_team_user_configuration",
                  get_team_user_configuration,
                  Access::Read,
                  needs_feature(kFeature),
                  {described(make_param("team_user", ParamType::String, true), "The team user's username.")},
                  "Whether a team user has two-factor authentication, and its issuer."}), );

}  // namespace
}  // namespace whm
