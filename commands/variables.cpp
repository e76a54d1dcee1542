// The UAPI Variables module's get_user_information: the account's settings
// as cPanel names them, from its cpuser file (loaded with cPanel's defaults),
// its etc/passwd entry and its contact preferences. get_session_information
// and get_server_information are left out: the first describes a web
// session (there is none on the command line), the second cpanel.config
// values that whmkit does not keep.
#include <sys/stat.h>

#include <set>

#include "account_store.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "locales.hpp"
#include "registry.hpp"
#include "sysusers.hpp"
#include "util.hpp"

namespace whm {
namespace {

// The notification switches and their defaults when the account never set
// them (cPanel's contact information model: on, except login notices).
const std::pair<const char*, int> kNotifications[] = {
    {"notify_account_authn_link", 1},
    {"notify_account_authn_link_notification_disabled", 1},
    {"notify_account_login", 0},
    {"notify_account_login_for_known_netblock", 0},
    {"notify_account_login_notification_disabled", 1},
    {"notify_autossl_expiry", 1},
    {"notify_autossl_expiry_coverage", 1},
    {"notify_autossl_renewal_coverage", 1},
    {"notify_autossl_renewal_coverage_reduced", 1},
    {"notify_autossl_renewal_uncovered_domains", 1},
    {"notify_bandwidth_limit", 1},
    {"notify_contact_address_change", 1},
    {"notify_contact_address_change_notification_disabled", 1},
    {"notify_disk_limit", 1},
    {"notify_password_change", 1},
    {"notify_password_change_notification_disabled", 1},
    {"notify_ssl_expiry", 1},
    {"notify_twofactorauth_change", 1},
    {"notify_twofactorauth_change_notification_disabled", 1},
};

long long number(const std::string& v) { return parse_int(v).value_or(0); }
// "unlimited" (or nothing) is 0, as the reference gives it.
long long limit_number(const std::string& v) { return to_lower(v) == "unlimited" ? 0 : number(v); }
// A count limit: "unlimited", or the number.
nlohmann::json count_limit(const std::string& v) {
  if (to_lower(v) == "unlimited") return "unlimited";
  return number(v);
}

nlohmann::json strings(const nlohmann::json& list) {
  nlohmann::json out = nlohmann::json::array();
  if (list.is_array())
    for (const auto& item : list) out.push_back(item);
  return out;
}

// The last change of the account's record: its MTIME, else the file's own time.
long long last_modified(const Context& ctx, const CpUser& u) {
  if (auto t = parse_int(u.get("MTIME"))) return *t;
  struct stat st {};
  if (::stat(ctx.root.path(paths::cpuser(u.user())).c_str(), &st) == 0) return st.st_mtime;
  return 0;
}

nlohmann::json user_information(const Context& ctx) {
  const CpUser u = AccountStore(ctx.root).require(ctx.account.user);
  const nlohmann::json loaded = u.loaded_view();  // stored keys with cPanel's defaults
  auto text = [&](const char* key) { return loaded.value(key, std::string()); };
  auto flag = [&](const char* key) { return number(text(key)) ? 1 : 0; };

  Transaction view(ctx.root);
  SystemUsers sys;
  sys.load(view);
  const PasswdEntry pw = sys.require_user(ctx.account.user);

  nlohmann::json d = {
      {"backup_enabled", number(u.get("BACKUP", "1")) ? 1 : 0},
      {"bandwidth_limit", limit_number(text("BWLIMIT"))},
      {"cgi_enabled", flag("HASCGI")},
      {"contact_email", u.get("CONTACTEMAIL")},
      {"contact_email_2", u.get("CONTACTEMAIL2")},
      {"cpanel_root_directory", "/usr/local/cpanel"},
      {"created", number(text("STARTDATE"))},
      {"database_owner", loaded.value("DBOWNER", u.user())},
      {"dead_domains", strings(loaded["DEADDOMAINS"])},
      {"demo_mode", flag("DEMO")},
      {"disk_block_limit", limit_number(u.get("DISK_BLOCK_LIMIT", "0"))},
      {"dkim_enabled", flag("HASDKIM")},
      {"domain", u.main_domain()},
      {"domains", strings(loaded["DOMAINS"])},
      {"feature_list", text("FEATURELIST")},
      {"gid", number(pw.gid)},
      {"home", pw.home},
      {"home_directory_links", strings(loaded["HOMEDIRLINKS"])},
      {"ip", text("IP")},
      {"lang", u.get("LANG", account_locale(u))},
      {"last_modified", last_modified(ctx, u)},
      {"legacy_backup_enabled", flag("LEGACY_BACKUP")},
      {"locale", account_locale(u)},
      {"mailbox_format", text("MAILBOX_FORMAT")},
      {"maximum_addon_domains", count_limit(text("MAXADDON"))},
      {"maximum_databases", count_limit(text("MAXSQL"))},
      {"maximum_defer_fail_percentage", count_limit(u.get("MAX_DEFER_FAIL_PERCENTAGE", "unlimited"))},
      {"maximum_email_account_disk_quota", count_limit(text("MAX_EMAILACCT_QUOTA"))},
      {"maximum_emails_per_hour", count_limit(u.get("MAX_EMAIL_PER_HOUR", "unlimited"))},
      {"maximum_ftp_accounts", count_limit(text("MAXFTP"))},
      {"maximum_mail_accounts", count_limit(text("MAXPOP"))},
      {"maximum_mailing_lists", count_limit(text("MAXLST"))},
      {"maximum_parked_domains", count_limit(text("MAXPARK"))},
      {"maximum_passenger_apps", count_limit(text("MAXPASSENGERAPPS"))},
      {"maximum_subdomains", count_limit(text("MAXSUB"))},
      {"owner", text("OWNER")},
      {"plan", text("PLAN")},
      {"shell", pw.shell},
      {"spf_enabled", flag("HASSPF")},
      {"ssl_default_key_type", u.get("SSL_DEFAULT_KEY_TYPE", "system")},
      {"theme", u.get("RS", load_server_config(ctx.root).default_theme)},
      {"uid", number(pw.uid)},
      {"user", u.user()},
      {"utf8_mailbox", flag("UTF8MAILBOX")},
  };
  // Present only where the record has them, as in cPanel.
  if (auto v = u.get("CREATED_IN_VERSION"); !v.empty()) d["created_in_version"] = v;
  if (auto v = u.get("PUSHBULLET_ACCESS_TOKEN"); !v.empty()) d["pushbullet_access_token"] = v;
  nlohmann::json extensions = nlohmann::json::array();
  for (const auto& e : split(u.get("_PACKAGE_EXTENSIONS"), ' '))
    if (!e.empty()) extensions.push_back(e);
  d["package_extensions"] = extensions;
  for (const auto& [key, fallback] : kNotifications) {
    auto stored = parse_int(u.get(key));
    d[key] = stored ? (*stored ? 1 : 0) : fallback;
  }
  // FEATURE-<ID> overrides and MXCHECK-<domain> settings, as objects.
  nlohmann::json features = nlohmann::json::object(), mxcheck = nlohmann::json::object();
  for (const auto& [key, value] : u.kv) {
    if (starts_with(key, "FEATURE-")) features[to_lower(key.substr(8))] = number(value) ? 1 : 0;
    if (starts_with(key, "MXCHECK-")) mxcheck[key.substr(8)] = (value.empty() || value == "0") ? "local" : value;
  }
  d["feature"] = features;
  d["mxcheck"] = mxcheck;
  return d;
}

// "“a” and “b”" / "“a”, “b”, or “c”": how cPanel lists names in its messages.
std::string quoted_list(const std::vector<std::string>& names, const char* last_word) {
  std::string out;
  for (size_t i = 0; i < names.size(); ++i) {
    if (i > 0) out += names.size() == 2 ? std::string(" ") + last_word + " " : ", ";
    if (i > 0 && i + 1 == names.size() && names.size() > 2) out += std::string(last_word) + " ";
    out += "“" + names[i] + "”";
  }
  return out;
}

// name=home name=domains (or name-1=, name-2=) picks settings; unknown names are refused.
Response get_user_information(Context& ctx, const Request& req) {
  nlohmann::json all = user_information(ctx);
  const auto& wanted = req.list("name");
  Response r;
  if (wanted.empty()) {
    r.data = std::move(all);
    return r;
  }
  std::vector<std::string> unknown, known;
  for (const auto& name : wanted)
    if (!all.contains(name)) unknown.push_back(name);
  if (!unknown.empty()) {
    for (auto it = all.begin(); it != all.end(); ++it) known.push_back(it.key());
    throw ApiError("The name parameter has unknown value(s) " + quoted_list(unknown, "and") +
                   ". You must enter one of the following values: " + quoted_list(known, "or"));
  }
  r.data = nlohmann::json::object();
  for (const auto& name : wanted) r.data[name] = all[name];
  return r;
}

WHMKIT_REGISTRATIONS(variables_functions,
                     Registration({Api::Uapi,
                                   "Variables",
                                   "get_user_information",
                                   get_user_information,
                                   Access::Read,
                                   own_objects(),
                                   {described(list_param("name"),
                                              "The settings to return (name=home name=domains); default: all.")}}), );

}  // namespace
}  // namespace whm
