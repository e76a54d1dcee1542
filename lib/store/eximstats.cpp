#include "eximstats.hpp"

#include <fcntl.h>
#include <sqlite3.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <cctype>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <set>
#include <variant>

#include "errors.hpp"
#include "lookup.hpp"
#include "sqlite_image.hpp"
#include "util.hpp"

namespace whm {

namespace {

// ---------------------------------------------------------------- SQLite

// cPanel's schema 3.0 (Cpanel::EximStats::DB::Sqlite), with its metadata
// table. The primary keys make a repeated row a no-op (INSERT OR IGNORE):
// that is what makes an import idempotent.
const char* const kSchema = R"sql(
CREATE TABLE IF NOT EXISTS metadata (key TEXT PRIMARY KEY, value TEXT);
CREATE TABLE IF NOT EXISTS sends (
  sendunixtime integer NOT NULL DEFAULT '0', msgid char(23) NOT NULL DEFAULT '', email char(255) NOT NULL DEFAULT '',
  processed integer NOT NULL DEFAULT '0', "user" char(30) NOT NULL DEFAULT '', size integer NOT NULL DEFAULT '0',
  ip char(46) NOT NULL DEFAULT '', auth char(30) NOT NULL DEFAULT '', "host" char(255) NOT NULL DEFAULT '',
  domain char(255) NOT NULL DEFAULT '', localsender integer NOT NULL DEFAULT '1',
  spamscore double NOT NULL DEFAULT 0, sender char(255) NOT NULL DEFAULT '',
  PRIMARY KEY (sendunixtime,msgid,email));
CREATE TABLE IF NOT EXISTS smtp (
  sendunixtime integer NOT NULL DEFAULT '0', msgid char(23) NOT NULL DEFAULT '', email char(255) NOT NULL DEFAULT '',
  processed integer NOT NULL DEFAULT '0', transport_method char(45) NOT NULL DEFAULT 'remote_smtp',
  transport_is_remote integer NOT NULL DEFAULT '1', "host" char(255) NOT NULL DEFAULT '',
  ip char(46) NOT NULL DEFAULT '', deliveredto char(255) NOT NULL DEFAULT '', router char(65) NOT NULL DEFAULT '',
  deliveryuser char(30) NOT NULL DEFAULT '', deliverydomain char(255) NOT NULL DEFAULT '',
  countedtime integer NOT NULL DEFAULT '0', countedhour integer NOT NULL DEFAULT '0',
  counteddomain char(255) NOT NULL DEFAULT '',
  PRIMARY KEY (sendunixtime,msgid,email,deliveredto,router));
CREATE TABLE IF NOT EXISTS defers (
  sendunixtime integer NOT NULL DEFAULT '0', msgid char(23) NOT NULL DEFAULT '', email char(255) NOT NULL DEFAULT '',
  transport_method char(45) NOT NULL DEFAULT 'remote_smtp', "host" char(255) NOT NULL DEFAULT '',
  ip char(46) NOT NULL DEFAULT '', message char(240) NOT NULL DEFAULT '', router char(65) NOT NULL DEFAULT '',
  deliveryuser char(30) NOT NULL DEFAULT '', deliverydomain char(255) NOT NULL DEFAULT '',
  PRIMARY KEY (sendunixtime,msgid,email));
CREATE TABLE IF NOT EXISTS failures (
  sendunixtime integer NOT NULL DEFAULT '0', msgid char(23) NOT NULL DEFAULT '', email char(255) NOT NULL DEFAULT '',
  deliveredto char(255) NOT NULL DEFAULT '', transport_method char(45) NOT NULL DEFAULT 'remote_smtp',
  "host" char(255) NOT NULL DEFAULT '', ip char(46) NOT NULL DEFAULT '', message char(240) NOT NULL DEFAULT '',
  router char(65) NOT NULL DEFAULT '', deliveryuser char(30) NOT NULL DEFAULT '',
  deliverydomain char(255) NOT NULL DEFAULT '',
  PRIMARY KEY (sendunixtime,msgid,email,deliveredto));
CREATE INDEX IF NOT EXISTS user_sendunixtime_index_sends ON sends ("user",sendunixtime);
CREATE INDEX IF NOT EXISTS msgid_user_index_sends ON sends (msgid,"user");
CREATE INDEX IF NOT EXISTS sender_sendunixtime_user_index_sends ON sends (sender,sendunixtime,"user");
CREATE INDEX IF NOT EXISTS msgid_index_smtp ON smtp (msgid);
CREATE INDEX IF NOT EXISTS msgid_sendunixtime_index_defers ON defers (msgid,sendunixtime);
CREATE INDEX IF NOT EXISTS msgid_sendunixtime_index_failures ON failures (msgid,sendunixtime);
INSERT OR IGNORE INTO metadata (key,value) VALUES ('schema_version', '3.0');
)sql";

class Db {
 public:
  // Read-only (queries) or read-write, creating the file (the importer).
  Db(const std::string& abs, bool write) : abs_(abs) {
    const int flags = write ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY;
    try {
      if (sqlite3_open_v2(abs.c_str(), &db_, flags | SQLITE_OPEN_NOFOLLOW, nullptr) != SQLITE_OK)
        fail(db_ ? sqlite3_errmsg(db_) : "cannot open");
      sqlite3_busy_timeout(db_, 10000);  // the importer's commits are short
      // Opening is lazy: read the schema now, so a file that is no database fails here.
      run("SELECT count(*) FROM sqlite_master", {});
    } catch (...) {
      close();
      throw;
    }
  }
  ~Db() { close(); }
  Db(const Db&) = delete;
  Db& operator=(const Db&) = delete;

  void exec(const std::string& sql) {
    if (auto error = sqlite_exec(db_, sql)) fail(*error);
  }

  // Runs `sql` with `params`; `row` gets each result row. Returns the rows changed.
  long long run(const std::string& sql, const std::vector<SqlValue>& params,
                const std::function<void(sqlite3_stmt*)>& row = nullptr) {
    sqlite3_stmt*& st = statements_[sql];  // prepared once: the importer runs the same few per line
    if (!st && sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) fail(sqlite3_errmsg(db_));
    sqlite3_reset(st);
    sqlite3_clear_bindings(st);
    if (sqlite_bind_and_step(st, params, row) != SQLITE_DONE) fail(sqlite3_errmsg(db_));
    return sqlite3_changes(db_);
  }

  std::optional<std::string> meta(const std::string& key) {
    std::optional<std::string> v;
    run("SELECT value FROM metadata WHERE key = ?", {key}, [&](sqlite3_stmt* st) { v = SqliteImage::text(st, 0); });
    return v;
  }
  void set_meta(const std::string& key, const std::string& value) {
    run("INSERT OR REPLACE INTO metadata (key,value) VALUES (?,?)", {key, value});
  }

  [[noreturn]] void fail(const std::string& why) const {
    throw ApiError("The mail statistics database “" + abs_ + "” cannot be used: " + why);
  }

 private:
  void close() {
    for (auto& [sql, st] : statements_) sqlite3_finalize(st);
    sqlite3_close(db_);
  }
  std::string abs_;
  sqlite3* db_ = nullptr;
  std::map<std::string, sqlite3_stmt*> statements_;
};

// The database for reading, or nullopt when there is none yet.
std::optional<Db> open_for_reading(const StateRoot& root) {
  if (!root.exists(eximstats_paths::kDb)) return std::nullopt;
  return std::make_optional<Db>(root.path(eximstats_paths::kDb), false);
}

// ---------------------------------------------------------------- Exim's main log

// A line split into words; a double-quoted part (T="a subject", "quoted
// local"@domain) stays in one word.
std::vector<std::string> words_of(std::string_view line) {
  std::vector<std::string> out;
  std::string cur;
  bool quoted = false;
  for (size_t i = 0; i < line.size(); ++i) {
    const char c = line[i];
    if (c == '\\' && quoted && i + 1 < line.size()) {
      cur += c;
      cur += line[++i];
    } else if (c == '"') {
      quoted = !quoted;
      cur += c;
    } else if (c == ' ' && !quoted) {
      if (!cur.empty()) out.push_back(std::move(cur));
      cur.clear();
    } else {
      cur += c;
    }
  }
  if (!cur.empty()) out.push_back(std::move(cur));
  return out;
}

bool all_alnum(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return std::isalnum(static_cast<unsigned char>(c)); });
}

// Exim's message ids: 6-6-2 characters up to 4.96, 6-11-4 from 4.97.
bool is_message_id(std::string_view w) {
  for (auto [a, b, c] : {std::array<size_t, 3>{6, 6, 2}, std::array<size_t, 3>{6, 11, 4}})
    if (w.size() == a + b + c + 2 && w[a] == '-' && w[a + b + 1] == '-' && all_alnum(w.substr(0, a)) &&
        all_alnum(w.substr(a + 1, b)) && all_alnum(w.substr(a + b + 2)))
      return true;
  return false;
}

// "2026-12-02" "10:00:00.123" (Exim's local time, or UTC offset `tz` seconds east).
std::optional<long long> log_time(const std::string& date, const std::string& time, std::optional<long> tz) {
  std::tm tm{};
  if (std::sscanf(date.c_str(), "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3 ||
      std::sscanf(time.c_str(), "%2d:%2d:%2d", &tm.tm_hour, &tm.tm_min, &tm.tm_sec) != 3)
    return std::nullopt;
  tm.tm_year -= 1900;
  tm.tm_mon -= 1;
  if (tz) return static_cast<long long>(timegm(&tm)) - *tz;
  tm.tm_isdst = -1;
  return static_cast<long long>(std::mktime(&tm));
}

// "+0100" / "-0500" (log_timezone): seconds east of UTC.
std::optional<long> tz_offset(const std::string& w) {
  if (w.size() != 5 || (w[0] != '+' && w[0] != '-') || !is_digits(w.substr(1))) return std::nullopt;
  const long minutes = std::stol(w.substr(1, 2)) * 60 + std::stol(w.substr(3, 2));
  return (w[0] == '-' ? -60 : 60) * minutes;
}

std::string unquote(std::string v) {
  if (v.size() >= 2 && v.front() == '"' && v.back() == '"') v = v.substr(1, v.size() - 2);
  return v;
}

std::string strip_brackets(std::string v, char open, char close) {
  if (!v.empty() && v.front() == open) v.erase(0, 1);
  if (!v.empty() && v.back() == close) v.pop_back();
  return v;
}

std::string domain_of(const std::string& address) {
  const auto at = address.rfind('@');
  return at == std::string::npos ? "" : address.substr(at + 1);
}

// The parts of a line after its direction or the words of a refusal.
struct Fields {
  std::map<std::string, std::string> kv;  // R=, T=, H=, A=, P=, U=, S=, F= ...
  std::string ip;                         // of the first "[1.2.3.4]:port" word
  long port = 0;
  std::string get(const std::string& key) const {
    auto it = kv.find(key);
    return it == kv.end() ? "" : it->second;
  }
  // H=(helo) or H=name: the name without parentheses.
  std::string host() const { return strip_brackets(get("H"), '(', ')'); }
};

// "[1.2.3.4]:port" (or a host given only by its address, H=[1.2.3.4]) into f.ip and f.port.
void take_address(Fields& f, const std::string& w) {
  const auto close = w.find(']');
  if (!f.ip.empty() || close == std::string::npos) return;
  f.ip = w.substr(1, close - 1);
  if (close + 1 < w.size() && w[close + 1] == ':') f.port = parse_int(w.substr(close + 2)).value_or(0);
}

Fields fields_of(const std::vector<std::string>& words, size_t from, size_t to) {
  Fields f;
  for (size_t i = from; i < to; ++i) {
    const std::string& w = words[i];
    if (w[0] == '[') {
      take_address(f, w);
      continue;
    }
    if (starts_with(w, "H=[")) {
      take_address(f, w.substr(2));
      continue;
    }
    const auto eq = w.find('=');
    if (eq == std::string::npos || eq == 0) continue;
    const std::string key = w.substr(0, eq);
    if (!std::all_of(key.begin(), key.end(), [](char c) {
          return std::isupper(static_cast<unsigned char>(c)) || std::isdigit(static_cast<unsigned char>(c));
        }))
      continue;
    if (!f.kv.count(key)) f.kv[key] = unquote(w.substr(eq + 1));
  }
  return f;
}

// One line of interest.
struct LogEvent {
  enum Kind { Send, Delivery, Defer, Failure, Refusal } kind = Send;
  long long time = 0;
  std::string msgid;
  std::string address;      // <=: the envelope sender; else the recipient (lower case)
  std::string deliveredto;  // where it went (a file, a pipe, an address)
  std::string message;      // a defer's or failure's reason
  bool additional = false;  // "->": another address of the same delivery
  Fields fields;
};

// The text after the first ": " of `s` (a failure's reason), "" if none.
std::string reason_in(const std::string& s) {
  const auto colon = s.find(": ");
  return colon == std::string::npos ? "" : unquote(trim(s.substr(colon + 2)));
}

// "=> dest (parent, ...) <address> R=... T=..." and the same for ->, **, ==.
void parse_delivery(const std::vector<std::string>& w, size_t i, LogEvent& e) {
  std::vector<std::string> point{w[i++]};
  while (i < w.size() && w[i][0] != '<' && w[i][0] != '(' && w[i].find('=') == std::string::npos)
    point.push_back(w[i++]);
  if (i < w.size() && w[i][0] == '(')  // the parents of a generated address
    while (i < w.size() && w[i++].back() != ')') {
    }
  std::string address;
  if (i < w.size() && w[i][0] == '<') {
    std::vector<std::string> parts;
    while (i < w.size()) {
      parts.push_back(w[i++]);
      if (parts.back().find('>') != std::string::npos) break;
    }
    address = strip_brackets(join(parts, " "), '<', '>');
  }
  e.deliveredto = join(point, " ");
  if (e.deliveredto.size() > 1 && e.deliveredto.back() == ':' && e.deliveredto[0] != ':') e.deliveredto.pop_back();
  e.address = to_lower(address.empty() ? e.deliveredto : address);
  // A bare local part ("info") is the address's mailbox at its domain.
  if (e.deliveredto.find_first_of("/ @") == std::string::npos && e.deliveredto[0] != ':' &&
      !domain_of(e.address).empty())
    e.deliveredto += "@" + domain_of(e.address);
  e.fields = fields_of(w, i, w.size());
}

// A line of the main log as the importer uses it, or nullopt.
std::optional<LogEvent> parse_log_line(std::string_view line) {
  const std::vector<std::string> w = words_of(line);
  if (w.size() < 4) return std::nullopt;
  size_t i = 2;
  const std::optional<long> tz = tz_offset(w[i]);
  if (tz) ++i;
  if (i < w.size() && w[i].front() == '[' && w[i].back() == ']') ++i;  // +pid
  if (i >= w.size()) return std::nullopt;
  auto time = log_time(w[0], w[1], tz);
  if (!time) return std::nullopt;
  LogEvent e;
  e.time = *time;
  if (is_message_id(w[i])) e.msgid = w[i++];
  if (i + 1 >= w.size()) return std::nullopt;

  if (e.msgid.empty()) {
    // A recipient refused at SMTP time: "H=... F=<sender> rejected RCPT <rcpt>: why".
    const auto at = std::find(w.begin() + i, w.end(), "rejected");
    if (at == w.end() || at + 2 >= w.end() || *(at + 1) != "RCPT") return std::nullopt;
    e.kind = LogEvent::Refusal;
    e.fields = fields_of(w, i, static_cast<size_t>(at - w.begin()));
    std::string rcpt = *(at + 2);
    if (!rcpt.empty() && rcpt.back() == ':') rcpt.pop_back();
    e.address = to_lower(strip_brackets(rcpt, '<', '>'));
    const std::string text(line);
    e.message = reason_in(text.substr(text.find(" rejected RCPT ")));
    return e;
  }

  const std::string& dir = w[i++];
  if (dir == "<=") {
    e.kind = LogEvent::Send;
    e.address = to_lower(w[i] == "<>" ? w[i] : strip_brackets(w[i], '<', '>'));
    e.fields = fields_of(w, i + 1, w.size());
    return e;
  }
  if (dir == "=>" || dir == "->")
    e.kind = LogEvent::Delivery;
  else if (dir == "==")
    e.kind = LogEvent::Defer;
  else if (dir == "**")
    e.kind = LogEvent::Failure;
  else
    return std::nullopt;  // Completed, *> (fake delivery), warnings...
  e.additional = dir == "->";
  parse_delivery(w, i, e);
  if (e.kind != LogEvent::Delivery) {
    const std::string text(line);
    e.message = reason_in(text.substr(text.find(" " + dir + " ") + dir.size() + 2));
  }
  return e;
}

// Exim's base-62 digits, for the id of a refusal (which has none of its own).
std::string base62(unsigned long long n, size_t width) {
  static const char digits[] = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz";
  std::string out(width, '0');
  for (size_t i = width; i-- > 0; n /= 62) out[i] = digits[n % 62];
  return out;
}

// A message-id-shaped key for a refused recipient, the same every time the
// line is read (cPanel makes one from the time, the client's address and port).
std::string refusal_id(long long time, const std::string& ip, long port) {
  unsigned long long h = 1469598103934665603ULL;  // FNV-1a of the address
  for (unsigned char c : ip) h = (h ^ c) * 1099511628211ULL;
  return base62(static_cast<unsigned long long>(time), 6) + "-" + base62(h, 6) + "-" +
         base62(static_cast<unsigned long long>(port), 2);
}

// ---------------------------------------------------------------- the import

// Who owns what, from the lookup files (as cPanel's tailwatchd caches them).
struct Owners {
  std::map<std::string, std::string> user_of_domain;  // etc/userdomains
  std::map<std::string, std::string> domain_of_user;  // etc/trueuserdomains, reversed
  explicit Owners(const StateRoot& root) {
    for (auto& [domain, user] : read_lookup_pairs(root, "etc/userdomains")) user_of_domain[to_lower(domain)] = user;
    for (auto& [domain, user] : read_lookup_pairs(root, "etc/trueuserdomains")) domain_of_user[user] = to_lower(domain);
  }
  std::string user(const std::string& domain) const {
    auto it = user_of_domain.find(domain);
    return it == user_of_domain.end() || it->second == "nobody" ? "" : it->second;
  }
  std::string domain(const std::string& user) const {
    auto it = domain_of_user.find(user);
    return it == domain_of_user.end() ? "" : it->second;
  }
};

// Exim's and the mail system's own users: their messages (bounces, Exim's
// notices) are not anyone's sending.
bool is_mail_system_user(const std::string& user) {
  return user == "mail" || user == "mailnull" || user == "Debian-exim" || user == "exim";
}

class Importer {
 public:
  Importer(Db& db, const Owners& owners, ImportResult& result) : db_(db), owners_(owners), result_(result) {}

  void apply(const LogEvent& e) {
    switch (e.kind) {
      case LogEvent::Send: send(e); break;
      case LogEvent::Delivery: delivery(e); break;
      case LogEvent::Defer:
      case LogEvent::Failure: failure(e); break;
      case LogEvent::Refusal: refusal(e); break;
    }
  }

 private:
  // "<= sender H=... P=esmtpa A=plain:login S=size": who sent it. The login
  // (an email account: its domain's owner), or a local user (P=local U=),
  // else mail from outside ("-remote-").
  void send(const LogEvent& e) {
    const Fields& f = e.fields;
    std::string user, auth, sender, ip = f.ip;
    if (const std::string a = f.get("A"); !a.empty()) {
      const auto colon = a.find(':');
      auth = a.substr(0, colon);
      if (colon != std::string::npos) user = sender = a.substr(colon + 1);
    }
    const std::string proto = f.get("P");
    if (starts_with(proto, "local")) {
      user = sender = f.get("U");
      auth = "localuser";
      ip = "127.0.0.1";
    }
    std::string host = f.host();
    if (host.empty() && proto == "local") host = "localhost";
    if (host.empty()) host = ip;
    if (user.empty()) {
      user = "-remote-";
      auth = "localdelivery";
    }
    if (is_mail_system_user(user)) return;
    long long localsender = 1;
    std::string domain;
    if (user.find_first_of("@%+") != std::string::npos) {
      const std::string d = to_lower(user.substr(user.find_last_of("@%+") + 1));
      if (const std::string owner = owners_.user(d); !owner.empty()) {
        domain = d;
        user = owner;
      } else {
        localsender = 0;
        user = "-remote-";
      }
    }
    if (domain.empty()) domain = owners_.domain(user);
    result_.sends += db_.run(
        "INSERT OR IGNORE INTO sends (sendunixtime, msgid, processed, domain, email, \"user\", size, \"host\", ip,"
        " auth, localsender, spamscore, sender) VALUES (?,?,0,?,?,?,?,?,?,?,?,0,?)",
        {e.time, e.msgid, domain, e.address, user, parse_int(f.get("S")).value_or(0), host, ip, auth, localsender,
         sender});
  }

  // The account a local recipient belongs to (its domain's owner).
  std::pair<std::string, std::string> recipient_account(const std::string& address) const {
    const std::string d = domain_of(address);
    const std::string user = owners_.user(d);
    return {user, user.empty() ? "" : d};
  }

  // "=> rcpt R=router T=transport H=host [ip]": one delivery.
  void delivery(const LogEvent& e) {
    const Fields& f = e.fields;
    std::string transport = f.get("T");
    if (!transport.empty() && transport.back() == ':') transport.pop_back();
    const bool remote = transport.find("remote") != std::string::npos;
    std::string ip = f.ip, host = f.host();
    if (host.empty()) host = ip;
    if (ip.empty()) ip = "127.0.0.1";
    if (host.empty()) host = "localhost";
    ip.erase(std::remove(ip.begin(), ip.end(), '*'), ip.end());  // a later message down the same connection
    auto [user, domain] = remote ? std::pair<std::string, std::string>{"-remote-", ""} : recipient_account(e.address);
    result_.deliveries += db_.run(
        "INSERT OR IGNORE INTO smtp (sendunixtime, msgid, email, processed, transport_method, transport_is_remote,"
        " \"host\", ip, deliveredto, router, deliveryuser, deliverydomain, counteddomain, countedtime, countedhour)"
        " VALUES (?,?,?,?,?,?,?,?,?,?,?,?,'',0,0)",
        {e.time, e.msgid, e.address, (remote && !e.additional) ? 0LL : 2LL, transport, remote ? 1LL : 0LL, host, ip,
         e.deliveredto, f.get("R"), user, domain});
  }

  // "== rcpt R=... T=...: reason" (defers) and "** rcpt ...: reason" (failures).
  void failure(const LogEvent& e) {
    const Fields& f = e.fields;
    std::string transport = f.get("T");
    if (!transport.empty() && transport.back() == ':') transport.pop_back();
    if (transport.empty()) transport = "fail";
    std::string router = f.get("R");
    if (!router.empty() && router.back() == ':') router.pop_back();
    std::string host = f.host();
    if (host.empty()) host = f.ip;
    auto [user, domain] = recipient_account(e.address);
    if (e.kind == LogEvent::Defer)
      result_.defers += db_.run(
          "INSERT OR IGNORE INTO defers (sendunixtime, msgid, email, transport_method, message, \"host\", ip, router,"
          " deliveryuser, deliverydomain) VALUES (?,?,?,?,?,?,?,?,?,?)",
          {e.time, e.msgid, e.address, transport, e.message, host, f.ip, router, user, domain});
    else
      result_.failures += insert_failure(e.time, e.msgid, e.address, e.deliveredto, transport, e.message, host, f.ip,
                                         router, user, domain);
  }

  // A refused recipient: a send from outside and its failure, as cPanel records
  // it ("-remote-", auth "unauthorized", transport "**rejected**").
  void refusal(const LogEvent& e) {
    const Fields& f = e.fields;
    const std::string msgid = refusal_id(e.time, f.ip, f.port);
    const std::string from = to_lower(strip_brackets(f.get("F"), '<', '>'));
    std::string host = f.host();
    if (host.empty()) host = f.ip.empty() ? "unknown" : f.ip;
    const std::string ip = f.ip.empty() ? "unknown" : f.ip;
    result_.sends += db_.run(
        "INSERT OR IGNORE INTO sends (sendunixtime, msgid, processed, domain, email, \"user\", size, \"host\", ip,"
        " auth, localsender, spamscore, sender) VALUES (?,?,0,'',?,'-remote-',0,?,?,'unauthorized',0,0,'')",
        {e.time, msgid, from, host, ip});
    auto [user, domain] = recipient_account(e.address);
    result_.failures += insert_failure(e.time, msgid, e.address, from.empty() ? e.address : from, "**rejected**",
                                       e.message, host, ip, "reject", user, domain);
  }

  long long insert_failure(long long time, const std::string& msgid, const std::string& email,
                           const std::string& deliveredto, const std::string& transport, const std::string& message,
                           const std::string& host, const std::string& ip, const std::string& router,
                           const std::string& user, const std::string& domain) {
    return db_.run(
        "INSERT OR IGNORE INTO failures (sendunixtime, msgid, email, deliveredto, transport_method, message,"
        " \"host\", ip, router, deliveryuser, deliverydomain) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
        {time, msgid, email, deliveredto, transport, message.substr(0, 240), host, ip, router, user, domain});
  }

  Db& db_;
  const Owners& owners_;
  ImportResult& result_;
};

// The import marker: created and write-locked for the import's duration,
// holding its pid; removed at the end.
class ImportMarker {
 public:
  explicit ImportMarker(const std::string& abs) : abs_(abs) {
    fd_ = ::open(abs.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644);
    if (fd_ < 0) throw ApiError("Cannot create “" + abs + "”: " + std::strerror(errno));
    if (::flock(fd_, LOCK_EX | LOCK_NB) != 0) {
      ::close(fd_);
      throw ApiError("An import of the Exim log into the mail statistics database is already running.");
    }
    const std::string pid = std::to_string(::getpid()) + "\n";
    if (::ftruncate(fd_, 0) != 0 || ::pwrite(fd_, pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size())) {
      ::close(fd_);
      throw ApiError("Cannot write “" + abs + "”: " + std::strerror(errno));
    }
  }
  ~ImportMarker() {
    ::unlink(abs_.c_str());  // while still locked: a reader never sees it unlocked
    ::close(fd_);
  }
  ImportMarker(const ImportMarker&) = delete;
  ImportMarker& operator=(const ImportMarker&) = delete;

 private:
  std::string abs_;
  int fd_ = -1;
};

// Whether an import holds the marker now (a marker left by a killed import is not held).
bool import_running(const StateRoot& root) {
  const int fd = ::open(root.path(eximstats_paths::kImportMarker).c_str(), O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
  if (fd < 0) return false;
  const bool held = ::flock(fd, LOCK_SH | LOCK_NB) != 0 && errno == EWOULDBLOCK;
  ::close(fd);
  return held;
}

constexpr const char* kLogKey = "whmkit_mainlog";              // "<device>:<inode>" of the log read
constexpr const char* kPositionKey = "whmkit_mainlog_offset";  // bytes of it imported
constexpr size_t kBatchLines = 5000;                           // lines per SQLite transaction

}  // namespace

// ---------------------------------------------------------------- import

ImportResult import_exim_mainlog(const StateRoot& root, const std::string& log_arg, bool from_start) {
  const std::string log_abs = log_arg.empty() ? root.path(eximstats_paths::kMainlog) : log_arg;
  const std::string db_abs = root.path(eximstats_paths::kDb);
  std::error_code ec;
  std::filesystem::create_directories(std::filesystem::path(db_abs).parent_path(), ec);
  ImportMarker marker(root.path(eximstats_paths::kImportMarker));
  if (::access(db_abs.c_str(), F_OK) != 0) {
    // Root's only: it names every sender and recipient.
    const int fd = ::open(db_abs.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
    if (fd >= 0) ::close(fd);
  }
  Db db(db_abs, true);
  db.exec("PRAGMA journal_mode = DELETE; PRAGMA synchronous = FULL;");  // read-only readers need no -shm file
  db.exec(std::string("BEGIN IMMEDIATE;") + kSchema + "COMMIT;");

  ImportResult result;
  std::ifstream in(log_abs, std::ios::binary);
  struct stat st {};
  if (!in || ::stat(log_abs.c_str(), &st) != 0) throw ApiError("Cannot read the Exim log “" + log_abs + "”.");
  const std::string log_id = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
  long long position = from_start ? 0 : parse_int(db.meta(kPositionKey).value_or("0")).value_or(0);
  // Another file (rotated) or a shorter one (truncated): from its start.
  if (db.meta(kLogKey).value_or("") != log_id || position > static_cast<long long>(st.st_size)) position = 0;
  in.seekg(position);

  const Owners owners(root);
  Importer importer(db, owners, result);
  std::string line;
  size_t in_batch = 0;
  db.exec("BEGIN IMMEDIATE");
  auto commit = [&] {
    db.set_meta(kLogKey, log_id);
    db.set_meta(kPositionKey, std::to_string(position));
    db.exec("COMMIT");
  };
  while (std::getline(in, line)) {
    if (in.eof()) break;  // a last line Exim is still writing: next time
    position += static_cast<long long>(line.size()) + 1;
    ++result.lines;
    if (auto e = parse_log_line(line)) importer.apply(*e);
    if (++in_batch == kBatchLines) {
      commit();
      db.exec("BEGIN IMMEDIATE");
      in_batch = 0;
    }
  }
  commit();
  result.position = position;
  return result;
}

// ---------------------------------------------------------------- queries

std::string eximstats_status(const StateRoot& root) {
  try {
    if (!root.exists(eximstats_paths::kDb))
      throw ApiError("The mail statistics database “/" + std::string(eximstats_paths::kDb) +
                     "” does not exist: import Exim's log with whmkit-eximstats.");
    Db db(root.path(eximstats_paths::kDb), false);
  } catch (const ApiError&) {
    if (root.exists(eximstats_paths::kUpdateMarker)) return "upcp";
    throw;
  }
  return import_running(root) ? "importing" : "active";
}

namespace {

// "(col >= ? AND col <= ?)" parts of the time window on `col`.
void add_window(std::string& where, std::vector<SqlValue>& params, const std::string& col, long long start,
                long long end) {
  if (start) {
    where += " AND " + col + " >= ?";
    params.push_back(start);
  }
  if (end) {
    where += " AND " + col + " <= ?";
    params.push_back(end);
  }
}

// The conditions on the send (x): the users and the sender.
void add_send_conditions(std::string& where, std::vector<SqlValue>& params, const TrackFilter& f) {
  if (f.users) {
    where += " AND x.\"user\" IN (";
    for (size_t i = 0; i < f.users->size(); ++i) {
      where += i ? ",?" : "?";
      params.push_back((*f.users)[i]);
    }
    where += ")";
  }
  if (f.sender) {
    where += " AND x.sender = ?";
    params.push_back(*f.sender);
  }
}

}  // namespace

std::vector<TrackCounts> track_counts(const StateRoot& root, const TrackFilter& f) {
  auto db = open_for_reading(root);
  if (!db || (f.users && f.users->empty())) return {};
  std::map<std::string, TrackCounts> by_user;
  // Runs "SELECT x.user, MAX(x.domain), COUNT(*), SUM(size) FROM <from> WHERE <where> GROUP BY x.user".
  auto count = [&](const std::string& from, std::string where, std::vector<SqlValue> params, long long TrackCounts::*n,
                   bool size) {
    add_send_conditions(where, params, f);
    db->run("SELECT x.\"user\", MAX(x.domain), COUNT(*), TOTAL(x.size) FROM " + from + " WHERE 1" + where +
                " GROUP BY x.\"user\"",
            params, [&](sqlite3_stmt* st) {
              TrackCounts& c = by_user[SqliteImage::text(st, 0)];
              c.user = SqliteImage::text(st, 0);
              if (c.domain.empty()) c.domain = SqliteImage::text(st, 1);
              c.*n += sqlite3_column_int64(st, 2);
              if (size) c.size += static_cast<long long>(sqlite3_column_double(st, 3));
            });
  };
  auto windowed = [&](const std::string& table, const std::string& alias, long long TrackCounts::*n, bool size,
                      const std::string& extra) {
    std::string where = extra;
    std::vector<SqlValue> params;
    add_window(where, params, alias + ".sendunixtime", f.start, f.end);
    count(table + " " + alias + (alias == "x" ? std::string() : " JOIN sends x ON x.msgid = " + alias + ".msgid"),
          where, params, n, size);
  };

  windowed("sends", "x", &TrackCounts::sends, false, "");
  const std::string remote = f.type == DeliveryType::All     ? ""
                             : f.type == DeliveryType::Local ? " AND s.transport_is_remote = 0"
                                                             : " AND s.transport_is_remote = 1";
  windowed("smtp", "s", &TrackCounts::successes, true, remote);
  if (f.type == DeliveryType::All || f.type == DeliveryType::RemoteOrFailDefer) {
    windowed("failures", "f", &TrackCounts::failures, false, "");
    windowed("defers", "d", &TrackCounts::defers, false, "");
  }
  // In progress: nothing happened to it yet, sent in the last two hours (or since `start`, if later).
  const long long t = now();
  count("sends x",
        " AND x.sendunixtime >= ? AND x.sendunixtime <= ?"
        " AND NOT EXISTS (SELECT 1 FROM smtp WHERE smtp.msgid = x.msgid)"
        " AND NOT EXISTS (SELECT 1 FROM failures WHERE failures.msgid = x.msgid)"
        " AND NOT EXISTS (SELECT 1 FROM defers WHERE defers.msgid = x.msgid)",
        {std::max(f.start, t - 7200), t + 7200}, &TrackCounts::in_progress, false);

  std::vector<TrackCounts> out;
  for (auto& [user, c] : by_user) out.push_back(std::move(c));
  std::stable_sort(out.begin(), out.end(), [](const auto& a, const auto& b) { return a.sends > b.sends; });
  return out;
}

namespace {

// Remote deliveries of people's mail (cPanel's spam check leaves out its
// service senders, mailing lists, filtered and archived copies).
const char* const kPeoplesRemoteMail =
    " FROM sends x JOIN smtp s ON x.msgid = s.msgid"
    " WHERE x.sender NOT IN ('', 'root', 'nobody', 'cpanel') AND x.auth != 'mailman'"
    " AND s.transport_is_remote = 1 AND s.transport_method != '**bypassed**'"
    " AND substr(s.transport_method, 1, 9) != 'archiver_'"
    " AND substr(x.sender, 1, 33) != '__cpanel__service__auth__icontact'"
    " AND x.sendunixtime > ? AND x.sendunixtime <= ?";

std::map<std::string, long long> counts_by_key(const StateRoot& root, const std::string& sql,
                                               const std::vector<SqlValue>& params) {
  std::map<std::string, long long> out;
  auto db = open_for_reading(root);
  if (!db) return out;
  db->run(sql, params, [&](sqlite3_stmt* st) { out[SqliteImage::text(st, 0)] = sqlite3_column_int64(st, 1); });
  return out;
}

}  // namespace

std::map<std::string, long long> unique_recipient_pairs_per_user(const StateRoot& root, long long start,
                                                                 long long end) {
  return counts_by_key(root,
                       std::string("SELECT u, COUNT(*) FROM (SELECT DISTINCT x.\"user\" AS u, x.sender, s.email") +
                           kPeoplesRemoteMail + ") GROUP BY u",
                       {start, end});
}

std::map<std::string, long long> unique_recipients_per_sender(const StateRoot& root, long long start, long long end,
                                                              const std::string& user) {
  return counts_by_key(root,
                       std::string("SELECT x.sender, COUNT(DISTINCT s.email)") + kPeoplesRemoteMail +
                           " AND x.\"user\" = ? GROUP BY x.sender",
                       {start, end, user});
}

}  // namespace whm
