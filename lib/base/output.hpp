// Renders a WHM API 1 response envelope in the four output formats.
//
// Data may hold any bytes (a value read from a damaged file on disk), and the
// output must still parse:
//  * JSON: control characters are escaped (\n, \u0001, ...); bytes that are
//    not UTF-8 become U+FFFD, one per bad byte sequence, as a UTF-8 JSON
//    encoder must (it never throws, unlike nlohmann's default dump()).
//  * YAML: see syck_yaml.hpp (YAML::Syck's escapes, byte for byte).
//  * XML: see xml_dump (U+FFFD for what XML 1.0 cannot carry).
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
// One string as json_text writes it (quoted, escaped): for writers that
// build a large file's JSON text themselves.
std::string json_quoted(const std::string& s);
// JSON::XS "pretty" style: 3-space indent, "key" : value.
std::string json_pretty(const nlohmann::json& v);
// Element names keep [A-Za-z0-9_.-] (anything else becomes "_"); text keeps
// UTF-8 and tab/LF, writes a CR as "&#13;", and replaces other C0 controls,
// U+FFFE/U+FFFF and bytes that are not UTF-8 with U+FFFD.
std::string xml_dump(const nlohmann::json& envelope, const std::string& root_name = "result");

}  // namespace whm
