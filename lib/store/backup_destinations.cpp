#include "backup_destinations.hpp"

#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <memory>

#include "account_store.hpp"
#include "curl_api.hpp"
#include "errors.hpp"
#include "google_drive.hpp"
#include "syck_yaml.hpp"
#include "sysusers.hpp"
#include "util.hpp"
#include "validate.hpp"

namespace whm {

namespace {

constexpr const char* kDir = "var/cpanel/backups";
constexpr const char* kSuffix = ".backup_destination";
const char* const kSecretFields[] = {"password", "passphrase"};

// Perl's uuencode alphabet: 0 is "`", 1..63 are " "+n.
char uu_char(unsigned v) { return v == 0 ? '`' : static_cast<char>(' ' + v); }
unsigned uu_value(char c) { return c == '`' ? 0 : static_cast<unsigned>(c - ' ') & 0x3f; }

std::string file_name_part(const std::string& name) {
  std::string out;
  for (unsigned char c : name) out += (std::isalnum(c) || c == '_') ? static_cast<char>(c) : '_';
  return out.substr(0, 24);
}

std::string destination_rel(const BackupDestination& d) {
  return std::string(kDir) + "/" + file_name_part(d.name()) + "_UID_" + d.id + kSuffix;
}

}  // namespace

bool BackupDestination::disabled() const {
  const auto& v = fields.contains("disabled") ? fields["disabled"] : nlohmann::json(0);
  return v == 1 || v == "1";
}

std::string obfuscate_secret(const std::string& clear) {
  std::string x;
  for (char c : clear) x += static_cast<char>(c ^ '+');
  std::string out;
  for (size_t start = 0; start < x.size(); start += 45) {
    std::string line = x.substr(start, 45);
    out += uu_char(static_cast<unsigned>(line.size()));
    for (size_t i = 0; i < line.size(); i += 3) {
      unsigned char b0 = line[i], b1 = i + 1 < line.size() ? line[i + 1] : 0,
                    b2 = i + 2 < line.size() ? line[i + 2] : 0;
      out += uu_char(b0 >> 2);
      out += uu_char(((b0 & 3) << 4) | (b1 >> 4));
      out += uu_char(((b1 & 15) << 2) | (b2 >> 6));
      out += uu_char(b2 & 63);
    }
  }
  return out;
}

std::string reveal_secret(const std::string& obfuscated) {
  std::string x;
  size_t i = 0;
  while (i < obfuscated.size()) {
    size_t n = uu_value(obfuscated[i++]);
    size_t groups = (n + 2) / 3;
    std::string line;
    for (size_t g = 0; g < groups && i + 4 <= obfuscated.size(); ++g, i += 4) {
      unsigned v0 = uu_value(obfuscated[i]), v1 = uu_value(obfuscated[i + 1]), v2 = uu_value(obfuscated[i + 2]),
               v3 = uu_value(obfuscated[i + 3]);
      line += static_cast<char>((v0 << 2) | (v1 >> 4));
      line += static_cast<char>(((v1 & 15) << 4) | (v2 >> 2));
      line += static_cast<char>(((v2 & 3) << 6) | v3);
    }
    x += line.substr(0, n);
  }
  for (auto& c : x) c = static_cast<char>(c ^ '+');
  return x;
}

bool destination_type_supported(const std::string& type) {
  for (const auto& t : supported_destination_types())
    if (t == type) return true;
  return false;
}

std::vector<std::string> supported_destination_types() {
  return {"Local", "FTP", "SFTP", "WebDAV", "Custom", "GoogleDrive"};
}

std::vector<std::string> required_destination_fields(const std::string& type) {
  if (type == "Local") return {"path"};
  if (type == "FTP" || type == "WebDAV") return {"host", "username", "password"};
  if (type == "SFTP") return {"host", "username"};
  if (type == "Custom") return {"script", "host"};
  if (type == "GoogleDrive") return {"client_id", "client_secret"};
  return {};
}

std::vector<BackupDestination> load_destinations(const StateRoot& root, const Transaction& txn) {
  std::vector<BackupDestination> out;
  for (const auto& name : root.list_dir(kDir)) {
    if (!ends_with(name, kSuffix)) continue;
    auto uid = name.rfind("_UID_");
    if (uid == std::string::npos) continue;
    auto text = txn.read(std::string(kDir) + "/" + name);
    if (!text) continue;
    BackupDestination d;
    d.id = name.substr(uid + 5, name.size() - uid - 5 - std::string(kSuffix).size());
    auto doc = yaml_to_json(*text);
    if (!doc.is_object()) continue;
    for (const char* secret : kSecretFields)
      if (doc.contains(secret) && doc[secret].is_string()) doc[secret] = reveal_secret(doc[secret].get<std::string>());
    d.fields = doc;
    out.push_back(d);
  }
  std::sort(out.begin(), out.end(), [](const BackupDestination& a, const BackupDestination& b) {
    return std::make_pair(a.name(), a.id) < std::make_pair(b.name(), b.id);
  });
  return out;
}

std::optional<BackupDestination> find_destination(const StateRoot& root, const Transaction& txn,
                                                  const std::string& id) {
  for (auto& d : load_destinations(root, txn))
    if (d.id == id) return d;
  return std::nullopt;
}

void stage_destination_removal(const StateRoot& root, Transaction& txn, const std::string& id) {
  for (const auto& name : root.list_dir(kDir))
    if (ends_with(name, "_UID_" + id + kSuffix)) txn.remove(std::string(kDir) + "/" + name);
}

void stage_destination(const StateRoot& root, Transaction& txn, const BackupDestination& d) {
  stage_destination_removal(root, txn, d.id);  // the name, and so the file name, may have changed
  nlohmann::json doc = d.fields;
  for (const char* secret : kSecretFields)
    if (doc.contains(secret) && doc[secret].is_string()) doc[secret] = obfuscate_secret(doc[secret].get<std::string>());
  txn.write(destination_rel(d), syck_dump(doc), 0600);
}

std::string new_destination_id() { return random_alphanumeric(24); }

void check_destination_file(const StateRoot& root, const std::string& param, const std::string& path) {
  if (auto why = plain_absolute_path_error(path)) throw invalid_param(param, *why);
  AccountStore accounts(root);
  Transaction view(root);
  SystemUsers sys;
  sys.load(view);
  for (const auto& user : accounts.usernames())
    if (auto pw = sys.user(user); pw && pw->home.size() > 1 && starts_with(path, pw->home + "/"))
      throw invalid_param(param, "“" + path + "” is inside the home directory of the account “" + user +
                                     "”, whose user could replace it.");
}

// ---- transports -------------------------------------------------------------

namespace {

// A field as text. A string is used byte for byte (a password may hold any
// bytes, and the file keeps them). Anything else (a number, or a list a hand
// edit put there) is its JSON text, with bytes that are not UTF-8 written as
// U+FFFD as in the output: the file is never changed by this, and the
// transport then refuses the value with its own message.
std::string field(const BackupDestination& d, const char* key, const std::string& fallback = "") {
  if (!d.fields.contains(key) || d.fields[key].is_null()) return fallback;
  const auto& v = d.fields[key];
  return v.is_string() ? v.get<std::string>() : v.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

long timeout_of(const BackupDestination& d) {
  auto t = parse_int(field(d, "timeout", "30"));
  return t && *t > 0 ? static_cast<long>(*t) : 30;
}

// The destination directory as a URL: ftp://host:port/path/ etc. FTP paths are
// relative to the login directory unless absolute; SFTP ones to the home (~).
std::string base_url(const BackupDestination& d) {
  const std::string type = d.type();
  std::string host = field(d, "host");
  std::string path = field(d, "path");
  while (!path.empty() && path.back() == '/') path.pop_back();
  std::string scheme, port;
  if (type == "FTP") {
    scheme = "ftp";
    port = field(d, "port", "21");
  } else if (type == "SFTP") {
    scheme = "sftp";
    port = field(d, "port", "22");
  } else {
    bool ssl = field(d, "ssl", "0") == "1";
    scheme = ssl ? "https" : "http";
    port = field(d, "port", ssl ? "443" : "80");
  }
  std::string url = scheme + "://" + host + ":" + port + "/";
  if (type == "FTP") {
    if (!path.empty() && path[0] == '/')
      url += "%2F" + path.substr(1);
    else
      url += path;
  } else if (type == "SFTP") {
    url += path.empty() ? "~" : (path[0] == '/' ? path.substr(1) : "~/" + path);
  } else {
    url += path[0] == '/' ? path.substr(1) : path;
  }
  if (url.back() != '/') url += "/";
  return url;
}

void setup(CurlHandle& c, const BackupDestination& d, const std::string& url) {
  if (!c.h) throw ApiError("libcurl could not start.");
  cu().curl_easy_setopt(c.h, CURLOPT_URL, url.c_str());
  cu().curl_easy_setopt(c.h, CURLOPT_ERRORBUFFER, c.error);
  cu().curl_easy_setopt(c.h, CURLOPT_NOSIGNAL, 1L);
  cu().curl_easy_setopt(c.h, CURLOPT_CONNECTTIMEOUT, timeout_of(d));
  cu().curl_easy_setopt(c.h, CURLOPT_LOW_SPEED_LIMIT, 1L);
  cu().curl_easy_setopt(c.h, CURLOPT_LOW_SPEED_TIME, timeout_of(d));
  std::string user = field(d, "username"), pass = field(d, "password");
  cu().curl_easy_setopt(c.h, CURLOPT_USERNAME, user.c_str());
  if (d.type() == "SFTP" && field(d, "authtype", "password") == "key") {
    std::string key = field(d, "privatekey"), passphrase = field(d, "passphrase");
    cu().curl_easy_setopt(c.h, CURLOPT_SSH_AUTH_TYPES, static_cast<long>(CURLSSH_AUTH_PUBLICKEY));
    cu().curl_easy_setopt(c.h, CURLOPT_SSH_PRIVATE_KEYFILE, key.c_str());
    // No public key file: libssh2 derives it from the private key. Left unset,
    // libcurl would offer $HOME/.ssh/id_dsa.pub, which is not this key's.
    cu().curl_easy_setopt(c.h, CURLOPT_SSH_PUBLIC_KEYFILE, "");
    if (!passphrase.empty()) cu().curl_easy_setopt(c.h, CURLOPT_KEYPASSWD, passphrase.c_str());
  } else {
    cu().curl_easy_setopt(c.h, CURLOPT_PASSWORD, pass.c_str());
    if (d.type() == "SFTP")
      cu().curl_easy_setopt(c.h, CURLOPT_SSH_AUTH_TYPES,
                            static_cast<long>(CURLSSH_AUTH_PASSWORD | CURLSSH_AUTH_KEYBOARD));
  }
  if (d.type() == "FTP") {
    cu().curl_easy_setopt(c.h, CURLOPT_FTP_CREATE_MISSING_DIRS, static_cast<long>(CURLFTP_CREATE_DIR_RETRY));
    if (field(d, "passive", "1") == "0") cu().curl_easy_setopt(c.h, CURLOPT_FTPPORT, "-");
  }
  if (d.type() == "SFTP")
    cu().curl_easy_setopt(c.h, CURLOPT_FTP_CREATE_MISSING_DIRS, static_cast<long>(CURLFTP_CREATE_DIR));
  if (d.type() == "WebDAV")
    cu().curl_easy_setopt(c.h, CURLOPT_HTTPAUTH, static_cast<long>(CURLAUTH_BASIC | CURLAUTH_DIGEST));
}

void perform(CurlHandle& c, const BackupDestination& d, const std::string& what) {
  CURLcode rc = perform_transfer(c.h, d.type() + " destination: " + what);
  long http = 0;
  if (d.type() == "WebDAV") cu().curl_easy_getinfo(c.h, CURLINFO_RESPONSE_CODE, &http);
  if (rc != CURLE_OK || http >= 400) {
    std::string detail = c.error[0] ? c.error : cu().curl_easy_strerror(rc);
    if (rc == CURLE_OK) detail = "the server answered HTTP " + std::to_string(http);
    throw ApiError("The " + d.type() + " destination “" + d.name() + "” failed to " + what + ": " + detail);
  }
}

void remote_upload(const BackupDestination& d, const std::string& local_abs, const std::string& remote_name) {
  std::unique_ptr<FILE, int (*)(FILE*)> in(std::fopen(local_abs.c_str(), "rb"), &std::fclose);
  if (!in) throw ApiError("Cannot read “" + local_abs + "”.");
  struct stat st {};
  ::fstat(::fileno(in.get()), &st);
  CurlHandle c;
  setup(c, d, base_url(d) + remote_name);
  cu().curl_easy_setopt(c.h, CURLOPT_UPLOAD, 1L);
  cu().curl_easy_setopt(c.h, CURLOPT_READDATA, in.get());
  cu().curl_easy_setopt(c.h, CURLOPT_INFILESIZE_LARGE, static_cast<curl_off_t>(st.st_size));
  perform(c, d, "upload " + remote_name);
}

void remote_delete(const BackupDestination& d, const std::string& remote_name) {
  CurlHandle c;
  if (d.type() == "WebDAV") {
    setup(c, d, base_url(d) + remote_name);
    cu().curl_easy_setopt(c.h, CURLOPT_CUSTOMREQUEST, "DELETE");
    cu().curl_easy_setopt(c.h, CURLOPT_NOBODY, 1L);
  } else {
    setup(c, d, base_url(d));
    std::string cmd;
    if (d.type() == "FTP") {
      cmd = "DELE " + remote_name;
    } else {
      // SFTP quote commands take a path; "~" is not expanded there, so use the URL's path.
      std::string url = base_url(d);
      std::string path = url.substr(url.find('/', url.find("//") + 2));
      if (starts_with(path, "/~/"))
        path = path.substr(3);
      else if (path == "/~")
        path = "";
      cmd = "rm \"" + path + remote_name + "\"";
    }
    c.quote = cu().curl_slist_append(nullptr, cmd.c_str());
    cu().curl_easy_setopt(c.h, CURLOPT_POSTQUOTE, c.quote);
    cu().curl_easy_setopt(c.h, CURLOPT_NOBODY, 1L);
    if (d.type() == "FTP") cu().curl_easy_setopt(c.h, CURLOPT_DIRLISTONLY, 1L);
  }
  perform(c, d, "delete " + remote_name);
}

// A Local destination's directory is a path on this server, so under the state root.
std::string local_dir(const StateRoot& root, const BackupDestination& d) {
  std::string path = field(d, "path");
  if (path.empty() || path[0] != '/')
    throw ApiError("The Local destination “" + d.name() + "” needs an absolute path.");
  return root.path(paths::rel_from_abs(path));
}

}  // namespace

void upload_to_destination(const StateRoot& root, const BackupDestination& d, const std::string& local_abs,
                           const std::string& remote_name) {
  for (const auto& part : split(remote_name, '/')) check_path_component(part, "file name");
  if (d.type() == "Local") {
    std::string target = local_dir(root, d) + "/" + remote_name;
    mkdirs(target.substr(0, target.rfind('/')), 0700);
    auto content = read_file(local_abs);
    if (!content) throw ApiError("Cannot read “" + local_abs + "”.");
    atomic_write_file(target, *content, 0600);
    return;
  }
  if (d.type() == "Custom") throw NotAvailableError("Custom transport scripts are not run by whmkit.");
  if (d.type() == "GoogleDrive") return google_drive_upload(root, d, local_abs, remote_name);
  remote_upload(d, local_abs, remote_name);
}

void validate_destination(const StateRoot& root, const BackupDestination& d) {
  if (!destination_type_supported(d.type()))
    throw NotAvailableError("Destinations of type “" + d.type() + "” are not implemented by whmkit.");
  if (d.type() == "Custom") {
    std::string script = field(d, "script");
    if (script.empty() || script[0] != '/' || ::access(script.c_str(), X_OK) != 0)
      throw ApiError("The Custom destination “" + d.name() + "”: the script “" + script +
                     "” is not an executable file.");
    return;
  }
  const std::string probe = "whmkit-validate-" + new_destination_id().substr(0, 8) + ".txt";
  char tmpl[] = "/tmp/whmkit-probe-XXXXXX";
  int fd = ::mkstemp(tmpl);
  if (fd < 0) throw ApiError("Cannot create a temporary file.");
  const std::string text = "whmkit backup destination check\n";
  (void)!::write(fd, text.data(), text.size());
  ::close(fd);
  struct Unlink {
    std::string p;
    ~Unlink() { ::unlink(p.c_str()); }
  } cleanup{tmpl};
  if (d.type() == "Local") {
    std::string dir = local_dir(root, d);
    struct stat st {};
    if (::stat(dir.c_str(), &st) != 0 || !S_ISDIR(st.st_mode))
      throw ApiError("The Local destination “" + d.name() + "”: “" + dir + "” is not a directory.");
    upload_to_destination(root, d, tmpl, probe);
    ::unlink((dir + "/" + probe).c_str());
    return;
  }
  if (d.type() == "GoogleDrive") return google_drive_validate(root, d, tmpl, probe);
  remote_upload(d, tmpl, probe);
  remote_delete(d, probe);
}

}  // namespace whm
