// Renders a WHM API 1 response envelope in the four output formats.
#pragma once
#include <string>

#include <functional>
#include <ostream>

#include <nlohmann/json.hpp>

namespace whm {

enum class OutputFormat { Json, JsonPretty, Yaml, Xml };

bool parse_output_format(const std::string& name, OutputFormat& out);
std::string render(const nlohmann::json& envelope, OutputFormat fmt);

// A value inside an envelope that stands for a list produced record by record.
struct StreamHook {
  const nlohmann::json* at = nullptr;  // the placeholder's address in the envelope
  std::function<void(const std::function<void(const nlohmann::json&)>&)> produce;
  std::ostream* sink = nullptr;  // where output is flushed while records stream
};
// Renders `envelope` to `out`, writing the hooked list as it is produced, so
// memory stays flat however long the list is.
void render_to(std::ostream& out, const nlohmann::json& envelope, OutputFormat fmt, const StreamHook* hook);
// Compact JSON text for files (cache twins): never throws on bytes that are
// not UTF-8 (they become U+FFFD; the file the cache twins is the source).
std::string json_text(const nlohmann::json& v);
// JSON::XS "pretty" style: 3-space indent, "key" : value.
std::string json_pretty(const nlohmann::json& v);
std::string xml_dump(const nlohmann::json& envelope, const std::string& root_name = "result");

}  // namespace whm
