// What the autoresponder program (apps/autorespond.cpp, installed where
// cPanel's Exim pipes to: /usr/local/cpanel/bin/autorespond <address>
// <home>/.autorespond) decides for one incoming message: whether to answer
// (RFC 3834: never bulk, list or automatic mail, never a bounce, at most once
// per interval to one sender, only between start and stop), and the answer.
//
// Whom it answered and when: ~/.autorespond/<address>.replies.json,
// {"<sender>": <Unix time of the last answer>} (whmkit's own record; the
// name ends in ".json" so that listings pass it over like the settings).
#pragma once
#include <ctime>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "autoresponders.hpp"

namespace whm {

// The header fields of a message (unfolded, in order), up to the blank line.
class MailHeaders {
 public:
  static MailHeaders parse(const std::string& message);
  // The first field of that name (any case), unfolded and trimmed.
  std::optional<std::string> get(const std::string& name) const;

 private:
  std::vector<std::pair<std::string, std::string>> fields_;  // lower-case name, value
};

// Why a message from `sender` (the envelope sender) to `address` gets no
// answer because of what it is (RFC 3834 and the usual list conventions);
// nullopt when it may be answered.
std::optional<std::string> not_answerable(const MailHeaders& headers, const std::string& sender,
                                          const std::string& address);
// Why the autoresponder does not answer at `now` (before start, after stop).
std::optional<std::string> not_active(const Autoresponder& a, std::time_t now);

// The senders answered and when; entries older than the interval are dropped on save.
class ReplyLog {
 public:
  explicit ReplyLog(const std::optional<std::string>& text);
  // Whether `sender` was answered less than `interval_seconds` before `now`.
  bool answered_recently(const std::string& sender, std::time_t now, long long interval_seconds) const;
  void note(const std::string& sender, std::time_t now) { log_[sender] = static_cast<long long>(now); }
  std::string text(std::time_t now, long long interval_seconds) const;

 private:
  nlohmann::json log_ = nlohmann::json::object();
};

// The answer to the message (headers `original`) from `sender`, for
// "sendmail -t": the autoresponder's From (its name, the address), To the
// sender, its Subject and body with cPanel's %subject%, %from% and %email%
// replaced by the original's, Auto-Submitted: auto-replied and
// In-Reply-To/References the original's Message-ID.
std::string compose_autoreply(const Autoresponder& a, const MailHeaders& original, const std::string& sender);

}  // namespace whm
