#include "output.hpp"

#include "syck_yaml.hpp"
#include "util.hpp"

namespace whm {

bool parse_output_format(const std::string& name, OutputFormat& out) {
  if (name == "json")
    out = OutputFormat::Json;
  else if (name == "jsonpretty")
    out = OutputFormat::JsonPretty;
  else if (name == "yaml")
    out = OutputFormat::Yaml;
  else if (name == "xml")
    out = OutputFormat::Xml;
  else
    return false;
  return true;
}

// A compact JSON writer: same output as nlohmann's dump(), faster for the
// large lists listaccts returns (plain ASCII strings are copied as they are).
static void write_json(const nlohmann::json& v, std::string& out, const StreamHook* hook = nullptr);

static void write_string(const std::string& s, std::string& out) {
  for (unsigned char c : s)
    if (c < 0x20 || c == '"' || c == '\\' || c >= 0x80) {
      out += nlohmann::json(s).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);  // escapes, UTF-8 checks
      return;
    }
  out += '"';
  out += s;
  out += '"';
}

// Flushes the buffer to the stream's sink once it holds enough.
static void flush_if_large(std::string& out, const StreamHook* hook) {
  if (hook && hook->sink && out.size() > (1 << 16)) {
    hook->sink->write(out.data(), static_cast<std::streamsize>(out.size()));
    out.clear();
  }
}

static void write_json(const nlohmann::json& v, std::string& out, const StreamHook* hook) {
  if (hook && &v == hook->at) {
    out += '[';
    bool first = true;
    hook->produce([&](const nlohmann::json& record) {
      if (!first) out += ',';
      first = false;
      write_json(record, out);
      flush_if_large(out, hook);
    });
    out += ']';
    return;
  }
  switch (v.type()) {
    case nlohmann::json::value_t::object: {
      out += '{';
      bool first = true;
      for (auto it = v.begin(); it != v.end(); ++it) {
        if (!first) out += ',';
        first = false;
        write_string(it.key(), out);
        out += ':';
        write_json(it.value(), out, hook);
      }
      out += '}';
      break;
    }
    case nlohmann::json::value_t::array: {
      out += '[';
      bool first = true;
      for (const auto& item : v) {
        if (!first) out += ',';
        first = false;
        write_json(item, out, hook);
      }
      out += ']';
      break;
    }
    case nlohmann::json::value_t::string: write_string(v.get_ref<const std::string&>(), out); break;
    case nlohmann::json::value_t::number_integer: out += std::to_string(v.get<long long>()); break;
    case nlohmann::json::value_t::number_unsigned: out += std::to_string(v.get<unsigned long long>()); break;
    default: out += v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

static void pretty(const nlohmann::json& v, size_t indent, std::string& out, const StreamHook* hook = nullptr) {
  std::string pad(indent, ' '), inner(indent + 3, ' ');
  if (hook && &v == hook->at) {
    size_t mark = out.size();
    bool first = true;
    out += "[\n";
    hook->produce([&](const nlohmann::json& record) {
      if (!first) out += ",\n";
      first = false;
      out += inner;
      pretty(record, indent + 3, out);
      flush_if_large(out, hook);
    });
    if (first) {  // nothing was flushed: an empty list
      out.resize(mark);
      out += "[]";
    } else {
      out += "\n" + pad + "]";
    }
    return;
  }
  if (v.is_object() && !v.empty()) {
    out += "{\n";
    size_t i = 0;
    for (auto it = v.begin(); it != v.end(); ++it, ++i) {
      out += inner;
      write_string(it.key(), out);
      out += " : ";
      pretty(it.value(), indent + 3, out, hook);
      out += (i + 1 < v.size()) ? ",\n" : "\n";
    }
    out += pad + "}";
  } else if (v.is_array() && !v.empty()) {
    out += "[\n";
    for (size_t i = 0; i < v.size(); ++i) {
      out += inner;
      pretty(v[i], indent + 3, out, hook);
      out += (i + 1 < v.size()) ? ",\n" : "\n";
    }
    out += pad + "]";
  } else {
    out += v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  }
}

std::string json_quoted(const std::string& s) {
  std::string out;
  write_string(s, out);
  return out;
}

std::string json_text(const nlohmann::json& v) {
  std::string out;
  write_json(v, out);
  return out;
}

std::string json_pretty(const nlohmann::json& v) {
  std::string out;
  pretty(v, 0, out);
  return out + "\n";
}

// Text as XML 1.0 element content. XML cannot carry the C0 controls other
// than tab, line feed and carriage return (not even as character references),
// U+FFFE, U+FFFF, or bytes that are not UTF-8: each becomes U+FFFD, as in
// the JSON output. A carriage return is written "&#13;" so that a reader does
// not turn it into a line feed.
static std::string xml_escape(const std::string& s) {
  static const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size();) {
    const unsigned char c = static_cast<unsigned char>(s[i]);
    if (c >= 0x80) {
      const Utf8Char ch = utf8_char_at(s, i);
      if (ch.length == 0 || ch.code == 0xFFFE || ch.code == 0xFFFF) {
        out += kReplacement;
        i += ch.length ? ch.length : 1;
      } else {
        out.append(s, i, ch.length);
        i += ch.length;
      }
      continue;
    }
    switch (c) {
      case '&': out += "&amp;"; break;
      case '<': out += "&lt;"; break;
      case '>': out += "&gt;"; break;
      case '"': out += "&quot;"; break;
      case '\r': out += "&#13;"; break;
      case '\t':
      case '\n': out += static_cast<char>(c); break;
      default: out += c < 0x20 ? kReplacement : std::string(1, static_cast<char>(c));
    }
    ++i;
  }
  return out;
}

// XML element names must start with a letter or underscore; keys such as
// "MXCHECK-example.com" are fine, but anything else is made safe.
static std::string xml_name(const std::string& key) {
  std::string out;
  for (char c : key) {
    bool ok =
        (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.';
    out += ok ? c : '_';
  }
  if (out.empty() || !((out[0] >= 'a' && out[0] <= 'z') || (out[0] >= 'A' && out[0] <= 'Z') || out[0] == '_'))
    out = "_" + out;
  return out;
}

static void xml_node(const std::string& name, const nlohmann::json& v, std::string& out,
                     const StreamHook* hook = nullptr) {
  if (hook && &v == hook->at) {
    hook->produce([&](const nlohmann::json& record) {
      xml_node(name, record, out);
      flush_if_large(out, hook);
    });
    return;
  }
  std::string tag = xml_name(name);
  if (v.is_array()) {  // an array is its element repeated
    for (const auto& item : v) xml_node(name, item, out);
    return;
  }
  out += "<" + tag + ">";
  if (v.is_object()) {
    for (auto it = v.begin(); it != v.end(); ++it) xml_node(it.key(), it.value(), out, hook);
  } else if (v.is_string()) {
    out += xml_escape(v.get<std::string>());
  } else if (!v.is_null()) {
    out += v.dump();
  }
  out += "</" + tag + ">";
}

std::string xml_dump(const nlohmann::json& envelope, const std::string& root_name) {
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  xml_node(root_name, envelope, out);
  return out + "\n";
}

void render_to(std::ostream& out, const nlohmann::json& envelope, OutputFormat fmt, const StreamHook* hook) {
  std::string buf;
  switch (fmt) {
    case OutputFormat::Json:
      write_json(envelope, buf, hook);
      buf += "\n";
      break;
    case OutputFormat::JsonPretty:
      pretty(envelope, 0, buf, hook);
      buf += "\n";
      break;
    case OutputFormat::Yaml:
      syck_dump_to(envelope, buf, hook ? hook->at : nullptr,
                   hook ? [&](const std::function<void(const nlohmann::json&)>& emit) { hook->produce(emit); }
                        : std::function<void(const std::function<void(const nlohmann::json&)>&)>(),
                   [&](std::string& b) { flush_if_large(b, hook); });
      break;
    case OutputFormat::Xml:
      buf = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
      xml_node("result", envelope, buf, hook);
      buf += "\n";
      break;
  }
  out.write(buf.data(), static_cast<std::streamsize>(buf.size()));
  out.flush();
}

std::string render(const nlohmann::json& envelope, OutputFormat fmt) {
  switch (fmt) {
    case OutputFormat::Json: {
      std::string out;
      write_json(envelope, out);
      return out + "\n";
    }
    case OutputFormat::JsonPretty: return json_pretty(envelope);
    case OutputFormat::Yaml: return syck_dump(envelope);
    case OutputFormat::Xml: return xml_dump(envelope);
  }
  return "";
}

}  // namespace whm
