// cPanel's plain "key<delim>value" files (cpuser files, packages, wwwacct.conf...).
#pragma once
#include <map>
#include <optional>
#include <string>

#include "damage.hpp"

namespace whm {

using KeyValues = std::map<std::string, std::string>;  // byte-wise sorted, as Perl's sort

// Skips "#" comments and lines without the delimiter; splits on the first
// delimiter and drops whitespace before it. A delimiter of ' ' splits on the
// first run of blanks (wwwacct.conf style). A key given twice keeps its last
// value, as cPanel's reader does.
//
// With `problems`, also lists what keeps the text from being read completely
// (see damage.hpp): a line that is not key<delim>value or has no key, a NUL
// byte, a key given twice (rewriting would drop one value), a last line cut
// off. Empty lines and "#" comments are fine.
KeyValues parse_key_values(const std::string& text, char delim = '=', FileProblems* problems = nullptr);
// One "key<delim>value" line per entry, in key order.
std::string serialize_key_values(const KeyValues& kv, char delim = '=');

// cPanel's writer (FlushConfig) puts a key whose value is undefined on a line
// of its own, without "=": cpanel.config has such lines. nullopt is that value.
using ConfigValues = std::map<std::string, std::optional<std::string>>;
// parse_key_values for such a file: a bare "key" line (a key alone, without
// blanks or control characters) is an undefined value, not a problem.
ConfigValues parse_config_values(const std::string& text, FileProblems* problems = nullptr);
// "key=value" lines, and "key" alone for an undefined value, in key order.
std::string serialize_config_values(const ConfigValues& values);

}  // namespace whm
