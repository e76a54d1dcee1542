// The Ftp module of cPanel API 2 and UAPI: one account's FTP logins
// (etc/proftpd/<cpuser> and friends, see ftp_store.hpp) and the live
// sessions of the machine's pure-ftpd.
#include <signal.h>
#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <cmath>
#include <iterator>
#include <set>

#include "account_store.hpp"
#include "api2_answers.hpp"
#include "errors.hpp"
#include "ftp_server.hpp"
#include "ftp_store.hpp"
#include "human_size.hpp"
#include "lazy_registrations.hpp"
#include "password_strength.hpp"
#include "process.hpp"
#include "registry.hpp"
#include "sysusers.hpp"
#include "util.hpp"

namespace whm {
namespace {

// ---- shared pieces -------------------------------------------------------

std::string domain_arg(const Context& ctx, const Request& req) {
  std::string d = to_lower(req.get_or("domain", ""));
  if (d.empty()) return ctx.account.main_domain;
  if (!ctx.account.owns_domain(d))
    throw ApiError("The domain “" + d + "” does not belong to the cPanel account “" + ctx.account.user + "”.");
  return d;
}

void refuse_if_suspended(const Context& ctx) {
  if (ctx.account.suspended)
    throw ApiError("The cPanel account “" + ctx.account.user + "” is suspended; its FTP accounts cannot be changed.");
}

// A suspended account keeps its FTP lines in etc/proftpd/<user>.suspended.
std::optional<std::string> suspended_ftp_text(const Context& ctx) {
  return ctx.root.read(ftp_paths::suspended_passwd(ctx.account.user));
}

// quota=0 or "unlimited" means no limit.
std::optional<long long> quota_arg(const Request& req) {
  std::string q = to_lower(req.get_or("quota", "0"));
  if (q == "unlimited") return std::nullopt;
  auto mb = parse_int(q);
  if (!mb || *mb <= 0) return std::nullopt;
  return *mb;
}

std::set<std::string> type_set(const std::string& pipe_list, const char* param) {
  std::set<std::string> out;
  for (const auto& t : split(pipe_list, '|')) {
    if (t.empty()) continue;
    if (t != "main" && t != "anonymous" && t != "logaccess" && t != "sub")
      throw invalid_param(param, "“" + t + "” is not one of main, anonymous, logaccess, sub.");
    out.insert(t);
  }
  return out;
}

// The logins the include/skip filters select, read as `view` sees them.
struct SelectedLogin {
  FtpLogin login;
  FtpType type;
  std::optional<long long> quota_mb;
  FtpExtras extras;
};
std::vector<SelectedLogin> select_logins(const Context& ctx, const Request& req) {
  auto include = type_set(req.get_or("include_acct_types", ""), "include_acct_types");
  auto skip = type_set(req.get_or("skip_acct_types", ""), "skip_acct_types");
  Transaction view(ctx.root);
  if (auto text = suspended_ftp_text(ctx)) view.write(ftp_paths::passwd(ctx.account.user), *text);  // never committed
  FtpAccounts accounts(view, ctx.account);
  std::vector<SelectedLogin> out;
  for (const auto& l : accounts.logins()) {
    FtpType t = accounts.type_of(l);
    std::string name = ftp_type_name(t);
    if ((!include.empty() && !include.count(name)) || skip.count(name)) continue;
    out.push_back({l, t, accounts.quota_mb(l.login), accounts.extras(l.login)});
    // Clients log in anonymously as "ftp" or "anonymous": cPanel lists both.
    if (t == FtpType::Anonymous) {
      out.push_back(out.back());
      out.back().login.login = "anonymous";
    }
  }
  return out;
}

// The bytes under an FTP login's directory, counted only inside the
// account's home and never through a symlink: a directory reached through
// one counts nothing, with a warning naming it.
long long dir_bytes(const Context& ctx, const std::string& dir, std::vector<std::string>& warnings) {
  const std::string& home = ctx.account.home;
  if (dir != home && !starts_with(dir, home + "/")) return 0;
  try {
    auto top = UserDir::open(ctx.root.path(paths::rel_from_abs(home)), home);
    auto inside = top ? top->dir(dir.substr(std::min(home.size() + 1, dir.size()))) : std::nullopt;
    return inside ? inside->tree_bytes() : 0;
  } catch (const ApiError& e) {
    warnings.push_back(std::string(e.what()) + " Its disk use is not counted.");
    return 0;
  }
}

nlohmann::json listed(const SelectedLogin& s) {
  return {{"homedir", s.login.home}, {"type", ftp_type_name(s.type)}, {"user", s.login.login}};
}

// list_ftp_with_disk's two shapes. UAPI (the OpenAPI description, current
// cPanel): megabytes with two decimals ("0.48", "0.00"), and "user"/"type"
// beside "login"/"accttype". API 2, as a real server recorded it
// (tests/recordings/api2-ftp/listftpwithdisk.json): megabytes as Perl prints
// the number ("0", "0.48", "100"), and no "user"/"type" (added later).
enum class DiskListing { Uapi, Api2 };

// `value` with two decimals; `as_perl_number` drops trailing zeros and the
// point as Perl prints a number ("0.50" -> "0.5", "100.00" -> "100").
std::string two_decimals(double value, bool as_perl_number) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.2f", value);
  std::string text = buf;
  if (as_perl_number) {
    while (text.back() == '0') text.pop_back();
    if (text.back() == '.') text.pop_back();
  }
  return text;
}

std::string megabytes_text(long long bytes, DiskListing shape) {
  return two_decimals(static_cast<double>(bytes) / (1024 * 1024), shape == DiskListing::Api2);
}

// cPanel's human-readable size: "None" for nothing, else bytes, KB, MB, ...
// with at most two decimals and a no-break space before the unit
// ("493.9\u00a0KB", "100\u00a0MB"), as the recording shows.
std::string ftp_size_text(long long bytes) { return bytes <= 0 ? "None" : human_size(bytes, 2, "\u00a0"); }

// The directory relative to the home; one outside it loses its leading "/"
// ("usr/local/apache/domlogs/bob" for the logaccess login).
std::string relative_dir(const std::string& home, const std::string& dir) {
  if (dir == home) return "";
  if (starts_with(dir, home + "/")) return dir.substr(home.size() + 1);
  return dir.substr(std::min(dir.find_first_not_of('/'), dir.size()));
}

// The name the daemon knows a login by: a bare name on the main domain
// ("moo", "ftp") gets the domain; the main and logaccess logins stay bare.
std::string server_login(const Context& ctx, const SelectedLogin& s) {
  if (s.type == FtpType::Main || s.type == FtpType::Logaccess || s.login.login.find('@') != std::string::npos)
    return s.login.login;
  return s.login.login + "@" + ctx.account.main_domain;
}

// "dirhtml" is the URL of the home in a file manager: a login's directory
// inside the home is linked below it. Old templates passed HTML tags in it
// with [ and ] for < and >.
nlohmann::json html_dir(const std::string& dirhtml, const std::string& reldir, bool inside_home,
                        const std::string& dir) {
  if (dirhtml.empty()) return nullptr;
  if (!inside_home) return dir;
  std::string url = dirhtml;
  for (auto& c : url) c = c == '[' ? '<' : c == ']' ? '>' : c;
  return url + "/" + reldir;
}

nlohmann::json listed_with_disk(const Context& ctx, const SelectedLogin& s, DiskListing shape,
                                const std::string& dirhtml, std::vector<std::string>& warnings) {
  const std::string& home = ctx.account.home;
  const std::string& dir = s.login.home;
  const std::string reldir = relative_dir(home, dir);
  const long long used = dir_bytes(ctx, dir, warnings);
  const long long quota = s.quota_mb ? *s.quota_mb * 1024 * 1024 : 0;
  // The percentage is rounded up; its 20 % step to the nearest step, at most 100.
  const int percent = quota ? static_cast<int>(std::ceil(100.0 * static_cast<double>(used) / quota)) : 0;
  const int percent20 = percent >= 100 ? 100 : 20 * ((percent + 10) / 20);
  nlohmann::json j = {
      {"login", s.login.login},
      {"accttype", ftp_type_name(s.type)},
      {"deleteable", s.type == FtpType::Anonymous ? 0 : 1},
      {"htmldir", html_dir(dirhtml, reldir, dir == home || starts_with(dir, home + "/"), dir)},
      {"reldir", reldir},
      {"serverlogin", server_login(ctx, s)},
      {"dir", dir},
      {"_diskused", megabytes_text(used, shape)},
      {"diskused", megabytes_text(used, shape)},
      {"_diskquota", megabytes_text(quota, shape)},
      {"diskquota", quota ? megabytes_text(quota, shape) : "unlimited"},
      {"humandiskused", ftp_size_text(used)},
      {"humandiskquota", ftp_size_text(quota)},
      {"diskusedpercent", percent},
      {"diskusedpercent20", percent20},
  };
  if (shape == DiskListing::Uapi) {
    j["user"] = s.login.login;
    j["type"] = ftp_type_name(s.type);
    // whmkit's own settings of a login (seed 003's FTP API), read nowhere else.
    j["enabled"] = s.login.enabled() ? 1 : 0;
    j["read_only"] = s.extras.read_only ? 1 : 0;
    j["allowed_ips"] = s.extras.allowed_ips;
  }
  return j;
}

std::vector<std::string> ip_list_arg(const Request& req) {
  std::vector<std::string> ips;
  for (const auto& value : req.list("allowed_ips"))
    for (const auto& ip : split(value, ','))
      if (!trim(ip).empty()) {
        check_client_ip(trim(ip));
        ips.push_back(trim(ip));
      }
  return ips;
}

// A new FTP login's directory is made with the rest of the change, owned by the account.
void stage_ftp_root(const Context& ctx, Transaction& txn, const FtpHomedir& home) {
  if (!home.dir.rel.empty()) txn.make_dir(home.dir, 0755, ctx.account.owner);
}

// Loads, lets `change` edit, and stages + commits the account's FTP files:
// one transaction, so a step that fails (the quota file in the home, the
// login's directory) leaves everything as it was.
template <typename Change>
void change_ftp(Context& ctx, Change change) {
  refuse_if_suspended(ctx);
  Transaction txn(ctx.root);
  FtpAccounts accounts(txn, ctx.account);
  change(accounts, txn);
  accounts.stage(txn);
  txn.commit();
}

// ---- sessions --------------------------------------------------------------

struct Session {
  long pid;
  std::string login, state, file, host, cmdline;
  std::time_t login_time;
};

// pure-ftpwho -s: pid|account|seconds since login|state|file|peer|local|port|cur|total|%|bandwidth
// ("|" inside a field is escaped as "\|").
std::vector<std::string> split_ftpwho(const std::string& line) {
  std::vector<std::string> f(1);
  for (size_t i = 0; i < line.size(); ++i) {
    if (line[i] == '\\' && i + 1 < line.size() && line[i + 1] == '|') {
      f.back() += '|';
      ++i;
    } else if (line[i] == '|') {
      f.emplace_back();
    } else {
      f.back() += line[i];
    }
  }
  return f;
}

std::string process_title(long pid, const std::string& state) {
  if (auto raw = read_file("/proc/" + std::to_string(pid) + "/cmdline")) {
    std::string t = *raw;
    for (auto& c : t)
      if (c == '\0') c = ' ';
    t = trim(t);
    if (!t.empty()) return t;
  }
  return "pure-ftpd (" + state + ")";
}

// The machine's live pure-ftpd sessions of `ctx`'s FTP logins.
std::vector<Session> live_sessions(const Context& ctx) {
  std::vector<Session> out;
  if (!program_available("pure-ftpwho")) return out;
  auto text = run_capture({"pure-ftpwho", "-s", "-H"});
  if (!text) return out;  // no scoreboard: pure-ftpd is not running
  Transaction view(ctx.root);
  FtpAccounts accounts(view, ctx.account);
  for (const auto& line : split(*text, '\n')) {
    auto f = split_ftpwho(line);
    if (f.size() < 6) continue;
    for (auto& field : f) field = trim(field);  // pure-ftpwho pads the state ("DL ")
    auto pid = parse_int(f[0]);
    auto since = parse_int(f[2]);
    if (!pid || !accounts.find_login(f[1])) continue;  // "?" = not logged in yet; others' logins
    out.push_back({static_cast<long>(*pid), f[1], f[3], f[4], f[5], process_title(*pid, f[3]),
                   now() - static_cast<std::time_t>(since.value_or(0))});
  }
  return out;
}

nlohmann::json session_json(const Session& s, bool pid_as_string) {
  nlohmann::json pid = pid_as_string ? nlohmann::json(std::to_string(s.pid)) : nlohmann::json(s.pid);
  return {{"cmdline", s.cmdline}, {"file", s.file},
          {"host", s.host},       {"login", format_time(s.login_time, "%a %b %e %H:%M:%S %Y")},
          {"pid", pid},           {"status", s.state},
          {"user", s.login}};
}

// ---- handlers --------------------------------------------------------------

Response list_ftp(Context& ctx, const Request& req) {
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& s : select_logins(ctx, req)) r.data.push_back(listed(s));
  return r;
}

// Sorted by login, as cPanel lists them.
Response disk_listing(Context& ctx, const Request& req, DiskListing shape) {
  auto logins = select_logins(ctx, req);
  std::stable_sort(logins.begin(), logins.end(),
                   [](const SelectedLogin& a, const SelectedLogin& b) { return a.login.login < b.login.login; });
  const std::string dirhtml = req.get_or("dirhtml", "");
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& s : logins) r.data.push_back(listed_with_disk(ctx, s, shape, dirhtml, r.warnings));
  return r;
}
Response list_ftp_with_disk(Context& ctx, const Request& req) { return disk_listing(ctx, req, DiskListing::Uapi); }
Response listftpwithdisk(Context& ctx, const Request& req) { return disk_listing(ctx, req, DiskListing::Api2); }

// cPanel's wording for a login that is not there ("at domain" the main
// domain when none is given).
ApiError no_such_login(const Context& ctx, const std::string& name, const std::string& domain) {
  const auto at = name.find('@');
  const std::string bare = name.substr(0, at);
  const std::string shown_domain = at != std::string::npos ? name.substr(at + 1)
                                   : domain.empty()        ? ctx.account.main_domain
                                                           : domain;
  return ApiError("The FTP account “" + bare + "” at domain “" + shown_domain + "” does not exist.");
}

Response ftp_exists(Context& ctx, const Request& req) {
  const std::string name = req.require("user");
  const std::string domain = domain_arg(ctx, req);
  Transaction view(ctx.root);
  FtpAccounts accounts(view, ctx.account);
  if (!accounts.find(name, domain)) throw no_such_login(ctx, name, req.get_or("domain", ""));
  return {};
}

// A password hash given instead of a password goes into the passwd lines as
// it is: only crypt(3)'s alphabet ("$6$salt$hash", old DES hashes).
void check_password_hash(const std::string& hash) {
  if (hash.size() > 512) throw invalid_param("pass_hash", "it is longer than 512 characters.");
  for (unsigned char c : hash)
    if (!std::isalnum(c) && c != '.' && c != '/' && c != '$')
      throw invalid_param("pass_hash", "it is not a crypt hash (letters, digits, “.”, “/” and “$”).");
}

// The stored hash of a new login: from pass= (checked and hashed) or pass_hash=, exactly one.
std::string new_login_hash(const Context& ctx, const Request& req) {
  const std::string pass = req.get_or("pass", "");
  const std::string pass_hash = req.get_or("pass_hash", "");
  if (pass.empty() == pass_hash.empty())
    throw ApiError("add_ftp: You must specify either a password or a password hash.");
  if (!pass_hash.empty()) {
    check_password_hash(pass_hash);
    return pass_hash;
  }
  check_ftp_password(pass);
  check_password_strength(ctx.root, password_app::kFtp, "pass", pass);
  return hash_password(pass);
}

// cPanel strips blanks from a new login's name, and its dots too unless disallowdot=0.
std::string new_login_name(const Request& req) {
  std::string name;
  const bool strip_dots = req.flag("disallowdot", true);
  for (char c : to_lower(req.require("user")))
    if (c != ' ' && c != '\t' && !(strip_dots && c == '.')) name += c;
  check_ftp_name(name);
  return name;
}

Response add_ftp(Context& ctx, const Request& req) {
  const std::string name = new_login_name(req);
  const std::string hash = new_login_hash(ctx, req);
  const std::string domain = domain_arg(ctx, req);
  const FtpHomedir home = ftp_homedir(ctx.root, ctx.account, req.get_or("homedir", name));
  const auto quota = quota_arg(req);
  FtpExtras extras;
  extras.read_only = req.flag("read_only");
  extras.allowed_ips = ip_list_arg(req);
  CpUser cpuser = AccountStore(ctx.root).require(ctx.account.user);
  const std::string login = name + "@" + domain;
  change_ftp(ctx, [&](FtpAccounts& accounts, Transaction& txn) {
    if (accounts.find(name, domain)) throw ApiError("The FTP account “" + login + "” already exists.");
    if (name == ctx.account.user && domain == ctx.account.main_domain)
      throw ApiError("The FTP account “" + login + "” is the account's main login.");
    size_t subs = std::count_if(accounts.logins().begin(), accounts.logins().end(),
                                [&](const FtpLogin& l) { return accounts.type_of(l) == FtpType::Sub; });
    std::string max = to_lower(cpuser.get("MAXFTP", "unlimited"));
    if (auto limit = parse_int(max); limit && static_cast<long long>(subs) >= *limit)
      throw ApiError("The account “" + ctx.account.user + "” has reached its limit of " + max + " FTP accounts.");
    accounts.add({login, hash, std::to_string(ctx.account.owner.uid), std::to_string(ctx.account.owner.gid),
                  ctx.account.user, home.path, "/bin/ftpsh"});
    accounts.set_quota_mb(login, quota);
    accounts.set_extras(login, extras);
    stage_ftp_root(ctx, txn, home);
  });
  return {};
}

Response delete_ftp(Context& ctx, const Request& req) {
  const std::string name = req.require("user");
  const std::string domain = domain_arg(ctx, req);
  change_ftp(ctx, [&](FtpAccounts& accounts, Transaction& txn) {
    FtpLogin& l = accounts.require(name, domain);
    if (accounts.type_of(l) != FtpType::Sub)
      throw ApiError("The FTP account “" + l.login + "” cannot be deleted: it is the account's " +
                     ftp_type_name(accounts.type_of(l)) + " login.");
    if (req.flag("destroy") && starts_with(l.home, ctx.account.home + "/")) {
      // Only a directory inside the home that no other login uses goes away,
      // removed without following a symlink on the way or in it.
      bool shared = std::any_of(accounts.logins().begin(), accounts.logins().end(),
                                [&](const FtpLogin& o) { return o.login != l.login && o.home == l.home; });
      const UserPath dir{paths::rel_from_abs(ctx.account.home), l.home.substr(ctx.account.home.size() + 1)};
      if (!shared && !ends_with(l.home, "/public_html") && txn.exists(dir)) txn.remove(dir);
    }
    accounts.erase(l.login);
  });
  return {};
}

Response change_password(Context& ctx, const Request& req) {
  const std::string name = req.require("user");
  const std::string pass = req.require("pass");
  check_ftp_password(pass);
  check_password_strength(ctx.root, password_app::kFtp, "pass", pass);
  const std::string domain = domain_arg(ctx, req);
  change_ftp(ctx, [&](FtpAccounts& accounts, Transaction&) {
    FtpLogin& l = accounts.require(name, domain);
    if (accounts.type_of(l) != FtpType::Sub)
      throw ApiError("The password of “" + l.login + "” is the cPanel account's password; change it with passwd.");
    l.hash = (l.enabled() ? "" : "!") + hash_password(pass);
  });
  return {};
}

Response set_quota(Context& ctx, const Request& req) {
  const std::string name = req.require("user");
  const std::string domain = domain_arg(ctx, req);
  const auto quota = req.flag("kill", false) ? std::nullopt : quota_arg(req);  // kill=1: no quota
  change_ftp(ctx, [&](FtpAccounts& accounts, Transaction&) {
    FtpLogin& l = accounts.require(name, domain);
    if (accounts.type_of(l) != FtpType::Sub)
      throw ApiError("The quota of “" + l.login + "” is the cPanel account's disk quota.");
    accounts.set_quota_mb(l.login, quota);
  });
  return {};
}

Response get_quota(Context& ctx, const Request& req) {
  const std::string name = req.require("account");
  const std::string domain = domain_arg(ctx, req);
  Transaction view(ctx.root);
  FtpAccounts accounts(view, ctx.account);
  const FtpLogin* l = accounts.find(name, domain);
  if (!l) throw no_such_login(ctx, name, req.get_or("domain", ""));
  auto mb = accounts.quota_mb(l->login);
  Response r;
  r.data = mb ? std::to_string(*mb) : "unlimited";
  return r;
}

// homedir= absent: "<name>@<domain>" in the home; empty: public_html (cPanel's defaults).
Response set_homedir(Context& ctx, const Request& req) {
  const std::string name = req.require("user");
  const std::string domain = domain_arg(ctx, req);
  const auto requested = req.get("homedir");
  change_ftp(ctx, [&](FtpAccounts& accounts, Transaction& txn) {
    FtpLogin& l = accounts.require(name, domain);
    if (accounts.type_of(l) != FtpType::Sub) throw ApiError("Only an FTP sub-account's directory can be changed.");
    const std::string full_login = l.login.find('@') == std::string::npos ? l.login + "@" + domain : l.login;
    const FtpHomedir home = ftp_homedir(ctx.root, ctx.account,
                                        !requested           ? full_login
                                        : requested->empty() ? "public_html"
                                                             : *requested);
    l.home = home.path;
    stage_ftp_root(ctx, txn, home);
  });
  return {};
}

// whmkit additions (seed 003's FTP API): enable/disable, read-only, allowed client IPs.
Response set_enabled(Context& ctx, const Request& req) {
  const std::string name = req.require("user");
  const std::string domain = domain_arg(ctx, req);
  const bool enable = req.flag("enabled", true);
  change_ftp(ctx, [&](FtpAccounts& accounts, Transaction&) {
    FtpLogin& l = accounts.require(name, domain);
    if (accounts.type_of(l) != FtpType::Sub) throw ApiError("Only FTP sub-accounts can be enabled or disabled.");
    if (enable && !l.enabled()) l.hash = l.hash.substr(1);
    if (!enable && l.enabled()) l.hash = "!" + l.hash;
  });
  return {};
}

Response set_read_only(Context& ctx, const Request& req) {
  const std::string name = req.require("user");
  const std::string domain = domain_arg(ctx, req);
  const bool read_only = req.flag("read_only", true);
  change_ftp(ctx, [&](FtpAccounts& accounts, Transaction&) {
    FtpLogin& l = accounts.require(name, domain);
    if (accounts.type_of(l) != FtpType::Sub) throw ApiError("Only FTP sub-accounts can be made read-only.");
    FtpExtras x = accounts.extras(l.login);
    x.read_only = read_only;
    accounts.set_extras(l.login, x);
  });
  return {};
}

Response set_allowed_ips(Context& ctx, const Request& req) {
  const std::string name = req.require("user");
  const std::string domain = domain_arg(ctx, req);
  const auto ips = ip_list_arg(req);
  change_ftp(ctx, [&](FtpAccounts& accounts, Transaction&) {
    FtpLogin& l = accounts.require(name, domain);
    if (accounts.type_of(l) != FtpType::Sub) throw ApiError("Only FTP sub-accounts take IP restrictions.");
    FtpExtras x = accounts.extras(l.login);
    x.allowed_ips = ips;
    accounts.set_extras(l.login, x);
  });
  return {};
}

Response list_sessions(Context& ctx, const Request&) {
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& s : live_sessions(ctx)) r.data.push_back(session_json(s, false));
  return r;
}

Response listftpsessions(Context& ctx, const Request&) {
  Response r;
  r.data = nlohmann::json::array();
  for (const auto& s : live_sessions(ctx)) r.data.push_back(session_json(s, true));
  return r;
}

// SIGTERM, then SIGKILL if the session is still there after a second (a
// pure-ftpd session in the middle of a transfer may not stop at once).
bool end_process(pid_t pid) {
  if (::kill(pid, SIGTERM) != 0) return false;
  for (int i = 0; i < 20; ++i) {
    if (::kill(pid, 0) != 0) return true;
    ::usleep(50 * 1000);
  }
  ::kill(pid, SIGKILL);
  return true;
}

Response kill_session(Context& ctx, const Request& req) {
  const std::string login = req.get_or("login", "all");
  Transaction view(ctx.root);
  FtpAccounts accounts(view, ctx.account);
  if (login != "all" && !accounts.find_login(login) && !accounts.find(login, ""))
    throw ApiError("The FTP account “" + login + "” does not belong to the cPanel account “" + ctx.account.user + "”.");
  std::string target = login;
  if (login != "all" && !accounts.find_login(login)) target = accounts.find(login, "")->login;
  int killed = 0;
  for (const auto& s : live_sessions(ctx))
    if (login == "all" || s.login == target)
      if (end_process(static_cast<pid_t>(s.pid))) ++killed;
  Response r;
  r.messages.push_back("Ended " + std::to_string(killed) + " FTP session" + (killed == 1 ? "" : "s") + ".");
  return r;
}

// ---- anonymous FTP and the server (ftp_store.hpp, ftp_server.hpp) ------------

// Allowing anonymous FTP also adds the anonymous login to the account's FTP
// logins if it is missing, so that the listings show it; refusing it keeps
// the login (cPanel keeps it too), only public_ftp closes.
Response set_anonymous(Context& ctx, bool allow) {
  change_ftp(ctx, [&](FtpAccounts& accounts, Transaction& txn) {
    if (allow) accounts.add_anonymous_login();
    stage_anonymous_ftp(ctx.root, txn, ctx.account, allow);
  });
  return {};
}
Response set_anonymous_ftp(Context& ctx, const Request& req) { return set_anonymous(ctx, req.flag("set", false)); }
Response allow_anonymous(Context& ctx, const Request&) { return set_anonymous(ctx, true); }
Response disallow_anonymous(Context& ctx, const Request&) { return set_anonymous(ctx, false); }

Response allows_anonymous(Context& ctx, const Request&) {
  Response r;
  r.data = {{"allows", anonymous_ftp_allowed(ctx.root, ctx.account) ? 1 : 0}};
  return r;
}

Response set_anonymous_ftp_incoming(Context& ctx, const Request& req) {
  refuse_if_suspended(ctx);
  Transaction txn(ctx.root);
  stage_anonymous_uploads(ctx.root, txn, ctx.account, req.flag("set", false));
  txn.commit();
  return {};
}

Response allows_anonymous_incoming(Context& ctx, const Request&) {
  Response r;
  r.data = {{"allows", anonymous_uploads_allowed(ctx.root, ctx.account) ? 1 : 0}};
  return r;
}

Response get_welcome_message(Context& ctx, const Request&) {
  Response r;
  r.data = welcome_message(ctx.root, ctx.account);
  return r;
}

Response set_welcome_message(Context& ctx, const Request& req) {
  const std::string message = req.get_or("message", "");
  refuse_if_suspended(ctx);
  Transaction txn(ctx.root);
  stage_welcome_message(txn, ctx.account, message);
  txn.commit();
  return {};
}

Response server_name(Context& ctx, const Request&) {
  Response r;
  r.data = ftp_server_type(ctx.root);
  return r;
}

Response get_port(Context& ctx, const Request&) {
  Response r;
  r.data = {{"port", ftp_server_port(ctx.root)}};
  return r;
}

Response get_ftp_daemon_info(Context& ctx, const Request&) {
  const FtpDaemonInfo info = ftp_daemon_info(ctx.root);
  Response r;
  r.data = {
      {"enabled", info.enabled ? 1 : 0},
      {"name", info.name},
      {"supports",
       {{"login_without_domain", info.supports_login_without_domain ? 1 : 0}, {"quota", info.supports_quota ? 1 : 0}}}};
  return r;
}

// Parameter lists, shared by UAPI and API 2 where they take the same ones;
// names, required and defaults as the UAPI OpenAPI description gives them.

// A function about one login: user= (required), `before` the domain, domain=, `after`.
std::vector<ParamSpec> login_params(std::vector<ParamSpec> before, const std::vector<ParamSpec>& after = {}) {
  before.insert(before.begin(), required_param("user"));
  before.push_back(optional_param("domain"));
  before.insert(before.end(), after.begin(), after.end());
  return before;
}

const std::vector<ParamSpec> kListParams = {optional_param("include_acct_types"), optional_param("skip_acct_types")};
const std::vector<ParamSpec> kListWithDiskParams = {optional_param("include_acct_types"),
                                                    optional_param("skip_acct_types"), optional_param("dirhtml")};
// pass or pass_hash, exactly one (the OpenAPI description requires neither alone).
ParamSpec in_example(ParamSpec p) {
  p.in_example = true;
  return p;
}
const std::vector<ParamSpec> kAddParams = login_params(
    {in_example(described(optional_param("pass"), "The new login's password. Give pass or pass_hash, not both.")),
     described(optional_param("pass_hash"), "A crypt(3) hash (\"$6$...\") stored as the password instead.")},
    {optional_param("quota", ParamType::IntOrUnlimited, "0"), optional_param("homedir"),
     optional_param("disallowdot", ParamType::Boolean, "1")});
const std::vector<ParamSpec> kDeleteParams = login_params({}, {optional_param("destroy", ParamType::Boolean, "0")});
const std::vector<ParamSpec> kPasswdParams = login_params({required_param("pass")});
const std::vector<ParamSpec> kQuotaParams = login_params({optional_param("quota", ParamType::IntOrUnlimited, "0")},
                                                         {optional_param("kill", ParamType::Boolean, "0")});
// set=1 allows, set=0 (the default) refuses.
const std::vector<ParamSpec> kSetParams = {optional_param("set", ParamType::Boolean, "0")};
ParamSpec message_param() {
  ParamSpec p = required_param("message");
  p.multiline = true;  // a welcome message may have several lines
  return p;
}

// UAPI's add_ftp takes more than its API 2 twin.
std::vector<ParamSpec> with(std::vector<ParamSpec> params, const std::vector<ParamSpec>& more) {
  params.insert(params.end(), more.begin(), more.end());
  return params;
}

// The features that gate the module: FTP Accounts, and FTP Connections for
// the sessions; the server's own facts (name, port, daemon) are for everyone.
constexpr const char* kAccountsFeature = "ftpaccts";
constexpr const char* kSessionsFeature = "ftpsetup";
constexpr const char* kNoFeature = "";

ModuleFunction uapi(const char* name, Handler h, Access access, std::vector<ParamSpec> params = {},
                    const char* feature = kAccountsFeature) {
  return {Api::Uapi, "Ftp", name, std::move(h), access, needs_feature(feature, {domain("domain")}), std::move(params)};
}
ModuleFunction api2(const char* name, Handler h, Access access, std::vector<ParamSpec> params = {},
                    const char* feature = kAccountsFeature) {
  return {Api::Api2, "Ftp", name, std::move(h), access, needs_feature(feature, {domain("domain")}), std::move(params)};
}

WHMKIT_REGISTRATIONS(
    ftp_functions,
    // UAPI: FTP accounts
    Registration(uapi("list_ftp", list_ftp, Access::Read, kListParams)),
    Registration(uapi("list_ftp_with_disk", list_ftp_with_disk, Access::Read, kListWithDiskParams)),
    Registration(uapi("ftp_exists", ftp_exists, Access::Read, login_params({}))),
    Registration(uapi("add_ftp", add_ftp, Access::Write,
                      with(kAddParams,
                           {optional_param("read_only", ParamType::Boolean), optional_param("allowed_ips")}))),
    Registration(uapi("delete_ftp", delete_ftp, Access::Write, kDeleteParams)),
    Registration(uapi("passwd", change_password, Access::Write, kPasswdParams)),
    Registration(uapi("set_quota", set_quota, Access::Write, kQuotaParams)),
    Registration(uapi("get_quota", get_quota, Access::Read, {required_param("account"), optional_param("domain")})),
    Registration(uapi("set_homedir", set_homedir, Access::Write, login_params({}, {optional_param("homedir")}))),
    Registration(uapi("set_enabled", set_enabled, Access::Write,
                      login_params({required_param("enabled", ParamType::Boolean)}))),
    Registration(uapi("set_read_only", set_read_only, Access::Write,
                      login_params({required_param("read_only", ParamType::Boolean)}))),
    Registration(uapi("set_allowed_ips", set_allowed_ips, Access::Write,
                      login_params({optional_param("allowed_ips")}))),
    // UAPI: sessions
    Registration(uapi("list_sessions", list_sessions, Access::Read, {}, kSessionsFeature)),
    Registration(uapi("kill_session", kill_session, Access::Read, {optional_param("login", ParamType::String, "all")},
                      kSessionsFeature)),
    // UAPI: anonymous FTP and the server
    Registration(uapi("set_anonymous_ftp", set_anonymous_ftp, Access::Write, kSetParams)),
    Registration(uapi("allows_anonymous_ftp", allows_anonymous, Access::Read)),
    Registration(uapi("allow_anonymous_ftp", allow_anonymous, Access::Write)),
    Registration(uapi("disallow_anonymous_ftp", disallow_anonymous, Access::Write)),
    Registration(uapi("set_anonymous_ftp_incoming", set_anonymous_ftp_incoming, Access::Write, kSetParams)),
    Registration(uapi("allows_anonymous_ftp_incoming", allows_anonymous_incoming, Access::Read)),
    Registration(uapi("get_welcome_message", get_welcome_message, Access::Read)),
    Registration(uapi("set_welcome_message", set_welcome_message, Access::Write, {message_param()})),
    Registration(uapi("server_name", server_name, Access::Read, {}, kNoFeature)),
    Registration(uapi("get_port", get_port, Access::Read, {}, kNoFeature)),
    Registration(uapi("get_ftp_daemon_info", get_ftp_daemon_info, Access::Read, {}, kNoFeature)),
    // API 2
    Registration(api2("listftp", list_ftp, Access::Read, kListParams)),
    Registration(api2("listftpwithdisk", listftpwithdisk, Access::Read, kListWithDiskParams)),
    Registration(api2("listftpsessions", listftpsessions, Access::Read, {}, kSessionsFeature)),
    Registration(api2("addftp", api2_ok(add_ftp), Access::Write, kAddParams)),
    Registration(api2("delftp", api2_ok(delete_ftp), Access::Write, kDeleteParams)),
    Registration(api2("passwd", api2_ok(change_password), Access::Write, kPasswdParams)),
    Registration(api2("passwdftp", api2_ok(change_password), Access::Write, kPasswdParams)),
    Registration(api2("setquota", api2_ok(set_quota), Access::Write, kQuotaParams)), );

}  // namespace
}  // namespace whm
