// Domains of an account beyond its main domain: create_subdomain,
// create_parked_domain_for_user (parked, or addon when the target vhost is a
// subdomain), delete_domain. Each updates the cpuser file (DNS<n>), userdata
// (main, the vhost files, the cache), the /etc lookup files and DNS, in one
// transaction.
#include <sys/stat.h>
#include <unistd.h>
#include <algorithm>
#include <filesystem>

#include "account_common.hpp"
#include "dns_store.hpp"
#include "errors.hpp"
#include "registry.hpp"
#include "util.hpp"
#include "validate.hpp"

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

void check_limit(const CpUser& u, const char* key, size_t used, const char* what) {
  std::string limit = u.get(key);
  if (to_lower(limit) == "unlimited") return;
  auto n = parse_int(limit);
  if (n && static_cast<long long>(used) >= *n)
    throw ApiError("The account “" + u.user() + "” has reached its limit of " + std::to_string(*n) + " " + what + ".");
}

// The closest zone on this server that contains `name`.
std::optional<std::string> enclosing_zone(const Transaction& txn, const std::string& name) {
  for (std::string z = name; z.find('.') != std::string::npos; z = z.substr(z.find('.') + 1))
    if (zone_exists(txn, z)) return z;
  return std::nullopt;
}

struct AccountDomains {
  CpUser cpuser;
  PasswdEntry pw;
  nlohmann::json main;  // userdata main
  std::vector<DomainRow> rows;
};

AccountDomains load_account_domains(const AccountStore& store, const Transaction& txn, const std::string& user) {
  AccountDomains a{store.require(user), {}, nullptr, store.domain_rows(user)};
  SystemUsers sys;
  sys.load(txn);
  a.pw = sys.require_user(user);
  auto main = store.userdata(user, "main");
  if (!main || !main->is_object()) throw ApiError("The userdata of “" + user + "” is missing.");
  a.main = *main;
  for (const char* list : {"parked_domains", "sub_domains"})
    if (!a.main[list].is_array()) a.main[list] = nlohmann::json::array();
  if (!a.main["addon_domains"].is_object()) a.main["addon_domains"] = nlohmann::json::object();
  return a;
}

void save_account_domains(const AccountStore& store, Transaction& txn, AccountDomains& a) {
  FileOwner owner = owner_of(a.pw);
  store.save_userdata(txn, a.cpuser.user(), "main", a.main, owner);
  store.save_userdata_cache(txn, a.cpuser.user(), a.rows);
  a.cpuser.set("MTIME", std::to_string(now()));
  store.save(txn, a.cpuser, a.rows, owner);
}

// A document root under the account's home: "public_html/blog" or "/home/u/public_html/blog".
std::string docroot_arg(const Request& req, const std::string& home) {
  std::string d = req.get_or("document_root", "");
  if (d.empty()) throw missing_param("document_root");
  std::string abs = d[0] == '/' ? d : home + "/" + d;
  while (abs.size() > 1 && abs.back() == '/') abs.pop_back();
  if (abs != home && !starts_with(abs, home + "/"))
    throw invalid_param("document_root", "it must be inside " + home + ".");
  paths::rel_from_abs(abs);  // refuses "..", control characters
  return abs;
}

Response create_subdomain(Context& ctx, const Request& req) {
  std::string sub = req.domain("domain");
  AccountStore store(ctx.root);
  if (auto owner = store.domain_owner(sub))
    throw ApiError("The domain “" + sub + "” already belongs to the account “" + *owner + "”.");
  auto [user, parent] = parent_owner(store, sub);
  Transaction txn(ctx.root);
  AccountDomains a = load_account_domains(store, txn, user);
  check_limit(a.cpuser, "MAXSUB", a.main["sub_domains"].size(), "subdomains");
  std::string docroot = docroot_arg(req, a.pw.home);
  std::string ip = a.cpuser.get("IP");

  auto others = a.cpuser.other_domains();
  others.push_back(sub);
  a.cpuser.set_other_domains(others);
  a.main["sub_domains"].push_back(sub);
  DomainRow row;
  row.domain = sub;
  row.type = "sub";
  row.parent = a.cpuser.main_domain();
  row.docroot = docroot;
  row.ip = ip;
  row.user = user;
  row.owner = a.cpuser.get("OWNER");
  a.rows.push_back(row);
  VhostSpec vhost{user, row.owner, a.pw.home, sub, docroot, ip, a.cpuser.get("HASCGI") == "1", "www." + sub};
  nlohmann::json vhost_doc = vhost_userdata(vhost);
  if (req.flag("use_canonical_name")) vhost_doc["usecanonicalname"] = "On";
  store.save_userdata(txn, user, sub, vhost_doc, owner_of(a.pw));
  save_account_domains(store, txn, a);

  if (auto zone_name = enclosing_zone(txn, sub)) {
    Zone zone = load_zone(txn, *zone_name);
    bool has_a = false, has_www = false;
    for (const auto& [line, r] : zone.records()) {
      has_a |= r.name == sub + "." && r.type == "A";
      has_www |= r.name == "www." + sub + ".";
    }
    if (!has_a) zone.add({sub + ".", 14400, "IN", "A", {ip}});
    if (!has_www) zone.add({"www." + sub + ".", 14400, "IN", "CNAME", {sub + "."}});
    stage_zone(txn, zone, now());
    txn.on_commit([&ctx, z = *zone_name] { reload_zone(ctx.root, z); });
  }
  // The document root is made with the rest, owned by the account, never
  // through a symlink planted in the home.
  if (docroot != a.pw.home)
    txn.make_dir({paths::rel_from_abs(a.pw.home), docroot.substr(a.pw.home.size() + 1)}, 0755, owner_of(a.pw));
  txn.commit();
  Response r;
  r.data = {{"username", user}};
  return r;
}

Response create_parked_domain_for_user(Context& ctx, const Request& req) {
  std::string domain = req.domain("domain"), vhost = req.domain("web_vhost_domain");
  std::string user = req.get_or("username", "");
  if (user.empty()) throw missing_param("username");
  AccountStore store(ctx.root);
  if (auto owner = store.domain_owner(domain))
    throw ApiError("The domain “" + domain + "” already belongs to the account “" + *owner + "”.");
  Transaction txn(ctx.root);
  if (zone_exists(txn, domain)) throw ApiError("A DNS zone for “" + domain + "” already exists.");
  AccountDomains a = load_account_domains(store, txn, user);
  bool on_main = vhost == a.cpuser.main_domain();
  bool on_sub =
      std::find(a.main["sub_domains"].begin(), a.main["sub_domains"].end(), vhost) != a.main["sub_domains"].end();
  if (!on_main && !on_sub) throw ApiError("The account “" + user + "” has no web virtual host “" + vhost + "”.");
  if (on_main)
    check_limit(a.cpuser, "MAXPARK", a.main["parked_domains"].size(), "parked domains");
  else
    check_limit(a.cpuser, "MAXADDON", a.main["addon_domains"].size(), "addon domains");

  auto others = a.cpuser.other_domains();
  others.push_back(domain);
  a.cpuser.set_other_domains(others);
  if (on_main)
    a.main["parked_domains"].push_back(domain);
  else
    a.main["addon_domains"][domain] = vhost;
  std::string docroot = a.pw.home + "/public_html";
  for (const auto& r : a.rows)
    if (r.domain == vhost) docroot = r.docroot;
  DomainRow row;
  row.domain = domain;
  row.type = on_main ? "parked" : "addon";
  row.parent = vhost;
  row.docroot = docroot;
  row.ip = a.cpuser.get("IP");
  row.user = user;
  row.owner = a.cpuser.get("OWNER");
  a.rows.push_back(row);

  // The vhost answers to the new name too.
  auto vdoc = store.userdata(user, vhost);
  if (!vdoc) throw ApiError("The userdata of “" + vhost + "” is missing.");
  auto aliases = split((*vdoc)["serveralias"].get<std::string>(), ' ');
  for (const auto& alias : {domain, "www." + domain, "mail." + domain}) aliases.push_back(alias);
  aliases.erase(std::remove(aliases.begin(), aliases.end(), ""), aliases.end());
  std::sort(aliases.begin(), aliases.end());
  (*vdoc)["serveralias"] = join(aliases, " ");
  store.save_userdata(txn, user, vhost, *vdoc, owner_of(a.pw));
  save_account_domains(store, txn, a);
  stage_new_zone(ctx.root, txn, domain, a.cpuser.get("IP"));
  txn.on_commit([&ctx, domain] { reload_zone(ctx.root, domain); });
  txn.commit();
  return {};
}

Response delete_domain(Context& ctx, const Request& req) {
  std::string domain = req.domain("domain");
  AccountStore store(ctx.root);
  auto user = store.domain_owner(domain);
  if (!user) throw ApiError("The domain “" + domain + "” does not belong to any account.");
  Transaction txn(ctx.root);
  AccountDomains a = load_account_domains(store, txn, *user);
  if (domain == a.cpuser.main_domain())
    throw ApiError("“" + domain + "” is the main domain of “" + *user + "”; remove the account instead.");
  std::string type = "parked";
  for (const auto& r : a.rows)
    if (r.domain == domain) type = r.type;
  if (type == "sub") {
    for (auto it = a.main["addon_domains"].begin(); it != a.main["addon_domains"].end(); ++it)
      if (it.value() == domain)
        throw ApiError("The subdomain “" + domain + "” serves the addon domain “" + it.key() + "”; delete that first.");
  }

  auto others = a.cpuser.other_domains();
  others.erase(std::remove(others.begin(), others.end(), domain), others.end());
  a.cpuser.set_other_domains(others);
  for (const char* list : {"parked_domains", "sub_domains"}) {
    auto& arr = a.main[list];
    arr.erase(std::remove(arr.begin(), arr.end(), nlohmann::json(domain)), arr.end());
  }
  std::string vhost = a.cpuser.main_domain();
  if (a.main["addon_domains"].contains(domain)) {
    vhost = a.main["addon_domains"][domain].get<std::string>();
    a.main["addon_domains"].erase(domain);
  }
  a.rows.erase(std::remove_if(a.rows.begin(), a.rows.end(), [&](const DomainRow& r) { return r.domain == domain; }),
               a.rows.end());

  if (type == "sub") {
    std::string dir = paths::userdata_dir(*user) + "/" + domain;
    txn.remove(dir);
    txn.remove(dir + ".cache");
    if (auto zone_name = enclosing_zone(txn, domain); zone_name && *zone_name != domain) {
      Zone zone = load_zone(txn, *zone_name);
      for (const auto& [line, r] : zone.records())
        if (r.name == domain + "." || r.name == "www." + domain + ".") zone.remove(line);
      stage_zone(txn, zone, now());
    }
  } else {
    if (auto vdoc = store.userdata(*user, vhost)) {
      std::vector<std::string> kept;
      for (const auto& alias : split((*vdoc)["serveralias"].get<std::string>(), ' '))
        if (alias != domain && alias != "www." + domain && alias != "mail." + domain) kept.push_back(alias);
      (*vdoc)["serveralias"] = join(kept, " ");
      store.save_userdata(txn, *user, vhost, *vdoc, owner_of(a.pw));
    }
    if (zone_exists(txn, domain)) stage_remove_zone(txn, domain);
  }
  save_account_domains(store, txn, a);
  txn.commit();
  Response r;
  r.data = {{"type", type}, {"username", *user}};
  return r;
}

const Registration registrations[] = {
    Registration({"create_subdomain", create_subdomain, Access::Write, needs("create-dns", {subdomain("domain")})}),
    Registration({"create_parked_domain_for_user", create_parked_domain_for_user, Access::Write,
                  needs("park-dns", {account_or_self("username")})}),
    Registration({"delete_domain", delete_domain, Access::Write, needs("park-dns", {domain("domain")})}),
};

}  // namespace
}  // namespace whm
