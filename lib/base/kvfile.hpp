// cPanel's plain "key<delim>value" files (cpuser files, packages, wwwacct.conf...).
#pragma once
#include <map>
#include <string>

namespace whm {

using KeyValues = std::map<std::string, std::string>;  // byte-wise sorted, as Perl's sort

// Skips "#" comments and lines without the delimiter; splits on the first
// delimiter and drops whitespace before it. A delimiter of ' ' splits on the
// first run of blanks (wwwacct.conf style).
KeyValues parse_key_values(const std::string& text, char delim = '=');
// One "key<delim>value" line per entry, in key order.
std::string serialize_key_values(const KeyValues& kv, char delim = '=');

}  // namespace whm
