// A parsed API call: function name plus its arguments. Every argument is a
// list of values so that repeated keys (user=a user=b) and numbered keys
// (user-0=a user-1=b) read the same way.
#pragma once
#include <map>
#include <optional>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

namespace whm {

struct Request {
  std::string function;
  std::map<std::string, std::vector<std::string>> args;
  nlohmann::json api = nlohmann::json::object();  // the api.* arguments, as a tree

  bool has(const std::string& key) const { return args.count(key) > 0; }
  // The last value given for `key` (a repeated scalar keeps the last word).
  std::optional<std::string> get(const std::string& key) const;
  std::string get_or(const std::string& key, const std::string& fallback) const;
  // The value of a parameter the handler cannot do without (absent or empty:
  // ValidationError "Missing required parameter “key”.").
  std::string require(const std::string& key) const;
  const std::vector<std::string>& list(const std::string& key) const;
  // Typed values. Absent: nullopt (or, for the domain, "missing"); present but
  // bad: the standard "Invalid value for parameter" error naming the key.
  std::optional<long long> integer(const std::string& key, long long min, long long max) const;
  std::optional<std::string> single_line(const std::string& key) const;  // no control characters
  std::string domain(const std::string& key) const;                      // required, lowercased, checked
  // For parameters declared boolean/integer (already validated).
  bool flag(const std::string& key, bool fallback = false) const;
};

// Turns "key=value" words into a Request. Values are URI-decoded; keys
// "k", "k-0", "k-1"... gather into one list, bare key first, then by number.
// api.* arguments are split off into Request::api. Throws ValidationError.
Request parse_call_words(const std::string& function, const std::vector<std::string>& words);
// The same from decoded (key, value) pairs, in the order given (an HTTP
// query string or form body).
Request request_from_pairs(const std::string& function, const std::vector<std::pair<std::string, std::string>>& pairs);

std::string uri_decode(const std::string& s);
// Whether `s` can be a function's name ([A-Za-z0-9_], 1 to 128 characters):
// what an HTTP path or a batch command may name.
bool is_function_name(const std::string& s);
// "a=1&b=x%20y+z" as decoded pairs, in order ("+" is a space, as in a form).
std::vector<std::pair<std::string, std::string>> parse_query_string(const std::string& query);

}  // namespace whm
