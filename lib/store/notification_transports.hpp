// The HTTP services WHM's notifications go to, as cPanel sends to them:
//   POST URL    a form (application/x-www-form-urlencoded; charset=UTF-8)
//               with the message's fields (subject, body)
//   Slack       a JSON message with one attachment to the webhook URL
//   Pushbullet  a "note" push: POST <API>/pushes with the access token.
//               <API> is https://api.pushbullet.com/v2, or the value of the
//               environment variable WHMKIT_PUSHBULLET_API (tests, a proxy).
// Only http:// and https:// URLs; a https:// server's certificate must be
// valid. Under a state root other than "/" nothing leaves the machine
// (curl_api.hpp); a URL naming another host is refused here first, with a
// reason the notice can show. Nothing here takes the state lock: callers do not hold it
// while the network answers.
#pragma once
#include <map>
#include <string>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

namespace whm {

// What the server answered, in the shape cPanel reports (Perl HTTP::Tiny's
// response): a request that could not be made is status 599, reason
// "Internal Exception", the error as content.
struct HttpAnswer {
  bool success = false;  // a 2xx status
  long status = 599;
  std::string reason = "Internal Exception";
  std::string protocol;
  std::string url;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string content;
  // {content, headers, protocol, reason, status, success, url}
  nlohmann::json to_json() const;
};

using FormFields = std::vector<std::pair<std::string, std::string>>;

// Posts `fields` as a form to `url` (a later field replaces an earlier one of the same name).
HttpAnswer post_form(const std::string& url, const FormFields& fields);

// Posts a Slack message (title and text) to a webhook URL.
HttpAnswer post_slack_message(const std::string& webhook_url, const std::string& title, const std::string& text);

// Pushes a note; returns the pushed note as Pushbullet answers it. Throws
// ApiError with cPanel's wording when Pushbullet refuses it.
nlohmann::json push_pushbullet_note(const std::string& access_token, const std::string& title, const std::string& body);

}  // namespace whm
