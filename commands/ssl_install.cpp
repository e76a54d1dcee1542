// Installing certificates on the web server (docs/ssl-install.md): WHM API 1
// "SSL Certificates" (installssl, delete_ssl_vhost, fetch_ssl_vhosts,
// fetch_vhost_ssl_components, fetch_ssl_certificates_for_fqdns,
// enqueue_deferred_ssl_installations), UAPI SSL (install_ssl, installed_host,
// installed_hosts, delete_ssl, fetch_certificates_for_fqdns,
// toggle_ssl_redirect_for_domains, is_sni_supported) and API 2 SSL::installssl,
// over lib/store/apache_tls.hpp.
#include <openssl/ssl.h>

#include <algorithm>
#include <map>
#include <memory>
#include <set>

#include "account_store.hpp"
#include "apache_tls.hpp"
#include "authorization.hpp"
#include "autossl.hpp"
#include "dovecot_admin.hpp"
#include "errors.hpp"
#include "features.hpp"
#include "lazy_registrations.hpp"
#include "lookup.hpp"
#include "mail_sni.hpp"
#include "process.hpp"
#include "registry.hpp"
#include "request.hpp"
#include "syck_yaml.hpp"
#include "tweak_settings.hpp"
#include "util.hpp"
#include "validate.hpp"
#include "web_config.hpp"
#include "x509.hpp"

namespace whm {
namespace {

// A PEM parameter: may hold line breaks (never written into a line-oriented file).
ParamSpec pem_param(const char* name, bool required, const char* what) {
  ParamSpec p = described(make_param(name, ParamType::String, required), what);
  p.multiline = true;
  return p;
}

std::string in_quotes(const std::string& s) { return "“" + s + "”"; }

// The account owning `domain` (or the domain a "www."/"mail." name is of).
std::string owner_of_domain(const StateRoot& root, const std::string& domain) {
  AccountStore store(root);
  if (auto user = store.domain_owner(domain)) return *user;
  for (const char* prefix : {"www.", "mail."})
    if (starts_with(domain, prefix))
      if (auto user = store.domain_owner(domain.substr(std::string(prefix).size()))) return *user;
  throw ApiError("The domain " + in_quotes(domain) + " does not belong to any account on this server.");
}

// What the listings report of an installed certificate (UAPI installed_host's "certificate").
nlohmann::json certificate_json(const nlohmann::json& entry) {
  nlohmann::json c = nlohmann::json::object();
  for (const char* key :
       {"domains", "ecdsa_curve_name", "ecdsa_public", "id", "is_self_signed", "issuer.commonName",
        "issuer.organizationName", "issuer_text", "key_algorithm", "modulus", "modulus_length", "not_after",
        "not_before", "signature_algorithm", "subject.commonName", "subject_text", "validation_type"})
    c[key] = entry.contains(key) ? entry[key] : nlohmann::json(nullptr);
  return c;
}

std::vector<std::string> strings(const nlohmann::json& j) {
  std::vector<std::string> out;
  if (j.is_array())
    for (const auto& s : j)
      if (s.is_string()) out.push_back(s.get<std::string>());
  return out;
}

// The IP of each SSL vhost and which one is first on its IP (the one a
// client without SNI gets): the first vhost by name.
// The primary set with set_primary_ssl (primary_virtual_hosts.conf) wins
// while it is still an SSL vhost on that IP.
std::map<std::string, std::string> primary_on_ip(const Transaction& view, const std::vector<SslIndexRow>& rows) {
  std::map<std::string, std::string> first, ip_of;
  for (const auto& row : rows) {
    first.emplace(row.ip, row.vhost);  // the rows are sorted
    ip_of[row.vhost] = row.ip;
  }
  for (const auto& [ip, servername] : primary_ssl_vhosts(view)) {
    auto it = ip_of.find(servername);
    if (it != ip_of.end() && it->second == ip) first[ip] = servername;
  }
  return first;
}
std::map<std::string, std::string> primary_on_ip(const Transaction& view, const nlohmann::json&) {
  return primary_on_ip(view, ssl_index_rows(view));
}

std::set<std::string> dedicated_ips(const StateRoot& root) {
  std::set<std::string> out;
  for (const auto& [ip, domain] : read_lookup_pairs(root, "etc/domainips")) out.insert(ip);
  return out;
}

// One vhost as fetch_ssl_vhosts / installed_hosts list it.
nlohmann::json vhost_json(const std::string& vhost, const nlohmann::json& entry,
                          const std::map<std::string, std::string>& primaries, const std::set<std::string>& dedicated,
                          bool mail_sni) {
  const std::string ip = entry.value("ip", "");
  auto p = primaries.find(ip);
  const bool primary = p != primaries.end() && p->second == vhost;
  nlohmann::json v = {{"servername", vhost},
                      {"user", entry.value("user", "")},
                      {"docroot", entry.value("docroot", "")},
                      {"domains", entry.contains("vhost_domains") ? entry["vhost_domains"] : nlohmann::json::array()},
                      {"ip", ip},
                      {"iptype", dedicated.count(ip) ? "dedicated" : "shared"},
                      {"ipv6", nullptr},
                      {"is_primary_on_ip", primary ? 1 : 0},
                      {"needs_sni", primary ? 0 : 1},
                      {"mail_sni_status", mail_sni ? 1 : 0},
                      {"type", entry.value("type", "sub")}};
  return v;
}
nlohmann::json vhost_json(const Transaction& view, const std::string& vhost, const nlohmann::json& entry,
                          const std::map<std::string, std::string>& primaries, const std::set<std::string>& dedicated) {
  return vhost_json(vhost, entry, primaries, dedicated, view.exists(apache_tls_paths::domain_combined(vhost)));
}

// fetch_ssl_vhosts' record: the vhost, and its certificate ("crt") made of
// the index entry's own values, moved.
nlohmann::json listed_vhost(const std::string& vhost, nlohmann::json& entry,
                            const std::map<std::string, std::string>& primaries, const std::set<std::string>& dedicated,
                            const std::set<std::string>& with_tls) {
  nlohmann::json v = vhost_json(vhost, entry, primaries, dedicated, with_tls.count(vhost) > 0);
  nlohmann::json crt = nlohmann::json::object();
  auto take = [&](const char* key) {
    auto it = entry.find(key);
    return it == entry.end() ? nlohmann::json(nullptr) : std::move(*it);
  };
  for (const char* key : {"domains", "ecdsa_curve_name", "ecdsa_public", "id", "is_self_signed", "issuer.commonName",
                          "issuer.organizationName", "issuer_text", "modulus", "modulus_length", "not_after",
                          "not_before", "signature_algorithm", "subject_text", "validation_type", "public_exponent"})
    crt[key] = take(key);
  nlohmann::json algorithm = take("key_algorithm");
  crt["encryption_algorithm"] = algorithm.is_string() ? std::move(algorithm) : nlohmann::json("");
  nlohmann::json created = take("created");
  crt["created"] = created.is_number() ? std::move(created) : nlohmann::json(0);
  nlohmann::json cn = take("subject.commonName");
  crt["subject.commonName"] = {{"commonName", cn.is_string() ? std::move(cn) : nlohmann::json("")}};
  v["crt"] = std::move(crt);
  return v;
}

// ---------------------------------------------------------------- WHM API 1

Response whm_installssl(Context& ctx, const Request& req) {
  const std::string domain = req.domain("domain");
  const std::string user = owner_of_domain(ctx.root, domain);
  InstalledCertificate cert{domain, req.get_or("key", ""), req.get_or("crt", ""), req.get_or("cab", "")};
  SslInstallResult r = stage_ssl_install_for(ctx.txn(), user, cert);
  const std::string message = "The SSL certificate is now installed onto the domain \"" + r.vhost +
                              "\" using the IP address \"" + r.ip + "\". Apache is restarting in the background.";
  Response resp;
  resp.data = {{"action", r.replaced ? "update" : "install"},
               {"aliases", r.aliases},
               {"domain", domain},
               {"extra_certificate_domains", r.extra_certificate_domains},
               {"html", "Certificate verification passed<br/> <br /> The Certificate for the domain " + r.vhost +
                            " was installed on the IP " + r.ip + ". </html><br><b>Finished SSL Install Process for " +
                            r.vhost + ".</b>"},
               {"ip", r.ip},
               {"message", message},
               {"servername", r.vhost},
               {"status", 1},
               {"statusmsg", message},
               {"user", user},
               {"warning_domains", r.warning_domains},
               {"working_domains", r.working_domains}};
  resp.reason = message;
  return resp;
}

// The Apache vhost text of an SSL vhost, as the configuration has it now.
Response delete_ssl_vhost(Context& ctx, const Request& req) {
  const std::string host = to_lower(trim(req.require("host")));
  Transaction& txn = ctx.txn();
  auto owner = ssl_vhost_owner(txn, host);
  if (!owner || !installed_certificate(txn, host))
    throw ApiError("The host " + in_quotes(host) + " does not have an SSL virtual host.");
  if (!ctx.rights.privileged) {
    auto owners = read_lookup_pairs(ctx.root, "etc/trueuserowners");
    auto it = std::find_if(owners.begin(), owners.end(), [&](const auto& p) { return p.first == *owner; });
    if (it == owners.end() || !ctx.rights.sees(*owner, it->second))
      throw ApiError("You do not have access to the host " + in_quotes(host) + ".");
  }
  const nlohmann::json entry = ssl_index_entry(txn, host).value_or(nlohmann::json::object());
  const std::string ip = entry.is_object() ? entry.value("ip", "") : "";
  auto primaries = primary_on_ip(txn, ssl_index_rows(txn));
  const std::string entry_text = apache_vhost_entry(txn, *owner, host, true);
  stage_ssl_removal(txn, host);
  Response r;
  r.data = {{"output", {"Deleting the SSL host for " + host, "Done."}},
            {"removed_vhost_data",
             {{{"ip_port", {ip, apache_ssl_port(txn)}},
               {"is_ssl", 1},
               {"primary_on_ip_port", primaries.count(ip) ? primaries[ip] : host},
               {"servername", host},
               {"vhost_entry", entry_text}}}}};
  return r;
}

// Streamed (one record at a time while the answer is written): each
// index line's entry is parsed and moved into its record, nothing copied;
// mail_sni_status from one listing of the Domain TLS datastore.
Response fetch_ssl_vhosts(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  auto rows = std::make_shared<std::vector<SslIndexRow>>(ssl_index_rows(view));
  auto primaries = std::make_shared<std::map<std::string, std::string>>(primary_on_ip(view, *rows));
  auto dedicated = std::make_shared<std::set<std::string>>(dedicated_ips(ctx.root));
  const auto tls = domain_tls_domains(view);
  auto with_tls = std::make_shared<std::set<std::string>>(tls.begin(), tls.end());
  auto owners = std::make_shared<std::map<std::string, std::string>>();
  if (!ctx.rights.privileged)
    for (const auto& [user, owner] : read_lookup_pairs(ctx.root, "etc/trueuserowners")) (*owners)[user] = owner;
  Response r;
  r.data = nlohmann::json::object();
  r.stream = RecordStream{"vhosts", [=, rights = ctx.rights](const RecordEmitter& emit) {
                            for (const auto& row : *rows) {
                              if (!rights.privileged && !rights.sees(row.user, (*owners)[row.user])) continue;
                              nlohmann::json entry = ssl_index_entry_of(row);
                              if (!entry.is_object()) continue;
                              emit(listed_vhost(row.vhost, entry, *primaries, *dedicated, *with_tls));
                            }
                          }};
  return r;
}

Response fetch_vhost_ssl_components(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  nlohmann::json components = nlohmann::json::array();
  for (const auto& vhost : ssl_vhosts(view)) {
    auto c = installed_certificate(view, vhost);
    if (!c) continue;
    nlohmann::json item = {
        {"servername", vhost},
        {"certificate", c->certificate_pem},
        {"key", c->key_pem},
        {"cabundle", c->cabundle_pem.empty() ? nlohmann::json(nullptr) : nlohmann::json(c->cabundle_pem)}};
    try {
      item["certificate_id"] = certificate_id(c->certificate_pem);
      item["key_id"] = key_id(c->key_pem);
      item["cabundle_id"] =
          c->cabundle_pem.empty() ? nlohmann::json(nullptr) : nlohmann::json(certificate_id(c->cabundle_pem));
    } catch (const ApiError&) {
      continue;  // a damaged entry: left out (whmkit-check names it)
    }
    components.push_back(item);
  }
  Response r;
  r.data = {{"components", components}};
  return r;
}

// The installed certificates that secure any of `domains` (as
// fetch_ssl_certificates_for_fqdns and UAPI fetch_certificates_for_fqdns
// list them), among the vhosts of `only_user` when given.
nlohmann::json certificates_for_fqdns(const Transaction& view, const std::vector<std::string>& domains,
                                      const std::string& only_user, bool with_users) {
  nlohmann::json out = nlohmann::json::array();
  const nlohmann::json index = ssl_index(view);
  std::set<std::string> seen;
  for (const auto& [vhost, entry] : index.items()) {
    if (!entry.is_object()) continue;
    const std::string user = entry.value("user", "");
    if (!only_user.empty() && user != only_user) continue;
    auto c = installed_certificate(view, vhost);
    if (!c) continue;
    x509::CertInfo crt;
    try {
      crt = x509::parse_certificate(c->certificate_pem);
    } catch (const ApiError&) {
      continue;
    }
    bool wanted =
        std::any_of(domains.begin(), domains.end(), [&](const std::string& d) { return x509::covers(crt, d); });
    if (!wanted || !seen.insert(crt.sha256_fingerprint).second) continue;
    nlohmann::json item = certificate_json(entry);
    item["crt"] = c->certificate_pem;
    item["key"] = c->key_pem;
    item["cab"] = c->cabundle_pem;
    item["created"] = entry.value("created", 0LL);
    item["friendly_name"] = vhost;
    item["serial"] = crt.serial;
    item["verify_error"] = crt.is_self_signed ? "DEPTH_ZERO_SELF_SIGNED_CERT" : "";
    if (item["validation_type"].is_null()) item["validation_type"] = "";
    if (with_users) item["users"] = {user};
    out.push_back(item);
  }
  return out;
}

std::vector<std::string> comma_list(const std::string& text) {
  std::vector<std::string> out;
  for (const auto& d : split(text, ','))
    if (std::string t = to_lower(trim(d)); !t.empty()) out.push_back(t);
  return out;
}

Response fetch_ssl_certificates_for_fqdns(Context& ctx, const Request& req) {
  const auto domains = comma_list(req.require("domains"));
  if (domains.empty()) throw missing_param("domains");
  for (const auto& d : domains)
    if (auto why = domain_syntax_error(d)) throw invalid_param("domains", *why);
  Transaction view(ctx.root);
  Response r;
  r.data = {{"payload", certificates_for_fqdns(view, domains, "", true)}};
  return r;
}

// Installs now, in one transaction with one reload (whmkit has no background
// queue to defer them to: docs/ssl-install.md).
Response enqueue_deferred_ssl_installations(Context& ctx, const Request& req) {
  const auto& users = req.list("username");
  const auto& crts = req.list("crt");
  const auto& keys = req.list("key");
  const auto& cabs = req.list("cab");
  const auto& vhosts = req.list("vhost_name");
  if (users.size() != crts.size() || users.size() != keys.size() || users.size() != cabs.size() ||
      users.size() != vhosts.size())
    throw ApiError("You must pass the same number of “username”, “crt”, “key”, “cab”, and “vhost_name” values.");
  for (size_t i = 0; i < users.size(); ++i) {
    AccountStore store(ctx.root);
    if (!store.exists(users[i])) throw ApiError("The user " + in_quotes(users[i]) + " does not exist.");
    if (!ctx.rights.privileged) {
      auto cpuser = store.require(users[i]);
      if (!ctx.rights.sees(users[i], cpuser.get("OWNER")))
        throw ApiError("You do not have access to the account " + in_quotes(users[i]) + ".");
    }
    stage_ssl_install(ctx.txn(), users[i], {to_lower(vhosts[i]), keys[i], crts[i], cabs[i]});
  }
  Response r;
  r.data = nlohmann::json::object();
  return r;
}

// ---------------------------------------------------------------- UAPI SSL

Response uapi_install_ssl(Context& ctx, const Request& req) {
  const std::string domain = req.domain("domain");
  InstalledCertificate cert{domain, req.get_or("key", ""), req.get_or("cert", ""), req.get_or("cabundle", "")};
  SslInstallResult r = stage_ssl_install_for(ctx.txn(), ctx.account.user, cert);
  const std::string message = "The SSL certificate is now installed onto the domain “" + r.vhost +
                              "” using the IP address “" + r.ip + "”. Apache is restarting in the background.";
  Response resp;
  resp.data = {{"action", r.replaced ? "update" : "install"},
               {"cert_id", certificate_id(cert.certificate_pem)},
               {"key_id", key_id(cert.key_pem)},
               {"domain", r.vhost},
               {"extra_certificate_domains", r.extra_certificate_domains},
               {"html", "The SSL certificate is now installed onto the domain " + html_escape(r.vhost) +
                            " using the IP address " + html_escape(r.ip) + "."},
               {"ip", r.ip},
               {"message", message},
               {"statusmsg", message},
               {"user", ctx.account.user},
               {"warning_domains", r.warning_domains},
               {"working_domains", r.working_domains}};
  resp.messages.push_back("The certificate was successfully installed on the domain “" + r.vhost + "”.");
  return resp;
}

std::string account_vhost(const Context& ctx, const Transaction& view, const std::string& domain) {
  auto vhost = vhost_of_domain(view, ctx.account.user, domain);
  if (!vhost)
    throw ApiError("The domain " + in_quotes(domain) + " does not belong to the account " +
                   in_quotes(ctx.account.user) + ".");
  return *vhost;
}

Response installed_host(Context& ctx, const Request& req) {
  Transaction view(ctx.root);
  const std::string domain = req.has("domain") ? req.domain("domain") : ctx.account.main_domain;
  const std::string vhost = account_vhost(ctx, view, domain);
  const auto entry = ssl_index_entry(view, vhost);
  if (!entry || !entry->is_object() || !installed_certificate(view, vhost))
    throw ApiError("The domain " + in_quotes(domain) + " does not have an SSL certificate installed.");
  const nlohmann::json* it = &*entry;
  nlohmann::json certificate = certificate_json(*it);
  // The OpenSSL verification's error ("" when it verifies), as cPanel reports it.
  certificate["verify_error"] = it->value("is_self_signed", 0) ? "DEPTH_ZERO_SELF_SIGNED_CERT" : "";
  Response r;
  r.data = {{"host", vhost}, {"certificate", certificate}};
  return r;
}

Response installed_hosts(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  const nlohmann::json index = ssl_index(view);
  const auto primaries = primary_on_ip(view, index);
  const auto dedicated = dedicated_ips(ctx.root);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& [vhost, entry] : index.items()) {
    if (!entry.is_object() || entry.value("user", "") != ctx.account.user) continue;
    auto c = installed_certificate(view, vhost);
    if (!c) continue;
    nlohmann::json v = vhost_json(view, vhost, entry, primaries, dedicated);
    v.erase("user");
    v.erase("iptype");
    v.erase("ipv6");
    v.erase("type");
    v["fqdns"] = v["domains"];
    nlohmann::json certificate = certificate_json(entry);
    certificate["is_autossl"] = 0;
    certificate["auto_ssl_provider"] = "";
    certificate["auto_ssl_provider_display_name"] = "";
    v["certificate"] = certificate;
    v["certificate_text"] = c->certificate_pem;
    out.push_back(v);
  }
  Response r;
  r.data = out;
  return r;
}

Response delete_ssl(Context& ctx, const Request& req) {
  const std::string domain = req.domain("domain");
  Transaction& txn = ctx.txn();
  const std::string vhost = account_vhost(ctx, txn, domain);
  if (!installed_certificate(txn, vhost))
    throw ApiError("The domain " + in_quotes(domain) + " does not have an SSL certificate installed.");
  stage_ssl_removal(txn, vhost);
  Response r;
  r.data = nullptr;
  return r;
}

Response uapi_fetch_certificates_for_fqdns(Context& ctx, const Request& req) {
  const auto domains = comma_list(req.require("domains"));
  if (domains.empty()) throw missing_param("domains");
  Transaction view(ctx.root);
  nlohmann::json list = certificates_for_fqdns(view, domains, ctx.account.user, false);
  for (auto& item : list) {
    bool configured = false;
    for (const auto& d : strings(item["domains"])) configured |= ctx.account.owns_domain(d);
    item["domain_is_configured"] = configured ? 1 : 0;
  }
  Response r;
  r.data = list;
  return r;
}

Response toggle_ssl_redirect_for_domains(Context& ctx, const Request& req) {
  const auto domains = comma_list(req.require("domains"));
  if (domains.empty()) throw missing_param("domains");
  const bool on = req.require("state") == "1";
  Transaction& txn = ctx.txn();
  AccountStore store(ctx.root);
  std::map<std::string, nlohmann::json> docs;
  for (const auto& d : domains) {
    if (!ctx.account.owns_domain(d))
      throw ApiError("The domain " + in_quotes(d) + " does not belong to the account " + in_quotes(ctx.account.user) +
                     ".");
    const std::string vhost = account_vhost(ctx, txn, d);
    if (on && !installed_certificate(txn, vhost))
      throw ApiError("The domain " + in_quotes(d) + " cannot redirect to HTTPS: it has no SSL certificate installed.");
    if (!docs.count(vhost)) {
      auto text = txn.read(paths::userdata_dir(ctx.account.user) + "/" + vhost);
      if (!text) throw ApiError("The userdata of the domain " + in_quotes(vhost) + " is missing.");
      docs[vhost] = yaml_to_json(*text);
    }
  }
  for (auto& [vhost, doc] : docs) {
    if (on)
      doc["ssl_redirect"] = 1;
    else
      doc.erase("ssl_redirect");
    store.save_userdata(txn, ctx.account.user, vhost, doc, ctx.account.owner);
  }
  stage_web_config_for_user(txn, ctx.account.user);
  reload_web_servers_after_commit(txn);
  Response r;
  r.data = domains;
  return r;
}

// Whether the OpenSSL whmkit is built with can serve a certificate per
// requested name (the web servers use the same library).
Response uapi_is_sni_supported(Context&, const Request&) {
  Response r;
#ifdef SSL_CTRL_SET_TLSEXT_HOSTNAME
  r.data = 1;
#else
  r.data = 0;
#endif
  return r;
}

// ---------------------------------------------------------------- UAPI SSL: mail SNI

// Mail SNI is always on (Cpanel::API::SSL since 11.60): the Dovecot and
// Exim SNI files (mail_sni.hpp) serve every domain whose certificate the
// Domain TLS datastore has. Nothing records a per-domain switch.
constexpr const char* kMailSniAlways = "cPanel & WHM always enables mail SNI from now on.";

// is_mail_sni_supported: gated by the sslinstall feature, then always 1.
Response is_mail_sni_supported(Context&, const Request&) {
  Response r;
  r.data = 1;
  r.messages.push_back("cPanel & WHM always supports mail SNI from now on.");
  return r;
}

Response uapi_mail_sni_status(Context& ctx, const Request& req) {
  const std::string domain = req.domain("domain");
  Transaction view(ctx.root);
  account_vhost(ctx, view, domain);  // cPanel: dies when the account has no vhost by that name
  Response r;
  r.data = {{"enabled", 1}};
  r.messages.push_back(kMailSniAlways);
  return r;
}

// enable_mail_sni (SETSNISTATUS): each of the pipe-separated domains is
// "updated" when it is the account's, else failed with cPanel's wording;
// nothing is written, mail SNI being always on.
Response enable_mail_sni(Context& ctx, const Request& req) {
  const std::string list = req.get_or("domains", "");
  std::vector<std::string> domains;
  for (const auto& d : split(list, '|'))
    if (!d.empty()) domains.push_back(d);
  if (domains.empty()) throw ApiError("You must specify “domains”.");
  Response r;
  r.data = {{"updated_domains", nlohmann::json::object()}, {"failed_domains", nlohmann::json::object()}};
  for (const auto& d : domains) {
    if (ctx.account.owns_domain(to_lower(d)))
      r.data["updated_domains"][d] = 1;
    else
      r.data["failed_domains"][d] = "Sorry, " + d + " is not one of the domains on your account.";
  }
  r.messages.push_back(kMailSniAlways);
  return r;
}

// disable_mail_sni: always fails, changing nothing (Cpanel::API::SSL).
Response disable_mail_sni(Context&, const Request&) { throw ApiError(kMailSniAlways); }

// set_primary_ssl: the account's SSL vhost `servername` becomes the first
// (the one a client without SNI gets) on the account's dedicated IP address.
Response set_primary_ssl(Context& ctx, const Request& req) {
  const CpUser cpuser = AccountStore(ctx.root).require(ctx.account.user);
  const std::string ip = cpuser.get("IP", "");
  if (ip.empty() || !dedicated_ips(ctx.root).count(ip))
    throw ApiError("Your IP address (" + ip +
                   ") is shared with other users. You cannot set a primary website unless you have a dedicated IP "
                   "address.");
  const std::string servername = to_lower(trim(req.get_or("servername", "")));
  if (servername.empty()) throw ApiError("You must specify the “servername”.");
  Transaction& txn = ctx.txn();
  const auto found = ssl_index_entry(txn, servername);
  const nlohmann::json* it = found ? &*found : nullptr;
  // The inner reasons are UNCONFIRMED (cPanel's SETPRIMARY admin call).
  auto fail = [&](const std::string& why) {
    return ApiError("The system failed to set “" + servername +
                    "” as the primary SSL host on its IP address because of an error: " + why);
  };
  if (!it || !it->is_object() || it->value("user", "") != ctx.account.user || !installed_certificate(txn, servername))
    throw fail("The account “" + ctx.account.user + "” has no SSL virtual host named “" + servername + "”.");
  if (it->value("ip", "") != ip)
    throw fail("The SSL virtual host “" + servername + "” is not on the IP address “" + ip + "”.");
  stage_primary_vhost(txn, ip, servername, true);
  Response r;
  r.data = nullptr;
  return r;
}

// can_ssl_redirect: whmkit's generated configuration always carries the
// redirect (a RewriteRule in Apache, a return in nginx); what can stop it is
// cPanel's first check: the administrator disabled certificate installation
// (Tweak Setting allowcpsslinstall=0) and AutoSSL has no provider.
Response can_ssl_redirect(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  const auto allow = read_tweak_setting(view, "allowcpsslinstall");
  if (allow && *allow == "0" && !autossl::Config::load(view).provider())
    throw ApiError(
        "The administrator has disabled the “allowcpsslinstall” feature on this server, and autossl is "
        "disabled.");
  Response r;
  r.data = 1;
  r.messages.push_back("Server can redirect to ssl for user domains.");
  return r;
}

// ---------------------------------------------------------------- API 2 SSL::installssl

// Deprecated; UAPI install_ssl with crt for cert, its own transaction so
// that a refusal changes nothing: [{result, output}] (output: the messages,
// or the errors).
Response api2_installssl(Context& ctx, const Request& req) {
  Response r;
  try {
    Transaction txn(ctx.root);
    const std::string domain = trim(req.get_or("domain", ""));
    if (domain.empty()) throw ApiError("No domain provided.");
    InstalledCertificate cert{to_lower(domain), req.get_or("key", ""), req.get_or("crt", ""),
                              req.get_or("cabundle", "")};
    SslInstallResult done = stage_ssl_install_for(txn, ctx.account.user, cert);
    txn.commit();
    r.data = nlohmann::json::array(
        {{{"result", 1},
          {"output", "The certificate was successfully installed on the domain “" + done.vhost + "”."}}});
  } catch (const ApiError& e) {
    r.data = nlohmann::json::array({{{"result", 0}, {"output", e.what()}}});
  }
  return r;
}

Response uapi_rebuild_mail_sni_config(Context& ctx, const Request& req) {
  Transaction txn(ctx.root);
  stage_mail_sni_config(txn);
  txn.commit();
  if (req.flag("reload_dovecot", true)) {
    auto argv = doveadm_command(ctx.root, "Dovecot was not reloaded.");
    argv.push_back("reload");
    auto run = run_with_input(argv, "");
    if (!run || run->status != 0)
      throw ApiError("The system failed to rebuild the Mail SNI configuration. Error: “" +
                     (run ? trim(run->output) : std::string("doveadm could not be run")) + "”.");
  }
  Response r;
  r.data = {{"success", 1}};
  return r;
}

WHMKIT_REGISTRATIONS(
    registrations,
    Registration({"installssl",
                  whm_installssl,
                  Access::Write,
                  needs("ssl", {domain("domain")}),
                  {pem_param("crt", true, "The certificate, PEM."), pem_param("key", true, "Its private key, PEM."),
                   pem_param("cab", false, "The CA bundle, PEM.")}}),
    Registration({"delete_ssl_vhost", delete_ssl_vhost, Access::Write, needs("ssl")}),
    Registration({"fetch_ssl_vhosts", fetch_ssl_vhosts, Access::Read, needs("ssl")}),
    Registration({"fetch_vhost_ssl_components", fetch_vhost_ssl_components, Access::Read, root_only()}),
    Registration({"fetch_ssl_certificates_for_fqdns",
                  fetch_ssl_certificates_for_fqdns,
                  Access::Read,
                  root_only(),
                  {required_param("domains")}}),
    Registration({"enqueue_deferred_ssl_installations",
                  enqueue_deferred_ssl_installations,
                  Access::Write,
                  needs("ssl"),
                  {list_param("username", ParamType::String, true),
                   [] {
                     ParamSpec p = list_param("crt", ParamType::String, true);
                     p.multiline = true;
                     return p;
                   }(),
                   [] {
                     ParamSpec p = list_param("key", ParamType::String, true);
                     p.multiline = true;
                     return p;
                   }(),
                   [] {
                     ParamSpec p = list_param("cab", ParamType::String, true);
                     p.multiline = true;
                     return p;
                   }(),
                   list_param("vhost_name", ParamType::String, true)}}),

    Registration({Api::Uapi,
                  "SSL",
                  "install_ssl",
                  uapi_install_ssl,
                  Access::Write,
                  needs_feature("sslinstall", {domain("domain")}),
                  {make_param("domain", ParamType::Domain, true), pem_param("cert", true, "The certificate, PEM."),
                   pem_param("key", true, "Its private key, PEM."),
                   pem_param("cabundle", false, "The CA bundle, PEM.")},
                  "Install SSL certificate"}),
    Registration({Api::Uapi,
                  "SSL",
                  "installed_host",
                  installed_host,
                  Access::Read,
                  own_objects({domain("domain")}),
                  {make_param("domain", ParamType::Domain),
                   [] {
                     ParamSpec p = optional_param("verify_certificate", ParamType::Boolean);
                     p.default_value = "0";
                     return p;
                   }()},
                  "Return domain's installed SSL certificate"}),
    Registration({Api::Uapi,
                  "SSL",
                  "installed_hosts",
                  installed_hosts,
                  Access::Read,
                  own_objects(),
                  {},
                  "Return installed SSL certificates"}),
    Registration({Api::Uapi,
                  "SSL",
                  "delete_ssl",
                  delete_ssl,
                  Access::Write,
                  needs_feature("sslinstall", {domain("domain")}),
                  {make_param("domain", ParamType::Domain, true)},
                  "Remove SSL certificate"}),
    Registration({Api::Uapi,
                  "SSL",
                  "fetch_certificates_for_fqdns",
                  uapi_fetch_certificates_for_fqdns,
                  Access::Read,
                  own_objects(),
                  {make_param("domains", ParamType::String, true)},
                  "Return SSL certificates for domains"}),
    Registration({Api::Uapi,
                  "SSL",
                  "toggle_ssl_redirect_for_domains",
                  toggle_ssl_redirect_for_domains,
                  Access::Write,
                  own_objects(),
                  {make_param("domains", ParamType::String, true),
                   [] {
                     ParamSpec p = make_param("state", ParamType::Boolean, true);
                     return p;
                   }()},
                  "Enable or disable secure redirects"}),
    Registration({Api::Uapi,
                  "SSL",
                  "is_sni_supported",
                  uapi_is_sni_supported,
                  Access::Read,
                  own_objects(),
                  {},
                  "Return whether server supports SNI"}),
    Registration({Api::Uapi,
                  "SSL",
                  "is_mail_sni_supported",
                  is_mail_sni_supported,
                  Access::Read,
                  needs_feature("sslinstall"),
                  {},
                  "Return whether mail SNI is enabled"}),
    Registration({Api::Uapi,
                  "SSL",
                  "mail_sni_status",
                  uapi_mail_sni_status,
                  Access::Read,
                  own_objects({domain("domain")}),
                  {make_param("domain", ParamType::Domain, true)},
                  "Return mail SNI status"}),
    // Its own transaction: Dovecot reloads the files once they are written.
    Registration({Api::Uapi,
                  "SSL",
                  "rebuild_mail_sni_config",
                  uapi_rebuild_mail_sni_config,
                  Access::Write,
                  own_objects(),
                  {[] {
                    ParamSpec p = optional_param("reload_dovecot", ParamType::Boolean);
                    p.default_value = "1";
                    return p;
                  }()},
                  "Rebuild mail SNI configuration"}),
    Registration({Api::Uapi,
                  "SSL",
                  "enable_mail_sni",
                  enable_mail_sni,
                  Access::Read,
                  needs_feature("sslinstall"),
                  {make_param("domains", ParamType::String, true)},
                  "Enable SNI mail services for domain"}),
    Registration({Api::Uapi,
                  "SSL",
                  "disable_mail_sni",
                  disable_mail_sni,
                  Access::Read,
                  own_objects(),
                  {make_param("domains", ParamType::String, true)},
                  "Disable SNI mail services for domain"}),
    Registration({Api::Uapi,
                  "SSL",
                  "set_primary_ssl",
                  set_primary_ssl,
                  Access::Write,
                  needs_feature("sslinstall"),
                  {make_param("servername", ParamType::Domain, true)},
                  "Update SSL website for dedicated IP address"}),
    Registration({Api::Uapi,
                  "SSL",
                  "can_ssl_redirect",
                  can_ssl_redirect,
                  Access::Read,
                  own_objects(),
                  {},
                  "Return whether domains can redirect to secure URL"}),
    Registration({Api::Api2,
                  "SSL",
                  "installssl",
                  api2_installssl,
                  Access::Write,
                  needs_feature("sslinstall", {domain("domain")}),
                  {make_param("domain", ParamType::String, true), pem_param("crt", true, "The certificate, PEM."),
                   pem_param("key", true, "Its private key, PEM."),
                   pem_param("cabundle", false, "The CA bundle, PEM.")}}), );

}  // namespace
}  // namespace whm
