#include "notification_transports.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <algorithm>
#include <cctype>
#include <cstdlib>

#include "curl_api.hpp"
#include "errors.hpp"
#include "util.hpp"

namespace whm {

namespace {

constexpr long kConnectTimeout = 30;  // seconds
constexpr long kTotalTimeout = 60;

std::string pushbullet_api() {
  const char* env = std::getenv("WHMKIT_PUSHBULLET_API");
  std::string base = env && *env ? env : "https://api.pushbullet.com/v2";
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

bool has_control_byte(const std::string& s) {
  return std::any_of(s.begin(), s.end(), [](unsigned char c) { return c < 0x20 || c == 0x7f; });
}

// Form encoding as Perl's HTTP::Tiny does it: unreserved characters as they
// are, a space as '+', every other byte as %XX; the fields sorted.
std::string form_escape(const std::string& s) {
  static const char* const hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    if (std::isalnum(c) || c == '-' || c == '.' || c == '_' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}

size_t collect_body(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// Keeps the last response's status line and headers (a "100 Continue"
// before the answer starts them over).
size_t collect_header(char* data, size_t size, size_t n, void* out) {
  auto* answer = static_cast<HttpAnswer*>(out);
  std::string line(data, size * n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  if (starts_with(line, "HTTP/")) {
    answer->headers.clear();
    auto sp = line.find(' ');
    answer->protocol = line.substr(0, sp);
    auto sp2 = sp == std::string::npos ? sp : line.find(' ', sp + 1);
    answer->reason = sp2 == std::string::npos ? "" : line.substr(sp2 + 1);
  } else if (auto colon = line.find(':'); colon != std::string::npos) {
    std::string name = to_lower(trim(line.substr(0, colon)));
    std::string value = trim(line.substr(colon + 1));
    auto& slot = answer->headers[name];
    slot = slot.empty() ? value : slot + ", " + value;
  }
  return size * n;
}

HttpAnswer post(const std::string& url, const std::vector<std::string>& headers, const std::string& body) {
  HttpAnswer answer;
  answer.url = url;
  if (has_control_byte(url) || !(starts_with(url, "http://") || starts_with(url, "https://"))) {
    answer.content = "The URL “" + url + "” is not an http:// or https:// URL.";
    return answer;
  }
  if (!connections_beyond_loopback_allowed() && !is_loopback_host(host_of_url(url))) {
    answer.content =
        "Under a state root other than “/” the system sends only to this machine (127.0.0.1, ::1, "
        "localhost), not to “" +
        host_of_url(url) + "”.";
    return answer;
  }
  CurlHandle c;
  if (!c.h) throw ApiError("libcurl could not start.");
  cu().curl_easy_setopt(c.h, CURLOPT_URL, url.c_str());
  cu().curl_easy_setopt(c.h, CURLOPT_ERRORBUFFER, c.error);
  cu().curl_easy_setopt(c.h, CURLOPT_NOSIGNAL, 1L);
  cu().curl_easy_setopt(c.h, CURLOPT_CONNECTTIMEOUT, kConnectTimeout);
  cu().curl_easy_setopt(c.h, CURLOPT_TIMEOUT, kTotalTimeout);
  cu().curl_easy_setopt(c.h, CURLOPT_PROTOCOLS_STR, "http,https");
  cu().curl_easy_setopt(c.h, CURLOPT_WRITEFUNCTION, &collect_body);
  cu().curl_easy_setopt(c.h, CURLOPT_WRITEDATA, &answer.content);
  cu().curl_easy_setopt(c.h, CURLOPT_HEADERFUNCTION, &collect_header);
  cu().curl_easy_setopt(c.h, CURLOPT_HEADERDATA, &answer);
  for (const auto& h : headers) c.headers = cu().curl_slist_append(c.headers, h.c_str());
  c.headers = cu().curl_slist_append(c.headers, "Expect:");
  cu().curl_easy_setopt(c.h, CURLOPT_HTTPHEADER, c.headers);
  cu().curl_easy_setopt(c.h, CURLOPT_POSTFIELDS, body.c_str());
  cu().curl_easy_setopt(c.h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(body.size()));
  CURLcode rc = perform_transfer(c.h, url);
  if (rc != CURLE_OK) {
    answer = HttpAnswer{};
    answer.url = url;
    answer.content = c.error[0] ? c.error : cu().curl_easy_strerror(rc);
    return answer;
  }
  cu().curl_easy_getinfo(c.h, CURLINFO_RESPONSE_CODE, &answer.status);
  answer.success = answer.status >= 200 && answer.status < 300;
  return answer;
}

}  // namespace

nlohmann::json HttpAnswer::to_json() const {
  nlohmann::json h = nlohmann::json::object();
  for (const auto& [name, value] : headers) h[name] = value;
  return {{"content", content},
          {"headers", h},
          {"protocol", protocol},
          {"reason", reason},
          {"status", std::to_string(status)},
          {"success", success ? 1 : 0},
          {"url", url}};
}

HttpAnswer post_form(const std::string& url, const FormFields& fields) {
  std::map<std::string, std::string> form;
  for (const auto& [k, v] : fields) form[k] = v;  // a later field replaces an earlier one of the same name
  std::vector<std::string> terms;
  for (const auto& [k, v] : form) terms.push_back(form_escape(k) + "=" + form_escape(v));
  std::sort(terms.begin(), terms.end());
  return post(url, {"Content-Type: application/x-www-form-urlencoded; charset=UTF-8"}, join(terms, "&"));
}

HttpAnswer post_slack_message(const std::string& webhook_url, const std::string& title, const std::string& text) {
  nlohmann::json message = {
      {"attachments", {{{"color", "good"}, {"mrkdwn_in", {"text"}}, {"title", title}, {"text", text}}}}};
  return post(webhook_url, {"Content-Type: application/json"},
              message.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
}

nlohmann::json push_pushbullet_note(const std::string& access_token, const std::string& title,
                                    const std::string& body) {
  // The token goes into a header line: a line break would add headers of its own.
  if (access_token.empty() || has_control_byte(access_token))
    throw ApiError("The Pushbullet access token “" + access_token + "” is not valid.");
  nlohmann::json note = {{"type", "note"}, {"title", title}, {"body", body}};
  HttpAnswer answer =
      post(pushbullet_api() + "/pushes", {"Content-Type: application/json", "Authorization: Bearer " + access_token},
           note.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace));
  auto parsed = nlohmann::json::parse(answer.content, nullptr, false);
  if (answer.success) {
    if (parsed.is_discarded()) return nlohmann::json();
    return parsed;
  }
  if (answer.status == 599)  // no answer at all: the request could not be made
    throw ApiError("The system failed to send a note via Pushbullet because of an error: " + answer.content);
  const std::string basic = std::to_string(answer.status) + " - " + answer.reason;
  const bool has_details = parsed.is_object() && parsed.contains("error") && parsed["error"].is_object();
  if (has_details) {
    const auto& e = parsed["error"];
    auto text = [&](const char* key) {
      return e.contains(key) && e[key].is_string() ? e[key].get<std::string>() : std::string();
    };
    throw ApiError("The system failed to send a note via Pushbullet because of an error of type “" + text("type") +
                   "”: " + text("message") + " (" + basic + ")");
  }
  if (!answer.content.empty())
    throw ApiError("The system failed to send a note via Pushbullet because of an error: " + basic + ". The payload (" +
                   answer.content + ") was also invalid.");
  throw ApiError("The system failed to send a note via Pushbullet because of an error: " + basic + ".");
}

}  // namespace whm
