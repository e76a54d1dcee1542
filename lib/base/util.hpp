// Small string and time helpers shared by the core and the commands.
#pragma once
#include <cstdint>
#include <ctime>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace whm {

std::vector<std::string> split(std::string_view s, char sep);
// The same as views into `s` (valid while `s` is): for files read line by line in bulk.
std::vector<std::string_view> split_views(std::string_view s, char sep);
// Calls fn(line) for each line of `text` without its '\n' (a last line
// without '\n' too), without copying: for large files read line by line.
template <class Fn>
void for_each_line(std::string_view text, Fn&& fn) {
  for (size_t start = 0; start < text.size();) {
    size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    fn(text.substr(start, end - start));
    start = end + 1;
  }
}
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::string trim(std::string_view s);
std::string to_lower(std::string_view s);
// Percent-encoding: every byte but RFC 3986's unreserved [A-Za-z0-9._~-]
// (and those of `also_keep`) as %XX.
std::string uri_encode(std::string_view s, std::string_view also_keep = {});
// Every %XX as its byte; nullopt when a "%" is not followed by two hex digits.
std::optional<std::string> percent_decode(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
// Parses a whole string as a base-10 integer; nullopt on anything else.
std::optional<long long> parse_int(std::string_view s);
bool is_digits(std::string_view s);
// The text as HTML shows it literally: & < > " ' as entities (cPanel's
// "htmlsafe" fields).
std::string html_escape(std::string_view s);

// The Unicode character that starts at s[i], and its length in bytes. The
// length is 0 where the bytes are not well-formed UTF-8 (a stray or missing
// continuation byte, an overlong form, a surrogate, a code above U+10FFFF).
struct Utf8Char {
  char32_t code = 0;
  size_t length = 0;
};
Utf8Char utf8_char_at(std::string_view s, size_t i);
// The character as UTF-8 bytes.
std::string utf8_encode(char32_t code);

// Seconds since the epoch; WHMKIT_NOW overrides it so tests can pin time.
std::time_t now();
std::string format_time(std::time_t t, const char* fmt, bool utc = false);

// Reads a whole file; nullopt if it does not exist.
std::optional<std::string> read_file(const std::string& path);

}  // namespace whm
