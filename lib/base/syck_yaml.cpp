#include "syck_yaml.hpp"

#include <yaml-cpp/yaml.h>

#include "errors.hpp"
#include "util.hpp"

namespace whm {

namespace {

bool looks_like_number(const std::string& s) {
  if (s.empty()) return false;
  size_t i = (s[0] == '-' || s[0] == '+') ? 1 : 0;
  bool digit = false, dot = false;
  for (; i < s.size(); ++i) {
    if (s[i] >= '0' && s[i] <= '9')
      digit = true;
    else if (s[i] == '.' && !dot)
      dot = true;
    else
      return false;
  }
  return digit;
}

bool is_yaml_keyword(const std::string& s) {
  static const char* words[] = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"};
  std::string l = to_lower(s);
  for (auto* w : words)
    if (l == w) return true;
  return false;
}

bool needs_quotes(const std::string& s) {
  if (s.empty() || looks_like_number(s) || is_yaml_keyword(s)) return true;
  if (s.front() == ' ' || s.back() == ' ') return true;
  static const std::string bad_first = "-?:,[]{}#&*!|>'\"%@`";
  if (bad_first.find(s.front()) != std::string::npos) return true;
  if (s.find(": ") != std::string::npos || s.find(" #") != std::string::npos || s.back() == ':') return true;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f) return true;
  return false;
}

std::string double_quoted(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    switch (c) {
      case '"': out += "\\\""; break;
      case '\\': out += "\\\\"; break;
      case '\n': out += "\\n"; break;
      case '\t': out += "\\t"; break;
      case '\r': out += "\\r"; break;
      default:
        if (c < 0x20 || c == 0x7f) {
          char buf[8];
          snprintf(buf, sizeof buf, "\\x%02X", c);
          out += buf;
        } else {
          out += static_cast<char>(c);
        }
    }
  }
  return out + "\"";
}

std::string scalar(const nlohmann::json& v) {
  if (v.is_null()) return "~";
  if (v.is_boolean()) return v.get<bool>() ? "1" : "0";
  if (v.is_number()) return v.dump();
  const auto& s = v.get_ref<const std::string&>();
  if (!needs_quotes(s)) return s;
  bool simple = true;
  for (unsigned char c : s)
    if (c < 0x20 || c == 0x7f || c == '\'' || c == '"' || c == '\\') simple = false;
  return simple ? "'" + s + "'" : double_quoted(s);
}

bool is_empty_container(const nlohmann::json& v) { return (v.is_object() || v.is_array()) && v.empty(); }

struct Hook {
  const nlohmann::json* at = nullptr;
  const std::function<void(const std::function<void(const nlohmann::json&)>&)>* produce = nullptr;
  const std::function<void(std::string&)>* flush = nullptr;
};

void emit(const nlohmann::json& node, size_t indent, std::string& out, const Hook& hook = {});

// Writes what follows "key:" or "-": a scalar on the same line, or a block below.
void emit_value(const nlohmann::json& v, size_t indent, std::string& out, const Hook& hook = {}) {
  if (hook.at && &v == hook.at) {  // a streamed list
    size_t mark = out.size();
    bool any = false;
    out += " \n";
    std::string pad(indent, ' ');
    (*hook.produce)([&](const nlohmann::json& record) {
      any = true;
      out += pad + "-";
      emit_value(record, indent + 2, out);
      (*hook.flush)(out);
    });
    if (!any) {  // nothing was flushed: an empty list
      out.resize(mark);
      out += " []\n";
    }
    return;
  }
  if (is_empty_container(v)) {
    out += v.is_object() ? " {}\n" : " []\n";
  } else if (v.is_object() || v.is_array()) {
    out += " \n";
    emit(v, indent, out, hook);
  } else {
    out += " " + scalar(v) + "\n";
  }
}

void emit(const nlohmann::json& node, size_t indent, std::string& out, const Hook& hook) {
  std::string pad(indent, ' ');
  if (node.is_object()) {
    for (auto it = node.begin(); it != node.end(); ++it) {  // nlohmann::json keeps keys sorted
      std::string key = needs_quotes(it.key()) ? scalar(nlohmann::json(it.key())) : it.key();
      out += pad + key + ":";
      emit_value(it.value(), indent + 2, out, hook);
    }
  } else {
    for (const auto& item : node) {
      out += pad + "-";
      emit_value(item, indent + 2, out, hook);
    }
  }
}

nlohmann::json node_to_json(const YAML::Node& n) {
  switch (n.Type()) {
    case YAML::NodeType::Null:
    case YAML::NodeType::Undefined: return nullptr;
    case YAML::NodeType::Sequence: {
      auto arr = nlohmann::json::array();
      for (const auto& item : n) arr.push_back(node_to_json(item));
      return arr;
    }
    case YAML::NodeType::Map: {
      auto obj = nlohmann::json::object();
      for (const auto& kv : n) obj[kv.first.as<std::string>()] = node_to_json(kv.second);
      return obj;
    }
    case YAML::NodeType::Scalar: {
      const std::string& s = n.Scalar();
      if (n.Tag() == "?") {  // plain (unquoted) scalar
        if (s == "~") return nullptr;
        if (auto i = parse_int(s); i && (s == "0" || s[0] != '0')) return *i;
      }
      return s;
    }
  }
  return nullptr;
}

}  // namespace

std::string syck_dump(const nlohmann::json& doc) {
  std::string out = "--- ";
  if (is_empty_container(doc)) return out + (doc.is_object() ? "{}\n" : "[]\n");
  if (!doc.is_object() && !doc.is_array()) return out + scalar(doc) + "\n";
  out += "\n";
  emit(doc, 0, out);
  return out;
}

void syck_dump_to(const nlohmann::json& doc, std::string& out, const nlohmann::json* hook_at,
                  const std::function<void(const std::function<void(const nlohmann::json&)>&)>& produce,
                  const std::function<void(std::string&)>& flush) {
  if (!hook_at) {
    out += syck_dump(doc);
    return;
  }
  out += "--- \n";
  emit(doc, 0, out, Hook{hook_at, &produce, &flush});
}

nlohmann::json yaml_to_json(const std::string& text) {
  try {
    return node_to_json(YAML::Load(text));
  } catch (const YAML::Exception& e) {
    throw ApiError(std::string("Invalid YAML: ") + e.what());
  }
}

}  // namespace whm
