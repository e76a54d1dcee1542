#include "google_drive.hpp"

#include <sys/stat.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "curl_api.hpp"
#include "errors.hpp"
#include "syck_yaml.hpp"
#include "sysusers.hpp"
#include "util.hpp"

namespace whm {

namespace {

constexpr const char* kBackupsDir = "var/cpanel/backups";
constexpr const char* kPendingPrefix = "google_oauth_tempfile_";
constexpr const char* kScope = "https://www.googleapis.com/auth/drive.file";
constexpr const char* kFolderType = "application/vnd.google-apps.folder";
constexpr long kPendingLifetime = 30 * 60;  // seconds an authorization may take
constexpr long kRefreshMargin = 300;        // refresh a token with less left than this

std::string env_or(const char* name, const char* fallback) {
  const char* v = std::getenv(name);
  return v && *v ? v : fallback;
}

std::string drive_api() {
  std::string base = env_or("WHMKIT_GOOGLE_DRIVE_API", "https://www.googleapis.com");
  while (!base.empty() && base.back() == '/') base.pop_back();
  return base;
}

std::string form(const std::vector<std::pair<std::string, std::string>>& fields) {
  std::vector<std::string> parts;
  for (const auto& [k, v] : fields) parts.push_back(k + "=" + uri_encode(v));
  return join(parts, "&");
}

// One HTTP exchange. The request body is `body`, or when `upload` is set,
// `body`, then the file's bytes, then `trailer` (streamed, not loaded).
struct HttpRequest {
  std::string method = "GET";
  std::string url;
  std::vector<std::string> headers;
  std::string body;
  FILE* upload = nullptr;
  std::string trailer;
  long timeout = 30;
};

struct HttpResponse {
  long status = 0;
  std::string body;
};

// Hands libcurl the request body: prefix, file, trailer.
struct BodyReader {
  const std::string* prefix;
  FILE* file;
  const std::string* trailer;
  size_t prefix_at = 0, trailer_at = 0;
  static size_t read(char* buf, size_t size, size_t n, void* self) {
    auto* r = static_cast<BodyReader*>(self);
    const size_t room = size * n;
    if (r->prefix_at < r->prefix->size()) {
      size_t k = std::min(room, r->prefix->size() - r->prefix_at);
      std::memcpy(buf, r->prefix->data() + r->prefix_at, k);
      r->prefix_at += k;
      return k;
    }
    if (r->file) {
      size_t k = std::fread(buf, 1, room, r->file);
      if (k > 0) return k;
      if (std::ferror(r->file)) return CURL_READFUNC_ABORT;
      r->file = nullptr;
    }
    size_t k = std::min(room, r->trailer->size() - r->trailer_at);
    std::memcpy(buf, r->trailer->data() + r->trailer_at, k);
    r->trailer_at += k;
    return k;
  }
};

size_t collect(char* data, size_t size, size_t n, void* out) {
  static_cast<std::string*>(out)->append(data, size * n);
  return size * n;
}

// Performs the request; throws ApiError "<what>: <why>" when it cannot be
// made. An HTTP error status is returned, for the caller to word.
HttpResponse http(const HttpRequest& req, const std::string& what) {
  CurlHandle c;
  if (!c.h) throw ApiError("libcurl could not start.");
  HttpResponse resp;
  cu().curl_easy_setopt(c.h, CURLOPT_URL, req.url.c_str());
  cu().curl_easy_setopt(c.h, CURLOPT_ERRORBUFFER, c.error);
  cu().curl_easy_setopt(c.h, CURLOPT_NOSIGNAL, 1L);
  cu().curl_easy_setopt(c.h, CURLOPT_CONNECTTIMEOUT, req.timeout);
  cu().curl_easy_setopt(c.h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  cu().curl_easy_setopt(c.h, CURLOPT_LOW_SPEED_TIME, req.timeout);
  cu().curl_easy_setopt(c.h, CURLOPT_PROTOCOLS_STR, "http,https");
  cu().curl_easy_setopt(c.h, CURLOPT_WRITEFUNCTION, &collect);
  cu().curl_easy_setopt(c.h, CURLOPT_WRITEDATA, &resp.body);
  for (const auto& h : req.headers) c.headers = cu().curl_slist_append(c.headers, h.c_str());
  // libcurl would send "Expect: 100-continue" for a large body; the Drive API does not need it.
  c.headers = cu().curl_slist_append(c.headers, "Expect:");
  cu().curl_easy_setopt(c.h, CURLOPT_HTTPHEADER, c.headers);
  BodyReader reader{&req.body, req.upload, &req.trailer};
  if (req.upload) {
    struct stat st {};
    ::fstat(::fileno(req.upload), &st);
    const curl_off_t size = static_cast<curl_off_t>(req.body.size() + req.trailer.size()) + st.st_size;
    cu().curl_easy_setopt(c.h, CURLOPT_POST, 1L);
    cu().curl_easy_setopt(c.h, CURLOPT_READFUNCTION, &BodyReader::read);
    cu().curl_easy_setopt(c.h, CURLOPT_READDATA, &reader);
    cu().curl_easy_setopt(c.h, CURLOPT_POSTFIELDSIZE_LARGE, size);
  } else if (req.method == "POST") {
    cu().curl_easy_setopt(c.h, CURLOPT_POSTFIELDS, req.body.c_str());
    cu().curl_easy_setopt(c.h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(req.body.size()));
  } else if (req.method != "GET") {
    cu().curl_easy_setopt(c.h, CURLOPT_CUSTOMREQUEST, req.method.c_str());
  }
  CURLcode rc = perform_transfer(c.h, req.url);
  if (rc != CURLE_OK) throw ApiError(what + ": " + (c.error[0] ? c.error : cu().curl_easy_strerror(rc)));
  cu().curl_easy_getinfo(c.h, CURLINFO_RESPONSE_CODE, &resp.status);
  return resp;
}

// "HTTP 401: <the error the server gave>" for an error answer.
std::string http_error(const HttpResponse& r) {
  std::string detail = r.body;
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (j.is_object() && j.contains("error")) {
    const auto& e = j["error"];
    if (e.is_string())
      detail = e.get<std::string>();
    else if (e.is_object() && e.contains("message") && e["message"].is_string())
      detail = e["message"].get<std::string>();
  }
  for (char& ch : detail)
    if (static_cast<unsigned char>(ch) < 0x20) ch = ' ';
  if (detail.size() > 200) detail = detail.substr(0, 200) + "...";
  return "the server answered HTTP " + std::to_string(r.status) + (detail.empty() ? "" : ": " + detail);
}

// The answer's JSON object, or ApiError naming `what`.
nlohmann::json json_answer(const HttpResponse& r, const std::string& what) {
  if (r.status >= 400) throw ApiError(what + ": " + http_error(r));
  auto j = nlohmann::json::parse(r.body, nullptr, false);
  if (!j.is_object()) throw ApiError(what + ": the answer is not a JSON object.");
  return j;
}

std::string text_of(const nlohmann::json& j, const char* key) {
  return j.contains(key) && j[key].is_string() ? j[key].get<std::string>() : "";
}

long long number_of(const nlohmann::json& j, const char* key) {
  if (!j.contains(key)) return 0;
  if (j[key].is_number_integer()) return j[key].get<long long>();
  if (j[key].is_string()) return parse_int(j[key].get<std::string>()).value_or(0);
  return 0;
}

std::string field(const BackupDestination& d, const char* key) {
  return d.fields.contains(key) && d.fields[key].is_string() ? d.fields[key].get<std::string>() : "";
}

long timeout_of(const BackupDestination& d) {
  long long t = number_of(d.fields, "timeout");
  return t > 0 ? static_cast<long>(t) : 30;
}

// The credentials of `client_id` as stored, or ApiError.
nlohmann::json read_credentials(const StateRoot& root, const std::string& client_id, const std::string& who) {
  StateReader reader(root);
  Transaction view(root);
  auto text = view.read(google_credentials_rel(client_id));
  if (!text)
    throw ApiError(who + " has no Google credentials for the client ID “" + client_id +
                   "”: authorize it first (backup_generate_google_oauth_uri).");
  auto j = yaml_to_json(*text);
  if (!j.is_object() || text_of(j, "refresh_token").empty())
    throw ApiError("/" + google_credentials_rel(client_id) + " holds no refresh token.");
  return j;
}

void write_credentials(Transaction& txn, const std::string& client_id, const nlohmann::json& creds) {
  txn.write(google_credentials_rel(client_id), syck_dump(creds), 0600);
}

// A valid access token for the destination, refreshed at the token endpoint when near its end.
std::string access_token(const StateRoot& root, const BackupDestination& d) {
  const std::string client_id = field(d, "client_id");
  check_google_client_id(client_id);
  const std::string who = "The GoogleDrive destination “" + d.name() + "”";
  nlohmann::json creds = read_credentials(root, client_id, who);
  if (!text_of(creds, "access_token").empty() && number_of(creds, "expires") - now() >= kRefreshMargin)
    return text_of(creds, "access_token");
  HttpRequest req;
  req.method = "POST";
  req.url = text_of(creds, "token_uri");
  req.timeout = timeout_of(d);
  req.headers = {"Content-Type: application/x-www-form-urlencoded"};
  req.body = form({{"refresh_token", text_of(creds, "refresh_token")},
                   {"client_id", client_id},
                   {"client_secret", text_of(creds, "client_secret")},
                   {"grant_type", "refresh_token"}});
  auto answer =
      json_answer(http(req, who + " failed to refresh its access token"), who + " failed to refresh its access token");
  if (text_of(answer, "access_token").empty()) throw ApiError(who + ": the token endpoint gave no access token.");
  creds["access_token"] = text_of(answer, "access_token");
  creds["expires"] = now() + number_of(answer, "expires_in");
  if (!text_of(answer, "refresh_token").empty()) creds["refresh_token"] = text_of(answer, "refresh_token");
  StateWriter writer(root);
  write_credentials(writer.txn(), client_id, creds);
  writer.commit();
  return text_of(creds, "access_token");
}

// A Drive session for one destination: its token and timeout.
struct Drive {
  const BackupDestination& d;
  std::string token;
  std::string who() const { return "The GoogleDrive destination “" + d.name() + "”"; }

  HttpRequest request(const std::string& method, const std::string& url) const {
    HttpRequest r;
    r.method = method;
    r.url = url;
    r.timeout = timeout_of(d);
    r.headers = {"Authorization: Bearer " + token};
    return r;
  }

  // The id of the folder `name` in `parent`, made if missing.
  std::string folder(const std::string& parent, const std::string& name) const {
    std::string quoted;
    for (char ch : name) {
      if (ch == '\'' || ch == '\\') quoted += '\\';
      quoted += ch;
    }
    const std::string q = "name = '" + quoted + "' and '" + parent + "' in parents and mimeType = '" + kFolderType +
                          "' and trashed = false";
    const std::string what = who() + " failed to look up the folder “" + name + "”";
    auto found = json_answer(
        http(request("GET", drive_api() + "/drive/v3/files?q=" + uri_encode(q) + "&fields=files(id,name)"), what),
        what);
    if (found.contains("files") && found["files"].is_array() && !found["files"].empty())
      if (auto id = text_of(found["files"][0], "id"); !id.empty()) return id;
    const std::string make = who() + " failed to make the folder “" + name + "”";
    HttpRequest req = request("POST", drive_api() + "/drive/v3/files");
    req.headers.push_back("Content-Type: application/json; charset=UTF-8");
    req.body = nlohmann::json({{"mimeType", kFolderType}, {"name", name}, {"parents", {parent}}}).dump();
    auto made = json_answer(http(req, make), make);
    if (text_of(made, "id").empty()) throw ApiError(make + ": the answer has no id.");
    return text_of(made, "id");
  }

  // The folder holding <folder>/<remote_name>, made as needed.
  std::string parent_of(const std::string& remote_name) const {
    std::vector<std::string> parts;
    for (const auto& p : split(field(d, "folder"), '/'))
      if (!p.empty()) parts.push_back(p);
    auto names = split(remote_name, '/');
    names.pop_back();
    for (const auto& p : names)
      if (!p.empty()) parts.push_back(p);
    std::string id = "root";
    for (const auto& p : parts) id = folder(id, p);
    return id;
  }

  // Uploads the file (multipart: JSON metadata, then the bytes); returns its id.
  std::string upload(const std::string& local_abs, const std::string& remote_name) const {
    std::unique_ptr<FILE, int (*)(FILE*)> in(std::fopen(local_abs.c_str(), "rb"), &std::fclose);
    if (!in) throw ApiError("Cannot read “" + local_abs + "”.");
    const std::string parent = parent_of(remote_name);
    const std::string name =
        remote_name.substr(remote_name.rfind('/') == std::string::npos ? 0 : remote_name.rfind('/') + 1);
    const std::string boundary = "whmkit" + random_alphanumeric(24);
    HttpRequest req = request("POST", drive_api() + "/upload/drive/v3/files?uploadType=multipart&fields=id");
    req.headers.push_back("Content-Type: multipart/related; boundary=" + boundary);
    req.body = "--" + boundary + "\r\nContent-Type: application/json; charset=UTF-8\r\n\r\n" +
               nlohmann::json({{"name", name}, {"parents", {parent}}}).dump() + "\r\n--" + boundary +
               "\r\nContent-Type: application/octet-stream\r\n\r\n";
    req.upload = in.get();
    req.trailer = "\r\n--" + boundary + "--\r\n";
    const std::string what = who() + " failed to upload " + remote_name;
    auto answer = json_answer(http(req, what), what);
    return text_of(answer, "id");
  }

  void remove(const std::string& file_id, const std::string& name) const {
    const std::string what = who() + " failed to delete " + name;
    auto r = http(request("DELETE", drive_api() + "/drive/v3/files/" + uri_encode(file_id)), what);
    if (r.status >= 400) throw ApiError(what + ": " + http_error(r));
  }
};

}  // namespace

void check_google_client_id(const std::string& client_id) {
  if (client_id.empty()) throw missing_param("client_id");
  for (unsigned char c : client_id)
    if (!std::isalnum(c) && c != '-' && c != '_' && c != '.')
      throw invalid_param("client_id", "“" + client_id + "” is not a Google client ID.");
  if (client_id[0] == '.') throw invalid_param("client_id", "“" + client_id + "” is not a Google client ID.");
}

std::string google_credentials_rel(const std::string& client_id) {
  return std::string(kBackupsDir) + "/" + client_id + ".yml";
}

std::string stage_google_authorization(const StateRoot& root, Transaction& txn, const std::string& hostname,
                                       const std::string& client_id, const std::string& client_secret) {
  check_google_client_id(client_id);
  // Authorizations never completed are dropped once they are too old to be.
  for (const auto& name : root.list_dir(kBackupsDir)) {
    struct stat st {};
    const std::string rel = std::string(kBackupsDir) + "/" + name;
    if (starts_with(name, kPendingPrefix) && ::lstat(root.path(rel).c_str(), &st) == 0 &&
        st.st_mtime + kPendingLifetime < now())
      txn.remove(rel);
  }
  const std::string state = random_alphanumeric(64);
  const std::string local_uri = "https://" + hostname + ":2087/googledriveauth";
  const nlohmann::json params = {
      {"access_type", "offline"},
      {"client_id", client_id},
      {"client_secret", client_secret},
      {"custom_file", "/" + google_credentials_rel(client_id)},
      {"local_uri", local_uri},
      {"login_uri", env_or("WHMKIT_GOOGLE_AUTH_URI", "https://accounts.google.com/o/oauth2/auth")},
      {"scope", kScope},
      {"token_uri", env_or("WHMKIT_GOOGLE_TOKEN_URI", "https://accounts.google.com/o/oauth2/token")},
  };
  txn.write(std::string(kBackupsDir) + "/" + kPendingPrefix + state, syck_dump(params), 0600);
  return params["login_uri"].get<std::string>() + "?client_id=" + uri_encode(client_id) +
         "&response_type=code&redirect_uri=" + uri_encode(local_uri + "/callback") + "&scope=" + uri_encode(kScope) +
         "&access_type=offline&prompt=consent&state=" + state;
}

void complete_google_authorization(const StateRoot& root, const std::string& state, const std::string& code) {
  if (state.empty() || state.size() > 128 ||
      !std::all_of(state.begin(), state.end(), [](unsigned char c) { return std::isalnum(c) != 0; }))
    throw ApiError("Invalid state parameter");
  const std::string pending_rel = std::string(kBackupsDir) + "/" + kPendingPrefix + state;
  nlohmann::json params;
  {
    StateReader reader(root);
    Transaction view(root);
    auto text = view.read(pending_rel);
    if (!text) throw ApiError("File /" + pending_rel + " does not exist");
    params = yaml_to_json(*text);
  }
  const std::string client_id = params.is_object() ? text_of(params, "client_id") : "";
  check_google_client_id(client_id);
  HttpRequest req;
  req.method = "POST";
  req.url = text_of(params, "token_uri");
  req.headers = {"Content-Type: application/x-www-form-urlencoded"};
  req.body = form({{"code", code},
                   {"client_id", client_id},
                   {"client_secret", text_of(params, "client_secret")},
                   {"redirect_uri", text_of(params, "local_uri") + "/callback"},
                   {"grant_type", "authorization_code"}});
  const std::string what = "The token endpoint refused the authorization code";
  auto answer = json_answer(http(req, what), what);
  if (text_of(answer, "access_token").empty() || text_of(answer, "refresh_token").empty())
    throw ApiError(what + ": its answer has no access and refresh token.");
  const nlohmann::json creds = {
      {"access_token", text_of(answer, "access_token")},   {"client_id", client_id},
      {"client_secret", text_of(params, "client_secret")}, {"expires", now() + number_of(answer, "expires_in")},
      {"refresh_token", text_of(answer, "refresh_token")}, {"token_uri", text_of(params, "token_uri")}};
  StateWriter writer(root);
  write_credentials(writer.txn(), client_id, creds);
  writer.txn().remove(pending_rel);
  writer.commit();
}

void google_drive_upload(const StateRoot& root, const BackupDestination& d, const std::string& local_abs,
                         const std::string& remote_name) {
  Drive drive{d, access_token(root, d)};
  drive.upload(local_abs, remote_name);
}

void google_drive_validate(const StateRoot& root, const BackupDestination& d, const std::string& probe_abs,
                           const std::string& probe_name) {
  Drive drive{d, access_token(root, d)};
  const std::string id = drive.upload(probe_abs, probe_name);
  if (!id.empty()) drive.remove(id, probe_name);
}

}  // namespace whm
