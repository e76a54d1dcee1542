#include "mail_paths.hpp"

#include <sstream>

#include "errors.hpp"
#include "sysusers.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {

std::optional<std::string> local_part_error(const std::string& local) {
  if (local.empty()) return "An email address needs a part before the “@”.";
  if (local.size() > 64) return "The part before the “@” may have at most 64 characters.";
  static const std::string kPunctuation = "!#$%&'*+/=?^_`{|}~.-";
  for (char c : local) {
    bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
              kPunctuation.find(c) != std::string::npos;
    if (!ok) return "The part before the “@” may contain only letters, numbers and !#$%&'*+/=?^_`{|}~.-";
  }
  if (local.front() == '.' || local.back() == '.' || local.find("..") != std::string::npos)
    return "The part before the “@” may not start or end with a dot or hold two dots in a row.";
  return std::nullopt;
}

EmailAddress parse_email_address(const std::string& param, const std::string& value) {
  auto at = value.rfind('@');
  if (at == std::string::npos) throw invalid_param(param, "“" + value + "” is not an email address.");
  EmailAddress a{to_lower(value.substr(0, at)), to_lower(value.substr(at + 1))};
  if (auto why = local_part_error(a.local)) throw invalid_param(param, *why);
  if (auto why = domain_syntax_error(a.domain)) throw invalid_param(param, *why);
  return a;
}

namespace mail_paths {
UserPath domain_etc(const std::string& home_rel, const std::string& domain) { return {home_rel, "etc/" + domain}; }
UserPath passwd(const std::string& home_rel, const std::string& domain) {
  return {home_rel, "etc/" + domain + "/passwd"};
}
UserPath shadow(const std::string& home_rel, const std::string& domain) {
  return {home_rel, "etc/" + domain + "/shadow"};
}
UserPath quota(const std::string& home_rel, const std::string& domain) {
  return {home_rel, "etc/" + domain + "/quota"};
}
UserPath mail_domain_dir(const std::string& home_rel, const std::string& domain) {
  return {home_rel, "mail/" + domain};
}
UserPath maildir(const std::string& home_rel, const EmailAddress& address) {
  return {home_rel, "mail/" + address.domain + "/" + address.local};
}
UserPath email_accounts_cache(const std::string& home_rel) { return {home_rel, ".cpanel/email_accounts.json"}; }
std::string valiases(const std::string& domain) { return "etc/valiases/" + domain; }
std::string vdomainaliases(const std::string& domain) { return "etc/vdomainaliases/" + domain; }
std::string vfilters(const std::string& domain) { return "etc/vfilters/" + domain; }
}  // namespace mail_paths

std::optional<MailPasswdEntry> parse_mail_passwd_line(std::string_view line) {
  const auto f = split_views(line, ':');
  if (f.size() != 7 || f[0].empty()) return std::nullopt;
  return MailPasswdEntry{std::string(f[0]), std::string(f[1]), std::string(f[2]), std::string(f[3]),
                         std::string(f[4]), std::string(f[5]), std::string(f[6])};
}

std::string format_mail_passwd_line(const MailPasswdEntry& e) {
  return e.local + ":" + e.password + ":" + e.uid + ":" + e.gid + ":" + e.gecos + ":" + e.maildir + ":" + e.home;
}

std::vector<std::string> email_account_locals(const Transaction& view, const std::string& home_rel,
                                              const std::string& domain) {
  std::vector<std::string> locals;
  auto text = view.read(mail_paths::passwd(home_rel, domain));
  if (!text) return locals;
  std::istringstream in(*text);
  for (std::string line; std::getline(in, line);)
    if (auto e = parse_mail_passwd_line(line)) locals.push_back(e->local);
  return locals;
}

bool email_account_exists(const Transaction& view, const std::string& home_rel, const EmailAddress& address) {
  for (const auto& local : email_account_locals(view, home_rel, address.domain))
    if (local == address.local) return true;
  return false;
}

std::optional<gid_t> mail_gid(const Transaction& view) {
  auto entry = ColonFile::find_in(view, "etc/group", "mail");  // one line of a file as long as the accounts
  if (!entry || entry->size() < 3) return std::nullopt;
  auto gid = parse_int((*entry)[2]);
  if (!gid || *gid < 0) return std::nullopt;
  return static_cast<gid_t>(*gid);
}

}  // namespace whm
