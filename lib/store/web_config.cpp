#include "web_config.hpp"

#include <algorithm>
#include <map>
#include <optional>
#include <vector>

#include <nlohmann/json.hpp>

#include "account_store.hpp"
#include "apache_tls.hpp"
#include "errors.hpp"
#include "kvfile.hpp"
#include "notices.hpp"
#include "services.hpp"
#include "syck_yaml.hpp"
#include "tweak_settings.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {

std::string web_config_paths::nginx_user_conf(const std::string& user) {
  check_path_component(user, "username");
  return std::string(kNginxUsers) + "/" + user + ".conf";
}

namespace {

const std::string kSectionStart = "# whmkit vhosts of ";
const std::string kSectionEnd = "# end of ";

struct Address {
  std::string host;  // "0.0.0.0", "127.0.0.1", "" (any)
  std::string port;
};

Address parse_address(const std::string& value, const std::string& default_port) {
  std::string v = trim(value);
  auto colon = v.rfind(':');
  Address a;
  if (colon == std::string::npos) {
    a.port = v.empty() ? default_port : v;
  } else {
    a.host = v.substr(0, colon);
    a.port = v.substr(colon + 1);
  }
  if (!is_digits(a.port) || a.port.empty()) a.port = default_port;
  auto bad = [](const std::string& h) {
    return std::any_of(h.begin(), h.end(), [](unsigned char c) { return !(std::isalnum(c) || c == '.' || c == ':'); });
  };
  if (bad(a.host)) a.host = "";
  return a;
}

struct Ports {
  Address apache_http, apache_https;
  std::string nginx_http, nginx_https;  // as nginx's listen takes them
};

Ports load_ports(const Transaction& txn) {
  Ports p;
  p.apache_http = parse_address(read_tweak_setting(txn, "apache_port").value_or("0.0.0.0:80"), "80");
  p.apache_https = parse_address(read_tweak_setting(txn, "apache_ssl_port").value_or("0.0.0.0:443"), "443");
  KeyValues kv = parse_key_values(txn.read(web_config_paths::kWebPorts).value_or(""));
  auto listen = [&](const char* key, const char* fallback) {
    Address a = parse_address(kv.count(key) ? kv[key] : fallback, fallback);
    return a.host.empty() ? a.port : a.host + ":" + a.port;
  };
  p.nginx_http = listen("nginx_http", "80");
  p.nginx_https = listen("nginx_https", "443");
  return p;
}

std::string listen_address(const Address& a) { return (a.host.empty() ? "0.0.0.0" : a.host) + ":" + a.port; }

std::string httpd_header(const Ports& p) {
  return "# The Listen lines and the accounts' virtual hosts, written by whmkit (docs/ssl-install.md).\n"
         "Listen " +
         listen_address(p.apache_http) + "\n<IfModule ssl_module>\nListen " + listen_address(p.apache_https) +
         " https\n</IfModule>\n";
}

// A vhost whose userdata cannot be read is left out of the configuration, with a notice.
std::optional<nlohmann::json> readable_userdata(const Transaction& txn, const std::string& user,
                                                const std::string& name) {
  try {
    return read_userdata(txn, user, name);
  } catch (const ApiError&) {
    add_notice("Web configuration: “" + server_path(paths::userdata_dir(user) + "/" + name) +
               "” cannot be read; its virtual host is left out.");
    return std::nullopt;
  }
}

std::string scalar(const nlohmann::json& doc, const char* key) {
  auto it = doc.find(key);
  if (it == doc.end() || it->is_null()) return "";
  if (it->is_string()) return it->get<std::string>();
  if (it->is_number_integer()) return std::to_string(it->get<long long>());
  return it->dump();
}

// A path that goes into both servers' files quoted: nothing that could end
// the quotes or start a variable.
bool safe_path(const std::string& p) {
  if (p.empty() || p[0] != '/') return false;
  return std::none_of(p.begin(), p.end(), [](unsigned char c) {
    return c < 0x20 || c == 0x7f || c == '"' || c == '\\' || c == '$' || c == '{' || c == '}' || c == ';';
  });
}

struct Vhost {
  std::string name, ip, docroot, serveradmin;
  std::vector<std::string> aliases;
  bool redirect = false;
  std::optional<std::string> combined;  // absolute path of the certificate, when installed
  std::string ssl_docroot;
};

// The account's web vhosts as the transaction sees them: main domain first,
// then the subdomains, sorted.
std::vector<Vhost> account_vhosts(const Transaction& txn, const std::string& user) {
  std::vector<Vhost> out;
  auto main = readable_userdata(txn, user, "main");
  if (!main) return out;
  std::vector<std::string> names;
  if (std::string m = scalar(*main, "main_domain"); !m.empty()) names.push_back(m);
  std::vector<std::string> subs;
  if (auto it = main->find("sub_domains"); it != main->end() && it->is_array())
    for (const auto& s : *it)
      if (s.is_string()) subs.push_back(s.get<std::string>());
  std::sort(subs.begin(), subs.end());
  names.insert(names.end(), subs.begin(), subs.end());
  for (const auto& name : names) {
    if (domain_syntax_error(name) || name.find('/') != std::string::npos) continue;
    auto doc = readable_userdata(txn, user, name);
    if (!doc) continue;
    Vhost v;
    v.name = name;
    v.ip = scalar(*doc, "ip");
    v.docroot = scalar(*doc, "documentroot");
    v.serveradmin = scalar(*doc, "serveradmin");
    v.redirect = scalar(*doc, "ssl_redirect") == "1";
    for (const auto& alias : split(scalar(*doc, "serveralias"), ' '))
      if (!alias.empty() && !domain_syntax_error(alias)) v.aliases.push_back(alias);
    // Where the document root is under the state root (itself on a server).
    auto on_disk = [&](const std::string& docroot) -> std::optional<std::string> {
      if (!safe_path(docroot)) return std::nullopt;
      try {
        return txn.root().path(paths::rel_from_abs(docroot));
      } catch (const ApiError&) {
        return std::nullopt;
      }
    };
    auto docroot = on_disk(v.docroot);
    if (!docroot || !safe_path(*docroot)) {
      add_notice("Web configuration: the virtual host “" + name + "” is left out: its document root cannot be used.");
      continue;
    }
    v.docroot = *docroot;
    if (std::any_of(v.ip.begin(), v.ip.end(),
                    [](unsigned char c) { return !(std::isalnum(c) || c == '.' || c == ':'); }))
      v.ip = "";
    if (txn.exists(apache_tls_paths::combined(name))) {
      if (auto ssl = readable_userdata(txn, user, name + "_SSL")) {
        v.combined = txn.root().path(apache_tls_paths::combined(name));
        auto ssl_docroot = on_disk(scalar(*ssl, "documentroot"));
        v.ssl_docroot = ssl_docroot && safe_path(*ssl_docroot) ? *ssl_docroot : v.docroot;
      }
    }
    if (v.serveradmin.empty() || std::any_of(v.serveradmin.begin(), v.serveradmin.end(), [](unsigned char c) {
          return c <= 0x20 || c == 0x7f || c == '"' || c == '\\';
        }))
      v.serveradmin = "webmaster@" + name;
    out.push_back(std::move(v));
  }
  return out;
}

std::string vhost_address(const Address& listen, const std::string& ip) {
  std::string host = listen.host;
  if (host.empty() || host == "0.0.0.0" || host == "*") host = ip.empty() ? "*" : ip;
  return host + ":" + listen.port;
}

std::string apache_vhost(const Vhost& v, const std::string& address, const std::string& docroot, bool ssl) {
  std::string out = "<VirtualHost " + address + ">\n  ServerName " + v.name + "\n";
  if (!v.aliases.empty()) out += "  ServerAlias " + join(v.aliases, " ") + "\n";
  out += "  DocumentRoot \"" + docroot + "\"\n  ServerAdmin " + v.serveradmin + "\n  UseCanonicalName Off\n";
  out += "  <Directory \"" + docroot + "\">\n    AllowOverride All\n    Require all granted\n  </Directory>\n";
  if (ssl) {
    out += "  SSLEngine on\n  SSLCertificateFile " + *v.combined + "\n";
  } else if (v.redirect && v.combined) {
    // As cPanel's "Force HTTPS Redirect": every request but the DCV and ACME checks.
    out +=
        "  <IfModule rewrite_module>\n    RewriteEngine On\n    RewriteCond %{REQUEST_URI} !^/\\.well-known/\n"
        "    RewriteRule ^ https://%{HTTP_HOST}%{REQUEST_URI} [R=301,L]\n  </IfModule>\n";
  }
  return out + "</VirtualHost>\n";
}

std::string apache_section(const std::string& user, const std::vector<Vhost>& vhosts, const Ports& p) {
  std::string out = kSectionStart + user + "\n";
  for (const auto& v : vhosts) out += apache_vhost(v, vhost_address(p.apache_http, v.ip), v.docroot, false);
  for (const auto& v : vhosts)
    if (v.combined)
      out += "<IfModule ssl_module>\n" + apache_vhost(v, vhost_address(p.apache_https, v.ip), v.ssl_docroot, true) +
             "</IfModule>\n";
  return out + kSectionEnd + user + "\n";
}

std::string nginx_file(const std::string& user, const std::vector<Vhost>& vhosts, const Ports& p) {
  std::string out = "# The server blocks of “" + user + "”, written by whmkit (docs/ssl-install.md).\n";
  for (const auto& v : vhosts) {
    std::string names = v.name;
    for (const auto& a : v.aliases) names += " " + a;
    out +=
        "server {\n    listen " + p.nginx_http + ";\n    server_name " + names + ";\n    root \"" + v.docroot + "\";\n";
    if (v.redirect && v.combined)
      out +=
          "    location /.well-known/ {\n    }\n    location / {\n        return 301 https://$host$request_uri;\n    "
          "}\n";
    out += "}\n";
    if (v.combined)
      out += "server {\n    listen " + p.nginx_https + " ssl;\n    server_name " + names + ";\n    root \"" +
             v.ssl_docroot + "\";\n    ssl_certificate " + *v.combined + ";\n    ssl_certificate_key " + *v.combined +
             ";\n}\n";
  }
  return out;
}

// httpd.conf's sections by account, when its header is `header`.
std::optional<std::map<std::string, std::string>> read_sections(const std::string& text, const std::string& header) {
  auto first = text.find(kSectionStart);
  if (text.substr(0, first == std::string::npos ? text.size() : first) != header) return std::nullopt;
  std::map<std::string, std::string> sections;
  size_t pos = first;
  while (pos != std::string::npos && pos < text.size()) {
    if (text.compare(pos, kSectionStart.size(), kSectionStart) != 0) return std::nullopt;
    auto eol = text.find('\n', pos);
    if (eol == std::string::npos) return std::nullopt;
    const std::string user = text.substr(pos + kSectionStart.size(), eol - pos - kSectionStart.size());
    const std::string end = "\n" + kSectionEnd + user + "\n";
    auto stop = text.find(end, eol);
    if (stop == std::string::npos) return std::nullopt;
    stop += end.size();
    sections[user] = text.substr(pos, stop - pos);
    pos = stop;
  }
  return sections;
}

void stage_httpd(Transaction& txn, const std::string& header, const std::map<std::string, std::string>& sections) {
  std::string text = header;
  for (const auto& [user, section] : sections) text += section;
  txn.write(web_config_paths::kHttpdConf, text, 0644);
}

bool has_account(const Transaction& txn, const std::string& user) {
  return txn.exists(paths::cpuser(user)) && txn.exists(paths::userdata_dir(user) + "/main");
}

void stage_nginx(Transaction& txn, const std::string& user, const std::vector<Vhost>& vhosts, const Ports& p) {
  const std::string rel = web_config_paths::nginx_user_conf(user);
  if (vhosts.empty()) {
    if (txn.exists(rel)) txn.remove(rel);
    return;
  }
  txn.write(rel, nginx_file(user, vhosts, p), 0644);
}

}  // namespace

namespace {

// Every account's section and nginx file; `also`: an account this
// transaction makes (the listing shows the disk).
void stage_all(Transaction& txn, const std::string& also) {
  const Ports p = load_ports(txn);
  std::map<std::string, std::string> sections;
  auto users = AccountStore(txn.root()).usernames();
  if (!also.empty() && std::find(users.begin(), users.end(), also) == users.end()) users.push_back(also);
  for (const auto& user : users) {
    if (!has_account(txn, user)) continue;
    auto vhosts = account_vhosts(txn, user);
    if (!vhosts.empty()) sections[user] = apache_section(user, vhosts, p);
    stage_nginx(txn, user, vhosts, p);
  }
  stage_httpd(txn, httpd_header(p), sections);
}

}  // namespace

void stage_web_config_all(Transaction& txn) { stage_all(txn, ""); }

void stage_web_config_for_user(Transaction& txn, const std::string& user) {
  check_path_component(user, "username");
  const Ports p = load_ports(txn);
  const std::string header = httpd_header(p);
  auto current = txn.read(web_config_paths::kHttpdConf);
  auto sections = current ? read_sections(*current, header) : std::nullopt;
  if (!sections) return stage_all(txn, user);
  std::vector<Vhost> vhosts;
  if (has_account(txn, user)) vhosts = account_vhosts(txn, user);
  if (vhosts.empty())
    sections->erase(user);
  else
    (*sections)[user] = apache_section(user, vhosts, p);
  stage_httpd(txn, header, *sections);
  stage_nginx(txn, user, vhosts, p);
}

std::string apache_vhost_entry(const Transaction& view, const std::string& user, const std::string& vhost, bool ssl) {
  const Ports p = load_ports(view);
  for (const auto& v : account_vhosts(view, user))
    if (v.name == vhost) {
      if (!ssl) return apache_vhost(v, vhost_address(p.apache_http, v.ip), v.docroot, false);
      if (v.combined) return apache_vhost(v, vhost_address(p.apache_https, v.ip), v.ssl_docroot, true);
    }
  return "";
}

std::string apache_ssl_port(const Transaction& view) { return load_ports(view).apache_https.port; }

void reload_web_servers_after_commit(Transaction& txn) {
  const StateRoot& root = txn.root();
  txn.on_commit("reload the web servers (Apache, nginx)", [&root] {
    Services services(root);
    // nginx (ea-nginx) is not in the reference's servicestatus list: reloaded, not catalogued.
    static const ServiceInfo nginx{"nginx", "nginx", {"nginx"}};
    for (const ServiceInfo* s : {find_service("httpd"), &nginx})
      if (s) try {
          services.reload(*s);
        } catch (const ApiError& e) {
          add_notice(e.what());
        }
  });
}

}  // namespace whm
