// Writes YAML the way cPanel's YAML::Syck does: a "--- " first line, sorted
// keys, "key: " with a trailing space before a nested block, "- " list items,
// {} and [] for empty containers, and quotes on strings YAML would misread.
//
// Strings are bytes, as cPanel's data is ($YAML::Syck::ImplicitUnicode off,
// Syck's default): valid UTF-8 is written as it is. A string holding a control
// byte or DEL is double-quoted with Syck's escapes, byte for byte as Syck 1.34
// writes it: \0 \a \b \t \n \v \f \r \e, and \xNN for every other byte
// outside printable ASCII, the bytes of UTF-8 characters included. Where Syck's
// output would not parse, or would read back changed, whmkit differs, and the
// string is double-quoted and escaped the same way instead:
//  * bytes that are not UTF-8 (Syck writes them raw: the document is then not
//    UTF-8, which YAML requires);
//  * a carriage return (Syck leaves it raw, and every reader takes it for a
//    line break);
//  * C1 controls (U+0080..U+009F), U+2028, U+2029, U+FFFE, U+FFFF (not
//    allowed in a YAML stream, or read as line breaks by YAML 1.1 readers).
// So the output is always ASCII or UTF-8 that YAML::Syck reads back to the
// same bytes, and other readers (PyYAML, yaml-cpp) accept.
#pragma once
#include <functional>
#include <string>

#include <nlohmann/json.hpp>

#include "damage.hpp"

namespace whm {

std::string syck_dump(const nlohmann::json& doc);
// As syck_dump, into `out`; the value at address `hook_at` (a placeholder) is
// written as a list of the records `produce` emits; `flush` may empty `out`
// between records.
void syck_dump_to(const nlohmann::json& doc, std::string& out, const nlohmann::json* hook_at,
                  const std::function<void(const std::function<void(const nlohmann::json&)>&)>& produce,
                  const std::function<void(std::string&)>& flush);
// Parses YAML (via yaml-cpp) into JSON: plain scalars that look like integers
// become numbers, quoted ones stay strings; "\xNN" in a double-quoted string
// is the byte NN, as YAML::Syck reads it. Throws ApiError on text that does
// not parse.
nlohmann::json yaml_to_json(const std::string& text);
// What keeps `text` from being read completely as one YAML document (see
// damage.hpp): a syntax error (with its line), several documents (all but the
// first would be lost), a NUL byte, a last line cut off.
FileProblems yaml_problems(const std::string& text);
// yaml_problems, and a document that is not a mapping, for the datastores
// that hold one (reseller-limits.yaml, the backup configuration...). An
// empty file is an empty mapping.
FileProblems yaml_mapping_problems(const std::string& text);

}  // namespace whm
