#include "appconfig.hpp"

#include <algorithm>
#include <regex>

#include "kvfile.hpp"
#include "notices.hpp"
#include "sysusers.hpp"
#include "util.hpp"

namespace whm {

namespace {

using json = nlohmann::json;

const std::vector<std::string> kServices = {"whostmgr", "cpanel", "webmail"};

json app(json url, const char* user, const char* name, json acls) {
  json a = {{"url", std::move(url)}, {"name", name}, {"acls", std::move(acls)}};
  if (user) a["user"] = user;
  return a;
}

// The entries cPanel registers itself (Cpanel::AppConfig's defaults).
json built_in_applications() {
  const json all = {"all"}, any = {"any"};
  json whostmgr = json::array({
      app("/cgi/api_shell/index.cgi", "root", "internal_apishell", all),
      app("/cgi/securityadvisor/index.cgi", "root", "internal_securityadvisor", all),
      {{"url", "/3rdparty/phpMyAdmin"},
       {"user", "cpanelphpmyadmin"},
       {"phpConfig", "phpmyadmin"},
       {"name", "internal_phpmyadmin"},
       {"acls", all}},
      app({"/cgi/cpaddons.pl", "/cgi/cpaddons_report.pl"}, "root", "internal_cpaddons_root", all),
      app({"/cgi/adjustclusterdns.cgi", "/cgi/adjustclusteroptions.cgi"}, "root", "internal_dnsclustering_root", all),
      app("/cgi/CloudLinux.cgi", "root", "internal_cloudlinux", all),
      app("/cgi/diskusage.cgi", "root", "internal_diskusage", all),
      app({"/cgi/mailflow.cgi", "/cgi/addrbl.cgi"}, "root", "internal_eximconfig", all),
      app("/cgi/statmanager.cgi", "root", "internal_stats", all),
      app("/cgi/hostaccess.cgi", "root", "internal_hostaccess", all),
      app({"/cgi/cpanel_log_rotation.pl", "/cgi/apache_log_rotation.pl"}, "root", "internal_logrotation", all),
      app({"/cgi/tweakcphulk.cgi", "/cgi/cphulkdblk.cgi", "/cgi/cphulkdwhitelist.cgi", "/cgi/bl.cgi", "/cgi/wl.cgi"},
          "root", "internal_cphulkd", all),
      app({"/cgi/live_tail_log", "/cgi/live_tail_transfer_log.cgi"}, "root", "queued_session_system",
          {"rearrange-accts"}),
      app({"/cgi/sshcheck.cgi"}, "root", "internal_transfers", all),
      app({"/cgi/process_tail.cgi"}, "root", "process_tail", all),
      app("/cgi/parseform.pl", "root", "internal_compat", all),
      app("/backend/puttykey.cgi", "root", "internal_ssh_key_manage", all),
      app({"/cgi/activate_remote_nameservers.cgi", "/cgi/adjustuniquedns.cgi", "/cgi/configure_remote_nameserver.cgi",
           "/cgi/enableclusterserver.cgi", "/cgi/clusterstatus.cgi", "/cgi/remclusterserver.cgi",
           "/cgi/changeclusterdns.cgi", "/cgi/trustclustermaster.cgi"},
          "root", "internal_dns_clustering", {"clustering"}),
      app({"/cgi/ajax_maketext_syntax_util.pl", "/cgi/ajax_locale_delete_local_key.pl",
           "/cgi/build_locale_databases.pl", "/cgi/locale_duplicate.cgi"},
          "root", "internal_locale", {"locale-edit"}),
      app("/cgi/traceaddy.cgi", "root", "internal_mail_troubleshooter", {"mailcheck"}),
      app("/cgi/changelog.cgi", "root", "internal_changelog", any),
      app("/cgi/brandingimage.cgi", "root", "internal_branding", any),
      app({"/backend/passwordstrength.cgi", "/cgi/passwordstrength.cgi"}, "root", "internal_passwordstrength", any),
      app("/cgi/news.cgi", "root", "internal_newsfeed", any),
  });
  const json mailman = {{"url", "/3rdparty/mailman/"},
                        {"user", "mailman"},
                        {"group", "mailman"},
                        {"name", "mailman"},
                        {"features", {"lists"}}};
  const json roundcube = {{"url", "/3rdparty/roundcube/"},
                          {"user", "cpanelroundcube"},
                          {"phpConfig", "roundcube"},
                          {"name", "roundcube"},
                          {"features", {"webmail"}}};
  json cpanel = json::array({
      mailman,
      roundcube,
      {{"url", "/3rdparty/phpPgAdmin"},
       {"user", "cpanelphppgadmin"},
       {"phpConfig", "phppgadmin"},
       {"name", "phppgadmin"},
       {"features", {"phppgadmin"}}},
      {{"url", {"/backend/elfinder_connector.cgi", "/cgi/elfinder_connector.cgi"}},
       {"name", "internal_elfinder_connector"},
       {"features", {"filemanager"}}},
      {{"url", "/3rdparty/phpMyAdmin"}, {"features", {"phpmyadmin"}}, {"name", "phpmyadmin"}},
      {{"url", "/3rdparty/gitweb/"}, {"features", {"version_control"}}, {"name", "gitweb"}},
      {{"url", "/awstats.pl"}, {"features", {"awstats"}}, {"name", "awstats"}, {"demo", 0}},
  });
  return {{"whostmgr", whostmgr}, {"cpanel", cpanel}, {"webmail", json::array({roundcube, mailman})}};
}

std::vector<std::string> comma_list(const std::string& text) {
  static const std::regex sep("\\s*,\\s*");
  std::vector<std::string> out;
  for (std::sregex_token_iterator it(text.begin(), text.end(), sep, -1), end; it != end; ++it) out.push_back(*it);
  return out;
}

struct Rejected {
  std::string why;
};

// The application `file` describes and the services it joins; throws Rejected.
std::pair<json, std::vector<std::string>> load_app(const std::string& file, const std::string& text,
                                                   const SystemUsers& sys) {
  const std::string path = "/" + std::string(appconfig::kDir) + "/" + file;
  KeyValues kv = parse_key_values(text, '=');
  json app = json::object();
  json urls = json::array();
  if (kv.count("url")) urls.push_back(kv["url"]);
  for (const auto& [key, value] : kv) {
    if (key == "url") continue;
    if (starts_with(key, "url"))
      urls.push_back(value);
    else
      app[key] = value;
  }
  app["origin"] = file;
  if (!kv.count("name") || kv["name"].empty()) app["name"] = file.substr(0, file.size() - 5);  // without ".conf"
  if (starts_with(app["name"].get<std::string>(), "internal"))
    throw Rejected{"Application described at " + path + " may not use name internal..., skipping."};
  if (urls.empty() || !kv.count("service"))
    throw Rejected{path + " is an invalid application configuration file. It must specify 'service' and 'url'"};
  app["url"] = urls;

  const std::vector<std::string> services = split(kv["service"], '|');
  for (const auto& s : services)
    if (std::find(kServices.begin(), kServices.end(), s) == kServices.end())
      throw Rejected{path + " specifies " + s +
                     ", which is invalid, the only valid services are: 'webmail', 'cpanel', and 'whostmgr'"};
  const bool for_cpanel = std::any_of(services.begin(), services.end(),
                                      [](const std::string& s) { return s == "cpanel" || s == "webmail"; });
  const bool for_whm = std::find(services.begin(), services.end(), "whostmgr") != services.end();
  if (for_whm && !app.contains("user")) app["user"] = "root";  // WHM applications run as root unless told
  if (app.contains("user")) {
    std::string user = app["user"];
    if (user == "$authuser") user = for_cpanel ? "cpanel" : "root";  // the most the logged-in user can be
    const auto pw = sys.user(user);
    const long long uid = pw ? parse_int(pw->uid).value_or(-1) : -1;
    if (for_cpanel) {
      for (const auto& url : urls)
        if (!starts_with(url.get<std::string>(), "/3rdparty/"))
          throw Rejected{"Application described at " + path + " does not use a URL within /3rdparty/, skipping."};
      if (pw && uid == 0)
        throw Rejected{"user " + user + " has a UID of 0, skipping application configuration at " + path};
      if (pw && uid < 99)
        throw Rejected{"user " + user + " has a UID less then 99, skipping application configuration at " + path};
    } else {
      for (const auto& url : urls) {
        const std::string u = url;
        if (u == "" || u == "/" || u == "cgi" || u == "/cgi" || u == "cgi/" || u == "/cgi/")
          throw Rejected{"url " + u + " may not match the cgi or entire WHM url space."};
      }
    }
    if (!pw) throw Rejected{"user " + user + " does not exist, skipping application configuration at " + path};
  }
  if (kv.count("acls"))
    app["acls"] = comma_list(kv["acls"]);
  else if (kv.count("features"))
    app["features"] = comma_list(kv["features"]);
  app.erase("service");
  return {app, services};
}

}  // namespace

json appconfig_application_list(const StateRoot& root) {
  json list = built_in_applications();
  Transaction view(root);
  SystemUsers sys;
  sys.load(view);
  static const std::regex conf_name("[a-zA-Z0-9_-]+\\.conf");
  std::vector<std::string> files = root.list_dir(appconfig::kDir);
  std::sort(files.begin(), files.end());
  for (const auto& file : files) {
    if (!std::regex_match(file, conf_name)) continue;
    auto text = view.read(std::string(appconfig::kDir) + "/" + file);
    if (!text) continue;
    try {
      auto [app, services] = load_app(file, *text, sys);
      for (const auto& s : services) list[s].push_back(app);
    } catch (const Rejected& r) {
      add_notice(r.why);
    }
  }
  return list;
}

}  // namespace whm
