// Syntax rules for the names users type: usernames, domains, emails, IPs.
#pragma once
#include <optional>
#include <string>

namespace whm {

// nullopt when `name` is a syntactically valid new cPanel username, else why not.
std::optional<std::string> username_syntax_error(const std::string& name);
bool is_reserved_username(const std::string& name);
// nullopt when `domain` is a valid fully qualified domain name, else why not.
std::optional<std::string> domain_syntax_error(const std::string& domain);
bool is_valid_email(const std::string& email);
bool is_valid_ipv4(const std::string& ip);
// nullopt when `locale` looks like a locale: a language code with optional
// subtags ("en", "pt_br", "es_419", "zh-TW"), or a legacy language name
// ("english-utf8"); else why not. Locales name files, so nothing else passes.
std::optional<std::string> locale_syntax_error(const std::string& locale);
// nullopt when `path` is a plain absolute path: "/" then names, without
// empty, "." or ".." components or control characters; else why not.
std::optional<std::string> plain_absolute_path_error(const std::string& path);

// Values that go into line-oriented files: refuses control characters
// (invalid_param naming `param`, "it contains a control character.").
void check_single_line(const std::string& param, const std::string& value);

}  // namespace whm
