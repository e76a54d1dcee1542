#include "autorespond_send.hpp"

#include <algorithm>

#include "base64.hpp"
#include "util.hpp"

namespace whm {

namespace {

// A header value on one line: line breaks (a folded header) become spaces
// and other control bytes go, so nothing the original sender wrote can add a
// header to the answer.
std::string one_line(const std::string& s) {
  std::string out;
  for (char c : s) {
    if (c == '\r' || c == '\n' || c == '\t')
      out += ' ';
    else if (static_cast<unsigned char>(c) >= 0x20 && c != 0x7f)
      out += c;
  }
  return trim(out);
}

bool is_ascii(const std::string& s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// RFC 2047 for a header that is not plain ASCII.
std::string encoded_word(const std::string& text, const std::string& charset) {
  return is_ascii(text) ? text : "=?" + charset + "?B?" + base64_encode(text) + "?=";
}

std::string replace_all(std::string text, const std::string& from, const std::string& to) {
  for (size_t at = 0; (at = text.find(from, at)) != std::string::npos; at += to.size())
    text.replace(at, from.size(), to);
  return text;
}

// The address inside "Name <addr>" (or the value itself).
std::string bare_address(const std::string& value) {
  auto open = value.rfind('<'), close = value.rfind('>');
  if (open != std::string::npos && close != std::string::npos && close > open)
    return trim(value.substr(open + 1, close - open - 1));
  return trim(value);
}

// The display name of "Name <addr>", without its quotes ("" when there is none).
std::string display_name(const std::string& value) {
  auto open = value.rfind('<');
  if (open == std::string::npos) return "";
  std::string name = trim(value.substr(0, open));
  if (name.size() >= 2 && name.front() == '"' && name.back() == '"') name = name.substr(1, name.size() - 2);
  return name;
}

// A display name as a quoted string (RFC 5322), encoded when not ASCII.
std::string quoted_name(const std::string& name, const std::string& charset) {
  if (!is_ascii(name)) return encoded_word(name, charset);
  std::string out = "\"";
  for (char c : name) {
    if (c == '"' || c == '\\') out += '\\';
    out += c;
  }
  return out + "\"";
}

}  // namespace

MailHeaders MailHeaders::parse(const std::string& message) {
  MailHeaders h;
  size_t pos = 0;
  while (pos < message.size()) {
    size_t end = message.find('\n', pos);
    if (end == std::string::npos) end = message.size();
    std::string line = message.substr(pos, end - pos);
    pos = end + 1;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty()) break;  // the blank line before the body
    if ((line[0] == ' ' || line[0] == '\t') && !h.fields_.empty()) {
      h.fields_.back().second += " " + trim(line);
      continue;
    }
    auto colon = line.find(':');
    if (colon == std::string::npos || colon == 0) continue;  // an mbox "From " line or noise
    h.fields_.emplace_back(to_lower(trim(line.substr(0, colon))), trim(line.substr(colon + 1)));
  }
  return h;
}

std::optional<std::string> MailHeaders::get(const std::string& name) const {
  const std::string key = to_lower(name);
  for (const auto& [n, v] : fields_)
    if (n == key) return v;
  return std::nullopt;
}

std::optional<std::string> not_answerable(const MailHeaders& headers, const std::string& sender,
                                          const std::string& address) {
  const std::string from = to_lower(bare_address(sender));
  if (from.empty() || from == "<>") return "it is a bounce (no sender)";
  if (from == to_lower(address)) return "it comes from the autoresponder's own address";
  const std::string local = from.substr(0, from.rfind('@'));
  if (local == "mailer-daemon" || local == "postmaster" || local == "listserv" || local == "majordomo" ||
      starts_with(local, "owner-") || ends_with(local, "-request"))
    return "its sender " + from + " is a mail system or a list";
  if (auto v = headers.get("auto-submitted"); v && to_lower(trim(v->substr(0, v->find(';')))) != "no")
    return "it is automatic (Auto-Submitted: " + *v + ")";
  if (auto v = headers.get("precedence")) {
    const std::string p = to_lower(*v);
    if (p == "bulk" || p == "list" || p == "junk") return "it is bulk mail (Precedence: " + p + ")";
  }
  for (const char* list : {"list-id", "list-post", "list-unsubscribe", "list-help"})
    if (headers.get(list)) return std::string("it comes from a mailing list (") + list + ")";
  return std::nullopt;
}

std::optional<std::string> not_active(const Autoresponder& a, std::time_t now) {
  if (a.start && now < *a.start) return "it starts later";
  if (a.stop && now >= *a.stop) return "it has stopped";
  return std::nullopt;
}

ReplyLog::ReplyLog(const std::optional<std::string>& text) {
  if (!text) return;
  // A damaged record is started again: at worst one sender gets a second answer.
  auto parsed = nlohmann::json::parse(*text, nullptr, false);
  if (parsed.is_object()) log_ = parsed;
}

bool ReplyLog::answered_recently(const std::string& sender, std::time_t now, long long interval_seconds) const {
  if (interval_seconds <= 0 || !log_.contains(sender) || !log_[sender].is_number_integer()) return false;
  return static_cast<long long>(now) - log_[sender].get<long long>() < interval_seconds;
}

std::string ReplyLog::text(std::time_t now, long long interval_seconds) const {
  nlohmann::json kept = nlohmann::json::object();
  for (const auto& [sender, when] : log_.items())
    if (when.is_number_integer() && static_cast<long long>(now) - when.get<long long>() < interval_seconds)
      kept[sender] = when;
  return kept.dump() + "\n";
}

std::string compose_autoreply(const Autoresponder& a, const MailHeaders& original, const std::string& sender) {
  const std::string original_from = one_line(original.get("from").value_or(sender));
  auto fill = [&](const std::string& text) {
    std::string out = replace_all(text, "%subject%", one_line(original.get("subject").value_or("")));
    out = replace_all(out, "%from%",
                      display_name(original_from).empty() ? bare_address(original_from) : display_name(original_from));
    return replace_all(out, "%email%", bare_address(sender));
  };
  const std::string name = one_line(a.from);
  std::string charset = one_line(a.charset);
  charset.erase(std::remove(charset.begin(), charset.end(), '"'), charset.end());
  std::string out;
  out += "From: " + (name.empty() ? "" : quoted_name(name, charset) + " ") + "<" + a.address.full() + ">\n";
  out += "To: <" + one_line(bare_address(sender)) + ">\n";
  out += "Subject: " + encoded_word(one_line(fill(a.subject)), charset) + "\n";
  out += "Auto-Submitted: auto-replied\n";
  if (auto id = original.get("message-id")) {
    out += "In-Reply-To: " + one_line(*id) + "\n";
    out += "References: " + one_line(*id) + "\n";
  }
  out += "MIME-Version: 1.0\n";
  out += std::string("Content-Type: ") + (a.is_html ? "text/html" : "text/plain") + "; charset=\"" + charset + "\"\n";
  out += "Content-Transfer-Encoding: 8bit\n\n";
  std::string body = fill(a.body);
  if (body.empty() || body.back() != '\n') body += "\n";
  return out + body;
}

}  // namespace whm
