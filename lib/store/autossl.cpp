#include "autossl.hpp"

#include <arpa/nameser.h>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <ctime>
#include <fstream>
#include <regex>
#include <set>
#include <sstream>

#include "account_parts.hpp"
#include "account_store.hpp"
#include "acme_client.hpp"
#include "apache_tls.hpp"
#include "curl_api.hpp"
#include "damage.hpp"
#include "errors.hpp"
#include "output.hpp"
#include "resolver.hpp"
#include "sqlite_image.hpp"
#include "sysusers.hpp"
#include "user_dir.hpp"
#include "util.hpp"
#include "validate.hpp"
#include "vhosts.hpp"
#include "x509.hpp"

namespace whm {
namespace autossl {
namespace {

// The service subdomains cPanel creates for each domain (Cpanel::WebVhosts::AutoDomains).
const char* const kAutoPrefixes[] = {"www",         "mail",       "cpanel",       "webmail",    "webdisk",
                                     "cpcalendars", "cpcontacts", "autodiscover", "autoconfig", "whm"};

std::string now_sql_time() {
  std::time_t t = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S", &tm);
  return buf;
}

nlohmann::json read_json_file(const Transaction& view, const std::string& rel, bool for_change) {
  auto text = view.read(rel);
  if (!text || trim(*text).empty()) return nlohmann::json::object();
  FileProblems problems;
  nlohmann::json j = parse_json_object(*text, problems);
  if (for_change) refuse_if_damaged(rel, problems);
  return j;
}

}  // namespace

std::string excludes_rel(const std::string& user) {
  check_path_component(user, "user");
  return "var/cpanel/ssl/autossl/excludes/" + user + ".json";
}

// ------------------------------------------------------------------ providers

const std::vector<ProviderInfo>& providers() {
  static const std::vector<ProviderInfo> list = {
      {"LetsEncrypt", "Let’s Encrypt™",
       nlohmann::json{{"AVERAGE_DELIVERY_TIME", 5},
                      {"DCV_METHODS", {"http"}},
                      {"DELIVERY_METHOD", "synchronous"},
                      {"HTTP_DCV_MAX_REDIRECTS", "unlimited"},
                      {"MAX_DOMAINS_PER_CERTIFICATE", 100},
                      {"RATE_LIMIT_CERTIFICATES_PER_REGISTERED_DOMAIN_PER_WEEK", 50},
                      {"SUPPORTS_ANCESTOR_DCV", 0},
                      {"SUPPORTS_WILDCARD", 0},
                      {"VALIDITY_PERIOD", 7776000}},
       29},
  };
  return list;
}

const ProviderInfo* find_provider(const std::string& name) {
  for (const auto& p : providers())
    if (p.module_name == name) return &p;
  return nullptr;
}

const ProviderInfo& provider_or_die(const std::string& name) {
  if (const auto* p = find_provider(name)) return *p;
  throw ApiError("“" + name + "” is not a valid AutoSSL provider.");  // UNCONFIRMED wording
}

const std::map<std::string, int>& metadata_defaults() {
  static const std::map<std::string, int> d = {
      {"clobber_externally_signed", 0},
      {"notify_autossl_expiry", 1},
      {"notify_autossl_expiry_coverage", 1},
      {"notify_autossl_expiry_coverage_user", 1},
      {"notify_autossl_expiry_user", 1},
      {"notify_autossl_renewal", 0},
      {"notify_autossl_renewal_coverage", 1},
      {"notify_autossl_renewal_coverage_reduced", 1},
      {"notify_autossl_renewal_coverage_reduced_user", 1},
      {"notify_autossl_renewal_coverage_user", 1},
      {"notify_autossl_renewal_uncovered_domains", 1},
      {"notify_autossl_renewal_uncovered_domains_user", 1},
      {"notify_autossl_renewal_user", 0},
  };
  return d;
}

// ------------------------------------------------------------------ configuration

Config Config::load(const Transaction& view) {
  Config c;
  c.data_ = read_json_file(view, kConfigRel, false);
  if (!c.data_.contains("_schema_version")) c.data_["_schema_version"] = 1;
  if (!c.data_.contains("provider")) c.data_["provider"] = nullptr;
  return c;
}

std::optional<std::string> Config::provider() const {
  auto it = data_.find("provider");
  if (it == data_.end() || !it->is_string() || it->get<std::string>().empty()) return std::nullopt;
  return it->get<std::string>();
}

nlohmann::json Config::metadata() const {
  nlohmann::json m =
      data_.contains("metadata") && data_["metadata"].is_object() ? data_["metadata"] : nlohmann::json::object();
  for (const auto& [k, v] : metadata_defaults())
    if (!m.contains(k)) m[k] = v;
  return m;
}

nlohmann::json Config::properties(const std::string& provider) const {
  auto it = data_.find("provider_properties");
  if (it == data_.end() || !it->is_object()) return nlohmann::json::object();
  auto p = it->find(provider);
  return p != it->end() && p->is_object() ? *p : nlohmann::json::object();
}

void Config::set_provider(const std::optional<std::string>& provider) {
  data_["provider"] = provider ? nlohmann::json(*provider) : nlohmann::json(nullptr);
}

void Config::set_properties(const std::string& provider, const nlohmann::json& props) {
  if (!data_.contains("provider_properties") || !data_["provider_properties"].is_object())
    data_["provider_properties"] = nlohmann::json::object();
  data_["provider_properties"][provider] = props;
}

void Config::set_metadata(const nlohmann::json& metadata) { data_["metadata"] = metadata; }

void Config::stage(Transaction& txn) const {
  read_json_file(txn, kConfigRel, true);  // never rewrite a file that did not parse
  txn.write(kConfigRel, data_.dump() + "\n", 0644);
}

// ------------------------------------------------------------------ excluded domains

std::vector<std::string> excluded_domains(const Transaction& view, const std::string& user) {
  nlohmann::json j = read_json_file(view, excludes_rel(user), false);
  std::vector<std::string> out;
  if (auto it = j.find("excluded_domains"); it != j.end() && it->is_array())
    for (const auto& d : *it)
      if (d.is_string()) out.push_back(d.get<std::string>());
  return out;
}

void stage_excluded_domains(Transaction& txn, const std::string& user, const std::vector<std::string>& domains) {
  const std::string rel = excludes_rel(user);
  read_json_file(txn, rel, true);
  std::vector<std::string> unique;
  for (const auto& d : domains)
    if (std::find(unique.begin(), unique.end(), d) == unique.end()) unique.push_back(d);
  FileOwner owner;
  owner.uid = 0;
  try {
    CpanelAccount a = load_cpanel_account(txn.root(), user);
    owner.gid = a.owner.gid;
  } catch (const ApiError&) {
  }
  txn.write(rel, nlohmann::json{{"excluded_domains", unique}}.dump() + "\n", 0640, owner);
}

std::vector<std::string> excludable_domains(const StateRoot& root, const std::string& user) {
  CpanelAccount a = load_cpanel_account(root, user);
  std::set<std::string> own(a.domains.begin(), a.domains.end());
  try {
    AccountVhosts v = AccountVhosts::load(root, user);
    own.insert(v.main_domain);
    own.insert(v.sub_domains.begin(), v.sub_domains.end());
    own.insert(v.parked_domains.begin(), v.parked_domains.end());
    for (const auto& [addon, sub] : v.addons) own.insert(addon);
  } catch (const ApiError&) {
  }
  std::vector<std::string> out(own.begin(), own.end());
  for (const auto& d : std::vector<std::string>(own.begin(), own.end()))
    for (const char* p : kAutoPrefixes) out.push_back(std::string(p) + "." + d);
  return out;
}

void check_domains_controlled(const StateRoot& root, const std::string& user, const std::vector<std::string>& domains) {
  auto allowed = excludable_domains(root, user);
  std::set<std::string> set(allowed.begin(), allowed.end());
  for (const auto& d : domains)
    if (!set.count(to_lower(d)))
      throw ApiError("“" + user + "” does not control the domain “" + d + "”.");  // UNCONFIRMED wording
}

// ------------------------------------------------------------------ problems

namespace {

const char* const kProblemsSchema =
    "CREATE TABLE IF NOT EXISTS problems (username TEXT NOT NULL, log TEXT NOT NULL, domain TEXT NOT NULL "
    "PRIMARY KEY, problem TEXT NOT NULL, time TEXT NOT NULL DEFAULT CURRENT_TIMESTAMP);"
    "CREATE INDEX IF NOT EXISTS problems_username ON problems (username);";

}  // namespace

std::vector<Problem> problems(const Transaction& view, const std::string& user, const std::string& domain) {
  std::vector<Problem> out;
  if (!view.exists(kProblemsRel)) return out;
  SqliteImage db(view.read(kProblemsRel), "The AutoSSL problems database “/" + std::string(kProblemsRel) + "”");
  db.exec(kProblemsSchema);
  std::string sql = "SELECT username, log, domain, problem, time FROM problems WHERE 1";
  std::vector<SqlValue> params;
  if (!user.empty()) sql += " AND username = ?", params.emplace_back(user);
  if (!domain.empty()) sql += " AND domain = ?", params.emplace_back(domain);
  sql += " ORDER BY domain";
  db.run(sql, params, [&](sqlite3_stmt* st) {
    out.push_back({SqliteImage::text(st, 0), SqliteImage::text(st, 1), SqliteImage::text(st, 2),
                   SqliteImage::text(st, 3), SqliteImage::text(st, 4)});
  });
  return out;
}

void stage_problems(Transaction& txn, const std::string& user, const std::string& log,
                    const std::vector<std::string>& checked, const std::map<std::string, std::string>& found) {
  SqliteImage db(txn.read(kProblemsRel), "The AutoSSL problems database “/" + std::string(kProblemsRel) + "”");
  db.exec(kProblemsSchema);
  for (const auto& d : checked) db.run("DELETE FROM problems WHERE username = ? AND domain = ?", {user, d});
  const std::string now = now_sql_time();
  for (const auto& [d, why] : found)
    db.run("REPLACE INTO problems (username, log, domain, problem, time) VALUES (?, ?, ?, ?, ?)",
           {user, log, d, why, now});
  if (db.total_changes() == 0 && txn.exists(kProblemsRel)) return;
  txn.write(kProblemsRel, db.bytes(), 0600);
}

void stage_purge_user_problems(Transaction& txn, const std::string& user) {
  if (!txn.exists(kProblemsRel)) return;
  SqliteImage db(txn.read(kProblemsRel), "The AutoSSL problems database “/" + std::string(kProblemsRel) + "”");
  db.exec(kProblemsSchema);
  db.run("DELETE FROM problems WHERE username = ?", {user});
  if (db.changes() > 0) txn.write(kProblemsRel, db.bytes(), 0600);
}

// ------------------------------------------------------------------ logs

bool is_iso_z_time(const std::string& s) {
  static const std::regex re(R"(^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$)");
  return std::regex_match(s, re);
}

std::string iso_z(long long epoch) {
  std::time_t t = static_cast<std::time_t>(epoch);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

std::string with_millis(const std::string& iso) {
  if (iso.size() == 20 && iso.back() == 'Z') return iso.substr(0, 19) + ".000Z";
  if (iso.size() == 19 && iso[10] == ' ') return iso.substr(0, 10) + "T" + iso.substr(11) + ".000Z";
  return iso;
}

namespace {

std::optional<std::string> read_link(const std::string& path) {
  char buf[4096];
  ssize_t n = ::readlink(path.c_str(), buf, sizeof buf - 1);
  if (n < 0) return std::nullopt;
  return std::string(buf, static_cast<size_t>(n));
}

// "<pid>.<start time in clock ticks>": a process id that a later process cannot reuse unnoticed.
std::string upid_of(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/stat");
  std::string stat((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  auto close = stat.rfind(')');
  if (close == std::string::npos) return "";
  std::istringstream fields(stat.substr(close + 2));
  std::string f;
  for (int i = 3; i <= 22 && fields >> f; ++i)
    if (i == 22) return std::to_string(pid) + "." + f;
  return "";
}

bool upid_alive(const std::string& upid) {
  auto dot = upid.find('.');
  if (dot == std::string::npos) return false;
  pid_t pid = static_cast<pid_t>(std::atol(upid.substr(0, dot).c_str()));
  return pid > 0 && upid_of(pid) == upid;
}

}  // namespace

std::vector<LogEntry> log_catalog(const StateRoot& root) {
  std::vector<LogEntry> out;
  for (const auto& name : root.list_dir(kLogsRel)) {
    if (!is_iso_z_time(name)) continue;
    const std::string dir = root.path(std::string(kLogsRel) + "/" + name);
    auto provider = read_link(dir + "/provider");
    auto username = read_link(dir + "/username");
    if (!provider || !username) continue;
    LogEntry e{name, *provider, *username, false};
    auto upid = read_link(dir + "/upid");
    struct stat st {};
    e.in_progress = ::lstat((dir + "/in_progress").c_str(), &st) == 0 && upid && upid_alive(*upid);
    out.push_back(std::move(e));
  }
  std::sort(out.begin(), out.end(), [](const LogEntry& a, const LogEntry& b) { return a.start_time < b.start_time; });
  return out;
}

std::optional<nlohmann::json> read_log(const StateRoot& root, const std::string& start_time) {
  if (!is_iso_z_time(start_time)) return std::nullopt;
  const std::string path = root.path(std::string(kLogsRel) + "/" + start_time + "/json");
  int fd = ::open(path.c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  Fd closer(fd);
  std::string data;
  char buf[65536];
  ssize_t n;
  while ((n = ::read(fd, buf, sizeof buf)) > 0) data.append(buf, static_cast<size_t>(n));
  nlohmann::json entries = nlohmann::json::array();
  std::istringstream lines(data);
  std::string line;
  while (std::getline(lines, line)) {
    if (line.empty()) continue;
    auto j = nlohmann::json::parse(line, nullptr, false);
    if (j.is_discarded() || !j.is_object())
      entries.push_back({{"raw", line}, {"parse_error", "The line is not a JSON object."}});
    else
      entries.push_back(std::move(j));
  }
  return entries;
}

bool check_in_progress(const StateRoot& root, const std::string& user) {
  for (const auto& e : log_catalog(root))
    if (e.in_progress && (e.username == user || e.username == "*")) return true;
  return false;
}

namespace {

// One check's log: var/cpanel/logs/autossl/<start time>/ with "json" (one
// object per line, Cpanel::Output::TimeStamp's keys) and "txt", symlinks
// naming the provider, user and process, and "in_progress" while it runs.
// A log is written as it goes, outside the state lock (it is not state).
class CheckLog {
 public:
  CheckLog(const StateRoot& root, const std::string& provider, const std::string& username) : root_(root) {
    const std::string base = root.path(kLogsRel);
    mkdirs(base, 0700);
    long long epoch = std::time(nullptr);
    const std::string tmp = base + "/.new." + random_alphanumeric(12);
    if (::mkdir(tmp.c_str(), 0700) != 0)
      throw ApiError("The AutoSSL log directory could not be created: " + std::string(std::strerror(errno)));
    ::symlink(upid_of(::getpid()).c_str(), (tmp + "/upid").c_str());
    ::symlink(username.c_str(), (tmp + "/username").c_str());
    ::symlink(provider.c_str(), (tmp + "/provider").c_str());
    ::symlink("1", (tmp + "/in_progress").c_str());
    for (int i = 0;; ++i) {
      start_ = iso_z(epoch + i);
      if (::rename(tmp.c_str(), (base + "/" + start_).c_str()) == 0) break;
      if ((errno != EEXIST && errno != ENOTEMPTY) || i > 500) {
        throw ApiError("The AutoSSL log “" + start_ + "” could not be created: " + std::strerror(errno));
      }
    }
    dir_ = base + "/" + start_;
    json_ = ::open((dir_ + "/json").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
    txt_ = ::open((dir_ + "/txt").c_str(), O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0600);
  }
  ~CheckLog() {
    if (json_ >= 0) ::close(json_);
    if (txt_ >= 0) ::close(txt_);
  }
  const std::string& start_time() const { return start_; }
  void out(const std::string& m) { write("out", m); }
  void warn(const std::string& m) { write("warn", m); }
  void error(const std::string& m) { write("error", m); }
  void success(const std::string& m) { write("success", m); }
  void indent() { ++indent_; }
  void dedent() { indent_ = std::max(0, indent_ - 1); }
  void completed() { ::unlink((dir_ + "/in_progress").c_str()); }

 private:
  void write(const char* type, const std::string& contents) {
    const std::string ts = iso_z(std::time(nullptr));
    nlohmann::json j = {{"contents", contents}, {"indent", indent_},
                        {"partial", 0},         {"pid", static_cast<long long>(::getpid())},
                        {"timestamp", ts},      {"type", type}};
    std::string line = j.dump() + "\n";
    if (json_ >= 0 && ::write(json_, line.data(), line.size()) < 0) {
    }
    std::string prefix = std::string(type) == "out" ? "" : to_upper(type) + " ";
    std::string text = "[" + ts + "] " + std::string(static_cast<size_t>(indent_) * 2, ' ') + prefix + contents + "\n";
    if (txt_ >= 0 && ::write(txt_, text.data(), text.size()) < 0) {
    }
  }
  static std::string to_upper(std::string s) {
    for (auto& c : s) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    return s;
  }
  const StateRoot& root_;
  std::string start_, dir_;
  int json_ = -1, txt_ = -1, indent_ = 0;
};

// ------------------------------------------------------------------ the check's pieces

// A vhost and what the check decided about it.
struct VhostPlan {
  std::string vhost, docroot;        // docroot as on the server ("/home/bob/public_html")
  std::vector<std::string> domains;  // servername and aliases, excluded ones left out
  std::vector<std::string> excluded;
  std::string reason;  // why it needs a certificate ("" = it does not)
  // The certificate is good but misses these domains: order only if one of them now passes DCV.
  std::vector<std::string> uncovered;
};

struct UserPlan {
  std::string user, home;
  FileOwner owner;
  std::vector<VhostPlan> vhosts;
};

std::vector<std::string> words(const std::string& s) {
  std::vector<std::string> out;
  std::istringstream in(s);
  std::string w;
  while (in >> w) out.push_back(to_lower(w));
  return out;
}

UserPlan plan_for(const StateRoot& root, const Transaction& view, const std::string& user, long long days_to_renew,
                  CheckLog& log) {
  UserPlan plan;
  CpanelAccount account = load_cpanel_account(root, user);
  plan.user = user;
  plan.home = account.home;
  plan.owner = account.owner;
  auto excluded = excluded_domains(view, user);
  std::set<std::string> excl(excluded.begin(), excluded.end());
  AccountVhosts vh = AccountVhosts::load(root, user);
  std::vector<std::string> names = {vh.main_domain};
  for (const auto& s : vh.plain_sub_domains()) names.push_back(s);
  for (const auto& s : vh.addons) names.push_back(s.second);
  std::set<std::string> seen;
  for (const auto& vhost : names) {
    if (!seen.insert(vhost).second) continue;
    auto ud = vhost_userdata(root, user, vhost);
    if (!ud) continue;
    VhostPlan p;
    p.vhost = vhost;
    p.docroot = ud->value("documentroot", "");
    std::vector<std::string> domains = {to_lower(ud->value("servername", vhost))};
    for (const auto& a : words(ud->value("serveralias", "")))
      if (a.find('*') == std::string::npos) domains.push_back(a);
    for (const auto& d : domains) {
      if (std::find(p.domains.begin(), p.domains.end(), d) != p.domains.end()) continue;
      (excl.count(d) ? p.excluded : p.domains).push_back(d);
    }
    if (p.domains.empty()) {
      p.reason = "";
    } else if (auto installed = installed_certificate(view, vhost)) {
      x509::CertInfo cert = x509::parse_certificate(installed->certificate_pem);
      long long left = cert.not_after - static_cast<long long>(std::time(nullptr));
      std::vector<std::string> uncovered;
      for (const auto& d : p.domains)
        if (!x509::covers(cert, d)) uncovered.push_back(d);
      if (cert.is_self_signed)
        p.reason = "The installed certificate is self-signed.";
      else if (left < days_to_renew * 86400)
        p.reason = "The installed certificate expires in " + std::to_string(std::max(0LL, left / 86400)) +
                   " day(s), within the renewal window of " + std::to_string(days_to_renew) + " days.";
      else if (!uncovered.empty()) {
        p.reason = "The installed certificate does not cover " + join(uncovered, ", ") + ".";
        p.uncovered = uncovered;
      }
    } else {
      p.reason = "The website has no certificate.";
    }
    plan.vhosts.push_back(std::move(p));
  }
  (void)log;
  return plan;
}

// The docroot relative to the home ("public_html"), or nullopt when it is not inside it.
std::optional<std::string> docroot_rel(const UserPlan& u, const std::string& docroot) {
  if (docroot == u.home) return std::string();
  if (!starts_with(docroot, u.home + "/")) return std::nullopt;
  return docroot.substr(u.home.size() + 1);
}

bool is_token(const std::string& t) {
  if (t.empty() || t.size() > 128) return false;
  for (char c : t)
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') return false;
  return true;
}

std::optional<UserDir> open_home(const StateRoot& root, const UserPlan& u) {
  return UserDir::open(root.path(u.home.substr(1)), u.home);
}

// Writes <docroot>/.well-known/acme-challenge/<token>, owned by the account,
// every component opened without following a symlink.
void place_challenge_file(const StateRoot& root, const UserPlan& u, const std::string& docroot,
                          const std::string& token, const std::string& contents) {
  if (!is_token(token)) throw ApiError("The challenge token “" + token + "” is not a safe file name.");
  auto rel = docroot_rel(u, docroot);
  if (!rel) throw ApiError("The document root “" + docroot + "” is not inside the home directory.");
  auto home = open_home(root, u);
  if (!home) throw ApiError("The home directory “" + u.home + "” does not exist.");
  const std::string dir_rel = (rel->empty() ? "" : *rel + "/") + ".well-known/acme-challenge";
  UserDir dir = home->make_dirs(dir_rel, 0755, u.owner);
  dir.remove(token);
  int fd = ::openat(dir.fd(), token.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0644);
  if (fd < 0) throw ApiError("“" + dir.shown(token) + "” could not be created: " + std::strerror(errno));
  Fd closer(fd);
  if (::fchown(fd, u.owner.uid, u.owner.gid) != 0 && ::geteuid() == 0)
    throw ApiError("“" + dir.shown(token) + "” could not be given to the account: " + std::strerror(errno));
  ::fchmod(fd, 0644);
  if (::write(fd, contents.data(), contents.size()) != static_cast<ssize_t>(contents.size()))
    throw ApiError("“" + dir.shown(token) + "” could not be written: " + std::strerror(errno));
}

void remove_challenge_file(const StateRoot& root, const UserPlan& u, const std::string& docroot,
                           const std::string& token) {
  if (!is_token(token)) return;
  auto rel = docroot_rel(u, docroot);
  auto home = open_home(root, u);
  if (!rel || !home) return;
  if (auto dir = home->dir((rel->empty() ? "" : *rel + "/") + ".well-known/acme-challenge")) dir->remove(token);
}

size_t collect(char* data, size_t size, size_t n, void* out) {
  auto* s = static_cast<std::string*>(out);
  if (s->size() < 65536) s->append(data, std::min(size * n, 65536 - s->size()));
  return size * n;
}

// cPanel's local DCV: the domain must resolve, and a file placed in the
// docroot must come back over HTTP from the address it resolves to.
std::optional<std::string> local_dcv_problem(const StateRoot& root, const UserPlan& u, const VhostPlan& v,
                                             const std::string& domain, long port) {
  Resolver resolver(root);
  DnsAnswer a = resolver.query(domain, ns_t_a);
  if (a.status != DnsAnswer::Ok || a.records.empty())
    return domain + " does not resolve to any IPv4 addresses on the internet.";
  const std::string token = random_alphanumeric(32);
  const std::string contents = random_alphanumeric(48);
  try {
    place_challenge_file(root, u, v.docroot, token, contents);
  } catch (const ApiError& e) {
    return std::string("The system failed to place the DCV file: ") + e.what();
  }
  std::string body;
  long status = 0;
  std::string error;
  {
    CurlHandle c;
    const std::string host = domain + (port == 80 ? "" : ":" + std::to_string(port));
    const std::string url = "http://" + host + "/.well-known/acme-challenge/" + token;
    const std::string resolve = domain + ":" + std::to_string(port) + ":" + a.records.front();
    curl_slist* resolves = cu().curl_slist_append(nullptr, resolve.c_str());
    cu().curl_easy_setopt(c.h, CURLOPT_URL, url.c_str());
    cu().curl_easy_setopt(c.h, CURLOPT_RESOLVE, resolves);
    cu().curl_easy_setopt(c.h, CURLOPT_ERRORBUFFER, c.error);
    cu().curl_easy_setopt(c.h, CURLOPT_NOSIGNAL, 1L);
    cu().curl_easy_setopt(c.h, CURLOPT_TIMEOUT, 10L);
    cu().curl_easy_setopt(c.h, CURLOPT_PROTOCOLS_STR, "http");
    cu().curl_easy_setopt(c.h, CURLOPT_WRITEFUNCTION, &collect);
    cu().curl_easy_setopt(c.h, CURLOPT_WRITEDATA, &body);
    CURLcode rc = perform_transfer(c.h, url);
    if (rc != CURLE_OK)
      error = c.error[0] ? c.error : cu().curl_easy_strerror(rc);
    else
      cu().curl_easy_getinfo(c.h, CURLINFO_RESPONSE_CODE, &status);
    cu().curl_slist_free_all(resolves);
  }
  try {
    remove_challenge_file(root, u, v.docroot, token);
  } catch (const ApiError&) {
  }
  const std::string where = "“http://" + domain + "/.well-known/acme-challenge/" + token + "”";
  if (!error.empty())
    return "Local HTTP DCV error (" + domain + "): The system queried for a temporary file at " + where +
           ", but the request failed: " + error + ".";
  if (status != 200)
    return "Local HTTP DCV error (" + domain + "): The system queried for a temporary file at " + where +
           ", but the web server responded with the following error: " + std::to_string(status) + ".";
  if (trim(body) != contents)
    return "Local HTTP DCV error (" + domain + "): The system queried for a temporary file at " + where +
           ", but the response did not match the file's contents.";
  return std::nullopt;
}

// The ACME account for `directory`: loaded, or created and saved.
acme::Client acme_client(const StateRoot& root, const nlohmann::json& props, CheckLog& log) {
  acme::ClientOptions opts;
  opts.directory_url = props.value("directory_url", "https://acme-v02.api.letsencrypt.org/directory");
  opts.ca_file = props.value("ca_file", "");
  nlohmann::json saved;
  {
    StateReader reader(root);
    Transaction view(root);
    saved = read_json_file(view, kAcmeAccountRel, false);
  }
  if (saved.value("directory_url", "") == opts.directory_url && saved.contains("key_pem") && saved.contains("kid")) {
    return acme::Client(opts, acme::AccountKey::from_pem(saved.value("key_pem", "")), saved.value("kid", ""));
  }
  acme::Client client(opts, acme::AccountKey::generate());
  std::vector<std::string> contacts;
  if (props.contains("contact_email") && props["contact_email"].is_string())
    contacts.push_back(props["contact_email"].get<std::string>());
  client.register_account(contacts);
  log.out("Registered a new ACME account: " + client.kid());
  StateWriter writer(root);
  writer.txn().write(
      kAcmeAccountRel,
      nlohmann::json{{"directory_url", opts.directory_url}, {"kid", client.kid()}, {"key_pem", client.key().pem()}}
              .dump() +
          "\n",
      0600);
  writer.commit();
  return client;
}

// Splits a chain (leaf first) into the leaf and the CA bundle.
std::pair<std::string, std::string> split_chain(const std::string& chain) {
  auto certs = x509::parse_certificates(chain);
  if (certs.empty()) throw ApiError("The certificate chain holds no certificate.");
  std::string bundle;
  for (size_t i = 1; i < certs.size(); ++i) bundle += certs[i].pem;
  return {certs[0].pem, bundle};
}

}  // namespace

CheckResult run_check(const StateRoot& root, const std::vector<std::string>& users, bool all_users) {
  std::optional<std::string> provider;
  nlohmann::json props;
  {
    StateReader reader(root);
    Transaction view(root);
    Config config = Config::load(view);
    provider = config.provider();
    if (provider) props = config.properties(*provider);
  }
  if (!provider) throw ApiError("AutoSSL is not enabled.");  // UNCONFIRMED wording
  const ProviderInfo& info = provider_or_die(*provider);
  CheckLog log(root, *provider, all_users ? "*" : (users.empty() ? "*" : users.front()));
  CheckResult result;
  result.log = log.start_time();
  log.out("This system has AutoSSL set to use “" + info.display_name + "”.");
  long port =
      props.contains("http_port") && props["http_port"].is_number_integer() ? props["http_port"].get<long>() : 80;
  std::optional<acme::Client> client;
  for (const auto& user : users) {
    log.out("Checking websites for “" + user + "” …");
    log.indent();
    UserPlan plan;
    try {
      StateReader reader(root);
      Transaction view(root);
      plan = plan_for(root, view, user, info.days_to_renew, log);
    } catch (const std::exception& e) {
      log.error(std::string("The system could not read the account: ") + e.what());
      log.dedent();
      continue;
    }
    std::vector<std::string> checked;
    std::map<std::string, std::string> found;
    for (const auto& v : plan.vhosts) {
      log.out("Analyzing “" + v.vhost + "” …");
      log.indent();
      for (const auto& d : v.excluded) log.out("“" + d + "” is excluded from AutoSSL; skipping it.");
      if (v.reason.empty()) {
        log.success("The installed certificate is valid and covers every domain; no certificate is needed.");
        log.dedent();
        continue;
      }
      log.out(v.reason);
      std::vector<std::string> passing;
      for (const auto& d : v.domains) {
        checked.push_back(d);
        if (auto why = local_dcv_problem(root, plan, v, d, port)) {
          log.warn(*why);
          found[d] = *why;
        } else {
          log.success("Local DCV passed for “" + d + "”.");
          passing.push_back(d);
        }
      }
      if (passing.empty()) {
        log.error("No domain of “" + v.vhost + "” passed DCV; no certificate will be requested.");
        log.dedent();
        continue;
      }
      if (!v.uncovered.empty() && std::none_of(v.uncovered.begin(), v.uncovered.end(), [&](const std::string& d) {
            return std::find(passing.begin(), passing.end(), d) != passing.end();
          })) {
        log.out(
            "None of the domains the installed certificate lacks passed DCV; a new certificate would not "
            "cover more. No certificate will be requested.");
        log.dedent();
        continue;
      }
      try {
        if (!client) client.emplace(acme_client(root, props, log));
        x509::KeyInfo key = x509::generate_key(x509::KeyType::Rsa2048);
        acme::ChallengeFiles files{
            [&](const std::string&, const std::string& token, const std::string& contents) {
              place_challenge_file(root, plan, v.docroot, token, contents);
            },
            [&](const std::string&, const std::string& token) { remove_challenge_file(root, plan, v.docroot, token); }};
        auto logline = [&](const std::string& m) { log.out(m); };
        acme::Issued issued;
        for (int attempt = 0; attempt < 2 && !passing.empty(); ++attempt) {
          x509::Subject subject;
          subject.domains = passing;
          issued = acme::obtain_certificate(*client, passing, x509::make_csr(key, subject), files, logline);
          ++result.ordered;
          for (const auto& [d, why] : issued.failed) {
            log.warn("“" + d + "” failed the ACME challenge: " + why);
            found[d] = why;
            passing.erase(std::remove(passing.begin(), passing.end(), d), passing.end());
          }
          if (!issued.chain_pem.empty()) break;
          if (!issued.error.empty()) log.warn(issued.error);
        }
        if (issued.chain_pem.empty()) {
          log.error("The certificate for “" + v.vhost + "” could not be obtained.");
          log.dedent();
          continue;
        }
        auto [leaf, bundle] = split_chain(issued.chain_pem);
        {
          StateWriter writer(root);
          stage_ssl_install(writer.txn(), user, InstalledCertificate{v.vhost, key.pem, leaf, bundle});
          writer.commit();
        }
        ++result.installed;
        log.success("Installed a new certificate for “" + v.vhost + "” covering " + join(passing, ", ") + ".");
      } catch (const std::exception& e) {
        log.error(std::string("The certificate for “") + v.vhost + "” could not be obtained: " + e.what());
      }
      log.dedent();
    }
    try {
      StateWriter writer(root);
      stage_problems(writer.txn(), user, log.start_time(), checked, found);
      writer.commit();
    } catch (const std::exception& e) {
      log.error(std::string("The problems could not be recorded: ") + e.what());
    }
    log.dedent();
  }
  log.out("The AutoSSL check is complete.");
  log.completed();
  return result;
}

}  // namespace autossl

// ------------------------------------------------------------------ the lifecycle

namespace {

const char* const kArchived = "autossl.json";

class AutoSslPart : public AccountPart {
 public:
  std::vector<std::string> paths(const StateRoot& root, const AccountFacts& a) const override {
    std::vector<std::string> out;
    if (root.exists(autossl::excludes_rel(a.user))) out.push_back(autossl::excludes_rel(a.user));
    return out;
  }
  void create(const StateRoot&, Transaction&, const NewAccount&, std::string&) const override {}
  void rename(const StateRoot&, Transaction& txn, const AccountFacts& from, const AccountFacts& to,
              std::string&) const override {
    auto domains = autossl::excluded_domains(txn, from.user);
    if (from.main_domain != to.main_domain)
      for (auto& d : domains) {
        if (d == from.main_domain)
          d = to.main_domain;
        else if (ends_with(d, "." + from.main_domain))
          d = d.substr(0, d.size() - from.main_domain.size()) + to.main_domain;
      }
    if (from.user == to.user && from.main_domain == to.main_domain) return;
    if (!txn.exists(autossl::excludes_rel(from.user))) return;
    if (from.user != to.user) txn.remove(autossl::excludes_rel(from.user));
    autossl::stage_excluded_domains(txn, to.user, domains);
  }
  void suspend(const StateRoot&, Transaction&, const AccountFacts&, const SuspendOptions&,
               std::string&) const override {}
  void unsuspend(const StateRoot&, Transaction&, const AccountFacts&, std::string&) const override {}
  void remove(const StateRoot&, Transaction& txn, const AccountFacts& a, const RemoveOptions&,
              std::string&) const override {
    if (txn.exists(autossl::excludes_rel(a.user))) txn.remove(autossl::excludes_rel(a.user));
    autossl::stage_purge_user_problems(txn, a.user);
  }
  // pkgacct's AutoSSL component: {"excluded_domains": [...]} as autossl.json.
  void archive(const StateRoot&, const Transaction& txn, const AccountFacts& a, const PkgacctOptions&,
               ArchiveOut& out) const override {
    out.file(kArchived, nlohmann::json{{"excluded_domains", autossl::excluded_domains(txn, a.user)}}.dump());
  }
  void restore(const StateRoot&, Transaction& txn, const RestoreSource& src, std::string&) const override {
    const std::string* text = src.archive.file(kArchived);
    if (!text) return;
    FileProblems problems;
    nlohmann::json j = parse_json_object(*text, problems);
    if (!problems.empty()) throw ApiError(damage_summary(kArchived, problems));
    std::vector<std::string> domains;
    if (auto it = j.find("excluded_domains"); it != j.end() && it->is_array())
      for (const auto& d : *it)
        if (d.is_string() && !domain_syntax_error(d.get<std::string>())) domains.push_back(d.get<std::string>());
    if (!domains.empty()) autossl::stage_excluded_domains(txn, src.facts.user, domains);
  }
  void check(const StateRoot&, const Transaction& view, const SystemUsers&, const AccountFacts& a,
             Problems& out) const override {
    const std::string rel = autossl::excludes_rel(a.user);
    if (auto text = view.read(rel)) {
      FileProblems problems;
      parse_json_object(*text, problems);
      if (!problems.empty()) out.push_back(damage_summary(rel, problems));
    }
  }
  void orphans(const StateRoot& root, const Transaction&, const std::set<std::string>& users,
               Problems& out) const override {
    for (const auto& name : root.list_dir("var/cpanel/ssl/autossl/excludes"))
      if (ends_with(name, ".json") && !users.count(name.substr(0, name.size() - 5)))
        out.push_back("The AutoSSL excluded domains of “" + name.substr(0, name.size() - 5) +
                      "”, an account that does not exist: /var/cpanel/ssl/autossl/excludes/" + name);
  }
};

}  // namespace

const AccountPart& autossl_part() { return part_instance<AutoSslPart>(); }

}  // namespace whm
