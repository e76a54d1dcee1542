#include "registry.hpp"

#include <algorithm>

#include "errors.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {

Registry& Registry::instance() {
  static Registry r;
  return r;
}

void Registry::add(FunctionSpec spec) {
  auto name = spec.name;
  functions_[name] = std::move(spec);
}

const FunctionSpec* Registry::find(const std::string& name) const {
  auto it = functions_.find(name);
  return it == functions_.end() ? nullptr : &it->second;
}

std::vector<std::string> Registry::names() const {
  std::vector<std::string> out;
  for (const auto& [n, _] : functions_) out.push_back(n);
  return out;
}

static size_t edit_distance(const std::string& a, const std::string& b) {
  std::vector<size_t> prev(b.size() + 1), cur(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) prev[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    cur[0] = i;
    for (size_t j = 1; j <= b.size(); ++j)
      cur[j] = std::min({prev[j] + 1, cur[j - 1] + 1, prev[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1)});
    std::swap(prev, cur);
  }
  return prev[b.size()];
}

std::vector<std::string> Registry::suggestions(const std::string& name, size_t max) const {
  std::vector<std::pair<size_t, std::string>> scored;
  std::string lower = to_lower(name);
  for (const auto& [n, _] : functions_) {
    size_t d = edit_distance(lower, n);
    if (n.find(lower) != std::string::npos || lower.find(n) != std::string::npos) d = std::min<size_t>(d, 2);
    if (d <= std::max<size_t>(3, name.size() / 3)) scored.emplace_back(d, n);
  }
  std::sort(scored.begin(), scored.end());
  std::vector<std::string> out;
  for (size_t i = 0; i < scored.size() && i < max; ++i) out.push_back(scored[i].second);
  return out;
}

static void check_value(const ParamSpec& p, const std::string& v) {
  auto bad = [&](const std::string& why) {
    throw ValidationError("Invalid value for parameter “" + p.name + "”: " + why);
  };
  if (!p.allowed.empty() && std::find(p.allowed.begin(), p.allowed.end(), v) == p.allowed.end())
    bad("“" + v + "” is not one of: " + join(p.allowed, ", ") + ".");
  switch (p.type) {
    case ParamType::String:
      break;
    case ParamType::Integer: {
      auto n = parse_int(v);
      if (!n) bad("“" + v + "” is not an integer.");
      if (p.min && *n < *p.min) bad("must be at least " + std::to_string(*p.min) + ".");
      if (p.max && *n > *p.max) bad("must be at most " + std::to_string(*p.max) + ".");
      break;
    }
    case ParamType::Boolean:
      if (v != "0" && v != "1") bad("“" + v + "” is not 0 or 1.");
      break;
    case ParamType::IntOrUnlimited: {
      if (to_lower(v) == "unlimited") break;
      auto n = parse_int(v);
      if (!n || *n < 0) bad("“" + v + "” is neither a non-negative integer nor “unlimited”.");
      if (p.max && *n > *p.max) bad("must be at most " + std::to_string(*p.max) + ".");
      break;
    }
    case ParamType::Username:
      if (auto why = username_syntax_error(v)) bad(*why);
      break;
    case ParamType::Domain:
      if (auto why = domain_syntax_error(v)) bad(*why);
      break;
    case ParamType::Email:
      if (!is_valid_email(v)) bad("“" + v + "” is not a valid email address.");
      break;
    case ParamType::IPv4:
      if (!is_valid_ipv4(v)) bad("“" + v + "” is not a valid IPv4 address.");
      break;
  }
}

void validate_request(const FunctionSpec& spec, Request& req) {
  for (const auto& p : spec.params) {
    auto it = req.args.find(p.name);
    // "key=" on an optional typed parameter means "not given".
    if (it != req.args.end() && !p.required && p.type != ParamType::String &&
        std::all_of(it->second.begin(), it->second.end(), [](const std::string& v) { return v.empty(); })) {
      req.args.erase(it);
      it = req.args.end();
    }
    if (it == req.args.end()) {
      if (p.required) throw ValidationError("Missing required parameter “" + p.name + "”.");
      if (p.default_value) req.args[p.name] = {*p.default_value};
      continue;
    }
    for (const auto& v : it->second) {
      if (v.empty() && p.required) throw ValidationError("Missing required parameter “" + p.name + "”.");
      check_value(p, v);
    }
  }
}

}  // namespace whm
