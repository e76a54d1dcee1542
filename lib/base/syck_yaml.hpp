// Writes YAML the way cPanel's YAML::Syck does: a "--- " first line, sorted
// keys, "key: " with a trailing space before a nested block, "- " list items,
// {} and [] for empty containers, and quotes on strings YAML would misread.
#pragma once
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

namespace whm {

std::string syck_dump(const nlohmann::json& doc);
// As syck_dump, into `out`; the value at address `hook_at` (a placeholder) is
// written as a list of the records `produce` emits; `flush` may empty `out`
// between records.
void syck_dump_to(const nlohmann::json& doc, std::string& out, const nlohmann::json* hook_at,
                  const std::function<void(const std::function<void(const nlohmann::json&)>&)>& produce,
                  const std::function<void(std::string&)>& flush);
// Parses YAML (via yaml-cpp) into JSON: plain scalars that look like integers
// become numbers, quoted ones stay strings.
nlohmann::json yaml_to_json(const std::string& text);

}  // namespace whm
