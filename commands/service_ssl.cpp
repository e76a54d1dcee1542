// WHM API 1's service certificates ("SSL Certificates"): the certificates of
// cpsrvd (whmkitd), Dovecot, Exim and the FTP server in var/cpanel/ssl/<service>/
// (lib/store/service_certificate.hpp), as Whostmgr::API::1::SSL keeps them.
// The services are not restarted here: whmkitd reads its certificate when it
// starts, and the mail and FTP servers are whmkit's tests' own.
#include "account_store.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"
#include "service_certificate.hpp"
#include "util.hpp"
#include "x509.hpp"

namespace whm {
namespace {

// _fetch_cert_info: the facts of a certificate (null when it does not parse).
nlohmann::json certificate_info(const std::string& pem) {
  if (pem.empty()) return nullptr;
  try {
    const auto c = x509::parse_certificate(pem);
    auto null_if = [](const std::string& v) { return v.empty() ? nlohmann::json() : nlohmann::json(v); };
    return {{"domains", c.domains},
            {"ecdsa_curve_name", null_if(c.ecdsa_curve_name)},
            {"ecdsa_public", null_if(c.ecdsa_public)},
            {"is_self_signed", c.is_self_signed ? 1 : 0},
            {"issuer.commonName", null_if(c.issuer_common_name)},
            {"issuer.organizationName", null_if(c.issuer_organization_name)},
            {"issuer_text", c.issuer_text()},
            {"key_algorithm", c.key_algorithm},
            {"modulus", null_if(c.modulus)},
            {"modulus_length", c.is_rsa() ? nlohmann::json(c.modulus_length) : nlohmann::json()},
            {"not_after", c.not_after},
            {"not_before", c.not_before}};
  } catch (const ApiError&) {
    return nullptr;
  }
}

std::string service_arg(const Request& req) {
  const std::string service = req.require("service");
  if (!find_ssl_service(service)) throw ApiError("“" + service + "” is not a known service");
  return service;
}

Response service_status(const std::string& service, const std::string& certificate) {
  Response r;
  r.data = {{"service", service},
            {"certificate", certificate},
            {"certificate_info", certificate_info(certificate)},
            {"service_description", find_ssl_service(service)->description}};
  return r;
}

Response install_service_ssl_certificate(Context& ctx, const Request& req) {
  const std::string service = service_arg(req);
  const std::string crt = req.require("crt");
  const std::string key = req.require("key");
  const std::string cab = req.get_or("cabundle", "");
  stage_install_service_ssl(ctx.txn(), service, crt, key, cab);
  return service_status(service, read_service_ssl(ctx.txn(), service)->certificate);
}

Response reset_service_ssl_certificate(Context& ctx, const Request& req) {
  const std::string service = service_arg(req);
  std::string hostname = load_server_config(ctx.root).hostname;
  if (hostname.empty()) hostname = "localhost";
  stage_reset_service_ssl(ctx.txn(), service, hostname);
  return service_status(service, read_service_ssl(ctx.txn(), service)->certificate);
}

Response fetch_service_ssl_components(Context& ctx, const Request&) {
  Transaction view(ctx.root);
  Response r;
  r.data = {{"services", nlohmann::json::array()}};
  for (const auto& s : ssl_services()) {
    auto files = read_service_ssl(view, s.name);
    auto text_or_null = [](const std::string& v) { return v.empty() ? nlohmann::json() : nlohmann::json(v); };
    r.data["services"].push_back({{"service", s.name},
                                  {"certificate", files ? text_or_null(files->certificate) : nlohmann::json()},
                                  {"key", files ? text_or_null(files->key) : nlohmann::json()},
                                  {"cabundle", files ? nlohmann::json(files->cabundle) : nlohmann::json()},
                                  {"certificate_info", files ? certificate_info(files->certificate) : nullptr}});
  }
  return r;
}

// get_best_ssldomain_for_service: the server's hostname, and how the
// service's certificate covers it.
Response get_best_ssldomain_for_service(Context& ctx, const Request& req) {
  const std::string name = req.require("service");
  const auto group = ssl_service_group(name);
  if (!group) throw ApiError("“" + name + "” is not a known service");
  std::string hostname = load_server_config(ctx.root).hostname;
  if (hostname.empty()) hostname = "localhost";
  Transaction view(ctx.root);
  Response r;
  r.data = best_ssldomain_json(best_ssldomain(view, *group, hostname, "", false));
  return r;
}

ParamSpec pem(const char* name, const char* text, bool required) {
  ParamSpec p = described(make_param(name, ParamType::String, required), text);
  p.multiline = true;  // PEM text has many lines
  return p;
}

WHMKIT_REGISTRATIONS(service_ssl_functions,
                     Registration(Implementation{
                         "install_service_ssl_certificate",
                         install_service_ssl_certificate,
                         Access::Write,
                         root_only(),
                         {pem("crt", "The certificate, PEM.", true), pem("key", "Its private key, PEM.", true),
                          pem("cabundle", "The CA bundle, PEM (optional).", false)}}),
                     Registration(Implementation{"reset_service_ssl_certificate", reset_service_ssl_certificate,
                                                 Access::Write, root_only()}),
                     Registration(Implementation{"fetch_service_ssl_components", fetch_service_ssl_components,
                                                 Access::Read, root_only()}),
                     Registration(Implementation{"get_best_ssldomain_for_service", get_best_ssldomain_for_service,
                                                 Access::Read, any_reseller()}), );

}  // namespace
}  // namespace whm
