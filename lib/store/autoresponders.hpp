// Autoresponders, as cPanel keeps them in the account's home:
//   ~/.autorespond/<address>       the message: headers (From, Subject,
//                                  Charset, and Content-type for HTML), a
//                                  blank line, the body
//   ~/.autorespond/<address>.json  {"interval": seconds, "start": time or
//                                  null, "stop": time or null}
// The mail server answers a message to <address> with it, at most once per
// interval to each sender, between start and stop: the address's valiases
// line pipes its mail to the autoresponder program (mail_routing.hpp).
#pragma once
#include <optional>
#include <string>
#include <vector>

#include "mail_paths.hpp"
#include "state.hpp"

namespace whm {

struct Autoresponder {
  EmailAddress address;
  std::string from, subject, body, charset = "utf-8";
  bool is_html = false;
  long long interval_hours = 0;
  std::optional<long long> start, stop;  // Unix times; none: from now on, for ever
};

namespace autorespond_paths {
UserPath message(const std::string& home_rel, const EmailAddress& address);
UserPath settings(const std::string& home_rel, const EmailAddress& address);  // the .json
// Whom the autoresponder program answered and when (autorespond_send.hpp).
std::string replies_name(const EmailAddress& address);                       // "<address>.replies.json"
UserPath replies(const std::string& home_rel, const EmailAddress& address);  // .autorespond/<that>
}  // namespace autorespond_paths

// The two files' texts.
std::string autoresponder_message(const Autoresponder& a);
std::string autoresponder_settings(const Autoresponder& a);
// Reads both files; nullopt when there is no message file.
std::optional<Autoresponder> load_autoresponder(const Transaction& view, const std::string& home_rel,
                                                const EmailAddress& address);
// The addresses that have an autoresponder in the home at `home_abs` (as on
// disk; "/srv/root/home/bob"), sorted.
std::vector<EmailAddress> autoresponder_addresses(const std::string& home_abs, const std::string& shown_home);

void stage_autoresponder(Transaction& txn, const std::string& home_rel, FileOwner owner, const Autoresponder& a);
void stage_autoresponder_removal(Transaction& txn, const std::string& home_rel, const EmailAddress& address);

}  // namespace whm
