// The web servers' configuration, generated from userdata and the Apache TLS
// datastore (docs/ssl-install.md; every place and layout UNCONFIRMED where
// it says so):
//  * Apache: etc/apache2/conf/httpd.conf (EA4's file) holds the Listen lines
//    and every account's virtual hosts, one section per account between
//    "# whmkit vhosts of <user>" and "# end of <user>" lines, accounts
//    sorted: the port-80 vhost of each web vhost (its docroot and aliases)
//    and, where a certificate is installed, its port-443 twin whose
//    SSLCertificateFile is the datastore's combined file (key, certificate,
//    CA bundle). whmkit writes only these parts of httpd.conf: the modules
//    and server-wide settings come from the configuration that includes it.
//    Ports: the tweak settings apache_port / apache_ssl_port ("0.0.0.0:80").
//  * nginx (ea-nginx): etc/nginx/conf.d/users/<user>.conf, a server block per
//    vhost and port, ssl_certificate and ssl_certificate_key both the
//    combined file. Ports: etc/whmkit/web_ports.conf "nginx_http=" and
//    "nginx_https=" (address:port or port; 80 and 443 when absent; whmkit's own).
// A change rewrites only the account's section and file.
#pragma once
#include <string>

#include "state.hpp"

namespace whm {

namespace web_config_paths {
constexpr const char* kHttpdConf = "etc/apache2/conf/httpd.conf";
constexpr const char* kNginxUsers = "etc/nginx/conf.d/users";
constexpr const char* kWebPorts = "etc/whmkit/web_ports.conf";
std::string nginx_user_conf(const std::string& user);
}  // namespace web_config_paths

// Rewrites `user`'s Apache section and nginx file from what `txn` sees
// (userdata, the datastore); an account without userdata loses both. A
// missing httpd.conf, or one whose Listen lines are not the settings', is
// rebuilt for every account.
void stage_web_config_for_user(Transaction& txn, const std::string& user);
// Rebuilds both for every account.
void stage_web_config_all(Transaction& txn);
// The Apache <VirtualHost> text of the account's vhost as whmkit writes it
// (the SSL one with `ssl`), "" when it has none.
std::string apache_vhost_entry(const Transaction& view, const std::string& user, const std::string& vhost, bool ssl);
// The port of the tweak setting apache_ssl_port ("443").
std::string apache_ssl_port(const Transaction& view);
// After the transaction commits: a graceful reload of Apache (httpd) and
// nginx where they are installed and running (services.hpp).
void reload_web_servers_after_commit(Transaction& txn);

}  // namespace whm
