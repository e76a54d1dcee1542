// Writes YAML the way cPanel's YAML::Syck does: a "--- " first line, sorted
// keys, "key: " with a trailing space before a nested block, "- " list items,
// {} and [] for empty containers, and quotes on strings YAML would misread.
#pragma once
#include <string>

#include <nlohmann/json.hpp>

namespace whm {

std::string syck_dump(const nlohmann::json& doc);
// Parses YAML (via yaml-cpp) into JSON: plain scalars that look like integers
// become numbers, quoted ones stay strings.
nlohmann::json yaml_to_json(const std::string& text);

}  // namespace whm
