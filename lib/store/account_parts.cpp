#include "account_parts.hpp"

#include <cctype>

#include "util.hpp"

namespace whm {

// Each store's part, defined in the store's own file.
const AccountPart& home_part();            // home_store.cpp
const AccountPart& system_user_part();     // sysusers.cpp
const AccountPart& userdata_part();        // account_store.cpp
const AccountPart& cpuser_part();          // account_store.cpp
const AccountPart& dns_part();             // dns_store.cpp
const AccountPart& bandwidth_part();       // bandwidth_store.cpp
const AccountPart& cron_part();            // cron_store.cpp
const AccountPart& ftp_part();             // ftp_store.cpp
const AccountPart& suspension_part();      // account_store.cpp
const AccountPart& digest_auth_part();     // digest_auth.cpp
const AccountPart& force_password_part();  // force_password.cpp
const AccountPart& nvdata_part();          // nvdata.cpp
const AccountPart& enhancements_part();    // account_enhancements.cpp (after cpuser_part: reads its file)
const AccountPart& public_contact_part();  // public_contact.cpp
const AccountPart& api_tokens_part();      // api_tokens.cpp
const AccountPart& two_factor_part();      // two_factor.cpp
const AccountPart& mail_filters_part();    // mail_filters.cpp
const AccountPart& mail_routing_part();    // mail_routing.cpp
const AccountPart& email_accounts_part();  // email_accounts.cpp
const AccountPart& domain_keys_part();     // domain_keys.cpp
const AccountPart& mailing_lists_part();   // mailing_lists.cpp
const AccountPart& outgoing_mail_part();   // outgoing_mail.cpp
const AccountPart& autoresponders_part();  // autoresponders.cpp
const AccountPart& apache_tls_part();      // apache_tls.cpp (after userdata_part: reads its files)
const AccountPart& user_ssl_part();        // user_ssl.cpp
const AccountPart& autossl_part();         // autossl.cpp
const AccountPart& mysql_part();           // mysql_db.cpp
const AccountPart& pgsql_part();           // pgsql_store.cpp

const std::vector<const AccountPart*>& account_parts() {
  // New stores go one per line at the end, so that branches adding stores merge cleanly.
  // clang-format off
  static const std::vector<const AccountPart*> parts = {
      &home_part(),           &system_user_part(),  &userdata_part(),     &cpuser_part(),         &dns_part(),
      &bandwidth_part(),      &cron_part(),         &ftp_part(),          &suspension_part(),     &digest_auth_part(),
      &force_password_part(), &nvdata_part(),       &enhancements_part(), &public_contact_part(), &api_tokens_part(),
      &two_factor_part(),     &mail_routing_part(), &mail_filters_part(), &email_accounts_part(),
      &domain_keys_part(),
      &mailing_lists_part(),
      &outgoing_mail_part(),
      &autoresponders_part(),
      &apache_tls_part(),
      &user_ssl_part(),
      &autossl_part(),
      &mysql_part(),
      &pgsql_part(),
  };
  // clang-format on
  return parts;
}

void remove_existing(const StateRoot& root, Transaction& txn, const std::vector<std::string>& rels) {
  for (const auto& rel : rels)
    if (root.exists(rel)) txn.remove(rel);
}

void move_existing(const StateRoot& root, Transaction& txn, const std::string& from, const std::string& to) {
  if (from != to && root.exists(from)) txn.rename(from, to);
}

std::vector<std::string> existing(const StateRoot& root, const std::vector<std::string>& rels) {
  std::vector<std::string> out;
  for (const auto& rel : rels)
    if (root.exists(rel)) out.push_back(rel);
  return out;
}

void report_orphans(const StateRoot& root, const std::string& dir, const std::string& suffix,
                    const std::set<std::string>& users, Problems& out) {
  for (const auto& name : root.list_dir(dir)) {
    if (name[0] == '.' || !ends_with(name, suffix)) continue;
    std::string user = name.substr(0, name.size() - suffix.size());
    // A dot is never in a username: "bob.lock" is the lock file's, not an account's.
    if (user.find('.') == std::string::npos && !users.count(user) && user != "system")
      out.push_back("Orphaned " + dir + "/" + name + " (no account “" + user + "”).");
  }
}

void report_missing(Problems& out, const std::string& user, const std::string& what) {
  out.push_back("Account “" + user + "”: missing " + what + ".");
}

std::string replace_domain(const std::string& text, const std::string& from, const std::string& to) {
  auto name_char = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '-'; };
  std::string out;
  size_t pos = 0;
  for (size_t hit; (hit = text.find(from, pos)) != std::string::npos; pos = hit + from.size()) {
    size_t end = hit + from.size();
    bool whole = (hit == 0 || !name_char(text[hit - 1])) &&
                 (end == text.size() || (!std::isalnum(static_cast<unsigned char>(text[end])) && text[end] != '.') ||
                  (text[end] == '.' && (end + 1 == text.size() || !name_char(text[end + 1]))));
    out += text.substr(pos, hit - pos) + (whole ? to : from);
  }
  return out + text.substr(pos);
}

std::string rehome(const std::string& path, const std::string& from_home, const std::string& to_home) {
  if (path == from_home || starts_with(path, from_home + "/")) return to_home + path.substr(from_home.size());
  return path;
}

}  // namespace whm
