#include "api_args.hpp"

#include <arpa/inet.h>
#include <algorithm>
#include <cmath>
#include <limits>
#include <optional>
#include <string>

#include "errors.hpp"
#include "output.hpp"
#include "util.hpp"

namespace whm {

namespace {

using json = nlohmann::json;

std::string arg(const json& node, const char* key, const std::string& fallback = "") {
  if (!node.is_object() || !node.contains(key) || !node[key].is_string()) return fallback;
  return node[key].get<std::string>();
}

bool enabled(const json& api, const char* section) {
  return api.contains(section) && api[section].is_object() && arg(api[section], "enable") == "1";
}

bool verbose(const json& api, const char* section) { return arg(api[section], "verbose") == "1"; }

// The ids of a section (a, b, c...): every sub-object, in id order.
std::vector<std::string> ids_of(const json& section) {
  std::vector<std::string> ids;
  for (auto it = section.begin(); it != section.end(); ++it)
    if (it.value().is_object()) ids.push_back(it.key());
  std::sort(ids.begin(), ids.end());
  return ids;
}

std::string as_text(const json& v) {
  if (v.is_string()) return v.get<std::string>();
  if (v.is_null()) return "";
  return json_text(v);
}

// "a.b[2].c" drills into nested records.
const json* lookup_field(const json& record, const std::string& field) {
  const json* node = &record;
  for (const auto& part : split(field, '.')) {
    std::string key = part;
    std::vector<size_t> indexes;
    while (!key.empty() && key.back() == ']') {
      auto open = key.rfind('[');
      if (open == std::string::npos) return nullptr;
      auto n = parse_int(key.substr(open + 1, key.size() - open - 2));
      if (!n || *n < 0) return nullptr;
      indexes.insert(indexes.begin(), static_cast<size_t>(*n));
      key = key.substr(0, open);
    }
    if (!key.empty()) {
      if (!node->is_object() || !node->contains(key)) return nullptr;
      node = &(*node)[key];
    }
    for (size_t i : indexes) {
      if (!node->is_array() || i >= node->size()) return nullptr;
      node = &(*node)[i];
    }
  }
  return node;
}

std::optional<double> as_number(const std::string& s) {
  if (s.empty()) return std::nullopt;
  char* end = nullptr;
  double d = std::strtod(s.c_str(), &end);
  if (*end != '\0') return std::nullopt;
  return d;
}

double unlimited_as_infinite(const std::string& s) {
  if (to_lower(s) == "unlimited") return std::numeric_limits<double>::infinity();
  auto n = as_number(s);
  if (!n) return std::numeric_limits<double>::quiet_NaN();
  return *n == 0 ? std::numeric_limits<double>::infinity() : *n;
}

const std::vector<std::string> kFilterTypes = {
    "contains", "begins", "eq", "==", "lt", "lt_equal", "gt", "gt_equal", "lt_handle_unlimited", "gt_handle_unlimited"};

bool value_matches(const std::string& value, const std::string& type, const std::string& arg0) {
  if (type == "contains") return to_lower(value).find(to_lower(arg0)) != std::string::npos;
  if (type == "begins") return starts_with(to_lower(value), to_lower(arg0));
  if (type == "eq") return value == arg0;
  auto target = as_number(arg0);
  if (!target) return false;
  if (type == "lt_handle_unlimited" || type == "gt_handle_unlimited") {
    double v = unlimited_as_infinite(value), t = unlimited_as_infinite(arg0);
    if (std::isnan(v) || std::isnan(t)) return false;
    return type[0] == 'l' ? v < t : v > t;
  }
  bool numeric = is_digits(value) || (value.size() > 1 && value[0] == '-' && is_digits(value.substr(1)));
  double v = numeric ? std::stod(value) : 0;
  // As on a real server: lt/lt_equal also match values that are not numbers; gt/gt_equal never do.
  if (type == "==") return numeric && v == *target;
  if (type == "lt") return !numeric || v < *target;
  if (type == "lt_equal") return !numeric || v <= *target;
  if (type == "gt") return numeric && v > *target;
  if (type == "gt_equal") return numeric && v >= *target;
  return false;
}

bool record_matches(const json& record, const std::string& field, const std::string& type, const std::string& arg0) {
  if (field == "*") {
    if (!record.is_object()) return false;
    for (auto it = record.begin(); it != record.end(); ++it)
      if (!it.value().is_structured() && value_matches(as_text(it.value()), type, arg0)) return true;
    return false;
  }
  const json* v = lookup_field(record, field);
  return v && !v->is_structured() && value_matches(as_text(*v), type, arg0);
}

void apply_columns(const json& api, json& records, json& metadata) {
  std::vector<std::string> columns;
  for (auto it = api["columns"].begin(); it != api["columns"].end(); ++it)
    if (it.key() != "enable" && it.value().is_string()) columns.push_back(it.value().get<std::string>());
  std::vector<std::string> invalid;
  for (const auto& c : columns) {
    bool known =
        std::any_of(records.begin(), records.end(), [&](const json& r) { return r.is_object() && r.contains(c); });
    if (!known) invalid.push_back(c);
  }
  for (auto& r : records) {
    if (!r.is_object()) continue;
    json kept = json::object();
    for (const auto& c : columns)
      if (r.contains(c)) kept[c] = r[c];
    r = kept;
  }
  metadata["columns"] = {{"invalid", invalid},
                         {"invalid_msg", invalid.empty() ? "None" : "One or more of the columns are invalid."}};
}

void apply_filter(const json& api, json& records, json& metadata) {
  const json& section = api["filter"];
  json report = json::object();
  size_t before = records.size();
  for (const auto& id : ids_of(section)) {
    const json& f = section[id];
    std::string field = arg(f, "field"), type = arg(f, "type", "contains"), arg0 = arg(f, "arg0");
    bool valid = !field.empty() && std::find(kFilterTypes.begin(), kFilterTypes.end(), type) != kFilterTypes.end();
    report[id] = {{"arg0", arg0}, {"field", field}, {"type", type}, {"valid", valid ? 1 : 0}};
    if (!valid || (arg0.empty() && type != "eq")) continue;  // an empty arg0 is ignored unless the type is eq
    json kept = json::array();
    for (auto& r : records)
      if (record_matches(r, field, type, arg0)) kept.push_back(std::move(r));
    records = std::move(kept);
  }
  if (verbose(api, "filter")) {
    report["filtered"] = before;  // the real server reports the count before filtering
    metadata["filter"] = report;
  }
}

bool ipv4_less(const std::string& a, const std::string& b) {
  in_addr x{}, y{};
  bool ax = inet_pton(AF_INET, a.c_str(), &x) == 1, by = inet_pton(AF_INET, b.c_str(), &y) == 1;
  if (ax != by) return ax;  // addresses before non-addresses
  if (!ax) return a < b;
  return ntohl(x.s_addr) < ntohl(y.s_addr);
}

void apply_sort(const json& api, json& records, json& metadata) {
  const json& section = api["sort"];
  auto ids = ids_of(section);
  json report = json::object();
  // Applied in reverse id order, each a stable sort, so "a" ends up the primary key.
  for (auto id = ids.rbegin(); id != ids.rend(); ++id) {
    const json& s = section[*id];
    std::string field = arg(s, "field"), method = arg(s, "method", "lexicographic");
    bool reverse = arg(s, "reverse") == "1";
    if (method != "lexicographic_caseless" && method != "numeric" && method != "numeric_zero_as_max" &&
        method != "ipv4")
      method = "lexicographic";
    report[*id] = {
        {"field", 1}, {"method", method}, {"reverse", reverse ? 1 : 0}};  // "field": 1 is the real server's quirk
    if (field.empty()) continue;
    auto key = [&](const json& r) {
      const json* v = lookup_field(r, field);
      return v ? as_text(*v) : std::string();
    };
    auto numeric_key = [&](const std::string& s) {
      auto n = as_number(s);
      double d = n ? *n : 0;
      if (method == "numeric_zero_as_max" && (d == 0 || to_lower(s) == "unlimited"))
        d = std::numeric_limits<double>::infinity();
      return d;
    };
    auto less = [&](const json& a, const json& b) {
      std::string ka = key(a), kb = key(b);
      if (method == "lexicographic_caseless") return to_lower(ka) < to_lower(kb);
      if (method == "numeric" || method == "numeric_zero_as_max") return numeric_key(ka) < numeric_key(kb);
      if (method == "ipv4") return ipv4_less(ka, kb);
      return ka < kb;
    };
    std::vector<json> v(records.begin(), records.end());
    std::stable_sort(v.begin(), v.end(),
                     [&](const json& a, const json& b) { return reverse ? less(b, a) : less(a, b); });
    records = json(v);
  }
  if (verbose(api, "sort")) metadata["sort"] = report;
}

void apply_chunk(const json& api, json& records, json& metadata) {
  const json& c = api["chunk"];
  long long size = parse_int(arg(c, "size")).value_or(100);
  if (size < 1) size = 100;
  long long total = static_cast<long long>(records.size());
  long long start = 1;
  if (auto s = parse_int(arg(c, "start"))) {
    start = *s;
  } else if (auto page = parse_int(arg(c, "select"))) {
    start = (*page - 1) * size + 1;
  }
  if (start < 1) start = 1;  // a start past the end gives an empty page
  json page = json::array();
  for (long long i = start - 1; i < total && i < start - 1 + size; ++i)
    page.push_back(std::move(records[static_cast<size_t>(i)]));
  records = std::move(page);
  if (verbose(api, "chunk"))
    metadata["chunk"] = {{"chunks", (total + size - 1) / size},
                         {"current", (start + size - 1) / size},
                         {"records", total},
                         {"size", size},
                         {"start", start}};
}

}  // namespace

void apply_api_args(const json& api, json& data, json& metadata) {
  if (!api.is_object() || api.empty()) return;
  // The records: the single value of data, when it is a list.
  if (!data.is_object() || data.size() != 1 || !data.begin().value().is_array()) return;
  json& records = data.begin().value();
  // Columns last: filters and sorts may name fields that are not shown.
  if (enabled(api, "filter")) apply_filter(api, records, metadata);
  if (enabled(api, "sort")) apply_sort(api, records, metadata);
  if (enabled(api, "chunk")) apply_chunk(api, records, metadata);
  if (enabled(api, "columns")) apply_columns(api, records, metadata);
}

}  // namespace whm
