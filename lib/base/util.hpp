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
std::string join(const std::vector<std::string>& parts, std::string_view sep);
std::string trim(std::string_view s);
std::string to_lower(std::string_view s);
bool starts_with(std::string_view s, std::string_view prefix);
bool ends_with(std::string_view s, std::string_view suffix);
// Parses a whole string as a base-10 integer; nullopt on anything else.
std::optional<long long> parse_int(std::string_view s);
bool is_digits(std::string_view s);

// Seconds since the epoch; WHMKIT_NOW overrides it so tests can pin time.
std::time_t now();
std::string format_time(std::time_t t, const char* fmt, bool utc = false);

// Reads a whole file; nullopt if it does not exist.
std::optional<std::string> read_file(const std::string& path);

}  // namespace whm
