#include "account_domains.hpp"

#include <algorithm>

#include "account_lifecycle.hpp"
#include "dns_store.hpp"
#include "errors.hpp"
#include "mail_routing.hpp"
#include "util.hpp"
#include "web_config.hpp"

namespace whm {

namespace {

template <class Container>
void erase_value(Container& c, const std::string& value) {
  c.erase(std::remove(c.begin(), c.end(), value), c.end());
}

bool json_list_has(const nlohmann::json& list, const std::string& value) {
  return std::find(list.begin(), list.end(), nlohmann::json(value)) != list.end();
}

// The names a parked or addon domain adds to the vhost that answers it.
std::vector<std::string> alias_names(const std::string& domain) { return {domain, "www." + domain, "mail." + domain}; }

}  // namespace

std::string docroot_in_home(const std::string& home, const std::string& dir, const std::string& param,
                            bool slash_is_absolute) {
  if (dir.empty()) throw missing_param(param);
  const bool absolute = slash_is_absolute ? dir[0] == '/' : (dir == home || starts_with(dir, home + "/"));
  std::string abs = dir;
  if (!absolute) {
    const auto start = dir.find_first_not_of('/');
    abs = home + "/" + (start == std::string::npos ? "" : dir.substr(start));
  }
  while (abs.size() > 1 && abs.back() == '/') abs.pop_back();
  if (abs != home && !starts_with(abs, home + "/")) throw invalid_param(param, "it must be inside " + home + ".");
  paths::rel_from_abs(abs);  // refuses "..", empty components, control characters
  return abs;
}

AccountDomains::AccountDomains(const StateRoot& root, Transaction& txn, const std::string& user)
    : root_(root), txn_(txn), store_(root), user_(user), cpuser_(store_.require(user)) {
  main_domain_ = cpuser_.main_domain();
  rows_ = store_.domain_rows(user);
  SystemUsers sys;
  sys.load(txn);
  pw_ = sys.require_user(user);
  auto main = store_.userdata(user, "main");
  if (!main || !main->is_object()) throw ApiError("The userdata of “" + user + "” is missing.");
  main_ = *main;
  for (const char* list : {"parked_domains", "sub_domains"})
    if (!main_[list].is_array()) main_[list] = nlohmann::json::array();
  if (!main_["addon_domains"].is_object()) main_["addon_domains"] = nlohmann::json::object();
}

std::optional<std::string> AccountDomains::type_of(const std::string& domain) const {
  if (domain == main_domain_) return domain_type::kMain;
  if (main_["addon_domains"].contains(domain)) return domain_type::kAddon;
  if (json_list_has(main_["sub_domains"], domain)) return domain_type::kSub;
  if (json_list_has(main_["parked_domains"], domain)) return domain_type::kParked;
  return std::nullopt;
}

std::vector<std::string> AccountDomains::addons_on(const std::string& subdomain) const {
  std::vector<std::string> out;
  for (auto it = main_["addon_domains"].begin(); it != main_["addon_domains"].end(); ++it)
    if (it.value() == subdomain) out.push_back(it.key());
  return out;
}

nlohmann::json& AccountDomains::vhost(const std::string& name) {
  auto it = vhosts_.find(name);
  if (it == vhosts_.end()) it = vhosts_.emplace(name, store_.userdata(user_, name)).first;
  if (!it->second || !it->second->is_object()) throw ApiError("The userdata of “" + name + "” is missing.");
  return *it->second;
}

DomainRow AccountDomains::new_row(const std::string& domain, const char* type, const std::string& parent,
                                  const std::string& docroot) const {
  DomainRow row;
  row.domain = domain;
  row.type = type;
  row.parent = parent;
  row.docroot = docroot;
  row.ip = cpuser_.get("IP");
  row.user = user_;
  row.owner = cpuser_.get("OWNER");
  return row;
}

void AccountDomains::check_limit(const char* key, size_t used, const char* what) const {
  const std::string limit = cpuser_.get(key);
  if (to_lower(limit) == "unlimited") return;
  auto n = parse_int(limit);
  if (n && static_cast<long long>(used) >= *n)
    throw ApiError("The account “" + user_ + "” has reached its limit of " + std::to_string(*n) + " " + what + ".");
}

// The document root is made with the rest, owned by the account, never
// through a symlink planted in the home.
void AccountDomains::make_docroot(const std::string& docroot) {
  if (docroot != pw_.home)
    txn_.make_dir({paths::rel_from_abs(pw_.home), docroot.substr(pw_.home.size() + 1)}, 0755, owner_of(pw_));
}

// Where a subdomain's A and www records are: the closest zone above it.
std::optional<std::string> AccountDomains::zone_above(const std::string& name) const {
  for (auto dot = name.find('.'); dot != std::string::npos; dot = name.find('.', dot + 1)) {
    const std::string zone = name.substr(dot + 1);
    if (zone.find('.') != std::string::npos && zone_exists(txn_, zone)) return zone;
  }
  return std::nullopt;
}

DomainChange AccountDomains::add_subdomain(const std::string& subdomain, const std::string& docroot,
                                           const std::string& usecanonicalname) {
  size_t plain_subdomains = 0;  // those serving an addon domain count as addon domains
  for (const auto& s : main_["sub_domains"])
    if (addons_on(s.get<std::string>()).empty()) ++plain_subdomains;
  check_limit("MAXSUB", plain_subdomains, "subdomains");
  return add_subdomain_vhost(subdomain, docroot, usecanonicalname);
}

DomainChange AccountDomains::add_addon(const std::string& domain, const std::string& subdomain,
                                       const std::string& docroot) {
  check_limit("MAXADDON", main_["addon_domains"].size(), "addon domains");
  DomainChange change = add_subdomain_vhost(subdomain, docroot, "Off");
  add_alias(domain, subdomain);
  change.type = domain_type::kAddon;
  return change;
}

DomainChange AccountDomains::add_subdomain_vhost(const std::string& subdomain, const std::string& docroot,
                                                 const std::string& usecanonicalname) {
  DomainChange change{domain_type::kSub, std::nullopt};
  if (type_of(subdomain))
    throw ApiError("The domain “" + subdomain + "” already belongs to the account “" + user_ + "”.");

  auto others = cpuser_.other_domains();
  others.push_back(subdomain);
  cpuser_.set_other_domains(others);
  main_["sub_domains"].push_back(subdomain);
  rows_.push_back(new_row(subdomain, domain_type::kSub, main_domain_, docroot));
  VhostSpec spec{user_,
                 cpuser_.get("OWNER"),
                 pw_.home,
                 subdomain,
                 docroot,
                 cpuser_.get("IP"),
                 cpuser_.get("HASCGI") == "1",
                 "www." + subdomain};
  nlohmann::json doc = vhost_userdata(spec);
  doc["usecanonicalname"] = usecanonicalname;
  vhosts_[subdomain] = doc;

  if (auto zone_name = zone_above(subdomain)) {
    Zone zone = load_zone(txn_, *zone_name);
    bool has_a = false, has_www = false;
    for (const auto& [line, r] : zone.records()) {
      has_a |= r.name == subdomain + "." && r.type == "A";
      has_www |= r.name == "www." + subdomain + ".";
    }
    if (!has_a) zone.add({subdomain + ".", 14400, "IN", "A", {cpuser_.get("IP")}});
    if (!has_www) zone.add({"www." + subdomain + ".", 14400, "IN", "CNAME", {subdomain + "."}});
    stage_zone(txn_, zone, now());
    reload_.insert(*zone_name);
    change.zone = zone_name;
  }
  make_docroot(docroot);
  stage_mail_domain_added(root_, txn_, subdomain, user_);
  return change;
}

void AccountDomains::add_alias(const std::string& domain, const std::string& vhost_name) {
  if (type_of(domain)) throw ApiError("The domain “" + domain + "” already belongs to the account “" + user_ + "”.");
  if (zone_exists(txn_, domain)) throw ApiError("A DNS zone for “" + domain + "” already exists.");
  auto vhost_type = type_of(vhost_name);
  const bool parked = vhost_type && *vhost_type == domain_type::kMain;
  if (!parked && !(vhost_type && *vhost_type == domain_type::kSub))
    throw ApiError("The account “" + user_ + "” has no web virtual host “" + vhost_name + "”.");
  if (parked)
    check_limit("MAXPARK", main_["parked_domains"].size(), "parked domains");
  else
    check_limit("MAXADDON", main_["addon_domains"].size(), "addon domains");

  auto others = cpuser_.other_domains();
  others.push_back(domain);
  cpuser_.set_other_domains(others);
  if (parked)
    main_["parked_domains"].push_back(domain);
  else
    main_["addon_domains"][domain] = vhost_name;
  std::string docroot = pw_.home + "/public_html";
  for (const auto& r : rows_)
    if (r.domain == vhost_name) docroot = r.docroot;
  rows_.push_back(new_row(domain, parked ? domain_type::kParked : domain_type::kAddon, vhost_name, docroot));

  // The vhost answers to the new name too.
  nlohmann::json& doc = vhost(vhost_name);
  auto aliases = split(doc.value("serveralias", ""), ' ');
  for (const auto& alias : alias_names(domain)) aliases.push_back(alias);
  erase_value(aliases, "");
  std::sort(aliases.begin(), aliases.end());
  doc["serveralias"] = join(aliases, " ");

  stage_new_zone(root_, txn_, domain, cpuser_.get("IP"));
  reload_.insert(domain);
  stage_mail_domain_added(root_, txn_, domain, user_);
}

DomainChange AccountDomains::remove(const std::string& domain, ZoneFate zone_fate) {
  auto type = type_of(domain);
  if (!type) throw ApiError("The domain “" + domain + "” does not belong to the account “" + user_ + "”.");
  if (*type == domain_type::kMain)
    throw ApiError("“" + domain + "” is the main domain of “" + user_ + "”; remove the account instead.");
  if (*type == domain_type::kSub) {
    auto addons = addons_on(domain);
    if (!addons.empty())
      throw ApiError("The subdomain “" + domain + "” serves the addon domain “" + addons.front() +
                     "”; delete that first.");
  }

  auto others = cpuser_.other_domains();
  erase_value(others, domain);
  cpuser_.set_other_domains(others);
  cpuser_.kv.erase("MXCHECK-" + domain);
  for (const char* list : {"parked_domains", "sub_domains"}) {
    auto& arr = main_[list];
    arr.erase(std::remove(arr.begin(), arr.end(), nlohmann::json(domain)), arr.end());
  }
  std::string vhost_name = main_domain_;
  if (*type == domain_type::kAddon) {
    vhost_name = main_["addon_domains"][domain].get<std::string>();
    main_["addon_domains"].erase(domain);
  }
  rows_.erase(std::remove_if(rows_.begin(), rows_.end(), [&](const DomainRow& r) { return r.domain == domain; }),
              rows_.end());

  stage_mail_domain_removed(root_, txn_, domain);
  DomainChange change{*type, std::nullopt};
  if (*type == domain_type::kSub) {
    vhosts_[domain] = std::nullopt;
    if (auto zone_name = zone_above(domain)) {
      Zone zone = load_zone(txn_, *zone_name);
      for (const auto& [line, r] : zone.records())
        if (r.name == domain + "." || r.name == "www." + domain + ".") zone.remove(line);
      stage_zone(txn_, zone, now());
      reload_.insert(*zone_name);
      change.zone = zone_name;
    }
  } else {
    nlohmann::json& doc = vhost(vhost_name);
    auto aliases = split(doc.value("serveralias", ""), ' ');
    for (const auto& alias : alias_names(domain)) erase_value(aliases, alias);
    doc["serveralias"] = join(aliases, " ");
    if (zone_fate == ZoneFate::Remove && zone_exists(txn_, domain)) stage_remove_zone(txn_, domain);
  }
  return change;
}

void AccountDomains::change_docroot(const std::string& subdomain, const std::string& docroot) {
  auto type = type_of(subdomain);
  if (!type || *type != domain_type::kSub)
    throw ApiError("The account “" + user_ + "” has no subdomain “" + subdomain + "”.");
  nlohmann::json& doc = vhost(subdomain);
  doc["documentroot"] = docroot;
  if (doc.contains("scriptalias") && doc["scriptalias"].is_array())
    for (auto& alias : doc["scriptalias"])
      if (alias.is_object() && alias.value("url", "") == "/cgi-bin/") alias["path"] = docroot + "/cgi-bin";
  // The subdomain's row and those of the addon domains it serves.
  for (auto& r : rows_)
    if (r.domain == subdomain || (r.type == domain_type::kAddon && r.parent == subdomain)) r.docroot = docroot;
  make_docroot(docroot);
}

void AccountDomains::stage() {
  const FileOwner owner = owner_of(pw_);
  for (const auto& [name, doc] : vhosts_) {
    if (doc) {
      store_.save_userdata(txn_, user_, name, *doc, owner);
      continue;
    }
    const std::string rel = paths::userdata_dir(user_) + "/" + name;
    for (const auto& file : {rel, rel + ".cache"})
      if (txn_.exists(file)) txn_.remove(file);
  }
  store_.save_userdata(txn_, user_, "main", main_, owner);
  store_.save_userdata_cache(txn_, user_, rows_);
  cpuser_.set("MTIME", std::to_string(now()));
  store_.save(txn_, cpuser_, rows_, owner);
  for (const auto& zone : reload_)
    if (zone_exists(txn_, zone))
      txn_.on_commit("reload the zone " + zone, [&root = root_, zone] { reload_zone(root, zone); });
  // The web servers serve the account's vhosts as userdata now has them.
  stage_web_config_for_user(txn_, user_);
  reload_web_servers_after_commit(txn_);
}

}  // namespace whm
