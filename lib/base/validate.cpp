#include "validate.hpp"

#include <arpa/inet.h>
#include <set>

#include "errors.hpp"
#include "util.hpp"

namespace whm {

// System and service names cPanel will not give to an account, plus names
// that collide with its own files (e.g. /var/cpanel/users/system).
static const std::set<std::string>& reserved_usernames() {
  static const std::set<std::string> names = {
      "abuse",
      "adm",
      "admin",
      "all",
      "amanda",
      "apache",
      "bin",
      "cpanel",
      "cpanelphpmyadmin",
      "cpanelphppgadmin",
      "cpanelroundcube",
      "cphulkd",
      "cpses",
      "daemon",
      "dovecot",
      "dovenull",
      "exim",
      "ftp",
      "games",
      "gdm",
      "halt",
      "lp",
      "mail",
      "mailman",
      "mailnull",
      "mysql",
      "named",
      "news",
      "nfsnobody",
      "nobody",
      "nscd",
      "ntp",
      "operator",
      "postfix",
      "postgres",
      "postmaster",
      "root",
      "rpc",
      "shutdown",
      "smmsp",
      "sshd",
      "sync",
      "system",
      "toor",
      "tss",
      "uucp",
      "virtfs",
      "webmaster",
      "www",
      "www-data",
      "cpanelsolr",
      "cpaneleximfilter",
      "cpaneleximscanner",
      "cpanellogin",
      "cpanelcabcache",
      "cpanelconnecttrack",
  };
  return names;
}

bool is_reserved_username(const std::string& name) { return reserved_usernames().count(name) > 0; }

std::optional<std::string> username_syntax_error(const std::string& name) {
  if (name.empty()) return "The username cannot be empty.";
  if (name.size() > 16) return "The username “" + name + "” is longer than 16 characters.";
  if (!(name[0] >= 'a' && name[0] <= 'z')) return "The username “" + name + "” must begin with a lowercase letter.";
  for (char c : name)
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')))
      return "The username “" + name + "” may contain only lowercase letters (a-z) and digits (0-9).";
  if (starts_with(name, "test")) return "The username “" + name + "” cannot begin with “test”.";
  if (ends_with(name, "assword")) return "The username “" + name + "” cannot end with “assword”.";
  if (is_reserved_username(name)) return "The username “" + name + "” is reserved by the system.";
  return std::nullopt;
}

std::optional<std::string> domain_syntax_error(const std::string& domain) {
  if (domain.empty()) return "The domain cannot be empty.";
  if (domain.size() > 253) return "The domain “" + domain + "” is longer than 253 characters.";
  auto labels = split(domain, '.');
  if (labels.size() < 2) return "The domain “" + domain + "” must contain at least two labels (e.g. example.com).";
  for (const auto& l : labels) {
    if (l.empty()) return "The domain “" + domain + "” has an empty label.";
    if (l.size() > 63) return "The domain “" + domain + "” has a label longer than 63 characters.";
    if (l.front() == '-' || l.back() == '-') return "A label of “" + domain + "” begins or ends with a hyphen.";
    for (char c : l)
      if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-'))
        return "The domain “" + domain + "” may contain only lowercase letters, digits, hyphens and dots.";
  }
  if (is_digits(labels.back())) return "The domain “" + domain + "” has a numeric top-level label.";
  return std::nullopt;
}

bool is_valid_email(const std::string& email) {
  auto at = email.rfind('@');
  if (at == std::string::npos || at == 0 || email.size() > 254) return false;
  for (unsigned char c : email)
    if (c <= 0x20 || c == 0x7f || c == ',' || c == ';' || c == '<' || c == '>' || c == '"') return false;
  return !domain_syntax_error(to_lower(email.substr(at + 1)));
}

bool is_valid_ipv4(const std::string& ip) {
  in_addr a;
  return inet_pton(AF_INET, ip.c_str(), &a) == 1;
}

std::optional<std::string> locale_syntax_error(const std::string& locale) {
  auto why = [&] { return "“" + locale + "” is not a locale name such as en or pt_br."; };
  auto is_alpha = [](char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); };
  auto is_alnum = [&](char c) { return is_alpha(c) || (c >= '0' && c <= '9'); };
  size_t i = 0;
  while (i < locale.size() && is_alpha(locale[i])) ++i;
  if (i < 2 || i > 16) return why();  // the language
  for (int subtags = 0; i < locale.size(); ++subtags) {
    if (subtags == 3 || (locale[i] != '_' && locale[i] != '-')) return why();
    size_t start = ++i;
    while (i < locale.size() && is_alnum(locale[i])) ++i;
    if (i - start < 1 || i - start > 8) return why();
  }
  return std::nullopt;
}

std::optional<std::string> plain_absolute_path_error(const std::string& path) {
  if (path.empty() || path[0] != '/') return "it must be an absolute path.";
  for (const auto& part : split(path.substr(1), '/')) {
    if (part.empty() || part == "." || part == "..")
      return "“" + path + "” is not a plain absolute path (no “//”, “.” or “..”).";
    for (unsigned char c : part)
      if (c < 0x20 || c == 0x7f) return "it contains a control character.";
  }
  return std::nullopt;
}

void check_single_line(const std::string& param, const std::string& value) {
  for (unsigned char c : value)
    if (c < 0x20 || c == 0x7f) throw invalid_param(param, "it contains a control character.");
}

}  // namespace whm
