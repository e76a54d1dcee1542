// Files whmkit found damaged: a line it could not parse, a file cut off in
// the middle of a line, a key given twice. Each parser can list what keeps a
// file from being read completely, one phrase per problem ("line 7 is not
// KEY=VALUE", "it has no USER line").
//
// The rule: reading for display is lenient (what parses is shown, and the
// call warns about the rest); a change never rewrites a file that did not
// parse completely, since whatever did not parse would be lost. It is refused
// with the file and the line instead, and nothing is written.
#pragma once
#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "errors.hpp"

namespace whm {

using FileProblems = std::vector<std::string>;

// A file (root-relative) and what is wrong with it.
struct DamagedFile {
  std::string rel;
  FileProblems problems;
};

// "line 7 " + what.
std::string line_problem(size_t line, const std::string& what);
// Adds "line N is cut off ..." if the text's last line has no newline: every
// file whmkit and cPanel write ends with one, so the file was truncated.
void check_final_newline(const std::string& text, FileProblems& out);
// Calls fn(number, line) for each line of a line-oriented file (numbers from
// 1); with `problems`, first lists a cut-off last line and each line holding
// a NUL byte, the damage every such format shares.
void for_each_checked_line(const std::string& text, FileProblems* problems,
                           const std::function<void(size_t, std::string_view)>& fn);
// The file's name as it is on a server: "/var/cpanel/users/bob".
std::string server_path(const std::string& rel);

// whmkit's own JSON files (the FTP settings, the restore queue) hold one
// JSON object. Parses `text` as one; what keeps it from being one ("line 3
// is not valid JSON", "it is not a JSON object", "it is empty") goes to
// `problems`, and the result is then an empty object.
nlohmann::json parse_json_object(const std::string& text, FileProblems& problems);

// A change refused because it would rewrite a damaged file.
struct DamagedFileError : ApiError {
  using ApiError::ApiError;
};
// Throws “The file “/var/cpanel/users/bob” cannot be changed: line 7 is not
// KEY=VALUE.” (the first problem) if there is any. `action` is what cannot be
// done with it: "changed", or "used" for a file read to apply it elsewhere
// (a hosting plan applied to an account).
void refuse_if_damaged(const std::string& rel, const FileProblems& problems, const char* action = "changed");
// “The file “/etc/passwd” is damaged: line 3 ...; line 9 ...” with every
// problem (the first few, and how many more), for warnings and whmkit-check.
std::string damage_summary(const std::string& rel, const FileProblems& problems);

}  // namespace whm
