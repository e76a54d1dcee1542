// Domains of an account beyond its main domain, from WHM: create_subdomain,
// create_parked_domain_for_user (parked, or addon when the target vhost is a
// subdomain), delete_domain. The changes themselves are AccountDomains'
// (lib/store/account_domains.hpp), shared with the cPanel modules.
#include "account_domains.hpp"
#include "errors.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"

namespace whm {
namespace {

// The account that owns the closest parent of `domain`, and that parent.
std::pair<std::string, std::string> parent_owner(const AccountStore& store, const std::string& domain) {
  for (auto dot = domain.find('.'); dot != std::string::npos; dot = domain.find('.', dot + 1)) {
    std::string parent = domain.substr(dot + 1);
    if (auto owner = store.domain_owner(parent)) return {*owner, parent};
  }
  throw ApiError("No account owns a parent domain of “" + domain + "”.");
}

void require_unowned(const AccountStore& store, const std::string& domain) {
  if (auto owner = store.domain_owner(domain))
    throw ApiError("The domain “" + domain + "” already belongs to the account “" + *owner + "”.");
}

Response create_subdomain(Context& ctx, const Request& req) {
  std::string sub = req.domain("domain");
  AccountStore store(ctx.root);
  require_unowned(store, sub);
  auto [user, parent] = parent_owner(store, sub);
  AccountDomains domains(ctx.root, ctx.txn(), user);
  // "public_html/blog" or "/home/u/public_html/blog"
  std::string docroot = docroot_in_home(domains.home(), req.get_or("document_root", ""), "document_root", true);
  domains.add_subdomain(sub, docroot, req.flag("use_canonical_name") ? "On" : "Off");
  domains.stage();
  Response r;
  r.data = {{"username", user}};
  return r;
}

Response create_parked_domain_for_user(Context& ctx, const Request& req) {
  std::string domain = req.domain("domain"), vhost = req.domain("web_vhost_domain");
  std::string user = req.get_or("username", "");
  if (user.empty()) throw missing_param("username");
  AccountStore store(ctx.root);
  require_unowned(store, domain);
  AccountDomains domains(ctx.root, ctx.txn(), user);
  domains.add_alias(domain, vhost);
  domains.stage();
  return {};
}

Response delete_domain(Context& ctx, const Request& req) {
  std::string domain = req.domain("domain");
  AccountStore store(ctx.root);
  auto user = store.domain_owner(domain);
  if (!user) throw ApiError("The domain “" + domain + "” does not belong to any account.");
  AccountDomains domains(ctx.root, ctx.txn(), *user);
  const DomainChange removed = domains.remove(domain);
  domains.stage();
  Response r;
  r.data = {{"type", removed.type}, {"username", *user}};
  return r;
}

WHMKIT_REGISTRATIONS(
    registrations,
    Registration({"create_subdomain", create_subdomain, Access::Write, needs("create-dns", {subdomain("domain")})}),
    Registration({"create_parked_domain_for_user", create_parked_domain_for_user, Access::Write,
                  needs("park-dns", {account_or_self("username")})}),
    Registration({"delete_domain", delete_domain, Access::Write, needs("park-dns", {domain("domain")})}), );

}  // namespace
}  // namespace whm
