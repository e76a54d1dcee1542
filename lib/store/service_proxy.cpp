#include "service_proxy.hpp"

#include <algorithm>

#include "errors.hpp"
#include "linked_nodes.hpp"
#include "util.hpp"

namespace whm {

namespace {

std::string group_key(const std::string& group) { return std::string(service_proxy::kGeneralKey) + "-" + group; }

}  // namespace

std::vector<ProxyBackend> service_proxy_backends(const CpUser& u) {
  std::vector<ProxyBackend> out;
  const std::string general = u.get(service_proxy::kGeneralKey);
  if (general.empty()) return out;
  out.push_back({std::nullopt, general});
  for (const auto& group : linked_nodes::kWorkerTypes)
    if (std::string backend = u.get(group_key(group)); !backend.empty()) out.push_back({group, backend});
  return out;
}

void set_service_proxy_backends(CpUser& u, const std::optional<std::string>& general,
                                const std::map<std::string, std::string>& groups) {
  const auto& known = linked_nodes::kWorkerTypes;
  std::vector<std::string> invalid;
  for (const auto& [group, backend] : groups)
    if (std::find(known.begin(), known.end(), group) == known.end()) invalid.push_back(group);
  if (!invalid.empty())
    throw ApiError("Invalid service group name(s) (" + join(invalid, " ") +
                   "); recognized names are: " + join(known, " "));
  if (general) u.set(service_proxy::kGeneralKey, *general);
  for (const auto& [group, backend] : groups) {
    if (u.get(service_proxy::kGeneralKey).empty())
      throw ApiError("Set a general backend before setting “" + group + "” backend!");
    u.set(group_key(group), backend);
  }
}

void unset_service_proxy_backends(CpUser& u) {
  const std::string prefix = group_key("");
  for (auto it = u.kv.begin(); it != u.kv.end();)
    it = starts_with(it->first, prefix) || it->first == service_proxy::kGeneralKey ? u.kv.erase(it) : std::next(it);
}

std::string web_proxy_backend(const CpUser& u) {
  std::string web = u.get(group_key("Web"));
  return web.empty() ? u.get(service_proxy::kGeneralKey) : web;
}

}  // namespace whm
