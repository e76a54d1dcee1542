#include "vhosts.hpp"

#include <algorithm>

#include "account_store.hpp"
#include "errors.hpp"

namespace whm {
namespace {

std::vector<std::string> strings_of(const nlohmann::json& v) {
  std::vector<std::string> out;
  if (v.is_array())
    for (const auto& item : v)
      if (item.is_string()) out.push_back(item.get<std::string>());
  return out;
}

bool contains(const std::vector<std::string>& list, const std::string& s) {
  return std::find(list.begin(), list.end(), s) != list.end();
}

}  // namespace

AccountVhosts AccountVhosts::load(const StateRoot& root, const std::string& user) {
  auto main = AccountStore(root).userdata(user, "main");
  if (!main || !main->is_object()) throw ApiError("The userdata of the cPanel account “" + user + "” cannot be read.");
  AccountVhosts v;
  v.user = user;
  v.main_domain = main->value("main_domain", "");
  v.sub_domains = strings_of(main->value("sub_domains", nlohmann::json()));
  v.parked_domains = strings_of(main->value("parked_domains", nlohmann::json()));
  const auto addon_map = main->value("addon_domains", nlohmann::json::object());
  if (addon_map.is_object())
    for (const auto& [addon, sub] : addon_map.items())
      if (sub.is_string()) v.addons.emplace_back(addon, sub.get<std::string>());
  return v;
}

std::vector<std::string> AccountVhosts::plain_sub_domains() const {
  std::vector<std::string> out;
  for (const auto& sub : sub_domains)
    if (std::none_of(addons.begin(), addons.end(), [&](const auto& a) { return a.second == sub; })) out.push_back(sub);
  return out;
}

std::optional<std::string> AccountVhosts::vhost_of(const std::string& domain) const {
  if (domain == main_domain || contains(parked_domains, domain)) return main_domain;
  if (contains(sub_domains, domain)) return domain;
  for (const auto& [addon, sub] : addons)
    if (addon == domain) return sub;
  return std::nullopt;
}

std::optional<std::string> AccountVhosts::type_of(const std::string& domain) const {
  if (domain == main_domain) return "main_domain";
  if (contains(parked_domains, domain)) return "parked_domain";
  for (const auto& [addon, sub] : addons)
    if (addon == domain) return "addon_domain";
  if (contains(sub_domains, domain)) return "sub_domain";
  return std::nullopt;
}

std::optional<nlohmann::json> vhost_userdata(const StateRoot& root, const std::string& user, const std::string& vhost) {
  auto doc = AccountStore(root).userdata(user, vhost);
  if (!doc || !doc->is_object()) return std::nullopt;
  return doc;
}

bool vhost_has_ssl(const StateRoot& root, const std::string& user, const std::string& vhost) {
  return vhost_userdata(root, user, vhost + "_SSL").has_value();
}

}  // namespace whm
