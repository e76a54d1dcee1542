// Writes YAML byte for byte as cPanel's YAML::Syck 1.34 Dump does
// (SortKeys on), which is what the real whmapi1/cpapi2/uapi print: a "--- "
// first line, sorted keys, "key: " with a trailing space before a nested
// block, "- " list items, [] and {} for empty collections followed by a
// blank line, and Syck's choice of plain, 'single' or "double" quotes
// (tests/yaml_syck compares with Perl over a large corpus and every
// response).
//
// Scalars are what cPanel's Perl would hold for the same JSON: strings are
// bytes ($YAML::Syck::ImplicitUnicode off, Syck's default), integers are
// Perl integers, floats Perl floats ("%.15g"), booleans 1 and 0, null ~.
// As in perl_syck.h, a string Perl takes for a number is plain when it is a
// short integer (9 characters at most, no leading zero) and single-quoted
// otherwise, like a Perl number; words Syck reads as booleans or null are
// single-quoted; the emitter double-quotes a string with an indicator, a
// control byte, DEL, white space at an end, or a line break, writing
// \0 \a \b \t \n \v \f \r \e and \xNN for every other byte outside printable
// ASCII (the bytes of UTF-8 characters included); a key that is not plain
// is double-quoted.
//
// Where Syck's output does not read back as the same string, in YAML::Syck
// or in PyYAML, whmkit differs: the string is double-quoted and escaped as
// above instead of written raw. That is a string holding
//  * bytes that are not UTF-8 (the document would not be UTF-8, which YAML
//    requires);
//  * a carriage return (a line break for every YAML reader; Syck itself
//    drops one at the end of a plain string);
//  * a C1 control (U+0080..U+009F), U+2028, U+2029, U+FFFE or U+FFFF (not
//    allowed in a YAML stream, or a line break for YAML 1.1 readers);
//  * and, where Syck would write it plain, a first "," or a tab after ":",
//    or after a first "-" or "?", or before "#" (an indicator, a comment or a
//    mapping for YAML readers, which Syck's scan, looking for spaces, misses;
//    whmkit reads its own files with yaml-cpp);
//  * a key at the start of a line that reads as a document marker ("---" or
//    "..." alone or before a blank), which Syck writes plain (found by
//    fuzzing: Syck's own Load then starts a second document).
// tests/yaml_syck checks the strings of the first four kinds against Perl
// and PyYAML; the unit tests pin the last.
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
// Parses YAML (via yaml-cpp) into JSON: plain scalars written as integers
// ("80", "-5"; not "+5" or "007") become numbers, other scalars strings;
// quoted scalars read as YAML::Syck reads them ("\xNN" in double quotes is the
// byte NN; a single-quoted scalar keeps its empty lines). YAML::Syck writes
// the string "80" and the number 80 alike, so a value reads back as the same
// text, not always the same JSON type. Throws ApiError on text that does not
// parse.
nlohmann::json yaml_to_json(const std::string& text);
// The data as Perl holds it, which is all YAML::Syck keeps: every integer
// as its decimal text (Syck writes the string "80" and the number 80 alike,
// so a round trip gives back the same text, not always the same JSON type).
nlohmann::json as_perl_scalars(const nlohmann::json& v);
// What keeps `text` from being read completely as one YAML document (see
// damage.hpp): a syntax error (with its line), several documents (all but the
// first would be lost), a NUL byte, a last line cut off.
FileProblems yaml_problems(const std::string& text);
// yaml_problems, and a document that is not a mapping, for the datastores
// that hold one (reseller-limits.yaml, the backup configuration...). An
// empty file is an empty mapping.
FileProblems yaml_mapping_problems(const std::string& text);

}  // namespace whm
