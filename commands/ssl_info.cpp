// The best certificate, key and CA bundle for a domain, or the key and CA
// bundle of a certificate (lib/store/ssl_info.hpp, Cpanel::SSLInfo::fetchinfo):
// WHM API 1 fetchsslinfo, UAPI SSL fetch_best_for_domain and
// fetch_key_and_cabundle_for_certificate.
#include "ssl_info.hpp"
#include "account_store.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"

namespace whm {
namespace {

// WHM: root searches its own store and the domain owner's; a reseller its
// own account's and the owner's when it owns that account
// (Whostmgr::SSL::reseller_aware_fetch_sslinfo).
Response whm_fetchsslinfo(Context& ctx, const Request& req) {
  SslInfoQuery q;
  q.domain = req.get_or("domain", "");
  q.certificate = req.get_or("crtdata", "");
  q.caller = ctx.caller;
  q.search_owner = ctx.caller == "root";
  if (!q.search_owner && q.certificate.empty()) {
    AccountStore accounts(ctx.root);
    if (auto owner = accounts.domain_owner(q.domain))
      if (auto u = accounts.load(*owner))
        if (ctx.rights.sees(*owner, u->get("OWNER"))) q.users.push_back(*owner);
  }
  Transaction view(ctx.root);
  nlohmann::json info = fetch_ssl_info(view, q);
  if (info["status"] != 1) throw ApiError(info["statusmsg"].get<std::string>());
  Response r;
  r.reason = info["statusmsg"] == "ok" ? "OK" : info["statusmsg"].get<std::string>();
  info.erase("status");
  info.erase("statusmsg");
  r.data = info;
  return r;
}

// UAPI (Cpanel::API::SSL::_fetchinfo_wrapper): the account's own store only;
// "no certificate found" is a message, not an error.
Response uapi_fetchinfo(Context& ctx, const Request& req, const char* what) {
  const std::string value = req.get_or(what, "");
  if (value.empty()) throw ApiError(std::string("You must specify the “") + what + "”.");
  SslInfoQuery q;
  (std::string(what) == "domain" ? q.domain : q.certificate) = value;
  q.caller = ctx.account.user;
  Transaction view(ctx.root);
  nlohmann::json info = fetch_ssl_info(view, q);
  if (info["status"] != 1) throw ApiError(info["statusmsg"].get<std::string>());
  Response r;
  if (!info.contains("crt")) r.messages.push_back(info["statusmsg"].get<std::string>());
  r.data = info;
  return r;
}

ParamSpec param(const char* name, ParamType type, bool required, const char* text, bool multiline = false) {
  ParamSpec p = described(make_param(name, type, required), text);
  p.multiline = multiline;
  return p;
}

WHMKIT_REGISTRATIONS(registrations,
                     // ACL UNCONFIRMED: "ssl", as installssl.
                     Registration({"fetchsslinfo",
                                   whm_fetchsslinfo,
                                   Access::Read,
                                   needs("ssl"),
                                   {param("crtdata", ParamType::String, false, "The certificate, PEM.", true),
                                    param("domain", ParamType::String, false, "The domain.")}}),
                     Registration({Api::Uapi,
                                   "SSL",
                                   "fetch_best_for_domain",
                                   [](Context& c, const Request& r) { return uapi_fetchinfo(c, r, "domain"); },
                                   Access::Read,
                                   own_objects(),
                                   {param("domain", ParamType::String, true, "The domain name.")},
                                   "Request best SSL certificate"}),
                     Registration({Api::Uapi,
                                   "SSL",
                                   "fetch_key_and_cabundle_for_certificate",
                                   [](Context& c, const Request& r) { return uapi_fetchinfo(c, r, "certificate"); },
                                   Access::Read,
                                   own_objects(),
                                   {param("certificate", ParamType::String, true, "An SSL certificate.", true)},
                                   "Return private key and CA bundle"}), );

}  // namespace
}  // namespace whm
