#include "request.hpp"

#include <cctype>

#include <algorithm>

#include "errors.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {

std::optional<std::string> Request::get(const std::string& key) const {
  auto it = args.find(key);
  if (it == args.end() || it->second.empty()) return std::nullopt;
  return it->second.back();
}

std::string Request::get_or(const std::string& key, const std::string& fallback) const {
  auto v = get(key);
  return v ? *v : fallback;
}

std::string Request::require(const std::string& key) const {
  auto v = get(key);
  if (!v || v->empty()) throw missing_param(key);
  return *v;
}

const std::vector<std::string>& Request::list(const std::string& key) const {
  static const std::vector<std::string> none;
  auto it = args.find(key);
  return it == args.end() ? none : it->second;
}

std::optional<long long> Request::integer(const std::string& key, long long min, long long max) const {
  auto v = get(key);
  if (!v) return std::nullopt;
  auto n = parse_int(*v);
  if (!n || *n < min || *n > max)
    throw invalid_param(key, "it must be " + std::to_string(min) + " to " + std::to_string(max) + ".");
  return n;
}

std::optional<std::string> Request::single_line(const std::string& key) const {
  auto v = get(key);
  if (v) check_single_line(key, *v);
  return v;
}

std::string Request::domain(const std::string& key) const {
  std::string d = to_lower(require(key));
  if (auto why = domain_syntax_error(d)) throw invalid_param(key, *why);
  return d;
}

bool Request::flag(const std::string& key, bool fallback) const {
  auto v = get(key);
  if (!v || v->empty()) return fallback;
  return *v != "0";
}

static int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

std::string uri_decode(const std::string& s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '%' && i + 2 < s.size() && hex_value(s[i + 1]) >= 0 && hex_value(s[i + 2]) >= 0) {
      out += static_cast<char>(hex_value(s[i + 1]) * 16 + hex_value(s[i + 2]));
      i += 2;
    } else {
      out += s[i];
    }
  }
  return out;
}

// "user-12" -> ("user", 12); anything else -> (key, -1).
static std::pair<std::string, long long> split_numbered_key(const std::string& key) {
  auto dash = key.rfind('-');
  if (dash == std::string::npos || dash == 0) return {key, -1};
  auto n = key.substr(dash + 1);
  if (!is_digits(n) || n.size() > 9) return {key, -1};
  return {key.substr(0, dash), std::stoll(n)};
}

static void put_api_arg(nlohmann::json& tree, const std::string& dotted, const std::string& value) {
  auto parts = split(dotted, '.');
  nlohmann::json* node = &tree;
  for (size_t i = 1; i < parts.size(); ++i) {  // parts[0] == "api"
    const auto& p = parts[i];
    if (p.empty()) throw CommandLineError("Invalid argument name “" + dotted + "”.");
    if (i + 1 == parts.size()) {
      (*node)[p] = value;
    } else {
      auto& child = (*node)[p];
      if (!child.is_object()) child = nlohmann::json::object();
      node = &child;
    }
  }
}

Request parse_call_words(const std::string& function, const std::vector<std::string>& words) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& w : words) {
    auto eq = w.find('=');
    if (eq == std::string::npos || eq == 0)
      throw CommandLineError("Invalid argument “" + w + "”: arguments take the form key=value.");
    pairs.emplace_back(uri_decode(w.substr(0, eq)), uri_decode(w.substr(eq + 1)));
  }
  return request_from_pairs(function, pairs);
}

bool is_function_name(const std::string& s) {
  if (s.empty() || s.size() > 128) return false;
  return std::all_of(s.begin(), s.end(), [](unsigned char c) { return std::isalnum(c) || c == '_'; });
}

std::vector<std::pair<std::string, std::string>> parse_query_string(const std::string& query) {
  std::vector<std::pair<std::string, std::string>> pairs;
  for (const auto& part : split(query, '&')) {
    if (part.empty()) continue;
    auto eq = part.find('=');
    std::string key = part.substr(0, eq), value = eq == std::string::npos ? "" : part.substr(eq + 1);
    std::replace(key.begin(), key.end(), '+', ' ');
    std::replace(value.begin(), value.end(), '+', ' ');
    pairs.emplace_back(uri_decode(key), uri_decode(value));
  }
  return pairs;
}

Request request_from_pairs(const std::string& function, const std::vector<std::pair<std::string, std::string>>& pairs) {
  Request req;
  req.function = function;
  // Values keyed by (base key, order): bare/repeated keys keep their
  // order before numbered ones, which sort by their number.
  struct Item {
    long long number;  // -1 for a bare key
    size_t position;
    std::string value;
  };
  std::map<std::string, std::vector<Item>> items;
  for (size_t pos = 0; pos < pairs.size(); ++pos) {
    const auto& [key, value] = pairs[pos];
    if (key.find('\0') != std::string::npos || value.find('\0') != std::string::npos)
      throw ValidationError("Invalid argument “" + key + "”: NUL bytes are not allowed.");
    if (starts_with(key, "api.")) {
      put_api_arg(req.api, key, value);
      continue;
    }
    auto [base, number] = split_numbered_key(key);
    items[base].push_back({number, pos, value});
  }
  for (auto& [base, list] : items) {
    std::stable_sort(list.begin(), list.end(), [](const Item& a, const Item& b) {
      if ((a.number < 0) != (b.number < 0)) return a.number < 0;
      return a.number < b.number || (a.number == b.number && a.position < b.position);
    });
    auto& out = req.args[base];
    for (auto& it : list) out.push_back(std::move(it.value));
  }
  return req;
}

}  // namespace whm
