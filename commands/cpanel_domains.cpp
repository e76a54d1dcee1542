// The cPanel modules for an account's own domains: API 2 SubDomain (and UAPI
// SubDomain::addsubdomain), API 2 Park (parked domains, aliases) and API 2
// AddonDomain. They change only the --user account's domains, through
// AccountDomains (lib/store/account_domains.hpp), the same operations WHM's
// create_subdomain, create_parked_domain_for_user and delete_domain use.
// Listings read the account's userdata cache rows.
//
// Shapes and wording follow real servers' answers (cPanel 11.30-11.32
// recordings of these calls): API 2 changes answer [{"result": 1, "reason": ...}],
// listings give dir/basedir/reldir/status for each domain.
#include <algorithm>
#include <regex>

#include "account_domains.hpp"
#include "dns_store.hpp"
#include "errors.hpp"
#include "features.hpp"
#include "lazy_registrations.hpp"
#include "registry.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {
namespace {

// whmkit writes no redirects, so every domain is "not redirected", as
// cPanel words a domain without one.
constexpr const char* kNotRedirected = "not redirected";

// ---------------------------------------------------------------- answers

Response api2_result(const std::string& reason) {
  Response r;
  r.data = nlohmann::json::array({{{"reason", reason}, {"result", 1}}});
  return r;
}

// cPanel's note that a zone got the new records ("\r\n" as servers send it).
std::string zone_note(const std::optional<std::string>& zone) {
  if (!zone) return "";
  return "The zone file for '" + *zone + "' has been edited and your new data has been added to it.\r\nsaved " + *zone +
         "\n";
}

std::string subdomain_removed_reason(const std::string& subdomain, const std::optional<std::string>& zone) {
  return "Deleted domain: " + subdomain + "\n" + zone_note(zone) + "The subdomain, " + subdomain + " has been removed.";
}

// A domain's document root as the listings give it: the absolute path, the
// path inside the home, and that path as "home:public_html/blog".
nlohmann::json docroot_fields(const std::string& home, const std::string& docroot) {
  const std::string base = docroot == home                    ? ""
                           : starts_with(docroot, home + "/") ? docroot.substr(home.size() + 1)
                                                              : docroot;
  return {{"basedir", base}, {"dir", docroot}, {"reldir", "home:" + base}};
}

// ---------------------------------------------------------------- reading

// The `regex` parameter of the listings: only the domains it matches.
class DomainFilter {
 public:
  explicit DomainFilter(const Request& req) {
    const std::string text = req.get_or("regex", "");
    if (text.empty()) return;
    try {
      regex_ = std::regex(text, std::regex::ECMAScript);
    } catch (const std::regex_error&) {
      throw invalid_param("regex", "it is not a valid regular expression.");
    }
  }
  bool matches(const std::string& domain) const { return !regex_ || std::regex_search(domain, *regex_); }

 private:
  std::optional<std::regex> regex_;
};

// The account's rows of one type, sorted by domain.
std::vector<DomainRow> rows_of_type(const Context& ctx, const char* type) {
  std::vector<DomainRow> out;
  for (auto& r : AccountStore(ctx.root).domain_rows(ctx.account.user))
    if (r.type == type) out.push_back(std::move(r));
  std::sort(out.begin(), out.end(), [](const DomainRow& a, const DomainRow& b) { return a.domain < b.domain; });
  return out;
}

// A subdomain as its label and the domain it was made on: the longest of the
// account's main, parked and addon domains that ends it ("blog", "bob.example").
std::pair<std::string, std::string> split_subdomain(const Context& ctx, const std::string& subdomain) {
  std::string root;
  for (const auto& r : AccountStore(ctx.root).domain_rows(ctx.account.user))
    if (r.type != domain_type::kSub && ends_with(subdomain, "." + r.domain) && r.domain.size() > root.size())
      root = r.domain;
  if (root.empty()) {
    const auto dot = subdomain.find('.');
    return {subdomain.substr(0, dot), dot == std::string::npos ? "" : subdomain.substr(dot + 1)};
  }
  return {subdomain.substr(0, subdomain.size() - root.size() - 1), root};
}

// ---------------------------------------------------------------- SubDomain

// The new subdomain's full name from `domain` (its label, dots removed with
// disallowdot=1) and `rootdomain`.
std::string new_subdomain_name(const Request& req) {
  std::string label = to_lower(req.require("domain"));
  if (req.flag("disallowdot")) label.erase(std::remove(label.begin(), label.end(), '.'), label.end());
  const std::string full = label + "." + req.domain("rootdomain");
  if (auto why = domain_syntax_error(full)) throw invalid_param("domain", *why);
  return full;
}

// A name the account may take as a new domain: nobody has it, nor a zone.
void require_new_domain(const Context& ctx, const std::string& domain) {
  if (AccountStore(ctx.root).domain_owner(domain) || zone_exists(ctx.txn(), domain))
    throw ApiError("Error from domain wrapper: Domain already exists, it was not added.: " + domain);
}

// The default document root, public_html/<label>, as cPanel's reference gives it.
std::string dir_or_default(const Request& req, const std::string& fallback) {
  const std::string dir = req.get_or("dir", "");
  return dir.empty() ? fallback : dir;
}

std::optional<std::string> add_subdomain(Context& ctx, const Request& req) {
  const std::string full = new_subdomain_name(req);
  require_new_domain(ctx, full);
  AccountDomains domains(ctx.root, ctx.txn(), ctx.account.user);
  const std::string label = full.substr(0, full.size() - req.domain("rootdomain").size() - 1);
  const std::string docroot =
      docroot_in_home(domains.home(), dir_or_default(req, "public_html/" + label), "dir", false);
  // canoff=1 (the default) turns UseCanonicalName off, as every vhost has it.
  const DomainChange added = domains.add_subdomain(full, docroot, req.flag("canoff", true) ? "Off" : "On");
  domains.stage();
  return added.zone;
}

Response api2_addsubdomain(Context& ctx, const Request& req) {
  const auto zone = add_subdomain(ctx, req);
  return api2_result(zone_note(zone) + "The subdomain, " + new_subdomain_name(req) + " has been added.");
}

Response uapi_addsubdomain(Context& ctx, const Request& req) {
  add_subdomain(ctx, req);
  return {};
}

Response delsubdomain(Context& ctx, const Request& req) {
  const std::string subdomain = req.domain("domain");
  AccountDomains domains(ctx.root, ctx.txn(), ctx.account.user);
  if (domains.type_of(subdomain) != std::optional<std::string>(domain_type::kSub))
    throw ApiError("“" + subdomain + "” is not a subdomain of the account “" + ctx.account.user + "”.");
  const DomainChange removed = domains.remove(subdomain);
  domains.stage();
  return api2_result(subdomain_removed_reason(subdomain, removed.zone));
}

Response changedocroot(Context& ctx, const Request& req) {
  const std::string subdomain = to_lower(req.require("subdomain")) + "." + req.domain("rootdomain");
  AccountDomains domains(ctx.root, ctx.txn(), ctx.account.user);
  const std::string docroot = docroot_in_home(domains.home(), req.require("dir"), "dir", false);
  domains.change_docroot(subdomain, docroot);
  domains.stage();
  Response r;
  r.data = nlohmann::json::array(
      {{{"dir", docroot}, {"reldir", docroot_fields(domains.home(), docroot)["basedir"]}, {"result", 1}}});
  return r;
}

Response listsubdomains(Context& ctx, const Request& req) {
  const DomainFilter filter(req);
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& row : rows_of_type(ctx, domain_type::kSub)) {
    if (!filter.matches(row.domain)) continue;
    const auto [label, root] = split_subdomain(ctx, row.domain);
    nlohmann::json entry = docroot_fields(ctx.account.home, row.docroot);
    entry["domain"] = row.domain;
    entry["domainkey"] = label + "_" + root;
    entry["rootdomain"] = root;
    entry["status"] = kNotRedirected;
    entry["subdomain"] = label;
    r.data.push_back(std::move(entry));
  }
  return r;
}

// ---------------------------------------------------------------- Park

// Whether `given` names the vhost `vhost` (an addon domain's subdomain, or
// the main domain) as the listings' domainkey ("shop_bob.example", what
// clients send), its full name or its label.
bool names_subdomain(const std::string& given, const std::string& vhost) {
  const std::string name = to_lower(given);
  const auto dot = vhost.find('.');
  const std::string key = vhost.substr(0, dot) + "_" + vhost.substr(dot + 1);
  return name == vhost || name == key || name == vhost.substr(0, dot);
}

// The vhost a parked or addon domain is an alias of (its row's parent).
std::string vhost_of(const AccountDomains& domains, const std::string& domain) {
  for (const auto& row : domains.rows())
    if (row.domain == domain) return row.parent;
  return domains.main_domain();
}

Response park(Context& ctx, const Request& req) {
  const std::string domain = req.domain("domain");
  const std::string top = req.get_or("topdomain", "").empty() ? ctx.account.main_domain : req.domain("topdomain");
  require_new_domain(ctx, domain);
  // Parking on a subdomain makes an addon domain, which that feature gates.
  if (top != ctx.account.main_domain &&
      !resolve_feature(ctx.root, AccountStore(ctx.root).require(ctx.account.user), "addondomains").enabled)
    throw ApiError("You do not have the feature “addondomains”.");
  AccountDomains domains(ctx.root, ctx.txn(), ctx.account.user);
  domains.add_alias(domain, top);
  domains.stage();
  return api2_result(domain + " was successfully parked on top of " + top);
}

Response unpark(Context& ctx, const Request& req) {
  const std::string domain = req.domain("domain");
  AccountDomains domains(ctx.root, ctx.txn(), ctx.account.user);
  const auto type = domains.type_of(domain);
  if (type != std::optional<std::string>(domain_type::kParked) &&
      type != std::optional<std::string>(domain_type::kAddon))
    throw ApiError("“" + domain + "” is not a parked or addon domain of the account “" + ctx.account.user + "”.");
  const std::string vhost = vhost_of(domains, domain);
  const std::string given = req.get_or("subdomain", "");
  if (!given.empty() && !names_subdomain(given, vhost))
    throw invalid_param("subdomain", "“" + domain + "” is parked on “" + vhost + "”.");
  domains.remove(domain);
  domains.stage();
  return api2_result(domain + " was successfully unparked");
}

Response listparkeddomains(Context& ctx, const Request& req) {
  const DomainFilter filter(req);
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& row : rows_of_type(ctx, domain_type::kParked)) {
    if (!filter.matches(row.domain)) continue;
    nlohmann::json entry = docroot_fields(ctx.account.home, row.docroot);
    entry["domain"] = row.domain;
    entry["status"] = kNotRedirected;
    r.data.push_back(std::move(entry));
  }
  return r;
}

// ---------------------------------------------------------------- AddonDomain

// The addon domain's new subdomain under the main domain, from its label
// ("shop") or its full name ("shop.bob.example").
std::string addon_subdomain_name(const Context& ctx, const Request& req) {
  std::string label = to_lower(req.require("subdomain"));
  const std::string suffix = "." + ctx.account.main_domain;
  if (ends_with(label, suffix)) label.resize(label.size() - suffix.size());
  const std::string full = label + suffix;
  if (auto why = domain_syntax_error(full)) throw invalid_param("subdomain", *why);
  return full;
}

Response addaddondomain(Context& ctx, const Request& req) {
  const std::string domain = req.domain("newdomain");
  const std::string subdomain = addon_subdomain_name(ctx, req);
  require_new_domain(ctx, domain);
  require_new_domain(ctx, subdomain);
  AccountDomains domains(ctx.root, ctx.txn(), ctx.account.user);
  const std::string docroot =
      docroot_in_home(domains.home(), dir_or_default(req, "public_html/" + domain), "dir", false);
  domains.add_addon(domain, subdomain, docroot);
  domains.stage();
  return api2_result(domain + " was successfully parked on top of " + subdomain);
}

Response deladdondomain(Context& ctx, const Request& req) {
  const std::string domain = req.domain("domain");
  AccountDomains domains(ctx.root, ctx.txn(), ctx.account.user);
  if (domains.type_of(domain) != std::optional<std::string>(domain_type::kAddon))
    throw ApiError("“" + domain + "” is not an addon domain of the account “" + ctx.account.user + "”.");
  const std::string subdomain = vhost_of(domains, domain);
  if (!names_subdomain(req.require("subdomain"), subdomain))
    throw invalid_param("subdomain", "the addon domain “" + domain + "” is served by “" + subdomain + "”.");
  domains.remove(domain);
  // The subdomain goes too, unless it serves other addon domains.
  if (!domains.addons_on(subdomain).empty()) {
    domains.stage();
    return api2_result(domain + " was successfully unparked");
  }
  const DomainChange removed = domains.remove(subdomain);
  domains.stage();
  return api2_result(subdomain_removed_reason(subdomain, removed.zone));
}

Response listaddondomains(Context& ctx, const Request& req) {
  const DomainFilter filter(req);
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& row : rows_of_type(ctx, domain_type::kAddon)) {
    if (!filter.matches(row.domain)) continue;
    const auto [label, root] = split_subdomain(ctx, row.parent);
    nlohmann::json entry = docroot_fields(ctx.account.home, row.docroot);
    entry["domain"] = row.domain;
    entry["domainkey"] = label + "_" + root;
    entry["fullsubdomain"] = row.parent;
    entry["rootdomain"] = root;
    entry["status"] = kNotRedirected;
    entry["subdomain"] = label;
    r.data.push_back(std::move(entry));
  }
  return r;
}

// ---------------------------------------------------------------- registrations

ParamSpec required(const char* name, ParamType type, const char* description) {
  return described(make_param(name, type, true), description);
}
ParamSpec optional(const char* name, ParamType type, const char* default_value, const char* description) {
  ParamSpec p = described(optional_param(name, type), description);
  if (default_value) p.default_value = default_value;
  return p;
}

const ParamSpec kRegexParam =
    optional("regex", ParamType::String, nullptr, "Only the domains this regular expression matches.");
const std::vector<ParamSpec> kAddSubdomainParams = {
    required("domain", ParamType::String, "The new subdomain's label (\"blog\" for blog.example.com)."),
    required("rootdomain", ParamType::Domain, "The account's domain to make the subdomain on."),
    optional("dir", ParamType::String, nullptr,
             "The document root, relative to the home directory (default public_html/<domain>)."),
    optional("disallowdot", ParamType::Boolean, "0", "1: remove the dots from `domain`.")};
const ParamSpec kCanoffParam =
    optional("canoff", ParamType::Boolean, "1", "1: the vhost's UseCanonicalName is Off; 0: On.");

// The feature each module is gated by, as cPanel names it.
constexpr const char* kSubdomains = "subdomains";
constexpr const char* kParked = "parkeddomains";
constexpr const char* kAddons = "addondomains";

ModuleFunction api2(const char* module, const char* name, Handler h, Access access, const char* feature,
                    std::vector<OwnedParam> owned, std::vector<ParamSpec> params, const char* summary) {
  return {Api::Api2,         module, name, std::move(h), access, needs_feature(feature, std::move(owned)),
          std::move(params), summary};
}

std::vector<ParamSpec> with(std::vector<ParamSpec> params, const ParamSpec& more) {
  params.push_back(more);
  return params;
}

WHMKIT_REGISTRATIONS(
    cpanel_domain_functions,
    Registration(api2("SubDomain", "addsubdomain", api2_addsubdomain, Access::Write, kSubdomains,
                      {domain("rootdomain")}, kAddSubdomainParams, "Create a subdomain")),
    Registration(ModuleFunction{Api::Uapi, "SubDomain", "addsubdomain", uapi_addsubdomain, Access::Write,
                                needs_feature(kSubdomains, {domain("rootdomain")}),
                                with(kAddSubdomainParams, kCanoffParam), "Create subdomain"}),
    Registration(api2("SubDomain", "delsubdomain", delsubdomain, Access::Write, kSubdomains, {domain("domain")},
                      {required("domain", ParamType::Domain, "The subdomain's full name (blog.example.com).")},
                      "Delete a subdomain")),
    Registration(api2("SubDomain", "changedocroot", changedocroot, Access::Write, kSubdomains, {domain("rootdomain")},
                      {required("subdomain", ParamType::String, "The subdomain's label (\"blog\")."),
                       required("rootdomain", ParamType::Domain, "The domain the subdomain is on."),
                       required("dir", ParamType::String, "The new document root, relative to the home directory.")},
                      "Change a subdomain's document root")),
    Registration(api2("SubDomain", "listsubdomains", listsubdomains, Access::Read, kSubdomains, {}, {kRegexParam},
                      "List the account's subdomains")),
    Registration(api2("Park", "park", park, Access::Write, kParked, {domain("topdomain")},
                      {required("domain", ParamType::Domain, "The domain to park."),
                       optional("topdomain", ParamType::Domain, nullptr,
                                "The account's domain to park it on (default: the main domain; a subdomain makes "
                                "an addon domain).")},
                      "Park a domain (create an alias)")),
    Registration(api2("Park", "unpark", unpark, Access::Write, kParked, {domain("domain")},
                      {required("domain", ParamType::Domain, "The parked or addon domain to remove."),
                       optional("subdomain", ParamType::String, nullptr,
                                "The domain it is parked on, if given (\"shop_example.com\" or its full name).")},
                      "Remove a parked (alias) or addon domain")),
    Registration(api2("Park", "listparkeddomains", listparkeddomains, Access::Read, kParked, {}, {kRegexParam},
                      "List the account's parked domains (aliases)")),
    Registration(api2(
        "AddonDomain", "addaddondomain", addaddondomain, Access::Write, kAddons, {},
        {required("newdomain", ParamType::Domain, "The addon domain."),
         required("subdomain", ParamType::String, "The label of its new subdomain under the main domain (\"shop\")."),
         optional("dir", ParamType::String, nullptr,
                  "The document root, relative to the home directory (default public_html/<newdomain>).")},
        "Create an addon domain, its subdomain and its zone")),
    Registration(api2("AddonDomain", "deladdondomain", deladdondomain, Access::Write, kAddons, {domain("domain")},
                      {required("domain", ParamType::Domain, "The addon domain."),
                       required("subdomain", ParamType::String,
                                "Its subdomain, as listaddondomains' domainkey (\"shop_example.com\").")},
                      "Delete an addon domain and its subdomain")),
    Registration(api2("AddonDomain", "listaddondomains", listaddondomains, Access::Read, kAddons, {}, {kRegexParam},
                      "List the account's addon domains")), );

}  // namespace
}  // namespace whm
