#include "api_dev_tools.hpp"

#include <algorithm>
#include <ctime>
#include <regex>

#include "curl_api.hpp"
#include "damage.hpp"
#include "errors.hpp"
#include "notices.hpp"
#include "util.hpp"

namespace whm {

namespace {

// A day's local midnight, as cPanel's timelocal gives it.
std::time_t local_midnight(int year, int month, int day) {
  std::tm tm{};
  tm.tm_year = year - 1900;
  tm.tm_mon = month - 1;
  tm.tm_mday = day;
  tm.tm_isdst = -1;
  return std::mktime(&tm);
}

constexpr long kTimeoutSeconds = 30;
constexpr long kMaxRedirects = 5;
constexpr size_t kMaxBody = 16 * 1024 * 1024;  // a page for WHM's interface, not a download

struct Fetch {
  std::string body;
  bool too_big = false;
  std::vector<nlohmann::json> responses;  // one per response received, headers only
};

size_t collect_body(char* data, size_t size, size_t n, void* out) {
  auto* f = static_cast<Fetch*>(out);
  if (f->body.size() + size * n > kMaxBody) {
    f->too_big = true;
    return 0;  // stops the transfer
  }
  f->body.append(data, size * n);
  return size * n;
}

// Status lines start a response's headers; the lines after it are its headers.
size_t collect_header(char* data, size_t size, size_t n, void* out) {
  auto* f = static_cast<Fetch*>(out);
  std::string line(data, size * n);
  while (!line.empty() && (line.back() == '\n' || line.back() == '\r')) line.pop_back();
  static const std::regex status_line("(HTTP/[0-9.]+) ([0-9]{3}) ?(.*)");
  std::smatch m;
  if (std::regex_match(line, m, status_line)) {
    f->responses.push_back({{"protocol", m[1].str()},
                            {"status", m[2].str()},
                            {"reason", m[3].str()},
                            {"headers", nlohmann::json::object()}});
  } else if (!f->responses.empty() && !line.empty()) {
    const auto colon = line.find(':');
    if (colon != std::string::npos) {
      auto& headers = f->responses.back()["headers"];
      const std::string name = to_lower(trim(line.substr(0, colon)));
      const std::string value = trim(line.substr(colon + 1));
      // A repeated header becomes a list, as cPanel's client gives it.
      if (!headers.contains(name))
        headers[name] = value;
      else if (headers[name].is_array())
        headers[name].push_back(value);
      else
        headers[name] = nlohmann::json::array({headers[name], value});
    }
  }
  return size * n;
}

int success_of(const nlohmann::json& response) {
  const std::string status = response["status"];
  return !status.empty() && status[0] == '2' ? 1 : 0;
}

}  // namespace

nlohmann::json api1_usage(const StateRoot& root, const std::string& kind) {
  static const std::regex summary_name("api1.([0-9]{4})-([0-9]{2})-([0-9]{2}).log.summary");
  std::vector<std::string> files = root.list_dir(api_analytics::kDataDir);
  std::sort(files.begin(), files.end());
  Transaction view(root);
  nlohmann::json out = nlohmann::json::array();
  for (const auto& file : files) {
    std::smatch m;
    if (!std::regex_match(file, m, summary_name)) continue;
    const std::string rel = std::string(api_analytics::kDataDir) + "/" + file;
    auto text = view.read(rel);
    if (!text) continue;
    FileProblems problems;
    const nlohmann::json doc = parse_json_object(*text, problems);
    if (!problems.empty()) {
      add_notice(damage_summary(rel, problems));
      continue;
    }
    if (!doc.contains(kind) || !doc[kind].is_object()) continue;
    const std::time_t day = local_midnight(std::stoi(m[1]), std::stoi(m[2]), std::stoi(m[3]));
    for (const auto& [entry, count] : doc[kind].items())
      out.push_back({{"count", count}, {"entry", entry}, {"timestamp", static_cast<long long>(day)}});
  }
  return out;
}

nlohmann::json cors_proxy_fetch(const std::string& url, const std::string& origin) {
  const std::string lower = to_lower(url);
  if (!(starts_with(lower, "http://") || starts_with(lower, "https://")) || host_of_url(url).empty() ||
      std::any_of(url.begin(), url.end(), [](char c) { return static_cast<unsigned char>(c) <= 0x20; }))
    throw invalid_param("url", "“" + url + "” is not a valid http or https URL.");
  CurlHandle c;
  if (!c.h) throw ApiError("libcurl could not start.");
  Fetch fetch;
  const std::string origin_header = "Origin: " + origin;
  c.headers = cu().curl_slist_append(c.headers, origin_header.c_str());
  cu().curl_easy_setopt(c.h, CURLOPT_URL, url.c_str());
  cu().curl_easy_setopt(c.h, CURLOPT_ERRORBUFFER, c.error);
  cu().curl_easy_setopt(c.h, CURLOPT_NOSIGNAL, 1L);
  cu().curl_easy_setopt(c.h, CURLOPT_CONNECTTIMEOUT, kTimeoutSeconds);
  cu().curl_easy_setopt(c.h, CURLOPT_TIMEOUT, 2 * kTimeoutSeconds);
  cu().curl_easy_setopt(c.h, CURLOPT_PROTOCOLS_STR, "http,https");
  cu().curl_easy_setopt(c.h, CURLOPT_REDIR_PROTOCOLS_STR, "http,https");
  cu().curl_easy_setopt(c.h, CURLOPT_FOLLOWLOCATION, 1L);
  cu().curl_easy_setopt(c.h, CURLOPT_MAXREDIRS, kMaxRedirects);
  cu().curl_easy_setopt(c.h, CURLOPT_HTTPHEADER, c.headers);
  cu().curl_easy_setopt(c.h, CURLOPT_WRITEFUNCTION, &collect_body);
  cu().curl_easy_setopt(c.h, CURLOPT_WRITEDATA, &fetch);
  cu().curl_easy_setopt(c.h, CURLOPT_HEADERFUNCTION, &collect_header);
  cu().curl_easy_setopt(c.h, CURLOPT_HEADERDATA, &fetch);
  const CURLcode rc = perform_transfer(c.h, url);
  if (fetch.too_big)
    throw ApiError("The response from “" + url + "” is larger than " + std::to_string(kMaxBody) + " bytes.");
  if (rc != CURLE_OK || fetch.responses.empty())
    throw ApiError("The system could not fetch “" + url + "”: " + (c.error[0] ? c.error : cu().curl_easy_strerror(rc)));
  // Interim "100 Continue" answers are not responses of their own.
  fetch.responses.erase(std::remove_if(fetch.responses.begin(), fetch.responses.end(),
                                       [](const nlohmann::json& r) { return r["status"] == "100"; }),
                        fetch.responses.end());
  char* effective = nullptr;
  cu().curl_easy_getinfo(c.h, CURLINFO_EFFECTIVE_URL, &effective);
  nlohmann::json result = fetch.responses.back();
  result["url"] = effective ? effective : url;
  result["success"] = success_of(result);
  result["content"] = fetch.body;
  if (fetch.responses.size() > 1) {
    nlohmann::json redirects = nlohmann::json::array();
    for (size_t i = 0; i + 1 < fetch.responses.size(); ++i) {
      nlohmann::json r = fetch.responses[i];
      r["success"] = success_of(r);
      redirects.push_back(r);
    }
    result["_cp_redirects"] = redirects;
  }
  return result;
}

}  // namespace whm
