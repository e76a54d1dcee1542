// cPanel's plain "key<delim>value" files (cpuser files, packages, wwwacct.conf...).
#pragma once
#include <map>
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

}  // namespace whm
