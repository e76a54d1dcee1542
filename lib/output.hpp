// Renders a WHM API 1 response envelope in the four output formats.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace whm {

enum class OutputFormat { Json, JsonPretty, Yaml, Xml };

bool parse_output_format(const std::string& name, OutputFormat& out);
std::string render(const nlohmann::json& envelope, OutputFormat fmt);
// JSON::XS "pretty" style: 3-space indent, "key" : value.
std::string json_pretty(const nlohmann::json& v);
std::string xml_dump(const nlohmann::json& envelope);

}  // namespace whm
